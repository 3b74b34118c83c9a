/**
 * The reconciler: compares the grants TEAM holds with the requests behind them and with
 * Identity Center, and repairs what drifted — access left behind by a revoke that failed for
 * good, and assignments that vanished under requests still in progress. Each repair is recorded
 * on the request (`repaired` audit event) and people are told. Running it again changes nothing.
 */
import { buildNotificationEvent } from '../notifications/events';
import type { Notifier } from '../notifications/ports';
import { auditEventId } from '../audit';
import { ConflictError } from '../errors';
import type { RequestRepository, SettingsRepository } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, Grant, RequestStatus, Settings, SettingsFallback } from '../types';
import { accessErrorReason } from './errors';
import { AccessControl, releaseOf, type AccessDeps } from './grants';

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
  /** Grants read per page (default 100). */
  pageSize?: number;
  /** Grants repaired at once (default 4: Identity Center's write APIs are rate-limited). */
  concurrency?: number;
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
  /** Repairs that did not finish (still in progress, failed, or the record changed meanwhile). */
  unfinished: RepairRecord[];
}

const ACTIVE: readonly RequestStatus[] = ['scheduled', 'in progress'];
const DEFAULT_GRACE_MS = 15 * 60_000;
/** Tries per audit event id (two repairs in the same millisecond and version). */
const MAX_ID_ATTEMPTS = 5;

async function mapLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

class Reconciliation {
  readonly report: ReconcileReport = {
    grantsChecked: 0,
    removed: [],
    reapplied: [],
    released: [],
    unfinished: [],
  };
  private readonly control: AccessControl;
  private settingsInForce?: Settings;

  constructor(private readonly deps: ReconcileDeps) {
    this.control = new AccessControl(deps);
  }

  private get graceMs(): number {
    return this.deps.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** Changed less than the grace period ago. */
  private recent(at: string | undefined): boolean {
    return at !== undefined && this.deps.clock.now().getTime() - Date.parse(at) < this.graceMs;
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
 * grants that others or standing access still hold; an assignment missing under requests in
 * progress is created again. Requests changed within the grace period are left to their
 * workflow. Each repair becomes a `repaired` audit event and a notification. Idempotent; one
 * grant failing does not stop the others (it is reported as unfinished).
 */
export function makeReconcile(deps: ReconcileDeps): () => Promise<ReconcileReport> {
  return () => new Reconciliation(deps).run();
}
