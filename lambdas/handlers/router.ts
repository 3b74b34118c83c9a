/**
 * The router Lambda: consumes the Requests table's stream and acts on a new request and on a
 * change into a status people cause (approved, rejected, cancelled, revoked) — the event source
 * mapping's filters drop everything else before the router runs (lib/workflows.ts), and the
 * router checks the same itself. It drives the request's workflow (starts it for a new request,
 * resumes its wait after a person's decision) and publishes one realtime hint to the requester,
 * each approver and the auditors, and counts it for the dashboard. The workflow's own changes are
 * published and counted by its steps.
 *
 * Each request's records are processed in stream order, different requests side by side (see
 * `stream-batch.ts`), and failures are reported as partial batch failures. Processing a record
 * twice is harmless: a second start finds the execution of the same name, a second signal finds
 * the token already used, and a second realtime hint only makes clients refetch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { PEOPLE_STATUSES } from '../core/requests/lifecycle';
import { publishRequestChange } from '../core/requests/realtime';
import { REQUEST_STATUSES, type RequestStatus } from '../core/types';
import { fromItem } from '../adapters/dynamodb/requests';
import { ConfigError } from './config';
import { processByItem } from './stream-batch';
import { routerDepsFromEnvironment, type RouterDeps } from './router/compose';

/** What the router reads from a request image (the rest of the item is not its business). */
const streamRequest = z.object({
  id: z.string().min(1),
  status: z.enum(REQUEST_STATUSES),
  updatedAt: z.string(),
  requester: z.object({ id: z.string().min(1) }),
  approvers: z.array(z.object({ id: z.string().min(1) })).default([]),
  approvalRequired: z.boolean().default(true),
  expiresAt: z.string().optional(),
  createdAt: z.string(),
  // The first wait of the workflow ends at the first timer (reminder, escalation, expiry).
  approvalTimers: z
    .object({
      remindAfterMinutes: z.number().optional(),
      escalateAfterMinutes: z.number().optional(),
    })
    .optional(),
  workflowToken: z.string().min(1).optional(),
  importedFrom: z.string().optional(),
});
export type StreamRequest = z.infer<typeof streamRequest>;

/** A status change found in a stream record. */
export interface StatusChange {
  kind: 'created' | 'status';
  request: StreamRequest;
  previousStatus?: RequestStatus;
}

/** A Lambda-event attribute value as plain JSON (strings, numbers, booleans, lists, maps). */
export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromImage(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return [...value.BS];
  return undefined;
}

/** A stream image as a plain object. */
export function fromImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fromAttributeValue(v)]));
}

/**
 * The status change a record carries, or undefined when there is none to act on. A new image
 * that is not a request (malformed) is an error: the record is reported as failed.
 */
export function statusChangeOf(record: DynamoDBRecord): StatusChange | undefined {
  const { eventName } = record;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY') return undefined;
  const newImage = record.dynamodb?.NewImage;
  if (!newImage)
    throw new Error(
      `Stream record ${record.eventID ?? '?'} has no new image (is the stream NEW_AND_OLD_IMAGES?)`,
    );
  const request = streamRequest.parse(fromImage(newImage));
  // History imported from the original TEAM is finished: nothing drives it.
  if (request.importedFrom !== undefined) return undefined;
  if (eventName === 'INSERT') return { kind: 'created', request };
  const oldImage = record.dynamodb?.OldImage;
  const previous = oldImage
    ? z.object({ status: z.enum(REQUEST_STATUSES) }).safeParse(fromImage(oldImage))
    : undefined;
  if (previous?.success && previous.data.status === request.status) return undefined;
  return {
    kind: 'status',
    request,
    ...(previous?.success ? { previousStatus: previous.data.status } : {}),
  };
}

export interface RouterOptions {
  /** What the router drives and publishes to (default: built from the environment). */
  deps?: () => RouterDeps;
  logger?: Logger;
}

/** Builds the router handler over its dependencies (tests and the local cloud pass their own). */
export function makeRouterHandler(
  options: RouterOptions = {},
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const depsOf = options.deps ?? routerDepsFromEnvironment;
  const logger = options.logger ?? new Logger({ serviceName: 'team-router' });

  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const change = statusChangeOf(record);
    if (change === undefined) return;
    // The workflow's own changes: its steps act on them and publish them.
    if (change.kind === 'status' && !PEOPLE_STATUSES.includes(change.request.status)) return;
    const { workflow, realtime, dashboard } = depsOf();
    if (realtime === undefined) {
      throw new ConfigError('TEAM handler configuration is incomplete: GRAPHQL_URL is not set.');
    }
    const { request } = change;
    if (change.kind === 'created') await workflow.start(request);
    else await workflow.signal(request, request.status);
    // Realtime events are hints: a failed publish must not hold back the stream (and with it
    // the workflow of every later request); clients refetch on reconnect anyway.
    const failure = await publishRequestChange(realtime, request);
    if (failure !== undefined) {
      logger.warn('Realtime publish failed', { requestId: request.id, error: String(failure) });
    }
    // Counted from the whole new image; a record delivered twice counts nothing twice.
    const image = record.dynamodb?.NewImage;
    if (dashboard && image) await dashboard.recordRequest(fromItem(fromImage(image)));
  };

  return (event) =>
    processByItem(event, handleRecord, {
      onError: (record, error) =>
        logger.error('Stream record failed', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
}

/** The Lambda entry point. */
export const handler = makeRouterHandler();
