import { useCollection } from '@cloudscape-design/collection-hooks';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import CollectionPreferences, {
  type CollectionPreferencesProps,
} from '@cloudscape-design/components/collection-preferences';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import * as z from 'zod/mini';
import type { ApiError } from '../api/errors';
import { useOptionalMe } from '../app/session';
import { useT } from '../i18n';
import { downloadCsv, itemsToCsv, type CsvColumn, type CsvValue } from './csv';
import { WRAP } from './table-cells';

/** One column of a DataTable: how to show, sort, filter and export it. */
export interface ColumnSpec<T> {
  id: string;
  header: string;
  cell: (item: T) => ReactNode;
  /** Plain text of the cell, for the text filter, sorting (when no comparator) and CSV. */
  text: (item: T) => string;
  sortingComparator?: (a: T, b: T) => number;
  /** False: the column can be sorted only by its comparator (or not at all). */
  sortable?: boolean;
  /** CSV value, when it differs from `text` (e.g. ISO times); null: not exported. */
  csv?: ((item: T) => CsvValue) | null;
  /** Shown by default (true unless said otherwise). */
  visible?: boolean;
  /** The narrowest the column can be made: its longest word (or unbreakable value) still fits. */
  minWidth?: number;
  /**
   * Width in pixels until the user resizes the column (default: the minimum width, at least
   * Cloudscape's own default): wide enough for the header and the usual value on one line.
   */
  width?: number;
  /**
   * The cells break into lines rather than being cut, even while the table's "wrap lines" is off
   * (names, times, free text: whatever must be read whole). Other cells are cut with an ellipsis
   * when too narrow and show the whole text on hover.
   */
  wrap?: boolean;
}

export interface DataTableProps<T> {
  /** Key of the stored preferences (page size, columns, wrap lines). */
  id: string;
  title: string;
  description?: string;
  /** The table's accessible name. */
  ariaLabel: string;
  items: T[];
  trackBy: (item: T) => string;
  columns: ColumnSpec<T>[];
  loading: boolean;
  loadingMore?: boolean;
  hasMore?: boolean;
  onLoadMore?: () => void;
  onRefresh?: () => void;
  error?: ApiError;
  selectionType?: 'single' | 'multi';
  /** Header buttons; get the current selection. */
  actions?: (selected: T[]) => ReactNode;
  /** CSV download of the loaded items with this file name. */
  csvFilename?: string;
  /** CSV columns, when the export should differ from the table's columns. */
  csvColumns?: CsvColumn<T>[];
  emptyTitle: string;
  emptyDescription?: string;
  emptyAction?: ReactNode;
  defaultSorting?: { columnId: string; descending?: boolean };
  /** Label of an item for selection aria labels (e.g. the account name). */
  itemLabel: (item: T) => string;
  variant?: TableProps['variant'];
  /** Wrap long cells by default (until the user's preferences say otherwise). */
  wrapLines?: boolean;
}

const PAGE_SIZES = [10, 20, 50] as const;

/** Column widths the user set by dragging, by column id (pixels). */
const widthsSchema = z.record(z.string(), z.number().check(z.gte(20), z.lte(4000)));

const preferencesSchema = z.object({
  pageSize: z.union([z.literal(10), z.literal(20), z.literal(50)]),
  wrapLines: z.boolean(),
  contentDisplay: z.array(z.object({ id: z.string(), visible: z.boolean() })).check(z.maxLength(50)),
  widths: z.optional(widthsSchema),
});

type Preferences = z.infer<typeof preferencesSchema>;

function defaultPreferences<T>(columns: ColumnSpec<T>[], wrapLines = false): Preferences {
  return {
    pageSize: 20,
    wrapLines,
    contentDisplay: columns.map((c) => ({ id: c.id, visible: c.visible ?? true })),
  };
}

/**
 * Where a table's preferences are kept: per table and per user (people may share a browser).
 * Before preferences were per user they were kept per table only; those are still read.
 */
function storageKeys(id: string, userId: string | undefined): { own: string; shared: string } {
  const shared = `team.table.${id}`;
  return { own: userId ? `team.table.${encodeURIComponent(userId)}.${id}` : shared, shared };
}

/**
 * Stored preferences, checked; columns added since are appended, removed ones dropped, and so
 * are the widths of columns that are gone.
 */
function readPreferences<T>(
  id: string,
  userId: string | undefined,
  columns: ColumnSpec<T>[],
  wrapLines?: boolean,
): Preferences {
  const fallback = defaultPreferences(columns, wrapLines);
  try {
    const keys = storageKeys(id, userId);
    const raw = globalThis.localStorage?.getItem(keys.own) ?? globalThis.localStorage?.getItem(keys.shared);
    if (!raw) return fallback;
    const parsed = preferencesSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return fallback;
    const known = new Set(columns.map((c) => c.id));
    const kept = parsed.data.contentDisplay.filter((c) => known.has(c.id));
    const keptIds = new Set(kept.map((c) => c.id));
    const added = fallback.contentDisplay.filter((c) => !keptIds.has(c.id));
    const widths = Object.fromEntries(
      Object.entries(parsed.data.widths ?? {}).filter(([column]) => known.has(column)),
    );
    return { ...parsed.data, contentDisplay: [...kept, ...added], widths };
  } catch {
    return fallback;
  }
}

function storePreferences(id: string, userId: string | undefined, preferences: Preferences): void {
  try {
    globalThis.localStorage?.setItem(storageKeys(id, userId).own, JSON.stringify(preferences));
  } catch {
    // Storage may be disabled: preferences then last for the visit.
  }
}

/**
 * How a column's cells render: as they are when the table wraps its lines; in a wrapping span
 * for a column that wraps anyway; else with their whole text on hover, for when they are cut.
 */
function cellOf<T>(column: ColumnSpec<T>, wrapLines: boolean): (item: T) => ReactNode {
  if (wrapLines) return column.cell;
  if (column.wrap) return (item) => <span style={WRAP}>{column.cell(item)}</span>;
  return (item) => <span title={column.text(item) || undefined}>{column.cell(item)}</span>;
}

function compareText(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

/**
 * A Cloudscape table over loaded items (collection hooks): text filter, sorting, pagination,
 * preferences, refresh, "load more" for server pages, empty and no-match states, CSV export.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const t = useT();
  const userId = useOptionalMe()?.userId;
  const { columns } = props;
  const [preferences, setPreferences] = useState<Preferences>(() =>
    readPreferences(props.id, userId, columns, props.wrapLines),
  );
  const savePreferences = (next: Preferences) => {
    setPreferences(next);
    storePreferences(props.id, userId, next);
  };

  const { wrapLines, widths } = preferences;
  const columnDefinitions = useMemo<TableProps.ColumnDefinition<T>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        // A header longer than its column breaks into lines instead of being cut.
        header: <span style={{ whiteSpace: 'normal' }}>{c.header}</span>,
        cell: cellOf(c, wrapLines),
        minWidth: c.minWidth,
        width: widths?.[c.id] ?? c.width,
        sortingField: c.sortable === false && !c.sortingComparator ? undefined : c.id,
        sortingComparator:
          c.sortable === false && !c.sortingComparator
            ? undefined
            : (c.sortingComparator ?? ((a: T, b: T) => compareText(c.text(a), c.text(b)))),
      })),
    [columns, wrapLines, widths],
  );

  const filterText = (item: T) =>
    columns
      .map((c) => c.text(item))
      .join('\u0000')
      .toLowerCase();

  const defaultColumn = props.defaultSorting
    ? columnDefinitions.find((c) => c.id === props.defaultSorting?.columnId)
    : undefined;

  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount, actions } = useCollection(
    props.items,
    {
      filtering: {
        filteringFunction: (item, text) => filterText(item).includes(text.trim().toLowerCase()),
        empty: (
          <Box textAlign="center" color="inherit" padding={{ vertical: 's' }}>
            <SpaceBetween size="xxs">
              <Box variant="strong" color="inherit">
                {props.emptyTitle}
              </Box>
              {props.emptyDescription ? <Box color="inherit">{props.emptyDescription}</Box> : null}
              {props.emptyAction}
            </SpaceBetween>
          </Box>
        ),
        noMatch: (
          <Box textAlign="center" color="inherit" padding={{ vertical: 's' }}>
            <SpaceBetween size="xxs">
              <Box variant="strong" color="inherit">
                {t('table.noMatch.title')}
              </Box>
              <Box color="inherit">{t('table.noMatch.description')}</Box>
              <Button onClick={() => actions.setFiltering('')}>{t('table.clearFilter')}</Button>
            </SpaceBetween>
          </Box>
        ),
      },
      sorting: defaultColumn
        ? { defaultState: { sortingColumn: defaultColumn, isDescending: props.defaultSorting?.descending } }
        : {},
      pagination: { pageSize: preferences.pageSize },
      selection: props.selectionType
        ? { keepSelection: true, trackBy: (item: T) => props.trackBy(item) }
        : undefined,
    },
  );

  const selected = (collectionProps.selectedItems ?? []) as T[];

  // After a reload, selections of items that are gone (deleted, moved to another list) are
  // dropped, and kept ones point at the fresh objects.
  const { trackBy } = props;
  const { setSelectedItems } = actions;
  useEffect(() => {
    if (selected.length === 0) return;
    const fresh = new Map(props.items.map((item) => [trackBy(item), item]));
    const next = selected.flatMap((item) => {
      const match = fresh.get(trackBy(item));
      return match ? [match] : [];
    });
    if (next.length !== selected.length || next.some((item, i) => item !== selected[i]))
      setSelectedItems(next);
    // Only a new item list can make a selection stale.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.items]);
  const total = props.items.length;
  const counter =
    props.selectionType && selected.length > 0
      ? `(${selected.length}/${total}${props.hasMore ? '+' : ''})`
      : `(${total}${props.hasMore ? '+' : ''})`;

  const csvColumns: CsvColumn<T>[] =
    props.csvColumns ??
    columns.filter((c) => c.csv !== null).map((c) => ({ header: c.header, value: c.csv ?? c.text }));

  const headerActions = (
    <SpaceBetween direction="horizontal" size="xs">
      {props.onRefresh ? (
        <Button
          iconName="refresh"
          ariaLabel={t('table.refresh')}
          loading={props.loading && total > 0}
          onClick={props.onRefresh}
        />
      ) : null}
      {props.csvFilename ? (
        <Button
          iconName="download"
          disabled={total === 0}
          onClick={() => downloadCsv(props.csvFilename ?? 'export.csv', itemsToCsv(csvColumns, props.items))}
        >
          {t('table.downloadCsv')}
        </Button>
      ) : null}
      {props.actions?.(selected)}
    </SpaceBetween>
  );

  const pageSizeOptions: CollectionPreferencesProps.PageSizeOption[] = PAGE_SIZES.map((size) => ({
    value: size,
    label: t('table.pageSizeOption', { count: size }),
  }));

  return (
    <SpaceBetween size="s">
      {props.error ? (
        <Alert type="error" header={t('table.loadError')}>
          {props.error.message}
        </Alert>
      ) : null}
      <Table<T>
        {...collectionProps}
        variant={props.variant ?? 'full-page'}
        items={items}
        trackBy={props.trackBy}
        columnDefinitions={columnDefinitions}
        columnDisplay={preferences.contentDisplay}
        wrapLines={preferences.wrapLines}
        loading={props.loading && total === 0}
        loadingText={t('table.loading')}
        selectionType={props.selectionType}
        resizableColumns
        onColumnWidthsChange={({ detail }) => {
          // The widths come in the order of the column definitions, hidden columns included.
          const next = { ...widths };
          columnDefinitions.forEach((column, index) => {
            const width = detail.widths[index];
            if (column.id && width !== undefined) next[column.id] = Math.round(width);
          });
          const checked = widthsSchema.safeParse(next);
          if (checked.success) savePreferences({ ...preferences, widths: checked.data });
        }}
        enableKeyboardNavigation
        ariaLabels={{
          tableLabel: props.ariaLabel,
          selectionGroupLabel: t('table.selectionGroup'),
          allItemsSelectionLabel: () => t('table.selectAll'),
          itemSelectionLabel: (_, item) => t('table.selectItem', { name: props.itemLabel(item) }),
        }}
        renderAriaLive={({ firstIndex, lastIndex, totalItemsCount }) =>
          t('table.ariaLive', { first: firstIndex, last: lastIndex, total: totalItemsCount ?? total })
        }
        header={
          <Header
            variant={props.variant === 'container' ? 'h2' : 'awsui-h1-sticky'}
            counter={counter}
            description={props.description}
            actions={headerActions}
          >
            {props.title}
          </Header>
        }
        filter={
          <TextFilter
            {...filterProps}
            filteringPlaceholder={t('table.filterPlaceholder')}
            filteringAriaLabel={t('table.filterAriaLabel')}
            filteringClearAriaLabel={t('table.clearFilter')}
            countText={t('table.matches', { count: filteredItemsCount ?? 0 })}
          />
        }
        pagination={<Pagination {...paginationProps} />}
        footer={
          props.hasMore && props.onLoadMore ? (
            <Box textAlign="center">
              <Button loading={props.loadingMore} onClick={props.onLoadMore}>
                {t('table.loadMore')}
              </Button>
            </Box>
          ) : undefined
        }
        preferences={
          <CollectionPreferences
            preferences={{
              pageSize: preferences.pageSize,
              wrapLines: preferences.wrapLines,
              contentDisplay: preferences.contentDisplay,
            }}
            pageSizePreference={{ title: t('table.pageSize'), options: pageSizeOptions }}
            wrapLinesPreference={{}}
            contentDisplayPreference={{
              options: columns.map((c) => ({
                id: c.id,
                label: c.header,
                alwaysVisible: c.id === columns[0]?.id,
              })),
            }}
            onConfirm={({ detail }) => {
              const next = preferencesSchema.safeParse({
                ...preferences,
                pageSize: detail.pageSize ?? preferences.pageSize,
                wrapLines: detail.wrapLines ?? preferences.wrapLines,
                contentDisplay: detail.contentDisplay ?? preferences.contentDisplay,
              });
              if (!next.success) return;
              savePreferences(next.data);
            }}
          />
        }
      />
    </SpaceBetween>
  );
}
