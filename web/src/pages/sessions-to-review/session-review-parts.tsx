import Box from '@cloudscape-design/components/box';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { useTeamApi } from '../../api/context';
import type {
  Actor,
  SessionActionCalls,
  SessionReviewState,
  SessionSummary,
  SessionSummaryListItem,
  SessionSummaryStatus,
} from '../../api/model';
import { CommentModal } from '../../components/modals';
import { useT, type MessageKey, type Translate } from '../../i18n';
import { formatRemaining } from '../../i18n/format';

const STATE: Readonly<Record<SessionReviewState, { type: StatusIndicatorProps.Type; label: MessageKey }>> = {
  PENDING: { type: 'pending', label: 'sessionReview.state.PENDING' },
  TO_REVIEW: { type: 'warning', label: 'sessionReview.state.TO_REVIEW' },
  REVIEWED: { type: 'success', label: 'sessionReview.state.REVIEWED' },
  NOT_NEEDED: { type: 'info', label: 'sessionReview.state.NOT_NEEDED' },
};

/** Catalog key of each summary status. */
export const STATUS_LABELS: Readonly<Record<SessionSummaryStatus, MessageKey>> = {
  PENDING: 'sessionReview.status.PENDING',
  COMPLETE: 'sessionReview.status.COMPLETE',
  UNAVAILABLE: 'sessionReview.status.UNAVAILABLE',
};

/** The label of a review state, for text (filter, CSV). */
export function reviewStateLabel(state: SessionReviewState, t: Translate): string {
  return t(STATE[state].label);
}

/** A session's review state as a coloured indicator. */
export function SessionReviewStatus({ state }: { state: SessionReviewState }) {
  const t = useT();
  return <StatusIndicator type={STATE[state].type}>{t(STATE[state].label)}</StatusIndicator>;
}

/** A person by name, else email. */
export function personName(actor: Pick<Actor, 'name' | 'email' | 'id'> | null | undefined): string {
  if (!actor) return '';
  return actor.name || actor.email || actor.id;
}

/** "Payments Staging (745240316957)". */
export function accountText(summary: Pick<SessionSummaryListItem, 'accountName' | 'accountId'>): string {
  return `${summary.accountName} (${summary.accountId})`;
}

/** How long the access lasted, as people read it ("2 h 00 min"), never an ISO duration. */
export function sessionDuration(
  summary: Pick<SessionSummaryListItem, 'grantedAt' | 'endedAt'>,
  t: Translate,
): string {
  const ms = Date.parse(summary.endedAt) - Date.parse(summary.grantedAt);
  return Number.isFinite(ms) ? formatRemaining(ms, t) : '';
}

/** `iam.amazonaws.com` → `iam`: the service as IAM policies name it. */
export function serviceName(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

/** `iam:CreateAccessKey`. */
export function actionName(action: Pick<SessionActionCalls, 'eventSource' | 'eventName'>): string {
  return `${serviceName(action.eventSource)}:${action.eventName}`;
}

/** The sensitive actions a session used successfully, most calls first ("iam:CreateAccessKey ×2"). */
export function sensitiveUsed(summary: Pick<SessionSummaryListItem, 'sensitiveActions'>): string {
  return summary.sensitiveActions
    .filter((a) => a.succeeded > 0)
    .map((a) => (a.succeeded > 1 ? `${actionName(a)} ×${a.succeeded}` : actionName(a)))
    .join(', ');
}

/** Whether the caller may mark the session reviewed: flagged, to review, and not their own. */
export function canMarkReviewed(
  summary: Pick<SessionSummaryListItem, 'reviewState' | 'requester'>,
  me: { userId: string },
): boolean {
  return summary.reviewState === 'TO_REVIEW' && summary.requester.id !== me.userId;
}

/** Asks for the comment (required) and marks the session reviewed. */
export function MarkReviewedModal(props: {
  summary: SessionSummaryListItem;
  onDone: (reviewed: SessionSummary) => void;
  onDismiss: () => void;
}) {
  const t = useT();
  const api = useTeamApi();
  const { summary } = props;
  return (
    <CommentModal
      header={t('sessionReview.mark.header')}
      commentLabel={t('sessionReview.mark.comment')}
      commentRequired
      submitLabel={t('sessionReview.markReviewed')}
      onDismiss={props.onDismiss}
      onSubmit={async (comment) => {
        props.onDone(await api.markSessionReviewed(summary.requestId, comment ?? ''));
      }}
    >
      <Box variant="p">
        {`${personName(summary.requester)} · ${accountText(summary)} · ${summary.permissionSetName}`}
      </Box>
      <Box variant="p" color="text-body-secondary">
        {t('sessionReview.mark.explain')}
      </Box>
    </CommentModal>
  );
}
