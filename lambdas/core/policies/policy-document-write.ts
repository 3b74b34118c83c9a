/**
 * From stored policies and settings to a policy document: names where they say which one, ids
 * where they would not, every list and every policy in one fixed order, and the settings
 * without secrets. The same state always gives the same document, byte for byte.
 */
import { effectiveSettings } from '../settings/settings';
import type { ApprovalStageRule, Settings } from '../types';
import { DEFAULT_BREAK_GLASS_HOURS } from './eligibility';
import {
  POLICY_DOCUMENT_SCHEMA_REF,
  POLICY_DOCUMENT_VERSION,
  type ApproverEntry,
  type DocumentSettings,
  type EligibilityEntry,
  type PolicyDocument,
  type StageEntry,
} from './policy-document';
import type { PolicyDirectory } from './policy-document-names';
import type { ApproverContent, EligibilityContent } from './policy-document-read';

/** Text order that does not depend on the runtime's locale data: letter case aside, then exact. */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  if (a !== b) return a < b ? -1 : 1;
  return 0;
}

/** Compares lists of keys, one key after the other. */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const order = compareText(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

const sorted = (values: readonly string[]): string[] => [...values].sort(compareText);

/** A member that is there only when `present`. */
const when = <T extends object>(present: boolean, member: T): T | Record<string, never> =>
  present ? member : {};

/** The document entry of an eligibility policy. */
export function eligibilityEntryOf(policy: EligibilityContent, directory: PolicyDirectory): EligibilityEntry {
  const principals = policy.principalType === 'GROUP' ? directory.groups : directory.users;
  return {
    principal: { type: policy.principalType, name: principals.write(policy.principalId) },
    name: policy.name,
    ...when(policy.accounts.length > 0, {
      accounts: sorted(policy.accounts.map((a) => directory.accounts.write(a.id))),
    }),
    ...when(policy.ous.length > 0, { ous: sorted(policy.ous.map((o) => directory.ous.write(o.id))) }),
    ...when(policy.includeNestedOus, { includeNestedOus: true }),
    ...when(policy.permissionSets.length > 0, {
      permissionSets: sorted(policy.permissionSets.map((p) => directory.permissionSets.write(p.arn))),
    }),
    ...when(policy.pairs.length > 0, {
      pairs: policy.pairs
        .map((pair) => ({
          account: directory.accounts.write(pair.account.id),
          permissionSet: directory.permissionSets.write(pair.permissionSet.arn),
        }))
        .sort((a, b) => compareKeys([a.account, a.permissionSet], [b.account, b.permissionSet])),
    }),
    maxDurationHours: policy.maxDurationHours,
    approvalRequired: policy.approvalRequired,
    // Defaults are left out: a policy that does not use extensions or break-glass reads as before.
    ...when(policy.maxTotalHours !== undefined && policy.maxTotalHours > policy.maxDurationHours, {
      maxTotalHours: policy.maxTotalHours,
    }),
    ...when(policy.extensionApprovalRequired === false, { extensionApprovalRequired: false }),
    ...when(policy.breakGlass === true, { breakGlass: true }),
    ...when(
      policy.breakGlassMaxHours !== undefined && policy.breakGlassMaxHours !== DEFAULT_BREAK_GLASS_HOURS,
      { breakGlassMaxHours: policy.breakGlassMaxHours },
    ),
    ...when(policy.ticketNo !== undefined, { ticketNo: policy.ticketNo }),
  };
}

/** The document entry of a stage after the first. */
function stageEntryOf(stage: ApprovalStageRule, directory: PolicyDirectory): StageEntry {
  return {
    name: stage.name,
    ...when(stage.approverGroups.length > 0, {
      groups: sorted(stage.approverGroups.map((g) => directory.groups.write(g.id))),
    }),
    ...when(stage.approverUsers.length > 0, {
      users: sorted(stage.approverUsers.map((u) => directory.users.write(u.id))),
    }),
    ...when(stage.approvalsRequired !== 1, { approvalsRequired: stage.approvalsRequired }),
  };
}

/** The document entry of an approver policy. */
export function approverEntryOf(policy: ApproverContent, directory: PolicyDirectory): ApproverEntry {
  const targets = policy.targetType === 'ACCOUNT' ? directory.accounts : directory.ous;
  return {
    target: { type: policy.targetType, name: targets.write(policy.targetId) },
    ...when(policy.permissionSets.length > 0, {
      permissionSets: sorted(policy.permissionSets.map((p) => directory.permissionSets.write(p.arn))),
    }),
    ...when(policy.includeNestedOus, { includeNestedOus: true }),
    ...when(policy.approverGroups.length > 0, {
      groups: sorted(policy.approverGroups.map((g) => directory.groups.write(g.id))),
    }),
    ...when(policy.approverUsers.length > 0, {
      users: sorted(policy.approverUsers.map((u) => directory.users.write(u.id))),
    }),
    ...when(policy.also, { also: true }),
    ...when(policy.approvalsRequired !== undefined && policy.approvalsRequired !== 1, {
      approvalsRequired: policy.approvalsRequired,
    }),
    ...when(policy.stageName !== undefined, { stageName: policy.stageName }),
    ...when((policy.nextStages ?? []).length > 0, {
      // Stages keep their order: it is the order they are approved in.
      nextStages: (policy.nextStages ?? []).map((stage) => stageEntryOf(stage, directory)),
    }),
    ...when(policy.remindAfterMinutes !== undefined, { remindAfterMinutes: policy.remindAfterMinutes }),
    ...when(policy.escalateAfterMinutes !== undefined, { escalateAfterMinutes: policy.escalateAfterMinutes }),
    ...when((policy.escalationGroups ?? []).length > 0, {
      escalationGroups: sorted((policy.escalationGroups ?? []).map((g) => directory.groups.write(g.id))),
    }),
    ...when(policy.ticketNo !== undefined, { ticketNo: policy.ticketNo }),
  };
}

/**
 * The settings as a document holds them: every field (an unset text as null), so the document
 * says all there is. The Slack token and the Teams webhook URL are not fields of Settings and
 * their flags are left out: secrets are kept on the Settings page only.
 */
export function documentSettingsOf(
  stored: Settings | undefined,
  directory?: PolicyDirectory,
): Required<DocumentSettings> {
  // Without the deployment's fallback: group names left unset keep following the deployment.
  const s = effectiveSettings(stored, {});
  return {
    maxDurationHours: s.maxDurationHours,
    expiryHours: s.expiryHours,
    commentsRequired: s.commentsRequired,
    ticketRequired: s.ticketRequired,
    approvalWorkflow: s.approvalWorkflow,
    sesEnabled: s.sesEnabled,
    sesSourceEmail: s.sesSourceEmail ?? null,
    sesSourceArn: s.sesSourceArn ?? null,
    snsEnabled: s.snsEnabled,
    slackEnabled: s.slackEnabled,
    slackAuditChannel: s.slackAuditChannel ?? null,
    teamsEnabled: s.teamsEnabled,
    adminGroupName: s.adminGroupName ?? null,
    auditorGroupName: s.auditorGroupName ?? null,
    ouCacheEnabled: s.ouCacheEnabled,
    sensitiveActions: [...s.sensitiveActions],
    reminderMinutes: s.reminderMinutes,
    escalationMinutes: s.escalationMinutes,
    escalationGroups: sorted(
      s.escalationGroups.map((g) => (directory === undefined ? g.name : directory.groups.write(g.id))),
    ),
    breakGlassEnabled: s.breakGlassEnabled,
  };
}

/** Sorts eligibility entries: by principal, then type, then policy name. */
function byPrincipal(a: EligibilityEntry, b: EligibilityEntry): number {
  return compareKeys(
    [a.principal.name, a.principal.type, a.name ?? ''],
    [b.principal.name, b.principal.type, b.name ?? ''],
  );
}

/** Sorts approver entries: accounts before OUs, then by target, then by scope. */
function byTarget(a: ApproverEntry, b: ApproverEntry): number {
  return compareKeys(
    [a.target.type, a.target.name, (a.permissionSets ?? []).join('\n')],
    [b.target.type, b.target.name, (b.permissionSets ?? []).join('\n')],
  );
}

/** What a document is written from: stored policies and the stored settings (if any). */
export interface PolicyState {
  eligibility: readonly EligibilityContent[];
  approvers: readonly ApproverContent[];
  settings?: Settings;
}

/** The document of a state, names taken from `directory`, in a stable order. */
export function policyDocumentFrom(state: PolicyState, directory: PolicyDirectory): PolicyDocument {
  return {
    $schema: POLICY_DOCUMENT_SCHEMA_REF,
    version: POLICY_DOCUMENT_VERSION,
    settings: documentSettingsOf(state.settings, directory),
    eligibility: state.eligibility.map((p) => eligibilityEntryOf(p, directory)).sort(byPrincipal),
    approvers: state.approvers.map((p) => approverEntryOf(p, directory)).sort(byTarget),
  };
}
