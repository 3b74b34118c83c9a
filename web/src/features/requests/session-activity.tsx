import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Toggle from '@cloudscape-design/components/toggle';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SESSION_TAIL_MS } from '../../../../lambdas/contract/patterns';
import { useTeamApi } from '../../api/context';
import type { ApiError } from '../../api/errors';
import { MAX_PAGE_SIZE, readAll } from '../../api/team-api';
import type { Request, RequestStatus, SessionLogEvent, SessionLogQuery } from '../../api/model';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import type { CsvColumn } from '../../components/csv';
import { DataTable, type ColumnSpec } from '../../components/data-table';
import { DateTimeText } from '../../components/table-cells';
import { useSession } from '../../app/session';

export interface SessionActivityProps {
  /** The granted (in progress, ended or revoked) request whose activity to show. */
  request: Request;
}

/** Statuses for which a session may have left activity logs. */
export const SESSION_LOG_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'IN_PROGRESS',
  'ENDED',
  'REVOKED',
] satisfies RequestStatus[]);

/** Most rows one view loads (pages of MAX_PAGE_SIZE), so a huge session cannot hang the tab. */
const MAX_LOG_PAGES = 50;

/** How often an active query is re-read besides its subscription. */
const POLL_MS = 3000;

const PROVIDER_LABELS = { 'cloudtrail-lake': 'CloudTrail Lake', athena: 'Amazon Athena' } as const;

/**
 * Whether a stored query already holds all of a session's activity: access is over and the
 * query's window reaches past its late-delivery tail (the server reuses such a query and runs a
 * new one for anything less, which catches events delivered after the first look).
 */
export function coversSession(query: SessionLogQuery, request: Request): boolean {
  if (request.status === 'IN_PROGRESS' || query.windowEnd === null) return false;
  const accessEnd =
    request.endedAt !== null
      ? Date.parse(request.endedAt)
      : request.status === 'ENDED'
        ? Date.parse(request.endTime)
        : Number.NaN;
  return Date.parse(query.windowEnd) >= accessEnd + SESSION_TAIL_MS;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof Error) return error as ApiError;
  return { name: 'ApiError', errorType: 'Unknown', message: String(error) } as ApiError;
}

/**
 * The newer of two snapshots of a query: a subscription push and the initial read may arrive in
 * either order, and an older snapshot must not undo a newer state.
 */
function newer(current: SessionLogQuery | null, next: SessionLogQuery): SessionLogQuery {
  if (current && current.updatedAt > next.updatedAt) return current;
  return next;
}

/** The CSV columns of an export: the event plus whose access it was. */
export function sessionActivityCsvColumns(request: Request, t: Translate): CsvColumn<SessionLogEvent>[] {
  return [
    { header: t('sessionActivity.column.eventId'), value: (e) => e.eventId },
    { header: t('sessionActivity.column.eventTime'), value: (e) => e.eventTime },
    { header: t('sessionActivity.column.eventName'), value: (e) => e.eventName },
    { header: t('sessionActivity.column.eventSource'), value: (e) => e.eventSource },
    { header: t('sessionActivity.column.account'), value: () => request.account.id },
    { header: t('sessionActivity.column.user'), value: () => request.requester.email },
    { header: t('sessionActivity.column.readOnly'), value: (e) => e.readOnly },
    { header: t('sessionActivity.column.sourceIp'), value: (e) => e.sourceIp },
    { header: t('sessionActivity.column.errorCode'), value: (e) => e.errorCode },
    { header: t('sessionActivity.column.sensitive'), value: (e) => e.sensitive },
  ];
}

function useEventColumns(): ColumnSpec<SessionLogEvent>[] {
  const { t, locale, timeZone } = useI18n();
  return useMemo(() => {
    const access = (e: SessionLogEvent) =>
      e.readOnly === null ? '' : e.readOnly ? t('sessionActivity.read') : t('sessionActivity.write');
    return [
      {
        id: 'eventTime',
        header: t('sessionActivity.column.eventTime'),
        // To the second: API calls come in bursts.
        text: (e) => formatDateTime(e.eventTime, locale, timeZone, { seconds: true }),
        cell: (e) => <DateTimeText value={e.eventTime} options={{ seconds: true }} />,
        sortingComparator: (a, b) => a.eventTime.localeCompare(b.eventTime),
        width: 150,
        minWidth: 140,
        wrap: true,
      },
      {
        id: 'eventName',
        header: t('sessionActivity.column.eventName'),
        text: (e) => (e.sensitive ? `${e.eventName} ${t('sessionActivity.sensitive')}` : e.eventName),
        cell: (e) =>
          e.sensitive ? (
            <SpaceBetween direction="horizontal" size="xxs">
              <span>{e.eventName}</span>
              <Badge color="red">{t('sessionActivity.sensitive')}</Badge>
            </SpaceBetween>
          ) : (
            e.eventName
          ),
        width: 260,
        wrap: true,
      },
      {
        id: 'eventSource',
        header: t('sessionActivity.column.eventSource'),
        text: (e) => e.eventSource,
        cell: (e) => e.eventSource,
        width: 200,
        wrap: true,
      },
      {
        id: 'access',
        header: t('sessionActivity.column.access'),
        text: access,
        cell: access,
        width: 120,
        wrap: true,
      },
      {
        id: 'region',
        header: t('sessionActivity.column.region'),
        text: (e) => e.awsRegion ?? '',
        cell: (e) => e.awsRegion ?? '-',
        // Mostly the one region: shown on demand (preferences).
        visible: false,
        width: 130,
        wrap: true,
      },
      {
        id: 'sourceIp',
        header: t('sessionActivity.column.sourceIp'),
        text: (e) => e.sourceIp ?? '',
        cell: (e) => e.sourceIp ?? '-',
        width: 150,
        wrap: true,
      },
      {
        id: 'errorCode',
        header: t('sessionActivity.column.errorCode'),
        text: (e) => e.errorCode ?? '',
        cell: (e) => e.errorCode ?? '-',
        minWidth: 140,
        wrap: true,
      },
      {
        id: 'userAgent',
        header: t('sessionActivity.column.userAgent'),
        text: (e) => e.userAgent ?? '',
        cell: (e) => e.userAgent ?? '-',
        visible: false,
        width: 280,
        wrap: true,
      },
      {
        id: 'eventId',
        header: t('sessionActivity.column.eventId'),
        text: (e) => e.eventId,
        cell: (e) => e.eventId,
        visible: false,
        width: 300,
        wrap: true,
      },
    ];
  }, [t, locale, timeZone]);
}

/**
 * Session activity logs of one request (API calls made with the granted access): reads or
 * starts the log query, follows its progress over the `onSessionLogQuery` subscription, then
 * shows the rows (write-only view, sensitive actions flagged, CSV export).
 */
export function SessionActivity({ request }: SessionActivityProps) {
  const { app } = useSession();
  const { t } = useI18n();
  if (app.sessionLogs === 'none') {
    return (
      <Container header={<Header variant="h2">{t('sessionActivity.title')}</Header>}>
        <Box color="text-status-inactive">{t('sessionActivity.notConfigured')}</Box>
      </Container>
    );
  }
  return <SessionActivityLogs request={request} provider={PROVIDER_LABELS[app.sessionLogs]} />;
}

function SessionActivityLogs({ request, provider }: { request: Request; provider: string }) {
  const api = useTeamApi();
  const { t } = useI18n();
  const columns = useEventColumns();
  const requestId = request.id;

  const [query, setQuery] = useState<SessionLogQuery | null>(null);
  const [queryError, setQueryError] = useState<ApiError | undefined>();
  const [starting, setStarting] = useState(false);
  const [writeOnly, setWriteOnly] = useState(false);
  const [events, setEvents] = useState<SessionLogEvent[]>([]);
  const [rowsLoading, setRowsLoading] = useState(false);
  const [rowsError, setRowsError] = useState<ApiError | undefined>();
  const mounted = useRef(true);

  const apply = useCallback(
    (next: SessionLogQuery) => {
      if (next.requestId !== requestId) return;
      setQuery((current) => newer(current, next));
    },
    [requestId],
  );

  const start = useCallback(async () => {
    setStarting(true);
    setQueryError(undefined);
    setEvents([]);
    try {
      const started = await api.startSessionLogQuery(requestId);
      // A fresh start replaces whatever was shown, even a snapshot stamped later by the server.
      if (mounted.current) setQuery(started);
    } catch (error) {
      if (mounted.current) setQueryError(asApiError(error));
    } finally {
      if (mounted.current) setStarting(false);
    }
  }, [api, requestId]);

  // Subscribe first so no progress push is missed between the read and the subscription.
  useEffect(() => {
    mounted.current = true;
    const unsubscribe = api.onSessionLogQuery(requestId, {
      next: apply,
      error: (error) => setQueryError(error),
      reconnected: () => {
        void api.sessionLogQuery(requestId).then((q) => {
          if (q && mounted.current) apply(q);
        });
      },
    });
    void (async () => {
      try {
        const existing = await api.sessionLogQuery(requestId);
        if (!mounted.current) return;
        const running = existing?.status === 'QUEUED' || existing?.status === 'RUNNING';
        // A live session (or one whose late events may still arrive) keeps producing activity,
        // so a finished query of it is out of date; the server reuses a query still running.
        const current =
          running || existing?.status === 'DISABLED' || (existing && coversSession(existing, request));
        if (!existing || !current) {
          await start();
        } else {
          apply(existing);
        }
      } catch (error) {
        if (mounted.current) setQueryError(asApiError(error));
      }
    })();
    return () => {
      mounted.current = false;
      unsubscribe();
    };
    // Only a different request restarts the flow; `start` and `apply` follow it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, requestId]);

  // The subscription carries progress, but the server also moves a query along when it is
  // read, so a slow poll keeps the panel going if pushes are lost or the follower is late.
  const active = query?.status === 'QUEUED' || query?.status === 'RUNNING';
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      void api.sessionLogQuery(requestId).then(
        (q) => {
          if (q && mounted.current) apply(q);
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [api, requestId, active, apply]);

  const finishedKey = query?.status === 'FINISHED' ? `${query.windowEnd ?? ''}|${query.updatedAt}` : null;
  useEffect(() => {
    if (finishedKey === null) return;
    let cancelled = false;
    setRowsLoading(true);
    setRowsError(undefined);
    readAll(
      (nextToken) => api.sessionLogs(requestId, { writeOnly, limit: MAX_PAGE_SIZE, nextToken }),
      MAX_LOG_PAGES,
    )
      .then((items) => {
        if (!cancelled) setEvents(items);
      })
      .catch((error: unknown) => {
        if (!cancelled) setRowsError(asApiError(error));
      })
      .finally(() => {
        if (!cancelled) setRowsLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [api, requestId, finishedKey, writeOnly]);

  const csvColumns = useMemo(() => sessionActivityCsvColumns(request, t), [request, t]);
  const description = t('sessionActivity.description', { provider });
  const title = (
    <Header variant="h2" description={description}>
      {t('sessionActivity.title')}
    </Header>
  );

  if (query?.status === 'DISABLED') {
    return (
      <Container header={title}>
        <Box color="text-status-inactive">{t('sessionActivity.notConfigured')}</Box>
      </Container>
    );
  }

  if (query?.status === 'FINISHED') {
    return (
      <DataTable<SessionLogEvent>
        id="session-activity"
        variant="container"
        title={t('sessionActivity.title')}
        description={description}
        ariaLabel={t('sessionActivity.tableLabel')}
        items={events}
        trackBy={(e) => e.eventId}
        columns={columns}
        loading={rowsLoading || starting}
        error={rowsError ?? queryError}
        csvFilename={`session-activity-${requestId}${writeOnly ? '-writes' : ''}.csv`}
        csvColumns={csvColumns}
        emptyTitle={t('sessionActivity.empty')}
        emptyDescription={t('sessionActivity.emptyDescription')}
        defaultSorting={{ columnId: 'eventTime' }}
        itemLabel={(e) => e.eventName}
        actions={() => (
          <SpaceBetween direction="horizontal" size="xs" alignItems="center">
            <Toggle checked={writeOnly} onChange={({ detail }) => setWriteOnly(detail.checked)}>
              {t('sessionActivity.writeOnly')}
            </Toggle>
            {coversSession(query, request) ? null : (
              <Button iconName="refresh" loading={starting} onClick={() => void start()}>
                {t('sessionActivity.refresh')}
              </Button>
            )}
          </SpaceBetween>
        )}
      />
    );
  }

  let body;
  if (query?.status === 'FAILED') {
    body = (
      <Alert
        type="error"
        header={t('sessionActivity.failedHeader')}
        action={
          <Button loading={starting} onClick={() => void start()}>
            {t('sessionActivity.retry')}
          </Button>
        }
      >
        {query.error ?? ''}
      </Alert>
    );
  } else if (queryError && !starting) {
    body = (
      <Alert
        type="error"
        header={t('sessionActivity.loadError')}
        action={<Button onClick={() => void start()}>{t('sessionActivity.retry')}</Button>}
      >
        {queryError.message}
      </Alert>
    );
  } else if (query?.status === 'QUEUED') {
    body = <StatusIndicator type="pending">{t('sessionActivity.queued')}</StatusIndicator>;
  } else if (query?.status === 'RUNNING') {
    body = (
      <StatusIndicator type="in-progress">
        {query.progress === null
          ? t('sessionActivity.queryingNoProgress')
          : t('sessionActivity.querying', { progress: query.progress })}
      </StatusIndicator>
    );
  } else {
    body = <StatusIndicator type="loading">{t('sessionActivity.loading')}</StatusIndicator>;
  }
  return <Container header={title}>{body}</Container>;
}
