import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useT } from '../../i18n';

const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'startTime',
  'endTime',
  'status',
  'justification',
  'duration',
  'review',
  'approver',
  'revokedBy',
  'ticketNo',
];

/** Shown on demand (table preferences): they would not fit beside the navigation at 1400 px. */
const HIDDEN: readonly RequestColumnId[] = ['duration', 'review', 'approver', 'revokedBy', 'ticketNo'];

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
      hidden={HIDDEN}
      channel="audit"
      csvFilename="elevated-access.csv"
      emptyTitle={t('auditSessions.empty')}
    />
  );
}
