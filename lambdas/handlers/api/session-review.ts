/**
 * Resolvers of session review: the flagged sessions to review (or reviewed), one session's
 * summary, and marking a flagged session reviewed. Who may is the core's to decide.
 */
import { z } from 'zod';
import type {
  MutationMarkSessionReviewedArgs,
  QuerySessionSummaryArgs,
  QuerySessionsToReviewArgs,
} from '../../../graphql/generated/schema';
import { argsOf, gqlString, gqlText, LIST_PAGE, pageArgs, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { pageToGraphQL } from './mappers/requests';
import { sessionSummaryToGraphQL } from './mappers/session-review';

const listArgs = argsOf<QuerySessionsToReviewArgs>()(
  z.object({
    state: z.enum(['TO_REVIEW', 'REVIEWED']).nullish(),
    ...pageArgs(LIST_PAGE.max, LIST_PAGE.default),
  }),
);
const summaryArgs = argsOf<QuerySessionSummaryArgs>()(z.object({ requestId: gqlString }));
const markInput = argsOf<MutationMarkSessionReviewedArgs>()(
  z.object({ input: z.object({ requestId: gqlString, comment: gqlText }) }),
);

/** Query and Mutation fields of session review. */
export const sessionReviewResolvers: AreaResolvers = {
  Query: {
    sessionsToReview: async (ctx) => {
      const args = parseArgs(listArgs, ctx.args);
      const page = await ctx.backend.usecases.listSessionsToReview(await ctx.user(), {
        state: args.state === 'REVIEWED' ? 'reviewed' : 'to-review',
        limit: args.limit,
        cursor: args.nextToken ?? null,
      });
      return pageToGraphQL(page, sessionSummaryToGraphQL);
    },
    sessionSummary: async (ctx) => {
      const { requestId } = parseArgs(summaryArgs, ctx.args);
      const summary = await ctx.backend.usecases.getSessionSummary(await ctx.user(), requestId);
      return summary ? sessionSummaryToGraphQL(summary) : null;
    },
  },
  Mutation: {
    markSessionReviewed: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(markInput, ctx.args);
      return sessionSummaryToGraphQL(await ctx.backend.usecases.markSessionReviewed(caller, input));
    },
  },
};
