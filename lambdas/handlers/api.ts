/**
 * The api Lambda: the function behind every root field of `graphql/schema.graphql` (queries,
 * mutations, and subscriptions at subscribe time), routed with Powertools' AppSync GraphQL
 * resolver. Each resolver derives the caller from the verified identity only, checks the
 * arguments' shape, calls one use case and maps its result; errors are turned into
 * `{ errorType, message, errorInfo }` in one place (`api/errors.ts`). `makeApiHandler` throws
 * them (in-process callers: the local AppSync, tests); the Lambda entry point `handler` returns
 * them as data for the field's AppSync resolver to raise.
 */
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { apiBackendFromEnvironment, type ApiBackend } from './api/compose';
import { dashboardResolvers } from './api/dashboard';
import { directoryResolvers } from './api/directory';
import { ApiError, failureResult, toApiError } from './api/errors';
import { callerOf, type Caller } from './api/identity';
import { callerAccessors, type AreaResolvers, type RootType } from './api/kit';
import { policyResolvers } from './api/policies';
import { policyDocumentResolvers } from './api/policy-document';
import { realtimeResolvers } from './api/realtime';
import { requestHistoryResolvers } from './api/request-history';
import { requestResolvers } from './api/requests';
import { sessionLogResolvers } from './api/session-logs';
import { sessionReviewResolvers } from './api/session-review';
import { settingsResolvers } from './api/settings';
import { localContext } from './context';

/** Every area's resolvers; together they cover each root field of the schema once. */
export const API_AREAS: readonly AreaResolvers[] = [
  requestResolvers,
  policyResolvers,
  policyDocumentResolvers,
  requestHistoryResolvers,
  settingsResolvers,
  directoryResolvers,
  sessionLogResolvers,
  sessionReviewResolvers,
  realtimeResolvers,
  dashboardResolvers,
];

/** The root fields the handler resolves, by type (the tests compare them with the schema). */
export function apiFields(): Record<RootType, string[]> {
  const out: Record<RootType, string[]> = { Query: [], Mutation: [], Subscription: [] };
  for (const area of API_AREAS) {
    for (const [type, fields] of Object.entries(area) as [RootType, Record<string, unknown>][]) {
      out[type].push(...Object.keys(fields));
    }
  }
  return out;
}

/** A resolver's failure, carried through Powertools (which would otherwise turn it into data). */
class ResolverFailure {
  constructor(readonly error: ApiError) {}
}

/** Where the handler logs: Powertools' Logger in Lambda; anything with these methods in tests. */
export interface HandlerLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

export interface ApiHandlerOptions {
  /** Where the backend comes from (default: the process's, built from the environment). */
  backend?: () => ApiBackend;
  logger?: HandlerLogger;
}

/** An api handler: `(event, context?) => result`, throwing `ApiError` for GraphQL errors. */
export type ApiHandler = (event: unknown, context?: Context) => Promise<unknown>;

/** Builds the api handler over a backend (tests pass their own). */
export function makeApiHandler(options: ApiHandlerOptions = {}): ApiHandler {
  const backendOf = options.backend ?? apiBackendFromEnvironment;
  const logger: HandlerLogger = options.logger ?? new Logger({ serviceName: 'team-api' });
  const app = new AppSyncGraphQLResolver({ logger });

  for (const area of API_AREAS) {
    for (const [typeName, fields] of Object.entries(area) as [
      RootType,
      NonNullable<AreaResolvers[RootType]>,
    ][]) {
      for (const [fieldName, resolve] of Object.entries(fields)) {
        app.resolver(
          async (args, { event, context }) => {
            try {
              const backend = backendOf();
              let caller: Promise<Caller> | undefined;
              return await resolve({
                args,
                backend,
                ...callerAccessors(
                  () => (caller ??= callerOf(event.identity, backend.callers, backend.machineClients)),
                ),
              });
            } catch (error) {
              return new ResolverFailure(
                toApiError(error, logger, {
                  field: `${typeName}.${fieldName}`,
                  correlationId: context.awsRequestId,
                }),
              );
            }
          },
          { typeName, fieldName },
        );
      }
    }
  }

  return async (event, context) => {
    const ctx = context ?? localContext('team-api');
    let result: unknown;
    try {
      result = await app.resolve(event, ctx);
    } catch (error) {
      // Only Powertools itself throws here (e.g. a field without a resolver).
      throw toApiError(error, logger, { field: 'unknown', correlationId: ctx.awsRequestId });
    }
    if (result instanceof ResolverFailure) throw result.error;
    return result;
  };
}

/**
 * The api handler as Lambda runs it: a failed field comes back as data (`{ teamResolverFailure:
 * { errorType, message, errorInfo } }`, lambdas/contract/api-errors.ts), which the field's
 * resolver raises with `util.error`.
 */
export function returningFailures(run: ApiHandler): ApiHandler {
  return async (event, context) => {
    try {
      return await run(event, context);
    } catch (error) {
      if (error instanceof ApiError) return failureResult(error);
      throw error;
    }
  };
}

/** The Lambda entry point. */
export const handler: ApiHandler = returningFailures(makeApiHandler());
