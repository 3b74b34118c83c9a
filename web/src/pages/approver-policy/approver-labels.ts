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

/** How many approvals a stage needs, as people say it. */
function approvalsText(count: number, t: Translate): string {
  return count === 1 ? t('approvers.approval.one') : t('approvers.approval.other', { count });
}

/** The approval a policy asks for: "2 approvals · then Security (1) · then Audit (1)". */
export function approvalLabel(
  policy: Pick<ApproverPolicy, 'approvalsRequired' | 'stageName' | 'nextStages'>,
  t: Translate,
): string {
  const first = approvalsText(policy.approvalsRequired, t);
  return [
    policy.stageName ? `${policy.stageName}: ${first}` : first,
    ...policy.nextStages.map((stage) =>
      t('approvers.approval.then', { name: stage.name, count: stage.approvalsRequired }),
    ),
  ].join(' · ');
}

/** A policy's reminder and escalation, or that the settings decide them. */
export function timersLabel(
  policy: Pick<ApproverPolicy, 'remindAfterMinutes' | 'escalateAfterMinutes' | 'escalationGroups'>,
  t: Translate,
): string {
  const parts: string[] = [];
  if (policy.remindAfterMinutes !== null && policy.remindAfterMinutes !== undefined)
    parts.push(t('approvers.timers.remind', { minutes: policy.remindAfterMinutes }));
  if (policy.escalateAfterMinutes !== null && policy.escalateAfterMinutes !== undefined)
    parts.push(t('approvers.timers.escalate', { minutes: policy.escalateAfterMinutes }));
  if (policy.escalationGroups.length > 0)
    parts.push(
      t('approvers.timers.escalateTo', { groups: policy.escalationGroups.map((g) => g.name).join(', ') }),
    );
  return parts.length === 0 ? t('approvers.timers.settings') : parts.join(' · ');
}
