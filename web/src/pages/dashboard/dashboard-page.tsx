import Alert from '@cloudscape-design/components/alert';
import BarChart from '@cloudscape-design/components/bar-chart';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DateRangePicker, { type DateRangePickerProps } from '@cloudscape-design/components/date-range-picker';
import FormField from '@cloudscape-design/components/form-field';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import LineChart from '@cloudscape-design/components/line-chart';
import Link from '@cloudscape-design/components/link';
import PieChart from '@cloudscape-design/components/pie-chart';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useMemo, useState, type ReactNode } from 'react';
import { useTeamApi } from '../../api/context';
import { useAsync } from '../../api/hooks';
import type { DashboardDay, DurationDistribution } from '../../api/model';
import { useClock } from '../../app/clock';
import { useFlash } from '../../app/flash';
import { useFollow } from '../../app/router';
import { pathOf } from '../../app/routes';
import { useMe } from '../../app/session';
import { ConfirmModal } from '../../components/modals';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { ChartPanel, EmptyData } from './chart-panel';
import {
  bucketColumns,
  bucketRows,
  dayColumns,
  dayLabel,
  errorRate,
  expiredRate,
  formatsFor,
  OUTCOMES,
  outcomeColumns,
  outcomeRows,
  sensitiveColumns,
  TOP_LISTS,
  topColumns,
  topRows,
  totalsOf,
  type BucketRow,
  type Formats,
  type Rate,
  type TopRow,
} from './dashboard-data';
import {
  DEFAULT_RANGE,
  MAX_RANGE_DAYS,
  daysIn,
  pickerDate,
  rangeOf,
  rangeSlug,
  RELATIVE_OPTIONS,
  RELATIVE_UNITS,
  utcDate,
  validateRange,
  type DayRange,
} from './date-range';

/** Two charts side by side from a medium width up, one above the other below it. */
const HALVES = [{ colspan: { default: 12, s: 6 } }, { colspan: { default: 12, s: 6 } }];

/** Counters side by side down to this width each, in pixels (then they wrap to the next row). */
const COUNTER_MIN_WIDTH = 140;

/** Height of a bar in the horizontal bar charts, in pixels. */
const BAR_ROW_HEIGHT = 30;

type Kind = 'line' | 'bar' | 'pie';

/** What every chart says the same way: its status, empty and filter texts, aria descriptions. */
function chartTexts(t: Translate, kind: Kind) {
  const role = t(
    kind === 'line' ? 'dashboard.chart.line' : kind === 'bar' ? 'dashboard.chart.bar' : 'dashboard.chart.pie',
  );
  return {
    loadingText: t('dashboard.loading'),
    errorText: t('dashboard.chartError'),
    recoveryText: t('common.retry'),
    empty: <EmptyData t={t} />,
    noMatch: (
      <Box textAlign="center" color="inherit">
        {t('dashboard.noMatch')}
      </Box>
    ),
    i18nStrings: {
      filterLabel: t('dashboard.chart.filterLabel'),
      filterPlaceholder: t('dashboard.chart.filterPlaceholder'),
      filterSelectedAriaLabel: t('dashboard.chart.filterSelected'),
      legendAriaLabel: t('dashboard.chart.legend'),
      detailPopoverDismissAriaLabel: t('dashboard.chart.dismiss'),
      chartAriaRoleDescription: role,
      xAxisAriaRoleDescription: t('dashboard.chart.xAxis'),
      yAxisAriaRoleDescription: t('dashboard.chart.yAxis'),
    },
  };
}

/** The instant a UTC date starts: where a day sits on a time axis. */
function utcMidnight(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** Counts are whole: ticks between whole numbers keep their grid line but show no label. */
function countTick(value: number, f: Formats): string {
  return Number.isInteger(value) ? f.number(value) : '';
}

function Counter({ label, value, detail }: { label: string; value: ReactNode; detail?: string }) {
  return (
    <div>
      <Box variant="awsui-key-label">{label}</Box>
      <Box fontSize="display-l" fontWeight="light" padding={{ vertical: 'xxs' }}>
        {value}
      </Box>
      {detail ? (
        <Box variant="small" color="text-body-secondary">
          {detail}
        </Box>
      ) : null}
    </div>
  );
}

function rateCounter(
  label: string,
  value: Rate | undefined,
  detailKey: 'dashboard.rate.expired.detail' | 'dashboard.rate.error.detail',
  t: Translate,
  f: Formats,
) {
  if (!value) return <Counter label={label} value={<Spinner />} />;
  if (value.rate === null) {
    return <Counter label={label} value={t('dashboard.rate.none')} detail={t('dashboard.rate.noneDetail')} />;
  }
  return (
    <Counter
      label={label}
      value={f.percent(value.rate)}
      detail={t(detailKey, { part: f.number(value.part), whole: f.number(value.whole) })}
    />
  );
}

/** A horizontal bar chart of labelled counts (distributions, top lists). */
function CountBars(props: {
  title: string;
  bars: readonly { label: string; count: number }[];
  unit: string;
  status: 'loading' | 'error' | 'finished';
  onRetry: () => void;
  f: Formats;
  t: Translate;
}) {
  const { bars, f, t } = props;
  const shown = bars.some((b) => b.count > 0) ? bars : [];
  return (
    <BarChart
      {...chartTexts(t, 'bar')}
      ariaLabel={props.title}
      horizontalBars
      hideFilter
      hideLegend
      xScaleType="categorical"
      xDomain={shown.map((b) => b.label)}
      series={
        shown.length > 0
          ? [
              {
                type: 'bar',
                title: props.unit,
                data: shown.map((b) => ({ x: b.label, y: b.count })),
                valueFormatter: (value: number) => f.number(value),
              },
            ]
          : []
      }
      yTickFormatter={(value) => countTick(value, f)}
      yTitle={props.unit}
      height={Math.max(160, shown.length * BAR_ROW_HEIGHT)}
      statusType={props.status}
      onRecoveryClick={props.onRetry}
    />
  );
}

function Percentiles({
  distribution,
  f,
  t,
}: {
  distribution: DurationDistribution | undefined;
  f: Formats;
  t: Translate;
}) {
  const value = (seconds: number | null | undefined) =>
    distribution === undefined ? (
      <Spinner />
    ) : seconds === null || seconds === undefined ? (
      t('dashboard.percentile.none')
    ) : (
      f.duration(seconds)
    );
  return (
    <SpaceBetween size="xs">
      <ColumnLayout columns={3} variant="text-grid" minColumnWidth={COUNTER_MIN_WIDTH}>
        <Counter label={t('dashboard.p50')} value={value(distribution?.p50Seconds)} />
        <Counter label={t('dashboard.p95')} value={value(distribution?.p95Seconds)} />
        <Counter
          label={t('dashboard.counted')}
          value={distribution === undefined ? <Spinner /> : f.number(distribution.count)}
        />
      </ColumnLayout>
      <Box variant="small" color="text-body-secondary">
        {t('dashboard.percentile.note')}
      </Box>
    </SpaceBetween>
  );
}

/** An admin's "Rebuild counters": asks first, starts the rebuild and says when it started. */
function RebuildCounters({ onDismiss }: { onDismiss: () => void }) {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const { notify } = useFlash();
  return (
    <ConfirmModal
      header={t('dashboard.rebuild.header')}
      confirmLabel={t('dashboard.rebuild.action')}
      onDismiss={onDismiss}
      onConfirm={async () => {
        const { startedAt } = await api.rebuildDashboard();
        onDismiss();
        notify({
          type: 'success',
          content: t('dashboard.rebuild.started', { time: formatDateTime(startedAt, locale, timeZone) }),
        });
      }}
    >
      <Box>{t('dashboard.rebuild.content')}</Box>
      <Box>{t('dashboard.rebuild.quiet')}</Box>
    </ConfirmModal>
  );
}

/**
 * Audit → Dashboard (auditors, admins): requests per day by outcome, time to decision and to
 * access, the top accounts, permission sets and people, and the counters of now, over a range of
 * UTC days. Every chart has a table view with the same numbers and a CSV download.
 */
export default function DashboardPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const follow = useFollow();
  const clock = useClock();
  const me = useMe();
  const [rebuilding, setRebuilding] = useState(false);
  const today = utcDate(clock.now());
  const [value, setValue] = useState<DateRangePickerProps.Value>(DEFAULT_RANGE);
  const range: DayRange = rangeOf(value, today) ?? (rangeOf(DEFAULT_RANGE, today) as DayRange);
  const state = useAsync(() => api.dashboard(range.from, range.to), `${range.from}|${range.to}`);
  const f = useMemo(() => formatsFor(locale, t), [locale, t]);

  // Nothing of the previous range stays on screen while another one loads: every number shown
  // and every file downloaded is of the range the picker says.
  const data = state.loading ? undefined : state.data;
  const status: 'loading' | 'error' | 'finished' = state.loading
    ? 'loading'
    : state.error
      ? 'error'
      : 'finished';
  const slug = data ? rangeSlug({ from: data.from, to: data.to }) : undefined;
  const totals = useMemo(() => (data ? totalsOf(data.days) : undefined), [data]);

  // The time axis spans the range shown, days without requests included (a one-day range has no span).
  const shown = data ? { from: data.from, to: data.to } : range;
  const xDomain = shown.from < shown.to ? [utcMidnight(shown.from), utcMidnight(shown.to)] : undefined;

  const perDayTitle = t('dashboard.perDay.title');
  // Series the user switched off in the per-day chart's filter stay off when the range changes.
  const [hiddenSeries, setHiddenSeries] = useState<readonly string[]>([]);
  const perDaySeries = useMemo(() => {
    if (!data || !totals) return [];
    const fields = ['created', ...OUTCOMES] as const;
    if (fields.every((field) => totals[field] === 0)) return [];
    return fields.map((field) => ({
      type: 'line' as const,
      title: dayLabel(field, t),
      data: data.days.map((d) => ({ x: utcMidnight(d.date), y: d[field] })),
      valueFormatter: (y: number) => f.number(y),
    }));
  }, [data, totals, t, f]);

  const sensitiveTitle = t('dashboard.sensitive.title');
  const sensitiveSeries =
    data && totals && totals.sensitiveSessions > 0
      ? [
          {
            type: 'line' as const,
            title: t('dashboard.column.sensitiveSessions'),
            data: data.days.map((d) => ({ x: utcMidnight(d.date), y: d.sensitiveSessions })),
            valueFormatter: (y: number) => f.number(y),
          },
        ]
      : [];

  const outcomesTitle = t('dashboard.outcomes.title');
  const outcomes = totals ? outcomeRows(totals, t) : undefined;
  const outcomeSum = outcomes?.reduce((acc, o) => acc + o.count, 0) ?? 0;

  type Series = (typeof perDaySeries)[number];
  const lineChart = (
    title: string,
    series: readonly Series[],
    yTitle: string,
    options: { filter: boolean },
  ) => (
    <LineChart
      {...chartTexts(t, 'line')}
      ariaLabel={title}
      series={series}
      xScaleType="time"
      xDomain={xDomain}
      xTickFormatter={(x) => f.shortDate(x)}
      yTickFormatter={(y) => countTick(y, f)}
      xTitle={t('dashboard.perDay.x')}
      yTitle={yTitle}
      height={240}
      hideFilter={!options.filter}
      {...(options.filter
        ? {
            visibleSeries: series.filter((s) => !hiddenSeries.includes(s.title)),
            onFilterChange: ({ detail }: { detail: { visibleSeries: readonly { title: string }[] } }) => {
              const visible = new Set(detail.visibleSeries.map((s) => s.title));
              setHiddenSeries(series.filter((s) => !visible.has(s.title)).map((s) => s.title));
            },
          }
        : {})}
      hideLegend={!options.filter}
      statusType={status}
      onRecoveryClick={state.reload}
    />
  );

  const distribution = (
    id: string,
    title: string,
    description: string,
    value: DurationDistribution | undefined,
  ) => {
    const rows = value ? bucketRows(value, t, f) : undefined;
    return (
      <ChartPanel<BucketRow>
        id={id}
        title={title}
        description={description}
        rangeSlug={slug}
        columns={bucketColumns(t, f)}
        rows={rows}
        rowKey={(r) => r.label}
        loading={state.loading}
        summary={<Percentiles distribution={value} f={f} t={t} />}
        chart={() => (
          <CountBars
            title={title}
            bars={rows ?? []}
            unit={t('dashboard.duration.y')}
            status={status}
            onRetry={state.reload}
            f={f}
            t={t}
          />
        )}
      />
    );
  };

  const top = (list: (typeof TOP_LISTS)[number]) => {
    const rows = data ? topRows(data[list.key]) : undefined;
    const title = t(list.title);
    return (
      <ChartPanel<TopRow>
        key={list.key}
        id={list.slug}
        title={title}
        description={t(list.description)}
        rangeSlug={slug}
        columns={topColumns(t, f)}
        rows={rows}
        rowKey={(r) => r.id}
        loading={state.loading}
        chart={() => (
          <CountBars
            title={title}
            bars={rows ?? []}
            unit={t(list.unit)}
            status={status}
            onRetry={state.reload}
            f={f}
            t={t}
          />
        )}
      />
    );
  };

  const rangeText = t('dashboard.range.shown', {
    from: f.date(range.from),
    to: f.date(range.to),
    days: f.number(daysIn(range)),
  });
  const count = (n: number | undefined) => (n === undefined ? <Spinner /> : f.number(n));

  return (
    <ContentLayout
      header={
        <SpaceBetween size="m">
          <Header
            variant="h1"
            description={t('dashboard.description')}
            actions={
              me.isAdmin ? (
                <Button onClick={() => setRebuilding(true)}>{t('dashboard.rebuild.button')}</Button>
              ) : undefined
            }
          >
            {t('nav.dashboard')}
          </Header>
          <FormField
            label={t('dashboard.range.label')}
            description={t('dashboard.range.description', { today, max: MAX_RANGE_DAYS })}
          >
            <DateRangePicker
              value={value}
              onChange={({ detail }) => detail.value && setValue(detail.value)}
              relativeOptions={RELATIVE_OPTIONS}
              customRelativeRangeUnits={RELATIVE_UNITS}
              isValidRange={(candidate) => validateRange(candidate, today, t)}
              isDateEnabled={(date) => pickerDate(date) <= today}
              dateOnly
              dateInputFormat="iso"
              absoluteFormat="iso"
              placeholder={t('dashboard.range.placeholder')}
              expandToViewport
            />
          </FormField>
        </SpaceBetween>
      }
    >
      {rebuilding ? <RebuildCounters onDismiss={() => setRebuilding(false)} /> : null}
      <SpaceBetween size="l">
        {state.error ? (
          <Alert
            type="error"
            header={t('dashboard.error.header')}
            action={<Button onClick={state.reload}>{t('common.retry')}</Button>}
          >
            {state.error.message}
          </Alert>
        ) : null}

        <Grid gridDefinition={[{ colspan: { default: 12, m: 5 } }, { colspan: { default: 12, m: 7 } }]}>
          <Container
            fitHeight
            header={
              <Header
                variant="h2"
                description={
                  data
                    ? data.updatedAt
                      ? t('dashboard.updatedAt', { time: formatDateTime(data.updatedAt, locale, timeZone) })
                      : t('dashboard.updatedNever')
                    : t('dashboard.now.description')
                }
              >
                {t('dashboard.now.title')}
              </Header>
            }
          >
            <ColumnLayout columns={3} variant="text-grid" minColumnWidth={COUNTER_MIN_WIDTH}>
              <Counter label={t('dashboard.now.active')} value={count(data?.activeNow)} />
              <Counter
                label={t('dashboard.now.reviewsPending')}
                value={
                  data ? (
                    <Link href={pathOf('reviewsPending')} onFollow={follow} fontSize="inherit">
                      {f.number(data.breakGlassReviewsPending)}
                    </Link>
                  ) : (
                    <Spinner />
                  )
                }
              />
              <Counter
                label={t('dashboard.now.sessionsToReview')}
                value={
                  data ? (
                    <Link href={pathOf('sessionsToReview')} onFollow={follow} fontSize="inherit">
                      {f.number(data.sessionsToReview)}
                    </Link>
                  ) : (
                    <Spinner />
                  )
                }
              />
            </ColumnLayout>
          </Container>
          <Container
            fitHeight
            header={
              <Header variant="h2" description={rangeText}>
                {t('dashboard.inRange.title')}
              </Header>
            }
          >
            <ColumnLayout columns={4} variant="text-grid" minColumnWidth={COUNTER_MIN_WIDTH}>
              <Counter label={t('dashboard.total.created')} value={count(totals?.created)} />
              <Counter label={t('dashboard.total.breakGlass')} value={count(totals?.breakGlass)} />
              {rateCounter(
                t('dashboard.rate.expired'),
                totals && expiredRate(totals),
                'dashboard.rate.expired.detail',
                t,
                f,
              )}
              {rateCounter(
                t('dashboard.rate.error'),
                totals && errorRate(totals),
                'dashboard.rate.error.detail',
                t,
                f,
              )}
            </ColumnLayout>
          </Container>
        </Grid>

        <ChartPanel<DashboardDay>
          id="requests-per-day"
          title={perDayTitle}
          description={t('dashboard.perDay.description')}
          rangeSlug={slug}
          columns={dayColumns(t, f)}
          rows={data?.days}
          rowKey={(d) => d.date}
          loading={state.loading}
          wrapLines={false}
          chart={() => lineChart(perDayTitle, perDaySeries, t('dashboard.perDay.y'), { filter: true })}
        />

        <Grid gridDefinition={HALVES}>
          <ChartPanel
            id="outcomes"
            title={outcomesTitle}
            description={t('dashboard.outcomes.description')}
            rangeSlug={slug}
            columns={outcomeColumns(t, f)}
            rows={outcomes}
            rowKey={(r) => r.outcome}
            loading={state.loading}
            chart={() => (
              <PieChart
                {...chartTexts(t, 'pie')}
                i18nStrings={{
                  ...chartTexts(t, 'pie').i18nStrings,
                  detailsValue: t('dashboard.chart.value'),
                  detailsPercentage: t('dashboard.chart.percentage'),
                  segmentAriaRoleDescription: t('dashboard.chart.segment'),
                }}
                ariaLabel={outcomesTitle}
                variant="donut"
                size="medium"
                hideFilter
                data={(outcomes ?? [])
                  .filter((o) => o.count > 0)
                  .map((o) => ({ title: o.title, value: o.count }))}
                innerMetricValue={outcomeSum > 0 ? f.number(outcomeSum) : undefined}
                innerMetricDescription={outcomeSum > 0 ? t('dashboard.outcomes.total') : undefined}
                segmentDescription={(datum, sum) =>
                  `${f.number(datum.value)}, ${f.percent(datum.value / sum)}`
                }
                detailPopoverContent={(datum, sum) => [
                  { key: t('dashboard.chart.value'), value: f.number(datum.value) },
                  { key: t('dashboard.chart.percentage'), value: f.percent(datum.value / sum) },
                ]}
                statusType={status}
                onRecoveryClick={state.reload}
              />
            )}
          />
          <ChartPanel<DashboardDay>
            id="sensitive-sessions"
            title={sensitiveTitle}
            description={t('dashboard.sensitive.description')}
            rangeSlug={slug}
            columns={sensitiveColumns(t, f)}
            rows={data?.days}
            rowKey={(d) => d.date}
            loading={state.loading}
            wrapLines={false}
            chart={() =>
              lineChart(sensitiveTitle, sensitiveSeries, t('dashboard.sensitive.y'), { filter: false })
            }
          />
        </Grid>

        <Grid gridDefinition={HALVES}>
          {distribution(
            'time-to-decision',
            t('dashboard.timeToDecision.title'),
            t('dashboard.timeToDecision.description'),
            data?.timeToDecision,
          )}
          {distribution(
            'time-to-access',
            t('dashboard.timeToAccess.title'),
            t('dashboard.timeToAccess.description'),
            data?.timeToAccess,
          )}
        </Grid>

        <Grid gridDefinition={HALVES}>{TOP_LISTS.slice(0, 2).map(top)}</Grid>
        <Grid gridDefinition={HALVES}>{TOP_LISTS.slice(2).map(top)}</Grid>
      </SpaceBetween>
    </ContentLayout>
  );
}
