import Button from '@cloudscape-design/components/button';
import { useCallback } from 'react';
import type { Request } from '../../api/model';
import { canAct } from '../../features/requests/request-actions';
import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useMe } from '../../app/session';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'startTime',
  'duration',
  'approval',
  'justification',
  'countdown',
  'ticketNo',
  'createdAt',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['countdown', 'ticketNo', 'createdAt'];

/** Approve requests: pending requests the caller may decide (never their own). */
export default function ApproveRequestsPage() {
  const t = useT();
  const me = useMe();
  // The server never lists one's own requests here; the filter makes sure the UI cannot either.
  const keep = useCallback((request: Request) => request.requester.id !== me.userId, [me.userId]);
  return (
    <RequestListPage
      id="approve-requests"
      list="pendingApprovals"
      title={t('nav.approveRequests')}
      description={t('approve.description')}
      columns={COLUMNS}
      hidden={HIDDEN}
      channel="self"
      keep={keep}
      emptyTitle={t('approve.empty')}
      emptyDescription={t('approve.emptyDescription')}
      actions={(request, open) => (
        <>
          <Button
            disabled={!request || !canAct('reject', request, me)}
            onClick={() => request && open('reject', request)}
          >
            {t('actions.reject')}
          </Button>
          <Button
            variant="primary"
            disabled={!request || !canAct('approve', request, me)}
            onClick={() => request && open('approve', request)}
          >
            {t('actions.approve')}
          </Button>
        </>
      )}
    />
  );
}
