/**
 * Helpers shared by the use cases: settings in force, actors, page sizes, audit events and the
 * one conditional status write every lifecycle change goes through.
 */
import { ConflictError } from '../errors';
import { auditActionFor, nextStatus, type LifecycleAction, type LifecycleActor } from '../lifecycle';
import type {
  Clock,
  Directory,
  IdGenerator,
  Organization,
  PolicyRepository,
  RequestRepository,
  SecretStore,
  SettingsRepository,
} from '../ports';
import { effectiveSettings, type SettingsFallback } from '../settings';
import type { AccessRequest, Actor, AuditEvent, CallerIdentity, PageRequest, Settings } from '../types';

/** Page size used when the client does not ask for one. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page a client may ask for: every list reads O(page size) items. */
export const MAX_PAGE_SIZE = 100;

/** What a client may pass to a list: both optional, null accepted (GraphQL arguments). */
export interface PageInput {
  limit?: number | null;
  cursor?: string | null;
}

/** A page request with the size clamped to 1–100 (default 20) and an empty cursor dropped. */
export function clampPage(input: PageInput = {}): PageRequest {
  const raw = input.limit;
  const limit =
    raw === undefined || raw === null || !Number.isFinite(raw)
      ? DEFAULT_PAGE_SIZE
      : Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(raw)));
  return input.cursor ? { limit, cursor: input.cursor } : { limit };
}

/** The actor recorded for something the caller did (from the verified identity only). */
export function actorOf(caller: CallerIdentity): Actor {
  const actor: Actor = { id: caller.userId, email: caller.email };
  if (caller.displayName) actor.name = caller.displayName;
  return actor;
}

/**
 * Every port a use case may need; each factory takes only the ones it uses
 * (`Pick<CoreDeps, ...>`), so handlers wire one object and tests pass their world of fakes.
 */
export interface CoreDeps {
  requests: RequestRepository;
  policies: PolicyRepository;
  settings: SettingsRepository;
  secrets: SecretStore;
  directory: Directory;
  organization: Organization;
  clock: Clock;
  ids: IdGenerator;
  /** Deployment config the admin and auditor group names fall back to. */
  fallback?: SettingsFallback;
}

/** Ports needed to know the settings in force. */
export interface SettingsDeps {
  settings: SettingsRepository;
  /** Deployment config the admin and auditor group names fall back to. */
  fallback?: SettingsFallback;
}

/** The settings in force: stored ones or the defaults, group names falling back to deployment config. */
export async function loadSettings(deps: SettingsDeps): Promise<Settings> {
  return effectiveSettings(await deps.settings.get(), deps.fallback ?? {});
}

/**
 * The id of an audit event: its time, then the request version it produced, so events sort in
 * the order they happened even when two share a millisecond. `tag` distinguishes events that
 * change nothing (e.g. notifications) from the state change of the same version.
 */
export function auditEventId(at: string, version: number, tag?: string): string {
  const base = `${at}#v${String(version).padStart(6, '0')}`;
  return tag ? `${base}#${tag}` : base;
}

/** What a lifecycle change writes besides the status. */
export interface StatusChange {
  action: LifecycleAction;
  role: LifecycleActor;
  /** Who acted ('system' for workflows). */
  actor: Actor | 'system';
  at: Date;
  /** Fields set on the request together with the status (decidedBy, revokedAt...). */
  patch?: Partial<AccessRequest>;
  comment?: string;
  detail?: string;
  /** When the status stays as it is (recording endedAt on a revoked request). */
  keepStatus?: boolean;
}

/**
 * Moves a request along the lifecycle: checks the transition against the status read (throws
 * IllegalTransitionError / ForbiddenError), then writes the new status with its audit event,
 * conditionally on the status and version read (ConflictError when someone got there first).
 */
export async function writeStatusChange(
  requests: RequestRepository,
  request: AccessRequest,
  change: StatusChange,
): Promise<AccessRequest> {
  const to = change.keepStatus ? request.status : nextStatus(request.status, change.action, change.role);
  const at = change.at.toISOString();
  const next: AccessRequest = {
    ...request,
    ...change.patch,
    status: to,
    updatedAt: at,
    version: request.version + 1,
  };
  const event: AuditEvent = {
    requestId: request.id,
    id: auditEventId(at, next.version),
    at,
    action: auditActionFor(change.action),
    actor: change.actor,
    fromStatus: request.status,
    toStatus: to,
  };
  if (change.comment !== undefined) event.comment = change.comment;
  if (change.detail !== undefined) event.detail = change.detail;
  await requests.update(next, { status: request.status, version: request.version }, event);
  return next;
}

/** Turns a conditional-write failure into a message a person understands. */
export function decidedMeanwhile(request: AccessRequest, error: unknown): unknown {
  if (!(error instanceof ConflictError)) return error;
  return new ConflictError(
    `The request for ${request.permissionSetName} in ${request.accountName} changed while you were acting on it; reload it and try again.`,
  );
}
