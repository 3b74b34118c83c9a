import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useCallback } from 'react';
import { useTeamApi } from '../../api/context';
import { useAsync, usePagedList, useRequestChanges } from '../../api/hooks';
import type { AuditAction, AuditEvent, Request } from '../../api/model';
import type { PageProps } from '../page-props';
import { canAct, useRequestActions, type RequestAction } from '../../features/requests/request-actions';
import { accountLabel, actorLabel } from '../../features/requests/request-columns';
import { ApprovalPanel } from '../../features/requests/approval-progress';
import { ExtensionsPanel } from '../../features/requests/extensions';
import { RequestDetails } from '../../features/requests/request-summary';
import { ReviewPanel } from '../../features/requests/review';
import { BreakGlassBadge } from '../../features/requests/status-badge';
import { useRouter } from '../../app/router';
import { pathOf } from '../../app/routes';
import { useMe } from '../../app/session';
import { SESSION_LOG_STATUSES, SessionActivity } from '../../features/requests/session-activity';
import { STATUS_LABELS } from '../../features/requests/status-badge';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { DateTimeText, LongText, PersonText } from '../../components/table-cells';

const ACTION_LABELS: Readonly<Record<AuditAction, MessageKey>> = {
  CREATED: 'audit.CREATED',
  APPROVED: 'audit.APPROVED',
  REJECTED: 'audit.REJECTED',
  CANCELLED: 'audit.CANCELLED',
  EXPIRED: 'audit.EXPIRED',
  SCHEDULED: 'audit.SCHEDULED',
  STARTED: 'audit.STARTED',
  ENDED: 'audit.ENDED',
  REVOKED: 'audit.REVOKED',
  FAILED: 'audit.FAILED',
  NOTIFIED: 'audit.NOTIFIED',
  NOTIFICATION_FAILED: 'audit.NOTIFICATION_FAILED',
  REPAIRED: 'audit.REPAIRED',
  APPROVAL_RECORDED: 'audit.APPROVAL_RECORDED',
  REMINDED: 'audit.REMINDED',
  ESCALATED: 'audit.ESCALATED',
  EXTENSION_REQUESTED: 'audit.EXTENSION_REQUESTED',
  EXTENDED: 'audit.EXTENDED',
  EXTENSION_REJECTED: 'audit.EXTENSION_REJECTED',
  EXTENSION_CANCELLED: 'audit.EXTENSION_CANCELLED',
  BREAK_GLASS: 'audit.BREAK_GLASS',
  REVIEWED: 'audit.REVIEWED',
  SESSION_REVIEWED: 'audit.SESSION_REVIEWED',
};

const ACTION_BUTTONS: readonly { action: RequestAction; label: MessageKey; primary?: boolean }[] = [
  { action: 'cancel', label: 'actions.cancelRequest' },
  { action: 'revoke', label: 'actions.revoke' },
  { action: 'reject', label: 'actions.reject' },
  { action: 'approve', label: 'actions.approve', primary: true },
];

/** The notices the trail records as sent: "email: approved sent to 4 recipients". */
const NOTIFIED = /^(email|sns|slack|teams): ([a-z-]+) sent to (\d+) recipients?$/;

/** The notices by the event they tell of, named as the trail names those events. */
const NOTICE_LABELS: Readonly<Record<string, MessageKey>> = {
  pending: 'audit.CREATED',
  approved: 'audit.APPROVED',
  rejected: 'audit.REJECTED',
  cancelled: 'audit.CANCELLED',
  expired: 'audit.EXPIRED',
  scheduled: 'audit.SCHEDULED',
  started: 'audit.STARTED',
  ended: 'audit.ENDED',
  revoked: 'audit.REVOKED',
  error: 'audit.FAILED',
  repaired: 'audit.REPAIRED',
  reminder: 'audit.REMINDED',
  escalated: 'audit.ESCALATED',
  'extension-requested': 'audit.EXTENSION_REQUESTED',
  extended: 'audit.EXTENDED',
  'extension-rejected': 'audit.EXTENSION_REJECTED',
  'break-glass': 'audit.BREAK_GLASS',
  'review-reminder': 'details.event.reviewReminder',
  reviewed: 'audit.REVIEWED',
};

const CHANNEL_NAMES = { sns: 'Amazon SNS', slack: 'Slack', teams: 'Microsoft Teams' } as const;

/**
 * A notice the trail records as sent, in the reader's language ("Email: “Access granted” sent to
 * 4 recipients"); any other detail as it was recorded.
 */
function auditDetail(detail: string, t: Translate): string {
  const match = NOTIFIED.exec(detail);
  const label = match ? NOTICE_LABELS[match[2] ?? ''] : undefined;
  if (!match || !label) return detail;
  const channel =
    match[1] === 'email' ? t('details.channel.email') : CHANNEL_NAMES[match[1] as keyof typeof CHANNEL_NAMES];
  const count = Number(match[3]);
  return t(count === 1 ? 'details.notified.one' : 'details.notified.other', {
    channel,
    event: t(label),
    count,
  });
}

/** What the import writes on each event of an imported request's trail (shown in the reader's language). */
const IMPORTED_DETAIL = 'Imported from the original TEAM';

function AuditTrail(props: { requestId: string; version: string; imported: boolean }) {
  const { requestId, version } = props;
  const { t } = useI18n();
  const api = useTeamApi();
  const events = usePagedList(
    (nextToken) => api.requestEvents(requestId, { limit: 100, nextToken }),
    `${requestId}@${version}`,
  );
  // An event that left the status as it was (access ending after a revoke) shows no "X → X".
  const transition = (e: AuditEvent) =>
    (e.fromStatus || e.toStatus) && e.fromStatus !== e.toStatus
      ? `${e.fromStatus ? t(STATUS_LABELS[e.fromStatus]) : '-'} → ${e.toStatus ? t(STATUS_LABELS[e.toStatus]) : '-'}`
      : '-';
  return (
    <Table<AuditEvent>
      variant="container"
      header={<Header variant="h2">{t('details.auditTrail')}</Header>}
      items={events.items}
      loading={events.loading}
      loadingText={t('table.loading')}
      trackBy="id"
      wrapLines
      ariaLabels={{ tableLabel: t('details.auditTrail') }}
      empty={<Box textAlign="center">{events.error ? events.error.message : t('details.noEvents')}</Box>}
      columnDefinitions={[
        {
          id: 'at',
          header: t('details.when'),
          // To the second, the date above the time when narrow: auditors read the order of events.
          cell: (e) => <DateTimeText value={e.at} options={{ seconds: true }} />,
          minWidth: 140,
        },
        { id: 'action', header: t('details.what'), cell: (e) => t(ACTION_LABELS[e.action]), minWidth: 110 },
        {
          id: 'actor',
          header: t('details.who'),
          cell: (e) => (e.actor ? <PersonText label={actorLabel(e.actor)} /> : t('details.team')),
          minWidth: 140,
        },
        { id: 'status', header: t('column.status'), cell: transition, minWidth: 130 },
        {
          id: 'comment',
          header: t('details.comment'),
          cell: (e) => <LongText text={e.comment} />,
          minWidth: 160,
        },
        {
          id: 'detail',
          header: t('details.detail'),
          cell: (e) =>
            props.imported && e.detail === IMPORTED_DETAIL ? (
              t('imported.trailDetail')
            ) : (
              <LongText text={e.detail && auditDetail(e.detail, t)} />
            ),
          minWidth: 200,
        },
      ]}
      footer={
        events.hasMore ? (
          <Box textAlign="center">
            <Button loading={events.loadingMore} onClick={events.loadMore}>
              {t('table.loadMore')}
            </Button>
          </Box>
        ) : undefined
      }
    />
  );
}

function Loaded({ request, reload }: { request: Request; reload: () => void }) {
  const { t } = useI18n();
  const me = useMe();
  const actions = useRequestActions(reload);
  const imported = request.importedFrom !== null;
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={`${request.permissionSet.name} · ${actorLabel(request.requester)}`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel={t('table.refresh')} onClick={reload} />
              {ACTION_BUTTONS.filter((b) => !imported && canAct(b.action, request, me)).map((b) => (
                <Button
                  key={b.action}
                  variant={b.primary ? 'primary' : 'normal'}
                  onClick={() => actions.open(b.action, request)}
                >
                  {t(b.label)}
                </Button>
              ))}
            </SpaceBetween>
          }
        >
          {accountLabel(request.account)}
          {request.breakGlass ? (
            <>
              {' '}
              <BreakGlassBadge />
            </>
          ) : null}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {imported ? (
          <Alert type="info" header={t('imported.title')}>
            {t('imported.content')}
          </Alert>
        ) : null}
        {request.breakGlass && !imported ? (
          <Alert type="warning" header={t('breakGlass.details.header')}>
            {t('breakGlass.details.content', { incident: request.breakGlass.incident })}
          </Alert>
        ) : null}
        <Container header={<Header variant="h2">{t('details.title')}</Header>}>
          <RequestDetails request={request} />
        </Container>
        <ApprovalPanel request={request} me={me} />
        <ReviewPanel request={request} me={me} open={actions.open} />
        <ExtensionsPanel request={request} me={me} open={actions.open} />
        {/* An imported request's session activity stays in the original's event data store. */}
        {!imported && SESSION_LOG_STATUSES.has(request.status) ? <SessionActivity request={request} /> : null}
        <AuditTrail requestId={request.id} version={request.updatedAt} imported={imported} />
      </SpaceBetween>
      {actions.modal}
    </ContentLayout>
  );
}

/** One request (deep link target of notifications): details, audit trail and the actions allowed. */
export default function RequestDetailsPage({ params }: PageProps) {
  const { t } = useI18n();
  const api = useTeamApi();
  const me = useMe();
  const { navigate } = useRouter();
  const id = params['id'] ?? '';
  const request = useAsync(() => api.getRequest(id), id);
  const { reload } = request;

  const onChange = useCallback(
    (change: { requestId: string } | undefined) => {
      if (!change || change.requestId === id) reload();
    },
    [id, reload],
  );
  useRequestChanges(me.userId, onChange);
  useRequestChanges(me.isAuditor ? 'AUDIT' : undefined, onChange);

  if (request.error) {
    return (
      <Alert
        type="error"
        header={t('details.loadError')}
        action={<Button onClick={reload}>{t('common.retry')}</Button>}
      >
        {request.error.message}
      </Alert>
    );
  }
  if (request.data === undefined) {
    return (
      <Box textAlign="center" padding="xl">
        <Spinner size="large" />
      </Box>
    );
  }
  if (request.data === null) {
    return (
      <Alert
        type="warning"
        header={t('details.notFound')}
        action={<Button onClick={() => navigate(pathOf('myRequests'))}>{t('nav.myRequests')}</Button>}
      >
        {t('details.notFoundContent')}
      </Alert>
    );
  }
  return <Loaded request={request.data} reload={reload} />;
}
