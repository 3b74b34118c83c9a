/**
 * Session logs in the local cloud: the api's follower is an in-process call of the real
 * session-logs handler (not awaited, like an asynchronous Lambda invocation), and every session
 * that starts gets synthetic CloudTrail activity in the local CloudTrail Lake, so the logs panel
 * has something to show.
 *
 * The activity of a session is planned when the session starts (deterministic: a burst of calls
 * between the grant and the moment the local cloud noticed it, then calls spread over the planned
 * duration) and each call reaches the event data store only once its time has come, as CloudTrail
 * delivers it. A session that ends early (revoked, failed) stops making calls.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import type { ApiPorts, SessionLogFollower } from '../../lambdas/handlers/api/compose';
import { fromImage } from '../../lambdas/handlers/router';
import {
  makeSessionLogsHandler,
  type FollowOptions,
  type SessionLogJob,
} from '../../lambdas/handlers/session-logs';
import type { SessionLogsDeps } from '../../lambdas/handlers/session-logs/compose';
import { generateSessionActivity, type CloudTrailEvent, type SessionActivityOptions } from '../cloudtrail';
import type { SchedulingClock } from '../sfn';

/** A follower that runs the session-logs handler in this process; `stop()` ends every follow. */
export interface InProcessFollower extends SessionLogFollower {
  /** Resolves once no query is being followed. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Follows started queries in-process with the real handler over the session-logs function's `deps`. */
export function inProcessFollower(
  deps: () => SessionLogsDeps,
  options: { follow?: Omit<FollowOptions, 'signal'>; onError?: (error: unknown) => void } = {},
): InProcessFollower {
  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();
  const handler = makeSessionLogsHandler({ deps, follow: { ...options.follow, signal: controller.signal } });
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

const time = z.string().refine((v) => Number.isFinite(Date.parse(v)));
/** The fields of a Requests stream image that say a session is over, and since when. */
const endedSession = z.object({
  id: z.string().min(1),
  status: z.enum(['ended', 'revoked', 'error']),
  revokedAt: time.optional(),
  endedAt: time.optional(),
  updatedAt: time.optional(),
});

const HOUR_MS = 60 * 60 * 1000;
/** Calls a demo session makes per hour of access, and at most per session. */
const CALLS_PER_HOUR = 30;
const MAX_CALLS = 240;
/**
 * The burst of calls a session opens with: reads and writes (every write the generator knows is
 * one the default settings flag as sensitive), within two minutes of the grant.
 */
const BURST = { reads: 5, writes: 3, ms: 2 * 60 * 1000 } as const;

const seedOf = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0);

/**
 * The synthetic activity of a session: an opening burst of reads and writes, then calls spread
 * over the planned duration. The burst happens between the grant and `noticedAt` (when the local
 * cloud saw the session start; at most two minutes after the grant), so a session is never
 * without calls however soon it is looked at. Deterministic: the same session noticed at the same
 * moment always gives the same events.
 */
export function sessionActivityFor(
  session: StartedSession,
  userName: string,
  noticedAt?: Date,
): SessionActivityOptions[] {
  const from = new Date(Date.parse(session.grantedAt));
  const base = { userName, accountId: session.accountId, permissionSetName: session.permissionSetName, from };
  const span = session.durationHours * HOUR_MS;
  const noticedMs = noticedAt === undefined ? Infinity : Math.max(0, noticedAt.getTime() - from.getTime());
  const burstEnd = new Date(from.getTime() + Math.min(BURST.ms, span, noticedMs));
  // Each part has its own seed: parts that share `from` would otherwise share their random draws.
  const seed = (part: string) => seedOf(`${session.id}|${session.grantedAt}|${part}`);
  return [
    { ...base, to: burstEnd, count: BURST.reads, writeShare: 0, seed: seed('burst-reads') },
    { ...base, to: burstEnd, count: BURST.writes, writeShare: 1, seed: seed('burst-writes') },
    {
      ...base,
      to: new Date(from.getTime() + span),
      count: Math.min(MAX_CALLS, Math.max(1, Math.round(session.durationHours * CALLS_PER_HOUR))),
      seed: seed('spread'),
    },
  ];
}

/** Every call `sessionActivityFor` plans, oldest first (ties by event id, as the query orders them). */
export function plannedSessionEvents(
  session: StartedSession,
  userName: string,
  noticedAt?: Date,
): CloudTrailEvent[] {
  return sessionActivityFor(session, userName, noticedAt)
    .flatMap((activity) => generateSessionActivity(activity))
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime) || compareText(a.eventID, b.eventID));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
 * The sessions a stream batch ends (a request now ended, revoked or failed), each with the
 * moment its calls stop: the earlier of revokedAt and endedAt, else (a failure) updatedAt.
 */
export function sessionEndsIn(event: DynamoDBStreamEvent): Map<string, number> {
  const ends = new Map<string, number>();
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    if (!image || (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY')) continue;
    const parsed = endedSession.safeParse(fromImage(image));
    if (!parsed.success) continue;
    const { id, revokedAt, endedAt, updatedAt } = parsed.data;
    // updatedAt only says when a failure was written; a revoke or end says when access stopped.
    const stops = [revokedAt, endedAt].flatMap((t) => (t === undefined ? [] : [Date.parse(t)]));
    const at =
      stops.length > 0 ? Math.min(...stops) : updatedAt === undefined ? Infinity : Date.parse(updatedAt);
    ends.set(id, Math.min(ends.get(id) ?? Infinity, at));
  }
  return ends;
}

/** CloudTrail times have whole seconds: a call is due once the current second reaches it. */
const horizon = (nowMs: number) => Math.ceil(nowMs / 1000) * 1000;

/** Records the synthetic activity of the sessions a Requests stream starts. */
export interface SessionActivityRecorder {
  /**
   * Reads one stream batch: a session that starts gets its opening burst at once and its later
   * calls as their times come; a session that ends stops making calls. Never throws (the batch
   * belongs to the router).
   */
  observe(event: DynamoDBStreamEvent): Promise<void>;
  /** Ids of the requests whose sessions still have calls to make. */
  active(): string[];
  /** Cancels every call still to come. */
  stop(): void;
}

interface Recording {
  /** Planned calls, oldest first, and their times (ms). */
  events: CloudTrailEvent[];
  times: number[];
  /** Index of the first call not recorded yet. */
  next: number;
  /** No call after this moment (ms): the session ended. */
  until: number;
  cancel?: () => void;
}

/**
 * Watches the Requests stream and records each session's synthetic activity in the event data
 * store (`record`), call by call as the clock reaches them, so what a query finds is what had
 * happened by the time it ran.
 */
export function sessionActivityRecorder(deps: {
  directory: Pick<ApiPorts['directory'], 'getUser'>;
  record: (events: CloudTrailEvent[]) => unknown;
  clock: Pick<SchedulingClock, 'now' | 'schedule'>;
  onError?: (error: unknown) => void;
}): SessionActivityRecorder {
  const onError =
    deps.onError ??
    ((error: unknown) => console.error('local session-logs: recording activity failed', error));
  // A batch the router failed comes again: each session is recorded once.
  const seen = new Set<string>();
  const recordings = new Map<string, Recording>();
  let stopped = false;
  // User names do not change while the local cloud runs; busy runs start many sessions each.
  const userNames = new Map<string, string | undefined>();
  const userNameOf = async (userId: string) => {
    if (!userNames.has(userId)) userNames.set(userId, (await deps.directory.getUser(userId))?.userName);
    return userNames.get(userId);
  };

  /** Records the calls that are due, then waits for the next one (or forgets the session). */
  const release = (id: string, recording: Recording) => {
    recording.cancel?.();
    recording.cancel = undefined;
    if (stopped || recordings.get(id) !== recording) return;
    const upTo = Math.min(horizon(deps.clock.now()), recording.until);
    let end = recording.next;
    while (end < recording.times.length && (recording.times[end] ?? Infinity) <= upTo) end += 1;
    if (end > recording.next) {
      const due = recording.events.slice(recording.next, end);
      recording.next = end;
      try {
        deps.record(due);
      } catch (error) {
        onError(error);
      }
    }
    const nextAt = recording.times[recording.next];
    if (nextAt === undefined || nextAt > recording.until) {
      recordings.delete(id);
      return;
    }
    recording.cancel = deps.clock.schedule(nextAt - 999, () => release(id, recording));
  };

  return {
    async observe(event) {
      if (stopped) return;
      const ends = sessionEndsIn(event);
      for (const session of sessionsStartedIn(event)) {
        const key = `${session.id}@${session.grantedAt}`;
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          const userName = await userNameOf(session.requester.id);
          if (userName === undefined || stopped) continue;
          const events = plannedSessionEvents(session, userName, new Date(deps.clock.now()));
          const recording: Recording = {
            events,
            times: events.map((e) => Date.parse(e.eventTime)),
            next: 0,
            // The same batch may already end it (a stream read after a pause).
            until: ends.get(session.id) ?? Infinity,
          };
          recordings.get(session.id)?.cancel?.();
          recordings.set(session.id, recording);
          release(session.id, recording);
        } catch (error) {
          onError(error);
        }
      }
      for (const [id, at] of ends) {
        const recording = recordings.get(id);
        if (!recording) continue;
        recording.until = Math.min(recording.until, at);
        release(id, recording);
      }
    },
    active: () => [...recordings.keys()],
    stop() {
      stopped = true;
      for (const recording of recordings.values()) recording.cancel?.();
      recordings.clear();
    },
  };
}
