/**
 * Resolvers of the dashboard: reading its counters for a range of days (auditors, admins and
 * audit.read machine clients) and an admin's rebuild of them.
 */
import { z } from 'zod';
import type {
  Dashboard,
  MutationRebuildDashboardArgs,
  QueryDashboardArgs,
} from '../../../graphql/generated/schema';
import type { DashboardView } from '../../core/dashboard';
import { argsOf, gqlString, gqlText, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { reconciliationStartedToGraphQL } from './mappers/settings';

const dashboardArgs = argsOf<QueryDashboardArgs>()(z.object({ from: gqlString, to: gqlString }));
const rebuildArgs = argsOf<MutationRebuildDashboardArgs>()(
  z.object({ input: z.object({ reason: gqlText.nullish() }) }),
);

/** The core's view as the schema's `Dashboard`. */
export function dashboardToGraphQL(view: DashboardView): Dashboard {
  return {
    from: view.from,
    to: view.to,
    days: view.days,
    timeToDecision: view.timeToDecision,
    timeToAccess: view.timeToAccess,
    topAccounts: view.top.account,
    topPermissionSets: view.top.permissionSet,
    topRequesters: view.top.requester,
    topApprovers: view.top.approver,
    activeNow: view.activeNow,
    breakGlassReviewsPending: view.breakGlassReviewsPending,
    sessionsToReview: view.sessionsToReview,
    updatedAt: view.updatedAt,
  };
}

export const dashboardResolvers: AreaResolvers = {
  Query: {
    dashboard: async (ctx) => {
      const caller = await ctx.user();
      const { from, to } = parseArgs(dashboardArgs, ctx.args);
      return dashboardToGraphQL(await ctx.backend.usecases.getDashboard(caller, { from, to }));
    },
  },
  Mutation: {
    rebuildDashboard: async (ctx) => {
      const caller = await ctx.user();
      const { input } = parseArgs(rebuildArgs, ctx.args);
      return reconciliationStartedToGraphQL(await ctx.backend.usecases.rebuildDashboard(caller, input));
    },
  },
};
