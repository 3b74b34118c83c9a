import { selectApproverPolicies } from '../../../lambdas/core/policies/approvers';
import { approverPolicyId, eligibilityPolicyId } from '../../../lambdas/core/policies/policy-ids';
import type { ApproverPolicy as CoreApproverPolicy } from '../../../lambdas/core/types';
import { ApiError } from '../../../web/src/api/errors';
import type { SubscriptionHandlers, TeamApi, Unsubscribe } from '../../../web/src/api/team-api';
import type {
  Account,
  ApproverPolicy,
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
  Settings,
  User,
} from '../../../web/src/api/model';

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

/** An approver policy as the core's selection reads it. */
function toCorePolicy(policy: ApproverPolicy): CoreApproverPolicy {
  const { ticketNo, ...rest } = policy;
  return ticketNo === null ? rest : { ...rest, ticketNo };
}

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
    this.record('listRequests', [list, args], () =>
      page(
        this.data.requests.filter(this.listFilter(list)).map((r) => ({ ...r })),
        args,
      ),
    );
  settings = () => this.record('settings', [], () => ({ ...this.data.settings }));
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
      const { approvers } = this.approversOf(account.id, permissionSet.arn);
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
      };
      this.data.requests.unshift(request);
      return { ...request };
    });
  approveRequest = (input: Parameters<TeamApi['approveRequest']>[0]) =>
    this.record('approveRequest', [input], () =>
      this.transition(input.requestId, ['PENDING'], 'APPROVED', {
        decision: { by: this.meActor(), at: this.now(), comment: input.comment ?? null },
      }),
    );
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
    return {
      accounts,
      ous,
      includeNestedOus,
      permissionSets,
      pairs,
      maxDurationHours: input.maxDurationHours,
      approvalRequired: input.approvalRequired,
      ticketNo: input.ticketNo ?? null,
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
    return { approvalRequired: eligible.approvalRequired, approvers };
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
      const { slackToken, clearSlackToken, expectedVersion: _expected, ...rest } = input;
      this.data.settings = {
        ...current,
        ...rest,
        sesSourceEmail: rest.sesSourceEmail ?? null,
        sesSourceArn: rest.sesSourceArn ?? null,
        slackAuditChannel: rest.slackAuditChannel ?? null,
        adminGroupName: rest.adminGroupName ?? null,
        auditorGroupName: rest.auditorGroupName ?? null,
        slackTokenConfigured: clearSlackToken ? false : Boolean(slackToken) || current.slackTokenConfigured,
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
