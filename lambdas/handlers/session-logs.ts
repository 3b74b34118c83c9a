/**
 * The session-logs Lambda: follows one session-log query, started by the api, until it ends.
 * Invoked asynchronously with `{ requestId, queryId }`; it looks at the provider with
 * exponential backoff (1 s doubling to 8 s, at most about ten minutes), stores each new state
 * through the same repository the api uses, and publishes it (`publishSessionLogQuery`) so
 * `onSessionLogQuery` subscribers see progress and completion. A query replaced meanwhile (a
 * newer one for the same request) is left to its own follower.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { ConflictError } from '../core/errors';
import type { Clock } from '../core/ports';
import {
  changesFor,
  SessionLogProviderError,
  type ProviderQueryProgress,
  type ProviderQueryStatus,
  type SessionLogProvider,
  type SessionLogQueryChanges,
  type SessionLogQueryRecord,
  type SessionLogQueryStore,
  type SessionLogQueryView,
} from '../core/session-logs';
import type { SessionLogJob, SessionLogPublisher } from './api/session-log-service';
import { sessionLogsDepsFromEnvironment, type SessionLogsDeps } from './session-logs/compose';

/** Backoff of the provider looks and the longest a query is followed. */
export const FOLLOW_DEFAULTS = { firstDelayMs: 1_000, maxDelayMs: 8_000, maxWaitMs: 10 * 60_000 } as const;
/** Left of the Lambda's time when following stops, to store and publish the last state. */
const TIME_RESERVE_MS = 20_000;

export interface FollowDeps {
  queries: SessionLogQueryStore;
  provider: SessionLogProvider;
  publisher?: SessionLogPublisher;
  clock: Clock;
  log?: Pick<Logger, 'warn'>;
}

export interface FollowOptions {
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Total time spent waiting between looks before the query is given up as timed out. */
  maxWaitMs?: number;
  /** Stops following early (the local cloud shutting down). */
  signal?: AbortSignal;
  /** Waits `ms` (tests pass an instant one); must end early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How following ended: the final state, or why it stopped before one. */
export type FollowOutcome = 'FINISHED' | 'FAILED' | 'TIMED_OUT' | 'SUPERSEDED' | 'STOPPED';

/** Waits `ms` on a timer, resolving early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const FINAL = new Set(['FINISHED', 'FAILED', 'DISABLED']);

function viewOf(record: SessionLogQueryRecord, live?: ProviderQueryProgress): SessionLogQueryView {
  const view: SessionLogQueryView = {
    requestId: record.requestId,
    status: record.status,
    windowStart: record.windowStart,
    windowEnd: record.windowEnd,
    updatedAt: record.updatedAt,
  };
  if (record.progress !== undefined) view.progress = record.progress;
  if (record.error !== undefined) view.error = record.error;
  if (record.rowCount !== undefined) view.rowCount = record.rowCount;
  if (live?.eventsScanned !== undefined) view.eventsScanned = live.eventsScanned;
  if (live?.eventsMatched !== undefined) view.eventsMatched = live.eventsMatched;
  return view;
}

/** What subscribers would notice: a look that changes none of it is neither stored nor sent. */
const seen = (r: SessionLogQueryRecord) => JSON.stringify([r.status, r.progress, r.rowCount, r.error]);

/**
 * Follows `job` until its query ends, the wait budget is spent (stored as FAILED, timed out),
 * a newer query replaces it, or `signal` aborts. Never looks twice without waiting in between.
 */
export async function followSessionLogQuery(
  deps: FollowDeps,
  job: SessionLogJob,
  options: FollowOptions = {},
): Promise<FollowOutcome> {
  const firstDelay = Math.max(1, options.firstDelayMs ?? FOLLOW_DEFAULTS.firstDelayMs);
  const maxDelay = Math.max(firstDelay, options.maxDelayMs ?? FOLLOW_DEFAULTS.maxDelayMs);
  const maxWait = Math.max(0, options.maxWaitMs ?? FOLLOW_DEFAULTS.maxWaitMs);
  const wait = options.sleep ?? sleep;
  const { queries, provider, clock } = deps;

  const publish = async (view: SessionLogQueryView) => {
    if (!deps.publisher) return;
    try {
      await deps.publisher.publishSessionLogQuery(view);
    } catch (error) {
      // Subscribers miss one update; the stored state (and sessionLogQuery) still has it.
      deps.log?.warn('Could not publish a session-log query state', { ...job, error: messageOf(error) });
    }
  };
  /** Stores `changes` on the followed query; undefined when a newer query replaced it. */
  const store = async (
    record: SessionLogQueryRecord,
    changes: Omit<SessionLogQueryChanges, 'updatedAt'>,
  ): Promise<SessionLogQueryRecord | undefined> => {
    const updatedAt = clock.now().toISOString();
    try {
      await queries.update(job.requestId, job.queryId, { ...changes, updatedAt });
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
    return { ...record, ...changes, updatedAt };
  };

  let record = await queries.get(job.requestId);
  if (!record || record.queryId !== job.queryId) return 'SUPERSEDED';
  if (FINAL.has(record.status)) {
    // The api's own look saw the end first; subscribers may not have heard of it yet.
    await publish(viewOf(record));
    return record.status === 'FINISHED' ? 'FINISHED' : 'FAILED';
  }

  let delay = firstDelay;
  let waited = 0;
  for (;;) {
    if (waited >= maxWait) {
      const minutes = Math.max(1, Math.round(maxWait / 60_000));
      const ended = await store(record, {
        status: 'FAILED',
        error: `The session-log query did not finish within ${minutes} minute${minutes === 1 ? '' : 's'}; start it again.`,
      });
      if (!ended) return 'SUPERSEDED';
      await publish(viewOf(ended));
      return 'TIMED_OUT';
    }
    const pause = Math.min(delay, maxWait - waited);
    await wait(pause, options.signal);
    if (options.signal?.aborted) return 'STOPPED';
    waited += pause;
    delay = Math.min(delay * 2, maxDelay);

    let status: ProviderQueryStatus;
    try {
      status = await provider.status(job.queryId);
    } catch (error) {
      if (!(error instanceof SessionLogProviderError)) {
        // Throttling that outlasted the SDK's retries, a network blip: look again later.
        deps.log?.warn('Could not look at a session-log query; trying again', {
          ...job,
          error: messageOf(error),
        });
        continue;
      }
      status = { state: 'FAILED', error: error.message };
    }
    const changes = changesFor(status, clock.now().toISOString());
    const { updatedAt: _at, ...fields } = changes;
    const next = { ...record, ...fields };
    if (seen(next) === seen(record)) continue;
    const stored = await store(record, fields);
    if (!stored) return 'SUPERSEDED';
    record = stored;
    await publish(viewOf(record, status.progress));
    if (FINAL.has(record.status)) return record.status === 'FINISHED' ? 'FINISHED' : 'FAILED';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const jobSchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  queryId: z.string().min(1).max(512),
});

export interface SessionLogsHandlerOptions {
  /** The provider, query state and publisher (default: built from the environment). */
  deps?: () => SessionLogsDeps;
  logger?: Logger;
  follow?: FollowOptions;
}

/** The handler's answer: which query and how following it ended. */
export type SessionLogsResult =
  (SessionLogJob & { outcome: FollowOutcome | 'DISABLED' }) | { outcome: 'INVALID' };

/** Builds the handler (the local cloud passes its own follow options). */
export function makeSessionLogsHandler(
  options: SessionLogsHandlerOptions = {},
): (event: unknown, context?: Context) => Promise<SessionLogsResult> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-session-logs' });
  return async (event, context) => {
    const parsed = jobSchema.safeParse(event);
    if (!parsed.success) {
      // Not thrown: Lambda would retry an asynchronous invocation that can never become valid.
      logger.error('Ignored a session-logs invocation that is not { requestId, queryId }', {
        issues: parsed.error.issues.map((i) => i.message),
      });
      return { outcome: 'INVALID' };
    }
    const job = parsed.data;
    const { provider, queries, publisher, clock } = (options.deps ?? sessionLogsDepsFromEnvironment)();
    if (!provider) return { ...job, outcome: 'DISABLED' };
    const follow: FollowOptions = { ...options.follow };
    if (context) {
      const budget = context.getRemainingTimeInMillis() - TIME_RESERVE_MS;
      follow.maxWaitMs = Math.max(0, Math.min(follow.maxWaitMs ?? FOLLOW_DEFAULTS.maxWaitMs, budget));
    }
    const outcome = await followSessionLogQuery(
      { provider, queries, clock, log: logger, ...(publisher ? { publisher } : {}) },
      job,
      follow,
    );
    logger.info('Followed a session-log query', { ...job, outcome });
    return { ...job, outcome };
  };
}

/** The Lambda entry point. */
export const handler = makeSessionLogsHandler();
