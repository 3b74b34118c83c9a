/**
 * What importing a document changes: the policies it adds, changes (field by field, before →
 * after, as the document names things) and removes, the settings fields it changes, and the
 * writes that make it so. Eligibility policies are matched by principal and policy name
 * (letter case aside), approver policies by target and scope: the way their ids are made.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { applySettingsInput, effectiveSettings } from '../settings/settings';
import type { ApproverPolicy, EligibilityPolicy, Settings } from '../types';
import { documentError, type ApproverEntry, type EligibilityEntry } from './policy-document';
import type { PolicyDirectory } from './policy-document-names';
import type { ApproverContent, DesiredPolicies, EligibilityContent } from './policy-document-read';
import {
  approverEntryOf,
  compareText,
  documentSettingsOf,
  eligibilityEntryOf,
} from './policy-document-write';
import { nextUpdatedAt } from './policy-names';

/** Every stored policy and the stored settings record (undefined: never saved). */
export interface StoredPolicyState {
  eligibility: EligibilityPolicy[];
  approvers: ApproverPolicy[];
  settings?: Settings;
}

/** One write of an import: `before` as the preview saw it (none: absent), `after` to store (none: delete). */
export interface PolicyWrite<T> {
  before?: T;
  after?: T;
}

/** Every write of an import, applied all together or not at all. */
export interface PolicyStateChanges {
  eligibility: PolicyWrite<EligibilityPolicy>[];
  approvers: PolicyWrite<ApproverPolicy>[];
  /** The new settings, written only if the stored version is still `expectedVersion`. */
  settings?: { after: Settings; expectedVersion: number };
}

/** A field that changes, as the document writes it (undefined: not set). */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

export type ChangeKind = 'added' | 'changed' | 'removed';

/** A policy the import adds, changes or removes. */
export interface PolicyChange {
  change: ChangeKind;
  /** The policy id (what it is stored as, or will be). */
  id: string;
  /** Who or what the policy is about, for people (`group TEAM-Users, policy "default"`). */
  description: string;
  /** Added: every field set; changed: the fields that change; removed: every field it had. */
  fields: FieldChange[];
}

export interface ChangeCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export interface PolicyImportCounts {
  eligibility: ChangeCounts;
  approvers: ChangeCounts;
  settingsChanged: boolean;
}

/** The diff of an import and the writes that apply it. */
export interface PolicyImportPlan {
  eligibility: PolicyChange[];
  approvers: PolicyChange[];
  settings: FieldChange[];
  counts: PolicyImportCounts;
  writes: PolicyStateChanges;
}

type Shown = string | undefined;

const list = (values: readonly string[] | undefined): Shown =>
  values === undefined || values.length === 0 ? undefined : values.join(', ');
const flag = (value: boolean | undefined): string => String(value ?? false);
const show = (value: unknown): Shown => {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return list(value.map(String));
  return String(value);
};

/**
 * A field of an entry as the diff shows it, and (optionally) the value it has when a document
 * leaves it out: a policy coming or going at that value says nothing about it.
 */
type FieldSpec<E> = readonly [field: string, show: (e: E) => Shown, quiet?: string];

/** "Security (2 approvals): groups A, B; users c", one stage after another. */
function stagesShown(stages: ApproverEntry['nextStages']): Shown {
  if (stages === undefined || stages.length === 0) return undefined;
  return stages
    .map((stage) => {
      const required = stage.approvalsRequired ?? 1;
      const who = [
        ...(stage.groups !== undefined && stage.groups.length > 0
          ? [`groups ${stage.groups.join(', ')}`]
          : []),
        ...(stage.users !== undefined && stage.users.length > 0 ? [`users ${stage.users.join(', ')}`] : []),
      ];
      return `${stage.name} (${required} approval${required === 1 ? '' : 's'}): ${who.join('; ')}`;
    })
    .join(' → ');
}

const ELIGIBILITY_FIELDS: readonly FieldSpec<EligibilityEntry>[] = [
  ['name', (e) => e.name],
  ['accounts', (e) => list(e.accounts)],
  ['ous', (e) => list(e.ous)],
  ['includeNestedOus', (e) => flag(e.includeNestedOus)],
  ['permissionSets', (e) => list(e.permissionSets)],
  ['pairs', (e) => list(e.pairs?.map((p) => `${p.account} / ${p.permissionSet}`))],
  ['maxDurationHours', (e) => String(e.maxDurationHours)],
  ['approvalRequired', (e) => flag(e.approvalRequired)],
  // Not set: no extensions (the total is the maximum duration).
  [
    'maxTotalHours',
    (e) =>
      e.maxTotalHours === undefined || e.maxTotalHours <= e.maxDurationHours
        ? undefined
        : String(e.maxTotalHours),
  ],
  ['extensionApprovalRequired', (e) => String(e.extensionApprovalRequired ?? true), 'true'],
  ['breakGlass', (e) => flag(e.breakGlass)],
  // Says something only where break-glass is allowed.
  ['breakGlassMaxHours', (e) => (e.breakGlass === true ? String(e.breakGlassMaxHours ?? 1) : undefined)],
  ['ticketNo', (e) => e.ticketNo ?? undefined],
];

const APPROVER_FIELDS: readonly FieldSpec<ApproverEntry>[] = [
  ['permissionSets', (e) => list(e.permissionSets)],
  ['includeNestedOus', (e) => flag(e.includeNestedOus)],
  ['groups', (e) => list(e.groups)],
  ['users', (e) => list(e.users)],
  ['also', (e) => flag(e.also)],
  ['approvalsRequired', (e) => String(e.approvalsRequired ?? 1), '1'],
  ['stageName', (e) => e.stageName],
  ['nextStages', (e) => stagesShown(e.nextStages)],
  ['remindAfterMinutes', (e) => show(e.remindAfterMinutes)],
  ['escalateAfterMinutes', (e) => show(e.escalateAfterMinutes)],
  ['escalationGroups', (e) => list(e.escalationGroups)],
  ['ticketNo', (e) => e.ticketNo ?? undefined],
];

/** The fields that differ; for an added or removed policy, every field it has. */
function fieldChanges<E>(
  fields: readonly FieldSpec<E>[],
  before: E | undefined,
  after: E | undefined,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, shown, quiet = 'false'] of fields) {
    const was = before === undefined ? undefined : shown(before);
    const will = after === undefined ? undefined : shown(after);
    if (was === will) continue;
    // A field left at its default on a policy coming or going says nothing.
    if ((before === undefined || after === undefined) && (was ?? will) === quiet) continue;
    const change: FieldChange = { field };
    if (was !== undefined) change.before = was;
    if (will !== undefined) change.after = will;
    changes.push(change);
  }
  return changes;
}

function describeEligibility(entry: EligibilityEntry): string {
  return `${entry.principal.type === 'GROUP' ? 'group' : 'user'} ${entry.principal.name}, policy "${entry.name ?? ''}"`;
}

function describeApprover(entry: ApproverEntry): string {
  const target = `${entry.target.type === 'ACCOUNT' ? 'account' : 'OU'} ${entry.target.name}`;
  const scope = list(entry.permissionSets);
  return scope === undefined ? target : `${target}, for ${scope}`;
}

interface Kind<C extends { id: string }, P extends C & { updatedAt: string }, E> {
  entryOf(policy: C, directory: PolicyDirectory): E;
  fields: readonly FieldSpec<E>[];
  describe(entry: E): string;
  stamp(content: C, updatedAt: string, updatedBy: string): P;
}

const ELIGIBILITY: Kind<EligibilityContent, EligibilityPolicy, EligibilityEntry> = {
  entryOf: eligibilityEntryOf,
  fields: ELIGIBILITY_FIELDS,
  describe: describeEligibility,
  stamp: (content, updatedAt, updatedBy) => ({ ...content, updatedAt, updatedBy }),
};

const APPROVERS: Kind<ApproverContent, ApproverPolicy, ApproverEntry> = {
  entryOf: approverEntryOf,
  fields: APPROVER_FIELDS,
  describe: describeApprover,
  stamp: (content, updatedAt, updatedBy) => ({ ...content, updatedAt, updatedBy }),
};

interface Meta {
  now: Date;
  updatedBy: string;
}

interface KindOptions {
  /** `eligibility` or `approvers`: where the document lists them. */
  part: string;
  /** A policy the import writes needs a ticket number (the settings in force after it say so). */
  ticketRequired: boolean;
}

/** Diff and writes of one kind of policy; `desired` undefined leaves the stored ones as they are. */
function planKind<C extends { id: string; ticketNo?: string }, P extends C & { updatedAt: string }, E>(
  kind: Kind<C, P, E>,
  stored: readonly P[],
  desired: readonly C[] | undefined,
  directory: PolicyDirectory,
  meta: Meta,
  options: KindOptions,
): { changes: PolicyChange[]; writes: PolicyWrite<P>[]; counts: ChangeCounts } {
  const counts: ChangeCounts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  if (desired === undefined)
    return { changes: [], writes: [], counts: { ...counts, unchanged: stored.length } };
  const storedById = new Map(stored.map((p) => [p.id, p]));
  const desiredIds = new Set(desired.map((p) => p.id));
  const changes: { change: PolicyChange; order: string }[] = [];
  const writes: PolicyWrite<P>[] = [];

  const ticketFor = (content: C) => {
    if (options.ticketRequired && content.ticketNo === undefined) {
      const index = desired.indexOf(content);
      throw documentError(`${options.part}[${index}].ticketNo`, 'Ticket number is required.');
    }
  };
  for (const content of desired) {
    const before = storedById.get(content.id);
    const after = kind.entryOf(content, directory);
    if (before === undefined) {
      ticketFor(content);
      counts.added += 1;
      const description = kind.describe(after);
      changes.push({
        order: description,
        change: {
          change: 'added',
          id: content.id,
          description,
          fields: fieldChanges(kind.fields, undefined, after),
        },
      });
      writes.push({ after: kind.stamp(content, nextUpdatedAt(meta.now), meta.updatedBy) });
      continue;
    }
    const was = kind.entryOf(before, directory);
    const fields = fieldChanges(kind.fields, was, after);
    if (fields.length === 0) {
      counts.unchanged += 1;
      continue;
    }
    ticketFor(content);
    counts.changed += 1;
    const description = kind.describe(after);
    changes.push({ order: description, change: { change: 'changed', id: content.id, description, fields } });
    writes.push({
      before,
      after: kind.stamp(content, nextUpdatedAt(meta.now, before.updatedAt), meta.updatedBy),
    });
  }
  for (const before of stored) {
    if (desiredIds.has(before.id)) continue;
    counts.removed += 1;
    const was = kind.entryOf(before, directory);
    const description = kind.describe(was);
    changes.push({
      order: description,
      change: {
        change: 'removed',
        id: before.id,
        description,
        fields: fieldChanges(kind.fields, was, undefined),
      },
    });
    writes.push({ before });
  }
  changes.sort((a, b) => compareText(a.order, b.order) || compareText(a.change.id, b.change.id));
  return { changes: changes.map((c) => c.change), writes, counts };
}

/** The settings after the document's fields, and the fields that change. */
function planSettings(
  stored: Settings | undefined,
  desired: DesiredPolicies['settings'],
  directory: PolicyDirectory,
  meta: Meta,
): { changes: FieldChange[]; write?: PolicyStateChanges['settings'] } {
  if (desired === undefined) return { changes: [] };
  const current = effectiveSettings(stored, {});
  if (desired.slackEnabled === true && !current.slackTokenConfigured) {
    throw documentError(
      'settings.slackEnabled',
      'Slack notifications need a Slack token, which a document never carries: save the token on the Settings page first.',
    );
  }
  if (desired.teamsEnabled === true && !current.teamsWebhookConfigured) {
    throw documentError(
      'settings.teamsEnabled',
      'Microsoft Teams notifications need a webhook URL, which a document never carries: save it on the Settings page first.',
    );
  }
  let next: Settings;
  try {
    next = applySettingsInput(current, desired, meta);
  } catch (error) {
    if (error instanceof ValidationError) throw documentError(`settings.${error.field ?? ''}`, error.message);
    throw error;
  }
  const before = documentSettingsOf(stored, directory);
  const after = documentSettingsOf(next, directory);
  const changes: FieldChange[] = [];
  for (const field of Object.keys(before) as (keyof typeof before)[]) {
    const was = show(before[field]);
    const will = show(after[field]);
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    const change: FieldChange = { field };
    if (was !== undefined) change.before = was;
    if (will !== undefined) change.after = will;
    changes.push(change);
  }
  if (changes.length === 0) return { changes };
  return { changes, write: { after: next, expectedVersion: current.version } };
}

/**
 * The diff between what is stored and what a document asks for, and the writes that apply it:
 * new and changed policies stamped with `meta` (their `updatedAt` always later than the one
 * they replace), removed ones deleted, the settings written only when a field changes. A policy
 * the import adds or changes needs a ticket number when the settings in force after the import
 * require one (a ValidationError naming the entry); one it leaves as it is does not.
 */
export function planPolicyImport(
  stored: StoredPolicyState,
  desired: DesiredPolicies,
  directory: PolicyDirectory,
  meta: Meta,
): PolicyImportPlan {
  const settings = planSettings(stored.settings, desired.settings, directory, meta);
  const ticketRequired =
    desired.settings?.ticketRequired ?? effectiveSettings(stored.settings, {}).ticketRequired;
  const eligibility = planKind(ELIGIBILITY, stored.eligibility, desired.eligibility, directory, meta, {
    part: 'eligibility',
    ticketRequired,
  });
  const approvers = planKind(APPROVERS, stored.approvers, desired.approvers, directory, meta, {
    part: 'approvers',
    ticketRequired,
  });
  const writes: PolicyStateChanges = { eligibility: eligibility.writes, approvers: approvers.writes };
  if (settings.write !== undefined) writes.settings = settings.write;
  return {
    eligibility: eligibility.changes,
    approvers: approvers.changes,
    settings: settings.changes,
    counts: {
      eligibility: eligibility.counts,
      approvers: approvers.counts,
      settingsChanged: settings.write !== undefined,
    },
    writes,
  };
}

/** The stored state after the writes: what an export would show once they are applied. */
export function stateAfter(stored: StoredPolicyState, writes: PolicyStateChanges): StoredPolicyState {
  const apply = <T extends { id: string }>(items: readonly T[], changes: readonly PolicyWrite<T>[]): T[] => {
    const byId = new Map(items.map((item) => [item.id, item]));
    for (const { before, after } of changes) {
      if (after !== undefined) byId.set(after.id, after);
      else if (before !== undefined) byId.delete(before.id);
    }
    return [...byId.values()];
  };
  const state: StoredPolicyState = {
    eligibility: apply(stored.eligibility, writes.eligibility),
    approvers: apply(stored.approvers, writes.approvers),
  };
  const settings = writes.settings?.after ?? stored.settings;
  if (settings !== undefined) state.settings = settings;
  return state;
}

/** JSON with object keys in order, so equal values always give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The digest a preview returns and an import must quote: of the stored state (every policy and
 * the settings record) and of the document previewed (its format and text). Any write since the
 * preview, or another document, gives another digest.
 */
export function policyImportDigest(stored: StoredPolicyState, format: string, text: string): string {
  const byId = <T extends { id: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const state = canonical({
    eligibility: byId(stored.eligibility),
    approvers: byId(stored.approvers),
    settings: stored.settings ?? null,
  });
  return sha256(`${sha256(state)}\n${sha256(`${format}\n${text}`)}`);
}
