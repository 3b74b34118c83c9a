/**
 * Reference-counted access: one grant record per (user, account, permission set) lists the
 * requests relying on the account assignment and remembers whether TEAM created it. The first
 * request creates the assignment (unless it already existed: standing access), later ones join;
 * the last one to leave deletes it, and only if TEAM created it.
 *
 * While the last request removes the assignment, the record carries a `releasing` marker (the
 * record keeps its key, its request list is empty). A request that wants the same access in
 * that window is told to try again shortly, so it can never join an assignment that is about to
 * disappear. When the deletion fails for good the marker stays, flagged as failed, for the
 * reconciler; a later request may take such an assignment over.
 */
import { z } from 'zod';
import { ConflictError } from '../errors';
import type { AccountAssignments, AssignmentOperationKind, Clock, GrantRepository } from '../ports';
import type { AccessRequest, Grant } from '../types';
import { accessErrorReason, isRetryableAccessError } from './errors';
import { continuingDelays, DEFAULT_POLL_DELAYS_MS, pollOperation, realSleep, type PollOptions } from './poll';

/** What grant and revoke need. */
export interface AccessDeps {
  grants: GrantRepository;
  assignments: AccountAssignments;
  clock: Clock;
  /** Real-time pause between status polls (default: setTimeout); tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Pauses before each status poll within one call; when used up the outcome is `pending`. */
  pollDelaysMs?: readonly number[];
}

/** Whose access to what: the key of a grant record and of an account assignment. */
export interface AssignmentTarget {
  userId: string;
  accountId: string;
  permissionSetArn: string;
}

/** An Identity Center operation still IN_PROGRESS, handed back to be polled again. */
export interface PendingOperation {
  id: string;
  kind: AssignmentOperationKind;
}

export type GrantOutcome =
  /** Identity Center confirmed the assignment. `shared`: it was already there (another request, standing access). */
  | { state: 'granted'; createdByTeam: boolean; shared: boolean }
  | { state: 'pending'; operation: PendingOperation }
  /** Final: Identity Center reported FAILED (or refused the call); the request is off the grant. */
  | { state: 'failed'; reason: string };

export type RevokeOutcome =
  /** The request no longer holds the access. `removed`: the assignment itself was deleted. */
  | { state: 'revoked'; removed: boolean }
  | { state: 'pending'; operation: PendingOperation }
  /** Final: the deletion FAILED (or was refused); the assignment is still there. */
  | { state: 'failed'; reason: string };

/** Marks a grant record whose assignment is being deleted (see the module comment). */
const releasingSchema = z.object({
  requestId: z.string(),
  since: z.string(),
  failedReason: z.string().optional(),
});
export type GrantRelease = z.infer<typeof releasingSchema>;

/** A grant record as stored, with its release marker when there is one. */
export type GrantRecord = Grant & { releasing?: GrantRelease };

/** The release marker of a stored grant, if any (the repository keeps attributes it does not know). */
export function releaseOf(grant: Grant): GrantRelease | undefined {
  const parsed = releasingSchema.safeParse((grant as { releasing?: unknown }).releasing);
  return parsed.success ? parsed.data : undefined;
}

/** The assignment a request is about. */
export function targetOfRequest(
  request: Pick<AccessRequest, 'requester' | 'accountId' | 'permissionSetArn'>,
): AssignmentTarget {
  return {
    userId: request.requester.id,
    accountId: request.accountId,
    permissionSetArn: request.permissionSetArn,
  };
}

/** Rewrites of one grant record before giving up (each re-reads it); the workflow retries later. */
const MAX_WRITE_ATTEMPTS = 6;

function plainGrant(grant: Grant): Grant {
  return {
    userId: grant.userId,
    accountId: grant.accountId,
    permissionSetArn: grant.permissionSetArn,
    requestIds: [...grant.requestIds],
    createdByTeam: grant.createdByTeam,
    updatedAt: grant.updatedAt,
    version: grant.version,
  };
}

/** The same record, one version on, without a release marker. */
function nextVersion(grant: Grant, requestIds: string[], at: string): Grant {
  return { ...plainGrant(grant), requestIds, updatedAt: at, version: grant.version + 1 };
}

function tooBusy(target: AssignmentTarget): ConflictError {
  return new ConflictError(
    `The grant of ${target.permissionSetArn} in ${target.accountId} to ${target.userId} kept changing; try again shortly.`,
  );
}

/** Shared plumbing of grant, revoke and the reconciler. */
export class AccessControl {
  private readonly poll: PollOptions;

  constructor(private readonly deps: AccessDeps) {
    this.poll = { sleep: deps.sleep ?? realSleep, delaysMs: deps.pollDelaysMs ?? DEFAULT_POLL_DELAYS_MS };
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private get(t: AssignmentTarget): Promise<Grant | undefined> {
    return this.deps.grants.get(t.userId, t.accountId, t.permissionSetArn);
  }

  /** Runs `attempt` until it does not conflict on the grant's version (bounded). */
  private async retryOnConflict<T>(t: AssignmentTarget, attempt: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i += 1) {
      try {
        const result = await attempt();
        if (result !== undefined) return result;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw tooBusy(t);
  }

  // ------------------------------------------------------------------------------------- grant

  /**
   * Adds the request to the grant and makes sure the assignment exists (creating it and polling
   * until Identity Center says SUCCEEDED). Idempotent: a retried call finds the request on the
   * grant and only checks the assignment. `operation` continues a creation that was pending.
   */
  async acquire(requestId: string, t: AssignmentTarget, operation?: PendingOperation): Promise<GrantOutcome> {
    if (operation?.kind === 'CREATE') return this.settleCreate(requestId, t, operation.id, true);
    try {
      const joined = await this.join(requestId, t);
      if (joined.standing) return { state: 'granted', createdByTeam: false, shared: true };
      if (joined.check && (await this.deps.assignments.exists(t.userId, t.accountId, t.permissionSetArn))) {
        return { state: 'granted', createdByTeam: true, shared: true };
      }
      const id = await this.deps.assignments.create(t.userId, t.accountId, t.permissionSetArn);
      return await this.settleCreate(requestId, t, id);
    } catch (error) {
      if (isRetryableAccessError(error)) throw error;
      const reason = accessErrorReason(error);
      await this.leave(requestId, t);
      return { state: 'failed', reason };
    }
  }

  /**
   * Puts the request on the grant. `standing`: the assignment existed before TEAM (nothing to
   * create); `check`: it should exist (joined an existing grant) but must be confirmed.
   */
  private join(requestId: string, t: AssignmentTarget): Promise<{ standing: boolean; check: boolean }> {
    return this.retryOnConflict(t, async () => {
      const grant = await this.get(t);
      const release = grant && releaseOf(grant);
      if (release && release.failedReason === undefined) {
        throw new ConflictError(
          `Access to ${t.permissionSetArn} in ${t.accountId} for ${t.userId} is being removed; try again shortly.`,
        );
      }
      if (grant === undefined) {
        const standing = await this.deps.assignments.exists(t.userId, t.accountId, t.permissionSetArn);
        const created: Grant = {
          ...t,
          requestIds: [requestId],
          createdByTeam: !standing,
          updatedAt: this.now(),
          version: 1,
        };
        await this.deps.grants.put(created, 0);
        return { standing, check: false };
      }
      if (grant.requestIds.includes(requestId) && release === undefined) {
        return { standing: !grant.createdByTeam, check: grant.createdByTeam };
      }
      const ids = grant.requestIds.includes(requestId) ? grant.requestIds : [...grant.requestIds, requestId];
      await this.deps.grants.put(nextVersion(grant, ids, this.now()), grant.version);
      return { standing: !grant.createdByTeam, check: grant.createdByTeam };
    });
  }

  /** The poll options of a new operation, or of one the workflow has waited on (`continuing`). */
  private pollFor(continuing: boolean): PollOptions {
    return continuing ? { ...this.poll, delaysMs: continuingDelays(this.poll.delaysMs) } : this.poll;
  }

  private async settleCreate(
    requestId: string,
    t: AssignmentTarget,
    operationId: string,
    continuing = false,
  ): Promise<GrantOutcome> {
    const status = await pollOperation(
      this.deps.assignments,
      operationId,
      'CREATE',
      this.pollFor(continuing),
    );
    if (status.status === 'IN_PROGRESS')
      return { state: 'pending', operation: { id: operationId, kind: 'CREATE' } };
    if (status.status === 'SUCCEEDED') return { state: 'granted', createdByTeam: true, shared: false };
    await this.leave(requestId, t);
    return {
      state: 'failed',
      reason: status.reason ?? 'Identity Center could not create the account assignment.',
    };
  }

  /** Takes a request whose grant failed off the record (nothing was created for it). */
  private async leave(requestId: string, t: AssignmentTarget): Promise<void> {
    await this.retryOnConflict(t, async () => {
      const grant = await this.get(t);
      if (grant === undefined || !grant.requestIds.includes(requestId)) return true;
      const rest = grant.requestIds.filter((id) => id !== requestId);
      if (rest.length === 0) await this.deps.grants.delete(grant);
      else await this.deps.grants.put(nextVersion(grant, rest, this.now()), grant.version);
      return true;
    });
  }

  // ------------------------------------------------------------------------------------ revoke

  /**
   * Takes the request off the grant; when it was the last one and TEAM created the assignment,
   * deletes the assignment and polls until Identity Center says SUCCEEDED. Idempotent: a request
   * that holds nothing (never granted, already released) is `revoked` at once; a retried call
   * continues its own deletion. `operation` continues a deletion that was pending.
   */
  async release(
    requestId: string,
    t: AssignmentTarget,
    operation?: PendingOperation,
  ): Promise<RevokeOutcome> {
    if (operation?.kind === 'DELETE') return this.settleDelete(requestId, t, operation.id, undefined, true);
    const step = await this.retryOnConflict<{ done: RevokeOutcome } | { remove: Grant | undefined }>(
      t,
      async () => {
        const grant = await this.get(t);
        if (grant === undefined) return { done: { state: 'revoked', removed: false } };
        const release = releaseOf(grant);
        if (release?.requestId === requestId && release.failedReason === undefined) return { remove: grant };
        if (!grant.requestIds.includes(requestId)) return { done: { state: 'revoked', removed: false } };
        const rest = grant.requestIds.filter((id) => id !== requestId);
        if (rest.length > 0) {
          await this.deps.grants.put(nextVersion(grant, rest, this.now()), grant.version);
          return { done: { state: 'revoked', removed: false } };
        }
        if (!grant.createdByTeam) {
          await this.deps.grants.delete(grant);
          return { done: { state: 'revoked', removed: false } };
        }
        const marked: GrantRecord = {
          ...nextVersion(grant, [], this.now()),
          releasing: { requestId, since: this.now() },
        };
        await this.deps.grants.put(marked, grant.version);
        return { remove: marked };
      },
    );
    if ('done' in step) return step.done;
    return this.removeAssignment(requestId, t, step.remove);
  }

  /**
   * Starts the deletion of an assignment whose record this request marked as releasing
   * (`marked`: the record as last written, to delete it without reading it again).
   */
  private async removeAssignment(
    requestId: string,
    t: AssignmentTarget,
    marked?: Grant,
  ): Promise<RevokeOutcome> {
    let operationId: string;
    try {
      operationId = await this.deps.assignments.remove(t.userId, t.accountId, t.permissionSetArn);
    } catch (error) {
      if (isRetryableAccessError(error)) throw error;
      // Deleting what is already gone (a retried step whose deletion went through) is done.
      if (!(await this.deps.assignments.exists(t.userId, t.accountId, t.permissionSetArn))) {
        await this.dropReleasedRecord(requestId, t, marked);
        return { state: 'revoked', removed: true };
      }
      const reason = accessErrorReason(error);
      await this.markReleaseFailed(requestId, t, reason);
      return { state: 'failed', reason };
    }
    return this.settleDelete(requestId, t, operationId, marked);
  }

  private async settleDelete(
    requestId: string,
    t: AssignmentTarget,
    operationId: string,
    marked?: Grant,
    continuing = false,
  ): Promise<RevokeOutcome> {
    const status = await pollOperation(
      this.deps.assignments,
      operationId,
      'DELETE',
      this.pollFor(continuing),
    );
    if (status.status === 'IN_PROGRESS')
      return { state: 'pending', operation: { id: operationId, kind: 'DELETE' } };
    if (status.status === 'FAILED') {
      const reason = status.reason ?? 'Identity Center could not delete the account assignment.';
      await this.markReleaseFailed(requestId, t, reason);
      return { state: 'failed', reason };
    }
    await this.dropReleasedRecord(requestId, t, marked);
    return { state: 'revoked', removed: true };
  }

  /** Deletes the record this request marked (if it is still marked by it). */
  async dropReleasedRecord(requestId: string, t: AssignmentTarget, marked?: Grant): Promise<void> {
    if (marked !== undefined) {
      try {
        await this.deps.grants.delete(marked);
        return;
      } catch (error) {
        // Changed since we marked it (taken over, or the reconciler stepped in): look again.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    await this.retryOnConflict(t, async () => {
      const grant = await this.get(t);
      if (grant === undefined || releaseOf(grant)?.requestId !== requestId) return true;
      await this.deps.grants.delete(grant);
      return true;
    });
  }

  /** Leaves the marker for the reconciler, flagged as failed so a new request may take over. */
  async markReleaseFailed(requestId: string, t: AssignmentTarget, reason: string): Promise<void> {
    await this.retryOnConflict(t, async () => {
      const grant = await this.get(t);
      const release = grant && releaseOf(grant);
      if (grant === undefined || release?.requestId !== requestId) return true;
      const marked: GrantRecord = {
        ...nextVersion(grant, [...grant.requestIds], this.now()),
        releasing: { ...release, failedReason: reason },
      };
      await this.deps.grants.put(marked, grant.version);
      return true;
    });
  }

  // ---------------------------------------------------------------------------- reconciliation

  /**
   * Marks `grant` (read just before) as releasing on behalf of `requestId` and deletes its
   * assignment; for the reconciler. ConflictError when the record changed meanwhile.
   */
  async releaseOrphan(grant: Grant, requestId: string): Promise<RevokeOutcome> {
    const t: AssignmentTarget = {
      userId: grant.userId,
      accountId: grant.accountId,
      permissionSetArn: grant.permissionSetArn,
    };
    const release = releaseOf(grant);
    let marked: Grant = grant;
    if (release?.requestId !== requestId || release.failedReason !== undefined) {
      const record: GrantRecord = {
        ...nextVersion(grant, [], this.now()),
        releasing: { requestId, since: this.now() },
      };
      await this.deps.grants.put(record, grant.version);
      marked = record;
    }
    return this.removeAssignment(requestId, t, marked);
  }

  /**
   * Creates a missing assignment that in-progress requests rely on and polls it; the record
   * becomes TEAM's (TEAM made this assignment, so TEAM removes it at the end).
   */
  async reapply(grant: Grant): Promise<GrantOutcome> {
    const t: AssignmentTarget = {
      userId: grant.userId,
      accountId: grant.accountId,
      permissionSetArn: grant.permissionSetArn,
    };
    const id = await this.deps.assignments.create(t.userId, t.accountId, t.permissionSetArn);
    const status = await pollOperation(this.deps.assignments, id, 'CREATE', this.poll);
    if (status.status === 'IN_PROGRESS') return { state: 'pending', operation: { id, kind: 'CREATE' } };
    if (status.status === 'FAILED') {
      return {
        state: 'failed',
        reason: status.reason ?? 'Identity Center could not create the account assignment.',
      };
    }
    if (!grant.createdByTeam) {
      await this.deps.grants.put(
        { ...nextVersion(grant, [...grant.requestIds], this.now()), createdByTeam: true },
        grant.version,
      );
    }
    return { state: 'granted', createdByTeam: true, shared: false };
  }
}

/**
 * Grant: adds the request to the reference count of its (user, account, permission set) and
 * makes sure the account assignment exists, creating it when this is the first request and it
 * did not exist before (standing access is left as it is and never deleted). Polls Identity
 * Center until SUCCEEDED or FAILED with a bounded backoff; `pending` hands back the operation to
 * poll again. Throttling, conflicts and transient errors are thrown (retry later); a FAILED
 * status or a refused call is `failed` with the reason.
 */
export function makeGrantAccess(
  deps: AccessDeps,
): (
  request: Pick<AccessRequest, 'id' | 'requester' | 'accountId' | 'permissionSetArn'>,
  operation?: PendingOperation,
) => Promise<GrantOutcome> {
  const control = new AccessControl(deps);
  return (request, operation) => control.acquire(request.id, targetOfRequest(request), operation);
}

/**
 * Revoke: takes the request off the reference count; deletes the assignment only when no other
 * request uses it and TEAM created it, polling until SUCCEEDED or FAILED. Errors as for grant.
 */
export function makeRevokeAccess(
  deps: AccessDeps,
): (
  request: Pick<AccessRequest, 'id' | 'requester' | 'accountId' | 'permissionSetArn'>,
  operation?: PendingOperation,
) => Promise<RevokeOutcome> {
  const control = new AccessControl(deps);
  return (request, operation) => control.release(request.id, targetOfRequest(request), operation);
}
