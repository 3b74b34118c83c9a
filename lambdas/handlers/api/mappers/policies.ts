/** Eligibility and approver policies as the schema's `EligibilityPolicy` and `ApproverPolicy`. */
import type {
  ApproverPolicy as GraphQLApproverPolicy,
  EligibilityPolicy as GraphQLEligibilityPolicy,
} from '../../../../graphql/generated/schema';
import type { ApproverPolicy, EligibilityPolicy } from '../../../core/types';

/** A GraphQL `EligibilityPolicy`. */
export function eligibilityPolicyToGraphQL(p: EligibilityPolicy): GraphQLEligibilityPolicy {
  return {
    id: p.id,
    principalType: p.principalType,
    principalName: p.principalName,
    accounts: p.accounts.map((a) => ({ id: a.id, name: a.name })),
    ous: p.ous.map((o) => ({ id: o.id, name: o.name })),
    permissionSets: p.permissionSets.map((s) => ({ arn: s.arn, name: s.name })),
    maxDurationHours: p.maxDurationHours,
    approvalRequired: p.approvalRequired,
    ticketNo: p.ticketNo ?? null,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}

/** A GraphQL `ApproverPolicy`. */
export function approverPolicyToGraphQL(p: ApproverPolicy): GraphQLApproverPolicy {
  return {
    id: p.id,
    targetType: p.targetType,
    targetName: p.targetName,
    approverGroups: p.approverGroups.map((g) => ({ id: g.id, name: g.name })),
    ticketNo: p.ticketNo ?? null,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}
