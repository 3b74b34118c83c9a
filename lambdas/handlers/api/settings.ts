/**
 * Resolvers of the settings (read: everyone signed in; write: admins) and of the reconciler run
 * an admin starts from the settings page.
 */
import { z } from 'zod';
import type { MutationReconcileNowArgs, MutationUpdateSettingsArgs } from '../../../graphql/generated/schema';
import { authorize } from '../../core/authorization';
import { argsOf, gqlInt, gqlString, gqlText, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { reconciliationStartedToGraphQL, settingsToGraphQL } from './mappers/settings';

const updateSettings = argsOf<MutationUpdateSettingsArgs>()(
  z.object({
    input: z.object({
      maxDurationHours: gqlInt,
      expiryHours: gqlInt,
      commentsRequired: z.boolean(),
      ticketRequired: z.boolean(),
      approvalWorkflow: z.boolean(),
      sesEnabled: z.boolean(),
      sesSourceEmail: gqlString.nullish(),
      sesSourceArn: gqlString.nullish(),
      snsEnabled: z.boolean(),
      slackEnabled: z.boolean(),
      slackAuditChannel: gqlString.nullish(),
      slackToken: gqlString.nullish(),
      clearSlackToken: z.boolean().nullish(),
      slackSigningSecret: gqlString.nullish(),
      clearSlackSigningSecret: z.boolean().nullish(),
      teamsEnabled: z.boolean().nullish(),
      teamsWebhookUrl: gqlString.nullish(),
      clearTeamsWebhookUrl: z.boolean().nullish(),
      adminGroupName: gqlString.nullish(),
      auditorGroupName: gqlString.nullish(),
      ouCacheEnabled: z.boolean(),
      ouCacheLifetimeHours: gqlInt.nullish(),
      sensitiveActions: z.array(gqlString).max(10_000),
      reminderMinutes: gqlInt.nullish(),
      escalationMinutes: gqlInt.nullish(),
      escalationGroupIds: z.array(gqlString).max(10_000).nullish(),
      breakGlassEnabled: z.boolean().nullish(),
      expectedVersion: gqlInt,
    }),
  }),
);

const reconcileNow = argsOf<MutationReconcileNowArgs>()(
  z.object({ input: z.object({ reason: gqlText.nullish() }) }),
);

/** Query and Mutation fields about settings. */
export const settingsResolvers: AreaResolvers = {
  Query: {
    settings: async (ctx) => settingsToGraphQL(await ctx.backend.usecases.getSettings(await ctx.user())),
  },
  Mutation: {
    updateSettings: async (ctx) => {
      const caller = await ctx.user();
      authorize('updateSettings', caller);
      const { input } = parseArgs(updateSettings, ctx.args);
      return settingsToGraphQL(await ctx.backend.usecases.updateSettings(caller, input));
    },
    reconcileNow: async (ctx) => {
      const caller = await ctx.user();
      authorize('reconcileNow', caller);
      const { input } = parseArgs(reconcileNow, ctx.args);
      return reconciliationStartedToGraphQL(await ctx.backend.usecases.reconcileNow(caller, input));
    },
  },
};
