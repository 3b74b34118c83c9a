import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'decision',
  'decidedAt',
  'status',
  'justification',
  'startTime',
  'duration',
  'decisionComment',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['startTime', 'duration', 'decisionComment'];

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
      hidden={HIDDEN}
      channel="self"
      csvFilename="my-approvals.csv"
      emptyTitle={t('myApprovals.empty')}
    />
  );
}
