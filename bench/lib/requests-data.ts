/**
 * A deterministic history of requests for the list benchmarks: request `n` is always the same,
 * so a table of 1,000 is the first 1,000 of the table of 100,000. 200 requesters, 40 of them also
 * approvers (two per request, never the requester), one request every 5 minutes (100,000 ≈ one
 * year), statuses as a long-lived deployment has them: mostly ended.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { approverItems, toItem } from '../../lambdas/adapters/dynamodb/requests';
import { mapLimit } from '../../lambdas/adapters/concurrency';
import type { AccessRequest, Actor, RequestStatus } from '../../lambdas/core/types';

export const REQUESTERS = 200;
export const APPROVERS = 40;

/** Share per 1,000 requests of each status. */
const STATUS_MIX: [RequestStatus, number][] = [
  ['pending', 12],
  // Approved lasts seconds (until the lifecycle schedules it): a long-lived table has none.
  ['approved', 0],
  ['scheduled', 10],
  ['in progress', 15],
  ['ended', 800],
  ['revoked', 50],
  ['rejected', 40],
  ['cancelled', 30],
  ['expired', 33],
  ['error', 10],
];

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** Person `i` as Identity Center would name them (10-hex prefix + UUID). */
export function person(i: number): Actor {
  return {
    id: `906776b2f3-0000-4000-8000-${String(i).padStart(12, '0')}`,
    email: `user${String(i).padStart(3, '0')}@example.com`,
    name: `User ${String(i).padStart(3, '0')}`,
  };
}

function statusOf(h: number): RequestStatus {
  let bucket = h % 1000;
  for (const [status, share] of STATUS_MIX) {
    if (bucket < share) return status;
    bucket -= share;
  }
  return 'ended';
}

/** Request number `n`. */
export function requestNumber(n: number): AccessRequest {
  const h = Math.imul(n + 1, 2654435761) >>> 0;
  const approvalRequired = (h >>> 12) % 10 !== 0;
  let status = statusOf(h);
  // Without approval nothing is decided: those requests went straight to their session.
  if (!approvalRequired && ['pending', 'approved', 'rejected', 'expired'].includes(status)) status = 'ended';

  const r = n % REQUESTERS;
  let a1 = (n * 7) % APPROVERS;
  if (a1 === r) a1 = (a1 + 1) % APPROVERS;
  let a2 = (a1 + 1 + (n % 13)) % APPROVERS;
  while (a2 === r || a2 === a1) a2 = (a2 + 1) % APPROVERS;
  const approvers = [person(a1), person(a2)];
  const requester = person(r);

  const created = T0 + n * 5 * MINUTE;
  const decided = created + 10 * MINUTE;
  const start = created + 15 * MINUTE;
  const durationHours = 1 + (n % 8);
  const request: AccessRequest = {
    id: `${hex(h, 8)}-${hex(n >>> 16, 4)}-4${hex(n, 3)}-8${hex(h >>> 3, 3)}-${hex(n, 12)}`,
    requester,
    accountId: String(100_000_000_000 + (n % 2000)),
    accountName: `Division ${String((n % 20) + 1).padStart(2, '0')} Team ${(n % 9) + 1} ${(n % 10) + 1}`,
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-72230a3b1f0e4c5d/ps-${hex(n % 3, 16)}`,
    permissionSetName:
      ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'][n % 3] ?? 'ReadOnlyAccess',
    sessionDuration: 'PT1H',
    startTime: iso(start),
    durationHours,
    justification: `Investigate incident INC-${100_000 + n}: check the deployment pipeline and the alarms of the service.`,
    ticketNo: `CHG${String(n).padStart(7, '0')}`,
    status,
    approvalRequired,
    approvers: approvalRequired ? approvers : [],
    createdAt: iso(created),
    updatedAt: iso(created),
    version: 1,
  };
  const decide = (at: number) => {
    if (!approvalRequired) return;
    request.decidedBy = approvers[0];
    request.decidedAt = iso(at);
    request.decisionComment = 'Approved for the incident.';
  };
  let last = created;
  switch (status) {
    case 'pending':
      request.expiresAt = iso(created + 180 * MINUTE);
      break;
    case 'expired':
      last = created + 180 * MINUTE;
      break;
    case 'cancelled':
      last = created + 20 * MINUTE;
      request.cancelledAt = iso(last);
      break;
    case 'rejected':
    case 'approved':
    case 'scheduled':
      decide(decided);
      last = decided;
      break;
    case 'in progress':
      decide(decided);
      request.grantedAt = iso(start);
      last = start;
      break;
    case 'ended':
      decide(decided);
      request.grantedAt = iso(start);
      last = start + durationHours * 60 * MINUTE;
      request.endedAt = iso(last);
      break;
    case 'revoked':
      decide(decided);
      request.grantedAt = iso(start);
      request.revokedBy = n % 2 === 0 ? requester : approvers[0];
      request.revokedAt = iso(start + 30 * MINUTE);
      request.revokeComment = 'Done early.';
      last = start + 31 * MINUTE;
      request.endedAt = iso(last);
      break;
    case 'error':
      decide(decided);
      request.errorReason = 'Identity Center reported FAILED: the permission set could not be provisioned.';
      last = start;
      break;
  }
  request.updatedAt = iso(last);
  request.version = 1 + (n % 5);
  return request;
}

async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  let attempt = 0;
  while (pending.length > 0) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    attempt += 1;
  }
}

/**
 * Writes requests `from` … `to - 1` with BatchWriteItem, `concurrency` calls in flight, items
 * built by the repository's own mapping (`toItem`, `approverItems`).
 */
export async function loadRequests(
  doc: DynamoDBDocumentClient,
  tables: { requests: string; approvers: string },
  from: number,
  to: number,
  concurrency = 16,
): Promise<void> {
  const CHUNK = 2_000;
  for (let start = from; start < to; start += CHUNK) {
    const requests = Array.from({ length: Math.min(CHUNK, to - start) }, (_, i) => requestNumber(start + i));
    const batches: { table: string; items: Record<string, unknown>[] }[] = [];
    const requestItems = requests.map((r) => toItem(r) as unknown as Record<string, unknown>);
    const approverRows = requests.flatMap((r) => approverItems(r) as unknown as Record<string, unknown>[]);
    for (let i = 0; i < requestItems.length; i += 25)
      batches.push({ table: tables.requests, items: requestItems.slice(i, i + 25) });
    for (let i = 0; i < approverRows.length; i += 25)
      batches.push({ table: tables.approvers, items: approverRows.slice(i, i + 25) });
    await mapLimit(batches, concurrency, (b) => batchWrite(doc, b.table, b.items));
  }
}
