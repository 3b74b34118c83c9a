import Box from '@cloudscape-design/components/box';
import Link from '@cloudscape-design/components/link';
import { useMemo } from 'react';
import type { Account, Actor, Request } from '../../api/model';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime, formatHours } from '../../i18n/format';
import { progressText, requestProgress } from './approval-progress';
import { Countdown, countdownOf } from './countdown';
import type { CsvColumn } from '../../components/csv';
import type { ColumnSpec } from '../../components/data-table';
import { DateTimeText, LongText, PersonText } from '../../components/table-cells';
import { useFollow, useRouter } from '../../app/router';
import { matchRoute, requestDetailsPath } from '../../app/routes';
import { REVIEW_LABELS, ReviewStatus } from './review';
import { BreakGlassBadge, RequestStatusBadge, STATUS_LABELS } from './status-badge';

export type RequestColumnId =
  | 'account'
  | 'requester'
  | 'role'
  | 'startTime'
  | 'duration'
  | 'endTime'
  | 'justification'
  | 'ticketNo'
  | 'status'
  | 'countdown'
  | 'approver'
  | 'decision'
  | 'decisionComment'
  | 'decidedAt'
  | 'revokedBy'
  | 'createdAt'
  | 'approval'
  | 'incident'
  | 'review'
  | 'accountRole'
  | 'period'
  | 'statusReview'
  | 'incidentJustification';

/** How the import records someone the directory no longer knew: by the original's user name. */
const ORIGINAL_TEAM_PERSON = /^original-team:(.+)$/;

/** Who a person is, for tables: their email, else their name, else their id. */
export function actorLabel(actor: Actor | null | undefined): string {
  if (!actor) return '';
  return actor.email || actor.name || (ORIGINAL_TEAM_PERSON.exec(actor.id)?.[1] ?? actor.id);
}

/** "Prod (111122223333)". */
export function accountLabel(account: Pick<Account, 'id' | 'name'>): string {
  return `${account.name} (${account.id})`;
}

/**
 * When access ended or will end: the recorded end, else the server's end (grant or start time,
 * plus the hours, plus every approved extension).
 */
export function endTimeOf(request: Pick<Request, 'endedAt' | 'endTime'>): string {
  return request.endedAt ?? request.endTime;
}

function byTime(pick: (r: Request) => string | null | undefined) {
  return (a: Request, b: Request) => Date.parse(pick(a) ?? '') - Date.parse(pick(b) ?? '') || 0;
}

function decisionLabel(request: Request, t: Translate): string {
  if (!request.decision) return '';
  if (request.status === 'REJECTED') return t('decision.rejected');
  return t('decision.approved');
}

/** "1 of 2 approvals, waiting for Security" while pending; the count alone once decided. */
function approvalLabel(request: Request, t: Translate): string {
  const progress = requestProgress(request);
  return progress ? progressText(progress, t, request.status === 'PENDING') : '';
}

/**
 * Widths that show the usual value and the header on one line in English and Japanese at
 * 1400 px; the cells wrap rather than being cut when a column is made narrower.
 */
const TIME = { width: 150, minWidth: 130, wrap: true } as const;
const PERSON = { width: 160, minWidth: 130, wrap: true } as const;
/** Free text: the last column of most lists, which takes the width the others leave. */
const LONG_TEXT = { minWidth: 180, wrap: true } as const;

/** Column specs for request tables, in the order asked. */
export function useRequestColumns(ids: readonly RequestColumnId[]): ColumnSpec<Request>[] {
  const { t, locale, timeZone } = useI18n();
  const follow = useFollow();
  // The details remember the list they were opened from (navigation and breadcrumbs lead back).
  const from = matchRoute(useRouter().path)?.route.name;

  return useMemo(() => {
    const when = (value: string | null | undefined) => formatDateTime(value, locale, timeZone);
    const specs: Record<RequestColumnId, ColumnSpec<Request>> = {
      account: {
        id: 'account',
        header: t('column.account'),
        // Break-glass access is found by the filter too ("Break-glass").
        text: (r) =>
          r.breakGlass ? `${accountLabel(r.account)} ${t('breakGlass.badge')}` : accountLabel(r.account),
        cell: (r) => (
          <>
            <Box>
              <Link href={requestDetailsPath(r.id, from)} onFollow={follow}>
                {accountLabel(r.account)}
              </Link>
            </Box>
            {r.breakGlass ? (
              <Box>
                <BreakGlassBadge />
              </Box>
            ) : null}
          </>
        ),
        // The name on one line, the id on the next when the name is long.
        width: 230,
        minWidth: 150,
        wrap: true,
      },
      requester: {
        id: 'requester',
        header: t('column.requester'),
        text: (r) => actorLabel(r.requester),
        cell: (r) => <PersonText label={actorLabel(r.requester)} />,
        ...PERSON,
      },
      role: {
        id: 'role',
        header: t('column.role'),
        text: (r) => r.permissionSet.name,
        cell: (r) => r.permissionSet.name,
        width: 190,
        wrap: true,
      },
      startTime: {
        id: 'startTime',
        header: t('column.startTime'),
        text: (r) => when(r.startTime),
        cell: (r) => <DateTimeText value={r.startTime} />,
        csv: (r) => r.startTime,
        sortingComparator: byTime((r) => r.startTime),
        ...TIME,
      },
      duration: {
        id: 'duration',
        header: t('column.duration'),
        text: (r) => formatHours(r.durationHours, t, locale),
        cell: (r) => formatHours(r.durationHours, t, locale),
        csv: (r) => r.durationHours,
        sortingComparator: (a, b) => a.durationHours - b.durationHours,
        width: 130,
        wrap: true,
      },
      endTime: {
        id: 'endTime',
        header: t('column.endTime'),
        text: (r) => when(endTimeOf(r)),
        cell: (r) => <DateTimeText value={endTimeOf(r)} />,
        csv: (r) => endTimeOf(r),
        sortingComparator: byTime(endTimeOf),
        ...TIME,
      },
      justification: {
        id: 'justification',
        header: t('column.justification'),
        text: (r) => r.justification,
        cell: (r) => <LongText text={r.justification} />,
        ...LONG_TEXT,
      },
      ticketNo: {
        id: 'ticketNo',
        header: t('column.ticketNo'),
        text: (r) => r.ticketNo ?? '',
        cell: (r) => r.ticketNo ?? '-',
        width: 150,
        wrap: true,
      },
      status: {
        id: 'status',
        header: t('column.status'),
        // Imported requests are found by the filter too ("Imported").
        text: (r) =>
          r.importedFrom
            ? `${t(STATUS_LABELS[r.status])} ${t('imported.badge')}`
            : t(STATUS_LABELS[r.status]),
        cell: (r) => <RequestStatusBadge request={r} stacked />,
        csv: (r) => r.status,
        // The longest label with its icon ("取り消し済み") uncut.
        width: 150,
        minWidth: 140,
        wrap: true,
      },
      countdown: {
        id: 'countdown',
        header: t('column.countdown'),
        text: () => '',
        cell: (r) => <Countdown request={r} />,
        csv: null,
        sortingComparator: (a, b) =>
          (countdownOf(a)?.target ?? Number.MAX_SAFE_INTEGER) -
          (countdownOf(b)?.target ?? Number.MAX_SAFE_INTEGER),
        // "Expires in" above "23 h 59 min" at the most.
        width: 150,
        minWidth: 120,
        wrap: true,
      },
      approver: {
        id: 'approver',
        header: t('column.approver'),
        text: (r) => actorLabel(r.decision?.by),
        cell: (r) => <PersonText label={actorLabel(r.decision?.by)} />,
        ...PERSON,
      },
      decision: {
        id: 'decision',
        header: t('column.decision'),
        text: (r) => decisionLabel(r, t),
        cell: (r) => decisionLabel(r, t) || '-',
        width: 130,
        wrap: true,
      },
      decisionComment: {
        id: 'decisionComment',
        header: t('column.decisionComment'),
        text: (r) => r.decision?.comment ?? '',
        cell: (r) => <LongText text={r.decision?.comment} />,
        visible: false,
        ...LONG_TEXT,
      },
      decidedAt: {
        id: 'decidedAt',
        header: t('column.decidedAt'),
        text: (r) => when(r.decision?.at),
        cell: (r) => <DateTimeText value={r.decision?.at} empty="-" />,
        csv: (r) => r.decision?.at ?? '',
        sortingComparator: byTime((r) => r.decision?.at),
        ...TIME,
      },
      revokedBy: {
        id: 'revokedBy',
        header: t('column.revokedBy'),
        text: (r) => actorLabel(r.revoke?.by),
        cell: (r) => <PersonText label={actorLabel(r.revoke?.by)} />,
        ...PERSON,
      },
      createdAt: {
        id: 'createdAt',
        header: t('column.createdAt'),
        text: (r) => when(r.createdAt),
        cell: (r) => <DateTimeText value={r.createdAt} />,
        csv: (r) => r.createdAt,
        sortingComparator: byTime((r) => r.createdAt),
        ...TIME,
      },
      approval: {
        id: 'approval',
        header: t('column.approval'),
        text: (r) => approvalLabel(r, t),
        cell: (r) => approvalLabel(r, t) || '-',
        width: 170,
        minWidth: 140,
        wrap: true,
      },
      incident: {
        id: 'incident',
        header: t('column.incident'),
        text: (r) => r.breakGlass?.incident ?? '',
        cell: (r) => r.breakGlass?.incident ?? '-',
        width: 150,
        wrap: true,
      },
      review: {
        id: 'review',
        header: t('column.review'),
        text: (r) => (r.review ? t(REVIEW_LABELS[r.review.state]) : ''),
        cell: (r) => (r.review ? <ReviewStatus state={r.review.state} /> : '-'),
        csv: (r) => r.review?.state ?? '',
        width: 160,
        minWidth: 140,
        wrap: true,
      },
      // Combined columns, for lists that must show much in little width (Reviews pending).
      accountRole: {
        id: 'accountRole',
        header: t('column.accountRole'),
        text: (r) =>
          [accountLabel(r.account), r.permissionSet.name, r.breakGlass ? t('breakGlass.badge') : '']
            .filter(Boolean)
            .join(' '),
        cell: (r) => (
          <>
            <Box>
              <Link href={requestDetailsPath(r.id, from)} onFollow={follow}>
                {accountLabel(r.account)}
              </Link>
            </Box>
            <Box>{r.permissionSet.name}</Box>
            {r.breakGlass ? (
              <Box>
                <BreakGlassBadge />
              </Box>
            ) : null}
          </>
        ),
        csv: (r) => `${accountLabel(r.account)} ${r.permissionSet.name}`,
        width: 200,
        minWidth: 150,
        wrap: true,
      },
      period: {
        id: 'period',
        header: t('column.period'),
        text: (r) => `${when(r.startTime)} ${t('column.period.end', { end: when(endTimeOf(r)) })}`,
        cell: (r) => (
          <>
            <Box>{when(r.startTime)}</Box>
            <Box>{t('column.period.end', { end: when(endTimeOf(r)) })}</Box>
          </>
        ),
        csv: (r) => `${r.startTime}/${endTimeOf(r)}`,
        sortingComparator: byTime((r) => r.startTime),
        minWidth: 200,
        wrap: true,
      },
      statusReview: {
        id: 'statusReview',
        header: t('column.status'),
        text: (r) =>
          [t(STATUS_LABELS[r.status]), r.review ? t(REVIEW_LABELS[r.review.state]) : '']
            .filter(Boolean)
            .join(' '),
        cell: (r) => (
          <>
            <RequestStatusBadge request={r} stacked />
            {r.review ? (
              <Box>
                <ReviewStatus state={r.review.state} />
              </Box>
            ) : null}
          </>
        ),
        csv: (r) => r.status,
        minWidth: 140,
        wrap: true,
      },
      incidentJustification: {
        id: 'incidentJustification',
        header: t('column.incidentJustification'),
        text: (r) => [r.breakGlass?.incident ?? '', r.justification].filter(Boolean).join(' '),
        cell: (r) => (
          <>
            {r.breakGlass ? <Box fontWeight="bold">{r.breakGlass.incident}</Box> : null}
            <Box>
              <LongText text={r.justification} />
            </Box>
          </>
        ),
        csv: (r) => r.justification,
        minWidth: 200,
        wrap: true,
      },
    };
    return ids.map((id) => specs[id]);
  }, [ids, t, locale, timeZone, follow, from]);
}

/** Every field of a request, for CSV exports (times in UTC ISO 8601). */
export function requestCsvColumns(t: Translate): CsvColumn<Request>[] {
  return [
    { header: t('csv.id'), value: (r) => r.id },
    { header: t('column.requester'), value: (r) => r.requester.email },
    { header: t('csv.accountId'), value: (r) => r.account.id },
    { header: t('csv.accountName'), value: (r) => r.account.name },
    { header: t('column.role'), value: (r) => r.permissionSet.name },
    { header: t('column.startTime'), value: (r) => r.startTime },
    { header: t('column.duration'), value: (r) => r.durationHours },
    { header: t('column.endTime'), value: (r) => endTimeOf(r) },
    { header: t('column.justification'), value: (r) => r.justification },
    { header: t('column.ticketNo'), value: (r) => r.ticketNo },
    { header: t('column.status'), value: (r) => r.status },
    { header: t('column.approver'), value: (r) => r.decision?.by.email },
    { header: t('column.decidedAt'), value: (r) => r.decision?.at },
    { header: t('column.decisionComment'), value: (r) => r.decision?.comment },
    { header: t('column.revokedBy'), value: (r) => r.revoke?.by.email },
    { header: t('csv.revokedAt'), value: (r) => r.revoke?.at },
    { header: t('csv.revokeComment'), value: (r) => r.revoke?.comment },
    { header: t('csv.approvers'), value: (r) => r.approvers.map((a) => a.email).join(' ') },
    { header: t('column.createdAt'), value: (r) => r.createdAt },
    { header: t('csv.importedFrom'), value: (r) => r.importedFrom },
    { header: t('column.incident'), value: (r) => r.breakGlass?.incident },
    { header: t('column.review'), value: (r) => r.review?.state },
    { header: t('csv.reviewComment'), value: (r) => r.review?.comment },
  ];
}
