import { selectApproverPolicies } from '../../../lambdas/core/policies/approvers';
import { approverPolicyId, eligibilityPolicyId } from '../../../lambdas/core/policies/policy-ids';
import type { ApproverPolicy as CoreApproverPolicy } from '../../../lambdas/core/types';
import { ApiError } from '../../../web/src/api/errors';
import type { SubscriptionHandlers, TeamApi, Unsubscribe } from '../../../web/src/api/team-api';
import type {
  Account,
  Approval,
  ApprovalProgress,
  ApproverPolicy,
  CreateBreakGlassRequestInput,
  Dashboard,
  DecideExtensionInput,
  ExtendRequestInput,
  Extension,
  ReviewRequestInput,
  AuditEvent,
  EligibilityPolicy,
  Group,
  Me,
  OuNode,
  Page,
  PageArgs,
  PermissionSet,
  PolicyCheck,
  PolicyDocumentFormat,
  PolicyImportPreview,
  RequestHistoryPreview,
  Request,
  RequestApprovers,
  RequestChange,
  RequestFormOptions,
  RequestListName,
  RequestStatus,
  SessionLogEvent,
  SessionLogQuery,
  SessionLogsArgs,
  SessionReviewList,
  SessionSummary,
  Settings,
  User,
} from '../../../web/src/api/model';
import { dashboardOf } from './memory-dashboard';

export interface MemoryData {
  me: Me;
  formOptions: RequestFormOptions;
  requests: Request[];
  events: AuditEvent[];
  settings: Settings;
  eligibilityPolicies: EligibilityPolicy[];
  approverPolicies: ApproverPolicy[];
  accounts: Account[];
  ous: OuNode[];
  users: User[];
  groups: Group[];
  permissionSets: PermissionSet[];
  /** The OU (or root) each account sits directly under, by account id. */
  accountParents: Record<string, string>;
  /** Members (user ids) of each group, by group id. */
  groupMembers: Record<string, string[]>;
  /** The latest policy check (none before one ran). */
  policyCheck?: PolicyCheck;
  /** What `previewPolicyImport` answers (a test prepares it; the server's diff is tested there). */
  policyImportPreview?: PolicyImportPreview;
  /**
   * What `previewRequestHistoryImport` answers (the server's reading is tested there), or how it
   * answers each call's items; `importRequestHistory` imports its `toImport` and skips its
   * `alreadyImported`.
   */
  requestHistoryPreview?: RequestHistoryPreview | ((items: string) => RequestHistoryPreview);
  /** What `dashboard` answers for a range; default: counted from `requests` (memory-dashboard.ts). */
  dashboard?: (from: string, to: string) => Dashboard;
  /** Session summaries (session review), by request; none when omitted. */
  sessionSummaries?: SessionSummary[];
}

export interface Call {
  method: keyof TeamApi;
  args: unknown[];
}

const ACTIVE: readonly RequestStatus[] = ['SCHEDULED', 'IN_PROGRESS'];
const ENDED: readonly RequestStatus[] = ['ENDED', 'REVOKED'];

/** What an eligibility policy's create and update inputs share: its content. */
type EligibilityContentInput = Omit<
  Parameters<TeamApi['updateEligibilityPolicy']>[0],
  'id' | 'expectedUpdatedAt'
>;

/** `T` with its nullable fields optional instead: how the core's types leave a value out. */
type NullsDropped<T> = { [K in keyof T as null extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as null extends T[K] ? K : never]?: Exclude<T[K], null>;
};

function dropNulls<T extends object>(value: T): NullsDropped<T> {
  // What the API leaves null the core leaves out: dropping the nulls is the whole conversion.
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as NullsDropped<T>;
}

/** An approver policy as the core's selection reads it (stages and timers included once listed). */
function toCorePolicy(policy: ApproverPolicy): CoreApproverPolicy {
  return dropNulls(policy);
}

/** A stage of a request's approval, as stored on the request. */
type StageRuleOf = ApprovalProgress['stages'][number];

function page<T>(items: readonly T[], args?: PageArgs): Page<T> {
  const start = args?.nextToken ? Number(args.nextToken) : 0;
  const limit = args?.limit ?? 25;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : null;
  return { items: slice, nextToken: next };
}

/**
 * An in-memory TeamApi for page tests: lists filter like the server's queries, mutations move
 * requests along the lifecycle, every call is recorded, and failures can be injected.
 */
export class MemoryTeamApi implements TeamApi {
  readonly calls: Call[] = [];
  private readonly failures = new Map<keyof TeamApi, ApiError[]>();
  private readonly channels = new Map<string, Set<SubscriptionHandlers<RequestChange>>>();
  private clock = Date.parse('2026-09-01T08:00:00.000Z');
  private readonly sessionChannels = new Map<string, Set<SubscriptionHandlers<SessionLogQuery>>>();
  /** Session-log queries by request id (none until started or set). */
  readonly sessionQueries = new Map<string, SessionLogQuery>();
  /** Session-log rows by request id, served once a query is FINISHED. */
  readonly sessionEvents = new Map<string, SessionLogEvent[]>();
  /** Started queries report DISABLED, like a deployment without a provider. */
  sessionLogsDisabled = false;

  constructor(readonly data: MemoryData) {}

  /** The next call of `method` rejects with this error. */
  failNext(method: keyof TeamApi, error: ApiError): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }

  callsOf(method: keyof TeamApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Subscribers of a channel right now. */
  subscribers(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  /** Publishes a request change to the subscribers of each of its channels. */
  emit(change: RequestChange): void {
    for (const channel of change.channels) {
      for (const handlers of this.channels.get(channel) ?? []) handlers.next(change);
    }
  }

  private async record<T>(method: keyof TeamApi, args: unknown[], run: () => T): Promise<T> {
    this.calls.push({ method, args });
    await Promise.resolve();
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
    return run();
  }

  private find(id: string): Request {
    const request = this.data.requests.find((r) => r.id === id);
    if (!request) throw new ApiError('NotFound', 'No such request.');
    return request;
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private transition(
    id: string,
    from: readonly RequestStatus[],
    to: RequestStatus,
    patch: Partial<Request> = {},
  ) {
    const request = this.find(id);
    if (!from.includes(request.status)) {
      throw new ApiError(
        'IllegalTransition',
        `A request that is ${request.status.toLowerCase()} cannot become ${to.toLowerCase()}.`,
      );
    }
    Object.assign(request, patch, { status: to, updatedAt: this.now() });
    return { ...request };
  }

  private meActor() {
    const { me } = this.data;
    return { id: me.userId, email: me.email, name: me.displayName };
  }

  private listFilter(list: RequestListName): (r: Request) => boolean {
    const me = this.data.me.userId;
    const involved = (r: Request) => r.requester.id === me || r.approvers.some((a) => a.id === me);
    switch (list) {
      case 'myRequests':
        return (r) => r.requester.id === me;
      case 'pendingApprovals':
        return (r) => r.status === 'PENDING' && r.requester.id !== me && r.approvers.some((a) => a.id === me);
      case 'myApprovals':
        return (r) => r.decision?.by.id === me;
      case 'activeAccess':
        return (r) => ACTIVE.includes(r.status) && involved(r);
      case 'endedAccess':
        return (r) => ENDED.includes(r.status) && involved(r);
      case 'auditRequests':
        return () => true;
      case 'auditSessions':
        return (r) => ACTIVE.includes(r.status) || ENDED.includes(r.status);
      case 'reviewsPending':
        return (r) => r.breakGlass !== null && r.review?.state === 'NEEDED';
    }
  }

  me = () => this.record('me', [], () => ({ ...this.data.me }));
  requestFormOptions = () => this.record('requestFormOptions', [], () => this.data.formOptions);
  requestApprovers = (accountId: string, permissionSetArn: string) =>
    this.record('requestApprovers', [accountId, permissionSetArn], () =>
      this.approversOf(accountId, permissionSetArn),
    );
  getRequest = (id: string) =>
    this.record('getRequest', [id], () => {
      const found = this.data.requests.find((r) => r.id === id);
      return found ? { ...found } : null;
    });
  requestEvents = (requestId: string, args?: PageArgs) =>
    this.record('requestEvents', [requestId, args], () =>
      page(
        this.data.events.filter((e) => e.requestId === requestId),
        args,
      ),
    );
  listRequests = (list: RequestListName, args?: PageArgs) =>
    this.record('listRequests', [list, args], () => {
      const items = this.data.requests.filter(this.listFilter(list)).map((r) => ({ ...r }));
      if (list === 'reviewsPending') {
        if (!this.data.me.isAuditor && !this.data.me.isAdmin) {
          throw new ApiError('Forbidden', 'Only auditors and admins see the reviews pending.');
        }
        // Oldest first: the longest-waiting review on top.
        items.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
      }
      return page(items, args);
    });
  settings = () => this.record('settings', [], () => ({ ...this.data.settings }));
  /** Auditors and admins only, at most 366 days, like the server. */
  dashboard = (from: string, to: string) =>
    this.record('dashboard', [from, to], (): Dashboard => {
      if (!this.data.me.isAuditor && !this.data.me.isAdmin) {
        throw new ApiError('Unauthorized', 'Only auditors and admins see the dashboard.');
      }
      const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
      if (!(days >= 1 && days <= 366)) {
        throw new ApiError('ValidationError', 'The range must hold from 1 to 366 days.');
      }
      return this.data.dashboard ? this.data.dashboard(from, to) : dashboardOf(this.data.requests, from, to);
    });
  rebuildDashboard = () =>
    this.record('rebuildDashboard', [], () => {
      if (!this.data.me.isAdmin) throw new ApiError('Unauthorized', 'Only admins rebuild the dashboard.');
      return { startedAt: this.now() };
    });
  eligibilityPolicies = (args?: PageArgs) =>
    this.record('eligibilityPolicies', [args], () => page(this.data.eligibilityPolicies, args));
  approverPolicies = (args?: PageArgs) =>
    this.record('approverPolicies', [args], () => page(this.data.approverPolicies, args));
  accounts = (args?: PageArgs) => this.record('accounts', [args], () => page(this.data.accounts, args));
  ouTree = (args?: PageArgs) => this.record('ouTree', [args], () => page(this.data.ous, args));
  users = (args?: PageArgs) => this.record('users', [args], () => page(this.data.users, args));
  groups = (args?: PageArgs) => this.record('groups', [args], () => page(this.data.groups, args));
  permissionSets = (args?: PageArgs) =>
    this.record('permissionSets', [args], () => page(this.data.permissionSets, args));

  sessionLogQuery = (requestId: string) =>
    this.record('sessionLogQuery', [requestId], (): SessionLogQuery | null => {
      const query = this.sessionQueries.get(requestId);
      return query ? { ...query } : null;
    });
  sessionLogs = (requestId: string, options?: SessionLogsArgs) =>
    this.record('sessionLogs', [requestId, options], () => {
      const all = this.sessionEvents.get(requestId) ?? [];
      return page(options?.writeOnly ? all.filter((e) => e.readOnly !== true) : all, options);
    });
  /** Starts a QUEUED query (DISABLED when `sessionLogsDisabled`); push progress with `emitSessionLogQuery`. */
  startSessionLogQuery = (requestId: string) =>
    this.record('startSessionLogQuery', [requestId], (): SessionLogQuery => {
      const query: SessionLogQuery = {
        requestId,
        status: this.sessionLogsDisabled ? 'DISABLED' : 'QUEUED',
        progress: null,
        error: null,
        windowStart: null,
        windowEnd: null,
        rowCount: null,
        updatedAt: this.now(),
      };
      this.sessionQueries.set(requestId, query);
      return { ...query };
    });

  createRequest = (input: Parameters<TeamApi['createRequest']>[0]) =>
    this.record('createRequest', [input], () => {
      const account = this.data.formOptions.accounts.find((a) => a.id === input.accountId);
      const permissionSet = account?.permissionSets.find((p) => p.arn === input.permissionSetArn);
      if (!account || !permissionSet) throw new ApiError('NotEligible', 'You are not eligible for this.');
      const { approvers, stages } = this.approversOf(account.id, permissionSet.arn);
      if (permissionSet.approvalRequired && approvers.length > 0) {
        this.requireFeasible(stages, `${account.name} (${account.id})`);
      }
      if (permissionSet.approvalRequired && approvers.length === 0) {
        throw new ApiError(
          'NoApprover',
          `No one other than you can approve access to ${account.name} (${account.id}); ask an administrator to add an approver policy.`,
        );
      }
      const now = this.now();
      const request: Request = {
        id: `req-${this.data.requests.length + 1}`,
        requester: this.meActor(),
        account: { id: account.id, name: account.name },
        permissionSet: { arn: permissionSet.arn, name: permissionSet.name },
        sessionDuration: 'PT1H',
        startTime: input.startTime ?? now,
        durationHours: input.durationHours,
        justification: input.justification,
        ticketNo: input.ticketNo ?? null,
        status: permissionSet.approvalRequired ? 'PENDING' : 'SCHEDULED',
        approvalRequired: permissionSet.approvalRequired,
        approvers: approvers.map((a) => ({
          id: a.id,
          email: this.data.users.find((u) => u.id === a.id)?.email ?? '',
          name: a.name,
        })),
        expiresAt: null,
        decision: null,
        cancelledAt: null,
        revoke: null,
        grantedAt: null,
        endedAt: null,
        errorReason: null,
        importedFrom: null,
        createdAt: now,
        updatedAt: now,
        endTime: new Date(Date.parse(input.startTime ?? now) + input.durationHours * 3_600_000).toISOString(),
        approval: permissionSet.approvalRequired ? this.newApproval(stages) : null,
        extensions: [],
        maxTotalHours: null,
        extensionApprovalRequired: true,
        breakGlass: null,
        review: null,
      };
      this.data.requests.unshift(request);
      return { ...request };
    });
  /**
   * Adds the caller's approval in the open stage (one person counts once); the last one needed
   * approves the request. A request without stages is approved by any one approver.
   */
  approveRequest = (input: Parameters<TeamApi['approveRequest']>[0]) =>
    this.record('approveRequest', [input], () => {
      const request = this.find(input.requestId);
      const approval = request.approval;
      if (!approval || approval.stages.length === 0 || request.status !== 'PENDING') {
        return this.transition(input.requestId, ['PENDING'], 'APPROVED', {
          decision: { by: this.meActor(), at: this.now(), comment: input.comment ?? null },
        });
      }
      if (request.requester.id === this.data.me.userId) {
        throw new ApiError('Forbidden', 'You cannot approve your own request.');
      }
      const given = approval.stages.flatMap((s) => s.approvals);
      const stage = this.stageForApproval(approval.stages, given);
      const comment = input.comment?.trim() ? input.comment.trim() : null;
      const added: Approval = { by: this.meActor(), at: this.now(), comment, stage };
      const stages = approval.stages.map((s) => {
        const approvals = s.index === stage ? [...s.approvals, added] : s.approvals;
        return { ...s, approvals, complete: approvals.length >= s.required };
      });
      const open = stages.find((s) => !s.complete);
      request.approval = {
        ...approval,
        stages,
        currentStage: open ? open.index : null,
        approvalsGiven: given.length + 1,
      };
      if (open) {
        this.recordEvent(request, 'APPROVAL_RECORDED', {
          comment,
          detail: `${given.length + 1} of ${approval.approvalsRequired}`,
        });
        request.updatedAt = this.now();
        return { ...request };
      }
      const approved = this.transition(input.requestId, ['PENDING'], 'APPROVED', {
        decision: { by: added.by, at: added.at, comment },
      });
      this.recordEvent(request, 'APPROVED', { comment, fromStatus: 'PENDING', toStatus: 'APPROVED' });
      return approved;
    });
  rejectRequest = (input: Parameters<TeamApi['rejectRequest']>[0]) =>
    this.record('rejectRequest', [input], () =>
      this.transition(input.requestId, ['PENDING'], 'REJECTED', {
        decision: { by: this.meActor(), at: this.now(), comment: input.comment ?? null },
      }),
    );
  cancelRequest = (requestId: string) =>
    this.record('cancelRequest', [requestId], () =>
      this.transition(requestId, ['PENDING', 'SCHEDULED'], 'CANCELLED', { cancelledAt: this.now() }),
    );
  revokeRequest = (input: Parameters<TeamApi['revokeRequest']>[0]) =>
    this.record('revokeRequest', [input], () =>
      this.transition(input.requestId, ['SCHEDULED', 'IN_PROGRESS'], 'REVOKED', {
        revoke: { by: this.meActor(), at: this.now(), comment: input.comment ?? null },
      }),
    );

  // --- requests: approvals, stages, extensions, break-glass, review (docs/approvals.md) ---

  /** Appends an event to a request's history, as the server records it. */
  private recordEvent(
    request: Request,
    action: AuditEvent['action'],
    patch: Partial<Pick<AuditEvent, 'comment' | 'detail' | 'fromStatus' | 'toStatus'>> = {},
  ): void {
    this.data.events.push({
      id: `e-${this.data.events.length + 1}`,
      requestId: request.id,
      at: this.now(),
      action,
      actor: this.meActor(),
      fromStatus: null,
      toStatus: null,
      comment: null,
      detail: null,
      ...patch,
    });
  }

  /** The comment of a decision: required when the settings say so (ValidationError on `comment`). */
  private decisionComment(comment: string | null | undefined): string | null {
    const trimmed = comment?.trim() ?? '';
    if (trimmed === '' && this.data.settings.commentsRequired) {
      throw new ApiError('ValidationError', 'A comment is required.', 'comment');
    }
    return trimmed === '' ? null : trimmed;
  }

  /**
   * The stage an approval by the caller counts for, given the approvals so far: one person counts
   * once, and only the open stage's approvers approve (Forbidden otherwise, naming the stage).
   */
  private stageForApproval(stages: readonly StageRuleOf[], approvals: readonly Approval[]): number {
    const me = this.data.me.userId;
    if (approvals.some((a) => a.by.id === me)) {
      throw new ApiError(
        'Forbidden',
        'You have already approved; another approver must give the next approval.',
      );
    }
    const open = stages.find((s) => approvals.filter((a) => a.stage === s.index).length < s.required);
    if (!open) throw new ApiError('Forbidden', 'Every approval this needs has already been given.');
    if (!open.approvers.some((a) => a.id === me)) {
      const label = (s: StageRuleOf) => s.name ?? `stage ${s.index + 1}`;
      const mine = stages.find((s) => s.approvers.some((a) => a.id === me));
      throw new ApiError(
        'Forbidden',
        mine && mine.index > open.index
          ? `This is waiting for ${label(open)} first; you approve in ${label(mine)}.`
          : `You are not an approver of ${label(open)}, which this is waiting for.`,
      );
    }
    return open.index;
  }

  /** The stages of the approval a request would go through, by the deciding policies (docs/approvals.md). */
  private stagesOf(policies: readonly CoreApproverPolicy[]): RequestApprovers['stages'] {
    if (policies.length === 0) return [];
    const candidate = (
      ids: readonly string[],
      groups: readonly { id: string; name: string }[],
      named: Set<string>,
    ) =>
      [...new Set([...groups.flatMap((g) => this.data.groupMembers[g.id] ?? []), ...ids])]
        .filter((id) => id !== this.data.me.userId)
        .flatMap((id) => {
          const user = this.data.users.find((u) => u.id === id);
          if (!user) return [];
          const memberOf = groups.filter((g) => (this.data.groupMembers[g.id] ?? []).includes(id));
          return [{ id, name: user.displayName ?? user.userName, groups: memberOf, named: named.has(id) }];
        });
    const firstUsers = policies.flatMap((p) => p.approverUsers.map((u) => u.id));
    const first = {
      name: policies.find((p) => p.stageName !== undefined)?.stageName ?? null,
      required: Math.max(...policies.map((p) => p.approvalsRequired ?? 1)),
      approvers: candidate(
        firstUsers,
        policies.flatMap((p) => p.approverGroups),
        new Set(firstUsers),
      ),
    };
    const later = policies.flatMap((p) =>
      (p.nextStages ?? []).map((stage) => {
        const users = stage.approverUsers.map((u) => u.id);
        return {
          name: stage.name,
          required: stage.approvalsRequired,
          approvers: candidate(users, stage.approverGroups, new Set(users)),
        };
      }),
    );
    return [first, ...later];
  }

  /** Refuses stages that different people other than the requester cannot complete (a matching). */
  private requireFeasible(stages: RequestApprovers['stages'], target: string): void {
    const slots = stages.flatMap((stage, index) => Array.from({ length: stage.required }, () => index));
    const holder = new Map<string, number>();
    const assign = (slot: number, seen: Set<string>): boolean => {
      for (const approver of stages[slots[slot] ?? -1]?.approvers ?? []) {
        if (seen.has(approver.id)) continue;
        seen.add(approver.id);
        const other = holder.get(approver.id);
        if (other === undefined || assign(other, seen)) {
          holder.set(approver.id, slot);
          return true;
        }
      }
      return false;
    };
    slots.forEach((stageIndex, slot) => {
      if (!assign(slot, new Set())) {
        const stage = stages[stageIndex];
        const name = stage?.name ? `Stage "${stage.name}"` : `Stage ${stageIndex + 1}`;
        throw new ApiError(
          'NoApprover',
          `${name} cannot get its approvals for ${target}: one person counts only once; ask an administrator to change the approver policy.`,
        );
      }
    });
  }

  /** The approval progress a new request starts with. */
  private newApproval(stages: RequestApprovers['stages']): ApprovalProgress {
    const actor = (id: string) => {
      const user = this.data.users.find((u) => u.id === id);
      return { id, email: user?.email ?? '', name: user?.displayName ?? user?.userName ?? null };
    };
    return {
      stages: stages.map((stage, index) => ({
        index,
        name: stage.name,
        required: stage.required,
        approvers: stage.approvers.map((a) => actor(a.id)),
        approvals: [],
        complete: false,
      })),
      currentStage: 0,
      approvalsGiven: 0,
      approvalsRequired: stages.reduce((sum, s) => sum + s.required, 0),
      remindAt: null,
      remindedAt: null,
      escalateAt: null,
      escalatedAt: null,
    };
  }

  /** Everyone listed as an approver of a request (escalation may add some to the stages). */
  private isApproverOf(request: Request): boolean {
    const me = this.data.me.userId;
    return (
      request.approvers.some((a) => a.id === me) ||
      (request.approval?.stages.some((s) => s.approvers.some((a) => a.id === me)) ?? false)
    );
  }

  private approvedExtensionHours(request: Request): number {
    return request.extensions.filter((e) => e.status === 'APPROVED').reduce((sum, e) => sum + e.hours, 0);
  }

  /** Moves the end of access by an approved extension. */
  private applyExtension(request: Request, extension: Extension): void {
    request.endTime = new Date(Date.parse(request.endTime) + extension.hours * 3_600_000).toISOString();
  }

  private pendingExtensionOf(request: Request, extensionId: number): Extension {
    const extension = request.extensions.find((e) => e.id === extensionId);
    if (!extension) throw new ApiError('NotFound', 'No such extension.');
    if (extension.status !== 'PENDING') {
      throw new ApiError('Conflict', `The extension is already ${extension.status.toLowerCase()}.`);
    }
    return extension;
  }

  createBreakGlassRequest = (input: CreateBreakGlassRequestInput) =>
    this.record('createBreakGlassRequest', [input], () => {
      const account = this.data.formOptions.accounts.find((a) => a.id === input.accountId);
      const permissionSet = account?.permissionSets.find((p) => p.arn === input.permissionSetArn);
      if (
        !account ||
        !permissionSet ||
        !permissionSet.breakGlass ||
        !this.data.formOptions.breakGlassEnabled
      ) {
        throw new ApiError('NotEligible', 'You may not take break-glass access to this.');
      }
      const max = permissionSet.breakGlassMaxHours ?? 1;
      if (!Number.isInteger(input.durationHours) || input.durationHours < 1 || input.durationHours > max) {
        throw new ApiError('ValidationError', `Break-glass access lasts 1 to ${max} hours.`, 'durationHours');
      }
      if (input.justification.trim() === '') {
        throw new ApiError('ValidationError', 'A reason is required.', 'justification');
      }
      const incident = input.incident.trim();
      if (incident === '' || [...incident].length > 100) {
        throw new ApiError(
          'ValidationError',
          'An incident or ticket reference of 1–100 characters is required.',
          'incident',
        );
      }
      const { approvers } = this.approversOf(account.id, permissionSet.arn);
      const now = this.now();
      const request: Request = {
        id: `req-${this.data.requests.length + 1}`,
        requester: this.meActor(),
        account: { id: account.id, name: account.name },
        permissionSet: { arn: permissionSet.arn, name: permissionSet.name },
        sessionDuration: 'PT1H',
        startTime: now,
        durationHours: input.durationHours,
        justification: input.justification.trim(),
        ticketNo: null,
        status: 'SCHEDULED',
        approvalRequired: false,
        approvers: approvers.map((a) => ({
          id: a.id,
          email: this.data.users.find((u) => u.id === a.id)?.email ?? '',
          name: a.name,
        })),
        expiresAt: null,
        decision: null,
        cancelledAt: null,
        revoke: null,
        grantedAt: null,
        endedAt: null,
        errorReason: null,
        importedFrom: null,
        createdAt: now,
        updatedAt: now,
        endTime: new Date(Date.parse(now) + input.durationHours * 3_600_000).toISOString(),
        approval: null,
        extensions: [],
        maxTotalHours: null,
        extensionApprovalRequired: false,
        breakGlass: { incident },
        review: { state: 'NEEDED', by: null, at: null, comment: null },
      };
      this.data.requests.unshift(request);
      this.recordEvent(request, 'BREAK_GLASS', { toStatus: 'SCHEDULED', detail: `Incident ${incident}` });
      return { ...request };
    });

  extendRequest = (input: ExtendRequestInput) =>
    this.record('extendRequest', [input], () => {
      const request = this.find(input.requestId);
      const me = this.data.me.userId;
      if (request.requester.id !== me && !this.isApproverOf(request)) {
        throw new ApiError('Forbidden', 'Only the requester or an approver may extend this access.');
      }
      if (request.status !== 'SCHEDULED' && request.status !== 'IN_PROGRESS') {
        throw new ApiError(
          'IllegalTransition',
          `Access that is ${request.status.toLowerCase()} cannot be extended.`,
        );
      }
      if (request.maxTotalHours === null) throw new ApiError('Forbidden', 'This access cannot be extended.');
      if (Date.parse(request.endTime) - this.clock < 60_000) {
        throw new ApiError('Conflict', 'Access ends in less than a minute; it can no longer be extended.');
      }
      if (request.extensions.some((e) => e.status === 'PENDING')) {
        throw new ApiError('Conflict', 'An extension is already waiting for a decision.');
      }
      const left = request.maxTotalHours - request.durationHours - this.approvedExtensionHours(request);
      if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > left) {
        throw new ApiError(
          'ValidationError',
          `At most ${left} more hours (${request.maxTotalHours} in all).`,
          'hours',
        );
      }
      if (input.reason.trim() === '')
        throw new ApiError('ValidationError', 'A reason is required.', 'reason');
      const needsApproval =
        request.extensionApprovalRequired && request.approvalRequired && request.approval !== null;
      const extension: Extension = {
        id: request.extensions.length + 1,
        hours: input.hours,
        reason: input.reason.trim(),
        requestedBy: this.meActor(),
        requestedAt: this.now(),
        status: needsApproval ? 'PENDING' : 'APPROVED',
        approvals: [],
        decision: null,
      };
      request.extensions = [...request.extensions, extension];
      this.recordEvent(request, 'EXTENSION_REQUESTED', {
        comment: extension.reason,
        detail: `${input.hours} hours`,
      });
      if (!needsApproval) {
        this.applyExtension(request, extension);
        this.recordEvent(request, 'EXTENDED', { detail: `Access ends ${request.endTime}` });
      }
      request.updatedAt = this.now();
      return { ...request };
    });

  approveExtension = (input: DecideExtensionInput) =>
    this.record('approveExtension', [input], () => {
      const request = this.find(input.requestId);
      if (request.requester.id === this.data.me.userId) {
        throw new ApiError('Forbidden', 'You cannot approve an extension of your own access.');
      }
      const extension = this.pendingExtensionOf(request, input.extensionId);
      if (request.status !== 'SCHEDULED' && request.status !== 'IN_PROGRESS') {
        throw new ApiError('IllegalTransition', 'Access has ended; the extension can no longer be approved.');
      }
      const stages = request.approval?.stages ?? [];
      const comment = this.decisionComment(input.comment);
      const stage = this.stageForApproval(stages, extension.approvals);
      const approval: Approval = { by: this.meActor(), at: this.now(), comment, stage };
      extension.approvals = [...extension.approvals, approval];
      const complete = stages.every(
        (s) => extension.approvals.filter((a) => a.stage === s.index).length >= s.required,
      );
      if (complete) {
        extension.status = 'APPROVED';
        extension.decision = { by: approval.by, at: approval.at, comment };
        this.applyExtension(request, extension);
        this.recordEvent(request, 'EXTENDED', { comment, detail: `Access ends ${request.endTime}` });
      } else {
        this.recordEvent(request, 'APPROVAL_RECORDED', { comment, detail: `Extension ${extension.id}` });
      }
      request.updatedAt = this.now();
      return { ...request };
    });

  rejectExtension = (input: DecideExtensionInput) =>
    this.record('rejectExtension', [input], () => {
      const request = this.find(input.requestId);
      const extension = this.pendingExtensionOf(request, input.extensionId);
      if (request.requester.id === this.data.me.userId) {
        extension.status = 'CANCELLED';
        this.recordEvent(request, 'EXTENSION_CANCELLED', { detail: `Extension ${extension.id}` });
      } else {
        if (!this.isApproverOf(request))
          throw new ApiError('Forbidden', 'You are not an approver of this request.');
        const comment = this.decisionComment(input.comment);
        extension.status = 'REJECTED';
        extension.decision = { by: this.meActor(), at: this.now(), comment };
        this.recordEvent(request, 'EXTENSION_REJECTED', { comment, detail: `Extension ${extension.id}` });
      }
      request.updatedAt = this.now();
      return { ...request };
    });

  reviewRequest = (input: ReviewRequestInput) =>
    this.record('reviewRequest', [input], () => {
      const request = this.find(input.requestId);
      if (!request.breakGlass || !request.review) {
        throw new ApiError('ValidationError', 'Only break-glass access is reviewed.', 'requestId');
      }
      if (request.requester.id === this.data.me.userId) {
        throw new ApiError('Forbidden', 'You cannot review your own break-glass access.');
      }
      if (!this.isApproverOf(request))
        throw new ApiError('Forbidden', 'Only an approver of this request can review it.');
      if (request.review.state !== 'NEEDED')
        throw new ApiError('Conflict', 'This access was already reviewed.');
      if (input.state === 'NEEDED') {
        throw new ApiError('ValidationError', 'Acknowledge or flag the access.', 'state');
      }
      const comment = input.comment.trim();
      if (comment === '') throw new ApiError('ValidationError', 'A comment is required.', 'comment');
      request.review = { state: input.state, by: this.meActor(), at: this.now(), comment };
      this.recordEvent(request, 'REVIEWED', {
        comment,
        detail: input.state === 'FLAGGED' ? 'Flagged' : 'Acknowledged',
      });
      request.updatedAt = this.now();
      return { ...request };
    });
  // --- end of requests: approvals, stages, extensions, break-glass, review ---

  // --- session review: like the server, auditors and admins only, never one's own session ---

  private requireOversight(): void {
    if (!this.data.me.isAuditor && !this.data.me.isAdmin) {
      throw new ApiError('Unauthorized', 'Only auditors and admins may review sessions.');
    }
  }

  sessionsToReview = (state: SessionReviewList, args?: PageArgs) =>
    this.record('sessionsToReview', [state, args], () => {
      this.requireOversight();
      const items = (this.data.sessionSummaries ?? [])
        .filter((s) => s.reviewState === state)
        .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
        .map((s) => structuredClone(s));
      return page(items, args);
    });
  sessionSummary = (requestId: string) =>
    this.record('sessionSummary', [requestId], (): SessionSummary | null => {
      this.requireOversight();
      const found = (this.data.sessionSummaries ?? []).find((s) => s.requestId === requestId);
      return found ? structuredClone(found) : null;
    });
  markSessionReviewed = (requestId: string, comment: string) =>
    this.record('markSessionReviewed', [requestId, comment], (): SessionSummary => {
      this.requireOversight();
      const summary = (this.data.sessionSummaries ?? []).find((s) => s.requestId === requestId);
      if (!summary) throw new ApiError('NotFound', 'This request has no session summary.');
      if (summary.requester.id === this.data.me.userId) {
        throw new ApiError('Unauthorized', 'You may not review your own session; another auditor has to.');
      }
      if (summary.reviewState === 'REVIEWED')
        throw new ApiError('Conflict', 'This session was already reviewed.');
      if (summary.reviewState !== 'TO_REVIEW') {
        throw new ApiError('ValidationError', 'This session needs no review.', 'requestId');
      }
      const text = comment.trim();
      if (text === '') throw new ApiError('ValidationError', 'Comment is required.', 'comment');
      Object.assign(summary, {
        reviewState: 'REVIEWED',
        reviewedBy: this.meActor(),
        reviewedAt: this.now(),
        reviewComment: text,
      });
      const request = this.data.requests.find((r) => r.id === requestId);
      if (request) this.recordEvent(request, 'SESSION_REVIEWED', { comment: text });
      return structuredClone(summary);
    });
  // --- end of session review ---

  private accountRef(id: string) {
    return { id, name: this.data.accounts.find((a) => a.id === id)?.name ?? id };
  }
  private ouRef(id: string) {
    return { id, name: this.data.ous.find((o) => o.id === id)?.name ?? id };
  }
  private permissionSetRef(arn: string) {
    return { arn, name: this.data.permissionSets.find((p) => p.arn === arn)?.name ?? arn };
  }
  private groupRef(id: string) {
    return { id, name: this.data.groups.find((g) => g.id === id)?.name ?? id };
  }
  private userRef(id: string) {
    return { id, name: this.data.users.find((u) => u.id === id)?.userName ?? id };
  }

  /** What an eligibility policy grants and its limits, checked as the server checks them. */
  private eligibilityContent(input: EligibilityContentInput) {
    const accounts = (input.accountIds ?? []).map((id) => this.accountRef(id));
    const ous = (input.ouIds ?? []).map((id) => this.ouRef(id));
    const permissionSets = (input.permissionSetArns ?? []).map((arn) => this.permissionSetRef(arn));
    const pairs = (input.pairs ?? []).map((pair) => ({
      account: this.accountRef(pair.accountId),
      permissionSet: this.permissionSetRef(pair.permissionSetArn),
    }));
    if (pairs.length > 0 && accounts.length + ous.length + permissionSets.length > 0) {
      throw new ApiError(
        'ValidationError',
        'A policy grants either accounts and OUs × permission sets, or a list of pairs, not both.',
        'pairs',
      );
    }
    if (pairs.length === 0 && accounts.length === 0 && ous.length === 0) {
      throw new ApiError('ValidationError', 'Choose at least one account or OU.', 'accountIds');
    }
    if (pairs.length === 0 && permissionSets.length === 0) {
      throw new ApiError('ValidationError', 'Choose at least one permission set.', 'permissionSetArns');
    }
    const includeNestedOus = input.includeNestedOus ?? false;
    if (includeNestedOus && ous.length === 0) {
      throw new ApiError('ValidationError', 'Include nested OUs needs at least one OU.', 'includeNestedOus');
    }
    const maxTotalHours = input.maxTotalHours ?? input.maxDurationHours;
    if (maxTotalHours < input.maxDurationHours) {
      throw new ApiError(
        'ValidationError',
        `Maximum total hours with extensions must be at least the maximum duration (${input.maxDurationHours} hours).`,
        'maxTotalHours',
      );
    }
    const breakGlass = input.breakGlass ?? false;
    const breakGlassMaxHours = input.breakGlassMaxHours ?? 1;
    if (breakGlass && breakGlassMaxHours > Math.min(24, input.maxDurationHours)) {
      throw new ApiError(
        'ValidationError',
        `Break-glass maximum duration must be at most the maximum duration (${input.maxDurationHours} hours).`,
        'breakGlassMaxHours',
      );
    }
    return {
      accounts,
      ous,
      includeNestedOus,
      permissionSets,
      pairs,
      maxDurationHours: input.maxDurationHours,
      approvalRequired: input.approvalRequired,
      maxTotalHours,
      extensionApprovalRequired: input.extensionApprovalRequired ?? true,
      breakGlass,
      breakGlassMaxHours,
      ticketNo: input.ticketNo ?? null,
    };
  }

  /** The approval rules of an approver policy (stages, timers), checked as the server checks them. */
  private approvalRules(input: Parameters<TeamApi['updateApproverPolicy']>[0]) {
    const nextStages = (input.nextStages ?? []).map((stage, index) => {
      const approverGroups = (stage.approverGroupIds ?? []).map((id) => this.groupRef(id));
      const approverUsers = (stage.approverUserIds ?? []).map((id) => this.userRef(id));
      if (approverGroups.length + approverUsers.length === 0) {
        throw new ApiError(
          'ValidationError',
          `Stage "${stage.name}" needs at least one approver group or user (item ${index + 1}).`,
          `nextStages.${index}.approverGroupIds`,
        );
      }
      return {
        name: stage.name,
        approverGroups,
        approverUsers,
        approvalsRequired: stage.approvalsRequired ?? 1,
      };
    });
    const remind = input.remindAfterMinutes ?? null;
    const escalate = input.escalateAfterMinutes ?? null;
    if (remind !== null && escalate !== null && escalate <= remind) {
      throw new ApiError(
        'ValidationError',
        `Escalation time must come after the reminder (more than ${remind} minutes).`,
        'escalateAfterMinutes',
      );
    }
    return {
      approvalsRequired: input.approvalsRequired ?? 1,
      stageName: input.stageName?.trim() || null,
      nextStages,
      remindAfterMinutes: remind,
      escalateAfterMinutes: escalate,
      escalationGroups: (input.escalationGroupIds ?? []).map((id) => this.groupRef(id)),
    };
  }

  /** Who would approve a request of the caller, chosen among the stored approver policies as the server does. */
  private approversOf(accountId: string, permissionSetArn: string): RequestApprovers {
    const eligible = this.data.formOptions.accounts
      .find((a) => a.id === accountId)
      ?.permissionSets.find((p) => p.arn === permissionSetArn);
    if (!eligible) {
      throw new ApiError(
        'NotEligible',
        `You are not eligible to request this permission set in account ${accountId}.`,
      );
    }
    const path = [accountId];
    for (let at = this.data.accountParents[accountId]; at !== undefined && !path.includes(at);) {
      path.push(at);
      at = this.data.ous.find((o) => o.id === at)?.parentId ?? undefined;
    }
    const chosen = selectApproverPolicies(this.data.approverPolicies.map(toCorePolicy), {
      accountId,
      permissionSetArn,
      path,
    });
    const groupsOf = new Map<string, { id: string; name: string }[]>();
    const named = new Set<string>();
    for (const policy of chosen) {
      for (const group of policy.approverGroups) {
        for (const member of this.data.groupMembers[group.id] ?? []) {
          const groups = groupsOf.get(member) ?? [];
          if (!groups.some((g) => g.id === group.id)) groups.push(group);
          groupsOf.set(member, groups);
        }
      }
      for (const user of policy.approverUsers) named.add(user.id);
    }
    const approvers = [...new Set([...groupsOf.keys(), ...named])]
      .filter((id) => id !== this.data.me.userId)
      .flatMap((id) => {
        const user = this.data.users.find((u) => u.id === id);
        if (!user) return [];
        return [
          {
            id,
            name: user.displayName ?? user.userName,
            groups: groupsOf.get(id) ?? [],
            named: named.has(id),
          },
        ];
      });
    return { approvalRequired: eligible.approvalRequired, approvers, stages: this.stagesOf(chosen) };
  }

  createEligibilityPolicies = (input: Parameters<TeamApi['createEligibilityPolicies']>[0]) =>
    this.record('createEligibilityPolicies', [input], () => {
      const name = input.name?.trim() || 'default';
      const content = this.eligibilityContent(input);
      const ids = input.principals.map((p) => eligibilityPolicyId(p.id, name));
      const existing = this.data.eligibilityPolicies.filter((p) => ids.includes(p.id));
      if (existing.length > 0) {
        const names = existing.map((p) => p.principalName).join(', ');
        throw new ApiError(
          'Conflict',
          `${names} already ${existing.length === 1 ? 'has' : 'have'} an eligibility policy named "${existing[0]?.name ?? name}"; edit it or choose another name. Nothing was created.`,
        );
      }
      const updatedAt = this.now();
      const created = input.principals.map((principal, index): EligibilityPolicy => ({
        id: ids[index] ?? principal.id,
        principalId: principal.id,
        principalType: principal.type,
        principalName:
          principal.type === 'USER' ? this.userRef(principal.id).name : this.groupRef(principal.id).name,
        name,
        ...content,
        updatedAt,
        updatedBy: this.data.me.userName,
      }));
      this.data.eligibilityPolicies.push(...created);
      return created.map((p) => ({ ...p }));
    });
  updateEligibilityPolicy = (input: Parameters<TeamApi['updateEligibilityPolicy']>[0]) =>
    this.record('updateEligibilityPolicy', [input], () => {
      const policy = this.data.eligibilityPolicies.find((p) => p.id === input.id);
      if (!policy) throw new ApiError('NotFound', 'No such policy.');
      if (policy.updatedAt !== input.expectedUpdatedAt) throw new ApiError('Conflict', 'The policy changed.');
      Object.assign(policy, this.eligibilityContent(input), {
        updatedAt: this.now(),
        updatedBy: this.data.me.userName,
      });
      return { ...policy };
    });
  deleteEligibilityPolicies = (ids: string[]) =>
    this.record('deleteEligibilityPolicies', [ids], () => {
      const deletedIds = this.data.eligibilityPolicies.filter((p) => ids.includes(p.id)).map((p) => p.id);
      this.data.eligibilityPolicies = this.data.eligibilityPolicies.filter((p) => !ids.includes(p.id));
      return { deletedIds };
    });
  createApproverPolicies = (input: Parameters<TeamApi['createApproverPolicies']>[0]) =>
    this.record('createApproverPolicies', [input], () => {
      const arns = input.permissionSetArns ?? [];
      if (arns.length > 20) {
        throw new ApiError(
          'ValidationError',
          'Permission sets: at most 20 in one approver policy.',
          'permissionSetArns',
        );
      }
      const approverGroups = (input.approverGroupIds ?? []).map((id) => this.groupRef(id));
      const approverUsers = (input.approverUserIds ?? []).map((id) => this.userRef(id));
      if (approverGroups.length + approverUsers.length === 0) {
        throw new ApiError(
          'ValidationError',
          'Choose at least one approver group or user.',
          'approverGroupIds',
        );
      }
      const rules = this.approvalRules({ ...input, id: '', expectedUpdatedAt: '' });
      const updatedAt = this.now();
      const created = input.targets.map((targetId): ApproverPolicy => {
        const account = this.data.accounts.find((a) => a.id === targetId);
        return {
          id: approverPolicyId(targetId, arns),
          targetId,
          targetType: account ? 'ACCOUNT' : 'OU',
          targetName: account?.name ?? this.ouRef(targetId).name,
          permissionSets: arns.map((arn) => this.permissionSetRef(arn)),
          includeNestedOus: !account && (input.includeNestedOus ?? false),
          approverGroups,
          approverUsers,
          also: input.also ?? false,
          ...rules,
          ticketNo: input.ticketNo ?? null,
          updatedAt,
          updatedBy: this.data.me.userName,
        };
      });
      const ids = created.map((p) => p.id);
      const existing = this.data.approverPolicies.filter((p) => ids.includes(p.id));
      if (existing.length > 0) {
        const names = existing
          .map((p) =>
            p.permissionSets.length === 0
              ? `${p.targetName} (${p.targetId})`
              : `${p.targetName} (${p.targetId}) for ${p.permissionSets.map((s) => s.name).join(', ')}`,
          )
          .join(', ');
        throw new ApiError(
          'Conflict',
          `${names} already ${existing.length === 1 ? 'has an approver policy' : 'have approver policies'}; edit ${existing.length === 1 ? 'it' : 'them'} instead. Nothing was created.`,
        );
      }
      this.data.approverPolicies.push(...created);
      return created.map((p) => ({ ...p }));
    });
  updateApproverPolicy = (input: Parameters<TeamApi['updateApproverPolicy']>[0]) =>
    this.record('updateApproverPolicy', [input], () => {
      const policy = this.data.approverPolicies.find((p) => p.id === input.id);
      if (!policy) throw new ApiError('NotFound', 'No such policy.');
      if (policy.updatedAt !== input.expectedUpdatedAt) throw new ApiError('Conflict', 'The policy changed.');
      const approverGroups = (input.approverGroupIds ?? []).map((id) => this.groupRef(id));
      const approverUsers = (input.approverUserIds ?? []).map((id) => this.userRef(id));
      if (approverGroups.length + approverUsers.length === 0) {
        throw new ApiError(
          'ValidationError',
          'Choose at least one approver group or user.',
          'approverGroupIds',
        );
      }
      Object.assign(policy, {
        approverGroups,
        approverUsers,
        includeNestedOus: policy.targetType === 'OU' && (input.includeNestedOus ?? false),
        also: input.also ?? false,
        ...this.approvalRules(input),
        ticketNo: input.ticketNo ?? null,
        updatedAt: this.now(),
        updatedBy: this.data.me.userName,
      });
      return { ...policy };
    });
  deleteApproverPolicies = (ids: string[]) =>
    this.record('deleteApproverPolicies', [ids], () => {
      const deletedIds = this.data.approverPolicies.filter((p) => ids.includes(p.id)).map((p) => p.id);
      this.data.approverPolicies = this.data.approverPolicies.filter((p) => !ids.includes(p.id));
      return { deletedIds };
    });
  updateSettings = (input: Parameters<TeamApi['updateSettings']>[0]) =>
    this.record('updateSettings', [input], () => {
      const current = this.data.settings;
      if (input.expectedVersion !== current.version) throw new ApiError('Conflict', 'The settings changed.');
      const {
        slackToken,
        clearSlackToken,
        slackSigningSecret,
        clearSlackSigningSecret,
        teamsWebhookUrl,
        clearTeamsWebhookUrl,
        teamsEnabled,
        ouCacheLifetimeHours,
        expectedVersion: _expected,
        ...given
      } = input;
      // --- settings: approvals (the server resolves group names and keeps what is left out) ---
      const { reminderMinutes, escalationMinutes, escalationGroupIds, breakGlassEnabled, ...rest } = given;
      const approvals = {
        reminderMinutes: reminderMinutes ?? current.reminderMinutes,
        escalationMinutes: escalationMinutes ?? current.escalationMinutes,
        escalationGroups:
          escalationGroupIds === null || escalationGroupIds === undefined
            ? current.escalationGroups
            : escalationGroupIds.map((id) => {
                const group = this.data.groups.find((g) => g.id === id);
                if (!group) {
                  throw new ApiError(
                    'ValidationError',
                    `Escalation group ${id} does not exist.`,
                    'escalationGroupIds',
                  );
                }
                return { id: group.id, name: group.name };
              }),
        breakGlassEnabled: breakGlassEnabled ?? current.breakGlassEnabled,
      };
      // --- end of settings: approvals ---
      this.data.settings = {
        ...current,
        ...rest,
        ...approvals,
        sesSourceEmail: rest.sesSourceEmail ?? null,
        sesSourceArn: rest.sesSourceArn ?? null,
        slackAuditChannel: rest.slackAuditChannel ?? null,
        adminGroupName: rest.adminGroupName ?? null,
        auditorGroupName: rest.auditorGroupName ?? null,
        slackTokenConfigured: clearSlackToken ? false : Boolean(slackToken) || current.slackTokenConfigured,
        slackSigningSecretConfigured: clearSlackSigningSecret
          ? false
          : Boolean(slackSigningSecret) || current.slackSigningSecretConfigured,
        teamsEnabled: teamsEnabled ?? current.teamsEnabled,
        ouCacheLifetimeHours: ouCacheLifetimeHours ?? current.ouCacheLifetimeHours,
        teamsWebhookConfigured: clearTeamsWebhookUrl
          ? false
          : Boolean(teamsWebhookUrl) || current.teamsWebhookConfigured,
        version: current.version + 1,
        updatedAt: this.now(),
        updatedBy: this.data.me.userName,
      };
      return { ...this.data.settings };
    });
  invalidateOuCache = (ouIds: string[]) =>
    this.record('invalidateOuCache', [ouIds], () => ({
      invalidated: ouIds,
      failed: [],
      message: `${ouIds.length} OUs invalidated`,
    }));
  reconcileNow = () => this.record('reconcileNow', [], () => ({ startedAt: this.now() }));
  policyCheck = () => this.record('policyCheck', [], () => this.data.policyCheck ?? null);
  checkPoliciesNow = () =>
    this.record('checkPoliciesNow', [], () => {
      const report: PolicyCheck = this.data.policyCheck ?? {
        checkedAt: this.now(),
        eligibilityPoliciesChecked: this.data.eligibilityPolicies.length,
        approverPoliciesChecked: this.data.approverPolicies.length,
        findings: [],
        truncated: false,
      };
      this.data.policyCheck = { ...report, checkedAt: this.now() };
      return this.data.policyCheck;
    });
  exportPolicies = () =>
    this.record('exportPolicies', [], () =>
      JSON.stringify(
        { version: 1, eligibility: this.data.eligibilityPolicies, approvers: this.data.approverPolicies },
        null,
        2,
      ),
    );
  previewPolicyImport = (document: string, format: PolicyDocumentFormat) =>
    this.record('previewPolicyImport', [document, format], () => {
      const preview = this.data.policyImportPreview;
      if (!preview) throw new ApiError('Validation', 'No preview was prepared for this test.');
      return preview;
    });
  importPolicies = (document: string, format: PolicyDocumentFormat, digest: string) =>
    this.record('importPolicies', [document, format, digest], () => {
      const preview = this.data.policyImportPreview;
      if (!preview || preview.digest !== digest) {
        throw new ApiError('Conflict', 'The policies changed since the preview; preview the document again.');
      }
      return preview.counts;
    });

  private historyPreviewOf(items: string): RequestHistoryPreview {
    const preview = this.data.requestHistoryPreview;
    if (!preview) throw new ApiError('Validation', 'No request history preview was prepared for this test.');
    return typeof preview === 'function' ? preview(items) : preview;
  }
  previewRequestHistoryImport = (items: string) =>
    this.record('previewRequestHistoryImport', [items], () => this.historyPreviewOf(items));
  importRequestHistory = (items: string) =>
    this.record('importRequestHistory', [items], () => {
      const preview = this.historyPreviewOf(items);
      return { imported: preview.toImport, alreadyImported: preview.alreadyImported };
    });

  onRequestChange = (channel: string, handlers: SubscriptionHandlers<RequestChange>): Unsubscribe => {
    this.calls.push({ method: 'onRequestChange', args: [channel] });
    const set = this.channels.get(channel) ?? new Set();
    set.add(handlers);
    this.channels.set(channel, set);
    return () => set.delete(handlers);
  };
  onSessionLogQuery = (requestId: string, handlers: SubscriptionHandlers<SessionLogQuery>): Unsubscribe => {
    this.calls.push({ method: 'onSessionLogQuery', args: [requestId] });
    const set = this.sessionChannels.get(requestId) ?? new Set();
    set.add(handlers);
    this.sessionChannels.set(requestId, set);
    return () => set.delete(handlers);
  };

  /** Session-log query subscribers of a request right now. */
  sessionLogSubscribers(requestId: string): number {
    return this.sessionChannels.get(requestId)?.size ?? 0;
  }

  /** Moves a request's stored query along (stamped later) and pushes it to its subscribers. */
  emitSessionLogQuery(requestId: string, patch: Partial<SessionLogQuery>): SessionLogQuery {
    const current = this.sessionQueries.get(requestId);
    const query: SessionLogQuery = {
      requestId,
      status: 'QUEUED',
      progress: null,
      error: null,
      windowStart: null,
      windowEnd: null,
      rowCount: null,
      ...current,
      ...patch,
      updatedAt: this.now(),
    };
    this.sessionQueries.set(requestId, query);
    for (const handlers of this.sessionChannels.get(requestId) ?? []) handlers.next({ ...query });
    return query;
  }
}
