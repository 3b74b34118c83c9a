import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { useAsync, useSettings } from '../../api/hooks';
import { MAX_PAGE_SIZE, readAll } from '../../api/team-api';
import type { EligibilityPolicy } from '../../api/types';
import { DataTable, type ColumnSpec } from '../../common/DataTable';
import { useFlash } from '../../common/flash';
import { ConfirmModal } from '../../common/modals';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { EligibilityPolicyModal } from './EligibilityPolicyModal';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; policy: EligibilityPolicy }
  | { kind: 'delete'; policies: EligibilityPolicy[] };

const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name).join(', ');

/** Administration → Eligibility policy: who may request what. */
export default function EligibilityPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const { notify } = useFlash();
  const settings = useSettings();
  const policies = useAsync(
    () => readAll((nextToken) => api.eligibilityPolicies({ limit: MAX_PAGE_SIZE, nextToken })),
    'eligibilityPolicies',
  );
  const [dialog, setDialog] = useState<Dialog | undefined>();
  const items = useMemo(() => policies.data ?? [], [policies.data]);
  const existingIds = useMemo(() => new Set(items.map((p) => p.id)), [items]);

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
      {
        id: 'ticketNo',
        header: t('column.ticketNo'),
        text: (p) => p.ticketNo ?? '',
        cell: (p) => p.ticketNo ?? '-',
      },
      {
        id: 'updatedBy',
        header: t('policy.updatedBy'),
        text: (p) => p.updatedBy,
        cell: (p) => p.updatedBy,
        visible: false,
      },
      {
        id: 'updatedAt',
        header: t('policy.updatedAt'),
        text: (p) => formatDateTime(p.updatedAt, locale, timeZone),
        cell: (p) => formatDateTime(p.updatedAt, locale, timeZone),
        sortingComparator: (a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt),
        visible: false,
      },
      { id: 'id', header: t('policy.id'), text: (p) => p.id, cell: (p) => p.id, visible: false },
    ],
    [t, locale, timeZone],
  );

  const close = () => setDialog(undefined);

  return (
    <>
      <DataTable<EligibilityPolicy>
        id="eligibility-policies"
        title={t('nav.eligibilityPolicy')}
        description={t('eligibility.description')}
        ariaLabel={t('nav.eligibilityPolicy')}
        items={items}
        trackBy={(p) => p.id}
        itemLabel={(p) => p.principalName}
        columns={columns}
        loading={policies.loading}
        onRefresh={policies.reload}
        error={policies.error}
        selectionType="multi"
        defaultSorting={{ columnId: 'name' }}
        emptyTitle={t('eligibility.empty')}
        emptyDescription={t('eligibility.emptyDescription')}
        emptyAction={<Button onClick={() => setDialog({ kind: 'create' })}>{t('eligibility.create')}</Button>}
        actions={(selected) => (
          <>
            <Button
              disabled={selected.length === 0}
              onClick={() => setDialog({ kind: 'delete', policies: selected })}
            >
              {t('common.delete')}
            </Button>
            <Button
              disabled={selected.length !== 1}
              onClick={() => selected[0] && setDialog({ kind: 'edit', policy: selected[0] })}
            >
              {t('common.edit')}
            </Button>
            <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
              {t('eligibility.create')}
            </Button>
          </>
        )}
      />
      {dialog?.kind === 'create' || dialog?.kind === 'edit' ? (
        <EligibilityPolicyModal
          policy={dialog.kind === 'edit' ? dialog.policy : undefined}
          existingIds={existingIds}
          defaultMaxHours={settings.data?.maxDurationHours ?? 9}
          ticketRequired={settings.data?.ticketRequired ?? false}
          onDismiss={close}
          onSaved={(count) => {
            close();
            notify({
              type: 'success',
              content: dialog.kind === 'edit' ? t('policy.saved') : t('policy.created', { count }),
            });
            policies.reload();
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmModal
          header={t('policy.delete.header', { count: dialog.policies.length })}
          confirmLabel={t('common.delete')}
          onDismiss={close}
          onConfirm={async () => {
            const result = await api.deleteEligibilityPolicies(dialog.policies.map((p) => p.id));
            close();
            notify({ type: 'success', content: t('policy.deleted', { count: result.deletedIds.length }) });
            policies.reload();
          }}
        >
          <Box>{t('policy.delete.content')}</Box>
          <ul>
            {dialog.policies.map((p) => (
              <li key={p.id}>{p.principalName}</li>
            ))}
          </ul>
        </ConfirmModal>
      ) : null}
    </>
  );
}
