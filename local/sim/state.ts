import { AwsServiceError } from '../common/aws-json-server';
import type { DemoOrg } from './demo-org';
import { RandomSource } from './ids';

/**
 * The one in-memory world behind the sso-admin, identitystore and organizations simulators,
 * plus the test-facing API to change it and to look at assignments.
 */

export interface SimUser {
  id: string;
  userName: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  createdAt: Date;
}

export interface SimGroup {
  id: string;
  displayName: string;
  description?: string;
  createdAt: Date;
}

export interface SimMembership {
  membershipId: string;
  groupId: string;
  userId: string;
  createdAt: Date;
}

export interface SimAccount {
  id: string;
  name: string;
  email: string;
  parentId: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  joinedAt: Date;
}

export interface SimOu {
  id: string;
  name: string;
  parentId: string;
}

export interface SimPermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  createdAt: Date;
  /** Accounts the permission set is provisioned to; assigning provisions it, like the real service. */
  provisionedTo: Set<string>;
}

export interface Assignment {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

export type AssignmentOperationKind = 'CREATE' | 'DELETE';
export type AssignmentStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface AssignmentOperation extends Assignment {
  requestId: string;
  kind: AssignmentOperationKind;
  status: AssignmentStatus;
  failureReason?: string;
  createdAt: Date;
}

/** How asynchronous account assignment operations end; settable at any time. */
export interface AssignmentKnobs {
  /** Time from IN_PROGRESS to SUCCEEDED/FAILED, in milliseconds (unless `drawDelayMs` is set). */
  completionDelayMs: number;
  /** Share (0–1) of create/delete operations that end FAILED. */
  failedStatusRate: number;
  /**
   * Draws each operation's time to its end instead of `completionDelayMs` (an Identity Center
   * latency profile, `local/sim/profiles.ts`). `firstInAccount`: a creation that must first
   * provision the permission set to the account (its role does not exist there yet).
   */
  drawDelayMs?: ((kind: AssignmentOperationKind, context: { firstInAccount: boolean }) => number) | undefined;
  /**
   * Create/delete operations that may be IN_PROGRESS at once; one more is refused with
   * ThrottlingException. Unlimited when undefined.
   */
  maxInFlight?: number | undefined;
}

export const defaultAssignmentKnobs = (): AssignmentKnobs => ({
  completionDelayMs: 50,
  failedStatusRate: 0,
  drawDelayMs: undefined,
  maxInFlight: undefined,
});

/**
 * What one create/delete call meets, decided per call for the assignment it names: refused at
 * once with an error (`ThrottlingException`, `ConflictException`, `InternalServerException`), or
 * accepted and ending FAILED with `failure` as its reason.
 */
export type AssignmentFault =
  { refuse: 'ThrottlingException' | 'ConflictException' | 'InternalServerException' } | { failure: string };

/** Decides the fault (or none) of each create/delete call; tests set it to target requests. */
export type AssignmentFaultPlan = (
  kind: AssignmentOperationKind,
  assignment: Assignment,
) => AssignmentFault | undefined;

export interface OrgStateOptions {
  /** Seed for minted ids and fault decisions; Math.random when omitted. */
  seed?: number;
  now?: () => Date;
}

const assignmentKey = (a: Assignment) =>
  `${a.principalType}|${a.principalId}|${a.permissionSetArn}|${a.accountId}`;

/** The shared state of the three simulators. */
export class OrgState {
  readonly random: RandomSource;
  readonly now: () => Date;
  readonly organization: { id: string; managementAccountId: string; managementAccountEmail: string };
  readonly root: { id: string; name: string };
  readonly instance: { arn: string; identityStoreId: string; name: string; region: string; createdAt: Date };
  readonly assignmentKnobs: AssignmentKnobs = defaultAssignmentKnobs();
  /** Targeted faults of create/delete calls, consulted before the random knobs; none by default. */
  assignmentFaults: AssignmentFaultPlan | undefined;

  readonly users = new Map<string, SimUser>();
  readonly groups = new Map<string, SimGroup>();
  readonly memberships = new Map<string, SimMembership>();
  readonly accounts = new Map<string, SimAccount>();
  readonly ous = new Map<string, SimOu>();
  readonly permissionSets = new Map<string, SimPermissionSet>();
  private readonly assigned = new Map<string, Assignment>();
  private readonly operationsById = new Map<string, AssignmentOperation>();
  private readonly inFlight = new Map<string, AssignmentOperation>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly decidedFailure = new Map<string, string | undefined>();
  private forcedFailures: string[] = [];
  private idleWaiters: Array<() => void> = [];
  private readonly assignmentWatchers = new Set<() => void>();
  private readonly operationWatchers = new Set<(op: AssignmentOperation) => void>();

  constructor(org: DemoOrg, options: OrgStateOptions = {}) {
    this.random = new RandomSource(options.seed);
    this.now = options.now ?? (() => new Date());
    const created = this.now();
    const management = org.accounts.find((a) => a.id === org.organization.managementAccountId);
    this.organization = {
      id: org.organization.id,
      managementAccountId: org.organization.managementAccountId,
      managementAccountEmail: management?.email ?? 'management@example.com',
    };
    this.root = { ...org.organization.root };
    this.instance = {
      arn: org.identityCenter.instanceArn,
      identityStoreId: org.identityCenter.identityStoreId,
      name: org.identityCenter.name ?? 'local',
      region: org.identityCenter.region,
      createdAt: created,
    };
    for (const ou of org.ous) this.ous.set(ou.id, { ...ou });
    for (const a of org.accounts) this.accounts.set(a.id, { ...a, joinedAt: created });
    for (const ps of org.permissionSets) {
      this.permissionSets.set(ps.arn, {
        arn: ps.arn,
        name: ps.name,
        description: ps.description,
        sessionDuration: ps.sessionDuration,
        createdAt: created,
        provisionedTo: new Set(ps.provisionedTo),
      });
    }
    for (const u of org.users) this.users.set(u.id, { ...u, createdAt: created });
    for (const g of org.groups) {
      this.groups.set(g.id, {
        id: g.id,
        displayName: g.displayName,
        description: g.description,
        createdAt: created,
      });
      for (const userName of g.members) {
        const user = this.userByName(userName);
        if (user) this.addMembership(g.id, user.id);
      }
    }
    for (const a of org.assignments) {
      const ps = [...this.permissionSets.values()].find((p) => p.name === a.permissionSet);
      const principal =
        a.principalType === 'USER' ? this.userByName(a.principal)?.id : this.groupByName(a.principal)?.id;
      if (ps && principal) {
        this.addAssignment({
          accountId: a.accountId,
          permissionSetArn: ps.arn,
          principalType: a.principalType,
          principalId: principal,
        });
      }
    }
  }

  // ---- directory -------------------------------------------------------------------------

  /** A fresh Identity Store id shaped like those of a managed directory (`<10 hex>-<uuid>`). */
  mintPrincipalId(): string {
    const prefix = this.identityStorePrefix ?? this.random.hex(10);
    return `${prefix}-${this.random.uuid()}`;
  }

  private get identityStorePrefix(): string | undefined {
    const first = this.users.values().next().value ?? this.groups.values().next().value;
    return first?.id.match(/^([0-9a-f]{10})-/)?.[1];
  }

  userByName(userName: string): SimUser | undefined {
    return [...this.users.values()].find((u) => u.userName === userName);
  }

  groupByName(displayName: string): SimGroup | undefined {
    return [...this.groups.values()].find((g) => g.displayName === displayName);
  }

  addUser(input: {
    userName: string;
    displayName?: string;
    givenName?: string;
    familyName?: string;
    email?: string;
    id?: string;
  }): SimUser {
    if (this.userByName(input.userName)) throw new Error(`user ${input.userName} exists`);
    const user: SimUser = {
      id: input.id ?? this.mintPrincipalId(),
      userName: input.userName,
      displayName: input.displayName ?? input.userName,
      givenName: input.givenName,
      familyName: input.familyName,
      email: input.email,
      createdAt: this.now(),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Removes a user with their memberships and direct assignments, as deleting an IdC user does. */
  removeUser(userId: string): void {
    this.users.delete(userId);
    for (const [id, m] of this.memberships) if (m.userId === userId) this.memberships.delete(id);
    for (const [key, a] of this.assigned) if (a.principalId === userId) this.assigned.delete(key);
  }

  addGroup(input: { displayName: string; description?: string; id?: string }): SimGroup {
    if (this.groupByName(input.displayName)) throw new Error(`group ${input.displayName} exists`);
    const group: SimGroup = {
      id: input.id ?? this.mintPrincipalId(),
      displayName: input.displayName,
      description: input.description,
      createdAt: this.now(),
    };
    this.groups.set(group.id, group);
    return group;
  }

  removeGroup(groupId: string): void {
    this.groups.delete(groupId);
    for (const [id, m] of this.memberships) if (m.groupId === groupId) this.memberships.delete(id);
    for (const [key, a] of this.assigned) if (a.principalId === groupId) this.assigned.delete(key);
  }

  membership(groupId: string, userId: string): SimMembership | undefined {
    return [...this.memberships.values()].find((m) => m.groupId === groupId && m.userId === userId);
  }

  /** Adds a user to a group (idempotent); returns the membership. */
  addMembership(groupId: string, userId: string): SimMembership {
    if (!this.groups.has(groupId)) throw new Error(`no group ${groupId}`);
    if (!this.users.has(userId)) throw new Error(`no user ${userId}`);
    const existing = this.membership(groupId, userId);
    if (existing) return existing;
    const m: SimMembership = { membershipId: this.mintPrincipalId(), groupId, userId, createdAt: this.now() };
    this.memberships.set(m.membershipId, m);
    return m;
  }

  removeMembership(groupId: string, userId: string): void {
    const m = this.membership(groupId, userId);
    if (m) this.memberships.delete(m.membershipId);
  }

  membersOf(groupId: string): SimMembership[] {
    return [...this.memberships.values()].filter((m) => m.groupId === groupId);
  }

  membershipsOf(userId: string): SimMembership[] {
    return [...this.memberships.values()].filter((m) => m.userId === userId);
  }

  // ---- organization ----------------------------------------------------------------------

  isParent(id: string): boolean {
    return id === this.root.id || this.ous.has(id);
  }

  addAccount(input: { name: string; email?: string; parentId?: string; id?: string }): SimAccount {
    const parentId = input.parentId ?? this.root.id;
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    let id = input.id;
    while (!id || (this.accounts.has(id) && !input.id)) id = this.random.digits(12);
    if (this.accounts.has(id)) throw new Error(`account ${id} exists`);
    const slug = input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const account: SimAccount = {
      id,
      name: input.name,
      email: input.email ?? `aws-${slug}@example.com`,
      parentId,
      status: 'ACTIVE',
      joinedAt: this.now(),
    };
    this.accounts.set(id, account);
    return account;
  }

  removeAccount(accountId: string): void {
    this.accounts.delete(accountId);
    for (const [key, a] of this.assigned) if (a.accountId === accountId) this.assigned.delete(key);
    for (const ps of this.permissionSets.values()) ps.provisionedTo.delete(accountId);
  }

  /** Moves an account to another OU or the root. */
  moveAccount(accountId: string, parentId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    account.parentId = parentId;
  }

  addOu(input: { name: string; parentId?: string; id?: string }): SimOu {
    const parentId = input.parentId ?? this.root.id;
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    const rootPart = this.root.id.slice(2);
    let id = input.id;
    while (!id || (this.ous.has(id) && !input.id))
      id = `ou-${rootPart}-${this.random.chars('abcdefghijklmnopqrstuvwxyz0123456789', 8)}`;
    if (this.ous.has(id)) throw new Error(`OU ${id} exists`);
    const ou: SimOu = { id, name: input.name, parentId };
    this.ous.set(id, ou);
    return ou;
  }

  /** Removes an empty OU (Organizations refuses to delete one with children). */
  removeOu(ouId: string): void {
    if (this.childrenOf(ouId, 'ACCOUNT').length || this.childrenOf(ouId, 'ORGANIZATIONAL_UNIT').length) {
      throw new Error(`OU ${ouId} is not empty`);
    }
    this.ous.delete(ouId);
  }

  childrenOf(parentId: string, type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT'): string[] {
    if (type === 'ACCOUNT')
      return [...this.accounts.values()].filter((a) => a.parentId === parentId).map((a) => a.id);
    return [...this.ous.values()].filter((o) => o.parentId === parentId).map((o) => o.id);
  }

  /** The OU path from the root (`o-…/r-…/ou-…/`), as Organizations reports it. */
  pathOf(id: string): string {
    const chain: string[] = [];
    let at: string | undefined = this.accounts.get(id)?.parentId ?? this.ous.get(id)?.parentId;
    while (at && at !== this.root.id) {
      chain.unshift(at);
      at = this.ous.get(at)?.parentId;
    }
    const self = this.ous.has(id) ? `${id}/` : this.accounts.has(id) ? `${id}/` : '';
    return `${this.organization.id}/${this.root.id}/${chain.map((c) => `${c}/`).join('')}${self}`;
  }

  // ---- Identity Center -------------------------------------------------------------------

  addPermissionSet(input: {
    name: string;
    sessionDuration?: string;
    description?: string;
    arn?: string;
    provisionedTo?: string[];
  }): SimPermissionSet {
    const instancePart = this.instance.arn.split('/')[1];
    const arn = input.arn ?? `arn:aws:sso:::permissionSet/${instancePart}/ps-${this.random.hex(16)}`;
    if (this.permissionSets.has(arn)) throw new Error(`permission set ${arn} exists`);
    const ps: SimPermissionSet = {
      arn,
      name: input.name,
      description: input.description,
      sessionDuration: input.sessionDuration ?? 'PT1H',
      createdAt: this.now(),
      provisionedTo: new Set(input.provisionedTo ?? []),
    };
    this.permissionSets.set(arn, ps);
    return ps;
  }

  removePermissionSet(arn: string): void {
    this.permissionSets.delete(arn);
    for (const [key, a] of this.assigned) if (a.permissionSetArn === arn) this.assigned.delete(key);
  }

  /** Current account assignments (only settled ones: in-flight operations are not visible). */
  assignments(filter: Partial<Assignment> = {}): Assignment[] {
    return [...this.assigned.values()]
      .filter(
        (a) =>
          (filter.accountId === undefined || a.accountId === filter.accountId) &&
          (filter.permissionSetArn === undefined || a.permissionSetArn === filter.permissionSetArn) &&
          (filter.principalType === undefined || a.principalType === filter.principalType) &&
          (filter.principalId === undefined || a.principalId === filter.principalId),
      )
      .map((a) => ({ ...a }));
  }

  hasAssignment(a: Assignment): boolean {
    return this.assigned.has(assignmentKey(a));
  }

  /** Adds an assignment at once (standing access set up outside TEAM). */
  addAssignment(a: Assignment): void {
    const { accountId, permissionSetArn, principalType, principalId } = a;
    this.assigned.set(assignmentKey(a), { accountId, permissionSetArn, principalType, principalId });
    this.permissionSets.get(a.permissionSetArn)?.provisionedTo.add(a.accountId);
    this.assignmentsChanged();
  }

  removeAssignment(a: Assignment): void {
    if (this.assigned.delete(assignmentKey(a))) this.assignmentsChanged();
  }

  /** Calls `watcher` after every change of the assignments; returns a function that stops it. */
  watchAssignments(watcher: () => void): () => void {
    this.assignmentWatchers.add(watcher);
    return () => this.assignmentWatchers.delete(watcher);
  }

  /** Calls `watcher` with every create/delete operation as it starts; returns a function that stops it. */
  watchOperations(watcher: (op: AssignmentOperation) => void): () => void {
    this.operationWatchers.add(watcher);
    return () => this.operationWatchers.delete(watcher);
  }

  private assignmentsChanged(): void {
    for (const watcher of this.assignmentWatchers) watcher();
  }

  /** Every create/delete operation so far, oldest first. */
  assignmentOperations(): AssignmentOperation[] {
    return [...this.operationsById.values()].map((op) => ({ ...op }));
  }

  assignmentOperation(requestId: string): AssignmentOperation | undefined {
    const op = this.operationsById.get(requestId);
    return op && { ...op };
  }

  /** Drops pending failNextAssignments() failures. */
  clearForcedFailures(): void {
    this.forcedFailures = [];
  }

  /** The next `n` create/delete operations end FAILED with `reason`. */
  failNextAssignments(n: number, reason = 'Injected failure: the operation could not be completed'): void {
    for (let i = 0; i < n; i++) this.forcedFailures.push(reason);
  }

  /**
   * Starts an asynchronous create/delete; the result shows after `completionDelayMs`.
   * Throws ConflictException while another operation on the same assignment is in flight.
   */
  startAssignmentOperation(kind: AssignmentOperationKind, a: Assignment): AssignmentOperation {
    const key = assignmentKey(a);
    const planned = this.assignmentFaults?.(kind, { ...a });
    if (planned && 'refuse' in planned) {
      const status = planned.refuse === 'InternalServerException' ? 500 : 400;
      throw new AwsServiceError(planned.refuse, `Injected ${planned.refuse} for this assignment`, status);
    }
    if (this.inFlight.has(key)) {
      throw new AwsServiceError(
        'ConflictException',
        'An account assignment operation for this principal, permission set and account is already in progress',
      );
    }
    const { maxInFlight } = this.assignmentKnobs;
    if (maxInFlight !== undefined && this.inFlight.size >= maxInFlight) {
      throw new AwsServiceError(
        'ThrottlingException',
        `Too many account assignment operations in progress (at most ${maxInFlight})`,
      );
    }
    const op: AssignmentOperation = {
      ...a,
      requestId: crypto.randomUUID(),
      kind,
      status: 'IN_PROGRESS',
      createdAt: this.now(),
    };
    // Decide the outcome now so a seeded random gives the same results in the same call order.
    const forced =
      (planned && 'failure' in planned ? planned.failure : undefined) ?? this.forcedFailures.shift();
    const randomFailure =
      this.assignmentKnobs.failedStatusRate > 0 &&
      this.random.random() < this.assignmentKnobs.failedStatusRate;
    const failure =
      forced ??
      (randomFailure
        ? 'Injected failure: the request could not be completed (failedStatusRate)'
        : undefined) ??
      (kind === 'CREATE' ? this.validateTarget(a) : undefined);
    this.operationsById.set(op.requestId, op);
    this.inFlight.set(key, op);
    this.decidedFailure.set(op.requestId, failure);
    const firstInAccount =
      kind === 'CREATE' && !this.permissionSets.get(a.permissionSetArn)?.provisionedTo.has(a.accountId);
    const delayMs =
      this.assignmentKnobs.drawDelayMs?.(kind, { firstInAccount }) ?? this.assignmentKnobs.completionDelayMs;
    const timer = setTimeout(() => this.settle(op), Math.max(0, delayMs));
    timer.unref?.();
    this.timers.set(op.requestId, timer);
    for (const watcher of this.operationWatchers) watcher({ ...op });
    return { ...op };
  }

  private validateTarget(a: Assignment): string | undefined {
    if (!this.accounts.has(a.accountId)) {
      return `Account ${a.accountId} is not a member of organization ${this.organization.id}`;
    }
    const exists =
      a.principalType === 'USER' ? this.users.has(a.principalId) : this.groups.has(a.principalId);
    if (!exists) {
      return `${a.principalType === 'USER' ? 'User' : 'Group'} ${a.principalId} does not exist in identity store ${this.instance.identityStoreId}`;
    }
    return undefined;
  }

  private settle(op: AssignmentOperation): void {
    const timer = this.timers.get(op.requestId);
    if (timer) clearTimeout(timer);
    this.timers.delete(op.requestId);
    const failure = this.decidedFailure.get(op.requestId);
    this.decidedFailure.delete(op.requestId);
    if (op.status !== 'IN_PROGRESS') return;
    if (failure) {
      op.status = 'FAILED';
      op.failureReason = failure;
    } else {
      op.status = 'SUCCEEDED';
      // Creating an existing assignment and deleting a missing one both succeed quietly.
      if (op.kind === 'CREATE') this.addAssignment(op);
      else this.removeAssignment(op);
    }
    this.inFlight.delete(assignmentKey(op));
    if (this.inFlight.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Operations still IN_PROGRESS. */
  pendingAssignmentOperations(): number {
    return this.inFlight.size;
  }

  /** Resolves once no create/delete operation is in flight. */
  assignmentsSettled(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends every in-flight operation now, as if its delay had passed. */
  settleAssignmentsNow(): void {
    for (const op of [...this.inFlight.values()]) this.settle(op);
  }

  /** Cancels timers (on stop); in-flight operations stay IN_PROGRESS. */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
