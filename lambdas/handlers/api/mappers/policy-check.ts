/** The policy check's report as the schema's `PolicyCheck`. */
import type {
  PolicyCheck as GraphQLPolicyCheck,
  ReferenceKind as GraphQLReferenceKind,
} from '../../../../graphql/generated/schema';
import type { PolicyCheckReport, ReferenceKind } from '../../../core/types';

const KIND: Record<ReferenceKind, GraphQLReferenceKind> = {
  user: 'USER',
  group: 'GROUP',
  account: 'ACCOUNT',
  ou: 'OU',
  permissionSet: 'PERMISSION_SET',
};

/** A GraphQL `PolicyCheck`. */
export function policyCheckToGraphQL(report: PolicyCheckReport): GraphQLPolicyCheck {
  return {
    checkedAt: report.checkedAt,
    eligibilityPoliciesChecked: report.eligibilityPoliciesChecked,
    approverPoliciesChecked: report.approverPoliciesChecked,
    findings: report.findings.map((f) => ({
      policyKind: f.policyKind,
      policyId: f.policyId,
      references: f.references.map((r) => ({
        kind: KIND[r.kind],
        id: r.id,
        name: r.name,
        problem: r.problem === 'missing' ? 'MISSING' : 'RENAMED',
        currentName: r.currentName ?? null,
      })),
    })),
    truncated: report.truncated,
  };
}
