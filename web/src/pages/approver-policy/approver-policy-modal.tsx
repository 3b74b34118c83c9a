import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
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
import { checkHours, checkPrintable, checkTicket, MAX_APPROVER_SCOPE } from '../../components/validation';
import { useT, type Translate } from '../../i18n';
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

type Field =
  | 'targets'
  | 'scope'
  | 'groups'
  | 'users'
  | 'nested'
  | 'also'
  | 'approvals'
  | 'stageName'
  | 'stages'
  | 'remind'
  | 'escalate'
  | 'escalationGroups'
  | 'ticket';

/** The limits the server checks too (lambdas/core/policies/approver-policy-input.ts). */
const MAX_APPROVALS_REQUIRED = 10;
const MAX_NEXT_STAGES = 5;
const MAX_STAGE_NAME_LENGTH = 64;
const MAX_TIMER_MINUTES = 10_080;

/** A stage after the first, as the form edits it. */
interface StageRow {
  /** Stable across removals, for React keys. */
  key: number;
  name: string;
  groupIds: string[];
  userIds: string[];
  approvals: string;
}

/** What is wrong with one stage, if anything: its name, its approvers, its approvals. */
interface StageErrors {
  name?: string;
  approvers?: string;
  approvals?: string;
}

/** The error of an approvals count: 1–10, and at most one per user when no group is named. */
function approvalsError(value: string, groups: number, users: number, t: Translate): string | undefined {
  if (checkHours(value, 1, MAX_APPROVALS_REQUIRED, t)) return t('approvers.error.approvalsRequired');
  if (groups === 0 && users > 0 && Number(value.trim()) > users)
    return t('approvers.error.approvalsUsers', { count: users });
  return undefined;
}

/** The error of an optional number of minutes (empty: the settings decide). */
function minutesError(value: string, t: Translate): string | undefined {
  if (value.trim() === '') return undefined;
  return checkHours(value, 1, MAX_TIMER_MINUTES, t) ? t('approvers.error.minutes') : undefined;
}

const optionalNumber = (value: string): number | null => (value.trim() === '' ? null : Number(value.trim()));

/** Where the server's errors about each input field of a create or an edit show. */
const SERVER_FIELDS: InputFieldMap<CreateApproverPoliciesInput & UpdateApproverPolicyInput, Field> = {
  targets: 'targets',
  id: null,
  permissionSetArns: 'scope',
  includeNestedOus: 'nested',
  approverGroupIds: 'groups',
  approverUserIds: 'users',
  also: 'also',
  approvalsRequired: 'approvals',
  stageName: 'stageName',
  nextStages: 'stages',
  remindAfterMinutes: 'remind',
  escalateAfterMinutes: 'escalate',
  escalationGroupIds: 'escalationGroups',
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
  const [approvals, setApprovals] = useState(String(policy?.approvalsRequired ?? 1));
  const [stageName, setStageName] = useState(policy?.stageName ?? '');
  const [stages, setStages] = useState<StageRow[]>(
    () =>
      policy?.nextStages.map((stage, index) => ({
        key: index,
        name: stage.name,
        groupIds: stage.approverGroups.map((g) => g.id),
        userIds: stage.approverUsers.map((u) => u.id),
        approvals: String(stage.approvalsRequired),
      })) ?? [],
  );
  const [nextKey, setNextKey] = useState(() => policy?.nextStages.length ?? 0);
  const [remind, setRemind] = useState(String(policy?.remindAfterMinutes ?? ''));
  const [escalate, setEscalate] = useState(String(policy?.escalateAfterMinutes ?? ''));
  const [escalationGroupIds, setEscalationGroupIds] = useState<string[]>(
    () => policy?.escalationGroups.map((g) => g.id) ?? [],
  );
  const ouTargets = policy ? policy.targetType === 'OU' : targetType === 'OU';
  const setStage = (key: number, patch: Partial<StageRow>) =>
    setStages((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  const errors: Partial<Record<Field, string>> = {};
  if (!editing && targets.length === 0) errors.targets = t('approvers.error.targets');
  if (scope.length > MAX_APPROVER_SCOPE)
    errors.scope = t('approvers.error.scopeMax', { max: MAX_APPROVER_SCOPE });
  if (groupIds.length === 0 && userIds.length === 0) errors.groups = t('approvers.error.approvers');
  const ticketError = checkTicket(ticketNo, props.ticketRequired, t);
  if (ticketError) errors.ticket = ticketError;
  const firstApprovalsError = approvalsError(approvals, groupIds.length, userIds.length, t);
  if (firstApprovalsError) errors.approvals = firstApprovalsError;
  const stageNameError = checkPrintable(stageName, MAX_STAGE_NAME_LENGTH, t);
  if (stageNameError) errors.stageName = stageNameError;
  const stageErrors = stages.map((row, index): StageErrors => {
    const folded = row.name.trim().toLowerCase();
    const taken =
      folded !== '' &&
      (folded === stageName.trim().toLowerCase() ||
        stages.some((other, j) => j < index && other.name.trim().toLowerCase() === folded));
    const name =
      row.name.trim() === ''
        ? t('common.required')
        : (checkPrintable(row.name, MAX_STAGE_NAME_LENGTH, t) ??
          (taken ? t('approvers.error.stageNameTaken') : undefined));
    return {
      name,
      approvers:
        row.groupIds.length === 0 && row.userIds.length === 0 ? t('approvers.error.approvers') : undefined,
      approvals: approvalsError(row.approvals, row.groupIds.length, row.userIds.length, t),
    };
  });
  if (stageErrors.some((e) => e.name ?? e.approvers ?? e.approvals))
    errors.stages = t('approvers.error.stages');
  const remindError = minutesError(remind, t);
  if (remindError) errors.remind = remindError;
  const escalateError = minutesError(escalate, t);
  if (escalateError) errors.escalate = escalateError;
  else if (
    !remindError &&
    remind.trim() !== '' &&
    escalate.trim() !== '' &&
    Number(escalate) <= Number(remind)
  )
    errors.escalate = t('approvers.error.escalationAfterReminder');
  const values = useMemo(
    () => ({
      targetType,
      targets,
      scope,
      groupIds,
      userIds,
      includeNestedOus,
      also,
      ticketNo,
      approvals,
      stageName,
      stages,
      remind,
      escalate,
      escalationGroupIds,
    }),
    [
      targetType,
      targets,
      scope,
      groupIds,
      userIds,
      includeNestedOus,
      also,
      ticketNo,
      approvals,
      stageName,
      stages,
      remind,
      escalate,
      escalationGroupIds,
    ],
  );
  const save = usePolicySave(errors, SERVER_FIELDS, values, editing);
  const { shown } = save;
  // Stage errors show once the form was submitted, like the other checks.
  const stagesChecked = shown('stages') !== undefined;

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
        ...(policy?.nextStages.flatMap((stage) => [
          ...stage.approverGroups.map((g) => [g.id, g.name] as const),
          ...stage.approverUsers.map((u) => [u.id, u.name] as const),
        ]) ?? []),
        ...(policy?.escalationGroups.map((g) => [g.id, g.name] as const) ?? []),
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
        approvalsRequired: Number(approvals.trim()),
        stageName: stageName.trim() === '' ? null : stageName.trim(),
        nextStages: stages.map((row) => ({
          name: row.name.trim(),
          approverGroupIds: row.groupIds,
          approverUserIds: row.userIds,
          approvalsRequired: Number(row.approvals.trim()),
        })),
        remindAfterMinutes: optionalNumber(remind),
        escalateAfterMinutes: optionalNumber(escalate),
        escalationGroupIds,
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
      <FormField
        label={t('approvers.approvalsRequired')}
        description={t('approvers.approvalsRequired.description')}
        constraintText={t('approvers.approvalsRequired.constraint')}
        errorText={shown('approvals')}
      >
        <Input
          type="number"
          inputMode="numeric"
          value={approvals}
          onChange={({ detail }) => setApprovals(detail.value)}
        />
      </FormField>
      <FormField
        label={t('approvers.stageName')}
        description={t('approvers.stageName.description')}
        errorText={shown('stageName')}
      >
        <Input value={stageName} onChange={({ detail }) => setStageName(detail.value)} />
      </FormField>
      <FormField
        label={t('approvers.nextStages')}
        description={t('approvers.nextStages.description', { max: MAX_NEXT_STAGES })}
        errorText={shown('stages')}
        stretch
      >
        <SpaceBetween size="s">
          {stages.length === 0 ? (
            <Box color="text-body-secondary">{t('approvers.nextStages.empty')}</Box>
          ) : null}
          {stages.map((row, index) => {
            const rowErrors = stagesChecked ? stageErrors[index] : undefined;
            return (
              <Container
                key={row.key}
                header={
                  <Header
                    variant="h3"
                    actions={
                      <Button
                        ariaLabel={`${t('approvers.nextStages.remove')} ${t('approvers.stage.header', { n: index + 2 })}`}
                        onClick={() => setStages((current) => current.filter((r) => r.key !== row.key))}
                      >
                        {t('approvers.nextStages.remove')}
                      </Button>
                    }
                  >
                    {t('approvers.stage.header', { n: index + 2 })}
                  </Header>
                }
              >
                <SpaceBetween size="m">
                  <FormField label={t('approvers.stage.name')} errorText={rowErrors?.name}>
                    <Input
                      value={row.name}
                      ariaLabel={`${t('approvers.stage.name')} ${index + 2}`}
                      onChange={({ detail }) => setStage(row.key, { name: detail.value })}
                    />
                  </FormField>
                  <PickerField
                    label={t('approvers.stage.groups')}
                    placeholder={t('policy.groups.placeholder')}
                    options={groupOptions}
                    selectedIds={row.groupIds}
                    knownNames={knownNames}
                    onChange={(ids) => setStage(row.key, { groupIds: ids })}
                    state={directory.groups}
                    errorText={rowErrors?.approvers}
                  />
                  <PickerField
                    label={t('approvers.stage.users')}
                    placeholder={t('policy.users.placeholder')}
                    options={userOptions}
                    selectedIds={row.userIds}
                    knownNames={knownNames}
                    onChange={(ids) => setStage(row.key, { userIds: ids })}
                    state={directory.users}
                  />
                  <FormField
                    label={t('approvers.approvalsRequired')}
                    constraintText={t('approvers.approvalsRequired.constraint')}
                    errorText={rowErrors?.approvals}
                  >
                    <Input
                      type="number"
                      inputMode="numeric"
                      value={row.approvals}
                      ariaLabel={`${t('approvers.approvalsRequired')} ${index + 2}`}
                      onChange={({ detail }) => setStage(row.key, { approvals: detail.value })}
                    />
                  </FormField>
                </SpaceBetween>
              </Container>
            );
          })}
          <Button
            disabled={stages.length >= MAX_NEXT_STAGES}
            onClick={() => {
              setStages((current) => [
                ...current,
                { key: nextKey, name: '', groupIds: [], userIds: [], approvals: '1' },
              ]);
              setNextKey((key) => key + 1);
            }}
          >
            {t('approvers.nextStages.add')}
          </Button>
        </SpaceBetween>
      </FormField>
      <FormField
        label={t('approvers.reminder')}
        description={t('approvers.reminder.description')}
        constraintText={t('approvers.minutes.constraint')}
        errorText={shown('remind')}
      >
        <Input
          type="number"
          inputMode="numeric"
          value={remind}
          onChange={({ detail }) => setRemind(detail.value)}
        />
      </FormField>
      <FormField
        label={t('approvers.escalation')}
        description={t('approvers.escalation.description')}
        constraintText={t('approvers.minutes.constraint')}
        errorText={shown('escalate')}
      >
        <Input
          type="number"
          inputMode="numeric"
          value={escalate}
          onChange={({ detail }) => setEscalate(detail.value)}
        />
      </FormField>
      <PickerField
        label={t('approvers.escalationGroups')}
        description={t('approvers.escalationGroups.description')}
        placeholder={t('policy.groups.placeholder')}
        options={groupOptions}
        selectedIds={escalationGroupIds}
        knownNames={knownNames}
        onChange={setEscalationGroupIds}
        state={directory.groups}
        errorText={shown('escalationGroups')}
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
