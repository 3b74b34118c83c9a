import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { useMemo, type ReactNode } from 'react';
import type { PolicyImportCounts, PolicyImportPreview } from '../../api/model';
import { DataTable, type ColumnSpec } from '../../components/data-table';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import {
  describeChange,
  fieldLabel,
  fieldValue,
  isListField,
  listItems,
  type ChangePart,
} from './change-labels';

type PolicyChange = PolicyImportPreview['eligibility'][number];
type FieldChange = PolicyImportPreview['settings'][number];
type SkippedItem = PolicyImportPreview['skipped'][number];
type ChangeCounts = PolicyImportCounts['eligibility'];

const CHANGE_STATUS: Readonly<Record<PolicyChange['change'], StatusIndicatorProps.Type>> = {
  ADDED: 'success',
  CHANGED: 'info',
  REMOVED: 'warning',
};

const CHANGE_LABEL: Readonly<Record<PolicyChange['change'], MessageKey>> = {
  ADDED: 'document.change.ADDED',
  CHANGED: 'document.change.CHANGED',
  REMOVED: 'document.change.REMOVED',
};

const PART_LABEL: Readonly<Record<string, MessageKey>> = {
  eligibility: 'document.skipped.part.eligibility',
  approvers: 'document.skipped.part.approvers',
  settings: 'document.skipped.part.settings',
};

const CHANGE_ORDER: Readonly<Record<PolicyChange['change'], number>> = { ADDED: 0, CHANGED: 1, REMOVED: 2 };

/** Whether an import with these counts would write anything. */
export function importChangesSomething(counts: PolicyImportCounts): boolean {
  const any = (c: ChangeCounts) => c.added + c.changed + c.removed > 0;
  return any(counts.eligibility) || any(counts.approvers) || counts.settingsChanged;
}

/** "2 added, 1 changed, 0 removed" (with the unchanged ones when `unchanged`). */
export function countsText(counts: ChangeCounts, t: Translate, unchanged = false): string {
  return t(unchanged ? 'document.counts' : 'document.counts.apply', { ...counts });
}

interface FieldLine {
  key: string;
  label: string;
  text: string;
  content: ReactNode;
}

/** Lists longer than this (before and after together) show what they lose and gain instead of both lists. */
const LONG_LIST = 6;

/** How one field changes: "before → after", or for a long list, the names removed and added. */
function changedValue(
  part: ChangePart,
  f: FieldChange,
  t: Translate,
  locale: string,
): Omit<FieldLine, 'key' | 'label'> {
  const before = fieldValue(part, f.field, f.before, t, locale);
  const after = fieldValue(part, f.field, f.after, t, locale);
  const was = listItems(f.before);
  const will = listItems(f.after);
  if (isListField(part, f.field) && was.length + will.length > LONG_LIST) {
    const removed = was.filter((item) => !will.includes(item));
    const added = will.filter((item) => !was.includes(item));
    const kept = will.length - added.length;
    const lines = [
      ...(removed.length > 0
        ? [t('document.list.removed', { count: removed.length, items: removed.join(', ') })]
        : []),
      ...(added.length > 0
        ? [t('document.list.added', { count: added.length, items: added.join(', ') })]
        : []),
      ...(kept > 0 ? [t('document.list.kept', { count: kept })] : []),
    ];
    return {
      text: lines.join('; '),
      content: (
        <>
          {lines.map((line) => (
            <Box key={line} display="block" margin={{ left: 'm' }}>
              {line}
            </Box>
          ))}
        </>
      ),
    };
  }
  return {
    text: `${before} → ${after}`,
    content: (
      <>
        <Box variant="span" color="text-body-secondary">
          {before}
        </Box>{' '}
        → {after}
      </>
    ),
  };
}

/** The fields of a change, one line each: how a changed policy's field changes, the value of an added or removed one's. */
function fieldLines(part: ChangePart, change: PolicyChange, t: Translate, locale: string): FieldLine[] {
  return change.fields.map((f) => {
    const label = fieldLabel(part, f.field, t);
    if (change.change === 'CHANGED') {
      const { text, content } = changedValue(part, f, t, locale);
      return { key: f.field, label, text: `${label}: ${text}`, content };
    }
    const value = fieldValue(part, f.field, change.change === 'ADDED' ? f.after : f.before, t, locale);
    return { key: f.field, label, text: `${label}: ${value}`, content: value };
  });
}

function ChangeTable({ part, changes }: { part: 'eligibility' | 'approvers'; changes: PolicyChange[] }) {
  const { t, locale } = useI18n();
  const title = t(part === 'eligibility' ? 'document.changes.eligibility' : 'document.changes.approvers');
  const columns = useMemo<ColumnSpec<PolicyChange>[]>(() => {
    const kind = (c: PolicyChange) => t(CHANGE_LABEL[c.change]);
    const describe = (c: PolicyChange) => describeChange(part, c.description, t);
    return [
      {
        id: 'change',
        header: t('document.column.change'),
        text: kind,
        cell: (c) => <StatusIndicator type={CHANGE_STATUS[c.change]}>{kind(c)}</StatusIndicator>,
        sortingComparator: (a, b) =>
          CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || describe(a).localeCompare(describe(b)),
        width: 120,
      },
      { id: 'policy', header: t('document.column.policy'), text: describe, cell: describe, width: 320 },
      {
        id: 'fields',
        header: t('document.column.fields'),
        text: (c) =>
          fieldLines(part, c, t, locale)
            .map((l) => l.text)
            .join('; '),
        cell: (c) => (
          <>
            {fieldLines(part, c, t, locale).map((line) => (
              <Box key={line.key} variant="div">
                <Box variant="span" fontWeight="bold">
                  {line.label}:
                </Box>{' '}
                {line.content}
              </Box>
            ))}
          </>
        ),
        sortable: false,
        minWidth: 300,
      },
    ];
  }, [part, t, locale]);
  return (
    <DataTable<PolicyChange>
      id={`policy-document-${part}`}
      title={title}
      ariaLabel={title}
      variant="container"
      items={changes}
      trackBy={(c) => `${c.change}:${c.id}`}
      itemLabel={(c) => describeChange(part, c.description, t)}
      columns={columns}
      loading={false}
      wrapLines
      defaultSorting={{ columnId: 'change' }}
      emptyTitle={t('document.nothing.title')}
    />
  );
}

function SettingsTable({ changes }: { changes: FieldChange[] }) {
  const { t, locale } = useI18n();
  const title = t('document.changes.settings');
  const columns = useMemo<ColumnSpec<FieldChange>[]>(() => {
    const label = (f: FieldChange) => fieldLabel('settings', f.field, t);
    return [
      { id: 'setting', header: t('document.column.setting'), text: label, cell: label, width: 320 },
      {
        id: 'change',
        header: t('document.column.change'),
        text: (f) => changedValue('settings', f, t, locale).text,
        cell: (f) => changedValue('settings', f, t, locale).content,
        sortable: false,
        minWidth: 300,
      },
    ];
  }, [t, locale]);
  return (
    <DataTable<FieldChange>
      id="policy-document-settings"
      title={title}
      ariaLabel={title}
      variant="container"
      items={changes}
      trackBy={(f) => f.field}
      itemLabel={(f) => fieldLabel('settings', f.field, t)}
      columns={columns}
      loading={false}
      wrapLines
      emptyTitle={t('document.nothing.title')}
    />
  );
}

function SkippedTable({ skipped }: { skipped: SkippedItem[] }) {
  const { t } = useI18n();
  const title = t('document.skipped.title');
  const columns = useMemo<ColumnSpec<SkippedItem>[]>(() => {
    const part = (s: SkippedItem) => {
      const key = Object.hasOwn(PART_LABEL, s.part) ? PART_LABEL[s.part] : undefined;
      return key ? t(key) : s.part;
    };
    return [
      { id: 'part', header: t('document.skipped.part'), text: part, cell: part, width: 140 },
      {
        id: 'item',
        header: t('document.skipped.item'),
        text: (s) => s.item,
        cell: (s) => s.item,
        width: 280,
      },
      {
        id: 'reason',
        header: t('document.skipped.reason'),
        text: (s) => s.reason,
        cell: (s) => s.reason,
        minWidth: 300,
      },
    ];
  }, [t]);
  return (
    <DataTable<SkippedItem>
      id="policy-document-skipped"
      title={title}
      description={t('document.skipped.description')}
      ariaLabel={title}
      variant="container"
      items={skipped}
      trackBy={(s) => `${s.part}:${s.item}`}
      itemLabel={(s) => s.item}
      columns={columns}
      loading={false}
      wrapLines
      emptyTitle={t('document.nothing.title')}
    />
  );
}

/** What applying a previewed document would change: the counts, then each list of changes. */
export function ImportPreviewView(props: { preview: PolicyImportPreview; actions: ReactNode }) {
  const { t } = useI18n();
  const { preview } = props;
  const { counts } = preview;
  const changes = importChangesSomething(counts);
  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header variant="h2" description={t('document.changes.description')} actions={props.actions}>
            {t('document.changes.title')}
          </Header>
        }
      >
        <SpaceBetween size="l">
          <KeyValuePairs
            columns={3}
            items={[
              {
                label: t('document.changes.eligibility'),
                value: countsText(counts.eligibility, t, true),
              },
              { label: t('document.changes.approvers'), value: countsText(counts.approvers, t, true) },
              {
                label: t('document.changes.settings'),
                value: counts.settingsChanged
                  ? t('document.settings.changed')
                  : t('document.settings.unchanged'),
              },
            ]}
          />
          {changes ? null : (
            <Alert type="info" header={t('document.nothing.title')}>
              {t('document.nothing.content')}
            </Alert>
          )}
        </SpaceBetween>
      </Container>
      {preview.eligibility.length > 0 ? (
        <ChangeTable part="eligibility" changes={preview.eligibility} />
      ) : null}
      {preview.approvers.length > 0 ? <ChangeTable part="approvers" changes={preview.approvers} /> : null}
      {preview.settings.length > 0 ? <SettingsTable changes={preview.settings} /> : null}
      {preview.skipped.length > 0 ? <SkippedTable skipped={preview.skipped} /> : null}
    </SpaceBetween>
  );
}
