/**
 * Moving from the original TEAM: its Eligibility, Approvers and Settings items, as
 * `aws dynamodb scan` prints them (DynamoDB JSON) or as plain JSON objects, turned into a policy
 * document. The document then goes through the same preview and import as any other, so nothing
 * is written before the diff is shown. Items that cannot be converted are reported with the
 * reason, never dropped silently; the Slack token is never carried over.
 *
 * The original's meaning is kept: one policy per user or group (named `default`), OUs covering
 * only the accounts directly under them, one unscoped approver policy per account or OU.
 */
import { ACCOUNT_ID, OU_OR_ROOT_ID } from '../../contract/patterns';
import { ValidationError } from '../errors';
import { isObject, plainItem, text, type Item } from '../original-team-items';
import {
  POLICY_DOCUMENT_VERSION,
  type ApproverEntry,
  type DocumentSettings,
  type EligibilityEntry,
  type PolicyDocument,
} from './policy-document';

/** Where an original item came from. */
export type OriginalPart = 'eligibility' | 'approvers' | 'settings';

/** An item (or a settings field) that was not converted, and why. */
export interface SkippedItem {
  part: OriginalPart;
  /** The item's id when it has one, else its position (`#3`); for a settings field, its name. */
  item: string;
  reason: string;
}

export interface ConvertedExport {
  document: PolicyDocument;
  skipped: SkippedItem[];
  /** The original item each entry came from (its id, or `#<position>`), by part, in the document's order. */
  origins: { eligibility: string[]; approvers: string[] };
}

/** The items of one part: a scan's output (`{"Items": [...]}`), a list, or (settings) one item. */
function itemsOf(part: OriginalPart, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value.Items)) return value.Items;
  if (part === 'settings' && isObject(value)) return [value];
  throw new ValidationError(
    `${part}: must be the output of aws dynamodb scan ({"Items": [...]}) or a list of items.`,
    'document',
  );
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return undefined;
}

function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The ids (or, lacking one, the names) of `[{name, id}]` lists. */
function refs(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((ref: unknown) => {
    if (typeof ref === 'string') return text(ref) ?? [];
    if (!isObject(ref)) return [];
    return text(ref.id) ?? text(ref.name) ?? [];
  });
}

/** Why an item is not converted. */
class Skip extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function eligibilityOf(item: Item): EligibilityEntry {
  const id = text(item.id);
  if (id === undefined) throw new Skip('it has no id');
  const type = text(item.type)?.toLowerCase();
  if (type !== 'user' && type !== 'group') {
    throw new Skip(`its type must be User or Group, not ${JSON.stringify(item.type ?? null)}`);
  }
  const accounts = refs(item.accounts);
  const ous = refs(item.ous);
  const permissionSets = refs(item.permissions);
  if (accounts.length === 0 && ous.length === 0) throw new Skip('it names no account or OU');
  if (permissionSets.length === 0) throw new Skip('it names no permission set');
  const maxDurationHours = wholeNumber(item.duration);
  if (maxDurationHours === undefined) {
    throw new Skip(`its duration ${JSON.stringify(item.duration ?? null)} is not a whole number of hours`);
  }
  const approvalRequired = item.approvalRequired === undefined ? true : bool(item.approvalRequired);
  if (approvalRequired === undefined) {
    throw new Skip(`its approvalRequired ${JSON.stringify(item.approvalRequired)} is not true or false`);
  }
  const ticketNo = text(item.ticketNo);
  return {
    // Ids, not the names stored beside them: those are what the original enforced, and the
    // preview shows the names they have now.
    principal: { type: type === 'user' ? 'USER' : 'GROUP', name: id },
    name: 'default',
    ...(accounts.length > 0 ? { accounts } : {}),
    ...(ous.length > 0 ? { ous } : {}),
    permissionSets,
    maxDurationHours,
    approvalRequired,
    ...(ticketNo !== undefined ? { ticketNo } : {}),
  };
}

function approverOf(item: Item): ApproverEntry {
  const id = text(item.id);
  if (id === undefined) throw new Skip('it has no id');
  const declared = text(item.type)?.toLowerCase();
  const type =
    declared === 'account' || (declared === undefined && ACCOUNT_ID.test(id))
      ? 'ACCOUNT'
      : declared === 'ou' || (declared === undefined && OU_OR_ROOT_ID.test(id))
        ? 'OU'
        : undefined;
  if (type === undefined)
    throw new Skip(`its type must be Account or OU, not ${JSON.stringify(item.type ?? null)}`);
  const ids = refs(item.groupIds);
  const groups = ids.length > 0 ? ids : refs(item.approvers);
  if (groups.length === 0) throw new Skip('it names no approver group');
  const ticketNo = text(item.ticketNo);
  return { target: { type, name: id }, groups, ...(ticketNo !== undefined ? { ticketNo } : {}) };
}

type SettingsField = keyof DocumentSettings;

/** The original settings attributes and what they became. */
const SETTINGS_MAP: readonly (readonly [string, SettingsField, 'hours' | 'flag' | 'text'])[] = [
  ['duration', 'maxDurationHours', 'hours'],
  ['expiry', 'expiryHours', 'hours'],
  ['comments', 'commentsRequired', 'flag'],
  ['ticketNo', 'ticketRequired', 'flag'],
  ['approval', 'approvalWorkflow', 'flag'],
  ['sesNotificationsEnabled', 'sesEnabled', 'flag'],
  ['sesSourceEmail', 'sesSourceEmail', 'text'],
  ['sesSourceArn', 'sesSourceArn', 'text'],
  ['snsNotificationsEnabled', 'snsEnabled', 'flag'],
  ['slackNotificationsEnabled', 'slackEnabled', 'flag'],
  ['slackAuditNotificationsChannel', 'slackAuditChannel', 'text'],
  ['teamAdminGroup', 'adminGroupName', 'text'],
  ['teamAuditorGroup', 'auditorGroupName', 'text'],
  ['useOUCache', 'ouCacheEnabled', 'flag'],
];

function settingsOf(item: Item, skipped: SkippedItem[]): DocumentSettings {
  const settings: Record<string, unknown> = {};
  for (const [from, to, kind] of SETTINGS_MAP) {
    const value = item[from];
    if (value === undefined) continue;
    const converted =
      kind === 'hours'
        ? wholeNumber(value)
        : kind === 'flag'
          ? bool(value)
          : value === null || typeof value === 'string'
            ? (text(value) ?? null)
            : undefined;
    if (converted === undefined) {
      skipped.push({
        part: 'settings',
        item: from,
        reason: `${JSON.stringify(value)} is not ${kind === 'hours' ? 'a whole number of hours' : kind === 'flag' ? 'true or false' : 'text'}; the current value is kept`,
      });
      continue;
    }
    settings[to] = converted;
  }
  if (text(item.slackToken) !== undefined) {
    skipped.push({
      part: 'settings',
      item: 'slackToken',
      reason: 'a secret is never imported: save the Slack token on the Settings page',
    });
  }
  return settings as DocumentSettings;
}

const PARTS: readonly OriginalPart[] = ['eligibility', 'approvers', 'settings'];

/**
 * A policy document from an original TEAM export bundle `{ eligibility, approvers, settings }`
 * (each part optional: a part left out leaves those policies or settings as they are), and the
 * items that could not be converted. Deleted items (`_deleted`) are skipped.
 */
export function convertOriginalTeamExport(bundle: unknown): ConvertedExport {
  if (!isObject(bundle)) {
    throw new ValidationError(
      'An original TEAM export must be an object with "eligibility", "approvers" and/or "settings".',
      'document',
    );
  }
  const parts = new Map<OriginalPart, unknown>();
  for (const [key, value] of Object.entries(bundle)) {
    const part = PARTS.find((p) => p === key.toLowerCase());
    if (part === undefined) {
      throw new ValidationError(
        `An original TEAM export holds "eligibility", "approvers" and "settings", not "${key}".`,
        'document',
      );
    }
    parts.set(part, value);
  }
  if (parts.size === 0) {
    throw new ValidationError('The original TEAM export holds nothing to import.', 'document');
  }

  const skipped: SkippedItem[] = [];
  const document: PolicyDocument = { version: POLICY_DOCUMENT_VERSION };
  const origins: ConvertedExport['origins'] = { eligibility: [], approvers: [] };
  const convert = <T>(part: OriginalPart, each: (item: Item) => T): T[] => {
    const out: T[] = [];
    itemsOf(part, parts.get(part)).forEach((raw, index) => {
      const item = isObject(raw) ? plainItem(raw) : undefined;
      const name = text(item?.id) ?? `#${index}`;
      try {
        if (item === undefined) throw new Skip('it is not an object');
        if (item._deleted === true) throw new Skip('it is marked deleted (_deleted)');
        out.push(each(item));
        if (part !== 'settings') origins[part].push(name);
      } catch (error) {
        if (!(error instanceof Skip)) throw error;
        skipped.push({ part, item: name, reason: error.reason });
      }
    });
    return out;
  };
  if (parts.has('eligibility')) document.eligibility = convert('eligibility', eligibilityOf);
  if (parts.has('approvers')) document.approvers = convert('approvers', approverOf);
  if (parts.has('settings')) {
    const items = convert('settings', (item) => item);
    const found = items.filter((item) => text(item.id) === 'settings' || item.id === undefined);
    for (const other of items.filter((item) => !found.includes(item))) {
      skipped.push({
        part: 'settings',
        item: text(other.id) ?? '?',
        reason: 'it is not the "settings" item',
      });
    }
    const [settings] = found;
    if (settings !== undefined) document.settings = settingsOf(settings, skipped);
  }
  return { document, skipped, origins };
}

/**
 * A problem found in a converted document, told about the original item it came from:
 * `eligibility[2].accounts[0]: …` gets ` (original eligibility item <id>)`.
 */
export function withOrigin(error: ValidationError, origins: ConvertedExport['origins']): ValidationError {
  const match = /^(eligibility|approvers)\[(\d+)\]/.exec(error.message);
  const part =
    match?.[1] === 'eligibility' ? 'eligibility' : match?.[1] === 'approvers' ? 'approvers' : undefined;
  const origin = part === undefined ? undefined : origins[part][Number(match?.[2])];
  if (part === undefined || origin === undefined) return error;
  const message = error.message.endsWith('.') ? error.message.slice(0, -1) : error.message;
  return new ValidationError(`${message} (original ${part} item ${origin}).`, error.field);
}
