import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'approver',
  'decidedAt',
  'status',
  'justification',
  'startTime',
  'duration',
  'ticketNo',
  'approval',
  'createdAt',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['startTime', 'duration', 'ticketNo', 'approval', 'createdAt'];

/** Audit → Approvals: every request (auditors), with CSV export. */
export default function AuditApprovalsPage() {
  const t = useT();
  return (
    <RequestListPage
      id="audit-approvals"
      list="auditRequests"
      title={t('nav.auditApprovals')}
      description={t('auditApprovals.description')}
      columns={COLUMNS}
      hidden={HIDDEN}
      channel="audit"
      csvFilename="audit-approvals.csv"
      emptyTitle={t('auditApprovals.empty')}
    />
  );
}
