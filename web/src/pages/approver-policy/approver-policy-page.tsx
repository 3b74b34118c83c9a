import { useMemo } from 'react';
import { useTeamApi } from '../../api/context';
import type { ApproverPolicy } from '../../api/model';
import type { ColumnSpec } from '../../components/data-table';
import { useI18n } from '../../i18n';
import { PolicyTablePage, policyRecordColumns } from '../../features/policies/policy-table-page';
import { ApproverPolicyModal } from './approver-policy-modal';

/** Administration → Approver policy: who approves requests for which accounts and OUs. */
export default function ApproverPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();

  const columns = useMemo<ColumnSpec<ApproverPolicy>[]>(() => {
    const type = (p: ApproverPolicy) =>
      p.targetType === 'ACCOUNT' ? t('approvers.account') : t('approvers.ou');
    const groups = (p: ApproverPolicy) => p.approverGroups.map((g) => g.name).join(', ');
    return [
      { id: 'name', header: t('approvers.target'), text: (p) => p.targetName, cell: (p) => p.targetName },
      { id: 'id', header: t('policy.id'), text: (p) => p.id, cell: (p) => p.id },
      { id: 'type', header: t('policy.type'), text: type, cell: type },
      { id: 'groups', header: t('approvers.groups'), text: groups, cell: groups },
      ...policyRecordColumns<ApproverPolicy>({ t, locale, timeZone }),
    ];
  }, [t, locale, timeZone]);

  return (
    <PolicyTablePage<ApproverPolicy>
      id="approver-policies"
      title={t('nav.approverPolicy')}
      description={t('approvers.description')}
      listKey="approverPolicies"
      list={(page) => api.approverPolicies(page)}
      remove={(ids) => api.deleteApproverPolicies(ids)}
      columns={columns}
      itemLabel={(p) => p.targetName}
      deleteEntry={(p) => `${p.targetName} (${p.id})`}
      createLabel={t('approvers.create')}
      emptyTitle={t('approvers.empty')}
      emptyDescription={t('approvers.emptyDescription')}
      form={(form) => (
        <ApproverPolicyModal
          policy={form.policy}
          existingIds={form.existingIds}
          ticketRequired={form.settings?.ticketRequired ?? false}
          onDismiss={form.onDismiss}
          onSaved={form.onSaved}
        />
      )}
    />
  );
}
