import {
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  paginateListGroupMemberships,
  paginateListGroupMembershipsForMember,
  paginateListGroups,
  paginateListUsers,
  type DescribeUserCommandOutput,
  type IdentitystoreClient,
  type User,
} from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  paginateListAccountAssignments,
  paginateListPermissionSets,
  paginateListPermissionSetsProvisionedToAccount,
  type AccountAssignmentOperationStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { ConflictError } from '../core/errors';
import type {
  AccountAssignments,
  AssignmentOperationKind,
  AssignmentOperationStatus,
  Clock,
  Directory,
} from '../core/ports';
import type { DirectoryUser, GroupRef, PermissionSetInfo } from '../core/types';
import { TtlCache } from './cache';
import { mapLimit } from './concurrency';
import { awsCall, awsErrorName, unlessAwsError } from './errors';

const IDENTITY_STORE = 'IAM Identity Center (Identity Store)';
const SSO_ADMIN = 'IAM Identity Center';
/** The largest page both APIs accept: fewer round trips for big directories. */
const PAGE_SIZE = 100;
/** DescribePermissionSet calls in flight at once when listing (sso-admin throttles around 20 TPS). */
const DESCRIBE_CONCURRENCY = 5;
/** Users whose details one container keeps at most (approvers are a small, recurring set). */
const USER_CACHE_SIZE = 1000;

export interface IdentityCenterConfig {
  instanceArn: string;
  identityStoreId: string;
  clock: Clock;
  /**
   * How long this container reuses permission sets and the group list (default 5 minutes).
   * They change only when an administrator edits Identity Center, while the request form and
   * the admin pickers ask for them on every page view; Identity Center's read APIs are
   * rate-limited per account, so each warm Lambda container asks at most once per TTL.
   * Group memberships are never cached: eligibility must see them live.
   */
  cacheTtlMs?: number;
  /**
   * How long this container reuses a user's details (default 5 minutes); see `users`.
   */
  userCacheTtlMs?: number;
}

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

function toUser(u: Pick<User, 'UserId' | 'UserName' | 'DisplayName' | 'Emails' | 'Name'>): DirectoryUser {
  const emails = u.Emails ?? [];
  const email = (emails.find((e) => e.Primary) ?? emails[0])?.Value;
  const displayName = u.DisplayName ?? u.Name?.Formatted;
  return {
    id: u.UserId ?? '',
    userName: u.UserName ?? '',
    ...(displayName ? { displayName } : {}),
    ...(email ? { email } : {}),
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/**
 * The Directory port over Identity Store (users, groups, memberships) and sso-admin (permission
 * sets). Every list reads all pages. Unknown users, groups and permission sets come back as
 * undefined or empty, throttling as ThrottledError.
 */
export class IdentityCenterDirectory implements Directory {
  private readonly groups: TtlCache<GroupRef[]>;
  private readonly permissionSets: TtlCache<PermissionSetInfo | undefined>;
  private readonly permissionSetLists: TtlCache<PermissionSetInfo[]>;
  private readonly provisioned: TtlCache<string[]>;
  /**
   * Users' details (name, e-mail) by id. Every request for an account asks DescribeUser for each
   * member of its approver groups, the same few people again and again, and Identity Store has
   * no batch read (ListGroupMemberships returns ids only, ListUsers pages through the whole
   * directory). Only details are cached: who is a member is always read live, so a cached user
   * is used only while a live listing still names them. Misses (unknown users) are not kept.
   */
  private readonly users: TtlCache<DirectoryUser | undefined>;

  constructor(
    private readonly clients: { identityStore: IdentitystoreClient; ssoAdmin: SSOAdminClient },
    private readonly config: IdentityCenterConfig,
  ) {
    const ttl = config.cacheTtlMs ?? 5 * 60_000;
    this.groups = new TtlCache(ttl, config.clock, 1);
    this.permissionSets = new TtlCache(ttl, config.clock);
    this.permissionSetLists = new TtlCache(ttl, config.clock, 1);
    this.provisioned = new TtlCache(ttl, config.clock);
    this.users = new TtlCache(config.userCacheTtlMs ?? 5 * 60_000, config.clock, USER_CACHE_SIZE);
  }

  /** Forgets every cached permission set and group list (tests, or after an admin change). */
  clearCache(): void {
    this.groups.clear();
    this.permissionSets.clear();
    this.permissionSetLists.clear();
    this.provisioned.clear();
    this.users.clear();
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    const user = await this.users.get(userId, () => this.describeUser(userId));
    if (user === undefined) this.users.delete(userId);
    return user;
  }

  private async describeUser(userId: string): Promise<DirectoryUser | undefined> {
    const out = await unlessAwsError(['ResourceNotFoundException', 'ValidationException'], undefined, () =>
      awsCall(IDENTITY_STORE, 'DescribeUser', () =>
        this.clients.identityStore.send(
          new DescribeUserCommand({ IdentityStoreId: this.config.identityStoreId, UserId: userId }),
        ),
      ),
    );
    return out ? toUser(out as DescribeUserCommandOutput) : undefined;
  }

  findUserByUserName(userName: string): Promise<DirectoryUser | undefined> {
    return this.findUserBy('userName', userName);
  }

  findUserByEmail(email: string): Promise<DirectoryUser | undefined> {
    return this.findUserBy('emails.value', email);
  }

  /** The user with this unique attribute (GetUserId), described; undefined when none has it. */
  private async findUserBy(
    attributePath: 'userName' | 'emails.value',
    value: string,
  ): Promise<DirectoryUser | undefined> {
    const found = await unlessAwsError(['ResourceNotFoundException'], undefined, () =>
      awsCall(IDENTITY_STORE, 'GetUserId', () =>
        this.clients.identityStore.send(
          new GetUserIdCommand({
            IdentityStoreId: this.config.identityStoreId,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: value } },
          }),
        ),
      ),
    );
    return found?.UserId ? this.getUser(found.UserId) : undefined;
  }

  async groupIdsOfUser(userId: string): Promise<string[]> {
    const memberships = await unlessAwsError(['ResourceNotFoundException'], [], () =>
      awsCall(IDENTITY_STORE, 'ListGroupMembershipsForMember', () =>
        collect(
          paginateListGroupMembershipsForMember(
            { client: this.clients.identityStore, pageSize: PAGE_SIZE },
            { IdentityStoreId: this.config.identityStoreId, MemberId: { UserId: userId } },
          ),
          (page) => page.GroupMemberships,
        ),
      ),
    );
    return [...new Set(memberships.flatMap((m) => (m.GroupId ? [m.GroupId] : [])))];
  }

  async membersOfGroup(groupId: string): Promise<string[]> {
    const memberships = await unlessAwsError(['ResourceNotFoundException'], [], () =>
      awsCall(IDENTITY_STORE, 'ListGroupMemberships', () =>
        collect(
          paginateListGroupMemberships(
            { client: this.clients.identityStore, pageSize: PAGE_SIZE },
            { IdentityStoreId: this.config.identityStoreId, GroupId: groupId },
          ),
          (page) => page.GroupMemberships,
        ),
      ),
    );
    const ids = memberships.flatMap((m) => {
      const member = m.MemberId;
      return member && 'UserId' in member && typeof member.UserId === 'string' ? [member.UserId] : [];
    });
    return [...new Set(ids)];
  }

  async findGroupByName(displayName: string): Promise<GroupRef | undefined> {
    const found = await unlessAwsError(['ResourceNotFoundException'], undefined, () =>
      awsCall(IDENTITY_STORE, 'GetGroupId', () =>
        this.clients.identityStore.send(
          new GetGroupIdCommand({
            IdentityStoreId: this.config.identityStoreId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName },
            },
          }),
        ),
      ),
    );
    return found?.GroupId ? { id: found.GroupId, name: displayName } : undefined;
  }

  async listUsers(): Promise<DirectoryUser[]> {
    const users = await awsCall(IDENTITY_STORE, 'ListUsers', () =>
      collect(
        paginateListUsers(
          { client: this.clients.identityStore, pageSize: PAGE_SIZE },
          { IdentityStoreId: this.config.identityStoreId },
        ),
        (page) => page.Users,
      ),
    );
    return users.map(toUser).sort((a, b) => a.userName.localeCompare(b.userName));
  }

  listGroups(): Promise<GroupRef[]> {
    return this.groups.get('all', async () => {
      const groups = await awsCall(IDENTITY_STORE, 'ListGroups', () =>
        collect(
          paginateListGroups(
            { client: this.clients.identityStore, pageSize: PAGE_SIZE },
            { IdentityStoreId: this.config.identityStoreId },
          ),
          (page) => page.Groups,
        ),
      );
      return groups
        .flatMap((g): GroupRef[] => (g.GroupId ? [{ id: g.GroupId, name: g.DisplayName ?? g.GroupId }] : []))
        .sort(byName);
    });
  }

  listPermissionSets(): Promise<PermissionSetInfo[]> {
    return this.permissionSetLists.get('all', async () => {
      const arns = await awsCall(SSO_ADMIN, 'ListPermissionSets', () =>
        collect(
          paginateListPermissionSets(
            { client: this.clients.ssoAdmin, pageSize: PAGE_SIZE },
            { InstanceArn: this.config.instanceArn },
          ),
          (page) => page.PermissionSets,
        ),
      );
      const described = await mapLimit(arns, DESCRIBE_CONCURRENCY, (arn) => this.getPermissionSet(arn));
      return described.filter((p): p is PermissionSetInfo => p !== undefined).sort(byName);
    });
  }

  getPermissionSet(arn: string): Promise<PermissionSetInfo | undefined> {
    return this.permissionSets.get(arn, async () => {
      const out = await unlessAwsError(['ResourceNotFoundException', 'ValidationException'], undefined, () =>
        awsCall(SSO_ADMIN, 'DescribePermissionSet', () =>
          this.clients.ssoAdmin.send(
            new DescribePermissionSetCommand({ InstanceArn: this.config.instanceArn, PermissionSetArn: arn }),
          ),
        ),
      );
      const ps = out?.PermissionSet;
      if (!ps?.PermissionSetArn || !ps.Name) return undefined;
      return {
        arn: ps.PermissionSetArn,
        name: ps.Name,
        ...(ps.Description ? { description: ps.Description } : {}),
        ...(ps.SessionDuration ? { sessionDuration: ps.SessionDuration } : {}),
      };
    });
  }

  permissionSetsProvisionedTo(accountId: string): Promise<string[]> {
    return this.provisioned.get(accountId, () =>
      awsCall(SSO_ADMIN, 'ListPermissionSetsProvisionedToAccount', () =>
        collect(
          paginateListPermissionSetsProvisionedToAccount(
            { client: this.clients.ssoAdmin, pageSize: PAGE_SIZE },
            { InstanceArn: this.config.instanceArn, AccountId: accountId },
          ),
          (page) => page.PermissionSets,
        ),
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Account assignments (the grant and revoke steps of the workflow)
// ---------------------------------------------------------------------------------------------

// The port's types, re-exported for callers that only import the adapter.
export type { AssignmentOperationKind, AssignmentOperationStatus } from '../core/ports';

function statusOf(s: AccountAssignmentOperationStatus | undefined, what: string): AssignmentOperationStatus {
  const status = s?.Status;
  if (status !== 'IN_PROGRESS' && status !== 'SUCCEEDED' && status !== 'FAILED') {
    throw new Error(`Identity Center returned no status for ${what}`);
  }
  return status === 'FAILED'
    ? { status, reason: s?.FailureReason ?? 'Identity Center did not say why.' }
    : { status };
}

function requestIdOf(s: AccountAssignmentOperationStatus | undefined, what: string): string {
  if (!s?.RequestId) throw new Error(`Identity Center returned no request id for ${what}`);
  return s.RequestId;
}

/**
 * Account assignments for users over sso-admin. Throttling surfaces as ThrottledError; another
 * operation in flight on the same assignment (ConflictException) as ConflictError — both are
 * worth retrying with backoff.
 */
export class IdentityCenterAssignments implements AccountAssignments {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly instanceArn: string,
  ) {}

  async create(userId: string, accountId: string, permissionSetArn: string): Promise<string> {
    const out = await this.send('CreateAccountAssignment', () =>
      this.ssoAdmin.send(
        new CreateAccountAssignmentCommand(this.target(userId, accountId, permissionSetArn)),
      ),
    );
    return requestIdOf(out.AccountAssignmentCreationStatus, 'CreateAccountAssignment');
  }

  async remove(userId: string, accountId: string, permissionSetArn: string): Promise<string> {
    const out = await this.send('DeleteAccountAssignment', () =>
      this.ssoAdmin.send(
        new DeleteAccountAssignmentCommand(this.target(userId, accountId, permissionSetArn)),
      ),
    );
    return requestIdOf(out.AccountAssignmentDeletionStatus, 'DeleteAccountAssignment');
  }

  async status(requestId: string, kind: AssignmentOperationKind): Promise<AssignmentOperationStatus> {
    if (kind === 'CREATE') {
      const out = await this.send('DescribeAccountAssignmentCreationStatus', () =>
        this.ssoAdmin.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: this.instanceArn,
            AccountAssignmentCreationRequestId: requestId,
          }),
        ),
      );
      return statusOf(out.AccountAssignmentCreationStatus, `creation ${requestId}`);
    }
    const out = await this.send('DescribeAccountAssignmentDeletionStatus', () =>
      this.ssoAdmin.send(
        new DescribeAccountAssignmentDeletionStatusCommand({
          InstanceArn: this.instanceArn,
          AccountAssignmentDeletionRequestId: requestId,
        }),
      ),
    );
    return statusOf(out.AccountAssignmentDeletionStatus, `deletion ${requestId}`);
  }

  async exists(userId: string, accountId: string, permissionSetArn: string): Promise<boolean> {
    const pages = paginateListAccountAssignments(
      { client: this.ssoAdmin, pageSize: PAGE_SIZE },
      { InstanceArn: this.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
    );
    return this.send('ListAccountAssignments', async () => {
      for await (const page of pages) {
        const found = (page.AccountAssignments ?? []).some(
          (a) => a.PrincipalType === 'USER' && a.PrincipalId === userId,
        );
        if (found) return true;
      }
      return false;
    });
  }

  private target(userId: string, accountId: string, permissionSetArn: string) {
    return {
      InstanceArn: this.instanceArn,
      TargetId: accountId,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: permissionSetArn,
      PrincipalType: 'USER' as const,
      PrincipalId: userId,
    };
  }

  private async send<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await awsCall(SSO_ADMIN, operation, run);
    } catch (err) {
      if (awsErrorName(err) === 'ConflictException') {
        throw new ConflictError(
          `Identity Center is still working on another change to this account assignment (${operation}); try again shortly.`,
        );
      }
      throw err;
    }
  }
}
