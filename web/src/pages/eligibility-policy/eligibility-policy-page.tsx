import { useMemo } from 'react';
import { useTeamApi } from '../../api/context';
import type { EligibilityPolicy } from '../../api/model';
import type { ColumnSpec } from '../../components/data-table';
import { useI18n } from '../../i18n';
import { PolicyTablePage, policyRecordColumns } from '../../features/policies/policy-table-page';
import { EligibilityPolicyModal } from './eligibility-policy-modal';

const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name).join(', ');

/** Administration → Eligibility policy: who may request what. */
export default function EligibilityPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();

  const columns = useMemo<ColumnSpec<EligibilityPolicy>[]>(
    () => [
      { id: 'name', header: t('policy.name'), text: (p) => p.principalName, cell: (p) => p.principalName },
      {
        id: 'type',
        header: t('policy.type'),
        text: (p) => (p.principalType === 'USER' ? t('policy.user') : t('policy.group')),
        cell: (p) => (p.principalType === 'USER' ? t('policy.user') : t('policy.group')),
      },
      {
        id: 'accounts',
        header: t('policy.accounts'),
        text: (p) => names(p.accounts),
        cell: (p) => names(p.accounts) || '-',
      },
      { id: 'ous', header: t('policy.ous'), text: (p) => names(p.ous), cell: (p) => names(p.ous) || '-' },
      {
        id: 'permissionSets',
        header: t('policy.permissionSets'),
        text: (p) => names(p.permissionSets),
        cell: (p) => names(p.permissionSets),
      },
      {
        id: 'maxDuration',
        header: t('policy.maxDuration'),
        text: (p) => String(p.maxDurationHours),
        cell: (p) => p.maxDurationHours,
        sortingComparator: (a, b) => a.maxDurationHours - b.maxDurationHours,
      },
      {
        id: 'approvalRequired',
        header: t('policy.approvalRequired'),
        text: (p) => (p.approvalRequired ? t('common.yes') : t('common.no')),
        cell: (p) => (p.approvalRequired ? t('common.yes') : t('common.no')),
      },
      ...policyRecordColumns<EligibilityPolicy>({ t, locale, timeZone }),
      { id: 'id', header: t('policy.id'), text: (p) => p.id, cell: (p) => p.id, visible: false },
    ],
    [t, locale, timeZone],
  );

  return (
    <PolicyTablePage<EligibilityPolicy>
      id="eligibility-policies"
      title={t('nav.eligibilityPolicy')}
      description={t('eligibility.description')}
      listKey="eligibilityPolicies"
      list={(page) => api.eligibilityPolicies(page)}
      remove={(ids) => api.deleteEligibilityPolicies(ids)}
      columns={columns}
      itemLabel={(p) => p.principalName}
      deleteEntry={(p) => p.principalName}
      createLabel={t('eligibility.create')}
      emptyTitle={t('eligibility.empty')}
      emptyDescription={t('eligibility.emptyDescription')}
      form={(form) => (
        <EligibilityPolicyModal
          policy={form.policy}
          existingIds={form.existingIds}
          defaultMaxHours={form.settings?.maxDurationHours ?? 9}
          ticketRequired={form.settings?.ticketRequired ?? false}
          onDismiss={form.onDismiss}
          onSaved={form.onSaved}
        />
      )}
    />
  );
}
