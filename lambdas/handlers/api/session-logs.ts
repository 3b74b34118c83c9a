/**
 * Resolvers of session-activity logs: the query state, its rows, starting a query, and the
 * subscription check. Readers are those of the request (requester, its approvers, auditors);
 * the server decides the query from the stored request alone — the only argument that reaches
 * the use cases is the request id, and it is never part of a statement.
 */
import { z } from 'zod';
import type {
  MutationStartSessionLogQueryArgs,
  QuerySessionLogQueryArgs,
  QuerySessionLogsArgs,
} from '../../../graphql/generated/schema';
import { readableRequest } from '../../core/session-logs';
import type { AccessRequest } from '../../core/types';
import { sessionLogQueryToGraphQL } from '../../adapters/appsync/graphql-values';
import { argsOf, gqlString, LIST_PAGE, pageArgs, parseArgs } from './args';
import type { AreaResolvers, ResolverContext } from './kit';
import { pageToGraphQL } from './mappers/requests';
import { sessionLogEventToGraphQL } from './mappers/session-logs';

/**
 * The request whose session logs the caller wants, once the caller may read them; refused alike
 * when the request does not exist.
 */
export async function readableSessionOf(
  ctx: ResolverContext,
  requestId: string,
  operation: 'getSessionLogs' | 'startSessionLogQuery',
): Promise<AccessRequest> {
  return readableRequest(ctx.backend.ports, await ctx.user(), requestId, operation);
}

const byRequest = argsOf<QuerySessionLogQueryArgs>()(z.object({ requestId: gqlString }));
const logsArgs = argsOf<QuerySessionLogsArgs>()(
  z.object({
    requestId: gqlString,
    writeOnly: z.boolean().nullish(),
    ...pageArgs(LIST_PAGE.max, LIST_PAGE.default),
  }),
);
const startArgs = argsOf<MutationStartSessionLogQueryArgs>()(
  z.object({ input: z.object({ requestId: gqlString }) }),
);

/** Query and Mutation fields of session-activity logs. */
export const sessionLogResolvers: AreaResolvers = {
  Query: {
    sessionLogQuery: async (ctx) => {
      const { requestId } = parseArgs(byRequest, ctx.args);
      const state = await ctx.backend.usecases.sessionLogs.state(await ctx.user(), requestId);
      return state ? sessionLogQueryToGraphQL(state) : null;
    },
    sessionLogs: async (ctx) => {
      const args = parseArgs(logsArgs, ctx.args);
      const page = await ctx.backend.usecases.sessionLogs.events(await ctx.user(), args.requestId, {
        writeOnly: args.writeOnly ?? false,
        limit: args.limit,
        cursor: args.nextToken ?? null,
      });
      return pageToGraphQL(page, sessionLogEventToGraphQL);
    },
  },
  Mutation: {
    startSessionLogQuery: async (ctx) => {
      const { input } = parseArgs(startArgs, ctx.args);
      const state = await ctx.backend.usecases.sessionLogs.start(await ctx.user(), input.requestId);
      return sessionLogQueryToGraphQL(state);
    },
  },
};
