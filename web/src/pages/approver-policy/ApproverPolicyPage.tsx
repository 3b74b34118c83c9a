import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { useAsync, useSettings } from '../../api/hooks';
import { MAX_PAGE_SIZE, readAll } from '../../api/team-api';
import type { ApproverPolicy } from '../../api/types';
import { DataTable, type ColumnSpec } from '../../common/DataTable';
import { useFlash } from '../../common/flash';
import { ConfirmModal } from '../../common/modals';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { ApproverPolicyModal } from './ApproverPolicyModal';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; policy: ApproverPolicy }
  | { kind: 'delete'; policies: ApproverPolicy[] };

/** Administration → Approver policy: who approves requests for which accounts and OUs. */
export default function ApproverPolicyPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const { notify } = useFlash();
  const settings = useSettings();
  const policies = useAsync(
    () => readAll((nextToken) => api.approverPolicies({ limit: MAX_PAGE_SIZE, nextToken })),
    'approverPolicies',
  );
  const [dialog, setDialog] = useState<Dialog | undefined>();
  const items = useMemo(() => policies.data ?? [], [policies.data]);
  const existingIds = useMemo(() => new Set(items.map((p) => p.id)), [items]);

  const columns = useMemo<ColumnSpec<ApproverPolicy>[]>(() => {
    const type = (p: ApproverPolicy) =>
      p.targetType === 'ACCOUNT' ? t('approvers.account') : t('approvers.ou');
    const groups = (p: ApproverPolicy) => p.approverGroups.map((g) => g.name).join(', ');
    return [
      { id: 'name', header: t('approvers.target'), text: (p) => p.targetName, cell: (p) => p.targetName },
      { id: 'id', header: t('policy.id'), text: (p) => p.id, cell: (p) => p.id },
      { id: 'type', header: t('policy.type'), text: type, cell: type },
      { id: 'groups', header: t('approvers.groups'), text: groups, cell: groups },
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
    ];
  }, [t, locale, timeZone]);

  const close = () => setDialog(undefined);

  return (
    <>
      <DataTable<ApproverPolicy>
        id="approver-policies"
        title={t('nav.approverPolicy')}
        description={t('approvers.description')}
        ariaLabel={t('nav.approverPolicy')}
        items={items}
        trackBy={(p) => p.id}
        itemLabel={(p) => p.targetName}
        columns={columns}
        loading={policies.loading}
        onRefresh={policies.reload}
        error={policies.error}
        selectionType="multi"
        defaultSorting={{ columnId: 'name' }}
        emptyTitle={t('approvers.empty')}
        emptyDescription={t('approvers.emptyDescription')}
        emptyAction={<Button onClick={() => setDialog({ kind: 'create' })}>{t('approvers.create')}</Button>}
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
              {t('approvers.create')}
            </Button>
          </>
        )}
      />
      {dialog?.kind === 'create' || dialog?.kind === 'edit' ? (
        <ApproverPolicyModal
          policy={dialog.kind === 'edit' ? dialog.policy : undefined}
          existingIds={existingIds}
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
            const result = await api.deleteApproverPolicies(dialog.policies.map((p) => p.id));
            close();
            notify({ type: 'success', content: t('policy.deleted', { count: result.deletedIds.length }) });
            policies.reload();
          }}
        >
          <Box>{t('policy.delete.content')}</Box>
          <ul>
            {dialog.policies.map((p) => (
              <li key={p.id}>
                {p.targetName} ({p.id})
              </li>
            ))}
          </ul>
        </ConfirmModal>
      ) : null}
    </>
  );
}
