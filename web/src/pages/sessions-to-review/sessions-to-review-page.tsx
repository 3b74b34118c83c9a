import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { usePagedList } from '../../api/hooks';
import type { SessionReviewList, SessionSummaryListItem } from '../../api/model';
import { useFlash } from '../../app/flash';
import { useFollow } from '../../app/router';
import { pathOf } from '../../app/routes';
import { useMe, useSession } from '../../app/session';
import { DataTable, type ColumnSpec } from '../../components/data-table';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import {
  accountText,
  canMarkReviewed,
  MarkReviewedModal,
  personName,
  reviewStateLabel,
  sensitiveUsed,
  sessionDuration,
  SessionReviewStatus,
} from './session-review-parts';

/** Sessions the list asks for per page. */
const PAGE_SIZE = 50;

/**
 * Audit → Sessions to review: ended sessions whose session logs show sensitive actions, still to
 * review or reviewed (auditors, admins). The text filter narrows by requester, account,
 * permission set or action; a session opens its summary, and one to review can be marked
 * reviewed with a comment from here too.
 */
export default function SessionsToReviewPage() {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const me = useMe();
  const { app } = useSession();
  const follow = useFollow();
  const { notify } = useFlash();
  const [state, setState] = useState<SessionReviewList>('TO_REVIEW');
  const [marking, setMarking] = useState<SessionSummaryListItem | undefined>();
  const list = usePagedList(
    (nextToken) => api.sessionsToReview(state, { limit: PAGE_SIZE, nextToken }),
    `sessionsToReview:${state}`,
  );

  const columns = useMemo<ColumnSpec<SessionSummaryListItem>[]>(() => {
    const at = (value: string | null | undefined) => formatDateTime(value, locale, timeZone);
    return [
      {
        id: 'session',
        header: t('sessionReview.column.session'),
        cell: (s) => (
          <Link href={pathOf('sessionSummary', { id: s.requestId })} onFollow={follow}>
            {personName(s.requester)}
          </Link>
        ),
        text: (s) => personName(s.requester),
        csv: (s) => s.requester.email || personName(s.requester),
        width: 150,
      },
      {
        id: 'account',
        header: t('sessionReview.column.account'),
        cell: (s) => accountText(s),
        text: (s) => accountText(s),
        width: 190,
      },
      {
        id: 'permissionSet',
        header: t('sessionReview.column.permissionSet'),
        cell: (s) => s.permissionSetName,
        text: (s) => s.permissionSetName,
        width: 160,
      },
      {
        // When it ended, and below how long it lasted and whether it was revoked.
        id: 'ended',
        header: t('sessionReview.column.ended'),
        cell: (s) => (
          <>
            <div>{at(s.endedAt)}</div>
            <Box variant="small" color="text-body-secondary">
              {[sessionDuration(s, t), s.revoked ? t('sessionReview.revoked') : '']
                .filter(Boolean)
                .join(' · ')}
            </Box>
          </>
        ),
        text: (s) => `${at(s.endedAt)} ${s.revoked ? t('sessionReview.revoked') : ''}`,
        sortingComparator: (a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt),
        csv: (s) => s.endedAt,
        width: 200,
      },
      {
        id: 'duration',
        header: t('sessionReview.column.duration'),
        cell: (s) => sessionDuration(s, t),
        text: (s) => sessionDuration(s, t),
        sortingComparator: (a, b) =>
          Date.parse(a.endedAt) - Date.parse(a.grantedAt) - (Date.parse(b.endedAt) - Date.parse(b.grantedAt)),
        visible: false,
      },
      {
        id: 'sensitive',
        header: t('sessionReview.column.sensitive'),
        cell: (s) => sensitiveUsed(s) || '-',
        text: (s) => sensitiveUsed(s),
        sortingComparator: (a, b) => a.sensitiveCalls - b.sensitiveCalls,
        width: 220,
      },
      {
        id: 'calls',
        header: t('sessionReview.column.calls'),
        cell: (s) => s.totalCalls.toLocaleString(locale),
        text: (s) => String(s.totalCalls),
        sortingComparator: (a, b) => a.totalCalls - b.totalCalls,
        visible: false,
      },
      {
        id: 'writes',
        header: t('sessionReview.column.writes'),
        cell: (s) => s.writeCalls.toLocaleString(locale),
        text: (s) => String(s.writeCalls),
        sortingComparator: (a, b) => a.writeCalls - b.writeCalls,
        visible: false,
      },
      {
        id: 'denied',
        header: t('sessionReview.column.denied'),
        cell: (s) => s.accessDeniedCalls.toLocaleString(locale),
        text: (s) => String(s.accessDeniedCalls),
        sortingComparator: (a, b) => a.accessDeniedCalls - b.accessDeniedCalls,
        width: 120,
      },
      {
        // Each list holds one state: shown on demand (and in the CSV).
        id: 'state',
        header: t('sessionReview.column.state'),
        cell: (s) => <SessionReviewStatus state={s.reviewState} />,
        text: (s) => reviewStateLabel(s.reviewState, t),
        visible: false,
      },
      {
        id: 'reviewedBy',
        header: t('sessionReview.column.reviewedBy'),
        cell: (s) => personName(s.reviewedBy),
        text: (s) => personName(s.reviewedBy),
        visible: state === 'REVIEWED',
      },
      {
        id: 'reviewedAt',
        header: t('sessionReview.column.reviewedAt'),
        cell: (s) => at(s.reviewedAt),
        text: (s) => at(s.reviewedAt),
        csv: (s) => s.reviewedAt ?? '',
        visible: state === 'REVIEWED',
      },
      {
        id: 'comment',
        header: t('sessionReview.column.comment'),
        cell: (s) => s.reviewComment ?? '',
        text: (s) => s.reviewComment ?? '',
        visible: state === 'REVIEWED',
        minWidth: 200,
      },
    ];
  }, [t, locale, timeZone, follow, state]);

  return (
    <SpaceBetween size="m">
      {app.sessionLogs === 'none' ? <Alert type="info">{t('sessionsToReview.notConfigured')}</Alert> : null}
      <DataTable<SessionSummaryListItem>
        // Each list keeps its own columns and preferences (the reviewed one shows the review).
        key={state}
        id={state === 'TO_REVIEW' ? 'sessions-to-review' : 'sessions-reviewed'}
        title={t('nav.sessionsToReview')}
        description={t('sessionsToReview.description')}
        ariaLabel={t('sessionsToReview.tableLabel')}
        items={list.items}
        trackBy={(s) => s.requestId}
        columns={columns}
        loading={list.loading}
        loadingMore={list.loadingMore}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        onRefresh={list.refresh}
        error={list.error}
        selectionType={state === 'TO_REVIEW' ? 'single' : undefined}
        actions={(selected) => (
          <SpaceBetween direction="horizontal" size="xs">
            <SegmentedControl
              label={t('sessionsToReview.stateLabel')}
              selectedId={state}
              onChange={({ detail }) => setState(detail.selectedId === 'REVIEWED' ? 'REVIEWED' : 'TO_REVIEW')}
              options={[
                { id: 'TO_REVIEW', text: t('sessionsToReview.toReview') },
                { id: 'REVIEWED', text: t('sessionsToReview.reviewed') },
              ]}
            />
            {state === 'TO_REVIEW' ? (
              <Button
                variant="primary"
                disabled={!selected[0] || !canMarkReviewed(selected[0], me)}
                onClick={() => setMarking(selected[0])}
              >
                {t('sessionReview.markReviewed')}
              </Button>
            ) : null}
          </SpaceBetween>
        )}
        csvFilename={state === 'TO_REVIEW' ? 'sessions-to-review.csv' : 'sessions-reviewed.csv'}
        emptyTitle={state === 'TO_REVIEW' ? t('sessionsToReview.empty') : t('sessionsToReview.emptyReviewed')}
        emptyDescription={state === 'TO_REVIEW' ? t('sessionsToReview.emptyDescription') : undefined}
        defaultSorting={{ columnId: 'ended', descending: true }}
        itemLabel={(s) => `${personName(s.requester)} ${accountText(s)}`}
        wrapLines
      />
      {marking ? (
        <MarkReviewedModal
          summary={marking}
          onDismiss={() => setMarking(undefined)}
          onDone={(reviewed) => {
            setMarking(undefined);
            notify({
              type: 'success',
              content: t('sessionReview.mark.done', { requester: personName(reviewed.requester) }),
            });
            list.refresh();
          }}
        />
      ) : null}
    </SpaceBetween>
  );
}
