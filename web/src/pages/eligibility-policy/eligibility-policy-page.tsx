import Box from '@cloudscape-design/components/box';
import { useMemo } from 'react';
import { useTeamApi } from '../../api/context';
import type { EligibilityPolicy } from '../../api/model';
import type { ColumnSpec } from '../../components/data-table';
import { PersonText } from '../../components/table-cells';
import { useI18n, type Translate } from '../../i18n';
import { formatHours } from '../../i18n/format';
import { PolicyTablePage, policyRecordColumns } from '../../features/policies/policy-table-page';
import { EligibilityPolicyModal } from './eligibility-policy-modal';

const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name).join(', ');

/** What a policy grants, one line per part: its pairs, or its accounts, OUs and permission sets. */
function grantLines(p: EligibilityPolicy, t: Translate): string[] {
  if (p.pairs.length > 0) return p.pairs.map((pair) => `${pair.account.name} — ${pair.permissionSet.name}`);
  const lines: string[] = [];
  if (p.accounts.length > 0) lines.push(t('eligibility.grants.accounts', { names: names(p.accounts) }));
  if (p.ous.length > 0) {
    const ous = t('eligibility.grants.ous', { names: names(p.ous) });
    lines.push(p.includeNestedOus ? `${ous} ${t('eligibility.grants.nested')}` : ous);
  }
  lines.push(t('eligibility.grants.permissionSets', { names: names(p.permissionSets) }));
  return lines;
}

/** Administration → Eligibility policy: who may request what. */
export default function EligibilityPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();

  const columns = useMemo<ColumnSpec<EligibilityPolicy>[]>(() => {
    const type = (p: EligibilityPolicy) =>
      p.principalType === 'USER' ? t('policy.user') : t('policy.group');
    const approval = (p: EligibilityPolicy) =>
      p.approvalRequired ? t('eligibility.approval.required') : t('eligibility.approval.notRequired');
    const maxDuration = (p: EligibilityPolicy) => formatHours(p.maxDurationHours, t, locale);
    const extensions = (p: EligibilityPolicy) => {
      if (p.maxTotalHours <= p.maxDurationHours) return t('eligibility.extensions.none');
      const upTo = t('eligibility.extensions.upTo', { hours: formatHours(p.maxTotalHours, t, locale) });
      // Extensions of a request without approval never wait for one.
      const approval =
        p.approvalRequired && p.extensionApprovalRequired
          ? t('eligibility.extensions.withApproval')
          : t('eligibility.extensions.withoutApproval');
      return `${upTo} · ${approval}`;
    };
    const breakGlass = (p: EligibilityPolicy) =>
      p.breakGlass
        ? t('eligibility.breakGlass.upTo', { hours: formatHours(p.breakGlassMaxHours, t, locale) })
        : t('eligibility.breakGlass.none');
    return [
      {
        id: 'name',
        header: t('eligibility.principal'),
        text: (p) => `${p.principalName} ${type(p)}`,
        cell: (p) => (
          <>
            <Box variant="div">
              <PersonText label={p.principalName} />
            </Box>
            <Box variant="small" color="text-body-secondary">
              {type(p)}
            </Box>
          </>
        ),
        csv: (p) => p.principalName,
        sortingComparator: (a, b) =>
          a.principalName.localeCompare(b.principalName) || a.name.localeCompare(b.name),
        width: 170,
      },
      { id: 'type', header: t('policy.type'), text: type, cell: type, visible: false },
      {
        id: 'policyName',
        header: t('eligibility.policyName'),
        text: (p) => p.name,
        cell: (p) => p.name,
        width: 130,
      },
      {
        id: 'grants',
        header: t('eligibility.grants'),
        text: (p) => grantLines(p, t).join('; '),
        cell: (p) => (
          <>
            {grantLines(p, t).map((line, index) => (
              <Box key={`${index}:${line}`} variant="div">
                {line}
              </Box>
            ))}
          </>
        ),
        sortable: false,
        width: 210,
      },
      {
        id: 'maxDuration',
        header: t('eligibility.maxDuration'),
        text: maxDuration,
        cell: maxDuration,
        csv: (p) => p.maxDurationHours,
        sortingComparator: (a, b) => a.maxDurationHours - b.maxDurationHours,
        width: 120,
      },
      {
        id: 'approvalRequired',
        header: t('eligibility.approval'),
        text: approval,
        cell: approval,
        width: 120,
      },
      {
        id: 'extensions',
        header: t('eligibility.extensions'),
        text: extensions,
        cell: extensions,
        csv: (p) => (p.maxTotalHours > p.maxDurationHours ? p.maxTotalHours : ''),
        sortingComparator: (a, b) => a.maxTotalHours - b.maxTotalHours,
        width: 150,
      },
      {
        id: 'breakGlass',
        header: t('eligibility.breakGlass'),
        text: breakGlass,
        cell: breakGlass,
        csv: (p) => (p.breakGlass ? p.breakGlassMaxHours : ''),
        width: 120,
      },
      ...policyRecordColumns<EligibilityPolicy>({ t, locale, timeZone }),
    ];
  }, [t, locale, timeZone]);

  return (
    <PolicyTablePage<EligibilityPolicy>
      id="eligibility-policies"
      policyKind="ELIGIBILITY"
      title={t('nav.eligibilityPolicy')}
      description={t('eligibility.description')}
      listKey="eligibilityPolicies"
      list={(page) => api.eligibilityPolicies(page)}
      remove={(ids) => api.deleteEligibilityPolicies(ids)}
      columns={columns}
      itemLabel={(p) => `${p.principalName} ${p.name}`}
      deleteEntry={(p) => `${p.principalName} — ${p.name}`}
      createLabel={t('eligibility.create')}
      emptyTitle={t('eligibility.empty')}
      emptyDescription={t('eligibility.emptyDescription')}
      form={(form) => (
        <EligibilityPolicyModal
          policy={form.policy}
          existing={form.existing}
          defaultMaxHours={form.settings?.maxDurationHours ?? 9}
          ticketRequired={form.settings?.ticketRequired ?? false}
          onDismiss={form.onDismiss}
          onSaved={form.onSaved}
        />
      )}
    />
  );
}
