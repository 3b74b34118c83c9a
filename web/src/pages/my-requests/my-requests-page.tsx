import Button from '@cloudscape-design/components/button';
import { canAct } from '../../features/requests/request-actions';
import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useRouter } from '../../app/router';
import { pathOf } from '../../app/routes';
import { useMe } from '../../app/session';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'accountRole',
  'startTime',
  'duration',
  'status',
  'countdown',
  'justification',
  'approval',
  'ticketNo',
  'approver',
  'createdAt',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['approval', 'ticketNo', 'approver', 'createdAt'];

/** My requests: the caller's own requests, with details and cancel. */
export default function MyRequestsPage() {
  const t = useT();
  const me = useMe();
  const { navigate } = useRouter();
  return (
    <RequestListPage
      id="my-requests"
      list="myRequests"
      title={t('nav.myRequests')}
      description={t('myRequests.description')}
      columns={COLUMNS}
      hidden={HIDDEN}
      channel="self"
      emptyTitle={t('myRequests.empty')}
      emptyAction={
        <Button onClick={() => navigate(pathOf('createRequest'))}>{t('nav.createRequest')}</Button>
      }
      actions={(request, open) => (
        <>
          <Button
            disabled={!request || !canAct('cancel', request, me)}
            onClick={() => request && open('cancel', request)}
          >
            {t('actions.cancelRequest')}
          </Button>
          <Button variant="primary" onClick={() => navigate(pathOf('createRequest'))}>
            {t('nav.createRequest')}
          </Button>
        </>
      )}
    />
  );
}
