import AttributeEditor from '@cloudscape-design/components/attribute-editor';
import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import type { MultiselectProps } from '@cloudscape-design/components/multiselect';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
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
import {
  checkHours,
  checkPrintable,
  checkTicket,
  MAX_DURATION_HOURS,
  MAX_POLICY_NAME_LENGTH,
} from '../../components/validation';
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
  /** Every policy there is: a principal that has one of the chosen name is not offered. */
  existing: readonly EligibilityPolicy[];
  defaultMaxHours: number;
  ticketRequired: boolean;
  onSaved: (count: number) => void;
  onDismiss: () => void;
}

/** What the policy grants: accounts/OUs × permission sets, or explicit pairs. */
type GrantKind = 'scope' | 'pairs';

/** One row of the pair editor (either side may still be empty). */
interface PairRow {
  accountId: string | undefined;
  permissionSetArn: string | undefined;
}

interface FormState {
  principalType: PrincipalType;
  principalIds: string[];
  name: string;
  kind: GrantKind;
  accountIds: string[];
  ouIds: string[];
  includeNestedOus: boolean;
  permissionSetArns: string[];
  pairs: PairRow[];
  maxHours: string;
  approvalRequired: boolean;
  allowExtensions: boolean;
  maxTotalHours: string;
  extensionApprovalRequired: boolean;
  breakGlass: boolean;
  breakGlassMaxHours: string;
  ticketNo: string;
}

/** The longest break-glass access a policy may allow (the server checks the same). */
const MAX_BREAK_GLASS_HOURS = 24;

type Field =
  | 'principals'
  | 'name'
  | 'scope'
  | 'ous'
  | 'nested'
  | 'permissionSets'
  | 'pairs'
  | 'maxHours'
  | 'maxTotal'
  | 'breakGlassHours'
  | 'ticket';

/** Where the server's errors about each input field of a create or an edit show. */
const SERVER_FIELDS: InputFieldMap<CreateEligibilityPoliciesInput & UpdateEligibilityPolicyInput, Field> = {
  principals: 'principals',
  id: null,
  name: 'name',
  accountIds: 'scope',
  ouIds: 'ous',
  includeNestedOus: 'nested',
  permissionSetArns: 'permissionSets',
  pairs: 'pairs',
  maxDurationHours: 'maxHours',
  approvalRequired: null,
  maxTotalHours: 'maxTotal',
  extensionApprovalRequired: null,
  breakGlass: null,
  breakGlassMaxHours: 'breakGlassHours',
  ticketNo: 'ticket',
  expectedUpdatedAt: null,
};

/** The name a policy is stored under: names compare without letter case, empty is `default`. */
const nameKey = (name: string) => (name.trim() === '' ? 'default' : name.trim().toLowerCase());

const pairKey = (row: PairRow) => `${row.accountId ?? ''} ${row.permissionSetArn ?? ''}`;

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
    principalIds: policy ? [policy.principalId] : [],
    name: '',
    kind: policy && policy.pairs.length > 0 ? 'pairs' : 'scope',
    accountIds: policy?.accounts.map((a) => a.id) ?? [],
    ouIds: policy?.ous.map((o) => o.id) ?? [],
    includeNestedOus: policy?.includeNestedOus ?? false,
    permissionSetArns: policy?.permissionSets.map((p) => p.arn) ?? [],
    pairs:
      policy && policy.pairs.length > 0
        ? policy.pairs.map((p) => ({ accountId: p.account.id, permissionSetArn: p.permissionSet.arn }))
        : [{ accountId: undefined, permissionSetArn: undefined }],
    maxHours: String(policy?.maxDurationHours ?? props.defaultMaxHours),
    approvalRequired: policy?.approvalRequired ?? true,
    allowExtensions: policy !== undefined && policy.maxTotalHours > policy.maxDurationHours,
    maxTotalHours: String(policy?.maxTotalHours ?? policy?.maxDurationHours ?? props.defaultMaxHours),
    extensionApprovalRequired: policy?.extensionApprovalRequired ?? true,
    breakGlass: policy?.breakGlass ?? false,
    breakGlassMaxHours: String(policy?.breakGlassMaxHours ?? 1),
    ticketNo: policy?.ticketNo ?? '',
  }));

  const pairErrors = form.pairs.map((row, index) => {
    if (!row.accountId || !row.permissionSetArn) return t('eligibility.error.pairIncomplete');
    const first = form.pairs.findIndex((other) => pairKey(other) === pairKey(row));
    return first < index ? t('eligibility.error.pairDuplicate') : undefined;
  });
  const errors: Partial<Record<Field, string>> = {};
  if (form.principalIds.length === 0) errors.principals = t('policy.error.principals');
  const nameError = editing ? undefined : checkPrintable(form.name, MAX_POLICY_NAME_LENGTH, t);
  if (nameError) errors.name = nameError;
  if (form.kind === 'scope') {
    if (form.accountIds.length === 0 && form.ouIds.length === 0) errors.scope = t('policy.error.scope');
    if (form.permissionSetArns.length === 0) errors.permissionSets = t('policy.error.permissionSets');
  } else if (form.pairs.length === 0) {
    errors.pairs = t('eligibility.error.pairs');
  } else if (pairErrors.some(Boolean)) {
    errors.pairs = t('eligibility.error.pairsFix');
  }
  const hoursError = checkHours(form.maxHours, 1, MAX_DURATION_HOURS, t);
  if (hoursError) errors.maxHours = hoursError;
  // The limits below follow the maximum duration once it is valid.
  const maxHours = hoursError ? 1 : Number(form.maxHours.trim());
  if (form.allowExtensions && checkHours(form.maxTotalHours, maxHours, MAX_DURATION_HOURS, t)) {
    errors.maxTotal = t('eligibility.error.maxTotal', { min: maxHours });
  }
  const breakGlassLimit = Math.min(MAX_BREAK_GLASS_HOURS, maxHours);
  if (form.breakGlass && checkHours(form.breakGlassMaxHours, 1, breakGlassLimit, t)) {
    errors.breakGlassHours = t('eligibility.error.breakGlassHours', { max: breakGlassLimit });
  }
  const ticketError = checkTicket(form.ticketNo, props.ticketRequired, t);
  if (ticketError) errors.ticket = ticketError;
  const save = usePolicySave(errors, SERVER_FIELDS, form, editing);
  const { shown } = save;
  // Row errors show once the form was submitted, like the other checks.
  const pairsChecked = shown('pairs') !== undefined;

  // Principals that already have a policy of the name typed cannot get a second one.
  const taken = useMemo(() => {
    const key = nameKey(form.name);
    return new Set(props.existing.filter((p) => nameKey(p.name) === key).map((p) => p.principalId));
  }, [props.existing, form.name]);
  const takenTag = t('eligibility.hasNamed', { name: form.name.trim() || 'default' });

  const principalOptions = useMemo<MultiselectProps.Option[]>(() => {
    if (form.principalType === 'USER') {
      return (directory.users.data ?? []).map((u) => ({
        value: u.id,
        label: u.displayName ? `${u.displayName} (${u.userName})` : u.userName,
        description: u.email ?? undefined,
        disabled: taken.has(u.id),
        tags: taken.has(u.id) ? [takenTag] : undefined,
        filteringTags: [u.userName, u.email ?? ''],
      }));
    }
    return (directory.groups.data ?? []).map((g) => ({
      value: g.id,
      label: g.name,
      disabled: taken.has(g.id),
      tags: taken.has(g.id) ? [takenTag] : undefined,
    }));
  }, [form.principalType, directory.users.data, directory.groups.data, taken, takenTag]);

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
        ...(policy?.pairs.flatMap((p) => [
          [p.account.id, p.account.name] as const,
          [p.permissionSet.arn, p.permissionSet.name] as const,
        ]) ?? []),
      ]),
    [policy],
  );
  /** The option of a pair's side: from the directory, else the name the policy stored. */
  const optionOf = (
    options: readonly SelectProps.Option[],
    id: string | undefined,
  ): SelectProps.Option | null =>
    id === undefined
      ? null
      : (options.find((o) => o.value === id) ?? { value: id, label: knownNames.get(id) ?? id });

  const set = (patch: Partial<FormState>) => setForm((current) => ({ ...current, ...patch }));
  const setPair = (index: number, patch: Partial<PairRow>) =>
    setForm((current) => ({
      ...current,
      pairs: current.pairs.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));

  const submit = () =>
    save.submit(async () => {
      const ticketNo = form.ticketNo.trim() === '' ? null : form.ticketNo.trim();
      const scope = form.kind === 'scope';
      const content = {
        accountIds: scope ? form.accountIds : [],
        ouIds: scope ? form.ouIds : [],
        // Only OUs can include their nested OUs.
        includeNestedOus: scope && form.ouIds.length > 0 && form.includeNestedOus,
        permissionSetArns: scope ? form.permissionSetArns : [],
        pairs: scope
          ? []
          : form.pairs.map((row) => ({
              accountId: row.accountId ?? '',
              permissionSetArn: row.permissionSetArn ?? '',
            })),
        maxDurationHours: maxHours,
        approvalRequired: form.approvalRequired,
        // Without extensions the total is the maximum duration.
        maxTotalHours: form.allowExtensions ? Number(form.maxTotalHours.trim()) : maxHours,
        extensionApprovalRequired: form.extensionApprovalRequired,
        breakGlass: form.breakGlass,
        breakGlassMaxHours: form.breakGlass ? Number(form.breakGlassMaxHours.trim()) : 1,
        ticketNo,
      };
      if (policy) {
        await api.updateEligibilityPolicy({ id: policy.id, ...content, expectedUpdatedAt: policy.updatedAt });
        props.onSaved(1);
      } else {
        const name = form.name.trim();
        const created = await api.createEligibilityPolicies({
          principals: form.principalIds.map((id) => ({ id, type: form.principalType })),
          ...(name === '' ? {} : { name }),
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
        <>
          <FixedField label={policy.principalType === 'USER' ? t('policy.user') : t('policy.group')}>
            {policy.principalName}
          </FixedField>
          <FixedField label={t('eligibility.policyName')}>{policy.name}</FixedField>
        </>
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
          <FormField
            label={t('eligibility.policyName')}
            description={t('eligibility.name.description')}
            constraintText={t('eligibility.name.constraint', { max: MAX_POLICY_NAME_LENGTH })}
            errorText={shown('name')}
          >
            <Input
              value={form.name}
              placeholder="default"
              onChange={({ detail }) => set({ name: detail.value })}
            />
          </FormField>
        </>
      )}
      <FormField label={t('eligibility.grantKind')}>
        <RadioGroup
          value={form.kind}
          onChange={({ detail }) => set({ kind: detail.value === 'pairs' ? 'pairs' : 'scope' })}
          items={[
            {
              value: 'scope',
              label: t('eligibility.grantKind.scope'),
              description: t('eligibility.grantKind.scope.description'),
            },
            {
              value: 'pairs',
              label: t('eligibility.grantKind.pairs'),
              description: t('eligibility.grantKind.pairs.description'),
            },
          ]}
        />
      </FormField>
      {form.kind === 'scope' ? (
        <>
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
          {form.ouIds.length > 0 ? (
            <FormField errorText={shown('nested')}>
              <Checkbox
                checked={form.includeNestedOus}
                description={t('policy.nested.description')}
                onChange={({ detail }) => set({ includeNestedOus: detail.checked })}
              >
                {t('policy.nested')}
              </Checkbox>
            </FormField>
          ) : null}
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
        </>
      ) : (
        <FormField
          label={t('eligibility.pairs')}
          description={t('eligibility.pairs.description')}
          errorText={shown('pairs')}
          stretch
        >
          <AttributeEditor<PairRow>
            items={form.pairs}
            addButtonText={t('eligibility.pairs.add')}
            removeButtonText={t('eligibility.pairs.remove')}
            removeButtonAriaLabel={(row) =>
              t('picker.remove', {
                name: `${optionOf(accountOptions, row.accountId)?.label ?? ''} — ${optionOf(permissionSetOptions, row.permissionSetArn)?.label ?? ''}`,
              })
            }
            empty={t('eligibility.pairs.empty')}
            onAddButtonClick={() =>
              set({ pairs: [...form.pairs, { accountId: undefined, permissionSetArn: undefined }] })
            }
            onRemoveButtonClick={({ detail }) =>
              set({ pairs: form.pairs.filter((_, index) => index !== detail.itemIndex) })
            }
            definition={[
              {
                label: t('column.account'),
                errorText: (_row, index) => (pairsChecked ? pairErrors[index] : undefined),
                control: (row, index) => (
                  <Select
                    selectedOption={optionOf(accountOptions, row.accountId)}
                    options={accountOptions}
                    onChange={({ detail }) => setPair(index, { accountId: detail.selectedOption.value })}
                    placeholder={t('create.account.placeholder')}
                    filteringType="auto"
                    filteringPlaceholder={t('picker.filter')}
                    statusType={
                      directory.accounts.error ? 'error' : directory.accounts.loading ? 'loading' : 'finished'
                    }
                    loadingText={t('picker.loading')}
                    empty={t('picker.empty')}
                    virtualScroll={accountOptions.length > 100}
                    ariaLabel={t('eligibility.pairs.accountOf', { n: index + 1 })}
                  />
                ),
              },
              {
                label: t('eligibility.pairs.permissionSet'),
                control: (row, index) => (
                  <Select
                    selectedOption={optionOf(permissionSetOptions, row.permissionSetArn)}
                    options={permissionSetOptions}
                    onChange={({ detail }) =>
                      setPair(index, { permissionSetArn: detail.selectedOption.value })
                    }
                    placeholder={t('eligibility.pairs.permissionSet.placeholder')}
                    filteringType="auto"
                    filteringPlaceholder={t('picker.filter')}
                    statusType={
                      directory.permissionSets.error
                        ? 'error'
                        : directory.permissionSets.loading
                          ? 'loading'
                          : 'finished'
                    }
                    loadingText={t('picker.loading')}
                    empty={t('picker.empty')}
                    ariaLabel={t('eligibility.pairs.permissionSetOf', { n: index + 1 })}
                  />
                ),
              },
            ]}
          />
        </FormField>
      )}
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
      <FormField label={t('eligibility.extensions')}>
        <Checkbox
          checked={form.allowExtensions}
          description={t('eligibility.extensions.allow.description')}
          onChange={({ detail }) => set({ allowExtensions: detail.checked })}
        >
          {t('eligibility.extensions.allow')}
        </Checkbox>
      </FormField>
      {form.allowExtensions ? (
        <>
          <FormField
            label={t('eligibility.maxTotal')}
            constraintText={t('eligibility.maxTotal.constraint')}
            errorText={shown('maxTotal')}
          >
            <Input
              type="number"
              inputMode="numeric"
              value={form.maxTotalHours}
              onChange={({ detail }) => set({ maxTotalHours: detail.value })}
            />
          </FormField>
          {form.approvalRequired ? (
            <FormField
              label={t('eligibility.extensionApproval')}
              description={t('eligibility.extensionApproval.description')}
            >
              <Toggle
                checked={form.extensionApprovalRequired}
                onChange={({ detail }) => set({ extensionApprovalRequired: detail.checked })}
              >
                {form.extensionApprovalRequired ? t('common.yes') : t('common.no')}
              </Toggle>
            </FormField>
          ) : null}
        </>
      ) : null}
      <FormField label={t('eligibility.breakGlass')}>
        <Checkbox
          checked={form.breakGlass}
          description={t('eligibility.breakGlass.allow.description')}
          onChange={({ detail }) => set({ breakGlass: detail.checked })}
        >
          {t('eligibility.breakGlass.allow')}
        </Checkbox>
      </FormField>
      {form.breakGlass ? (
        <FormField
          label={t('eligibility.breakGlassHours')}
          constraintText={t('eligibility.breakGlassHours.constraint')}
          errorText={shown('breakGlassHours')}
        >
          <Input
            type="number"
            inputMode="numeric"
            value={form.breakGlassMaxHours}
            onChange={({ detail }) => set({ breakGlassMaxHours: detail.value })}
          />
        </FormField>
      ) : null}
      <TicketNoField
        value={form.ticketNo}
        onChange={(ticketNo) => set({ ticketNo })}
        required={props.ticketRequired}
        errorText={shown('ticket')}
      />
    </PolicyModal>
  );
}
