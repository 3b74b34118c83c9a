/**
 * Session logs in the local cloud: the api's follower is an in-process call of the real
 * session-logs handler (not awaited, like an asynchronous Lambda invocation), and every session
 * that starts gets synthetic CloudTrail activity in the local CloudTrail Lake, so the logs panel
 * has something to show.
 */
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Directory } from '../../lambdas/core/ports';
import type { SessionLogFollower, SessionLogJob } from '../../lambdas/handlers/api/session-log-service';
import { fromImage } from '../../lambdas/handlers/router';
import { makeSessionLogsHandler, type FollowOptions } from '../../lambdas/handlers/session-logs';
import type { SessionActivityOptions } from '../cloudtrail';

/** A follower that runs the session-logs handler in this process; `stop()` ends every follow. */
export interface InProcessFollower extends SessionLogFollower {
  /** Resolves once no query is being followed. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Follows started queries in-process with the real handler (and the backend it finds installed). */
export function inProcessFollower(
  options: { follow?: Omit<FollowOptions, 'signal'>; onError?: (error: unknown) => void } = {},
): InProcessFollower {
  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();
  const handler = makeSessionLogsHandler({ follow: { ...options.follow, signal: controller.signal } });
  const onError =
    options.onError ??
    ((error: unknown) => console.error('local session-logs: following a query failed', error));
  return {
    async dispatch(job: SessionLogJob) {
      if (controller.signal.aborted) return;
      const run = handler(job).catch(onError);
      running.add(run);
      void run.finally(() => running.delete(run));
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async stop() {
      controller.abort();
      await this.idle();
    },
  };
}

/** The fields of a Requests stream image that say which session started. */
const startedSession = z.object({
  id: z.string().min(1),
  status: z.literal('in progress'),
  accountId: z.string(),
  permissionSetName: z.string(),
  durationHours: z.number().positive(),
  grantedAt: z.string().refine((v) => Number.isFinite(Date.parse(v))),
  requester: z.object({ id: z.string().min(1) }),
});
export type StartedSession = z.infer<typeof startedSession>;

const HOUR_MS = 60 * 60 * 1000;
/** Calls a demo session makes per hour of access, and at most per session. */
const CALLS_PER_HOUR = 30;
const MAX_CALLS = 240;
/** A burst of calls right after access starts, so a fresh session soon shows some. */
const BURST = { calls: 8, ms: 2 * 60 * 1000 } as const;

/**
 * The synthetic activity of a session: a short burst after the grant, then calls spread over
 * the planned duration (most of them in the future when recorded; they show up as time passes).
 * Deterministic: the same session always gives the same events.
 */
export function sessionActivityFor(session: StartedSession, userName: string): SessionActivityOptions[] {
  const from = new Date(Date.parse(session.grantedAt));
  const base = { userName, accountId: session.accountId, permissionSetName: session.permissionSetName, from };
  const span = session.durationHours * HOUR_MS;
  return [
    { ...base, to: new Date(from.getTime() + Math.min(BURST.ms, span)), count: BURST.calls },
    {
      ...base,
      to: new Date(from.getTime() + span),
      count: Math.min(MAX_CALLS, Math.max(1, Math.round(session.durationHours * CALLS_PER_HOUR))),
    },
  ];
}

/** The sessions a stream batch starts (a request that became `in progress`). */
export function sessionsStartedIn(event: DynamoDBStreamEvent): StartedSession[] {
  const started: StartedSession[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    if (!image || (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY')) continue;
    const old = record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined;
    if (old?.status?.S === 'in progress') continue;
    const parsed = startedSession.safeParse(fromImage(image));
    if (parsed.success) started.push(parsed.data);
  }
  return started;
}

/**
 * Watches the Requests stream and records synthetic activity for each session that starts.
 * Never throws: the stream batch it rides on belongs to the router.
 */
export function sessionActivityRecorder(deps: {
  directory: Pick<Directory, 'getUser'>;
  record: (activity: SessionActivityOptions) => unknown;
  onError?: (error: unknown) => void;
}): (event: DynamoDBStreamEvent) => Promise<void> {
  const onError =
    deps.onError ??
    ((error: unknown) => console.error('local session-logs: recording activity failed', error));
  // A batch the router failed comes again: each session is recorded once.
  const recorded = new Set<string>();
  // User names do not change while the local cloud runs; busy runs start many sessions each.
  const userNames = new Map<string, string | undefined>();
  const userNameOf = async (userId: string) => {
    if (!userNames.has(userId)) userNames.set(userId, (await deps.directory.getUser(userId))?.userName);
    return userNames.get(userId);
  };
  return async (event) => {
    for (const session of sessionsStartedIn(event)) {
      const key = `${session.id}@${session.grantedAt}`;
      if (recorded.has(key)) continue;
      recorded.add(key);
      try {
        const userName = await userNameOf(session.requester.id);
        if (userName === undefined) continue;
        for (const activity of sessionActivityFor(session, userName)) deps.record(activity);
      } catch (error) {
        onError(error);
      }
    }
  };
}
