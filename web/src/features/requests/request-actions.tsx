import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useCallback, useState, type ReactNode } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError } from '../../api/errors';
import { useSettings } from '../../api/hooks';
import type { Me, Request } from '../../api/model';
import { useI18n } from '../../i18n';
import { formatHours } from '../../i18n/format';
import { useFlash } from '../../app/flash';
import { CommentModal, ConfirmModal } from '../../components/modals';
import { approverIdsOf, canApproveNow, personLabel } from './approval-progress';
import {
  canApproveExtension,
  canExtend,
  canRejectExtension,
  canWithdrawExtension,
  ExtendModal,
  extensionNeedsApproval,
  pendingExtension,
  type ExtensionAction,
} from './extensions';
import { accountLabel } from './request-columns';
import { RequestSummary } from './request-summary';
import { canReview, type ReviewAction } from './review';

export type RequestAction = 'approve' | 'reject' | 'cancel' | 'revoke' | ExtensionAction | ReviewAction;

const isApprover = (request: Request, me: Me) => approverIdsOf(request).has(me.userId);
const isRequester = (request: Request, me: Me) => request.requester.id === me.userId;

/**
 * Whether the caller may take an action on a request, as far as the SPA can tell (the server
 * decides): nobody decides their own request, and nobody acts on one imported from the original.
 */
export function canAct(action: RequestAction, request: Request, me: Me): boolean {
  // Imported history is read-only: nothing acts on it.
  if (request.importedFrom) return false;
  switch (action) {
    case 'approve':
      // Only the open stage's approvers approve, each once; anyone listed may reject.
      return request.status === 'PENDING' && !isRequester(request, me) && canApproveNow(request, me);
    case 'reject':
      return request.status === 'PENDING' && !isRequester(request, me) && isApprover(request, me);
    case 'cancel':
      return isRequester(request, me) && (request.status === 'PENDING' || request.status === 'SCHEDULED');
    case 'revoke':
      return (
        (request.status === 'SCHEDULED' || request.status === 'IN_PROGRESS') &&
        (isRequester(request, me) || isApprover(request, me))
      );
    case 'extend':
      return canExtend(request, me);
    case 'approveExtension':
      return canApproveExtension(request, me);
    case 'rejectExtension':
      return canRejectExtension(request, me);
    case 'withdrawExtension':
      return canWithdrawExtension(request, me);
    case 'acknowledge':
    case 'flag':
      return canReview(request, me);
  }
}

export interface RequestActions {
  /** Opens the modal of an action for a request. */
  open: (action: RequestAction, request: Request) => void;
  /** The modal currently open, to render once in the page. */
  modal: ReactNode;
}

/**
 * The approve, reject, cancel, revoke, extension and review flows with their modals. `onDone` runs after each
 * attempt that changed (or found changed) the request: refetch what is shown.
 */
export function useRequestActions(onDone: () => void): RequestActions {
  const api = useTeamApi();
  const { t, locale } = useI18n();
  const { notify } = useFlash();
  const settings = useSettings();
  const [current, setCurrent] = useState<{ action: RequestAction; request: Request } | undefined>();
  const commentsRequired = settings.data?.commentsRequired ?? false;

  const close = useCallback(() => setCurrent(undefined), []);
  const open = useCallback((action: RequestAction, request: Request) => setCurrent({ action, request }), []);

  /** Runs the mutation; a concurrent change is explained and refreshed, not shown as a failure. */
  const perform = async (request: Request, run: () => Promise<Request>, success: string) => {
    try {
      await run();
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.isConflict || apiError.errorType === 'NotFound') {
        close();
        notify({
          type: 'warning',
          header: t('actions.alreadyDecided.header'),
          content: `${t('actions.alreadyDecided.content')} ${apiError.message}`,
        });
        onDone();
        return;
      }
      throw apiError;
    }
    close();
    notify({
      type: 'success',
      content: `${success} ${accountLabel(request.account)}, ${request.permissionSet.name}`,
    });
    onDone();
  };

  let modal: ReactNode = null;
  if (current) {
    const { action, request } = current;
    const summary = <RequestSummary request={request} />;
    if (action === 'approve' || action === 'reject') {
      modal = (
        <CommentModal
          key={`${action}-${request.id}`}
          header={action === 'approve' ? t('actions.approve.header') : t('actions.reject.header')}
          commentLabel={t('actions.comment')}
          commentRequired={commentsRequired}
          submitLabel={action === 'approve' ? t('actions.approve') : t('actions.reject')}
          onDismiss={close}
          onSubmit={(comment) =>
            perform(
              request,
              () =>
                action === 'approve'
                  ? api.approveRequest({ requestId: request.id, comment })
                  : api.rejectRequest({ requestId: request.id, comment }),
              action === 'approve' ? t('actions.approve.done') : t('actions.reject.done'),
            )
          }
        >
          {summary}
        </CommentModal>
      );
    } else if (action === 'revoke') {
      modal = (
        <CommentModal
          key={`revoke-${request.id}`}
          header={t('actions.revoke.header')}
          commentLabel={t('actions.revokeComment')}
          commentRequired={commentsRequired}
          submitLabel={t('actions.revoke')}
          onDismiss={close}
          onSubmit={(comment) =>
            perform(
              request,
              () => api.revokeRequest({ requestId: request.id, comment }),
              t('actions.revoke.done'),
            )
          }
        >
          <SpaceBetween size="s">
            <Box>{t('actions.revoke.explain')}</Box>
            {summary}
          </SpaceBetween>
        </CommentModal>
      );
    } else if (action === 'extend') {
      modal = (
        <ExtendModal
          key={`extend-${request.id}`}
          request={request}
          summary={summary}
          onDismiss={close}
          onSubmit={(hours, reason) =>
            perform(
              request,
              () => api.extendRequest({ requestId: request.id, hours, reason }),
              extensionNeedsApproval(request) ? t('extension.done.requested') : t('extension.done.extended'),
            )
          }
        />
      );
    } else if (action === 'approveExtension' || action === 'rejectExtension') {
      const extension = pendingExtension(request);
      const approve = action === 'approveExtension';
      modal = extension ? (
        <CommentModal
          key={`${action}-${request.id}-${extension.id}`}
          header={approve ? t('extension.approve.header') : t('extension.reject.header')}
          commentLabel={t('actions.comment')}
          commentRequired={commentsRequired}
          submitLabel={approve ? t('extension.approve') : t('extension.reject')}
          onDismiss={close}
          onSubmit={(comment) =>
            perform(
              request,
              () =>
                approve
                  ? api.approveExtension({ requestId: request.id, extensionId: extension.id, comment })
                  : api.rejectExtension({ requestId: request.id, extensionId: extension.id, comment }),
              approve ? t('extension.done.approved') : t('extension.done.rejected'),
            )
          }
        >
          <SpaceBetween size="s">
            <Box>
              {t('extension.askedFor', {
                hours: formatHours(extension.hours, t, locale),
                who: personLabel(extension.requestedBy),
                reason: extension.reason,
              })}
            </Box>
            {summary}
          </SpaceBetween>
        </CommentModal>
      ) : null;
    } else if (action === 'withdrawExtension') {
      const extension = pendingExtension(request);
      modal = extension ? (
        <ConfirmModal
          key={`withdraw-${request.id}-${extension.id}`}
          header={t('extension.withdraw.header')}
          confirmLabel={t('extension.withdraw')}
          onDismiss={close}
          onConfirm={() =>
            perform(
              request,
              () => api.rejectExtension({ requestId: request.id, extensionId: extension.id }),
              t('extension.done.withdrawn'),
            )
          }
        >
          <SpaceBetween size="s">
            <Box>
              {t('extension.askedFor', {
                hours: formatHours(extension.hours, t, locale),
                who: personLabel(extension.requestedBy),
                reason: extension.reason,
              })}
            </Box>
            {summary}
          </SpaceBetween>
        </ConfirmModal>
      ) : null;
    } else if (action === 'acknowledge' || action === 'flag') {
      const acknowledge = action === 'acknowledge';
      modal = (
        <CommentModal
          key={`${action}-${request.id}`}
          header={acknowledge ? t('review.acknowledge.header') : t('review.flag.header')}
          commentLabel={t('review.comment')}
          commentRequired
          submitLabel={acknowledge ? t('review.acknowledge') : t('review.flag')}
          onDismiss={close}
          onSubmit={(comment) =>
            perform(
              request,
              () =>
                api.reviewRequest({
                  requestId: request.id,
                  state: acknowledge ? 'ACKNOWLEDGED' : 'FLAGGED',
                  comment: comment ?? '',
                }),
              acknowledge ? t('review.done.acknowledged') : t('review.done.flagged'),
            )
          }
        >
          <SpaceBetween size="s">
            <Box>{acknowledge ? t('review.acknowledge.explain') : t('review.flag.explain')}</Box>
            {summary}
          </SpaceBetween>
        </CommentModal>
      );
    } else {
      modal = (
        <ConfirmModal
          key={`cancel-${request.id}`}
          header={t('actions.cancel.header')}
          confirmLabel={t('actions.cancelRequest')}
          onDismiss={close}
          onConfirm={() => perform(request, () => api.cancelRequest(request.id), t('actions.cancel.done'))}
        >
          <SpaceBetween size="s">
            <Box>{t('actions.cancel.explain')}</Box>
            {summary}
          </SpaceBetween>
        </ConfirmModal>
      );
    }
  }

  return { open, modal };
}
