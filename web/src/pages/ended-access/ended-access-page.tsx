import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'startTime',
  'endTime',
  'status',
  'revokedBy',
  'justification',
  'duration',
  'approver',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['justification', 'duration', 'approver'];

/** Ended access: ended or revoked access of the caller (as requester or approver). */
export default function EndedAccessPage() {
  const t = useT();
  return (
    <RequestListPage
      id="ended-access"
      list="endedAccess"
      title={t('nav.endedAccess')}
      description={t('ended.description')}
      columns={COLUMNS}
      hidden={HIDDEN}
      channel="self"
      emptyTitle={t('ended.empty')}
    />
  );
}
