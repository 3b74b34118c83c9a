import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import { useState, type ReactNode } from 'react';
import { formFieldOf, toApiError, type InputFieldMap } from '../../api/errors';
import type { ExtendRequestInput, Extension, ExtensionStatus, Me, Request } from '../../api/model';
import { ModalFooter } from '../../components/modals';
import { checkFreeText, checkHours, MAX_TEXT_LENGTH } from '../../components/validation';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatHours } from '../../i18n/format';
import { LongText } from '../../components/table-cells';
import {
  approverIdsOf,
  ApprovalList,
  personLabel,
  progressOf,
  progressText,
  standingOf,
  type Progress,
} from './approval-progress';

const STATUS: Readonly<Record<ExtensionStatus, { type: StatusIndicatorProps.Type; label: MessageKey }>> = {
  PENDING: { type: 'pending', label: 'extension.status.PENDING' },
  APPROVED: { type: 'success', label: 'extension.status.APPROVED' },
  REJECTED: { type: 'error', label: 'extension.status.REJECTED' },
  CANCELLED: { type: 'stopped', label: 'extension.status.CANCELLED' },
};

const HOUR_MS = 3_600_000;

/** The extension waiting for a decision, if any (one at a time). */
export function pendingExtension(request: Pick<Request, 'extensions'>): Extension | undefined {
  return request.extensions.find((e) => e.status === 'PENDING');
}

/** Hours the access may still be extended by: up to `maxTotalHours` in all (0: none). */
export function hoursLeftToExtend(request: Request): number {
  if (request.maxTotalHours === null || request.maxTotalHours === undefined) return 0;
  const approved = request.extensions
    .filter((e) => e.status === 'APPROVED')
    .reduce((sum, e) => sum + e.hours, 0);
  return Math.max(0, request.maxTotalHours - request.durationHours - approved);
}

/** Whether extensions of this request wait for approval (a request approved without any needs none). */
export function extensionNeedsApproval(request: Request): boolean {
  return request.extensionApprovalRequired && request.approvalRequired && request.approval !== null;
}

/** An extension's approvals through the request's stages (the same stages and quorum). */
export function extensionProgress(request: Request, extension: Extension): Progress | undefined {
  const stages = request.approval?.stages ?? [];
  if (!extensionNeedsApproval(request) || stages.length === 0) return undefined;
  return progressOf(stages, extension.approvals);
}

const isRequester = (request: Request, me: Pick<Me, 'userId'>) => request.requester.id === me.userId;

/** Whether the caller may ask for more hours now (the requester or an approver; the server decides). */
export function canExtend(request: Request, me: Pick<Me, 'userId'>): boolean {
  return (
    !request.importedFrom &&
    (request.status === 'SCHEDULED' || request.status === 'IN_PROGRESS') &&
    (isRequester(request, me) || approverIdsOf(request).has(me.userId)) &&
    !pendingExtension(request) &&
    hoursLeftToExtend(request) > 0
  );
}

/** Whether the caller may approve the pending extension now. */
export function canApproveExtension(request: Request, me: Pick<Me, 'userId'>): boolean {
  const extension = pendingExtension(request);
  if (!extension || request.importedFrom || isRequester(request, me)) return false;
  const progress = extensionProgress(request, extension);
  return progress !== undefined && standingOf(progress, me.userId).kind === 'can';
}

/** Whether the caller may reject the pending extension (any approver, whatever stage is open). */
export function canRejectExtension(request: Request, me: Pick<Me, 'userId'>): boolean {
  return (
    pendingExtension(request) !== undefined &&
    !request.importedFrom &&
    !isRequester(request, me) &&
    approverIdsOf(request).has(me.userId)
  );
}

/** Whether the caller may withdraw the pending extension (the requester). */
export function canWithdrawExtension(request: Request, me: Pick<Me, 'userId'>): boolean {
  return pendingExtension(request) !== undefined && !request.importedFrom && isRequester(request, me);
}

type ExtendField = 'hours' | 'reason';

/** Where the server's errors about each field of `ExtendRequestInput` show. */
const EXTEND_FIELDS: InputFieldMap<ExtendRequestInput, ExtendField> = {
  requestId: null,
  hours: 'hours',
  reason: 'reason',
};

/**
 * Asks for more hours: bounded by what `maxTotalHours` leaves, the hint showing that maximum and
 * where access would end. Validates like the server; a server error about a field shows on it.
 */
export function ExtendModal(props: {
  request: Request;
  summary: ReactNode;
  onSubmit: (hours: number, reason: string) => Promise<void>;
  onDismiss: () => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const { request } = props;
  const max = hoursLeftToExtend(request);
  const [hours, setHours] = useState('1');
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<ExtendField, string>>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const hoursProblem = checkHours(hours, 1, max, t);
  const reasonProblem = checkFreeText(reason, { required: true, t });
  const errorOf = (field: ExtendField) =>
    serverErrors[field] ?? (submitted ? (field === 'hours' ? hoursProblem : reasonProblem) : undefined);
  const newEnd = hoursProblem
    ? undefined
    : formatDateTime(Date.parse(request.endTime) + Number(hours.trim()) * HOUR_MS, locale, timeZone);

  const submit = async () => {
    setSubmitted(true);
    if (hoursProblem || reasonProblem) return;
    setBusy(true);
    setFormError(undefined);
    try {
      await props.onSubmit(Number(hours.trim()), reason.trim());
    } catch (error) {
      const apiError = toApiError(error);
      const field = formFieldOf(apiError, EXTEND_FIELDS);
      if (field) setServerErrors({ [field]: apiError.message });
      else setFormError(apiError.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible
      header={t('extension.modal.header')}
      onDismiss={() => !busy && props.onDismiss()}
      footer={
        <ModalFooter
          busy={busy}
          onCancel={props.onDismiss}
          onSubmit={() => void submit()}
          submitLabel={
            extensionNeedsApproval(request) ? t('extension.modal.submitAsk') : t('extension.modal.submit')
          }
        />
      }
    >
      <SpaceBetween size="m">
        {props.summary}
        <Box>
          {extensionNeedsApproval(request)
            ? t('extension.modal.needsApproval')
            : t('extension.modal.noApproval')}
        </Box>
        {formError ? <Alert type="error">{formError}</Alert> : null}
        <FormField
          label={t('extension.hours')}
          constraintText={[
            t('extension.hours.max', {
              max: formatHours(max, t, locale),
              total: formatHours(request.maxTotalHours ?? 0, t, locale),
            }),
            newEnd ? t('extension.hours.newEnd', { end: newEnd }) : '',
          ]
            .filter(Boolean)
            .join(' ')}
          errorText={errorOf('hours')}
        >
          <Input
            type="number"
            inputMode="numeric"
            step={1}
            value={hours}
            onChange={({ detail }) => {
              setHours(detail.value);
              setServerErrors((current) => ({ ...current, hours: undefined }));
            }}
          />
        </FormField>
        <FormField
          label={t('extension.reason')}
          constraintText={t('create.justification.constraint', {
            length: [...reason.trim()].length,
            max: MAX_TEXT_LENGTH,
          })}
          errorText={errorOf('reason')}
          stretch
        >
          <Textarea
            value={reason}
            rows={3}
            onChange={({ detail }) => {
              setReason(detail.value);
              setServerErrors((current) => ({ ...current, reason: undefined }));
            }}
          />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}

/**
 * Who decided an extension: its approvals (who, when, comment), then who rejected or withdrew it,
 * or who extended it without approval. An approved extension's decision is its last approval,
 * shown once.
 */
function ExtensionDecision({ extension }: { extension: Extension }) {
  const { t, locale, timeZone } = useI18n();
  const { approvals, decision } = extension;
  const decisionShown = decision && !(extension.status === 'APPROVED' && approvals.length > 0);
  if (approvals.length === 0 && !decisionShown) return <>-</>;
  return (
    <>
      {approvals.length > 0 ? <ApprovalList approvals={approvals} /> : null}
      {decisionShown ? (
        <Box>
          {`${personLabel(decision.by)} · ${formatDateTime(decision.at, locale, timeZone)}`}
          {decision.comment ? (
            <Box variant="span" color="text-body-secondary">
              {` · ${t('approval.quoted', { comment: decision.comment })}`}
            </Box>
          ) : null}
        </Box>
      ) : null}
    </>
  );
}

export type ExtensionAction = 'extend' | 'approveExtension' | 'rejectExtension' | 'withdrawExtension';

/**
 * The extensions of a request: each with its hours, reason, status and approvals, and the
 * actions the caller may take (extend; approve, reject or withdraw the pending one).
 */
export function ExtensionsPanel(props: {
  request: Request;
  me: Me;
  open: (action: ExtensionAction, request: Request) => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const { request, me } = props;
  if (request.importedFrom) return null;
  if (request.maxTotalHours === null && request.extensions.length === 0) return null;
  const when = (value: string | null | undefined) => formatDateTime(value, locale, timeZone);
  const active = request.status === 'SCHEDULED' || request.status === 'IN_PROGRESS';
  const left = hoursLeftToExtend(request);
  const pending = pendingExtension(request);
  const mayAsk = isRequester(request, me) || approverIdsOf(request).has(me.userId);
  const description = !active
    ? undefined
    : pending
      ? t('extension.onePending')
      : left > 0
        ? t('extension.left', {
            hours: formatHours(left, t, locale),
            total: formatHours(request.maxTotalHours ?? 0, t, locale),
          })
        : t('extension.atMaximum', { total: formatHours(request.maxTotalHours ?? 0, t, locale) });
  const buttons: { action: ExtensionAction; label: MessageKey; shown: boolean; primary?: boolean }[] = [
    { action: 'withdrawExtension', label: 'extension.withdraw', shown: canWithdrawExtension(request, me) },
    { action: 'rejectExtension', label: 'extension.reject', shown: canRejectExtension(request, me) },
    { action: 'approveExtension', label: 'extension.approve', shown: canApproveExtension(request, me) },
    { action: 'extend', label: 'extension.extend', shown: active && mayAsk, primary: true },
  ];
  return (
    <Table<Extension>
      variant="container"
      header={
        <Header
          variant="h2"
          counter={request.extensions.length > 0 ? `(${request.extensions.length})` : undefined}
          description={description}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {buttons
                .filter((b) => b.shown)
                .map((b) => (
                  <Button
                    key={b.action}
                    variant={b.primary ? 'primary' : 'normal'}
                    disabled={b.action === 'extend' && !canExtend(request, me)}
                    onClick={() => props.open(b.action, request)}
                  >
                    {t(b.label)}
                  </Button>
                ))}
            </SpaceBetween>
          }
        >
          {t('extension.title')}
        </Header>
      }
      items={request.extensions}
      trackBy={(e) => String(e.id)}
      wrapLines
      ariaLabels={{ tableLabel: t('extension.title') }}
      empty={<Box textAlign="center">{t('extension.none')}</Box>}
      columnDefinitions={[
        {
          id: 'requested',
          header: t('extension.requested'),
          cell: (e) => (
            <>
              <Box fontWeight="bold">
                {t('extension.plusHours', { hours: formatHours(e.hours, t, locale) })}
              </Box>
              <Box color="text-body-secondary">{`${personLabel(e.requestedBy)} · ${when(e.requestedAt)}`}</Box>
            </>
          ),
          width: 240,
          minWidth: 200,
        },
        {
          id: 'reason',
          header: t('extension.reason'),
          cell: (e) => <LongText text={e.reason} />,
          minWidth: 200,
        },
        {
          id: 'status',
          header: t('column.status'),
          cell: (e) => {
            const progress = extensionProgress(request, e);
            return (
              <>
                <StatusIndicator type={STATUS[e.status].type}>{t(STATUS[e.status].label)}</StatusIndicator>
                {progress ? (
                  <Box color="text-body-secondary" fontSize="body-s">
                    {progressText(progress, t, e.status === 'PENDING')}
                  </Box>
                ) : null}
              </>
            );
          },
          width: 220,
          minWidth: 180,
        },
        {
          id: 'decision',
          header: t('extension.decision'),
          cell: (e) => <ExtensionDecision extension={e} />,
          minWidth: 260,
        },
      ]}
    />
  );
}
