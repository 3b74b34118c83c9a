/**
 * The reconciler: compares the grants TEAM holds with the requests behind them and with
 * Identity Center, and repairs what drifted — access left behind by a revoke that failed for
 * good, access still held long after its end time because its workflow never ended it, and
 * assignments that vanished under requests still in progress. Each repair is recorded on the
 * request (`repaired` audit event) and people are told. Running it again changes nothing.
 */
import { buildNotificationEvent } from '../notifications/events';
import type { Notifier } from '../notifications/ports';
import { auditEventId } from '../audit';
import { ConflictError } from '../errors';
import type { RequestRepository, SettingsRepository } from '../ports';
import { makeApplySystemTransition } from '../requests/system-transition';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, Grant, RequestStatus, Settings, SettingsFallback } from '../types';
import { accessErrorReason } from './errors';
import { AccessControl, releaseOf, targetOfRequest, type AccessDeps } from './grants';
import { accessEndOf } from '../requests/extensions';
import { mapLimited } from '../map-limited';
import type { SessionEndedSink } from '../session-review/ports';

export interface ReconcileDeps extends AccessDeps {
  requests: RequestRepository;
  settings: SettingsRepository;
  fallback?: SettingsFallback;
  notifier: Notifier;
  /**
   * How long a request must have been left alone before the reconciler acts for it (default
   * 15 minutes): younger changes belong to a workflow that may still be at work.
   */
  graceMs?: number;
  /**
   * How long after its end time access may still be held before the reconciler ends it
   * (default 30 minutes): the workflow's own revoke wakes at the end time and, with every retry
   * of its steps (up to 8, up to 2 minutes apart) and Identity Center's polling, is done well
   * within that; access held longer belongs to a workflow that is gone (timed out, failed,
   * stopped).
   */
  overdueAfterMs?: number;
  /** Grants read per page (default 100). */
  pageSize?: number;
  /** Grants repaired at once (default 4: Identity Center's write APIs are rate-limited). */
  concurrency?: number;
  /** Told when the reconciler ends a request, so its session's summary becomes due. */
  sessionEnded?: SessionEndedSink;
  logger?: { warn(message: string, detail: Record<string, unknown>): void };
}

/** One thing the reconciler did (or could not do) to one grant. */
export interface RepairRecord {
  userId: string;
  accountId: string;
  permissionSetArn: string;
  /** Requests the repair was for. */
  requestIds: string[];
  detail: string;
}

export interface ReconcileReport {
  grantsChecked: number;
  /** Assignments deleted because no active request relied on them any more. */
  removed: RepairRecord[];
  /** Missing assignments created again for requests in progress. */
  reapplied: RepairRecord[];
  /** Inactive requests taken off grants that others (or standing access) still hold. */
  released: RepairRecord[];
  /**
   * Requests in progress past their end time that their workflow did not end: their access
   * revoked (reference-counted: the assignment goes only with the last request using it, and
   * only if TEAM made it) and the request ended.
   */
  ended: RepairRecord[];
  /** Repairs that did not finish (still in progress, failed, or the record changed meanwhile). */
  unfinished: RepairRecord[];
}

const ACTIVE: readonly RequestStatus[] = ['scheduled', 'in progress'];
const DEFAULT_GRACE_MS = 15 * 60_000;
const DEFAULT_OVERDUE_AFTER_MS = 30 * 60_000;
/** Tries per audit event id (two repairs in the same millisecond and version). */
const MAX_ID_ATTEMPTS = 5;

class Reconciliation {
  readonly report: ReconcileReport = {
    grantsChecked: 0,
    removed: [],
    reapplied: [],
    released: [],
    ended: [],
    unfinished: [],
  };
  private readonly control: AccessControl;
  private readonly transition: ReturnType<typeof makeApplySystemTransition>;
  private settingsInForce?: Settings;

  constructor(private readonly deps: ReconcileDeps) {
    this.control = new AccessControl(deps);
    this.transition = makeApplySystemTransition(deps);
  }

  private get graceMs(): number {
    return this.deps.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** Changed less than the grace period ago. */
  private recent(at: string | undefined): boolean {
    return at !== undefined && this.deps.clock.now().getTime() - Date.parse(at) < this.graceMs;
  }

  /** In progress, left alone by its workflow, and past its end time by more than the allowance. */
  private overdue(request: AccessRequest): boolean {
    if (request.status !== 'in progress' || this.recent(request.updatedAt)) return false;
    const allowance = this.deps.overdueAfterMs ?? DEFAULT_OVERDUE_AFTER_MS;
    return Date.parse(accessEndOf(request)) + allowance <= this.deps.clock.now().getTime();
  }

  private record(list: RepairRecord[], grant: Grant, requestIds: string[], detail: string): void {
    list.push({
      userId: grant.userId,
      accountId: grant.accountId,
      permissionSetArn: grant.permissionSetArn,
      requestIds,
      detail,
    });
  }

  async run(): Promise<ReconcileReport> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.grants.listAll({
        limit: this.deps.pageSize ?? 100,
        ...(cursor ? { cursor } : {}),
      });
      this.report.grantsChecked += page.items.length;
      await mapLimited(page.items, this.deps.concurrency ?? 4, (grant) => this.check(grant));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return this.report;
  }

  private async check(grant: Grant): Promise<void> {
    try {
      const release = releaseOf(grant);
      if (release !== undefined) {
        // A release under way belongs to its workflow; one that failed or stalled is ours.
        if (release.failedReason === undefined && this.recent(release.since)) return;
        await this.remove(grant, [release.requestId], release.failedReason ?? 'a revoke that did not finish');
        return;
      }
      const requests = await Promise.all(grant.requestIds.map((id) => this.deps.requests.get(id)));
      const keep: string[] = [];
      const drop: string[] = [];
      grant.requestIds.forEach((id, i) => {
        const request = requests[i];
        const active =
          request !== undefined && (ACTIVE.includes(request.status) || this.recent(request.updatedAt));
        (active ? keep : drop).push(id);
      });
      if (drop.length > 0) {
        await this.dropInactive(grant, keep, drop);
        return;
      }
      const overdue = requests.filter((r): r is AccessRequest => r !== undefined && this.overdue(r));
      if (overdue.length > 0) {
        await this.endOverdue(grant, overdue);
        return;
      }
      const inProgress = requests.filter((r): r is AccessRequest => r?.status === 'in progress');
      if (inProgress.length > 0) await this.reapplyIfMissing(grant, inProgress);
    } catch (error) {
      this.record(this.report.unfinished, grant, [...grant.requestIds], accessErrorReason(error));
      this.deps.logger?.warn('Reconciling a grant failed', {
        userId: grant.userId,
        accountId: grant.accountId,
        permissionSetArn: grant.permissionSetArn,
        error: accessErrorReason(error),
      });
    }
  }

  private async dropInactive(grant: Grant, keep: string[], drop: string[]): Promise<void> {
    if (keep.length > 0 || !grant.createdByTeam) {
      const next: Grant = {
        userId: grant.userId,
        accountId: grant.accountId,
        permissionSetArn: grant.permissionSetArn,
        requestIds: keep,
        createdByTeam: grant.createdByTeam,
        updatedAt: this.deps.clock.now().toISOString(),
        version: grant.version + 1,
      };
      if (keep.length > 0) await this.deps.grants.put(next, grant.version);
      else await this.deps.grants.delete(grant);
      this.record(
        this.report.released,
        grant,
        drop,
        keep.length > 0 ? 'still used by other requests' : 'standing access, left in place',
      );
      return;
    }
    const [first] = drop;
    if (first === undefined) return;
    await this.remove(grant, drop, 'no active request used it any more', first);
  }

  /**
   * Revokes each overdue request like its workflow would have (AccessControl.release: off the
   * reference count, the assignment deleted only with the last request and only if TEAM made
   * it), ends the request, and records and announces the repair. A deletion still in progress
   * is left marked on the grant: a later run finishes it (`remove`) and ends the request then.
   */
  private async endOverdue(grant: Grant, overdue: AccessRequest[]): Promise<void> {
    for (const request of overdue) {
      const outcome = await this.control.release(request.id, targetOfRequest(request));
      if (outcome.state === 'pending') {
        this.record(this.report.unfinished, grant, [request.id], 'the deletion is still in progress');
        continue;
      }
      if (outcome.state === 'failed') {
        this.record(this.report.unfinished, grant, [request.id], `the deletion failed: ${outcome.reason}`);
        continue;
      }
      const detail = `Ended the access: its end time (${accessEndOf(request)}) had passed and its workflow had not ended it.`;
      if (!(await this.endRequest(grant, request.id))) continue;
      this.record(this.report.ended, grant, [request.id], detail);
      await this.announce([request.id], detail);
    }
  }

  /**
   * Moves a request whose access is gone to `ended` (the workflow's own end: endedAt set; a
   * request revoked meanwhile keeps its status and gets endedAt). False, reported as
   * unfinished, when it cannot be ended.
   */
  private async endRequest(grant: Grant, requestId: string): Promise<boolean> {
    let ended: AccessRequest;
    try {
      ended = await this.transition(requestId, 'end', { at: this.deps.clock.now().toISOString() });
    } catch (error) {
      this.record(
        this.report.unfinished,
        grant,
        [requestId],
        `the access was removed, but the request could not be ended: ${accessErrorReason(error)}`,
      );
      return false;
    }
    try {
      await this.deps.sessionEnded?.sessionEnded(ended);
    } catch (error) {
      // The repair is done; only the session's summary is missing, which the log says.
      this.deps.logger?.warn('Could not mark the session of an ended request for its summary', {
        requestId,
        error: accessErrorReason(error),
      });
    }
    return true;
  }

  /** Deletes the assignment of `grant` on behalf of `requestIds` and records the repair. */
  private async remove(
    grant: Grant,
    requestIds: string[],
    why: string,
    owner = requestIds[0],
  ): Promise<void> {
    if (owner === undefined) return;
    const outcome = await this.control.releaseOrphan(grant, owner);
    if (outcome.state === 'pending') {
      this.record(this.report.unfinished, grant, requestIds, 'the deletion is still in progress');
      return;
    }
    if (outcome.state === 'failed') {
      this.record(this.report.unfinished, grant, requestIds, `the deletion failed: ${outcome.reason}`);
      return;
    }
    // A revoke of overdue access that was still under way on an earlier run ends here.
    for (const id of requestIds) {
      const request = await this.deps.requests.get(id);
      if (request !== undefined && this.overdue(request)) await this.endRequest(grant, id);
    }
    const detail = `Removed the account assignment left behind (${why}).`;
    this.record(this.report.removed, grant, requestIds, detail);
    await this.announce(requestIds, detail);
  }

  private async reapplyIfMissing(grant: Grant, inProgress: AccessRequest[]): Promise<void> {
    const exists = await this.deps.assignments.exists(grant.userId, grant.accountId, grant.permissionSetArn);
    if (exists) return;
    const ids = inProgress.map((r) => r.id);
    const outcome = await this.control.reapply(grant);
    if (outcome.state === 'pending') {
      this.record(this.report.unfinished, grant, ids, 'the re-created assignment is still in progress');
      return;
    }
    if (outcome.state === 'failed') {
      this.record(this.report.unfinished, grant, ids, `re-creating the assignment failed: ${outcome.reason}`);
      return;
    }
    const detail = 'Re-created the account assignment that had disappeared while access was in progress.';
    this.record(this.report.reapplied, grant, ids, detail);
    await this.announce(ids, detail);
  }

  /** Records the repair on each request and tells the people concerned. */
  private async announce(requestIds: string[], detail: string): Promise<void> {
    for (const id of requestIds) {
      const request = await this.deps.requests.get(id);
      if (request === undefined) continue;
      const at = this.deps.clock.now().toISOString();
      for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt += 1) {
        const tag = attempt === 1 ? 'repaired' : `repaired-${attempt}`;
        try {
          await this.deps.requests.appendEvent({
            requestId: id,
            id: auditEventId(at, request.version, tag),
            at,
            action: 'repaired',
            actor: 'system',
            detail,
          });
          break;
        } catch (error) {
          if (!(error instanceof ConflictError) || attempt === MAX_ID_ATTEMPTS) {
            this.deps.logger?.warn('Could not record a repair', {
              requestId: id,
              error: accessErrorReason(error),
            });
            break;
          }
        }
      }
      try {
        this.settingsInForce ??= await loadSettings(this.deps);
        await this.deps.notifier.notify(
          buildNotificationEvent('repaired', request, { actor: 'system', errorReason: detail, at }),
          this.settingsInForce,
        );
      } catch (error) {
        this.deps.logger?.warn('Repair notification failed', {
          requestId: id,
          error: accessErrorReason(error),
        });
      }
    }
  }
}

/**
 * Reconciles every grant (read page by page): an assignment TEAM created that no active request
 * uses any more is deleted (also one whose revoke failed or stalled); inactive requests leave
 * grants that others or standing access still hold; a request in progress whose end time passed
 * more than `overdueAfterMs` ago is revoked (reference-counted) and ended; an assignment missing
 * under requests in progress is created again. Requests changed within the grace period are left
 * to their workflow. Each repair becomes a `repaired` audit event and a notification.
 * Idempotent; one grant failing does not stop the others (it is reported as unfinished).
 */
export function makeReconcile(deps: ReconcileDeps): () => Promise<ReconcileReport> {
  return () => new Reconciliation(deps).run();
}
