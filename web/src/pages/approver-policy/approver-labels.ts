import type { ApproverPolicy } from '../../api/model';
import { ROOT_ID } from '../../components/validation';
import type { Translate } from '../../i18n';

/** What a policy's target is: an account, an OU or the organization root. */
export function targetTypeLabel(
  policy: Pick<ApproverPolicy, 'targetType' | 'targetId'>,
  t: Translate,
): string {
  if (policy.targetType === 'ACCOUNT') return t('approvers.account');
  return ROOT_ID.test(policy.targetId) ? t('approvers.root') : t('approvers.ou');
}

/** The permission sets a policy decides for: all of them, or the names of its scope. */
export function scopeLabel(policy: Pick<ApproverPolicy, 'permissionSets'>, t: Translate): string {
  return policy.permissionSets.length === 0
    ? t('approvers.scope.all')
    : policy.permissionSets.map((p) => p.name).join(', ');
}
