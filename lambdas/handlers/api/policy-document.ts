/**
 * Resolvers of policy documents (admins; machine clients with policies.read for the export and
 * the preview, policies.write for the import): export, preview an import, import.
 */
import { z } from 'zod';
import type {
  MutationImportPoliciesArgs,
  QueryPreviewPolicyImportArgs,
} from '../../../graphql/generated/schema';
import { authorize } from '../../core/authorization';
import { argsOf, gqlString, gqlText, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { policyImportCountsToGraphQL, policyImportPreviewToGraphQL } from './mappers/policy-document';

// The document's length is the core's to judge, in its own words (like free text).
const format = z.enum(['TEAM', 'ORIGINAL_TEAM']).nullish();

const previewArgs = argsOf<QueryPreviewPolicyImportArgs>()(
  z.object({ input: z.object({ document: gqlText, format }) }),
);

const importArgs = argsOf<MutationImportPoliciesArgs>()(
  z.object({ input: z.object({ document: gqlText, format, expectedDigest: gqlString }) }),
);

/** Query and Mutation fields about policy documents. */
export const policyDocumentResolvers: AreaResolvers = {
  Query: {
    exportPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('exportPolicies', caller);
      return ctx.backend.usecases.exportPolicies(caller);
    },
    previewPolicyImport: async (ctx) => {
      const caller = await ctx.user();
      authorize('previewPolicyImport', caller);
      const { input } = parseArgs(previewArgs, ctx.args);
      return policyImportPreviewToGraphQL(await ctx.backend.usecases.previewPolicyImport(caller, input));
    },
  },
  Mutation: {
    importPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('importPolicies', caller);
      const { input } = parseArgs(importArgs, ctx.args);
      return policyImportCountsToGraphQL(await ctx.backend.usecases.importPolicies(caller, input));
    },
  },
};
