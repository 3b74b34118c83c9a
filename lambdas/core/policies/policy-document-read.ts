/**
 * From a policy document to the policies and settings it asks for: every name resolved against
 * one snapshot of the organization and the directory, every rule the create and update use
 * cases enforce checked with their own validators, duplicates refused. The first problem is an
 * error naming the entry (`eligibility[3].accounts[1]: no account named "Prod".`); nothing here
 * writes.
 */
import { ValidationError } from '../errors';
import { validateSettingsInput, type SettingsInput } from '../settings/settings-input';
import type { ApproverPolicy, EligibilityPolicy } from '../types';
import { validateApproverPolicyInput } from './approver-policy-input';
import { validateEligibilityPolicyInput } from './eligibility-policy-input';
import { approverPolicyId, DEFAULT_POLICY_NAME, eligibilityPolicyId } from './policy-ids';
import {
  documentError,
  documentPath,
  type ApproverEntry,
  type DocumentSettings,
  type EligibilityEntry,
  type PolicyDocument,
} from './policy-document';
import type { NamedRef, PolicyDirectory } from './policy-document-names';

/** An eligibility policy as a document asks for it (when it is written comes later). */
export type EligibilityContent = Omit<EligibilityPolicy, 'updatedAt' | 'updatedBy'>;
/** An approver policy as a document asks for it. */
export type ApproverContent = Omit<ApproverPolicy, 'updatedAt' | 'updatedBy'>;

/** What a document asks for; a part the document leaves out is undefined (left as it is). */
export interface DesiredPolicies {
  eligibility?: EligibilityContent[];
  approvers?: ApproverContent[];
  /** The settings fields the document gives, validated (null clears a text). */
  settings?: SettingsInput;
}

/**
 * Runs a validator of the use cases and reports its problem at the entry: the validator's field
 * (`principals.0.name`, `accounts.2`) becomes a document path, renamed where the document calls
 * it otherwise.
 */
function atEntry<T>(entry: string, renames: Readonly<Record<string, string>>, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    if (error.field === undefined) throw documentError(entry, error.message);
    const parts: PropertyKey[] = error.field
      .split('.')
      .map((p, i) => (/^\d+$/.test(p) ? Number(p) : i > 0 ? (NESTED_FIELDS[p] ?? p) : p));
    const [root = '', ...rest] = parts;
    const renamed = renames[String(root)];
    const path =
      renamed === undefined
        ? documentPath(parts)
        : // `principals.0.name` is the document's `principal.name`: drop the index of the one item.
          documentPath([
            renamed,
            ...(renamed === 'principal' || renamed === 'target' ? rest.slice(1) : rest),
          ]);
    throw documentError(`${entry}.${path}`, error.message);
  }
}

const ELIGIBILITY_FIELDS = { principals: 'principal' };
/** Fields inside a next stage, as the document calls them. */
const NESTED_FIELDS: Readonly<Record<string, string>> = { approverGroups: 'groups', approverUsers: 'users' };
/**
 * Whether a ticket number is required is decided once the diff is known: like the create and
 * update use cases, it applies to the policies an import writes, not to those it leaves as they are.
 */
const NO_TICKET_RULE = { ticketRequired: false };
const APPROVER_FIELDS = { targets: 'target', approverGroups: 'groups', approverUsers: 'users' };

function eligibilityFrom(
  entry: EligibilityEntry,
  at: string,
  directory: PolicyDirectory,
): EligibilityContent {
  const principals = entry.principal.type === 'GROUP' ? directory.groups : directory.users;
  const principal = principals.resolve(entry.principal.name, `${at}.principal.name`);
  const grantable = (account: NamedRef, path: string): NamedRef => {
    if (account.id === directory.managementAccountId) {
      throw documentError(path, 'the management account cannot be part of an eligibility policy.');
    }
    return account;
  };
  const permissionSet = (value: string, path: string) => {
    const found = directory.permissionSets.resolve(value, path);
    if (directory.managementPermissionSetArns.has(found.id)) {
      throw documentError(
        path,
        `permission set "${found.name}" is provisioned to the management account and cannot be part of an eligibility policy.`,
      );
    }
    return { arn: found.id, name: found.name };
  };
  const accounts = (entry.accounts ?? []).map((value, i) =>
    grantable(directory.accounts.resolve(value, `${at}.accounts[${i}]`), `${at}.accounts[${i}]`),
  );
  const ous = (entry.ous ?? []).map((value, i) => directory.ous.resolve(value, `${at}.ous[${i}]`));
  const permissionSets = (entry.permissionSets ?? []).map((value, i) =>
    permissionSet(value, `${at}.permissionSets[${i}]`),
  );
  const pairs = (entry.pairs ?? []).map((pair, i) => {
    const path = `${at}.pairs[${i}]`;
    const account = grantable(directory.accounts.resolve(pair.account, `${path}.account`), `${path}.account`);
    return {
      account: { id: account.id, name: account.name },
      permissionSet: permissionSet(pair.permissionSet, `${path}.permissionSet`),
    };
  });

  const valid = atEntry(at, ELIGIBILITY_FIELDS, () =>
    validateEligibilityPolicyInput(
      {
        principals: [{ id: principal.id, type: entry.principal.type, name: principal.name }],
        name: entry.name ?? DEFAULT_POLICY_NAME,
        accounts: accounts.map((a) => ({ id: a.id, name: a.name })),
        ous: ous.map((o) => ({ id: o.id, name: o.name })),
        includeNestedOus: entry.includeNestedOus ?? false,
        permissionSets,
        pairs,
        maxDurationHours: entry.maxDurationHours,
        approvalRequired: entry.approvalRequired,
        maxTotalHours: entry.maxTotalHours,
        extensionApprovalRequired: entry.extensionApprovalRequired,
        breakGlass: entry.breakGlass,
        breakGlassMaxHours: entry.breakGlassMaxHours,
        ticketNo: entry.ticketNo,
      },
      NO_TICKET_RULE,
    ),
  );
  const content: EligibilityContent = {
    id: eligibilityPolicyId(principal.id, valid.name),
    principalId: principal.id,
    principalType: entry.principal.type,
    principalName: principal.name,
    name: valid.name,
    accounts: valid.accounts,
    ous: valid.ous,
    includeNestedOus: valid.includeNestedOus,
    permissionSets: valid.permissionSets,
    pairs: valid.pairs,
    maxDurationHours: valid.maxDurationHours,
    approvalRequired: valid.approvalRequired,
    maxTotalHours: valid.maxTotalHours,
    extensionApprovalRequired: valid.extensionApprovalRequired,
    breakGlass: valid.breakGlass,
    breakGlassMaxHours: valid.breakGlassMaxHours,
  };
  if (valid.ticketNo !== undefined) content.ticketNo = valid.ticketNo;
  return content;
}

function approverFrom(entry: ApproverEntry, at: string, directory: PolicyDirectory): ApproverContent {
  const targetType = entry.target.type;
  const target = (targetType === 'ACCOUNT' ? directory.accounts : directory.ous).resolve(
    entry.target.name,
    `${at}.target.name`,
  );
  if (targetType === 'ACCOUNT' && entry.includeNestedOus === true) {
    throw documentError(
      `${at}.includeNestedOus`,
      'applies to OU and root targets only: an account has nothing nested.',
    );
  }
  const permissionSets = (entry.permissionSets ?? []).map((value, i) => {
    const found = directory.permissionSets.resolve(value, `${at}.permissionSets[${i}]`);
    return { arn: found.id, name: found.name };
  });
  const approverGroups = (entry.groups ?? []).map((value, i) =>
    directory.groups.resolve(value, `${at}.groups[${i}]`),
  );
  const approverUsers = (entry.users ?? []).map((value, i) =>
    directory.users.resolve(value, `${at}.users[${i}]`),
  );
  const named = (ref: NamedRef) => ({ id: ref.id, name: ref.name });
  const nextStages = (entry.nextStages ?? []).map((stage, i) => ({
    name: stage.name,
    approverGroups: (stage.groups ?? []).map((value, j) =>
      named(directory.groups.resolve(value, `${at}.nextStages[${i}].groups[${j}]`)),
    ),
    approverUsers: (stage.users ?? []).map((value, j) =>
      named(directory.users.resolve(value, `${at}.nextStages[${i}].users[${j}]`)),
    ),
    approvalsRequired: stage.approvalsRequired,
  }));
  const escalationGroups = (entry.escalationGroups ?? []).map((value, i) =>
    named(directory.groups.resolve(value, `${at}.escalationGroups[${i}]`)),
  );

  const valid = atEntry(at, APPROVER_FIELDS, () =>
    validateApproverPolicyInput(
      {
        targets: [{ id: target.id, type: targetType, name: target.name }],
        permissionSets,
        includeNestedOus: entry.includeNestedOus ?? false,
        approverGroups: approverGroups.map((g) => ({ id: g.id, name: g.name })),
        approverUsers: approverUsers.map((u) => ({ id: u.id, name: u.name })),
        also: entry.also ?? false,
        approvalsRequired: entry.approvalsRequired,
        stageName: entry.stageName,
        nextStages,
        remindAfterMinutes: entry.remindAfterMinutes,
        escalateAfterMinutes: entry.escalateAfterMinutes,
        escalationGroups,
        ticketNo: entry.ticketNo,
      },
      NO_TICKET_RULE,
    ),
  );
  const content: ApproverContent = {
    id: approverPolicyId(
      target.id,
      valid.permissionSets.map((p) => p.arn),
    ),
    targetId: target.id,
    targetType,
    targetName: target.name,
    permissionSets: valid.permissionSets,
    includeNestedOus: targetType === 'OU' && valid.includeNestedOus,
    approverGroups: valid.approverGroups,
    approverUsers: valid.approverUsers,
    also: valid.also,
    approvalsRequired: valid.approvalsRequired,
    nextStages: valid.nextStages,
    escalationGroups: valid.escalationGroups,
  };
  if (valid.stageName !== undefined) content.stageName = valid.stageName;
  if (valid.remindAfterMinutes !== undefined) content.remindAfterMinutes = valid.remindAfterMinutes;
  if (valid.escalateAfterMinutes !== undefined) content.escalateAfterMinutes = valid.escalateAfterMinutes;
  if (valid.ticketNo !== undefined) content.ticketNo = valid.ticketNo;
  return content;
}

/** Refuses a second entry for the same policy (same id), naming both. */
function refuseDuplicates<T extends { id: string }>(
  items: readonly T[],
  part: string,
  what: (item: T) => string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first !== undefined) {
      throw documentError(`${part}[${index}]`, `the same policy as ${part}[${first}] (${what(item)}).`);
    }
    seen.set(item.id, index);
  });
}

/** The settings fields a document gives, validated by the settings page's own rules. */
function settingsFrom(settings: DocumentSettings, directory: PolicyDirectory): SettingsInput {
  const { escalationGroups, ...rest } = settings;
  const groups = escalationGroups?.map((value, i) => {
    const group = directory.groups.resolve(value, `settings.escalationGroups[${i}]`);
    return { id: group.id, name: group.name };
  });
  try {
    return validateSettingsInput(groups === undefined ? rest : { ...rest, escalationGroups: groups });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const parts = (error.field ?? '').split('.').filter((p) => p !== '');
    const path = documentPath(['settings', ...parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))]);
    throw documentError(path, error.message);
  }
}

/**
 * The policies and settings a document asks for, every name resolved and every rule checked
 * (the management account and its permission sets refused, durations 1–8000 h; the ticket
 * number is the diff's to check), or a ValidationError naming the first bad entry. The lists
 * keep the document's order.
 */
export function resolvePolicyDocument(document: PolicyDocument, directory: PolicyDirectory): DesiredPolicies {
  const desired: DesiredPolicies = {};
  if (document.settings !== undefined) desired.settings = settingsFrom(document.settings, directory);
  if (document.eligibility !== undefined) {
    const eligibility = document.eligibility.map((entry, i) =>
      eligibilityFrom(entry, `eligibility[${i}]`, directory),
    );
    refuseDuplicates(
      eligibility,
      'eligibility',
      (p) => `policy "${p.name}" of ${p.principalName}; policy names compare without letter case`,
    );
    desired.eligibility = eligibility;
  }
  if (document.approvers !== undefined) {
    const approvers = document.approvers.map((entry, i) => approverFrom(entry, `approvers[${i}]`, directory));
    refuseDuplicates(approvers, 'approvers', (p) => {
      const scope = p.permissionSets.map((s) => s.name).join(', ');
      return `${p.targetName}${scope === '' ? '' : ` for ${scope}`}`;
    });
    desired.approvers = approvers;
  }
  return desired;
}
