/**
 * Following one started session-log query until it ends (the session-logs function's use case):
 * look at the provider with exponential backoff, store each new state through the same store the
 * api uses, and publish it so `onSessionLogQuery` subscribers see progress and completion. A
 * query replaced meanwhile (a newer one for the same request) is left to its own follower.
 */
import { ConflictError } from '../errors';
import type { Clock } from '../ports';
import {
  SessionLogProviderError,
  type ProviderQueryStatus,
  type SessionLogJob,
  type SessionLogProvider,
  type SessionLogPublisher,
  type SessionLogQueryChanges,
  type SessionLogQueryRecord,
  type SessionLogQueryStore,
  type SessionLogQueryView,
} from './ports';
import { changesFor, viewOf } from './queries';

/** Backoff of the provider looks and the longest a query is followed. */
export const FOLLOW_DEFAULTS = { firstDelayMs: 1_000, maxDelayMs: 8_000, maxWaitMs: 10 * 60_000 } as const;

export interface FollowDeps {
  queries: SessionLogQueryStore;
  provider: SessionLogProvider;
  publisher?: SessionLogPublisher;
  clock: Clock;
  log?: { warn(message: string, detail: Record<string, unknown>): void };
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

/** What subscribers would notice: a look that changes none of it is neither stored nor sent. */
const seen = (r: SessionLogQueryRecord) => JSON.stringify([r.status, r.progress, r.rowCount, r.error]);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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
