import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { Me, Request, ReviewState } from '../../api/model';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { approverIdsOf, personLabel } from './approval-progress';

const REVIEW: Readonly<Record<ReviewState, { type: StatusIndicatorProps.Type; label: MessageKey }>> = {
  NEEDED: { type: 'warning', label: 'review.state.NEEDED' },
  ACKNOWLEDGED: { type: 'success', label: 'review.state.ACKNOWLEDGED' },
  FLAGGED: { type: 'error', label: 'review.state.FLAGGED' },
};

/** Catalog key of each review state's label. */
export const REVIEW_LABELS: Readonly<Record<ReviewState, MessageKey>> = {
  NEEDED: REVIEW.NEEDED.label,
  ACKNOWLEDGED: REVIEW.ACKNOWLEDGED.label,
  FLAGGED: REVIEW.FLAGGED.label,
};

export type ReviewAction = 'acknowledge' | 'flag';

/** A review state as a coloured indicator. */
export function ReviewStatus({ state }: { state: ReviewState }) {
  const { t } = useI18n();
  return <StatusIndicator type={REVIEW[state].type}>{t(REVIEW[state].label)}</StatusIndicator>;
}

/** Whether the caller may review break-glass access: an approver of it, never the requester. */
export function canReview(request: Request, me: Pick<Me, 'userId'>): boolean {
  return (
    request.breakGlass !== null &&
    !request.importedFrom &&
    request.review?.state === 'NEEDED' &&
    request.requester.id !== me.userId &&
    approverIdsOf(request).has(me.userId)
  );
}

/** The review of break-glass access: pending with the actions the caller may take, or its outcome. */
export function ReviewPanel(props: {
  request: Request;
  me: Me;
  open: (action: ReviewAction, request: Request) => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const { request, me } = props;
  const review = request.review;
  if (!request.breakGlass || !review) return null;
  const allowed = canReview(request, me);
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={review.state === 'NEEDED' ? t('review.needed.description') : undefined}
          actions={
            allowed ? (
              <SpaceBetween direction="horizontal" size="xs">
                <Button onClick={() => props.open('flag', request)}>{t('review.flag')}</Button>
                <Button variant="primary" onClick={() => props.open('acknowledge', request)}>
                  {t('review.acknowledge')}
                </Button>
              </SpaceBetween>
            ) : undefined
          }
        >
          {t('review.title')}
        </Header>
      }
    >
      <SpaceBetween size="s">
        <KeyValuePairs
          columns={3}
          items={[
            { label: t('review.state'), value: <ReviewStatus state={review.state} /> },
            ...(review.by
              ? [
                  {
                    label: t('review.by'),
                    value: `${personLabel(review.by)} · ${formatDateTime(review.at, locale, timeZone)}`,
                  },
                  { label: t('review.comment'), value: review.comment || '-' },
                ]
              : []),
          ]}
        />
        {review.state === 'NEEDED' && !allowed ? (
          <Box color="text-body-secondary">
            {request.requester.id === me.userId ? t('review.notYours') : t('review.approversOnly')}
          </Box>
        ) : null}
      </SpaceBetween>
    </Container>
  );
}
