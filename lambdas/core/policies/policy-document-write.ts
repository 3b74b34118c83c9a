/**
 * From stored policies and settings to a policy document: names where they say which one, ids
 * where they would not, every list and every policy in one fixed order, and the settings
 * without secrets. The same state always gives the same document, byte for byte.
 */
import { effectiveSettings } from '../settings/settings';
import type { Settings } from '../types';
import {
  POLICY_DOCUMENT_SCHEMA_REF,
  POLICY_DOCUMENT_VERSION,
  type ApproverEntry,
  type DocumentSettings,
  type EligibilityEntry,
  type PolicyDocument,
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
    ...when(policy.ticketNo !== undefined, { ticketNo: policy.ticketNo }),
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
    ...when(policy.ticketNo !== undefined, { ticketNo: policy.ticketNo }),
  };
}

/**
 * The settings as a document holds them: every field (an unset text as null), so the document
 * says all there is. The Slack token is not a field of Settings and the token flag is left
 * out: the token is kept on the Settings page only.
 */
export function documentSettingsOf(stored: Settings | undefined): Required<DocumentSettings> {
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
    adminGroupName: s.adminGroupName ?? null,
    auditorGroupName: s.auditorGroupName ?? null,
    ouCacheEnabled: s.ouCacheEnabled,
    sensitiveActions: [...s.sensitiveActions],
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
    settings: documentSettingsOf(state.settings),
    eligibility: state.eligibility.map((p) => eligibilityEntryOf(p, directory)).sort(byPrincipal),
    approvers: state.approvers.map((p) => approverEntryOf(p, directory)).sort(byTarget),
  };
}
