import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import type { Request } from '../api/types';
import { useT } from '../i18n';

export interface SessionActivityProps {
  /** The granted (in progress, ended or revoked) request whose activity to show. */
  request: Request;
}

/** Statuses for which a session may have left activity logs. */
export const SESSION_LOG_STATUSES = new Set(['IN_PROGRESS', 'ENDED', 'REVOKED']);

/**
 * Session activity logs of one request (API calls made with the granted access).
 *
 * Placeholder: a later issue fills it with the log query flow of the API contract —
 * subscribe `onSessionLogQuery(requestId)`, read `sessionLogQuery`, `startSessionLogQuery`,
 * then page `sessionLogs` (write-only view, sensitive actions flagged, CSV). The TeamApi
 * already offers those operations.
 */
export function SessionActivity({ request }: SessionActivityProps) {
  const t = useT();
  return (
    <Container header={<Header variant="h2">{t('sessionActivity.title')}</Header>}>
      <Box color="text-status-inactive" data-request-id={request.id}>
        {t('sessionActivity.unavailable')}
      </Box>
    </Container>
  );
}
