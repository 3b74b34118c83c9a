/**
 * Computing the summaries that are due (the session-logs function's scheduled run): each due
 * session's window is queried at the provider with the same query as the session-logs page
 * (built from the stored request only), its rows read (bounded), summarized and stored. A look
 * that finds no call, or fails, is tried again later with a growing delay until the late-delivery
 * window closes; the look at its end stores what it found. A query that outlives a run is
 * followed again by the next one. Every write is conditional on the version read, so two runs
 * that overlap never store over each other.
 */
import { ConflictError, ValidationError } from '../errors';
import { mapLimited } from '../map-limited';
import type { Clock, RequestRepository } from '../ports';
import { sleep as timerSleep } from '../session-logs/follow';
import { SessionLogProviderError, type SessionLogProvider, type SessionLogRow } from '../session-logs/ports';
import { changesFor } from '../session-logs/queries';
import { sessionLogQuerySpec } from '../session-logs/window';
import { loadSettings, type SettingsDeps } from '../settings/settings';
import type { SessionSummary, SessionSummaryStore } from './ports';
import { storeSessionSummary, type SessionCounter, type SummaryOutcome } from './store';
import { summarizeActivity } from './summarize';
import { firstLookAt, lateDeliveryEnd, retryDelayMs, summaryTiming, type SummaryTiming } from './timing';

/** How much one run takes on, and how it follows a query (the deployed defaults). */
export const PROCESS_DEFAULTS = {
  /** Due summaries taken per run. */
  maxSessions: 25,
  /** Sessions looked at together (each runs one provider query at a time). */
  concurrency: 3,
  /** Backoff of the looks at a running query: 1 s doubling to 8 s. */
  firstPollMs: 1_000,
  maxPollMs: 8_000,
  /** Longest a run follows one query before leaving it to the next run. */
  maxFollowMs: 90_000,
  /** Calls a summary reads at most (20 result pages); more mark the summary truncated. */
  maxRows: 20_000,
} as const;

/** Rows asked of the provider per results page. */
const RESULTS_PAGE = 1_000;

export interface ProcessSummariesDeps extends SettingsDeps {
  summaries: SessionSummaryStore;
  requests: Pick<RequestRepository, 'get'>;
  /** Undefined when the deployment has no session-log provider: nothing is ever due. */
  provider?: SessionLogProvider;
  clock: Clock;
  /** Counts flagged sessions for the dashboard. */
  dashboard?: SessionCounter;
  log?: { warn(message: string, detail: Record<string, unknown>): void };
}

export interface ProcessSummariesOptions {
  timing?: Partial<SummaryTiming>;
  maxSessions?: number;
  concurrency?: number;
  firstPollMs?: number;
  maxPollMs?: number;
  maxFollowMs?: number;
  maxRows?: number;
  /** True once the run must stop starting and following (the Lambda's time is nearly up). */
  timeUp?: () => boolean;
  /** Stops following early (the local cloud shutting down). */
  signal?: AbortSignal;
  /** Waits `ms` (tests pass an instant one); must end early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * What became of one due session in a run: stored (complete, flagged or not), stored as
 * unavailable, left for its first look, to be tried again, its query still running, taken by
 * another run meanwhile, not looked at (the run stopped), or failed unexpectedly.
 */
export type SessionOutcome =
  'stored' | 'flagged' | 'unavailable' | 'waiting' | 'retry' | 'running' | 'conflict' | 'skipped' | 'error';

export interface ProcessReport {
  /** Due summaries taken. */
  taken: number;
  outcomes: Record<SessionOutcome, number>;
}

const emptyReport = (): ProcessReport => ({
  taken: 0,
  outcomes: {
    stored: 0,
    flagged: 0,
    unavailable: 0,
    waiting: 0,
    retry: 0,
    running: 0,
    conflict: 0,
    skipped: 0,
    error: 0,
  },
});

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const iso = (ms: number) => new Date(ms).toISOString();

type Followed = { state: 'finished' } | { state: 'running' } | { state: 'failed'; error: string };

/** Computes the due summaries (see the module comment); returns what became of each. */
export function makeProcessSessionSummaries(
  deps: ProcessSummariesDeps,
): (options?: ProcessSummariesOptions) => Promise<ProcessReport> {
  return async (options = {}) => {
    const report = emptyReport();
    const provider = deps.provider;
    if (!provider) return report;
    const run = new SummaryRun(deps, provider, options);
    const due = await deps.summaries.listDue(deps.clock.now().toISOString(), run.maxSessions);
    if (due.length === 0) return report;
    report.taken = due.length;
    const sensitiveActions = (await loadSettings(deps)).sensitiveActions;
    const outcomes = await mapLimited(due, run.concurrency, (summary) =>
      run.process(summary, sensitiveActions),
    );
    for (const outcome of outcomes) report.outcomes[outcome] += 1;
    return report;
  };
}

class SummaryRun {
  readonly timing: SummaryTiming;
  readonly maxSessions: number;
  readonly concurrency: number;
  private readonly firstPollMs: number;
  private readonly maxPollMs: number;
  private readonly maxFollowMs: number;
  private readonly maxRows: number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    private readonly deps: ProcessSummariesDeps,
    private readonly provider: SessionLogProvider,
    private readonly options: ProcessSummariesOptions,
  ) {
    const whole = (value: number | undefined, fallback: number, min = 1) =>
      Math.max(min, Math.trunc(value ?? fallback));
    this.timing = summaryTiming(options.timing);
    this.maxSessions = whole(options.maxSessions, PROCESS_DEFAULTS.maxSessions);
    this.concurrency = whole(options.concurrency, PROCESS_DEFAULTS.concurrency);
    this.firstPollMs = whole(options.firstPollMs, PROCESS_DEFAULTS.firstPollMs);
    this.maxPollMs = whole(options.maxPollMs, PROCESS_DEFAULTS.maxPollMs, this.firstPollMs);
    this.maxFollowMs = whole(options.maxFollowMs, PROCESS_DEFAULTS.maxFollowMs, 0);
    this.maxRows = whole(options.maxRows, PROCESS_DEFAULTS.maxRows);
    this.wait = options.sleep ?? timerSleep;
  }

  private stopped(): boolean {
    return this.options.signal?.aborted === true || this.options.timeUp?.() === true;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /** One due session, never throwing: what became of it. */
  async process(summary: SessionSummary, sensitiveActions: readonly string[]): Promise<SessionOutcome> {
    if (this.stopped()) return 'skipped';
    let current = summary;
    const track = (next: SessionSummary) => {
      current = next;
      return next;
    };
    try {
      return await this.look(summary, sensitiveActions, track);
    } catch (error) {
      if (error instanceof ConflictError) return 'conflict';
      this.deps.log?.warn('Could not summarize a session; trying again later', {
        requestId: summary.requestId,
        error: messageOf(error),
      });
      try {
        return await this.retryOrStore(current, `The session logs could not be read: ${messageOf(error)}`);
      } catch (again) {
        return again instanceof ConflictError ? 'conflict' : 'error';
      }
    }
  }

  /** Writes `next` over `current` (conditional on its version) and returns it. */
  private async save(current: SessionSummary, next: Omit<SessionSummary, 'version' | 'updatedAt'>) {
    const stored: SessionSummary = {
      ...next,
      updatedAt: iso(this.now()),
      version: current.version + 1,
    };
    await this.deps.summaries.put(stored, current.version);
    return stored;
  }

  private async look(
    summary: SessionSummary,
    sensitiveActions: readonly string[],
    track: (next: SessionSummary) => SessionSummary,
  ): Promise<SessionOutcome> {
    let current = summary;
    // The first look waits for the session's credentials to expire and CloudTrail to deliver.
    if (current.queryId === undefined && current.attempts === 0) {
      const first = firstLookAt(this.timing, current.endedAt);
      if (this.now() < first) {
        track(await this.save(current, { ...current, dueAt: iso(first) }));
        return 'waiting';
      }
    }

    const request = await this.deps.requests.get(current.requestId);
    if (!request)
      return this.store(current, { status: 'unavailable', error: 'The request no longer exists.' });

    if (current.queryId === undefined || current.provider !== this.provider.name) {
      let spec;
      try {
        spec = sessionLogQuerySpec(request, new Date(this.now()), {
          ...(current.userName !== undefined ? { userName: current.userName } : {}),
        });
      } catch (error) {
        // A stored value no query may carry, or a request that was never granted: never readable.
        if (error instanceof ValidationError)
          return this.store(current, { status: 'unavailable', error: error.message });
        throw error;
      }
      let queryId: string;
      try {
        queryId = (await this.provider.start(spec)).queryId;
      } catch (error) {
        return this.retryOrStore(current, messageOf(error));
      }
      const { lastError: _lastError, ...rest } = current;
      current = track(
        await this.save(current, {
          ...rest,
          provider: this.provider.name,
          queryId,
          queryStartedAt: iso(this.now()),
          windowStart: spec.windowStart,
          windowEnd: spec.windowEnd,
          // Another run leaves it alone while this one follows it.
          dueAt: iso(this.now() + this.maxFollowMs + this.timing.pollAgainMs),
        }),
      );
    }

    const queryId = current.queryId as string;
    const followed = await this.follow(queryId);
    if (followed.state === 'running') {
      track(await this.save(current, { ...current, dueAt: iso(this.now() + this.timing.pollAgainMs) }));
      return 'running';
    }
    if (followed.state === 'failed') return this.retryOrStore(current, followed.error);

    let rows: SessionLogRow[];
    let truncated: boolean;
    try {
      ({ rows, truncated } = await this.readRows(queryId));
    } catch (error) {
      return this.retryOrStore(current, messageOf(error));
    }
    const window = {
      ...(current.windowStart !== undefined ? { windowStart: current.windowStart } : {}),
      ...(current.windowEnd !== undefined ? { windowEnd: current.windowEnd } : {}),
    };
    if (rows.length === 0 && this.now() < lateDeliveryEnd(this.timing, current.endedAt)) {
      // Nothing delivered yet (or a session without calls): look again while events may come.
      return this.retry(current);
    }
    const activity = summarizeActivity(rows, sensitiveActions, { truncated });
    return this.store(current, {
      status: 'complete',
      activity,
      windowStart: window.windowStart ?? current.grantedAt,
      windowEnd: window.windowEnd ?? current.endedAt,
    });
  }

  /** Looks at a query until it ends, the run's follow budget is spent, or the run must stop. */
  private async follow(queryId: string): Promise<Followed> {
    let delay = this.firstPollMs;
    let waited = 0;
    for (;;) {
      try {
        const status = await this.provider.status(queryId);
        if (status.state === 'FINISHED') return { state: 'finished' };
        if (status.state === 'FAILED' || status.state === 'CANCELLED' || status.state === 'TIMED_OUT') {
          return { state: 'failed', error: changesFor(status, '').error ?? 'The session-log query failed.' };
        }
      } catch (error) {
        if (error instanceof SessionLogProviderError) return { state: 'failed', error: error.message };
        // Throttling that outlasted the SDK's retries, a network blip: look again.
        this.deps.log?.warn('Could not look at a session-summary query; trying again', {
          queryId,
          error: messageOf(error),
        });
      }
      if (waited >= this.maxFollowMs || this.stopped()) return { state: 'running' };
      const pause = Math.min(delay, this.maxFollowMs - waited);
      await this.wait(pause, this.options.signal);
      waited += pause;
      delay = Math.min(delay * 2, this.maxPollMs);
    }
  }

  /** The query's rows, oldest first, at most `maxRows` (truncated: there were more). */
  private async readRows(queryId: string): Promise<{ rows: SessionLogRow[]; truncated: boolean }> {
    const rows: SessionLogRow[] = [];
    let cursor: string | undefined;
    for (;;) {
      const want = Math.min(RESULTS_PAGE, this.maxRows - rows.length);
      const page = await this.provider.results(queryId, cursor, want);
      rows.push(...page.rows.slice(0, want));
      if (page.rows.length > want) return { rows, truncated: true };
      if (!page.nextCursor) return { rows, truncated: false };
      if (rows.length >= this.maxRows) return { rows, truncated: true };
      cursor = page.nextCursor;
    }
  }

  /** The final summary (the one place it is stored: `storeSessionSummary`). */
  private async store(current: SessionSummary, outcome: SummaryOutcome): Promise<SessionOutcome> {
    const stored = await storeSessionSummary(this.deps, current, outcome, new Date(this.now()));
    if (stored.status === 'unavailable') return 'unavailable';
    return stored.flagged ? 'flagged' : 'stored';
  }

  /** Another look later: the wait grows with each look, and the last one is at the window's end. */
  private async retry(current: SessionSummary, error?: string): Promise<SessionOutcome> {
    const attempts = current.attempts + 1;
    const end = lateDeliveryEnd(this.timing, current.endedAt);
    const { queryId: _queryId, queryStartedAt: _queryStartedAt, lastError: _lastError, ...rest } = current;
    await this.save(current, {
      ...rest,
      attempts,
      ...(error !== undefined ? { lastError: error } : {}),
      dueAt: iso(Math.min(this.now() + retryDelayMs(this.timing, attempts), end)),
    });
    return 'retry';
  }

  /** A failed look: tried again while the late-delivery window is open, else stored as unavailable. */
  private retryOrStore(current: SessionSummary, error: string): Promise<SessionOutcome> {
    if (this.now() >= lateDeliveryEnd(this.timing, current.endedAt)) {
      return this.store(current, {
        status: 'unavailable',
        error,
        ...(current.windowStart !== undefined ? { windowStart: current.windowStart } : {}),
        ...(current.windowEnd !== undefined ? { windowEnd: current.windowEnd } : {}),
      });
    }
    return this.retry(current, error);
  }
}
