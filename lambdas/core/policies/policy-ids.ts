/**
 * Policy ids. They are derived from what makes a policy unique, so a conditional write on the id
 * is what keeps two policies from claiming the same place:
 * - eligibility: the principal and the policy's name (`default` is the principal id alone, which
 *   is the id every policy of the original one-per-principal model has);
 * - approver: the target and the permission sets it is scoped to (none: the target id alone, the
 *   original one-per-target model).
 */
import { ACCOUNT_ID, IDC_ID, OU_OR_ROOT_ID } from '../../contract/patterns';

/** The name of a principal's first policy, and of every policy of the original model. */
export const DEFAULT_POLICY_NAME = 'default';

const SEPARATOR = '#';

/** The id of a principal's eligibility policy with this name (names compare case-insensitively). */
export function eligibilityPolicyId(principalId: string, name: string): string {
  const key = name.trim().toLowerCase();
  return key === DEFAULT_POLICY_NAME ? principalId : `${principalId}${SEPARATOR}${key}`;
}

/** The short id of a permission set (`ps-…`) from its ARN. */
export function permissionSetShortId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The id of the approver policy of a target scoped to these permission sets (none: unscoped). */
export function approverPolicyId(targetId: string, permissionSetArns: readonly string[]): string {
  if (permissionSetArns.length === 0) return targetId;
  const scope = [...new Set(permissionSetArns.map(permissionSetShortId))].sort().join('+');
  return `${targetId}${SEPARATOR}${scope}`;
}

/** The principal id (eligibility) or target id (approver) a policy id starts with. */
export function ownerOfPolicyId(policyId: string): string {
  const at = policyId.indexOf(SEPARATOR);
  return at < 0 ? policyId : policyId.slice(0, at);
}

/** Whether `policyId` belongs to `ownerId` (a principal or a target). */
export function isPolicyOf(policyId: string, ownerId: string): boolean {
  return policyId === ownerId || policyId.startsWith(`${ownerId}${SEPARATOR}`);
}

const PS_SHORT = /^ps-[0-9a-f]{16}$/;

/** Whether a string is an eligibility policy id: a user/group id, optionally `#` and a name. */
export function isEligibilityPolicyId(id: string): boolean {
  const owner = ownerOfPolicyId(id);
  if (!IDC_ID.test(owner)) return false;
  return id === owner || id.length - owner.length > 1;
}

/** Whether a string is an approver policy id: a target id, optionally `#` and permission set ids. */
export function isApproverPolicyId(id: string): boolean {
  const owner = ownerOfPolicyId(id);
  if (!ACCOUNT_ID.test(owner) && !OU_OR_ROOT_ID.test(owner)) return false;
  if (id === owner) return true;
  return id
    .slice(owner.length + 1)
    .split('+')
    .every((part) => PS_SHORT.test(part));
}
