import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { Request, RequestStatus } from '../../api/model';
import { useT, type MessageKey } from '../../i18n';

const TYPES: Readonly<Record<RequestStatus, StatusIndicatorProps.Type>> = {
  PENDING: 'pending',
  APPROVED: 'success',
  REJECTED: 'error',
  CANCELLED: 'stopped',
  EXPIRED: 'stopped',
  SCHEDULED: 'not-started',
  IN_PROGRESS: 'in-progress',
  ENDED: 'info',
  REVOKED: 'warning',
  ERROR: 'error',
};

/** Catalog key of each status' label. */
export const STATUS_LABELS: Readonly<Record<RequestStatus, MessageKey>> = {
  PENDING: 'status.PENDING',
  APPROVED: 'status.APPROVED',
  REJECTED: 'status.REJECTED',
  CANCELLED: 'status.CANCELLED',
  EXPIRED: 'status.EXPIRED',
  SCHEDULED: 'status.SCHEDULED',
  IN_PROGRESS: 'status.IN_PROGRESS',
  ENDED: 'status.ENDED',
  REVOKED: 'status.REVOKED',
  ERROR: 'status.ERROR',
};

/** The Cloudscape indicator type of a status (for tests and legends). */
export function statusType(status: RequestStatus): StatusIndicatorProps.Type {
  return TYPES[status];
}

/** A request status as a coloured badge with its localized label. */
export function StatusBadge({ status }: { status: RequestStatus }) {
  const t = useT();
  return <StatusIndicator type={TYPES[status]}>{t(STATUS_LABELS[status])}</StatusIndicator>;
}

/** "Imported": a request imported from the original TEAM, kept as read-only history. */
export function ImportedBadge() {
  const t = useT();
  return <Badge color="grey">{t('imported.badge')}</Badge>;
}

/** "Break-glass": access taken at once in an emergency, reviewed afterwards. */
export function BreakGlassBadge() {
  const t = useT();
  return <Badge color="severity-high">{t('breakGlass.badge')}</Badge>;
}

/**
 * A request's status, marked Imported when it came from the original TEAM: beside the status, or
 * under it (`stacked`, in table cells, which stay as narrow as the status alone).
 */
export function RequestStatusBadge(props: {
  request: Pick<Request, 'status' | 'importedFrom'>;
  stacked?: boolean;
}) {
  const { request } = props;
  if (!request.importedFrom) return <StatusBadge status={request.status} />;
  if (props.stacked) {
    return (
      <>
        <Box>
          <StatusBadge status={request.status} />
        </Box>
        <Box>
          <ImportedBadge />
        </Box>
      </>
    );
  }
  return (
    <span>
      <StatusBadge status={request.status} /> <ImportedBadge />
    </span>
  );
}
