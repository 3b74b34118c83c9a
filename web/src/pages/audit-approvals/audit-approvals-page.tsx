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
  'ticketNo',
  'approval',
  'approver',
  'decidedAt',
  'status',
  'createdAt',
];

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
      channel="audit"
      csvFilename="audit-approvals.csv"
      emptyTitle={t('auditApprovals.empty')}
    />
  );
}
