/**
 * The end of a session makes its summary due: a pending record, created once (a conditional
 * write, so a repeated workflow step or a second end changes nothing), with the names the review
 * list shows and the user name the logs know the requester by.
 */
import type { Clock, Directory } from '../ports';
import type { AccessRequest } from '../types';
import type { SessionEndedSink, SessionSummary, SessionSummaryStore } from './ports';

export interface SessionEndedDeps {
  summaries: Pick<SessionSummaryStore, 'create'>;
  clock: Clock;
  /** The session-log provider's name (`cloudtrail-lake`, `athena`); none configured: no deps at all. */
  provider: string;
  /** Gives the requester's IAM Identity Center user name; without it the email is used. */
  directory?: Pick<Directory, 'getUser'>;
}

/** The pending summary of a request whose access ended; undefined when it had no session. */
export function pendingSummaryOf(
  request: AccessRequest,
  provider: string,
  now: Date,
  userName?: string,
): SessionSummary | undefined {
  if (request.importedFrom !== undefined) return undefined;
  if (request.status !== 'ended' && request.status !== 'revoked') return undefined;
  // Revoked before Identity Center confirmed it: there was never a session.
  if (request.grantedAt === undefined || request.endedAt === undefined) return undefined;
  const at = now.toISOString();
  const summary: SessionSummary = {
    requestId: request.id,
    accountId: request.accountId,
    accountName: request.accountName,
    permissionSetArn: request.permissionSetArn,
    permissionSetName: request.permissionSetName,
    requester: request.requester,
    grantedAt: request.grantedAt,
    endedAt: request.endedAt,
    endStatus: request.status,
    breakGlass: request.breakGlass !== undefined,
    status: 'pending',
    provider,
    attempts: 0,
    // The processing decides when the first look is (lambdas/core/session-review/timing.ts).
    dueAt: request.endedAt,
    flagged: false,
    reviewState: 'pending',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  if (userName !== undefined) summary.userName = userName;
  return summary;
}

/**
 * What the workflow calls when access is over: the request's summary becomes due. Sessions that
 * never started (no grant) and imported history are left alone.
 */
export function makeSessionEndedSink(deps: SessionEndedDeps): SessionEndedSink {
  return {
    async sessionEnded(request) {
      if (pendingSummaryOf(request, deps.provider, deps.clock.now()) === undefined) return;
      const userName = deps.directory
        ? (await deps.directory.getUser(request.requester.id))?.userName
        : undefined;
      const summary = pendingSummaryOf(request, deps.provider, deps.clock.now(), userName);
      if (summary) await deps.summaries.create(summary);
    },
  };
}
