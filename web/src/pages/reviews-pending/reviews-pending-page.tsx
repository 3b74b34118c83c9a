import type { RequestColumnId } from '../../features/requests/request-columns';
import { RequestListPage } from '../../features/requests/request-list-page';
import { useMe } from '../../app/session';
import { useT } from '../../i18n';

/**
 * Five columns that fit beside the navigation at 1400 px without cutting anything: account and role
 * share a column, start and end another, the review state sits under the status, and the incident
 * heads the justification, which takes the width left and wraps.
 */
const COLUMNS: readonly RequestColumnId[] = [
  'requester',
  'accountRole',
  'period',
  'statusReview',
  'incidentJustification',
];

const WIDTHS: Partial<Record<RequestColumnId, number>> = {
  period: 230,
  statusReview: 150,
};

/** Audit → Reviews pending: break-glass access nobody has reviewed yet, oldest first (auditors, admins). */
export default function ReviewsPendingPage() {
  const t = useT();
  const me = useMe();
  return (
    <RequestListPage
      id="reviews-pending"
      list="reviewsPending"
      title={t('nav.reviewsPending')}
      description={t('reviewsPending.description')}
      columns={COLUMNS}
      widths={WIDTHS}
      wrapLines
      // Admins who are not auditors do not receive the audit channel: their own one still tells them.
      channel={me.isAuditor ? 'audit' : 'self'}
      csvFilename="reviews-pending.csv"
      emptyTitle={t('reviewsPending.empty')}
      emptyDescription={t('reviewsPending.emptyDescription')}
    />
  );
}
