import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type ReactNode } from 'react';
import { toApiError } from '../../api/errors';
import { useServerFieldError } from '../../components/server-field-error';
import { useT } from '../../i18n';
import { ModalFooter } from '../../components/modals';

/** The save state of a policy form: validation shown after the first submit, busy, server error. */
export interface PolicySave<F extends string> {
  busy: boolean;
  /** The server's error for the whole form. */
  serverError: string | undefined;
  /**
   * The field's error: the server's about this field (until the form changes), else the form's
   * own check once the form has been submitted.
   */
  shown: (field: F) => string | undefined;
  /**
   * Validates (the `errors` of this render) and runs `save`. On success the modal stays busy
   * until the page closes it; a failure about an input field shows on that field, any other
   * above the form (an edit's Conflict with a hint to reload; a create's Conflict, a policy that
   * already exists, says itself what to do).
   */
  submit: (save: () => Promise<void>) => Promise<void>;
}

/**
 * Save state of a policy form whose state is `form` and whose current validation errors are
 * `errors`; `serverFields` places the server's errors by input field (`InputFieldMap`);
 * `editing` says whether it saves an existing policy.
 */
export function usePolicySave<F extends string>(
  errors: Partial<Record<F, string>>,
  serverFields: { readonly [inputField: string]: F | null },
  form: unknown,
  editing: boolean,
): PolicySave<F> {
  const t = useT();
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | undefined>();
  const serverFieldError = useServerFieldError(serverFields, form);
  return {
    busy,
    serverError,
    shown: (field) => serverFieldError.of(field) ?? (submitted ? errors[field] : undefined),
    submit: async (save) => {
      setSubmitted(true);
      setServerError(undefined);
      serverFieldError.clear();
      if (Object.keys(errors).length > 0) return;
      setBusy(true);
      try {
        await save();
      } catch (error) {
        const apiError = toApiError(error);
        setBusy(false);
        if (serverFieldError.place(apiError)) return;
        setServerError(
          apiError.errorType === 'Conflict' && editing
            ? `${apiError.message} ${t('policy.conflictHint')}`
            : apiError.message,
        );
      }
    },
  };
}

export interface PolicyModalProps {
  header: string;
  /** Editing shows Save, creating shows Create. */
  editing: boolean;
  save: Pick<PolicySave<string>, 'busy' | 'serverError'>;
  onSubmit: () => void;
  onDismiss: () => void;
  children: ReactNode;
}

/** The create/edit modal of a policy: Cancel and Save/Create, the server's error above the fields. */
export function PolicyModal(props: PolicyModalProps) {
  const t = useT();
  const { busy, serverError } = props.save;
  return (
    <Modal
      visible
      size="large"
      header={props.header}
      onDismiss={() => !busy && props.onDismiss()}
      footer={
        <ModalFooter
          busy={busy}
          onCancel={props.onDismiss}
          onSubmit={props.onSubmit}
          submitLabel={props.editing ? t('common.save') : t('common.create')}
        />
      }
    >
      <SpaceBetween size="l">
        {serverError ? <Alert type="error">{serverError}</Alert> : null}
        {props.children}
      </SpaceBetween>
    </Modal>
  );
}

/** What an edited policy is about (its principal or target), which cannot change. */
export function FixedField({ label, children }: { label: string; children: ReactNode }) {
  return (
    <FormField label={label}>
      <Box>{children}</Box>
    </FormField>
  );
}

export interface ChoiceFieldProps<K extends string> {
  label: string;
  selectedId: K;
  options: readonly { id: K; text: string }[];
  onChange: (id: K) => void;
}

/** A labelled segmented control (principal type, target type). */
export function ChoiceField<K extends string>(props: ChoiceFieldProps<K>) {
  return (
    <FormField label={props.label}>
      <SegmentedControl
        selectedId={props.selectedId}
        label={props.label}
        options={[...props.options]}
        onChange={({ detail }) => {
          const chosen = props.options.find((o) => o.id === detail.selectedId);
          if (chosen) props.onChange(chosen.id);
        }}
      />
    </FormField>
  );
}

export interface TicketNoFieldProps {
  value: string;
  onChange: (value: string) => void;
  /** The settings require a ticket number. */
  required: boolean;
  errorText: string | undefined;
}

/** The policy's ticket number, "(optional)" unless the settings require one. */
export function TicketNoField(props: TicketNoFieldProps) {
  const t = useT();
  return (
    <FormField
      label={
        props.required ? t('column.ticketNo') : t('create.ticket.optional', { label: t('column.ticketNo') })
      }
      constraintText={t('create.ticket.constraint')}
      errorText={props.errorText}
    >
      <Input value={props.value} onChange={({ detail }) => props.onChange(detail.value)} />
    </FormField>
  );
}
