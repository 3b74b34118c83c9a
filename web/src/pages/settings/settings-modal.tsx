import Alert from '@cloudscape-design/components/alert';
import Autosuggest from '@cloudscape-design/components/autosuggest';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import type { MultiselectProps } from '@cloudscape-design/components/multiselect';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Textarea from '@cloudscape-design/components/textarea';
import Toggle from '@cloudscape-design/components/toggle';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError, type InputFieldMap } from '../../api/errors';
import type { Settings, UpdateSettingsInput } from '../../api/model';
import { PickerField, useDirectory } from '../../components/pickers';
import {
  checkHours,
  checkPrintable,
  EMAIL,
  MAX_DURATION_HOURS,
  SENSITIVE_ACTION,
  SES_IDENTITY_ARN,
  SLACK_CHANNEL,
  SLACK_SIGNING_SECRET,
  SLACK_TOKEN,
  isWebhookUrl,
} from '../../components/validation';
import { useT, type Translate } from '../../i18n';
import { ModalFooter } from '../../components/modals';
import { useServerFieldError } from '../../components/server-field-error';
import { checkTimer, minutesOf, TIMER_UNITS, timerValueOf, type TimerValue } from './approval-timers';
import {
  checkLifetime,
  LIFETIME_UNITS,
  lifetimeHoursOf,
  lifetimeValueOf,
  type LifetimeValue,
} from './ou-cache-lifetime';

export interface SettingsForm {
  maxDurationHours: string;
  expiryHours: string;
  commentsRequired: boolean;
  ticketRequired: boolean;
  approvalWorkflow: boolean;
  sesEnabled: boolean;
  sesSourceEmail: string;
  sesSourceArn: string;
  snsEnabled: boolean;
  slackEnabled: boolean;
  slackToken: string;
  clearSlackToken: boolean;
  slackSigningSecret: string;
  clearSlackSigningSecret: boolean;
  slackAuditChannel: string;
  teamsEnabled: boolean;
  teamsWebhookUrl: string;
  clearTeamsWebhookUrl: boolean;
  adminGroupName: string;
  auditorGroupName: string;
  ouCacheEnabled: boolean;
  ouCacheLifetime: LifetimeValue;
  sensitiveActions: string;
  reminder: TimerValue;
  escalation: TimerValue;
  escalationGroupIds: string[];
  breakGlassEnabled: boolean;
}

export type SettingsField =
  | 'maxDurationHours'
  | 'expiryHours'
  | 'sesSourceEmail'
  | 'sesSourceArn'
  | 'slackToken'
  | 'slackSigningSecret'
  | 'slackAuditChannel'
  | 'teamsWebhookUrl'
  | 'adminGroupName'
  | 'auditorGroupName'
  | 'ouCacheLifetimeHours'
  | 'sensitiveActions'
  | 'reminderMinutes'
  | 'escalationMinutes'
  | 'escalationGroupIds';

/** Where the server's errors about each field of `UpdateSettingsInput` show (toggles have no error). */
const SERVER_FIELDS: InputFieldMap<UpdateSettingsInput, SettingsField> = {
  maxDurationHours: 'maxDurationHours',
  expiryHours: 'expiryHours',
  commentsRequired: null,
  ticketRequired: null,
  approvalWorkflow: null,
  sesEnabled: null,
  sesSourceEmail: 'sesSourceEmail',
  sesSourceArn: 'sesSourceArn',
  snsEnabled: null,
  slackEnabled: null,
  slackAuditChannel: 'slackAuditChannel',
  slackToken: 'slackToken',
  clearSlackToken: 'slackToken',
  slackSigningSecret: 'slackSigningSecret',
  clearSlackSigningSecret: 'slackSigningSecret',
  teamsEnabled: null,
  teamsWebhookUrl: 'teamsWebhookUrl',
  clearTeamsWebhookUrl: 'teamsWebhookUrl',
  adminGroupName: 'adminGroupName',
  auditorGroupName: 'auditorGroupName',
  ouCacheEnabled: null,
  ouCacheLifetimeHours: 'ouCacheLifetimeHours',
  sensitiveActions: 'sensitiveActions',
  reminderMinutes: 'reminderMinutes',
  escalationMinutes: 'escalationMinutes',
  escalationGroupIds: 'escalationGroupIds',
  breakGlassEnabled: null,
  expectedVersion: null,
};

/** The edit form's starting values: the settings as read (never a secret: they are write-only). */
export function formOf(settings: Settings): SettingsForm {
  return {
    maxDurationHours: String(settings.maxDurationHours),
    expiryHours: String(settings.expiryHours),
    commentsRequired: settings.commentsRequired,
    ticketRequired: settings.ticketRequired,
    approvalWorkflow: settings.approvalWorkflow,
    sesEnabled: settings.sesEnabled,
    sesSourceEmail: settings.sesSourceEmail ?? '',
    sesSourceArn: settings.sesSourceArn ?? '',
    snsEnabled: settings.snsEnabled,
    slackEnabled: settings.slackEnabled,
    slackToken: '',
    clearSlackToken: false,
    slackSigningSecret: '',
    clearSlackSigningSecret: false,
    slackAuditChannel: settings.slackAuditChannel ?? '',
    teamsEnabled: settings.teamsEnabled,
    teamsWebhookUrl: '',
    clearTeamsWebhookUrl: false,
    adminGroupName: settings.adminGroupName ?? '',
    auditorGroupName: settings.auditorGroupName ?? '',
    ouCacheEnabled: settings.ouCacheEnabled,
    ouCacheLifetime: lifetimeValueOf(settings.ouCacheLifetimeHours),
    sensitiveActions: settings.sensitiveActions.join('\n'),
    reminder: timerValueOf(settings.reminderMinutes),
    escalation: timerValueOf(settings.escalationMinutes),
    escalationGroupIds: settings.escalationGroups.map((g) => g.id),
    breakGlassEnabled: settings.breakGlassEnabled,
  };
}

const lines = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** Which write-only secrets are stored (the form needs a new one only where none is). */
export type StoredSecrets = Pick<Settings, 'slackTokenConfigured' | 'teamsWebhookConfigured'>;

/** Problems of the form, by field (the same rules the server applies). */
export function validateSettings(
  form: SettingsForm,
  stored: StoredSecrets,
  t: Translate,
): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  errors.maxDurationHours = checkHours(form.maxDurationHours, 1, MAX_DURATION_HOURS, t);
  errors.expiryHours = checkHours(form.expiryHours, 1, MAX_DURATION_HOURS, t);
  const email = form.sesSourceEmail.trim();
  if (form.sesEnabled && email === '') errors.sesSourceEmail = t('settings.error.emailRequired');
  else if (email !== '' && !EMAIL.test(email)) errors.sesSourceEmail = t('settings.error.email');
  const arn = form.sesSourceArn.trim();
  if (arn !== '' && !SES_IDENTITY_ARN.test(arn)) errors.sesSourceArn = t('settings.error.arn');
  const token = form.slackToken.trim();
  if (token !== '' && !SLACK_TOKEN.test(token)) errors.slackToken = t('settings.error.slackToken');
  else if (form.slackEnabled && token === '' && (!stored.slackTokenConfigured || form.clearSlackToken)) {
    errors.slackToken = t('settings.error.slackTokenNeeded');
  }
  const signingSecret = form.slackSigningSecret.trim();
  if (signingSecret !== '' && !SLACK_SIGNING_SECRET.test(signingSecret)) {
    errors.slackSigningSecret = t('settings.error.slackSigningSecret');
  }
  const webhook = form.teamsWebhookUrl.trim();
  if (webhook !== '' && !isWebhookUrl(webhook)) errors.teamsWebhookUrl = t('settings.error.teamsWebhookUrl');
  else if (
    form.teamsEnabled &&
    webhook === '' &&
    (!stored.teamsWebhookConfigured || form.clearTeamsWebhookUrl)
  ) {
    errors.teamsWebhookUrl = t('settings.error.teamsWebhookUrlNeeded');
  }
  const channel = form.slackAuditChannel.trim();
  if (channel !== '' && !SLACK_CHANNEL.test(channel))
    errors.slackAuditChannel = t('settings.error.slackChannel');
  errors.adminGroupName = checkPrintable(form.adminGroupName, 1024, t);
  errors.auditorGroupName = checkPrintable(form.auditorGroupName, 1024, t);
  errors.ouCacheLifetimeHours = checkLifetime(form.ouCacheLifetime, t);
  const badAction = lines(form.sensitiveActions).find((a) => !SENSITIVE_ACTION.test(a));
  if (badAction) errors.sensitiveActions = t('settings.error.sensitiveAction', { action: badAction });
  errors.reminderMinutes = checkTimer(form.reminder, t);
  errors.escalationMinutes = checkTimer(form.escalation, t);
  const reminder = minutesOf(form.reminder) ?? 0;
  const escalation = minutesOf(form.escalation) ?? 0;
  if (!errors.escalationMinutes && escalation > 0) {
    if (form.escalationGroupIds.length === 0) {
      errors.escalationGroupIds = t('settings.error.escalationGroupsNeeded');
    }
    if (!errors.reminderMinutes && reminder > 0 && escalation <= reminder) {
      errors.escalationMinutes = t('settings.error.escalationAfterReminder');
    }
  }
  for (const key of Object.keys(errors) as SettingsField[]) if (!errors[key]) delete errors[key];
  return errors;
}

/** The mutation input of a valid form. */
export function inputOf(form: SettingsForm, version: number): UpdateSettingsInput {
  const optional = (value: string) => (value.trim() === '' ? null : value.trim());
  const token = form.slackToken.trim();
  const signingSecret = form.slackSigningSecret.trim();
  const webhook = form.teamsWebhookUrl.trim();
  const ouCacheLifetimeHours = lifetimeHoursOf(form.ouCacheLifetime);
  return {
    maxDurationHours: Number(form.maxDurationHours.trim()),
    expiryHours: Number(form.expiryHours.trim()),
    commentsRequired: form.commentsRequired,
    ticketRequired: form.ticketRequired,
    approvalWorkflow: form.approvalWorkflow,
    sesEnabled: form.sesEnabled,
    sesSourceEmail: optional(form.sesSourceEmail),
    sesSourceArn: optional(form.sesSourceArn),
    snsEnabled: form.snsEnabled,
    slackEnabled: form.slackEnabled,
    slackAuditChannel: optional(form.slackAuditChannel),
    ...(token !== '' ? { slackToken: token } : {}),
    ...(form.clearSlackToken && token === '' ? { clearSlackToken: true } : {}),
    ...(signingSecret !== '' ? { slackSigningSecret: signingSecret } : {}),
    ...(form.clearSlackSigningSecret && signingSecret === '' ? { clearSlackSigningSecret: true } : {}),
    teamsEnabled: form.teamsEnabled,
    ...(webhook !== '' ? { teamsWebhookUrl: webhook } : {}),
    ...(form.clearTeamsWebhookUrl && webhook === '' ? { clearTeamsWebhookUrl: true } : {}),
    adminGroupName: optional(form.adminGroupName),
    auditorGroupName: optional(form.auditorGroupName),
    ouCacheEnabled: form.ouCacheEnabled,
    ...(ouCacheLifetimeHours !== undefined ? { ouCacheLifetimeHours } : {}),
    sensitiveActions: [...new Set(lines(form.sensitiveActions))],
    reminderMinutes: minutesOf(form.reminder) ?? 0,
    escalationMinutes: minutesOf(form.escalation) ?? 0,
    escalationGroupIds: [...form.escalationGroupIds],
    breakGlassEnabled: form.breakGlassEnabled,
    expectedVersion: version,
  };
}

export interface SettingsModalProps {
  settings: Settings;
  onSaved: (settings: Settings) => void;
  onDismiss: () => void;
}

/** Edit every setting; Cancel discards the changes. */
export function SettingsModal({ settings, onSaved, onDismiss }: SettingsModalProps) {
  const t = useT();
  const api = useTeamApi();
  const directory = useDirectory({ groups: true });
  const [form, setForm] = useState<SettingsForm>(() => formOf(settings));
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | undefined>();
  const serverFieldError = useServerFieldError(SERVER_FIELDS, form);
  const errors = validateSettings(form, settings, t);
  const shown = (field: SettingsField) =>
    serverFieldError.of(field) ?? (submitted ? errors[field] : undefined);
  const set = (patch: Partial<SettingsForm>) => setForm((current) => ({ ...current, ...patch }));
  const groupSuggestions = (directory.groups.data ?? []).map((g) => ({ value: g.name }));
  const groupOptions = useMemo<MultiselectProps.Option[]>(
    () => (directory.groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
    [directory.groups.data],
  );
  const knownGroupNames = useMemo(
    () => new Map(settings.escalationGroups.map((g) => [g.id, g.name] as const)),
    [settings.escalationGroups],
  );
  const unitOptions = TIMER_UNITS.map((unit) => ({ value: unit, label: t(`settings.timer.unit.${unit}`) }));
  const lifetimeUnitOptions = LIFETIME_UNITS.map((unit) => ({
    value: unit,
    label: t(`settings.timer.unit.${unit}`),
  }));
  const timer = (
    field: 'reminder' | 'escalation',
    label: string,
    description: string,
    error: SettingsField,
  ) => {
    const value = form[field];
    const change = (next: TimerValue) =>
      set(field === 'reminder' ? { reminder: next } : { escalation: next });
    return (
      <FormField
        label={label}
        description={description}
        constraintText={t('settings.timer.constraint')}
        errorText={shown(error)}
      >
        <SpaceBetween direction="horizontal" size="xs">
          <Input
            type="number"
            inputMode="numeric"
            value={value.amount}
            ariaLabel={label}
            onChange={({ detail }) => change({ ...value, amount: detail.value })}
          />
          <Select
            selectedOption={unitOptions.find((o) => o.value === value.unit) ?? null}
            options={unitOptions}
            ariaLabel={t('settings.timer.unit', { field: label })}
            onChange={({ detail }) => {
              const unit = TIMER_UNITS.find((u) => u === detail.selectedOption.value);
              if (unit !== undefined) change({ ...value, unit });
            }}
          />
        </SpaceBetween>
      </FormField>
    );
  };

  const submit = async () => {
    setSubmitted(true);
    setServerError(undefined);
    serverFieldError.clear();
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      onSaved(await api.updateSettings(inputOf(form, settings.version)));
    } catch (error) {
      const apiError = toApiError(error);
      setBusy(false);
      if (serverFieldError.place(apiError)) return;
      setServerError(
        apiError.errorType === 'Conflict'
          ? `${apiError.message} ${t('settings.conflictHint')}`
          : apiError.message,
      );
    }
  };

  const status = (configured: boolean) =>
    configured ? (
      <StatusIndicator type="success">{t('settings.slackToken.configured')}</StatusIndicator>
    ) : (
      <StatusIndicator type="stopped">{t('settings.slackToken.notConfigured')}</StatusIndicator>
    );

  /** A write-only secret: a password field, whether one is stored, and a way to delete it. */
  const secretField = (spec: {
    field: 'slackSigningSecret' | 'teamsWebhookUrl';
    clear: 'clearSlackSigningSecret' | 'clearTeamsWebhookUrl';
    configured: boolean;
    label: string;
    description: string;
    keep: string;
    placeholder: string;
    clearLabel: string;
  }) => (
    <FormField
      label={spec.label}
      description={spec.description}
      info={status(spec.configured)}
      errorText={shown(spec.field)}
    >
      <SpaceBetween size="xs">
        <Input
          type="password"
          autoComplete={false}
          value={form[spec.field]}
          disabled={form[spec.clear]}
          placeholder={spec.configured ? spec.keep : spec.placeholder}
          onChange={({ detail }) => set({ [spec.field]: detail.value })}
        />
        {spec.configured ? (
          <Checkbox
            checked={form[spec.clear]}
            onChange={({ detail }) => set({ [spec.clear]: detail.checked, [spec.field]: '' })}
          >
            {spec.clearLabel}
          </Checkbox>
        ) : null}
      </SpaceBetween>
    </FormField>
  );

  const flag = (
    label: string,
    value: boolean,
    onChange: (checked: boolean) => void,
    description?: string,
  ) => (
    <FormField label={label} description={description}>
      <Toggle checked={value} onChange={({ detail }) => onChange(detail.checked)}>
        {value ? t('common.enabled') : t('common.disabled')}
      </Toggle>
    </FormField>
  );

  return (
    <Modal
      visible
      size="max"
      header={t('settings.edit.header')}
      onDismiss={() => !busy && onDismiss()}
      footer={
        <ModalFooter
          busy={busy}
          onCancel={onDismiss}
          onSubmit={() => void submit()}
          submitLabel={t('common.save')}
        />
      }
    >
      <SpaceBetween size="l">
        {serverError ? <Alert type="error">{serverError}</Alert> : null}
        {submitted && Object.keys(errors).length > 0 ? (
          <Alert type="error">{t('settings.error.fix')}</Alert>
        ) : null}
        <ColumnLayout columns={3}>
          <SpaceBetween size="m">
            <Header variant="h3">{t('settings.request')}</Header>
            <FormField
              label={t('settings.maxDuration')}
              constraintText={t('policy.maxDuration.constraint')}
              errorText={shown('maxDurationHours')}
            >
              <Input
                type="number"
                inputMode="numeric"
                value={form.maxDurationHours}
                onChange={({ detail }) => set({ maxDurationHours: detail.value })}
              />
            </FormField>
            <FormField
              label={t('settings.expiry')}
              constraintText={t('policy.maxDuration.constraint')}
              errorText={shown('expiryHours')}
            >
              <Input
                type="number"
                inputMode="numeric"
                value={form.expiryHours}
                onChange={({ detail }) => set({ expiryHours: detail.value })}
              />
            </FormField>
            {flag(
              t('settings.commentsRequired'),
              form.commentsRequired,
              (v) => set({ commentsRequired: v }),
              t('settings.commentsRequired.description'),
            )}
            {flag(t('settings.ticketRequired'), form.ticketRequired, (v) => set({ ticketRequired: v }))}
            {flag(
              t('settings.approvalWorkflow'),
              form.approvalWorkflow,
              (v) => set({ approvalWorkflow: v }),
              t('settings.approvalWorkflow.description'),
            )}
          </SpaceBetween>
          <SpaceBetween size="m">
            <Header variant="h3">{t('settings.groups')}</Header>
            <FormField
              label={t('settings.adminGroup')}
              description={t('settings.group.description')}
              errorText={shown('adminGroupName')}
            >
              <Autosuggest
                value={form.adminGroupName}
                options={groupSuggestions}
                onChange={({ detail }) => set({ adminGroupName: detail.value })}
                enteredTextLabel={(value) => t('settings.useValue', { value })}
                placeholder={t('settings.group.placeholder')}
                empty={t('picker.empty')}
                ariaLabel={t('settings.adminGroup')}
              />
            </FormField>
            <FormField
              label={t('settings.auditorGroup')}
              description={t('settings.group.description')}
              errorText={shown('auditorGroupName')}
            >
              <Autosuggest
                value={form.auditorGroupName}
                options={groupSuggestions}
                onChange={({ detail }) => set({ auditorGroupName: detail.value })}
                enteredTextLabel={(value) => t('settings.useValue', { value })}
                placeholder={t('settings.group.placeholder')}
                empty={t('picker.empty')}
                ariaLabel={t('settings.auditorGroup')}
              />
            </FormField>
            {flag(
              t('settings.ouCache'),
              form.ouCacheEnabled,
              (v) => set({ ouCacheEnabled: v }),
              t('settings.ouCache.description'),
            )}
            <FormField
              label={t('settings.ouCacheLifetime')}
              description={t('settings.ouCacheLifetime.description')}
              constraintText={t('settings.ouCacheLifetime.constraint')}
              errorText={shown('ouCacheLifetimeHours')}
            >
              <SpaceBetween direction="horizontal" size="xs">
                <Input
                  type="number"
                  inputMode="numeric"
                  value={form.ouCacheLifetime.amount}
                  ariaLabel={t('settings.ouCacheLifetime')}
                  onChange={({ detail }) =>
                    set({ ouCacheLifetime: { ...form.ouCacheLifetime, amount: detail.value } })
                  }
                />
                <Select
                  selectedOption={
                    lifetimeUnitOptions.find((o) => o.value === form.ouCacheLifetime.unit) ?? null
                  }
                  options={lifetimeUnitOptions}
                  ariaLabel={t('settings.timer.unit', { field: t('settings.ouCacheLifetime') })}
                  onChange={({ detail }) => {
                    const unit = LIFETIME_UNITS.find((u) => u === detail.selectedOption.value);
                    if (unit !== undefined) set({ ouCacheLifetime: { ...form.ouCacheLifetime, unit } });
                  }}
                />
              </SpaceBetween>
            </FormField>
            <FormField
              label={t('settings.sensitiveActions')}
              description={t('settings.sensitiveActions.description')}
              errorText={shown('sensitiveActions')}
              stretch
            >
              <Textarea
                value={form.sensitiveActions}
                rows={5}
                onChange={({ detail }) => set({ sensitiveActions: detail.value })}
              />
            </FormField>
          </SpaceBetween>
          <SpaceBetween size="m">
            <Header variant="h3">{t('settings.notifications')}</Header>
            {flag(t('settings.ses'), form.sesEnabled, (v) => set({ sesEnabled: v }))}
            <FormField label={t('settings.sesSourceEmail')} errorText={shown('sesSourceEmail')}>
              <Input
                type="email"
                value={form.sesSourceEmail}
                onChange={({ detail }) => set({ sesSourceEmail: detail.value })}
              />
            </FormField>
            <FormField
              label={t('settings.sesSourceArn')}
              description={t('settings.sesSourceArn.description')}
              errorText={shown('sesSourceArn')}
            >
              <Input
                value={form.sesSourceArn}
                onChange={({ detail }) => set({ sesSourceArn: detail.value })}
              />
            </FormField>
            {flag(t('settings.sns'), form.snsEnabled, (v) => set({ snsEnabled: v }))}
            {flag(t('settings.slack'), form.slackEnabled, (v) => set({ slackEnabled: v }))}
            <FormField
              label={t('settings.slackToken')}
              description={t('settings.slackToken.description')}
              info={status(settings.slackTokenConfigured)}
              errorText={shown('slackToken')}
            >
              <SpaceBetween size="xs">
                <Input
                  type="password"
                  autoComplete={false}
                  value={form.slackToken}
                  disabled={form.clearSlackToken}
                  placeholder={settings.slackTokenConfigured ? t('settings.slackToken.keep') : 'xoxb-…'}
                  onChange={({ detail }) => set({ slackToken: detail.value })}
                />
                {settings.slackTokenConfigured ? (
                  <Checkbox
                    checked={form.clearSlackToken}
                    onChange={({ detail }) => set({ clearSlackToken: detail.checked, slackToken: '' })}
                  >
                    {t('settings.slackToken.clear')}
                  </Checkbox>
                ) : null}
              </SpaceBetween>
            </FormField>
            {secretField({
              field: 'slackSigningSecret',
              clear: 'clearSlackSigningSecret',
              configured: settings.slackSigningSecretConfigured,
              label: t('settings.slackSigningSecret'),
              description: t('settings.slackSigningSecret.description'),
              keep: t('settings.slackSigningSecret.keep'),
              placeholder: '',
              clearLabel: t('settings.slackSigningSecret.clear'),
            })}
            <FormField
              label={t('settings.slackAuditChannel')}
              description={t('settings.slackAuditChannel.description')}
              errorText={shown('slackAuditChannel')}
            >
              <Input
                value={form.slackAuditChannel}
                onChange={({ detail }) => set({ slackAuditChannel: detail.value })}
              />
            </FormField>
            {flag(t('settings.teams'), form.teamsEnabled, (v) => set({ teamsEnabled: v }))}
            {secretField({
              field: 'teamsWebhookUrl',
              clear: 'clearTeamsWebhookUrl',
              configured: settings.teamsWebhookConfigured,
              label: t('settings.teamsWebhookUrl'),
              description: t('settings.teamsWebhookUrl.description'),
              keep: t('settings.teamsWebhookUrl.keep'),
              placeholder: 'https://…',
              clearLabel: t('settings.teamsWebhookUrl.clear'),
            })}
          </SpaceBetween>
        </ColumnLayout>
        <SpaceBetween size="m">
          <Header variant="h3" description={t('settings.approvals.description')}>
            {t('settings.approvals')}
          </Header>
          <ColumnLayout columns={3}>
            {timer('reminder', t('settings.reminder'), t('settings.reminder.description'), 'reminderMinutes')}
            {timer(
              'escalation',
              t('settings.escalation'),
              t('settings.escalation.description'),
              'escalationMinutes',
            )}
            <SpaceBetween size="m">
              <PickerField
                label={t('settings.escalationGroups')}
                description={t('settings.escalationGroups.description')}
                placeholder={t('policy.groups.placeholder')}
                options={groupOptions}
                selectedIds={form.escalationGroupIds}
                knownNames={knownGroupNames}
                onChange={(ids) => set({ escalationGroupIds: ids })}
                state={directory.groups}
                errorText={shown('escalationGroupIds')}
              />
              {flag(
                t('settings.breakGlass'),
                form.breakGlassEnabled,
                (v) => set({ breakGlassEnabled: v }),
                t('settings.breakGlass.description'),
              )}
            </SpaceBetween>
          </ColumnLayout>
        </SpaceBetween>
      </SpaceBetween>
    </Modal>
  );
}
