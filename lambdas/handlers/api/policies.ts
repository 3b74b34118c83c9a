/** Resolvers of eligibility and approver policies (admins). */
import { z } from 'zod';
import type {
  MutationCreateApproverPoliciesArgs,
  MutationCreateEligibilityPoliciesArgs,
  MutationDeleteApproverPoliciesArgs,
  MutationDeleteEligibilityPoliciesArgs,
  MutationUpdateApproverPolicyArgs,
  MutationUpdateEligibilityPolicyArgs,
  QueryApproverPoliciesArgs,
  QueryEligibilityPoliciesArgs,
} from '../../../graphql/generated/schema';
import { authorize } from '../../core/authorization';
import { argsOf, gqlIdList, gqlInt, gqlString, gqlText, LIST_PAGE, pageArgs, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { approverPolicyToGraphQL, eligibilityPolicyToGraphQL } from './mappers/policies';
import { pageToGraphQL } from './mappers/requests';

const page = pageArgs(LIST_PAGE.max, LIST_PAGE.default);
const eligibilityListArgs = argsOf<QueryEligibilityPoliciesArgs>()(z.object(page));
const approverListArgs = argsOf<QueryApproverPoliciesArgs>()(z.object(page));

const pairs = z.array(z.object({ accountId: gqlString, permissionSetArn: gqlString })).max(10_000);

const scope = {
  accountIds: gqlIdList.nullish(),
  ouIds: gqlIdList.nullish(),
  includeNestedOus: z.boolean().nullish(),
  permissionSetArns: gqlIdList.nullish(),
  pairs: pairs.nullish(),
  maxDurationHours: gqlInt,
  approvalRequired: z.boolean(),
  maxTotalHours: gqlInt.nullish(),
  extensionApprovalRequired: z.boolean().nullish(),
  breakGlass: z.boolean().nullish(),
  breakGlassMaxHours: gqlInt.nullish(),
  ticketNo: gqlText.nullish(),
};

const createEligibility = argsOf<MutationCreateEligibilityPoliciesArgs>()(
  z.object({
    input: z.object({
      principals: z.array(z.object({ id: gqlString, type: z.enum(['USER', 'GROUP']) })).max(10_000),
      name: gqlText.nullish(),
      ...scope,
    }),
  }),
);

const updateEligibility = argsOf<MutationUpdateEligibilityPolicyArgs>()(
  z.object({
    input: z.object({ id: gqlString, ...scope, expectedUpdatedAt: gqlString }),
  }),
);

const deleteByIds = z.object({ input: z.object({ ids: gqlIdList }) });
const deleteEligibility = argsOf<MutationDeleteEligibilityPoliciesArgs>()(deleteByIds);
const deleteApprover = argsOf<MutationDeleteApproverPoliciesArgs>()(deleteByIds);

// Their number and content are the core's to judge, in its own words.
const nextStage = z.object({
  name: gqlText,
  approverGroupIds: gqlIdList.nullish(),
  approverUserIds: gqlIdList.nullish(),
  approvalsRequired: gqlInt.nullish(),
});

const approvers = {
  includeNestedOus: z.boolean().nullish(),
  approverGroupIds: gqlIdList.nullish(),
  approverUserIds: gqlIdList.nullish(),
  also: z.boolean().nullish(),
  approvalsRequired: gqlInt.nullish(),
  stageName: gqlText.nullish(),
  nextStages: z.array(nextStage).max(10_000).nullish(),
  remindAfterMinutes: gqlInt.nullish(),
  escalateAfterMinutes: gqlInt.nullish(),
  escalationGroupIds: gqlIdList.nullish(),
  ticketNo: gqlText.nullish(),
};

const createApprover = argsOf<MutationCreateApproverPoliciesArgs>()(
  z.object({
    input: z.object({
      targets: gqlIdList,
      permissionSetArns: gqlIdList.nullish(),
      ...approvers,
    }),
  }),
);

const updateApprover = argsOf<MutationUpdateApproverPolicyArgs>()(
  z.object({
    input: z.object({ id: gqlString, ...approvers, expectedUpdatedAt: gqlString }),
  }),
);

/** Query and Mutation fields about policies. Every one is for admins only. */
export const policyResolvers: AreaResolvers = {
  Query: {
    eligibilityPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('listEligibilityPolicies', caller);
      const { limit, nextToken } = parseArgs(eligibilityListArgs, ctx.args);
      const policies = await ctx.backend.usecases.listEligibilityPolicies(caller, {
        limit,
        cursor: nextToken ?? null,
      });
      return pageToGraphQL(policies, eligibilityPolicyToGraphQL);
    },
    approverPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('listApproverPolicies', caller);
      const { limit, nextToken } = parseArgs(approverListArgs, ctx.args);
      const policies = await ctx.backend.usecases.listApproverPolicies(caller, {
        limit,
        cursor: nextToken ?? null,
      });
      return pageToGraphQL(policies, approverPolicyToGraphQL);
    },
  },
  Mutation: {
    createEligibilityPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('createEligibilityPolicies', caller);
      const { input } = parseArgs(createEligibility, ctx.args);
      const created = await ctx.backend.usecases.createEligibilityPolicies(caller, input);
      return created.map(eligibilityPolicyToGraphQL);
    },
    updateEligibilityPolicy: async (ctx) => {
      const caller = await ctx.user();
      authorize('updateEligibilityPolicy', caller);
      const { input } = parseArgs(updateEligibility, ctx.args);
      return eligibilityPolicyToGraphQL(await ctx.backend.usecases.updateEligibilityPolicy(caller, input));
    },
    deleteEligibilityPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('deleteEligibilityPolicies', caller);
      const { input } = parseArgs(deleteEligibility, ctx.args);
      return ctx.backend.usecases.deleteEligibilityPolicies(caller, input);
    },
    createApproverPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('createApproverPolicies', caller);
      const { input } = parseArgs(createApprover, ctx.args);
      const created = await ctx.backend.usecases.createApproverPolicies(caller, input);
      return created.map(approverPolicyToGraphQL);
    },
    updateApproverPolicy: async (ctx) => {
      const caller = await ctx.user();
      authorize('updateApproverPolicy', caller);
      const { input } = parseArgs(updateApprover, ctx.args);
      return approverPolicyToGraphQL(await ctx.backend.usecases.updateApproverPolicy(caller, input));
    },
    deleteApproverPolicies: async (ctx) => {
      const caller = await ctx.user();
      authorize('deleteApproverPolicies', caller);
      const { input } = parseArgs(deleteApprover, ctx.args);
      return ctx.backend.usecases.deleteApproverPolicies(caller, input);
    },
  },
};
