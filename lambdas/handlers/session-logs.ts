/**
 * The session-logs Lambda: follows one session-log query, started by the api, until it ends.
 * Invoked asynchronously with `{ requestId, queryId }`; it looks at the provider with
 * exponential backoff (1 s doubling to 8 s, at most about ten minutes), stores each new state
 * through the same repository the api uses, and publishes it (`publishSessionLogQuery`) so
 * `onSessionLogQuery` subscribers see progress and completion. A query replaced meanwhile (a
 * newer one for the same request) is left to its own follower.
 *
 * A schedule sends `{ kind: 'session-summaries' }` instead: the summaries of ended sessions that
 * are due are computed from their logs and stored, flagged for review when they used sensitive
 * actions (`makeProcessSessionSummaries`, lambdas/core/session-review).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import {
  FOLLOW_DEFAULTS,
  followSessionLogQuery,
  type FollowOptions,
  type FollowOutcome,
  type SessionLogJob,
} from '../core/session-logs';
import {
  makeProcessSessionSummaries,
  PROCESS_DEFAULTS,
  type ProcessReport,
  type ProcessSummariesOptions,
} from '../core/session-review';
import { sessionLogsDepsFromEnvironment, type SessionLogsDeps } from './session-logs/compose';

export type { FollowOptions, SessionLogJob } from '../core/session-logs';
export type { ProcessReport, ProcessSummariesOptions, SummaryTiming } from '../core/session-review';

/** Left of the Lambda's time when following stops, to store and publish the last state. */
const TIME_RESERVE_MS = 20_000;

const jobSchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  queryId: z.string().min(1).max(512),
});

/** The scheduled run of the session summaries. */
const summariesSchema = z.strictObject({ kind: z.literal('session-summaries') });

export interface SessionLogsHandlerOptions {
  /** The provider, query state and publisher (default: built from the environment). */
  deps?: () => SessionLogsDeps;
  logger?: Logger;
  follow?: FollowOptions;
  /** How the scheduled run computes the summaries (the local cloud passes a short timing). */
  summaries?: ProcessSummariesOptions;
}

/**
 * The handler's answer: which query and how following it ended, or what the scheduled run of the
 * session summaries did (SUMMARIES; DISABLED without a provider).
 */
export type SessionLogsResult =
  | (SessionLogJob & { outcome: FollowOutcome | 'DISABLED' })
  | { outcome: 'SUMMARIES'; report: ProcessReport }
  | { outcome: 'DISABLED' }
  | { outcome: 'INVALID' };

/** Builds the handler (the local cloud passes its own follow options). */
export function makeSessionLogsHandler(
  options: SessionLogsHandlerOptions = {},
): (event: unknown, context?: Context) => Promise<SessionLogsResult> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-session-logs' });
  return async (event, context) => {
    if (summariesSchema.safeParse(event).success) return runSummaries(options, logger, context);
    const parsed = jobSchema.safeParse(event);
    if (!parsed.success) {
      // Not thrown: Lambda would retry an asynchronous invocation that can never become valid.
      logger.error(
        'Ignored a session-logs invocation that is neither a query to follow nor the summaries run',
        {
          issues: parsed.error.issues.map((i) => i.message),
        },
      );
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

/** The scheduled run: computes the session summaries that are due, within the Lambda's time. */
async function runSummaries(
  options: SessionLogsHandlerOptions,
  logger: Logger,
  context: Context | undefined,
): Promise<SessionLogsResult> {
  const deps = (options.deps ?? sessionLogsDepsFromEnvironment)();
  const { provider, summaries, requests, settings } = deps;
  if (!provider || !summaries || !requests || !settings) return { outcome: 'DISABLED' };
  const run: ProcessSummariesOptions = { ...options.summaries };
  if (context) {
    const budget = context.getRemainingTimeInMillis() - TIME_RESERVE_MS;
    run.maxFollowMs = Math.max(0, Math.min(run.maxFollowMs ?? PROCESS_DEFAULTS.maxFollowMs, budget));
    run.timeUp = () => context.getRemainingTimeInMillis() < TIME_RESERVE_MS;
  }
  const report = await makeProcessSessionSummaries({
    provider,
    summaries,
    requests,
    settings,
    clock: deps.clock,
    log: logger,
    ...(deps.fallback ? { fallback: deps.fallback } : {}),
    ...(deps.dashboard ? { dashboard: deps.dashboard } : {}),
  })(run);
  if (report.taken > 0) logger.info('Computed session summaries', { ...report });
  return { outcome: 'SUMMARIES', report };
}

/** The Lambda entry point. */
export const handler = makeSessionLogsHandler();
