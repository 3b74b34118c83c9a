import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DatePicker from '@cloudscape-design/components/date-picker';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import TimeInput from '@cloudscape-design/components/time-input';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { formFieldOf, toApiError, type ApiError, type InputFieldMap } from '../../api/errors';
import { useRequestApprovers, useRequestFormOptions } from '../../api/hooks';
import type {
  CreateBreakGlassRequestInput,
  CreateRequestInput,
  EligibleAccount,
  EligiblePermissionSet,
  RequestFormOptions,
} from '../../api/model';
import { useClock } from '../../app/clock';
import { useFlash } from '../../app/flash';
import { accountLabel } from '../../features/requests/request-columns';
import { useRouter } from '../../app/router';
import { pathOf } from '../../app/routes';
import { useMe } from '../../app/session';
import { STATUS_LABELS } from '../../features/requests/status-badge';
import { checkFreeText, checkHours, checkTicket, MAX_TEXT_LENGTH } from '../../components/validation';
import { useI18n, useT, type Translate } from '../../i18n';
import { formatHours, timeZoneLabel, zonedParts, zonedToUtc } from '../../i18n/format';
import { ApproversPreview } from './approvers-preview';

type Field = 'account' | 'role' | 'start' | 'duration' | 'justification' | 'ticket' | 'incident';
/** A standard request, or break-glass access (at once, without approval, reviewed afterwards). */
type Mode = 'standard' | 'breakGlass';

/** Longest incident or ticket reference of break-glass access (the server's limit). */
const MAX_INCIDENT_LENGTH = 100;
type Errors = Partial<Record<Field, string>>;

/** How far in the past a start time may be (the server allows 5 minutes of skew). */
const START_PAST_TOLERANCE_MS = 5 * 60 * 1000;
/** Above this many accounts the dropdown renders only what is visible. */
const VIRTUAL_SCROLL_THRESHOLD = 100;

/** Where the server's errors about each field of `CreateRequestInput` show. */
const SERVER_FIELDS: InputFieldMap<CreateRequestInput, Field> = {
  accountId: 'account',
  permissionSetArn: 'role',
  startTime: 'start',
  durationHours: 'duration',
  justification: 'justification',
  ticketNo: 'ticket',
};

/** Where the server's errors about each field of `CreateBreakGlassRequestInput` show. */
const BREAK_GLASS_FIELDS: InputFieldMap<CreateBreakGlassRequestInput, Field> = {
  accountId: 'account',
  permissionSetArn: 'role',
  durationHours: 'duration',
  justification: 'justification',
  incident: 'incident',
};

/** Whether break-glass is offered for a permission set: the settings allow it and a policy does. */
function breakGlassOffered(
  options: RequestFormOptions,
  permissionSet: EligiblePermissionSet | undefined,
): boolean {
  return options.breakGlassEnabled && permissionSet?.breakGlass === true;
}

/** The incident or ticket reference: required, one line, at most 100 characters. */
function checkIncident(value: string, t: Translate): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return t('validation.required');
  const length = [...trimmed].length;
  if (length > MAX_INCIDENT_LENGTH) return t('validation.tooLong', { max: MAX_INCIDENT_LENGTH, length });
  if (/\p{Cc}/u.test(trimmed)) return t('validation.singleLine');
  return undefined;
}

interface FormState {
  accountId: string | undefined;
  permissionSetArn: string | undefined;
  /** The user has not touched the start: it means "now" at submit time. */
  startIsNow: boolean;
  date: string;
  time: string;
  duration: string;
  justification: string;
  ticketNo: string;
  mode: Mode;
  incident: string;
}

interface Checked {
  errors: Errors;
  startTime: string | undefined;
}

/**
 * The longest duration offered: the role's (break-glass has its own maximum); before a role is
 * picked, the longest any offered role allows, so no role's limit is contradicted later.
 */
function maxHoursOf(
  options: RequestFormOptions,
  permissionSet: EligiblePermissionSet | undefined,
  breakGlass: boolean,
  account?: EligibleAccount,
): number {
  if (breakGlass) return permissionSet?.breakGlassMaxHours ?? 1;
  if (permissionSet) return permissionSet.maxDurationHours;
  const offered = (account ? [account] : options.accounts).flatMap((a) =>
    a.permissionSets.map((p) => p.maxDurationHours),
  );
  return offered.length > 0 ? Math.max(...offered) : options.maxDurationHours;
}

function validate(
  form: FormState,
  options: RequestFormOptions,
  account: EligibleAccount | undefined,
  permissionSet: EligiblePermissionSet | undefined,
  now: number,
  timeZone: string,
  t: Translate,
): Checked {
  const errors: Errors = {};
  if (!account) errors.account = t('create.error.account');
  if (!permissionSet) errors.role = t('create.error.role');
  const breakGlass = form.mode === 'breakGlass' && breakGlassOffered(options, permissionSet);
  const max = maxHoursOf(options, permissionSet, breakGlass, account);
  errors.duration = checkHours(form.duration, 1, max, t);
  errors.justification = checkFreeText(form.justification, { required: true, t });
  if (breakGlass) errors.incident = checkIncident(form.incident, t);
  else errors.ticket = checkTicket(form.ticketNo, options.ticketRequired, t);

  let startTime: string | undefined;
  // Break-glass access starts at once: there is no start time to check.
  if (!form.startIsNow && !breakGlass) {
    const start = zonedToUtc(form.date, form.time, timeZone);
    if (!start) errors.start = t('create.error.startInvalid');
    else if (start.getTime() < now - START_PAST_TOLERANCE_MS) errors.start = t('create.error.startPast');
    else {
      const limit = new Date(now);
      limit.setUTCFullYear(limit.getUTCFullYear() + 1);
      if (start.getTime() > limit.getTime()) errors.start = t('create.error.startTooLate');
      else startTime = start.toISOString();
    }
  }
  for (const key of Object.keys(errors) as Field[]) if (!errors[key]) delete errors[key];
  return { errors, startTime };
}

function RequestForm({ options }: { options: RequestFormOptions }) {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const clock = useClock();
  const me = useMe();
  const { navigate } = useRouter();
  const { notify } = useFlash();
  const initial = zonedParts(new Date(clock.now()), timeZone);
  const lastDay = `${Number(initial.date.slice(0, 4)) + 1}${initial.date.slice(4)}`;
  const [form, setForm] = useState<FormState>({
    accountId: undefined,
    permissionSetArn: undefined,
    startIsNow: true,
    date: initial.date,
    time: initial.time,
    duration: '1',
    justification: '',
    ticketNo: '',
    mode: 'standard',
    incident: '',
  });
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const accountsById = useMemo(() => new Map(options.accounts.map((a) => [a.id, a])), [options.accounts]);
  const account = form.accountId ? accountsById.get(form.accountId) : undefined;
  const permissionSet = account?.permissionSets.find((p) => p.arn === form.permissionSetArn);
  const offered = breakGlassOffered(options, permissionSet);
  const breakGlass = offered && form.mode === 'breakGlass';
  const maxHours = maxHoursOf(options, permissionSet, breakGlass, account);
  const approvers = useRequestApprovers(account?.id, permissionSet?.arn);

  const accountOptions = useMemo<SelectProps.Option[]>(
    () => options.accounts.map((a) => ({ value: a.id, label: a.name, description: a.id })),
    [options.accounts],
  );
  const roleOptions: SelectProps.Option[] = (account?.permissionSets ?? []).map((p) => ({
    value: p.arn,
    label: p.name,
    description: p.approvalRequired ? t('create.role.approvalRequired') : t('create.role.noApproval'),
    labelTag: t('create.role.maxHours', { hours: p.maxDurationHours }),
  }));

  const checked = validate(form, options, account, permissionSet, clock.now(), timeZone, t);
  const errorOf = (field: Field) => serverErrors[field] ?? (submitted ? checked.errors[field] : undefined);

  const update = (patch: Partial<FormState>, fields: Field[]) => {
    setForm((current) => ({ ...current, ...patch }));
    setServerErrors((current) => {
      const next = { ...current };
      for (const f of fields) delete next[f];
      return next;
    });
  };

  const submit = async () => {
    setSubmitted(true);
    setFormError(undefined);
    const result = validate(form, options, account, permissionSet, clock.now(), timeZone, t);
    if (Object.keys(result.errors).length > 0 || !account || !permissionSet) return;
    setBusy(true);
    if (breakGlass) {
      await submitBreakGlass(account.id, permissionSet.arn);
      return;
    }
    try {
      const created = await api.createRequest({
        accountId: account.id,
        permissionSetArn: permissionSet.arn,
        startTime: result.startTime,
        durationHours: Number(form.duration.trim()),
        justification: form.justification.trim(),
        ticketNo: form.ticketNo.trim() === '' ? undefined : form.ticketNo.trim(),
      });
      notify({
        type: 'success',
        header: t('create.success.header'),
        content: t('create.success.content', {
          account: accountLabel(created.account),
          role: created.permissionSet.name,
          status: t(STATUS_LABELS[created.status]),
        }),
      });
      navigate(pathOf('myRequests'));
    } catch (error) {
      const apiError = toApiError(error);
      const field = formFieldOf(apiError, SERVER_FIELDS);
      if (field) setServerErrors({ [field]: apiError.message });
      else setFormError(apiError);
      setBusy(false);
    }
  };

  const submitBreakGlass = async (accountId: string, permissionSetArn: string) => {
    try {
      const created = await api.createBreakGlassRequest({
        accountId,
        permissionSetArn,
        durationHours: Number(form.duration.trim()),
        justification: form.justification.trim(),
        incident: form.incident.trim(),
      });
      notify({
        type: 'warning',
        header: t('breakGlass.success.header'),
        content: t('breakGlass.success.content', {
          account: accountLabel(created.account),
          role: created.permissionSet.name,
        }),
      });
      navigate(pathOf('requestDetails', { id: created.id }));
    } catch (error) {
      const apiError = toApiError(error);
      const field = formFieldOf(apiError, BREAK_GLASS_FIELDS);
      if (field) setServerErrors({ [field]: apiError.message });
      else setFormError(apiError);
      setBusy(false);
    }
  };

  if (options.accounts.length === 0) {
    return (
      <Alert type="info" header={t('create.noEligibility.header')}>
        {t('create.noEligibility.content')}
      </Alert>
    );
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      noValidate
    >
      <Form
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button formAction="none" variant="link" onClick={() => navigate('/')}>
              {t('common.cancel')}
            </Button>
            <Button variant="primary" loading={busy}>
              {breakGlass ? t('breakGlass.submit') : t('create.submit')}
            </Button>
          </SpaceBetween>
        }
        errorText={formError?.message}
        errorIconAriaLabel={t('common.error')}
      >
        <Container header={<Header variant="h2">{t('create.details')}</Header>}>
          <SpaceBetween size="l">
            <FormField label={t('create.requester')}>
              <Box>{me.email || me.userName}</Box>
            </FormField>
            <FormField label={t('column.account')} errorText={errorOf('account')} stretch>
              <Select
                selectedOption={accountOptions.find((o) => o.value === form.accountId) ?? null}
                options={accountOptions}
                onChange={({ detail }) =>
                  update({ accountId: detail.selectedOption.value, permissionSetArn: undefined }, [
                    'account',
                    'role',
                  ])
                }
                placeholder={t('create.account.placeholder')}
                filteringType="auto"
                filteringPlaceholder={t('create.account.filter')}
                empty={t('create.account.empty')}
                virtualScroll={accountOptions.length > VIRTUAL_SCROLL_THRESHOLD}
              />
            </FormField>
            <FormField
              label={t('column.role')}
              description={t('create.role.description')}
              errorText={errorOf('role')}
              stretch
            >
              <Select
                selectedOption={roleOptions.find((o) => o.value === form.permissionSetArn) ?? null}
                options={roleOptions}
                disabled={!account}
                onChange={({ detail }) =>
                  update({ permissionSetArn: detail.selectedOption.value }, ['role', 'duration'])
                }
                placeholder={account ? t('create.role.placeholder') : t('create.role.chooseAccountFirst')}
                empty={t('create.role.empty')}
              />
            </FormField>
            {offered ? (
              <FormField label={t('breakGlass.mode')} stretch>
                <Tiles
                  value={form.mode}
                  onChange={({ detail }) =>
                    update({ mode: detail.value === 'breakGlass' ? 'breakGlass' : 'standard' }, [
                      'duration',
                      'start',
                      'ticket',
                      'incident',
                    ])
                  }
                  columns={2}
                  items={[
                    {
                      value: 'standard',
                      label: t('breakGlass.mode.standard'),
                      description: t('breakGlass.mode.standard.description'),
                    },
                    {
                      value: 'breakGlass',
                      label: t('breakGlass.mode.breakGlass'),
                      description: t('breakGlass.mode.breakGlass.description', {
                        hours: formatHours(permissionSet?.breakGlassMaxHours ?? 1, t, locale),
                      }),
                    },
                  ]}
                />
              </FormField>
            ) : null}
            {breakGlass ? (
              <Alert type="warning" header={t('breakGlass.warning.header')}>
                <SpaceBetween size="xs">
                  <Box variant="p">{t('breakGlass.warning.now')}</Box>
                  <Box variant="p">{t('breakGlass.warning.audit')}</Box>
                  <Box variant="p">{t('breakGlass.warning.review')}</Box>
                </SpaceBetween>
              </Alert>
            ) : null}
            {permissionSet && !breakGlass ? (
              <ApproversPreview state={approvers} expiryHours={options.expiryHours} />
            ) : null}
            {breakGlass ? null : (
              <FormField
                label={t('create.start')}
                description={t('create.start.description', {
                  zone: timeZoneLabel(timeZone, new Date(clock.now())),
                })}
                constraintText={form.startIsNow ? t('create.start.now') : undefined}
                errorText={errorOf('start')}
              >
                <SpaceBetween direction="horizontal" size="xs">
                  <DatePicker
                    value={form.date}
                    onChange={({ detail }) => update({ date: detail.value, startIsNow: false }, ['start'])}
                    placeholder="YYYY/MM/DD"
                    isDateEnabled={(date) => {
                      // The calendar hands over local midnight of each day.
                      const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
                      return day >= initial.date && day <= lastDay;
                    }}
                    ariaLabel={t('create.start.date')}
                    openCalendarAriaLabel={(selected) =>
                      selected
                        ? t('create.start.calendarSelected', { date: selected })
                        : t('create.start.calendar')
                    }
                  />
                  <TimeInput
                    value={form.time}
                    format="hh:mm"
                    placeholder="hh:mm"
                    use24Hour
                    ariaLabel={t('create.start.time')}
                    onChange={({ detail }) => update({ time: detail.value, startIsNow: false }, ['start'])}
                  />
                  {!form.startIsNow ? (
                    <Button
                      formAction="none"
                      onClick={() => {
                        const now = zonedParts(new Date(clock.now()), timeZone);
                        update({ startIsNow: true, date: now.date, time: now.time }, ['start']);
                      }}
                    >
                      {t('create.start.resetNow')}
                    </Button>
                  ) : null}
                </SpaceBetween>
              </FormField>
            )}
            <FormField
              label={t('column.duration')}
              // The maximum is the role's: until one is picked it is not known yet.
              constraintText={
                permissionSet
                  ? t('create.duration.constraint', { max: maxHours })
                  : t('create.duration.constraintNoRole')
              }
              errorText={errorOf('duration')}
            >
              <Input
                type="number"
                inputMode="numeric"
                step={1}
                value={form.duration}
                onChange={({ detail }) => update({ duration: detail.value }, ['duration'])}
              />
            </FormField>
            <FormField
              label={breakGlass ? t('breakGlass.reason') : t('column.justification')}
              description={
                breakGlass ? t('breakGlass.reason.description') : t('create.justification.description')
              }
              constraintText={t('create.justification.constraint', {
                length: [...form.justification.trim()].length,
                max: MAX_TEXT_LENGTH,
              })}
              errorText={errorOf('justification')}
              stretch
            >
              <Textarea
                value={form.justification}
                rows={4}
                onChange={({ detail }) => update({ justification: detail.value }, ['justification'])}
              />
            </FormField>
            {breakGlass ? (
              <FormField
                label={t('column.incident')}
                description={t('breakGlass.incident.description')}
                constraintText={t('breakGlass.incident.constraint', { max: MAX_INCIDENT_LENGTH })}
                errorText={errorOf('incident')}
              >
                <Input
                  value={form.incident}
                  onChange={({ detail }) => update({ incident: detail.value }, ['incident'])}
                />
              </FormField>
            ) : (
              <FormField
                label={
                  options.ticketRequired
                    ? t('column.ticketNo')
                    : t('create.ticket.optional', { label: t('column.ticketNo') })
                }
                constraintText={t('create.ticket.constraint')}
                errorText={errorOf('ticket')}
              >
                <Input
                  value={form.ticketNo}
                  onChange={({ detail }) => update({ ticketNo: detail.value }, ['ticket'])}
                />
              </FormField>
            )}
          </SpaceBetween>
        </Container>
      </Form>
    </form>
  );
}

/** Create request: only eligible accounts and permission sets, limits checked inline. */
export default function CreateRequestPage() {
  const t = useT();
  const options = useRequestFormOptions();
  return (
    <ContentLayout
      header={
        <Header variant="h1" description={t('create.description')}>
          {t('nav.createRequest')}
        </Header>
      }
    >
      {options.error ? (
        <Alert
          type="error"
          header={t('create.loadError')}
          action={<Button onClick={options.reload}>{t('common.retry')}</Button>}
        >
          {options.error.message}
        </Alert>
      ) : options.data ? (
        <RequestForm options={options.data} />
      ) : (
        <Box textAlign="center" padding="xl">
          <Spinner size="large" />
        </Box>
      )}
    </ContentLayout>
  );
}
