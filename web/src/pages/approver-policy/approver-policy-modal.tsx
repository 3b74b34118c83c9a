import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import type { MultiselectProps } from '@cloudscape-design/components/multiselect';
import { useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import type { InputFieldMap } from '../../api/errors';
import type {
  ApproverPolicy,
  ApproverTargetType,
  CreateApproverPoliciesInput,
  UpdateApproverPolicyInput,
} from '../../api/model';
import { ouTreeOptions, PickerField, useDirectory } from '../../components/pickers';
import { checkTicket, MAX_APPROVER_SCOPE } from '../../components/validation';
import { useT } from '../../i18n';
import {
  ChoiceField,
  FixedField,
  PolicyModal,
  TicketNoField,
  usePolicySave,
} from '../../features/policies/policy-modal';
import { scopeLabel, targetTypeLabel } from './approver-labels';

export interface ApproverPolicyModalProps {
  /** The policy to edit; absent: create. */
  policy?: ApproverPolicy;
  /** Every policy there is: a target with an unscoped one cannot get another unscoped one. */
  existing: readonly ApproverPolicy[];
  ticketRequired: boolean;
  onSaved: (count: number) => void;
  onDismiss: () => void;
}

type Field = 'targets' | 'scope' | 'groups' | 'users' | 'nested' | 'also' | 'ticket';

/** Where the server's errors about each input field of a create or an edit show. */
const SERVER_FIELDS: InputFieldMap<CreateApproverPoliciesInput & UpdateApproverPolicyInput, Field> = {
  targets: 'targets',
  id: null,
  permissionSetArns: 'scope',
  includeNestedOus: 'nested',
  approverGroupIds: 'groups',
  approverUserIds: 'users',
  also: 'also',
  ticketNo: 'ticket',
  expectedUpdatedAt: null,
};

/**
 * Create approver policies (one per chosen account or OU, all with the chosen scope and
 * approvers) or edit one (its approvers and flags; target and scope stay).
 */
export function ApproverPolicyModal(props: ApproverPolicyModalProps) {
  const t = useT();
  const api = useTeamApi();
  const { policy } = props;
  const editing = policy !== undefined;
  const directory = useDirectory({
    accounts: !editing,
    ous: !editing,
    permissionSets: !editing,
    groups: true,
    users: true,
  });
  const [targetType, setTargetType] = useState<ApproverTargetType>('ACCOUNT');
  const [targets, setTargets] = useState<string[]>([]);
  const [scope, setScope] = useState<string[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>(() => policy?.approverGroups.map((g) => g.id) ?? []);
  const [userIds, setUserIds] = useState<string[]>(() => policy?.approverUsers.map((u) => u.id) ?? []);
  const [includeNestedOus, setIncludeNestedOus] = useState(policy?.includeNestedOus ?? false);
  const [also, setAlso] = useState(policy?.also ?? false);
  const [ticketNo, setTicketNo] = useState(policy?.ticketNo ?? '');
  const ouTargets = policy ? policy.targetType === 'OU' : targetType === 'OU';

  const errors: Partial<Record<Field, string>> = {};
  if (!editing && targets.length === 0) errors.targets = t('approvers.error.targets');
  if (scope.length > MAX_APPROVER_SCOPE)
    errors.scope = t('approvers.error.scopeMax', { max: MAX_APPROVER_SCOPE });
  if (groupIds.length === 0 && userIds.length === 0) errors.groups = t('approvers.error.approvers');
  const ticketError = checkTicket(ticketNo, props.ticketRequired, t);
  if (ticketError) errors.ticket = ticketError;
  const values = useMemo(
    () => ({ targetType, targets, scope, groupIds, userIds, includeNestedOus, also, ticketNo }),
    [targetType, targets, scope, groupIds, userIds, includeNestedOus, also, ticketNo],
  );
  const save = usePolicySave(errors, SERVER_FIELDS, values, editing);
  const { shown } = save;

  // A target has one unscoped policy at most; scoped ones may be added beside it (the server
  // refuses a second policy of the same scope).
  const unscoped = useMemo(
    () =>
      new Set(
        scope.length > 0
          ? []
          : props.existing.filter((p) => p.permissionSets.length === 0).map((p) => p.targetId),
      ),
    [props.existing, scope.length],
  );
  const configuredTag = t('approvers.hasPolicy');
  const accountOptions = useMemo<MultiselectProps.Option[]>(
    () =>
      (directory.accounts.data ?? []).map((a) => ({
        value: a.id,
        label: a.name,
        description: a.id,
        disabled: unscoped.has(a.id),
        tags: unscoped.has(a.id) ? [configuredTag] : undefined,
      })),
    [directory.accounts.data, unscoped, configuredTag],
  );
  const ouOptions = useMemo(
    () =>
      ouTreeOptions(directory.ous.data ?? [], unscoped).map((o) =>
        o.disabled ? { ...o, tags: [configuredTag] } : o,
      ),
    [directory.ous.data, unscoped, configuredTag],
  );
  const permissionSetOptions = useMemo<MultiselectProps.Option[]>(
    () =>
      (directory.permissionSets.data ?? []).map((p) => ({
        value: p.arn,
        label: p.name,
        description: p.description ?? undefined,
      })),
    [directory.permissionSets.data],
  );
  const groupOptions = useMemo<MultiselectProps.Option[]>(
    () => (directory.groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
    [directory.groups.data],
  );
  const userOptions = useMemo<MultiselectProps.Option[]>(
    () =>
      (directory.users.data ?? []).map((u) => ({
        value: u.id,
        label: u.displayName ? `${u.displayName} (${u.userName})` : u.userName,
        description: u.email ?? undefined,
        filteringTags: [u.userName, u.email ?? ''],
      })),
    [directory.users.data],
  );
  const knownNames = useMemo(
    () =>
      new Map([
        ...(policy?.approverGroups.map((g) => [g.id, g.name] as const) ?? []),
        ...(policy?.approverUsers.map((u) => [u.id, u.name] as const) ?? []),
      ]),
    [policy],
  );

  const submit = () =>
    save.submit(async () => {
      const ticket = ticketNo.trim() === '' ? null : ticketNo.trim();
      const approvers = {
        // Only OUs and the root have nested OUs.
        includeNestedOus: ouTargets && includeNestedOus,
        approverGroupIds: groupIds,
        approverUserIds: userIds,
        also,
        ticketNo: ticket,
      };
      if (policy) {
        await api.updateApproverPolicy({ id: policy.id, ...approvers, expectedUpdatedAt: policy.updatedAt });
        props.onSaved(1);
      } else {
        const created = await api.createApproverPolicies({ targets, permissionSetArns: scope, ...approvers });
        props.onSaved(created.length);
      }
    });

  return (
    <PolicyModal
      header={editing ? t('approvers.edit.header') : t('approvers.create.header')}
      editing={editing}
      save={save}
      onSubmit={() => void submit()}
      onDismiss={props.onDismiss}
    >
      {policy ? (
        <>
          <FixedField label={targetTypeLabel(policy, t)}>{policy.targetName}</FixedField>
          <FixedField label={t('approvers.scope')}>{scopeLabel(policy, t)}</FixedField>
        </>
      ) : (
        <>
          <ChoiceField<ApproverTargetType>
            label={t('approvers.targetType')}
            selectedId={targetType}
            options={[
              { id: 'ACCOUNT', text: t('approvers.account') },
              { id: 'OU', text: t('approvers.ou') },
            ]}
            onChange={(type) => {
              setTargetType(type);
              setTargets([]);
            }}
          />
          {targetType === 'ACCOUNT' ? (
            <PickerField
              label={t('policy.accounts')}
              description={t('approvers.targets.description')}
              placeholder={t('policy.accounts.placeholder')}
              options={accountOptions}
              selectedIds={targets}
              onChange={setTargets}
              state={directory.accounts}
              errorText={shown('targets')}
            />
          ) : (
            <PickerField
              label={t('policy.ous')}
              description={t('approvers.targets.description')}
              placeholder={t('policy.ous.placeholder')}
              options={ouOptions}
              selectedIds={targets}
              onChange={setTargets}
              state={directory.ous}
              errorText={shown('targets')}
              tokens="below"
            />
          )}
          <PickerField
            label={t('approvers.scope')}
            description={t('approvers.scope.description', { max: MAX_APPROVER_SCOPE })}
            placeholder={t('approvers.scope.placeholder')}
            options={permissionSetOptions}
            selectedIds={scope}
            onChange={setScope}
            state={directory.permissionSets}
            errorText={shown('scope')}
          />
        </>
      )}
      <PickerField
        label={t('approvers.groups')}
        description={t('approvers.groups.description')}
        placeholder={t('policy.groups.placeholder')}
        options={groupOptions}
        selectedIds={groupIds}
        knownNames={knownNames}
        onChange={setGroupIds}
        state={directory.groups}
        errorText={shown('groups')}
      />
      <PickerField
        label={t('approvers.users')}
        description={t('approvers.users.description')}
        placeholder={t('policy.users.placeholder')}
        options={userOptions}
        selectedIds={userIds}
        knownNames={knownNames}
        onChange={setUserIds}
        state={directory.users}
        errorText={shown('users')}
      />
      {ouTargets ? (
        <FormField errorText={shown('nested')}>
          <Checkbox
            checked={includeNestedOus}
            description={t('approvers.nested.description')}
            onChange={({ detail }) => setIncludeNestedOus(detail.checked)}
          >
            {t('policy.nested')}
          </Checkbox>
        </FormField>
      ) : null}
      <FormField errorText={shown('also')}>
        <Checkbox
          checked={also}
          description={t('approvers.also.description')}
          onChange={({ detail }) => setAlso(detail.checked)}
        >
          {t('approvers.also')}
        </Checkbox>
      </FormField>
      <TicketNoField
        value={ticketNo}
        onChange={setTicketNo}
        required={props.ticketRequired}
        errorText={shown('ticket')}
      />
    </PolicyModal>
  );
}
