import Box from '@cloudscape-design/components/box';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import type { Actor, Request } from '../../api/model';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime, formatHours, formatIsoDuration } from '../../i18n/format';
import { progressText, requestProgress } from './approval-progress';
import { Countdown, countdownOf } from './countdown';
import { accountLabel, actorLabel, endTimeOf } from './request-columns';
import { RequestStatusBadge } from './status-badge';

/** What the import writes on a request the original recorded as failed (shown in the reader's language). */
const IMPORTED_ERROR_REASON = 'The original TEAM recorded this request as failed.';

function errorReasonText(request: Request, reason: string, t: Translate): string {
  return request.importedFrom && reason === IMPORTED_ERROR_REASON ? t('imported.errorReason') : reason;
}

/** People by name, their email beside it (the email alone when there is no name). */
function People({ people }: { people: Actor[] }) {
  const { t } = useI18n();
  if (people.length === 0) return <>{t('details.nobody')}</>;
  return (
    <>
      {people.map((p) => (
        <Box key={p.id}>
          {p.name || actorLabel(p)}
          {p.name && p.email ? (
            <Box variant="span" color="text-body-secondary">
              {` (${p.email})`}
            </Box>
          ) : null}
        </Box>
      ))}
    </>
  );
}

/** The key facts of a request, as in the approve/reject/revoke/cancel modals. */
export function RequestSummary({ request }: { request: Request }) {
  const { t, locale, timeZone } = useI18n();
  return (
    <KeyValuePairs
      columns={2}
      items={[
        { label: t('column.requester'), value: actorLabel(request.requester) },
        { label: t('column.account'), value: accountLabel(request.account) },
        { label: t('column.role'), value: request.permissionSet.name },
        { label: t('column.startTime'), value: formatDateTime(request.startTime, locale, timeZone) },
        { label: t('column.duration'), value: formatHours(request.durationHours, t, locale) },
        { label: t('column.endTime'), value: formatDateTime(endTimeOf(request), locale, timeZone) },
        { label: t('column.ticketNo'), value: request.ticketNo ?? '-' },
        {
          label: t('column.justification'),
          value: <Box variant="span">{request.justification}</Box>,
        },
        { label: t('column.status'), value: <RequestStatusBadge request={request} /> },
      ]}
    />
  );
}

/** Everything known about a request, for the details page. */
export function RequestDetails({ request }: { request: Request }) {
  const { t, locale, timeZone } = useI18n();
  const when = (value: string | null | undefined) => (value ? formatDateTime(value, locale, timeZone) : '-');
  const progress = requestProgress(request);
  const extendedBy = request.extensions
    .filter((e) => e.status === 'APPROVED')
    .reduce((sum, e) => sum + e.hours, 0);
  const items = [
    { label: t('column.status'), value: <RequestStatusBadge request={request} /> },
    ...(countdownOf(request)
      ? [{ label: t('column.countdown'), value: <Countdown request={request} /> }]
      : []),
    { label: t('column.requester'), value: actorLabel(request.requester) },
    { label: t('column.account'), value: accountLabel(request.account) },
    { label: t('column.role'), value: request.permissionSet.name },
    { label: t('column.startTime'), value: when(request.startTime) },
    {
      label: t('column.duration'),
      value:
        extendedBy > 0
          ? t('details.durationExtended', {
              duration: formatHours(request.durationHours, t, locale),
              extended: formatHours(extendedBy, t, locale),
            })
          : formatHours(request.durationHours, t, locale),
    },
    { label: t('column.endTime'), value: when(endTimeOf(request)) },
    ...(request.breakGlass ? [{ label: t('column.incident'), value: request.breakGlass.incident }] : []),
    { label: t('column.justification'), value: request.justification },
    { label: t('column.ticketNo'), value: request.ticketNo ?? '-' },
    {
      label: t('details.approvalRequired'),
      value: request.approvalRequired ? t('common.yes') : t('common.no'),
    },
    ...(progress
      ? [{ label: t('column.approval'), value: progressText(progress, t, request.status === 'PENDING') }]
      : []),
    { label: t('details.approvers'), value: <People people={request.approvers} /> },
    ...(request.expiresAt && request.status === 'PENDING'
      ? [{ label: t('details.expiresAt'), value: when(request.expiresAt) }]
      : []),
    ...(request.decision
      ? [
          {
            label: request.status === 'REJECTED' ? t('details.rejectedBy') : t('details.approvedBy'),
            value: `${actorLabel(request.decision.by)} · ${when(request.decision.at)}`,
          },
          { label: t('column.decisionComment'), value: request.decision.comment || '-' },
        ]
      : []),
    ...(request.cancelledAt ? [{ label: t('details.cancelledAt'), value: when(request.cancelledAt) }] : []),
    ...(request.grantedAt ? [{ label: t('details.grantedAt'), value: when(request.grantedAt) }] : []),
    ...(request.revoke
      ? [
          {
            label: t('column.revokedBy'),
            value: `${actorLabel(request.revoke.by)} (${
              request.revoke.by.id === request.requester.id
                ? t('details.asRequester')
                : t('details.asApprover')
            }) · ${when(request.revoke.at)}`,
          },
          { label: t('details.revokeComment'), value: request.revoke.comment || '-' },
        ]
      : []),
    ...(request.endedAt ? [{ label: t('details.endedAt'), value: when(request.endedAt) }] : []),
    ...(request.errorReason
      ? [{ label: t('details.errorReason'), value: errorReasonText(request, request.errorReason, t) }]
      : []),
    ...(request.sessionDuration
      ? [
          {
            label: t('details.sessionDuration'),
            value: formatIsoDuration(request.sessionDuration, t, locale),
          },
        ]
      : []),
    { label: t('column.createdAt'), value: when(request.createdAt) },
    { label: t('details.requestId'), value: request.id },
  ];
  return <KeyValuePairs columns={3} items={items} />;
}
