import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useMemo, useState, type ReactNode } from 'react';
import { useAsync, useSettings } from '../../api/hooks';
import { MAX_PAGE_SIZE, readAll } from '../../api/team-api';
import type {
  ApproverPolicy,
  DeletePoliciesResult,
  EligibilityPolicy,
  Page,
  PageArgs,
  Settings,
} from '../../api/model';
import { DataTable, type ColumnSpec } from '../../components/data-table';
import { useFlash } from '../../app/flash';
import { ConfirmModal } from '../../components/modals';
import { useT, type I18nValue } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { DateTimeText } from '../../components/table-cells';
import {
  PolicyCheckSummary,
  StaleIndicator,
  useListedStale,
  usePolicyCheck,
  type PolicyKind,
} from './policy-check';

/** What eligibility and approver policies have in common. */
export type PolicyRecord = Pick<
  EligibilityPolicy | ApproverPolicy,
  'id' | 'ticketNo' | 'updatedAt' | 'updatedBy'
>;

/** What a policy page hands its create/edit modal. */
export interface PolicyFormProps<P> {
  /** The policy to edit; undefined: create. */
  policy: P | undefined;
  /** Every policy listed (to tell what already exists when creating). */
  existing: readonly P[];
  /** The settings in force; undefined while they load. */
  settings: Settings | undefined;
  onSaved: (count: number) => void;
  onDismiss: () => void;
}

export interface PolicyTablePageProps<P extends PolicyRecord> {
  /** Key of the table's stored preferences. */
  id: string;
  /** Which policies the page lists, to mark those the latest policy check found stale. */
  policyKind: PolicyKind;
  title: string;
  description: string;
  /** Key of the list load (a new key reloads). */
  listKey: string;
  /** One page of the policies; the page reads them all. */
  list: (page: PageArgs) => Promise<Page<P>>;
  remove: (ids: string[]) => Promise<DeletePoliciesResult>;
  columns: ColumnSpec<P>[];
  /** The policy's name in selection labels. */
  itemLabel: (policy: P) => string;
  /** The policy as listed in the delete confirmation. */
  deleteEntry: (policy: P) => string;
  createLabel: string;
  emptyTitle: string;
  emptyDescription: string;
  form: (props: PolicyFormProps<P>) => ReactNode;
}

type Dialog<P> = { kind: 'create' } | { kind: 'edit'; policy: P } | { kind: 'delete'; policies: P[] };

/**
 * An administration page over a policy list: what the latest policy check found (with "Check
 * now"), the table with delete, edit and create, stale policies marked in its first column, the
 * create/edit modal the page supplies, and the delete confirmation; every change is flashed and
 * reloads the list.
 */
export function PolicyTablePage<P extends PolicyRecord>(props: PolicyTablePageProps<P>) {
  const t = useT();
  const { notify } = useFlash();
  const settings = useSettings();
  const { list } = props;
  const policies = useAsync(
    () => readAll((nextToken) => list({ limit: MAX_PAGE_SIZE, nextToken })),
    props.listKey,
  );
  const [dialog, setDialog] = useState<Dialog<P> | undefined>();
  const items = useMemo(() => policies.data ?? [], [policies.data]);
  const policyCheck = usePolicyCheck();
  const ids = useMemo(() => items.map((p) => p.id), [items]);
  const stale = useListedStale(policyCheck.check, props.policyKind, ids);
  const checkedAt = policyCheck.check?.checkedAt;
  const staleLabel = t('policyCheck.stale');
  const { columns: pageColumns } = props;
  // The first column (who or what the policy is about) also says when the policy is stale.
  const columns = useMemo<ColumnSpec<P>[]>(
    () =>
      pageColumns.map((column, index) => {
        if (index > 0 || checkedAt === undefined || stale.size === 0) return column;
        return {
          ...column,
          text: (p: P) => (stale.has(p.id) ? `${column.text(p)} ${staleLabel}` : column.text(p)),
          cell: (p: P) => {
            const references = stale.get(p.id);
            return references ? (
              <>
                {column.cell(p)}
                <Box variant="div" padding={{ top: 'xxs' }}>
                  <StaleIndicator references={references} checkedAt={checkedAt} />
                </Box>
              </>
            ) : (
              column.cell(p)
            );
          },
        };
      }),
    [pageColumns, stale, checkedAt, staleLabel],
  );

  const close = () => setDialog(undefined);
  const create = () => setDialog({ kind: 'create' });

  return (
    <SpaceBetween size="m">
      <PolicyCheckSummary state={policyCheck} stale={stale} ready={policies.data !== undefined} />
      <DataTable<P>
        id={props.id}
        title={props.title}
        description={props.description}
        ariaLabel={props.title}
        items={items}
        trackBy={(p) => p.id}
        itemLabel={props.itemLabel}
        columns={columns}
        wrapLines
        loading={policies.loading}
        onRefresh={policies.reload}
        error={policies.error}
        selectionType="multi"
        defaultSorting={{ columnId: 'name' }}
        emptyTitle={props.emptyTitle}
        emptyDescription={props.emptyDescription}
        emptyAction={<Button onClick={create}>{props.createLabel}</Button>}
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
            <Button variant="primary" onClick={create}>
              {props.createLabel}
            </Button>
          </>
        )}
      />
      {dialog?.kind === 'create' || dialog?.kind === 'edit'
        ? props.form({
            policy: dialog.kind === 'edit' ? dialog.policy : undefined,
            existing: items,
            settings: settings.data,
            onDismiss: close,
            onSaved: (count) => {
              close();
              notify({
                type: 'success',
                content: dialog.kind === 'edit' ? t('policy.saved') : t('policy.created', { count }),
              });
              policies.reload();
            },
          })
        : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmModal
          header={t('policy.delete.header', { count: dialog.policies.length })}
          confirmLabel={t('common.delete')}
          onDismiss={close}
          onConfirm={async () => {
            const result = await props.remove(dialog.policies.map((p) => p.id));
            close();
            notify({ type: 'success', content: t('policy.deleted', { count: result.deletedIds.length }) });
            policies.reload();
          }}
        >
          <Box>{t('policy.delete.content')}</Box>
          <ul>
            {dialog.policies.map((p) => (
              <li key={p.id}>{props.deleteEntry(p)}</li>
            ))}
          </ul>
        </ConfirmModal>
      ) : null}
    </SpaceBetween>
  );
}

/**
 * The columns every policy list ends with: ticket number, who changed it last and when (shown on
 * demand: the policy's own columns take the width beside the navigation).
 */
export function policyRecordColumns<P extends PolicyRecord>({
  t,
  locale,
  timeZone,
}: Pick<I18nValue, 't' | 'locale' | 'timeZone'>): ColumnSpec<P>[] {
  const updatedAt = (p: P) => formatDateTime(p.updatedAt, locale, timeZone);
  return [
    {
      id: 'ticketNo',
      header: t('column.ticketNo'),
      text: (p) => p.ticketNo ?? '',
      cell: (p) => p.ticketNo ?? '-',
      visible: false,
      width: 140,
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
      text: updatedAt,
      cell: (p) => <DateTimeText value={p.updatedAt} />,
      sortingComparator: (a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt),
      csv: (p) => p.updatedAt,
      visible: false,
      width: 150,
    },
  ];
}
