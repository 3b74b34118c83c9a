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
import {
  FOLLOW_DEFAULTS,
  followSessionLogQuery,
  type FollowOptions,
  type FollowOutcome,
  type SessionLogJob,
} from '../core/session-logs';
import { sessionLogsDepsFromEnvironment, type SessionLogsDeps } from './session-logs/compose';

export type { FollowOptions, SessionLogJob } from '../core/session-logs';

/** Left of the Lambda's time when following stops, to store and publish the last state. */
const TIME_RESERVE_MS = 20_000;

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
