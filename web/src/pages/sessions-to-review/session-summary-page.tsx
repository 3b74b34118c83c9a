import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs, { type KeyValuePairsProps } from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import { useState, type ReactNode } from 'react';
import { useTeamApi } from '../../api/context';
import { useAsync } from '../../api/hooks';
import type { SessionSummary } from '../../api/model';
import { useFlash } from '../../app/flash';
import { useFollow } from '../../app/router';
import { pathOf, requestDetailsPath } from '../../app/routes';
import { useMe } from '../../app/session';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import type { PageProps } from '../page-props';
import {
  accountText,
  actionName,
  canMarkReviewed,
  MarkReviewedModal,
  personName,
  serviceName,
  sessionDuration,
  SessionReviewStatus,
  STATUS_LABELS,
} from './session-review-parts';

/** Most calls a summary reads (lambdas/core/session-review/process.ts). */
const SUMMARY_ROWS = 20_000;

/** One list of the summary as a small table, with its own empty state. */
function SummaryTable<T>(props: {
  title: string;
  description?: string;
  items: readonly T[];
  columns: TableProps.ColumnDefinition<T>[];
  trackBy: (item: T) => string;
}) {
  const { t } = useI18n();
  return (
    <Table<T>
      variant="container"
      header={
        <Header variant="h2" counter={`(${props.items.length})`} description={props.description}>
          {props.title}
        </Header>
      }
      ariaLabels={{ tableLabel: props.title }}
      items={[...props.items]}
      trackBy={props.trackBy}
      columnDefinitions={props.columns}
      wrapLines
      empty={
        <Box textAlign="center" color="inherit">
          {t('sessionReview.none')}
        </Box>
      }
    />
  );
}

/** The parts of a summary that only a computed one has: its figures and lists. */
function Activity({ summary }: { summary: SessionSummary }) {
  const { t, locale } = useI18n();
  const n = (value: number) => value.toLocaleString(locale);
  const callsColumn = <T extends { calls: number }>(): TableProps.ColumnDefinition<T> => ({
    id: 'calls',
    header: t('sessionReview.col.calls'),
    cell: (x) => n(x.calls),
  });
  const actionColumns = [
    {
      id: 'action',
      header: t('sessionReview.col.action'),
      cell: (a: SessionSummary['writeActions'][number]) => actionName(a),
    },
    callsColumn<SessionSummary['writeActions'][number]>(),
    {
      id: 'succeeded',
      header: t('sessionReview.col.succeeded'),
      cell: (a: SessionSummary['writeActions'][number]) => n(a.succeeded),
    },
    {
      id: 'denied',
      header: t('sessionReview.col.denied'),
      cell: (a: SessionSummary['writeActions'][number]) => n(a.denied),
    },
  ];
  return (
    <SpaceBetween size="l">
      {summary.truncated ? (
        <Alert type="warning">{t('sessionReview.truncated', { count: n(SUMMARY_ROWS) })}</Alert>
      ) : null}
      <SummaryTable
        title={t('sessionReview.sensitive.title')}
        description={t('sessionReview.sensitive.description')}
        items={summary.sensitiveActions}
        columns={actionColumns}
        trackBy={actionName}
      />
      <SummaryTable
        title={t('sessionReview.writes.title')}
        description={t('sessionReview.writes.description')}
        items={summary.writeActions}
        columns={actionColumns}
        trackBy={actionName}
      />
      <SummaryTable
        title={t('sessionReview.services.title')}
        items={summary.services}
        columns={[
          { id: 'service', header: t('sessionReview.col.service'), cell: (s) => serviceName(s.eventSource) },
          callsColumn(),
          { id: 'writes', header: t('sessionReview.col.writes'), cell: (s) => n(s.writes) },
        ]}
        trackBy={(s) => s.eventSource}
      />
      <SummaryTable
        title={t('sessionReview.denied.title')}
        description={t('sessionReview.denied.description')}
        items={summary.accessDenied}
        columns={[
          { id: 'action', header: t('sessionReview.col.action'), cell: (d) => actionName(d) },
          { id: 'errorCode', header: t('sessionReview.col.errorCode'), cell: (d) => d.errorCode },
          callsColumn(),
        ]}
        trackBy={(d) => `${actionName(d)}:${d.errorCode}`}
      />
      <SummaryTable
        title={t('sessionReview.sourceIps.title')}
        description={t('sessionReview.sourceIps.description')}
        items={summary.sourceIps}
        columns={[
          { id: 'sourceIp', header: t('sessionReview.col.sourceIp'), cell: (i) => i.sourceIp },
          callsColumn(),
        ]}
        trackBy={(i) => i.sourceIp}
      />
    </SpaceBetween>
  );
}

/** The facts of the session and of its review. */
function Overview({ summary }: { summary: SessionSummary }) {
  const { t, locale, timeZone } = useI18n();
  const at = (value: string | null | undefined) => formatDateTime(value, locale, timeZone);
  const n = (value: number) => value.toLocaleString(locale);
  const range = (from: string | null | undefined, to: string | null | undefined) =>
    from && to ? t('sessionReview.range', { from: at(from), to: at(to) }) : '-';
  const items: KeyValuePairsProps.Item[] = [
    { label: t('sessionReview.field.requester'), value: personName(summary.requester) },
    { label: t('sessionReview.field.account'), value: accountText(summary) },
    { label: t('sessionReview.field.permissionSet'), value: summary.permissionSetName },
    { label: t('sessionReview.field.granted'), value: at(summary.grantedAt) },
    {
      label: t('sessionReview.field.ended'),
      value: summary.revoked ? `${at(summary.endedAt)} (${t('sessionReview.revoked')})` : at(summary.endedAt),
    },
    { label: t('sessionReview.field.duration'), value: sessionDuration(summary, t) },
    { label: t('sessionReview.field.state'), value: <SessionReviewStatus state={summary.reviewState} /> },
    { label: t('sessionReview.field.status'), value: t(STATUS_LABELS[summary.status]) },
  ];
  if (summary.status === 'COMPLETE') {
    items.push(
      {
        label: t('sessionReview.field.calls'),
        value: t('sessionReview.calls', {
          total: n(summary.totalCalls),
          reads: n(summary.readCalls),
          writes: n(summary.writeCalls),
          failed: n(summary.failedCalls),
        }),
      },
      { label: t('sessionReview.field.sensitive'), value: n(summary.sensitiveCalls) },
      { label: t('sessionReview.field.denied'), value: n(summary.accessDeniedCalls) },
      { label: t('sessionReview.field.firstLast'), value: range(summary.firstCallAt, summary.lastCallAt) },
      { label: t('sessionReview.field.window'), value: range(summary.windowStart, summary.windowEnd) },
    );
  }
  if (summary.status === 'PENDING' && summary.nextLookAt) {
    items.push({ label: t('sessionReview.field.nextLook'), value: at(summary.nextLookAt) });
  }
  if (summary.error) items.push({ label: t('sessionReview.field.error'), value: summary.error });
  if (summary.reviewedBy) {
    items.push(
      {
        label: t('sessionReview.field.reviewedBy'),
        value: `${personName(summary.reviewedBy)} · ${at(summary.reviewedAt)}`,
      },
      { label: t('sessionReview.field.comment'), value: summary.reviewComment ?? '' },
    );
  }
  return (
    <Container header={<Header variant="h2">{t('sessionReview.overview')}</Header>}>
      <KeyValuePairs columns={3} items={items} />
    </Container>
  );
}

/**
 * Audit → Sessions to review → one session: what it did, from its session-log summary (calls per
 * service, write and sensitive actions, access-denied errors, source IPs), its review, a link to
 * the request's session logs (auditors read them) and "Mark reviewed" with a comment.
 */
export default function SessionSummaryPage({ params }: PageProps) {
  const { t } = useI18n();
  const api = useTeamApi();
  const me = useMe();
  const follow = useFollow();
  const { notify } = useFlash();
  const requestId = params.id ?? '';
  const loaded = useAsync(() => api.sessionSummary(requestId), `sessionSummary:${requestId}`);
  const [marking, setMarking] = useState(false);
  const summary = loaded.data;

  let body: ReactNode;
  if (loaded.loading && !summary) {
    body = (
      <Box textAlign="center" padding="xxl">
        <Spinner size="large" />
      </Box>
    );
  } else if (loaded.error) {
    body = (
      <Alert
        type="error"
        header={t('sessionReview.loadError')}
        action={<Button onClick={loaded.reload}>{t('common.retry')}</Button>}
      >
        {loaded.error.message}
      </Alert>
    );
  } else if (!summary) {
    body = (
      <Container>
        <Box textAlign="center" padding="l">
          <Box variant="strong">{t('sessionReview.notFound')}</Box>
          <Box variant="p" color="text-body-secondary">
            {t('sessionReview.notFoundDescription')}
          </Box>
        </Box>
      </Container>
    );
  } else {
    const own = summary.reviewState === 'TO_REVIEW' && summary.requester.id === me.userId;
    body = (
      <SpaceBetween size="l">
        {own ? <Alert type="info">{t('sessionReview.ownSession')}</Alert> : null}
        <Overview summary={summary} />
        {summary.status === 'COMPLETE' ? <Activity summary={summary} /> : null}
      </SpaceBetween>
    );
  }

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button href={pathOf('sessionsToReview')} onFollow={follow}>
                {t('sessionReview.back')}
              </Button>
              {summary && me.isAuditor ? (
                <Button href={requestDetailsPath(summary.requestId, 'sessionsToReview')} onFollow={follow}>
                  {t('sessionReview.viewLogs')}
                </Button>
              ) : null}
              {summary && canMarkReviewed(summary, me) ? (
                <Button variant="primary" onClick={() => setMarking(true)}>
                  {t('sessionReview.markReviewed')}
                </Button>
              ) : null}
            </SpaceBetween>
          }
        >
          {summary
            ? `${t('page.sessionSummary.title')}: ${personName(summary.requester)}`
            : t('page.sessionSummary.title')}
        </Header>
      }
    >
      {body}
      {marking && summary ? (
        <MarkReviewedModal
          summary={summary}
          onDismiss={() => setMarking(false)}
          onDone={(reviewed) => {
            setMarking(false);
            notify({
              type: 'success',
              content: t('sessionReview.mark.done', { requester: personName(reviewed.requester) }),
            });
            loaded.reload();
          }}
        />
      ) : null}
    </ContentLayout>
  );
}
