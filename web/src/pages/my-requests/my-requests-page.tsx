import Button from '@cloudscape-design/components/button';
import { canAct } from '../../common/request-actions';
import type { RequestColumnId } from '../../common/request-columns';
import { RequestListPage } from '../../common/RequestListPage';
import { useRouter } from '../../common/router';
import { pathOf } from '../../common/routes';
import { useMe } from '../../common/session';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'account',
  'role',
  'startTime',
  'duration',
  'status',
  'countdown',
  'justification',
  'ticketNo',
  'approver',
  'createdAt',
];

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
