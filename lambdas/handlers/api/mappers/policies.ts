/** Eligibility and approver policies as the schema's `EligibilityPolicy` and `ApproverPolicy`. */
import type {
  ApproverPolicy as GraphQLApproverPolicy,
  EligibilityPolicy as GraphQLEligibilityPolicy,
} from '../../../../graphql/generated/schema';
import { DEFAULT_BREAK_GLASS_HOURS } from '../../../core/policies/eligibility';
import type { ApproverPolicy, EligibilityPolicy } from '../../../core/types';

/** A GraphQL `EligibilityPolicy`. */
export function eligibilityPolicyToGraphQL(p: EligibilityPolicy): GraphQLEligibilityPolicy {
  return {
    id: p.id,
    principalId: p.principalId,
    principalType: p.principalType,
    principalName: p.principalName,
    name: p.name,
    accounts: p.accounts.map((a) => ({ id: a.id, name: a.name })),
    ous: p.ous.map((o) => ({ id: o.id, name: o.name })),
    includeNestedOus: p.includeNestedOus,
    permissionSets: p.permissionSets.map((s) => ({ arn: s.arn, name: s.name })),
    pairs: p.pairs.map((pair) => ({
      account: { id: pair.account.id, name: pair.account.name },
      permissionSet: { arn: pair.permissionSet.arn, name: pair.permissionSet.name },
    })),
    maxDurationHours: p.maxDurationHours,
    approvalRequired: p.approvalRequired,
    // Policies stored before these fields read with their defaults.
    maxTotalHours: Math.max(p.maxTotalHours ?? p.maxDurationHours, p.maxDurationHours),
    extensionApprovalRequired: p.extensionApprovalRequired ?? true,
    breakGlass: p.breakGlass ?? false,
    breakGlassMaxHours: p.breakGlassMaxHours ?? DEFAULT_BREAK_GLASS_HOURS,
    ticketNo: p.ticketNo ?? null,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}

/** A GraphQL `ApproverPolicy`. */
export function approverPolicyToGraphQL(p: ApproverPolicy): GraphQLApproverPolicy {
  return {
    id: p.id,
    targetId: p.targetId,
    targetType: p.targetType,
    targetName: p.targetName,
    permissionSets: p.permissionSets.map((s) => ({ arn: s.arn, name: s.name })),
    includeNestedOus: p.includeNestedOus,
    approverGroups: p.approverGroups.map((g) => ({ id: g.id, name: g.name })),
    approverUsers: p.approverUsers.map((u) => ({ id: u.id, name: u.name })),
    also: p.also,
    approvalsRequired: p.approvalsRequired ?? 1,
    stageName: p.stageName ?? null,
    nextStages: (p.nextStages ?? []).map((stage) => ({
      name: stage.name,
      approverGroups: stage.approverGroups.map((g) => ({ id: g.id, name: g.name })),
      approverUsers: stage.approverUsers.map((u) => ({ id: u.id, name: u.name })),
      approvalsRequired: stage.approvalsRequired,
    })),
    remindAfterMinutes: p.remindAfterMinutes ?? null,
    escalateAfterMinutes: p.escalateAfterMinutes ?? null,
    escalationGroups: (p.escalationGroups ?? []).map((g) => ({ id: g.id, name: g.name })),
    ticketNo: p.ticketNo ?? null,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}
