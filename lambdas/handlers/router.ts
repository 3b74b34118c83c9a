/**
 * The router Lambda: consumes the Requests table's stream and acts only when a request's status
 * changed (an INSERT, or a MODIFY whose old and new status differ; REMOVE and every other
 * MODIFY are ignored). For each change it drives the lifecycle workflow (start it for a new
 * request, resume its wait after a person's decision) and publishes a realtime hint on the
 * channels of the requester, each approver and the auditors.
 *
 * Records are processed in stream order with Powertools' batch processor and reported as
 * partial batch failures. Processing a record twice is harmless: a second start finds the
 * execution of the same name, a second signal finds the token already used, and a second
 * realtime hint only makes clients refetch.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type {
  AttributeValue,
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { z } from 'zod';
import { REQUEST_STATUSES, type RequestStatus } from '../core/types';
import { AUDIT_CHANNEL } from './api/realtime';
import { ConfigError } from './config';
import { localContext } from './context';
import { getBackend, type Backend } from './wiring';

/** Statuses people cause; the workflow waits for them and is resumed by the router. */
export const USER_DRIVEN_STATUSES: readonly RequestStatus[] = [
  'approved',
  'rejected',
  'cancelled',
  'revoked',
];

/** What the router reads from a request image (the rest of the item is not its business). */
const streamRequest = z.object({
  id: z.string().min(1),
  status: z.enum(REQUEST_STATUSES),
  updatedAt: z.string(),
  requester: z.object({ id: z.string().min(1) }),
  approvers: z.array(z.object({ id: z.string().min(1) })).default([]),
  workflowToken: z.string().min(1).optional(),
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

/** The channels interested in a request: requester, each approver (once), and the auditors. */
export function channelsOf(request: Pick<StreamRequest, 'requester' | 'approvers'>): string[] {
  return [...new Set([request.requester.id, ...request.approvers.map((a) => a.id)]), AUDIT_CHANNEL];
}

export interface RouterOptions {
  backend?: () => Backend;
  logger?: Logger;
}

/** Builds the router handler over a backend (tests pass their own). */
export function makeRouterHandler(
  options: RouterOptions = {},
): (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse> {
  const backendOf = options.backend ?? getBackend;
  const logger = options.logger ?? new Logger({ serviceName: 'team-router' });

  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const change = statusChangeOf(record);
    if (change === undefined) return;
    const { lifecycle, realtime } = backendOf().ports;
    if (realtime === undefined) {
      throw new ConfigError('TEAM handler configuration is incomplete: GRAPHQL_URL is not set.');
    }
    const { request } = change;
    if (lifecycle) {
      if (change.kind === 'created') await lifecycle.start(request);
      else if (USER_DRIVEN_STATUSES.includes(request.status)) await lifecycle.signal(request, request.status);
    }
    // Realtime events are hints: a failed publish must not hold back the stream (and with it
    // the lifecycle of every later request); clients refetch on reconnect anyway.
    const results = await Promise.allSettled(
      channelsOf(request).map((channel) =>
        realtime.publishRequestChange({
          channel,
          requestId: request.id,
          status: request.status,
          updatedAt: request.updatedAt,
        }),
      ),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      logger.warn('Realtime publish failed', {
        requestId: request.id,
        failed: failed.length,
        error: String(failed[0]?.reason),
      });
    }
  };

  return async (event, context) =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      context: context ?? localContext('team-router'),
      // Stream order matters: a request's changes must be handled in the order they happened.
      processInParallel: false,
    });
}

/** The Lambda entry point. */
export const handler = makeRouterHandler();
