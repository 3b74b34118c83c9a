/**
 * One step of a request's workflow. The state machine calls this with the reason it
 * is here (`action`); the step re-reads the request and does whatever its status and the time
 * call for — status change, notification, grant or revoke, often several in one call — then
 * says what the workflow waits for next. Reading the status instead of trusting the action
 * keeps every step idempotent and makes a late or repeated step harmless.
 */
import {
  buildNotificationEvent,
  type NotificationEventInput,
  type NotificationEventType,
} from '../notifications/events';
import type { Notifier } from '../notifications/ports';
import type { DashboardRecorder } from '../dashboard/record';
import { ConflictError, IllegalTransitionError, NotFoundError } from '../errors';
import type { Directory, RealtimePublisher, RequestRepository, SettingsRepository } from '../ports';
import { progressOf, requestProgress, stagesOf } from '../requests/approval-plan';
import { nextDecisionTimer } from '../requests/approval-timers';
import { accessEndOf } from '../requests/extensions';
import { writeRequestChange } from '../requests/status-change';
import { publishRequestChange } from '../requests/realtime';
import {
  makeApplySystemTransition,
  type SystemAction,
  type SystemTransitionDetails,
} from '../requests/system-transition';
import type { SessionEndedSink } from '../session-review/ports';
import { loadSettings } from '../settings/settings';
import type {
  AccessRequest,
  Actor,
  ApprovalStage,
  Extension,
  RequestStatus,
  Settings,
  SettingsFallback,
} from '../types';
import type { WorkflowAction, WorkflowNext } from '../../contract/workflow';
import { accessErrorReason } from './errors';
import { AccessControl, targetOfRequest, type AccessDeps, type PendingOperation } from './grants';

export interface WorkflowStepInput {
  action: WorkflowAction;
  requestId: string;
  /** For `begin`: the token of the task that waits for the decision. */
  taskToken?: string | null;
  /** An Identity Center operation a previous step left IN_PROGRESS. */
  operation?: PendingOperation | null;
  /** For `fail`: what went wrong (Step Functions' Error and Cause). */
  error?: { Error?: string; Cause?: string } | null;
}

export interface WorkflowStep {
  next: WorkflowNext;
  /** Timeout of the next wait in whole seconds (≥ 1); 0 when the next step is no wait. */
  waitSeconds: number;
  /** The operation to poll (`pollGrant`, `pollRevoke`), else null. */
  operation: PendingOperation | null;
  /** The request's status after the step (null when the request does not exist). */
  status: RequestStatus | null;
}

/**
 * The wait for people's decision, held by the first step itself: its task waits for a token the
 * step stores on the request, so one state both announces the request and waits (see `begin`).
 */
export interface DecisionWait {
  /** Stores `token` on the request while it is `pending`; false when it no longer is (or is gone). */
  hold(requestId: string, token: string): Promise<boolean>;
  /** Ends the wait at once: the workflow goes on and reads the status. */
  release(requestId: string, token: string): Promise<void>;
}

export interface WorkflowDeps extends AccessDeps {
  requests: RequestRepository;
  decisionWait: DecisionWait;
  settings: SettingsRepository;
  fallback?: SettingsFallback;
  notifier: Notifier;
  /** Who the escalation groups' members are (without it an escalation adds nobody). */
  directory?: Pick<Directory, 'membersOfGroup' | 'getUser'>;
  /**
   * Realtime hints of the workflow's own status changes (the router only sees people's, see
   * lib/workflows.ts); absent where nobody subscribes.
   */
  realtime?: RealtimePublisher;
  /** Counts each request for the dashboard as the step leaves it (never throws). */
  dashboard?: DashboardRecorder;
  /**
   * Told once access is over (ended or revoked), so the session's summary becomes due; absent
   * where there are no session logs. Repeating it is harmless, and a failure fails the step
   * (retried), so no session goes without its summary.
   */
  sessionEnded?: SessionEndedSink;
  logger?: { warn(message: string, detail: Record<string, unknown>): void };
  /**
   * How long one container reuses the settings it read (default 10 s): every step that notifies
   * needs them, and a burst of workflows would otherwise read them once per step.
   */
  settingsTtlMs?: number;
}

/**
 * Longest wait of one task (Step Functions allows task timeouts up to a year, the execution
 * lives at most a year): a longer wait is taken in several turns, the step deciding each time.
 */
export const MAX_WAIT_SECONDS = 360 * 24 * 3600;
/** Slack for clocks that disagree by a little (the timer fired a moment "early"). */
const DUE_TOLERANCE_MS = 1000;
/** Status changes one step may go through before it stops and lets the workflow call again. */
const MAX_HOPS = 8;
const HOUR_MS = 3_600_000;
/** Break-glass access not reviewed yet: its approvers are reminded this often. */
export const REVIEW_REMINDER_MS = 24 * HOUR_MS;

type Outcome = { step: WorkflowStep } | { request: AccessRequest; operation?: PendingOperation };

/** The message of a Step Functions Cause: a Lambda's JSON error, or the text itself. */
export function failureReason(error: WorkflowStepInput['error']): string {
  const cause = error?.Cause?.trim();
  if (cause) {
    try {
      const parsed: unknown = JSON.parse(cause);
      if (typeof parsed === 'object' && parsed !== null) {
        const message = (parsed as { errorMessage?: unknown }).errorMessage;
        const type = (parsed as { errorType?: unknown }).errorType;
        if (typeof message === 'string' && message.trim() !== '') {
          return typeof type === 'string' && type !== 'Error' ? `${type}: ${message}` : message;
        }
      }
    } catch {
      // Not JSON: the cause is the message.
    }
    return error?.Error ? `${error.Error}: ${cause}` : cause;
  }
  return error?.Error ?? 'Unknown error';
}

/** The settings in force, read at most once per TTL. */
type SettingsSource = () => Promise<Settings>;

function cachedSettings(deps: WorkflowDeps): SettingsSource {
  let cached: { settings: Settings; until: number } | undefined;
  const ttl = deps.settingsTtlMs ?? 10_000;
  return async () => {
    const now = deps.clock.now().getTime();
    // A clock that moved backwards (tests set it) also reads them again.
    if (cached === undefined || now >= cached.until || now < cached.until - ttl) {
      cached = { settings: await loadSettings(deps), until: now + ttl };
    }
    return cached.settings;
  };
}

class StepRun {
  private readonly transition: ReturnType<typeof makeApplySystemTransition>;
  /**
   * What the step tells people (notifications, realtime hints), one after another in the order
   * queued, alongside the step's own work: telling never holds back a grant or a revoke, and the
   * step returns only once all of it is done.
   */
  private announcements: Promise<void> = Promise.resolve();
  /** The request as the step last saw or wrote it: what the dashboard counts at the end. */
  private latest: AccessRequest | undefined;

  constructor(
    private readonly deps: WorkflowDeps,
    private readonly control: AccessControl,
    private readonly settings: SettingsSource,
    private readonly input: WorkflowStepInput,
  ) {
    this.transition = makeApplySystemTransition(deps);
  }

  async run(): Promise<WorkflowStep> {
    try {
      return await this.steps();
    } finally {
      await this.announcements;
      // Also after a failed step: what it did write is counted (a retry adds nothing twice).
      if (this.latest !== undefined) await this.deps.dashboard?.recordRequest(this.latest);
    }
  }

  private async steps(): Promise<WorkflowStep> {
    const first = await this.deps.requests.get(this.input.requestId);
    this.latest = first;
    if (this.input.action === 'begin' && this.input.taskToken) return this.begin(first, this.input.taskToken);
    if (first === undefined) return this.done(null);
    if (this.input.action === 'fail') return this.failed(first);
    let outcome: Outcome = {
      request: first,
      ...(this.input.operation ? { operation: this.input.operation } : {}),
    };
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      outcome = await this.handle(outcome.request, outcome.operation);
      if ('step' in outcome) return outcome.step;
    }
    throw new ConflictError(`Request ${this.input.requestId} kept changing; the workflow will look again.`);
  }

  private handle(request: AccessRequest, operation?: PendingOperation): Promise<Outcome> {
    this.latest = request;
    switch (request.status) {
      case 'pending':
        return this.pending(request);
      case 'approved':
        return this.schedule(request);
      case 'scheduled':
        if (operation?.kind === 'CREATE' || this.due(request.startTime))
          return this.grant(request, operation);
        return this.announceExtensions(request, () => this.wait('awaitStart', request.startTime, request));
      case 'in progress':
        if (operation?.kind === 'DELETE' || this.due(this.endOf(request)))
          return this.end(request, operation);
        return this.announceExtensions(request, () => this.wait('awaitEnd', this.endOf(request), request));
      case 'revoked':
        if (request.endedAt !== undefined && operation === undefined) return this.afterAccess(request);
        return this.close(request, operation);
      case 'cancelled':
        return this.close(request, operation);
      case 'rejected':
        return this.notifyAndFinish('rejected', request);
      case 'ended':
        return this.afterAccess(request);
      default:
        // expired, error: nothing left to do.
        return Promise.resolve({ step: this.done(request.status) });
    }
  }

  /**
   * The first state: a task that waits for a token. A request waiting for approval keeps the
   * wait (the token goes on the request, then the approvers are told; the router resumes it with
   * the decision, its timeout is the expiry); anything else releases it at once and the next
   * step does what is due. Announcing only once the token is held means a request decided in the
   * meantime is never announced as pending.
   */
  private async begin(request: AccessRequest | undefined, token: string): Promise<WorkflowStep> {
    if (request?.status === 'pending' && request.approvalRequired) {
      const expiresAt = request.expiresAt ?? (await this.defaultExpiry(request));
      if (!this.due(expiresAt) && (await this.deps.decisionWait.hold(request.id, token))) {
        this.notify('pending', request);
        return this.waitStep('awaitDecision', nextDecisionTimer(request, expiresAt).at, request);
      }
    }
    await this.deps.decisionWait.release(this.input.requestId, token);
    return { next: 'advance', waitSeconds: 0, operation: null, status: request?.status ?? null };
  }

  // ----------------------------------------------------------------------------- the statuses

  private async pending(request: AccessRequest): Promise<Outcome> {
    if (!request.approvalRequired) return this.schedule(request);
    const expiresAt = request.expiresAt ?? (await this.defaultExpiry(request));
    if (this.due(expiresAt)) {
      const expired = await this.apply(request, 'expire');
      if ('request' in expired && expired.request.status === 'expired') {
        return this.notifyAndFinish('expired', expired.request);
      }
      return expired;
    }
    const timer = nextDecisionTimer(request, expiresAt);
    if (timer.kind === 'remind' && this.due(timer.at)) return this.remind(request);
    if (timer.kind === 'escalate' && this.due(timer.at)) return this.escalate(request);
    const open = requestProgress(request).current;
    if (open !== undefined && open > (request.announcedStage ?? 0)) {
      // A stage opened since the approvers were last told: tell the new stage's approvers.
      const told = await this.record(request, { patch: { announcedStage: open } });
      this.notify('pending', told);
      return { request: told };
    }
    return this.wait('awaitDecision', timer.at, request);
  }

  /** The reminder: once, to the open stage's approvers who have not approved yet. */
  private async remind(request: AccessRequest): Promise<Outcome> {
    const now = this.now().toISOString();
    const reminded = await this.record(request, {
      patch: { remindedAt: now },
      auditAction: 'reminded',
      detail: 'Approvers reminded',
    });
    this.notify('reminder', reminded);
    return { request: reminded };
  }

  /**
   * The escalation: the members of the fallback groups (never the requester) become approvers of
   * every stage not complete yet; recorded, and they are told.
   */
  private async escalate(request: AccessRequest): Promise<Outcome> {
    const groups = request.approvalTimers?.escalationGroups ?? [];
    const added = await this.escalationApprovers(
      request,
      groups.map((group) => group.id),
    );
    const progress = requestProgress(request);
    const ids = added.map((actor) => actor.id);
    const stages: ApprovalStage[] = stagesOf(request).map((stage, index) =>
      progress.stages[index]?.complete === true
        ? stage
        : { ...stage, approverIds: [...new Set([...stage.approverIds, ...ids])] },
    );
    const names = groups.map((group) => group.name).join(', ');
    const escalated = await this.record(request, {
      patch: {
        escalatedAt: this.now().toISOString(),
        approvers: [...request.approvers, ...added],
        ...(added.length > 0 ? { approvalStages: stages } : {}),
      },
      auditAction: 'escalated',
      detail:
        added.length > 0
          ? `Escalated to ${names}: ${added.length} ${added.length === 1 ? 'approver' : 'approvers'} added`
          : `Escalated to ${names || 'no group'}: nobody could be added`,
      approversChanged: added.length > 0,
    });
    if (added.length > 0) this.notify('escalated', escalated, { to: added });
    return { request: escalated };
  }

  /** Members of the groups who are not the requester nor already approvers, as actors. */
  private async escalationApprovers(request: AccessRequest, groupIds: readonly string[]): Promise<Actor[]> {
    const directory = this.deps.directory;
    if (directory === undefined || groupIds.length === 0) return [];
    const members = (await Promise.all(groupIds.map((id) => directory.membersOfGroup(id)))).flat();
    const known = new Set([request.requester.id, ...request.approvers.map((a) => a.id)]);
    const ids = [...new Set(members)].filter((id) => !known.has(id));
    const users = await Promise.all(ids.map((id) => directory.getUser(id)));
    return users
      .filter((user) => user !== undefined)
      .map((user) => ({ id: user.id, email: user.email ?? '', name: user.displayName ?? user.userName }));
  }

  /**
   * Tells people what changed about the request's extensions since they were last told (asked,
   * a stage opened, applied, rejected), then goes on with `then`.
   */
  private async announceExtensions(request: AccessRequest, then: () => Promise<Outcome>): Promise<Outcome> {
    const news = (request.extensions ?? []).filter((e) => e.announced !== extensionNews(request, e));
    if (news.length === 0) return then();
    const extensions = (request.extensions ?? []).map((e) => ({
      ...e,
      announced: extensionNews(request, e),
    }));
    const told = await this.record(request, { patch: { extensions } });
    for (const extension of news) {
      const type = EXTENSION_NOTICE[extension.status];
      if (type !== undefined) this.notify(type, told);
    }
    return { request: told };
  }

  /**
   * After access is over: its session's summary becomes due; break-glass access waits for its
   * review, its approvers reminded daily; once reviewed, people are told once.
   */
  private async afterAccess(request: AccessRequest): Promise<Outcome> {
    await this.deps.sessionEnded?.sessionEnded(request);
    const review = request.review;
    if (request.breakGlass === undefined || review === undefined) return { step: this.done(request.status) };
    if (review.state === 'needed') {
      const from = review.remindedAt ?? request.endedAt ?? request.updatedAt;
      const at = new Date(Date.parse(from) + REVIEW_REMINDER_MS).toISOString();
      if (!this.due(at)) return this.wait('awaitReview', at, request);
      const reminded = await this.record(request, {
        patch: { review: { ...review, remindedAt: this.now().toISOString() } },
        auditAction: 'reminded',
        detail: 'Review reminder',
      });
      this.notify('review-reminder', reminded);
      return { request: reminded };
    }
    if (review.announced !== true) {
      const told = await this.record(request, { patch: { review: { ...review, announced: true } } });
      this.notify('reviewed', told);
    }
    return { step: this.done(request.status) };
  }

  /** Writes a change that keeps the status (no audit event unless one is named). */
  private record(
    request: AccessRequest,
    change: {
      patch: Partial<AccessRequest>;
      auditAction?: 'reminded' | 'escalated';
      detail?: string;
      approversChanged?: boolean;
    },
  ): Promise<AccessRequest> {
    return writeRequestChange(this.deps.requests, request, {
      auditAction: change.auditAction ?? null,
      actor: 'system',
      at: this.now(),
      patch: change.patch,
      ...(change.detail !== undefined && { detail: change.detail }),
      ...(change.approversChanged === true && { approversChanged: true }),
    });
  }

  private async schedule(request: AccessRequest): Promise<Outcome> {
    const scheduled = await this.apply(request, 'schedule');
    if ('request' in scheduled && scheduled.request.status === 'scheduled') {
      // Approval flows announce the decision; break-glass raises the alert; others say the access is booked.
      const type =
        request.status === 'approved'
          ? 'approved'
          : request.breakGlass !== undefined
            ? 'break-glass'
            : 'scheduled';
      this.notify(type, scheduled.request);
    }
    return scheduled;
  }

  private async grant(request: AccessRequest, operation?: PendingOperation): Promise<Outcome> {
    const outcome = await this.control.acquire(request.id, targetOfRequest(request), operation);
    if (outcome.state === 'pending') return { step: this.poll('pollGrant', outcome.operation, request) };
    if (outcome.state === 'failed') {
      const fresh = await this.reread(request.id);
      // Revoked or cancelled meanwhile: nothing was granted, closing is all that is left.
      if (fresh.status !== 'scheduled') return { request: fresh };
      return this.fail(fresh, `Identity Center could not grant the access: ${outcome.reason}`);
    }
    const started = await this.apply(request, 'start', { at: this.now().toISOString() });
    if ('request' in started && started.request.status === 'in progress') {
      this.notify('started', started.request);
    }
    // Anything else (revoked or cancelled while granting) releases what was just granted.
    return started;
  }

  private async end(request: AccessRequest, operation?: PendingOperation): Promise<Outcome> {
    const outcome = await this.control.release(request.id, targetOfRequest(request), operation);
    if (outcome.state === 'pending') return { step: this.poll('pollRevoke', outcome.operation, request) };
    if (outcome.state === 'failed') {
      return this.fail(request, `Identity Center could not remove the access: ${outcome.reason}`);
    }
    const ended = await this.apply(request, 'end', { at: this.now().toISOString() });
    if ('request' in ended && ended.request.endedAt !== undefined) {
      this.notify(ended.request.status === 'revoked' ? 'revoked' : 'ended', ended.request);
      return this.afterAccess(ended.request);
    }
    return ended;
  }

  /** Revoked or cancelled by a person: remove whatever access the request holds, then say so. */
  private async close(request: AccessRequest, operation?: PendingOperation): Promise<Outcome> {
    if (request.status === 'revoked' && request.endedAt !== undefined)
      return { step: this.done(request.status) };
    const target = targetOfRequest(request);
    let pending = operation;
    if (pending?.kind === 'CREATE') {
      // Let the creation that was under way finish first, or the release could miss it.
      const created = await this.control.acquire(request.id, target, pending);
      if (created.state === 'pending') return { step: this.poll('pollGrant', created.operation, request) };
      pending = undefined;
    }
    const outcome = await this.control.release(request.id, target, pending);
    if (outcome.state === 'pending') return { step: this.poll('pollRevoke', outcome.operation, request) };
    if (outcome.state === 'failed') {
      return this.fail(request, `Identity Center could not remove the access: ${outcome.reason}`);
    }
    if (request.status === 'cancelled') return this.notifyAndFinish('cancelled', request);
    const ended = await this.apply(request, 'end', { at: this.now().toISOString() });
    if ('request' in ended && ended.request.status === 'revoked' && ended.request.endedAt !== undefined) {
      this.notify('revoked', ended.request);
      return this.afterAccess(ended.request);
    }
    return ended;
  }

  /** Catch path of the workflow: the request ends in `error` with what went wrong. */
  private async failed(request: AccessRequest): Promise<WorkflowStep> {
    const closed = request.status === 'revoked' ? request.endedAt !== undefined : isFinal(request.status);
    if (closed) return this.done(request.status);
    const outcome = await this.fail(request, `The workflow failed: ${failureReason(this.input.error)}`);
    return 'step' in outcome ? outcome.step : this.done(outcome.request.status);
  }

  private async fail(request: AccessRequest, reason: string): Promise<Outcome> {
    const failed = await this.apply(request, 'fail', { errorReason: reason });
    if ('request' in failed && failed.request.status === 'error') {
      return this.notifyAndFinish('error', failed.request, { errorReason: reason });
    }
    return failed;
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * A system transition; when the request moved on meanwhile (someone decided, revoked...) the
   * stored request comes back to be handled as it now is.
   */
  private async apply(
    request: AccessRequest,
    action: SystemAction,
    details?: SystemTransitionDetails,
  ): Promise<Outcome> {
    let changed: AccessRequest;
    try {
      changed = await this.transition(request, action, details);
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      return { request: await this.reread(request.id) };
    }
    this.latest = changed;
    const realtime = this.deps.realtime;
    if (changed.status !== request.status && realtime) {
      this.announce(async () => {
        const failure = await publishRequestChange(realtime, changed);
        if (failure !== undefined) {
          this.deps.logger?.warn('Realtime publish failed', {
            requestId: request.id,
            error: accessErrorReason(failure),
          });
        }
      });
    }
    return { request: changed };
  }

  private async reread(id: string): Promise<AccessRequest> {
    const fresh = await this.deps.requests.get(id);
    if (fresh === undefined) throw new NotFoundError(`Request ${id} does not exist.`);
    return fresh;
  }

  private notifyAndFinish(
    type: NotificationEventType,
    request: AccessRequest,
    input?: NotificationEventInput,
  ): Promise<Outcome> {
    this.notify(type, request, input);
    return Promise.resolve({ step: this.done(request.status) });
  }

  /** Queues `work` after what is already being announced (`work` must not throw). */
  private announce(work: () => Promise<void>): void {
    this.announcements = this.announcements.then(work);
  }

  private notify(type: NotificationEventType, request: AccessRequest, input?: NotificationEventInput): void {
    this.announce(async () => {
      try {
        await this.deps.notifier.notify(buildNotificationEvent(type, request, input), await this.settings());
      } catch (error) {
        // People not being told must never stop access from being granted or removed.
        this.deps.logger?.warn('Notification failed', {
          requestId: request.id,
          type,
          error: accessErrorReason(error),
        });
      }
    });
  }

  private async defaultExpiry(request: AccessRequest): Promise<string> {
    const { expiryHours } = await this.settings();
    return new Date(Date.parse(request.createdAt) + expiryHours * HOUR_MS).toISOString();
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private due(at: string): boolean {
    return Date.parse(at) <= this.now().getTime() + DUE_TOLERANCE_MS;
  }

  private endOf(request: AccessRequest): string {
    return accessEndOf(request);
  }

  private wait(next: WaitNext, until: string, request: AccessRequest): Promise<Outcome> {
    return Promise.resolve({ step: this.waitStep(next, until, request) });
  }

  private waitStep(next: WaitNext, until: string, request: AccessRequest): WorkflowStep {
    return {
      next,
      waitSeconds: waitSecondsUntil(until, this.now()),
      operation: null,
      status: request.status,
    };
  }

  private poll(
    next: 'pollGrant' | 'pollRevoke',
    operation: PendingOperation,
    request: AccessRequest,
  ): WorkflowStep {
    return { next, waitSeconds: 0, operation, status: request.status };
  }

  private done(status: RequestStatus | null): WorkflowStep {
    return { next: 'done', waitSeconds: 0, operation: null, status };
  }
}

type WaitNext = 'awaitDecision' | 'awaitStart' | 'awaitEnd' | 'awaitReview';

/** What people are told when an extension reaches a status (a withdrawn one tells nobody). */
const EXTENSION_NOTICE: Readonly<Record<Extension['status'], NotificationEventType | undefined>> = {
  pending: 'extension-requested',
  approved: 'extended',
  rejected: 'extension-rejected',
  cancelled: undefined,
};

/** What there is to tell about an extension: its status, and for a pending one its open stage. */
function extensionNews(request: AccessRequest, extension: Extension): string {
  if (extension.status !== 'pending') return extension.status;
  return `pending:${progressOf(stagesOf(request), extension.approvals).current ?? 0}`;
}

/** A wait's timeout in whole seconds: at least 1, at most MAX_WAIT_SECONDS. */
function waitSecondsUntil(until: string, now: Date): number {
  const seconds = Math.ceil((Date.parse(until) - now.getTime()) / 1000);
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, seconds));
}

/** How long the first state waits when nothing needs deciding: it is released at once anyway. */
const BEGIN_WITHOUT_DECISION_SECONDS = 3600;

/**
 * The timeout of the first state, which the execution's input carries (`waitSeconds`): the
 * request's time to expire, counted from its creation, when it waits for approval; else a bound
 * on a wait the step releases at once. Counted from creation, the input is the same however late
 * or often the start arrives (a second start with another input would be refused), and the wait
 * can only end after the expiry, never before: the expiry step then finds it due. A request
 * without a stored expiry gets the bound: the expiry step works out the real expiry from the
 * settings and waits again.
 */
export function beginWaitSeconds(
  request: Pick<AccessRequest, 'approvalRequired' | 'expiresAt' | 'createdAt' | 'approvalTimers'>,
): number {
  if (!request.approvalRequired || request.expiresAt === undefined) return BEGIN_WITHOUT_DECISION_SECONDS;
  return waitSecondsUntil(nextDecisionTimer(request, request.expiresAt).at, new Date(request.createdAt));
}

function isFinal(status: RequestStatus): boolean {
  return (
    status === 'rejected' ||
    status === 'cancelled' ||
    status === 'expired' ||
    status === 'ended' ||
    status === 'error'
  );
}

/**
 * The workflow's step use case (see the module comment). Statuses: pending → notify approvers
 * and wait for the decision until it expires (then expire and notify); approved, or pending
 * without approval → schedule and notify; scheduled → wait for the start, then grant (only
 * `in progress` once Identity Center confirmed it) and notify; in progress → wait for the end,
 * then revoke, end and notify; revoked or cancelled → remove any access, close and notify;
 * rejected → notify. A failed grant or revoke ends the request in `error` with the reason and
 * an error notification. Throttling, conflicts and transient errors are thrown for the
 * workflow to retry; the step can be repeated safely.
 */
export function makeRunWorkflowStep(deps: WorkflowDeps): (input: WorkflowStepInput) => Promise<WorkflowStep> {
  const control = new AccessControl(deps);
  const settings = cachedSettings(deps);
  return (input) => new StepRun(deps, control, settings, input).run();
}
