import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'account',
  'role',
  'startTime',
  'duration',
  'justification',
  'decision',
  'decidedAt',
  'decisionComment',
  'status',
];

/** My approvals: requests the caller approved or rejected, with CSV export. */
export default function MyApprovalsPage() {
  const t = useT();
  return (
    <RequestListPage
      id="my-approvals"
      list="myApprovals"
      title={t('nav.myApprovals')}
      description={t('myApprovals.description')}
      columns={COLUMNS}
      channel="self"
      csvFilename="my-approvals.csv"
      emptyTitle={t('myApprovals.empty')}
    />
  );
}
