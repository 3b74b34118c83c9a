import Button from '@cloudscape-design/components/button';
import { canAct } from '../../features/requests/request-actions';
import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useMe } from '../../app/session';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'startTime',
  'endTime',
  'countdown',
  'status',
  'duration',
  'justification',
  'ticketNo',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['duration', 'justification', 'ticketNo'];

/** Active access: scheduled and in-progress access of the caller (as requester or approver). */
export default function ActiveAccessPage() {
  const t = useT();
  const me = useMe();
  return (
    <RequestListPage
      id="active-access"
      list="activeAccess"
      title={t('nav.activeAccess')}
      description={t('active.description')}
      columns={COLUMNS}
      hidden={HIDDEN}
      channel="self"
      emptyTitle={t('active.empty')}
      defaultSorting={{ columnId: 'startTime' }}
      actions={(request, open) => (
        <>
          <Button
            disabled={!request || !canAct('extend', request, me)}
            onClick={() => request && open('extend', request)}
          >
            {t('extension.extend')}
          </Button>
          <Button
            disabled={!request || !canAct('revoke', request, me)}
            onClick={() => request && open('revoke', request)}
          >
            {t('actions.revoke')}
          </Button>
        </>
      )}
    />
  );
}
