/** Resolvers of the caller, requests, their lists and the request form. */
import { z } from 'zod';
import type { CallerIdentity } from '../../core/types';
import type { ListRequests } from '../../core/requests/list-requests';
import { gqlInt, gqlString, LIST_PAGE, pageArgs, parseArgs } from './args';
import type { AreaResolvers, ResolverContext } from './kit';
import {
  auditEventToGraphQL,
  pageToGraphQL,
  requestFormToGraphQL,
  requestToGraphQL,
} from './shapes/requests';

const listArgs = z.object(pageArgs(LIST_PAGE.max, LIST_PAGE.default));

const createInput = z.object({
  input: z.object({
    accountId: gqlString,
    permissionSetArn: gqlString,
    startTime: gqlString.nullish(),
    durationHours: gqlInt,
    justification: gqlString,
    ticketNo: gqlString.nullish(),
  }),
});

const commentedInput = z.object({
  input: z.object({ requestId: gqlString, comment: gqlString.nullish() }),
});

const cancelInput = z.object({ input: z.object({ requestId: gqlString }) });

/** A GraphQL `Me`: personas never include APPROVER (that depends on each request). */
export function meToGraphQL(caller: CallerIdentity) {
  return {
    userId: caller.userId,
    userName: caller.userName,
    email: caller.email,
    displayName: caller.displayName ?? null,
    isAdmin: caller.isAdmin,
    isAuditor: caller.isAuditor,
    personas: ['REQUESTER', ...(caller.isAuditor ? ['AUDITOR'] : []), ...(caller.isAdmin ? ['ADMIN'] : [])],
  };
}

function list(pick: (ctx: ResolverContext) => ListRequests) {
  return async (ctx: ResolverContext) => {
    const caller = await ctx.user();
    const { limit, nextToken } = parseArgs(listArgs, ctx.args);
    const page = await pick(ctx)(caller, { limit, cursor: nextToken ?? null });
    return pageToGraphQL(page, requestToGraphQL);
  };
}

/** Query and Mutation fields about requests. */
export const requestResolvers: AreaResolvers = {
  Query: {
    me: async (ctx) => meToGraphQL(await ctx.user()),
    requestFormOptions: async (ctx) => {
      const caller = await ctx.user();
      const [options, settings] = await Promise.all([
        ctx.backend.usecases.getRequestFormOptions(caller),
        ctx.backend.settings(),
      ]);
      return requestFormToGraphQL(options, settings.expiryHours);
    },
    getRequest: async (ctx) => {
      const caller = await ctx.user();
      const { id } = parseArgs(z.object({ id: gqlString }), ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.getRequest(caller, id));
    },
    requestEvents: async (ctx) => {
      const caller = await ctx.user();
      const args = parseArgs(listArgs.extend({ requestId: gqlString }), ctx.args);
      const page = await ctx.backend.usecases.listRequestEvents(caller, args.requestId, {
        limit: args.limit,
        cursor: args.nextToken ?? null,
      });
      return pageToGraphQL(page, auditEventToGraphQL);
    },
    myRequests: list((ctx) => ctx.backend.usecases.listMyRequests),
    pendingApprovals: list((ctx) => ctx.backend.usecases.listPendingApprovals),
    myApprovals: list((ctx) => ctx.backend.usecases.listMyApprovals),
    activeAccess: list((ctx) => ctx.backend.usecases.listActiveAccess),
    endedAccess: list((ctx) => ctx.backend.usecases.listEndedAccess),
    auditRequests: list((ctx) => ctx.backend.usecases.listAuditRequests),
    auditSessions: list((ctx) => ctx.backend.usecases.listAuditSessions),
  },
  Mutation: {
    createRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(createInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.createRequest(caller, input));
    },
    approveRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(commentedInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.approveRequest(caller, input));
    },
    rejectRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(commentedInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.rejectRequest(caller, input));
    },
    cancelRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(cancelInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.cancelRequest(caller, input));
    },
    revokeRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(commentedInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.revokeRequest(caller, input));
    },
  },
};
