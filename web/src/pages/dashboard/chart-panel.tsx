import { useCollection } from '@cloudscape-design/collection-hooks';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState, type ReactNode } from 'react';
import { downloadCsv, toCsv } from '../../components/csv';
import { useT, type Translate } from '../../i18n';
import type { DataColumn } from './dashboard-data';

/** Rows a table view shows at once (a month of days). */
const TABLE_PAGE_SIZE = 31;

type View = 'chart' | 'table';

/** The CSV of a table view: its headers, then each row's raw values, CRLF line ends. */
export function tableCsv<Row>(columns: readonly DataColumn<Row>[], rows: readonly Row[]): string {
  return toCsv(
    columns.map((c) => c.header),
    rows.map((row) => columns.map((c) => c.csv(row))),
  );
}

/** "No data" for a chart or a table with nothing to show. */
export function EmptyData({ t }: { t: Translate }) {
  return (
    <Box textAlign="center" color="inherit">
      <b>{t('dashboard.empty.title')}</b>
      <Box variant="p" color="inherit">
        {t('dashboard.empty.description')}
      </Box>
    </Box>
  );
}

function DataTableView<Row>(props: {
  title: string;
  columns: readonly DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  loading: boolean;
  wrapLines: boolean;
}) {
  const t = useT();
  const { items, collectionProps, paginationProps } = useCollection([...props.rows], {
    pagination: { pageSize: TABLE_PAGE_SIZE },
  });
  return (
    <Table
      {...collectionProps}
      variant="embedded"
      ariaLabels={{ tableLabel: props.title }}
      columnDefinitions={props.columns
        .filter((c) => !c.csvOnly)
        .map((c) => ({ id: c.id, header: c.header, cell: c.cell }))}
      items={items}
      trackBy={props.rowKey}
      loading={props.loading && props.rows.length === 0}
      loadingText={t('dashboard.loading')}
      empty={<EmptyData t={t} />}
      wrapLines={props.wrapLines}
      pagination={props.rows.length > TABLE_PAGE_SIZE ? <Pagination {...paginationProps} /> : undefined}
    />
  );
}

export interface ChartPanelProps<Row> {
  /** Names the CSV file, with the range (`dashboard-<id>-<from>_<to>.csv`). */
  id: string;
  title: string;
  description?: string;
  /** The file-name part of the range shown; no download while there is none. */
  rangeSlug: string | undefined;
  /** The chart (rendered only in the chart view). */
  chart: () => ReactNode;
  columns: readonly DataColumn<Row>[];
  /** Undefined until the first answer. */
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string;
  loading: boolean;
  /** Shown above the chart or the table (e.g. percentiles). */
  summary?: ReactNode;
  /** Whether the table view wraps long cells (names, ARNs); default true. Dates and counts do not need to. */
  wrapLines?: boolean;
}

/**
 * A dashboard section: a chart, or the same numbers as a table (the accessible view), and a CSV
 * download of that table for the range shown.
 */
export function ChartPanel<Row>(props: ChartPanelProps<Row>) {
  const t = useT();
  const [view, setView] = useState<View>('chart');
  const { rows, rangeSlug } = props;
  return (
    <Container
      fitHeight
      header={
        <Header
          variant="h2"
          description={props.description}
          actions={
            <SpaceBetween direction="horizontal" size="xs" alignItems="center">
              <SegmentedControl
                label={t('dashboard.view.label', { title: props.title })}
                selectedId={view}
                onChange={({ detail }) => setView(detail.selectedId === 'table' ? 'table' : 'chart')}
                options={[
                  { id: 'chart', text: t('dashboard.view.chart') },
                  { id: 'table', text: t('dashboard.view.table') },
                ]}
              />
              <Button
                iconName="download"
                ariaLabel={t('dashboard.csv.ariaLabel', { title: props.title })}
                disabled={!rows || !rangeSlug}
                onClick={() =>
                  rows &&
                  rangeSlug &&
                  downloadCsv(`dashboard-${props.id}-${rangeSlug}.csv`, tableCsv(props.columns, rows))
                }
              >
                {t('table.downloadCsv')}
              </Button>
            </SpaceBetween>
          }
        >
          {props.title}
        </Header>
      }
    >
      <SpaceBetween size="m">
        {props.summary}
        {view === 'chart' ? (
          props.chart()
        ) : (
          <DataTableView
            title={props.title}
            columns={props.columns}
            rows={rows ?? []}
            rowKey={props.rowKey}
            loading={props.loading}
            wrapLines={props.wrapLines ?? true}
          />
        )}
      </SpaceBetween>
    </Container>
  );
}
