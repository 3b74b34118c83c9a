/**
 * Moving from the original TEAM: its request history, read-only, for audit. The original's
 * `requests` items (a scan's output or a list, DynamoDB JSON or plain) become finished TEAM
 * requests with their audit trail, marked as imported: auditors find them on their lists, the
 * requesters and approvers on theirs, and nothing ever acts on them (no workflow, no
 * notification, no access). Admins only, never a machine client.
 *
 * Only finished requests are imported: one still pending, approved, scheduled or in progress
 * belongs to the original until it ends there. The whole input is checked before anything is
 * written, and the first bad item is named; each request is then written with its trail in one
 * transaction, and one already imported is left as it is, so an interrupted import is finished
 * by running it again.
 */
import {
  ACCOUNT_ID,
  MAX_DURATION_HOURS,
  MIN_DURATION_HOURS,
  PERMISSION_SET_ARN,
} from '../../contract/patterns';
import { auditEventId } from '../audit';
import { authorize } from '../authorization';
import { ValidationError } from '../errors';
import { isObject, plainItem, text, type Item } from '../original-team-items';
import type { CoreDeps } from '../ports';
import { mapLimited } from '../map-limited';
import { parseDocumentText } from '../policies/policy-document';
import type { AccessRequest, Actor, AuditAction, AuditEvent, CallerIdentity, RequestStatus } from '../types';
import { REQUEST_ID } from './read-requests';

/** Where an imported request came from (stored on it; absent on TEAM's own requests). */
export const ORIGINAL_TEAM = 'original-team';

/** Items one call takes (the web app and scripts send a larger table in parts). */
export const MAX_HISTORY_ITEMS = 1000;

/** The original's statuses a request is finished in: the ones that are imported. */
const FINISHED: readonly RequestStatus[] = ['rejected', 'cancelled', 'expired', 'ended', 'revoked', 'error'];
const OPEN = new Set(['pending', 'approved', 'scheduled', 'in progress']);

/** Directory lookups, reads or writes (one transaction of a request and its trail) at once. */
const CONCURRENCY = 8;

export interface RequestHistoryInput {
  /** The original's `requests` items: `aws dynamodb scan` output, or a JSON list of items. */
  items: string;
}

export interface RequestHistoryPreview {
  /** Items read. */
  total: number;
  /** Not stored yet: an import writes these. */
  toImport: number;
  /** Stored by an earlier import: left as they are. */
  alreadyImported: number;
  /** Per status, among the items read (statuses in lifecycle order). */
  byStatus: { status: RequestStatus; count: number }[];
  /** The earliest and latest creation times among the items. */
  from?: string;
  to?: string;
  /** User names the directory no longer knows: recorded by name and email only. */
  unknownUsers: string[];
}

export interface RequestHistoryImported {
  imported: number;
  alreadyImported: number;
}

/** One original item, ready to store. */
interface HistoricalRequest {
  request: AccessRequest;
  events: AuditEvent[];
}

/** What the directory says of the original's user names, looked up once each. */
type People = Map<string, Actor | undefined>;

/** Why an item cannot be imported, naming it. */
function itemError(position: number, id: string | undefined, reason: string): ValidationError {
  const name = id === undefined ? `Item ${position + 1}` : `Item ${position + 1} (request ${id})`;
  return new ValidationError(`${name}: ${reason}`, 'items');
}

function itemsOf(input: RequestHistoryInput): Item[] {
  const parsed = parseDocumentText(input.items, 'The request history');
  const list = Array.isArray(parsed)
    ? parsed
    : isObject(parsed) && Array.isArray(parsed.Items)
      ? parsed.Items
      : undefined;
  if (list === undefined) {
    throw new ValidationError(
      'The request history must be the output of aws dynamodb scan ({"Items": [...]}) or a list of items.',
      'items',
    );
  }
  if (list.length === 0) throw new ValidationError('The request history holds no items.', 'items');
  if (list.length > MAX_HISTORY_ITEMS) {
    throw new ValidationError(
      `The request history holds ${list.length.toLocaleString('en-US')} items: send at most ${MAX_HISTORY_ITEMS.toLocaleString('en-US')} at a time.`,
      'items',
    );
  }
  return list.map((raw, position) => {
    if (!isObject(raw)) throw itemError(position, undefined, 'is not an object.');
    return plainItem(raw);
  });
}

/** The original's user name (`idc_<IdC user name>`) of a person, without the prefix. */
const userNameOf = (value: unknown): string | undefined => text(value)?.replace(/^idc_/i, '');

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((v) => text(v) ?? []) : [];

function isoTime(value: unknown, field: string, position: number, id: string): string {
  const raw = text(value);
  const time = raw === undefined ? NaN : Date.parse(raw);
  if (raw === undefined || Number.isNaN(time)) {
    throw itemError(
      position,
      id,
      `its ${field} must be a date and time (ISO 8601), not ${JSON.stringify(value ?? null)}.`,
    );
  }
  return new Date(time).toISOString();
}

/** Looks up every user name the items name, once each, a few at a time. */
async function lookUpPeople(items: Item[], deps: Pick<CoreDeps, 'directory'>): Promise<People> {
  const names = new Set<string>();
  for (const item of items) {
    for (const field of ['username', 'approverId', 'revokerId'] as const) {
      const name = userNameOf(item[field]);
      if (name !== undefined) names.add(name.toLowerCase());
    }
    for (const id of strings(item.approver_ids)) {
      const name = userNameOf(id);
      if (name !== undefined) names.add(name.toLowerCase());
    }
  }
  const people: People = new Map();
  await mapLimited([...names], CONCURRENCY, async (name) => {
    const user = await deps.directory.findUserByUserName(name);
    people.set(
      name,
      user && {
        id: user.id,
        email: user.email ?? '',
        ...(user.displayName ? { name: user.displayName } : {}),
      },
    );
  });
  return people;
}

/**
 * The person an original user name (and email) names: the directory's user when it still knows
 * the name, else a record by name and email only (an id no Identity Center user can have).
 */
function personOf(
  people: People,
  userName: string | undefined,
  email: string | undefined,
): Actor | undefined {
  const known = userName === undefined ? undefined : people.get(userName.toLowerCase());
  if (known) return known.email === '' && email !== undefined ? { ...known, email } : known;
  const who = userName ?? email;
  if (who === undefined) return undefined;
  return { id: `${ORIGINAL_TEAM}:${who.toLowerCase()}`, email: email ?? (who.includes('@') ? who : '') };
}

/** The request and trail an original item records. */
function historicalRequest(item: Item, position: number, people: People): HistoricalRequest {
  const id = text(item.id);
  if (id === undefined || !REQUEST_ID.test(id)) {
    throw itemError(
      position,
      undefined,
      `its id must be the original's request id, not ${JSON.stringify(item.id ?? null)}.`,
    );
  }
  const fail = (reason: string) => itemError(position, id, reason);
  const status = text(item.status)?.toLowerCase() ?? '';
  if (OPEN.has(status)) {
    throw fail(`it is still ${status} in the original TEAM; import it once it has ended there.`);
  }
  if (!FINISHED.includes(status as RequestStatus)) {
    throw fail(
      `its status must be one of ${FINISHED.join(', ')}, not ${JSON.stringify(item.status ?? null)}.`,
    );
  }
  const accountId = text(item.accountId);
  if (accountId === undefined || !ACCOUNT_ID.test(accountId)) throw fail('its accountId must be 12 digits.');
  const permissionSetArn = text(item.roleId);
  if (permissionSetArn === undefined || !PERMISSION_SET_ARN.test(permissionSetArn)) {
    throw fail('its roleId must be a permission set ARN.');
  }
  const durationHours = Number(text(item.duration) ?? item.duration);
  if (
    !Number.isInteger(durationHours) ||
    durationHours < MIN_DURATION_HOURS ||
    durationHours > MAX_DURATION_HOURS
  ) {
    throw fail(`its duration must be whole hours from ${MIN_DURATION_HOURS} to ${MAX_DURATION_HOURS}.`);
  }
  const requester = personOf(people, userNameOf(item.username), text(item.email));
  if (requester === undefined) throw fail('it names no requester (username or email).');
  const createdAt = isoTime(item.createdAt, 'createdAt', position, id);
  const updatedAt =
    text(item.updatedAt) === undefined ? createdAt : isoTime(item.updatedAt, 'updatedAt', position, id);
  const startTime = isoTime(item.startTime, 'startTime', position, id);
  const endTime =
    text(item.endTime) === undefined ? undefined : isoTime(item.endTime, 'endTime', position, id);

  // Approvers: by user name where the original kept one, else by the emails it resolved.
  const approverNames = strings(item.approver_ids).map((n) => userNameOf(n) ?? n);
  const approverEmails = strings(item.approvers);
  const approvers =
    approverNames.length > 0
      ? approverNames.flatMap((name, i) => personOf(people, name, approverEmails[i]) ?? [])
      : approverEmails.flatMap((email) => personOf(people, undefined, email) ?? []);
  const decider = personOf(people, userNameOf(item.approverId), text(item.approver));
  const revoker = personOf(people, userNameOf(item.revokerId), text(item.revoker));
  const wasGranted = status === 'ended' || (status === 'revoked' && endTime !== undefined);
  // The original records no decision time: a rejection is its last change, an approval came
  // before the access started.
  const decidedAt = decider && (status === 'rejected' ? updatedAt : startTime);

  const request: AccessRequest = {
    id,
    requester,
    accountId,
    accountName: text(item.accountName) ?? accountId,
    permissionSetArn,
    permissionSetName: text(item.role) ?? permissionSetArn.slice(permissionSetArn.lastIndexOf('/') + 1),
    startTime,
    durationHours,
    justification: text(item.justification) ?? '',
    status: status as RequestStatus,
    approvalRequired: decider !== undefined || approvers.length > 0,
    approvers: approvers.filter((a) => a.id !== requester.id),
    createdAt,
    updatedAt,
    version: 1,
    importedFrom: ORIGINAL_TEAM,
  };
  const optional: Partial<AccessRequest> = {
    sessionDuration: text(item.session_duration),
    ticketNo: text(item.ticketNo),
    decidedBy: decider,
    decidedAt,
    decisionComment: decider && text(item.comment),
    cancelledAt: status === 'cancelled' ? updatedAt : undefined,
    revokedBy: status === 'revoked' ? revoker : undefined,
    revokedAt: status === 'revoked' ? (endTime ?? updatedAt) : undefined,
    revokeComment: status === 'revoked' ? text(item.revokeComment) : undefined,
    grantedAt: wasGranted ? startTime : undefined,
    endedAt: wasGranted ? (endTime ?? updatedAt) : undefined,
    errorReason: status === 'error' ? 'The original TEAM recorded this request as failed.' : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(request, { [key]: value });
  }
  return { request, events: trailOf(request) };
}

/** The audit trail an imported request tells, as far as the original recorded it. */
function trailOf(request: AccessRequest): AuditEvent[] {
  const steps: {
    at: string;
    action: AuditAction;
    actor: Actor | 'system';
    to: RequestStatus;
    comment?: string;
  }[] = [{ at: request.createdAt, action: 'created', actor: request.requester, to: 'pending' }];
  const { status, decidedBy, decidedAt } = request;
  if (status === 'rejected') {
    steps.push({
      at: decidedAt ?? request.updatedAt,
      action: 'rejected',
      actor: decidedBy ?? 'system',
      to: 'rejected',
      comment: request.decisionComment,
    });
  } else if (status === 'cancelled') {
    steps.push({
      at: request.cancelledAt ?? request.updatedAt,
      action: 'cancelled',
      actor: request.requester,
      to: 'cancelled',
    });
  } else if (status === 'expired') {
    steps.push({ at: request.updatedAt, action: 'expired', actor: 'system', to: 'expired' });
  } else if (status === 'error') {
    steps.push({ at: request.updatedAt, action: 'failed', actor: 'system', to: 'error' });
  } else {
    if (decidedBy)
      steps.push({
        at: decidedAt ?? request.startTime,
        action: 'approved',
        actor: decidedBy,
        to: 'approved',
        comment: request.decisionComment,
      });
    if (request.grantedAt)
      steps.push({ at: request.grantedAt, action: 'started', actor: 'system', to: 'in progress' });
    if (status === 'revoked') {
      steps.push({
        at: request.revokedAt ?? request.updatedAt,
        action: 'revoked',
        actor: request.revokedBy ?? 'system',
        to: 'revoked',
        comment: request.revokeComment,
      });
    } else {
      steps.push({ at: request.endedAt ?? request.updatedAt, action: 'ended', actor: 'system', to: 'ended' });
    }
  }
  let from: RequestStatus | undefined;
  return steps.map((step, index) => {
    const event: AuditEvent = {
      requestId: request.id,
      id: auditEventId(step.at, index + 1, 'imported'),
      at: step.at,
      action: step.action,
      actor: step.actor,
      toStatus: step.to,
      detail: 'Imported from the original TEAM',
    };
    if (from !== undefined) event.fromStatus = from;
    if (step.comment !== undefined) event.comment = step.comment;
    from = step.to;
    return event;
  });
}

/**
 * The requests the items record, each with what is stored under its id (an earlier import of
 * it); throws naming the first item that cannot be imported, before anything is written.
 */
async function plan(input: RequestHistoryInput, deps: Pick<CoreDeps, 'requests' | 'directory'>) {
  const items = itemsOf(input);
  const people = await lookUpPeople(items, deps);
  const seen = new Set<string>();
  const requests = items.map((item, position) => {
    const historical = historicalRequest(item, position, people);
    if (seen.has(historical.request.id)) {
      throw itemError(position, historical.request.id, 'it appears twice in the request history.');
    }
    seen.add(historical.request.id);
    return historical;
  });
  const stored = await mapLimited(requests, CONCURRENCY, ({ request }) => deps.requests.get(request.id));
  stored.forEach((existing, position) => {
    if (existing !== undefined && existing.importedFrom !== ORIGINAL_TEAM) {
      throw itemError(position, existing.id, 'TEAM already has a request of its own with this id.');
    }
  });
  const unknownUsers = [...people]
    .filter(([, actor]) => actor === undefined)
    .map(([name]) => name)
    .sort();
  return { requests, stored, unknownUsers };
}

/** What an import of these items would write, without writing anything. */
export function makePreviewRequestHistoryImport(deps: Pick<CoreDeps, 'requests' | 'directory'>) {
  return async (caller: CallerIdentity, input: RequestHistoryInput): Promise<RequestHistoryPreview> => {
    authorize('previewRequestHistoryImport', caller);
    const { requests, stored, unknownUsers } = await plan(input, deps);
    const alreadyImported = stored.filter((s) => s !== undefined).length;
    const created = requests.map(({ request }) => request.createdAt).sort();
    const preview: RequestHistoryPreview = {
      total: requests.length,
      toImport: requests.length - alreadyImported,
      alreadyImported,
      byStatus: FINISHED.map((status) => ({
        status,
        count: requests.filter(({ request }) => request.status === status).length,
      })).filter((s) => s.count > 0),
      unknownUsers,
    };
    if (created.length > 0) {
      preview.from = created[0];
      preview.to = created[created.length - 1];
    }
    return preview;
  };
}

/**
 * Writes the items' requests that are not stored yet; nothing when any item is bad. A request
 * stored meanwhile (an import running twice) counts as already imported.
 */
export function makeImportRequestHistory(deps: Pick<CoreDeps, 'requests' | 'directory'>) {
  return async (caller: CallerIdentity, input: RequestHistoryInput): Promise<RequestHistoryImported> => {
    authorize('importRequestHistory', caller);
    const { requests, stored } = await plan(input, deps);
    const fresh = requests.filter((_, index) => stored[index] === undefined);
    const written = await mapLimited(fresh, CONCURRENCY, ({ request, events }) =>
      deps.requests.importHistorical(request, events),
    );
    const imported = written.filter(Boolean).length;
    return { imported, alreadyImported: requests.length - imported };
  };
}
