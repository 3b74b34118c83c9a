/**
 * Resolvers of policy documents (admins; machine clients with policies.read for the export and
 * the preview, policies.write for the import): export, preview an import, import; and of the
 * policy check (its latest report, and a run now).
 */
import { z } from 'zod';
import type {
  MutationCheckPoliciesNowArgs,
  MutationImportPoliciesArgs,
  QueryPreviewPolicyImportArgs,
} from '../../../graphql/generated/schema';
import { authorize } from '../../core/authorization';
import { argsOf, gqlString, gqlText, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { policyCheckToGraphQL } from './mappers/policy-check';
import { policyImportCountsToGraphQL, policyImportPreviewToGraphQL } from './mappers/policy-document';

// The document's length is the core's to judge, in its own words (like free text).
const format = z.enum(['TEAM', 'ORIGINAL_TEAM']).nullish();

const previewArgs = argsOf<QueryPreviewPolicyImportArgs>()(
  z.object({ input: z.object({ document: gqlText, format }) }),
);

const importArgs = argsOf<MutationImportPoliciesArgs>()(
  z.object({ input: z.object({ document: gqlText, format, expectedDigest: gqlString }) }),
);

const checkNowArgs = argsOf<MutationCheckPoliciesNowArgs>()(
  z.object({ input: z.object({ reason: gqlText.nullish() }) }),
);

/** Query and Mutation fields about policy documents. */
export const policyDocumentResolvers: AreaResolvers = {
  Query: {
    policyCheck: async (ctx) => {
      const caller = await ctx.user();
      authorize('getPolicyCheck', caller);
      const report = await ctx.backend.usecases.getPolicyCheck(caller);
      return report === undefined ? null : policyCheckToGraphQL(report);
    },
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
    checkPoliciesNow: async (ctx) => {
      const caller = await ctx.user();
      authorize('checkPoliciesNow', caller);
      parseArgs(checkNowArgs, ctx.args);
      return policyCheckToGraphQL(await ctx.backend.usecases.checkPoliciesNow(caller));
    },
    importPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('importPolicies', caller);
      const { input } = parseArgs(importArgs, ctx.args);
      return policyImportCountsToGraphQL(await ctx.backend.usecases.importPolicies(caller, input));
    },
  },
};
