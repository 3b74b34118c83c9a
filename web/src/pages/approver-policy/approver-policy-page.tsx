import Box from '@cloudscape-design/components/box';
import { useMemo } from 'react';
import { useTeamApi } from '../../api/context';
import type { ApproverPolicy } from '../../api/model';
import type { ColumnSpec } from '../../components/data-table';
import { useI18n, type Translate } from '../../i18n';
import { PolicyTablePage, policyRecordColumns } from '../../features/policies/policy-table-page';
import { approvalLabel, scopeLabel, targetTypeLabel, timersLabel } from './approver-labels';
import { ApproverPolicyModal } from './approver-policy-modal';

/**
 * The approvers a policy names, groups first, each marked as a group or a user; those of later
 * stages follow under the stage's name.
 */
function approverEntries(p: ApproverPolicy, t: Translate): { key: string; name: string; kind: string }[] {
  const of = (
    stage: string,
    groups: readonly { id: string; name: string }[],
    users: readonly { id: string; name: string }[],
    prefix: string,
  ) => [
    ...groups.map((g) => ({ key: `${stage}g:${g.id}`, name: `${prefix}${g.name}`, kind: t('policy.group') })),
    ...users.map((u) => ({ key: `${stage}u:${u.id}`, name: `${prefix}${u.name}`, kind: t('policy.user') })),
  ];
  return [
    ...of(
      '',
      p.approverGroups,
      p.approverUsers,
      p.nextStages.length > 0 && p.stageName ? `${p.stageName}: ` : '',
    ),
    ...p.nextStages.flatMap((stage, index) =>
      of(`${index}:`, stage.approverGroups, stage.approverUsers, `${stage.name}: `),
    ),
  ];
}

/** Administration → Approver policy: who approves requests for which accounts, OUs and permission sets. */
export default function ApproverPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();

  const columns = useMemo<ColumnSpec<ApproverPolicy>[]>(() => {
    const type = (p: ApproverPolicy) => targetTypeLabel(p, t);
    const scope = (p: ApproverPolicy) => scopeLabel(p, t);
    const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));
    const nested = (p: ApproverPolicy) => (p.targetType === 'ACCOUNT' ? '-' : yesNo(p.includeNestedOus));
    return [
      {
        id: 'name',
        header: t('approvers.target'),
        text: (p) => `${p.targetName} ${type(p)}`,
        cell: (p) => (
          <>
            <Box variant="div">{p.targetName}</Box>
            <Box variant="small" color="text-body-secondary">
              {type(p)}
            </Box>
          </>
        ),
        csv: (p) => p.targetName,
        // Several policies of one target: the unscoped one first.
        sortingComparator: (a, b) =>
          a.targetName.localeCompare(b.targetName) ||
          a.permissionSets.length - b.permissionSets.length ||
          scope(a).localeCompare(scope(b)),
        width: 150,
      },
      { id: 'type', header: t('policy.type'), text: type, cell: type, visible: false },
      { id: 'scope', header: t('approvers.scope'), text: scope, cell: scope, width: 160 },
      {
        id: 'approvers',
        header: t('approvers.approvers'),
        text: (p) =>
          approverEntries(p, t)
            .map((e) => `${e.name} (${e.kind})`)
            .join(', '),
        cell: (p) => (
          <>
            {approverEntries(p, t).map((e) => (
              <Box key={e.key} variant="div">
                {e.name}{' '}
                <Box variant="span" color="text-body-secondary">
                  ({e.kind})
                </Box>
              </Box>
            ))}
          </>
        ),
        sortable: false,
        width: 190,
      },
      {
        id: 'approval',
        header: t('approvers.approval'),
        text: (p) => approvalLabel(p, t),
        cell: (p) => approvalLabel(p, t),
        sortable: false,
        width: 160,
      },
      {
        id: 'timers',
        header: t('approvers.timers'),
        text: (p) => timersLabel(p, t),
        cell: (p) => timersLabel(p, t),
        sortable: false,
        width: 160,
      },
      { id: 'nested', header: t('approvers.nested'), text: nested, cell: nested, width: 110 },
      {
        id: 'also',
        header: t('approvers.also'),
        text: (p) => yesNo(p.also),
        cell: (p) => yesNo(p.also),
        width: 100,
      },
      ...policyRecordColumns<ApproverPolicy>({ t, locale, timeZone }),
    ];
  }, [t, locale, timeZone]);

  return (
    <PolicyTablePage<ApproverPolicy>
      id="approver-policies"
      policyKind="APPROVER"
      title={t('nav.approverPolicy')}
      description={t('approvers.description')}
      listKey="approverPolicies"
      list={(page) => api.approverPolicies(page)}
      remove={(ids) => api.deleteApproverPolicies(ids)}
      columns={columns}
      itemLabel={(p) => `${p.targetName} ${scopeLabel(p, t)}`}
      deleteEntry={(p) => `${p.targetName} (${targetTypeLabel(p, t)}) — ${scopeLabel(p, t)}`}
      createLabel={t('approvers.create')}
      emptyTitle={t('approvers.empty')}
      emptyDescription={t('approvers.emptyDescription')}
      form={(form) => (
        <ApproverPolicyModal
          policy={form.policy}
          existing={form.existing}
          ticketRequired={form.settings?.ticketRequired ?? false}
          onDismiss={form.onDismiss}
          onSaved={form.onSaved}
        />
      )}
    />
  );
}
