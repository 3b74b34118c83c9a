import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState, type ReactNode } from 'react';
import { formFieldOf, toApiError, type InputFieldMap } from '../api/errors';
import type { ApproveRequestInput, RejectRequestInput, RevokeRequestInput } from '../api/model';
import { useT } from '../i18n';
import { checkFreeText } from './validation';

/** The footer of TEAM's form modals: Cancel (disabled while busy) and the primary action. */
export function ModalFooter(props: {
  busy: boolean;
  onCancel: () => void;
  onSubmit: () => void;
  submitLabel: string;
}) {
  const t = useT();
  return (
    <Box float="right">
      <SpaceBetween direction="horizontal" size="xs">
        <Button variant="link" disabled={props.busy} onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
        <Button variant="primary" loading={props.busy} onClick={props.onSubmit}>
          {props.submitLabel}
        </Button>
      </SpaceBetween>
    </Box>
  );
}

export interface CommentModalProps {
  header: string;
  /** What is being acted on (a request summary). */
  children?: ReactNode;
  commentLabel: string;
  commentRequired: boolean;
  submitLabel: string;
  onSubmit: (comment: string | undefined) => Promise<void>;
  onDismiss: () => void;
}

/** Where the server's errors about the decision inputs show: the comment has a field. */
const DECISION_FIELDS: InputFieldMap<
  ApproveRequestInput & RejectRequestInput & RevokeRequestInput,
  'comment'
> = {
  requestId: null,
  comment: 'comment',
};

/**
 * A modal asking for a comment before an action (approve, reject, revoke). Validates like the
 * server: required when the settings say so, at most 2,000 characters; a server error about the
 * comment (`errorInfo.field`) shows on the field, any other error above it.
 */
export function CommentModal(props: CommentModalProps) {
  const t = useT();
  const [comment, setComment] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);

  const check = (value: string) => checkFreeText(value, { required: props.commentRequired, t });

  const submit = async () => {
    setTouched(true);
    const problem = check(comment);
    setFieldError(problem);
    if (problem) return;
    setBusy(true);
    setFormError(undefined);
    try {
      await props.onSubmit(comment.trim() === '' ? undefined : comment.trim());
    } catch (error) {
      const apiError = toApiError(error);
      if (formFieldOf(apiError, DECISION_FIELDS) === 'comment') setFieldError(apiError.message);
      else setFormError(apiError.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible
      header={props.header}
      onDismiss={() => !busy && props.onDismiss()}
      footer={
        <ModalFooter
          busy={busy}
          onCancel={props.onDismiss}
          onSubmit={() => void submit()}
          submitLabel={props.submitLabel}
        />
      }
    >
      <SpaceBetween size="m">
        {props.children}
        {formError ? <Alert type="error">{formError}</Alert> : null}
        <FormField
          label={props.commentLabel}
          // While the field shows an error, the hint does not repeat that a comment is required.
          constraintText={
            fieldError
              ? t('form.commentLimitHint')
              : props.commentRequired
                ? t('form.commentRequiredHint')
                : t('form.commentOptionalHint')
          }
          errorText={fieldError}
          stretch
        >
          <Textarea
            value={comment}
            rows={3}
            onChange={({ detail }) => {
              setComment(detail.value);
              if (touched) setFieldError(check(detail.value));
            }}
          />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}

export interface ConfirmModalProps {
  header: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onDismiss: () => void;
}

/** "Are you sure?" before an action that cannot be undone; shows the error if it fails. */
export function ConfirmModal(props: ConfirmModalProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
    } catch (caught) {
      setError(toApiError(caught).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      visible
      header={props.header}
      onDismiss={() => !busy && props.onDismiss()}
      footer={
        <ModalFooter
          busy={busy}
          onCancel={props.onDismiss}
          onSubmit={() => void confirm()}
          submitLabel={props.confirmLabel}
        />
      }
    >
      <SpaceBetween size="m">
        {error ? <Alert type="error">{error}</Alert> : null}
        {props.children}
      </SpaceBetween>
    </Modal>
  );
}
