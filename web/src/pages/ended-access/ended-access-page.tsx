import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'account',
  'role',
  'startTime',
  'endTime',
  'duration',
  'status',
  'approver',
  'revokedBy',
  'justification',
];

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
      channel="self"
      emptyTitle={t('ended.empty')}
    />
  );
}
