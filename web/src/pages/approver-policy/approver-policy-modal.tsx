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
import { checkTicket } from '../../components/validation';
import { useT } from '../../i18n';
import {
  ChoiceField,
  FixedField,
  PolicyModal,
  TicketNoField,
  usePolicySave,
} from '../../features/policies/policy-modal';

export interface ApproverPolicyModalProps {
  /** The policy to edit; absent: create. */
  policy?: ApproverPolicy;
  /** Targets that already have a policy (not offered when creating). */
  existingIds: ReadonlySet<string>;
  ticketRequired: boolean;
  onSaved: (count: number) => void;
  onDismiss: () => void;
}

type Field = 'targets' | 'groups' | 'ticket';

/** Where the server's errors about each input field of a create or an edit show. */
const SERVER_FIELDS: InputFieldMap<CreateApproverPoliciesInput & UpdateApproverPolicyInput, Field> = {
  targets: 'targets',
  id: null,
  approverGroupIds: 'groups',
  approverUserIds: 'groups',
  permissionSetArns: null,
  includeNestedOus: null,
  also: null,
  ticketNo: 'ticket',
  expectedUpdatedAt: null,
};

/** Create approver policies (one per chosen account or OU, all with the chosen groups) or edit one. */
export function ApproverPolicyModal(props: ApproverPolicyModalProps) {
  const t = useT();
  const api = useTeamApi();
  const { policy } = props;
  const editing = policy !== undefined;
  const directory = useDirectory({ accounts: !editing, ous: !editing, groups: true });
  const [targetType, setTargetType] = useState<ApproverTargetType>('ACCOUNT');
  const [targets, setTargets] = useState<string[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>(() => policy?.approverGroups.map((g) => g.id) ?? []);
  const [ticketNo, setTicketNo] = useState(policy?.ticketNo ?? '');

  const errors: Partial<Record<Field, string>> = {};
  if (!editing && targets.length === 0) errors.targets = t('approvers.error.targets');
  if (groupIds.length === 0) errors.groups = t('approvers.error.groups');
  const ticketError = checkTicket(ticketNo, props.ticketRequired, t);
  if (ticketError) errors.ticket = ticketError;
  const values = useMemo(
    () => ({ targetType, targets, groupIds, ticketNo }),
    [targetType, targets, groupIds, ticketNo],
  );
  const save = usePolicySave(errors, SERVER_FIELDS, values);
  const { shown } = save;

  const configuredTag = t('approvers.hasPolicy');
  const accountOptions = useMemo<MultiselectProps.Option[]>(
    () =>
      (directory.accounts.data ?? []).map((a) => ({
        value: a.id,
        label: a.name,
        description: a.id,
        disabled: props.existingIds.has(a.id),
        tags: props.existingIds.has(a.id) ? [configuredTag] : undefined,
      })),
    [directory.accounts.data, props.existingIds, configuredTag],
  );
  const ouOptions = useMemo(
    () => ouTreeOptions(directory.ous.data ?? [], props.existingIds),
    [directory.ous.data, props.existingIds],
  );
  const groupOptions = useMemo<MultiselectProps.Option[]>(
    () => (directory.groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
    [directory.groups.data],
  );
  const knownGroups = useMemo(
    () => new Map(policy?.approverGroups.map((g) => [g.id, g.name] as const) ?? []),
    [policy],
  );

  const submit = () =>
    save.submit(async () => {
      const ticket = ticketNo.trim() === '' ? null : ticketNo.trim();
      if (policy) {
        await api.updateApproverPolicy({
          id: policy.id,
          approverGroupIds: groupIds,
          ticketNo: ticket,
          expectedUpdatedAt: policy.updatedAt,
        });
        props.onSaved(1);
      } else {
        const created = await api.createApproverPolicies({
          targets,
          approverGroupIds: groupIds,
          ticketNo: ticket,
        });
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
        <FixedField label={policy.targetType === 'ACCOUNT' ? t('approvers.account') : t('approvers.ou')}>
          {policy.targetName} ({policy.id})
        </FixedField>
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
        </>
      )}
      <PickerField
        label={t('approvers.groups')}
        description={t('approvers.groups.description')}
        placeholder={t('policy.groups.placeholder')}
        options={groupOptions}
        selectedIds={groupIds}
        knownNames={knownGroups}
        onChange={setGroupIds}
        state={directory.groups}
        errorText={shown('groups')}
      />
      <TicketNoField
        value={ticketNo}
        onChange={setTicketNo}
        required={props.ticketRequired}
        errorText={shown('ticket')}
      />
    </PolicyModal>
  );
}
