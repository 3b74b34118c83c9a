/**
 * Realtime hints that a request changed: who hears of it, and publishing that never gets in the
 * way of the change itself (subscribers refetch on reconnect anyway).
 */
import type { RealtimePublisher } from '../ports';
import type { AccessRequest } from '../types';

/** The channel auditors subscribe to: every request. */
export const AUDIT_CHANNEL = 'AUDIT';

/** The channels interested in a request: requester, each approver (once), and the auditors. */
export function requestChannels(request: {
  requester: Pick<AccessRequest['requester'], 'id'>;
  approvers: readonly { id: string }[];
}): string[] {
  return [...new Set([request.requester.id, ...request.approvers.map((a) => a.id)]), AUDIT_CHANNEL];
}

/**
 * Publishes that `request` is now in its status, to every interested channel at once. Returns
 * the failure instead of throwing: a hint must not hold back a workflow.
 */
export async function publishRequestChange(
  realtime: RealtimePublisher,
  request: Pick<AccessRequest, 'id' | 'status' | 'updatedAt'> & Parameters<typeof requestChannels>[0],
): Promise<unknown> {
  try {
    await realtime.publishRequestChange({
      channels: requestChannels(request),
      requestId: request.id,
      status: request.status,
      updatedAt: request.updatedAt,
    });
    return undefined;
  } catch (error) {
    return error ?? new Error('publish failed');
  }
}
