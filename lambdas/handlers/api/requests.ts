/** Resolvers of the caller, requests, their lists and the request form. */
import { z } from 'zod';
import type {
  MutationApproveExtensionArgs,
  MutationApproveRequestArgs,
  MutationCreateBreakGlassRequestArgs,
  MutationExtendRequestArgs,
  MutationRejectExtensionArgs,
  MutationReviewRequestArgs,
  MutationCancelRequestArgs,
  MutationCreateRequestArgs,
  MutationRejectRequestArgs,
  MutationRevokeRequestArgs,
  QueryGetRequestArgs,
  QueryMyRequestsArgs,
  QueryRequestApproversArgs,
  QueryRequestEventsArgs,
  RequestPage,
} from '../../../graphql/generated/schema';
import { machineOf } from '../../core/authorization';
import { ForbiddenError } from '../../core/errors';
import type { ListRequests } from '../../core/requests/list-requests';
import { argsOf, gqlInt, gqlString, gqlText, LIST_PAGE, pageArgs, parseArgs } from './args';
import type { AreaResolvers, ResolverContext } from './kit';
import {
  auditEventToGraphQL,
  meToGraphQL,
  pageToGraphQL,
  requestFormToGraphQL,
  requestToGraphQL,
  requestApproversToGraphQL,
} from './mappers/requests';

/** The arguments of every request list (they all have those of `myRequests`). */
const listArgs = argsOf<QueryMyRequestsArgs>()(z.object(pageArgs(LIST_PAGE.max, LIST_PAGE.default)));

const getArgs = argsOf<QueryGetRequestArgs>()(z.object({ id: gqlString }));

const eventsArgs = argsOf<QueryRequestEventsArgs>()(
  z.object({ ...pageArgs(LIST_PAGE.max, LIST_PAGE.default), requestId: gqlString }),
);

const createInput = argsOf<MutationCreateRequestArgs>()(
  z.object({
    input: z.object({
      accountId: gqlString,
      permissionSetArn: gqlString,
      startTime: gqlString.nullish(),
      durationHours: gqlInt,
      justification: gqlText,
      ticketNo: gqlText.nullish(),
    }),
  }),
);

const commented = z.object({
  input: z.object({ requestId: gqlString, comment: gqlText.nullish() }),
});
const approveInput = argsOf<MutationApproveRequestArgs>()(commented);
const rejectInput = argsOf<MutationRejectRequestArgs>()(commented);
const revokeInput = argsOf<MutationRevokeRequestArgs>()(commented);

const breakGlassInput = argsOf<MutationCreateBreakGlassRequestArgs>()(
  z.object({
    input: z.object({
      accountId: gqlString,
      permissionSetArn: gqlString,
      durationHours: gqlInt,
      justification: gqlText,
      incident: gqlText,
    }),
  }),
);

const extendInput = argsOf<MutationExtendRequestArgs>()(
  z.object({ input: z.object({ requestId: gqlString, hours: gqlInt, reason: gqlText }) }),
);

const extensionDecision = z.object({
  input: z.object({ requestId: gqlString, extensionId: gqlInt, comment: gqlText.nullish() }),
});
const approveExtensionInput = argsOf<MutationApproveExtensionArgs>()(extensionDecision);
const rejectExtensionInput = argsOf<MutationRejectExtensionArgs>()(extensionDecision);

const reviewInput = argsOf<MutationReviewRequestArgs>()(
  z.object({
    input: z.object({
      requestId: gqlString,
      state: z.enum(['NEEDED', 'ACKNOWLEDGED', 'FLAGGED']),
      comment: gqlText,
    }),
  }),
);

const cancelInput = argsOf<MutationCancelRequestArgs>()(
  z.object({ input: z.object({ requestId: gqlString }) }),
);

function list(pick: (ctx: ResolverContext) => ListRequests) {
  return async (ctx: ResolverContext): Promise<RequestPage> => {
    const caller = await ctx.user();
    const { limit, nextToken } = parseArgs(listArgs, ctx.args);
    const page = await pick(ctx)(caller, { limit, cursor: nextToken ?? null });
    return pageToGraphQL(page, requestToGraphQL);
  };
}

/** Query and Mutation fields about requests. */
const requestApproversArgs = argsOf<QueryRequestApproversArgs>()(
  z.object({ accountId: gqlString, permissionSetArn: gqlString }),
);

export const requestResolvers: AreaResolvers = {
  Query: {
    me: async (ctx) => {
      const caller = await ctx.user();
      // A machine client is no TEAM user: it has no personas to report.
      if (machineOf(caller)) throw new ForbiddenError('Machine clients have no TEAM user to describe.');
      return meToGraphQL(caller);
    },
    requestFormOptions: async (ctx) => {
      const caller = await ctx.user();
      const [options, settings] = await Promise.all([
        ctx.backend.usecases.getRequestFormOptions(caller),
        ctx.backend.settings(),
      ]);
      return requestFormToGraphQL(options, settings);
    },
    requestApprovers: async (ctx) => {
      const caller = await ctx.user();
      const args = parseArgs(requestApproversArgs, ctx.args);
      return requestApproversToGraphQL(await ctx.backend.usecases.getRequestApprovers(caller, args));
    },
    getRequest: async (ctx) => {
      const caller = await ctx.user();
      const { id } = parseArgs(getArgs, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.getRequest(caller, id));
    },
    requestEvents: async (ctx) => {
      const caller = await ctx.user();
      const args = parseArgs(eventsArgs, ctx.args);
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
    reviewsPending: list((ctx) => ctx.backend.usecases.listReviewsPending),
  },
  Mutation: {
    createRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(createInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.createRequest(caller, input));
    },
    approveRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(approveInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.approveRequest(caller, input));
    },
    rejectRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(rejectInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.rejectRequest(caller, input));
    },
    cancelRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(cancelInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.cancelRequest(caller, input));
    },
    revokeRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(revokeInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.revokeRequest(caller, input));
    },
    createBreakGlassRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(breakGlassInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.createBreakGlassRequest(caller, input));
    },
    extendRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(extendInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.extendRequest(caller, input));
    },
    approveExtension: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(approveExtensionInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.approveExtension(caller, input));
    },
    rejectExtension: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(rejectExtensionInput, ctx.args);
      return requestToGraphQL(await ctx.backend.usecases.rejectExtension(caller, input));
    },
    reviewRequest: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(reviewInput, ctx.args);
      const state =
        input.state === 'FLAGGED' ? 'flagged' : input.state === 'ACKNOWLEDGED' ? 'acknowledged' : 'needed';
      return requestToGraphQL(await ctx.backend.usecases.reviewRequest(caller, { ...input, state }));
    },
  },
};
