/**
 * Resolvers of the original TEAM's request history (administrators, never machine clients):
 * preview an import, import.
 */
import { z } from 'zod';
import type {
  MutationImportRequestHistoryArgs,
  QueryPreviewRequestHistoryImportArgs,
  RequestHistoryPreview,
} from '../../../graphql/generated/schema';
import { statusToGraphQL } from '../../adapters/appsync/graphql-values';
import { authorize } from '../../core/authorization';
import type { RequestHistoryPreview as CorePreview } from '../../core/requests/history-import';
import { argsOf, gqlText, parseArgs } from './args';
import type { AreaResolvers } from './kit';

// The items' length and count are the core's to judge, in its own words.
const historyInput = z.object({ input: z.object({ items: gqlText }) });
const previewArgs = argsOf<QueryPreviewRequestHistoryImportArgs>()(historyInput);
const importArgs = argsOf<MutationImportRequestHistoryArgs>()(historyInput);

function previewToGraphQL(preview: CorePreview): RequestHistoryPreview {
  return {
    total: preview.total,
    toImport: preview.toImport,
    alreadyImported: preview.alreadyImported,
    byStatus: preview.byStatus.map(({ status, count }) => ({ status: statusToGraphQL(status), count })),
    from: preview.from ?? null,
    to: preview.to ?? null,
    unknownUsers: preview.unknownUsers,
  };
}

/** Query and Mutation fields about imported request history. */
export const requestHistoryResolvers: AreaResolvers = {
  Query: {
    previewRequestHistoryImport: async (ctx) => {
      const caller = await ctx.user();
      authorize('previewRequestHistoryImport', caller);
      const { input } = parseArgs(previewArgs, ctx.args);
      return previewToGraphQL(await ctx.backend.usecases.previewRequestHistoryImport(caller, input));
    },
  },
  Mutation: {
    importRequestHistory: async (ctx) => {
      const caller = await ctx.user();
      authorize('importRequestHistory', caller);
      const { input } = parseArgs(importArgs, ctx.args);
      return ctx.backend.usecases.importRequestHistory(caller, input);
    },
  },
};
