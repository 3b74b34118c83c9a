import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import type { MultiselectProps } from '@cloudscape-design/components/multiselect';
import Toggle from '@cloudscape-design/components/toggle';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import type { InputFieldMap } from '../../api/errors';
import type {
  CreateEligibilityPoliciesInput,
  EligibilityPolicy,
  PrincipalType,
  UpdateEligibilityPolicyInput,
} from '../../api/model';
import { ouTreeOptions, PickerField, useDirectory } from '../../components/pickers';
import { checkHours, checkTicket, MAX_DURATION_HOURS } from '../../components/validation';
import { useT } from '../../i18n';
import {
  ChoiceField,
  FixedField,
  PolicyModal,
  TicketNoField,
  usePolicySave,
} from '../../features/policies/policy-modal';

export interface EligibilityPolicyModalProps {
  /** The policy to edit; absent: create. */
  policy?: EligibilityPolicy;
  /** Principals that already have a policy (not offered when creating). */
  existingIds: ReadonlySet<string>;
  defaultMaxHours: number;
  ticketRequired: boolean;
  onSaved: (count: number) => void;
  onDismiss: () => void;
}

interface FormState {
  principalType: PrincipalType;
  principalIds: string[];
  accountIds: string[];
  ouIds: string[];
  permissionSetArns: string[];
  maxHours: string;
  approvalRequired: boolean;
  ticketNo: string;
}

type Field = 'principals' | 'scope' | 'ous' | 'permissionSets' | 'maxHours' | 'ticket';

/** Where the server's errors about each input field of a create or an edit show. */
const SERVER_FIELDS: InputFieldMap<CreateEligibilityPoliciesInput & UpdateEligibilityPolicyInput, Field> = {
  principals: 'principals',
  id: null,
  accountIds: 'scope',
  ouIds: 'ous',
  permissionSetArns: 'permissionSets',
  includeNestedOus: 'ous',
  pairs: 'scope',
  name: null,
  maxDurationHours: 'maxHours',
  approvalRequired: null,
  ticketNo: 'ticket',
  expectedUpdatedAt: null,
};

/** Create (several users or groups at once) or edit an eligibility policy. */
export function EligibilityPolicyModal(props: EligibilityPolicyModalProps) {
  const t = useT();
  const api = useTeamApi();
  const { policy } = props;
  const editing = policy !== undefined;
  const directory = useDirectory({
    users: !editing,
    groups: !editing,
    accounts: true,
    ous: true,
    permissionSets: true,
  });
  const [form, setForm] = useState<FormState>(() => ({
    principalType: policy?.principalType ?? 'GROUP',
    principalIds: policy ? [policy.id] : [],
    accountIds: policy?.accounts.map((a) => a.id) ?? [],
    ouIds: policy?.ous.map((o) => o.id) ?? [],
    permissionSetArns: policy?.permissionSets.map((p) => p.arn) ?? [],
    maxHours: String(policy?.maxDurationHours ?? props.defaultMaxHours),
    approvalRequired: policy?.approvalRequired ?? true,
    ticketNo: policy?.ticketNo ?? '',
  }));

  const errors: Partial<Record<Field, string>> = {};
  if (form.principalIds.length === 0) errors.principals = t('policy.error.principals');
  if (form.accountIds.length === 0 && form.ouIds.length === 0) errors.scope = t('policy.error.scope');
  if (form.permissionSetArns.length === 0) errors.permissionSets = t('policy.error.permissionSets');
  const hoursError = checkHours(form.maxHours, 1, MAX_DURATION_HOURS, t);
  if (hoursError) errors.maxHours = hoursError;
  const ticketError = checkTicket(form.ticketNo, props.ticketRequired, t);
  if (ticketError) errors.ticket = ticketError;
  const save = usePolicySave(errors, SERVER_FIELDS, form);
  const { shown } = save;

  const principalOptions = useMemo<MultiselectProps.Option[]>(() => {
    if (form.principalType === 'USER') {
      return (directory.users.data ?? []).map((u) => ({
        value: u.id,
        label: u.displayName ? `${u.displayName} (${u.userName})` : u.userName,
        description: u.email ?? undefined,
        disabled: props.existingIds.has(u.id),
        tags: props.existingIds.has(u.id) ? [t('policy.hasPolicy')] : undefined,
        filteringTags: [u.userName, u.email ?? ''],
      }));
    }
    return (directory.groups.data ?? []).map((g) => ({
      value: g.id,
      label: g.name,
      disabled: props.existingIds.has(g.id),
      tags: props.existingIds.has(g.id) ? [t('policy.hasPolicy')] : undefined,
    }));
  }, [form.principalType, directory.users.data, directory.groups.data, props.existingIds, t]);

  const accountOptions = useMemo<MultiselectProps.Option[]>(
    () => (directory.accounts.data ?? []).map((a) => ({ value: a.id, label: a.name, description: a.id })),
    [directory.accounts.data],
  );
  const ouOptions = useMemo(() => ouTreeOptions(directory.ous.data ?? []), [directory.ous.data]);
  const permissionSetOptions = useMemo<MultiselectProps.Option[]>(
    () =>
      (directory.permissionSets.data ?? []).map((p) => ({
        value: p.arn,
        label: p.name,
        description: p.description ?? undefined,
      })),
    [directory.permissionSets.data],
  );
  const knownNames = useMemo(
    () =>
      new Map<string, string>([
        ...(policy?.accounts.map((a) => [a.id, a.name] as const) ?? []),
        ...(policy?.ous.map((o) => [o.id, o.name] as const) ?? []),
        ...(policy?.permissionSets.map((p) => [p.arn, p.name] as const) ?? []),
      ]),
    [policy],
  );

  const set = (patch: Partial<FormState>) => setForm((current) => ({ ...current, ...patch }));

  const submit = () =>
    save.submit(async () => {
      const ticketNo = form.ticketNo.trim() === '' ? null : form.ticketNo.trim();
      const content = {
        accountIds: form.accountIds,
        ouIds: form.ouIds,
        permissionSetArns: form.permissionSetArns,
        maxDurationHours: Number(form.maxHours.trim()),
        approvalRequired: form.approvalRequired,
        ticketNo,
      };
      if (policy) {
        await api.updateEligibilityPolicy({ id: policy.id, ...content, expectedUpdatedAt: policy.updatedAt });
        props.onSaved(1);
      } else {
        const created = await api.createEligibilityPolicies({
          principals: form.principalIds.map((id) => ({ id, type: form.principalType })),
          ...content,
        });
        props.onSaved(created.length);
      }
    });

  return (
    <PolicyModal
      header={editing ? t('eligibility.edit.header') : t('eligibility.create.header')}
      editing={editing}
      save={save}
      onSubmit={() => void submit()}
      onDismiss={props.onDismiss}
    >
      {policy ? (
        <FixedField label={policy.principalType === 'USER' ? t('policy.user') : t('policy.group')}>
          {policy.principalName}
        </FixedField>
      ) : (
        <>
          <ChoiceField<PrincipalType>
            label={t('policy.principalType')}
            selectedId={form.principalType}
            options={[
              { id: 'GROUP', text: t('policy.group') },
              { id: 'USER', text: t('policy.user') },
            ]}
            onChange={(principalType) => set({ principalType, principalIds: [] })}
          />
          <PickerField
            label={form.principalType === 'USER' ? t('policy.users') : t('policy.groups')}
            description={t('policy.principals.description')}
            placeholder={
              form.principalType === 'USER' ? t('policy.users.placeholder') : t('policy.groups.placeholder')
            }
            options={principalOptions}
            selectedIds={form.principalIds}
            onChange={(ids) => set({ principalIds: ids })}
            state={form.principalType === 'USER' ? directory.users : directory.groups}
            errorText={shown('principals')}
          />
        </>
      )}
      <PickerField
        label={t('policy.accounts')}
        placeholder={t('policy.accounts.placeholder')}
        options={accountOptions}
        selectedIds={form.accountIds}
        knownNames={knownNames}
        onChange={(ids) => set({ accountIds: ids })}
        state={directory.accounts}
        errorText={shown('scope')}
      />
      <PickerField
        label={t('policy.ous')}
        description={t('policy.ous.description')}
        placeholder={t('policy.ous.placeholder')}
        options={ouOptions}
        selectedIds={form.ouIds}
        knownNames={knownNames}
        onChange={(ids) => set({ ouIds: ids })}
        state={directory.ous}
        tokens="below"
        errorText={shown('ous')}
      />
      <PickerField
        label={t('policy.permissionSets')}
        placeholder={t('policy.permissionSets.placeholder')}
        options={permissionSetOptions}
        selectedIds={form.permissionSetArns}
        knownNames={knownNames}
        onChange={(ids) => set({ permissionSetArns: ids })}
        state={directory.permissionSets}
        errorText={shown('permissionSets')}
      />
      <FormField
        label={t('policy.maxDuration')}
        constraintText={t('policy.maxDuration.constraint')}
        errorText={shown('maxHours')}
      >
        <Input
          type="number"
          inputMode="numeric"
          value={form.maxHours}
          onChange={({ detail }) => set({ maxHours: detail.value })}
        />
      </FormField>
      <FormField label={t('policy.approvalRequired')} description={t('policy.approvalRequired.description')}>
        <Toggle
          checked={form.approvalRequired}
          onChange={({ detail }) => set({ approvalRequired: detail.checked })}
        >
          {form.approvalRequired ? t('common.yes') : t('common.no')}
        </Toggle>
      </FormField>
      <TicketNoField
        value={form.ticketNo}
        onChange={(ticketNo) => set({ ticketNo })}
        required={props.ticketRequired}
        errorText={shown('ticket')}
      />
    </PolicyModal>
  );
}
