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
  'review',
  'approver',
  'revokedBy',
  'justification',
  'ticketNo',
];

/** Audit → Elevated access: every granted or scheduled session (auditors), with CSV export. */
export default function AuditSessionsPage() {
  const t = useT();
  return (
    <RequestListPage
      id="audit-sessions"
      list="auditSessions"
      title={t('nav.auditSessions')}
      description={t('auditSessions.description')}
      columns={COLUMNS}
      channel="audit"
      csvFilename="elevated-access.csv"
      emptyTitle={t('auditSessions.empty')}
    />
  );
}
