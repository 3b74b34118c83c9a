import { NotFoundError } from '../../lambdas/core/errors';
import type { Directory, Organization } from '../../lambdas/core/ports';
import type {
  AccountInfo,
  DirectoryUser,
  GroupRef,
  OuNode,
  ParentRef,
  PermissionSetInfo,
} from '../../lambdas/core/types';
import { CallLog } from './calls';
import type { OrgDescription } from './demo-org';

/**
 * Directory (Identity Store + Identity Center permission sets) over an org description. Every
 * call is counted in `calls`; memberships can be changed to show that group membership is read
 * live. Lists come back in a stable order (by user name, group name, permission set name).
 */
export class FakeDirectory implements Directory {
  readonly calls = new CallLog<keyof Directory>();

  constructor(private readonly org: OrgDescription) {}

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    this.calls.hit('getUser');
    const u = this.org.users.find((x) => x.id === userId);
    return u === undefined ? undefined : { ...u };
  }

  async findUserByUserName(userName: string): Promise<DirectoryUser | undefined> {
    this.calls.hit('findUserByUserName');
    const u = this.org.users.find((x) => x.userName === userName);
    return u === undefined ? undefined : { ...u };
  }

  async findUserByEmail(email: string): Promise<DirectoryUser | undefined> {
    this.calls.hit('findUserByEmail');
    const u = this.org.users.find((x) => x.email === email);
    return u === undefined ? undefined : { ...u };
  }

  async groupIdsOfUser(userId: string): Promise<string[]> {
    this.calls.hit('groupIdsOfUser');
    return Object.entries(this.org.memberships)
      .filter(([, members]) => members.includes(userId))
      .map(([groupId]) => groupId);
  }

  async membersOfGroup(groupId: string): Promise<string[]> {
    this.calls.hit('membersOfGroup');
    return [...(this.org.memberships[groupId] ?? [])];
  }

  async findGroupByName(displayName: string): Promise<GroupRef | undefined> {
    this.calls.hit('findGroupByName');
    const g = this.org.groups.find((x) => x.name === displayName);
    return g === undefined ? undefined : { ...g };
  }

  async listUsers(): Promise<DirectoryUser[]> {
    this.calls.hit('listUsers');
    return this.org.users.map((u) => ({ ...u })).sort((a, b) => a.userName.localeCompare(b.userName));
  }

  async listGroups(): Promise<GroupRef[]> {
    this.calls.hit('listGroups');
    return this.org.groups.map((g) => ({ ...g })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listPermissionSets(): Promise<PermissionSetInfo[]> {
    this.calls.hit('listPermissionSets');
    return this.org.permissionSets.map((p) => ({ ...p })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async getPermissionSet(arn: string): Promise<PermissionSetInfo | undefined> {
    this.calls.hit('getPermissionSet');
    const p = this.org.permissionSets.find((x) => x.arn === arn);
    return p === undefined ? undefined : { ...p };
  }

  async permissionSetsProvisionedTo(accountId: string): Promise<string[]> {
    this.calls.hit('permissionSetsProvisionedTo');
    return [...(this.org.provisioned[accountId] ?? [])];
  }

  /** Adds a user to a group (takes effect on the next call, like Identity Store). */
  addMember(groupId: string, userId: string): void {
    const members = this.org.memberships[groupId] ?? [];
    if (!members.includes(userId)) members.push(userId);
    this.org.memberships[groupId] = members;
  }

  removeMember(groupId: string, userId: string): void {
    this.org.memberships[groupId] = (this.org.memberships[groupId] ?? []).filter((id) => id !== userId);
  }
}

/** Organization over an org description, every call counted in `calls`. */
export class FakeOrganization implements Organization {
  readonly calls = new CallLog<keyof Organization>();

  constructor(private readonly org: OrgDescription) {}

  async managementAccountId(): Promise<string> {
    this.calls.hit('managementAccountId');
    return this.org.managementAccountId;
  }

  async listAccounts(): Promise<AccountInfo[]> {
    this.calls.hit('listAccounts');
    return this.org.accounts
      .map(({ parentId: _parent, ...a }) => a)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getAccount(accountId: string): Promise<AccountInfo | undefined> {
    this.calls.hit('getAccount');
    const a = this.org.accounts.find((x) => x.id === accountId);
    if (a === undefined) return undefined;
    const { parentId: _parent, ...info } = a;
    return info;
  }

  async accountsInOu(ouId: string): Promise<AccountInfo[]> {
    this.calls.hit('accountsInOu');
    // Like TEAM's lookup, an unknown OU has no accounts rather than being an error.
    return this.org.accounts.filter((a) => a.parentId === ouId).map(({ parentId: _parent, ...a }) => a);
  }

  async parentOf(accountId: string): Promise<ParentRef> {
    this.calls.hit('parentOf');
    const a = this.org.accounts.find((x) => x.id === accountId);
    if (a === undefined) throw new NotFoundError(`Account ${accountId} is not in the organization.`);
    return { id: a.parentId, type: a.parentId === this.org.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  }

  async ancestorsOf(ouId: string): Promise<string[]> {
    this.calls.hit('ancestorsOf');
    const out: string[] = [];
    for (let at = this.org.ous.find((o) => o.id === ouId)?.parentId; at !== undefined;) {
      out.push(at);
      at = this.org.ous.find((o) => o.id === at)?.parentId;
    }
    return out;
  }

  async cachedOuTree(): Promise<OuNode> {
    this.calls.hit('cachedOuTree');
    return this.buildOuTree();
  }

  async ouTree(): Promise<OuNode> {
    this.calls.hit('ouTree');
    return this.buildOuTree();
  }

  private buildOuTree(): OuNode {
    const build = (id: string, name: string, type: OuNode['type']): OuNode => ({
      id,
      name,
      type,
      children: this.org.ous
        .filter((o) => o.parentId === id)
        .map((o) => build(o.id, o.name, 'ORGANIZATIONAL_UNIT')),
    });
    return build(this.org.root.id, this.org.root.name, 'ROOT');
  }

  /** Moves an account under another OU or the root. */
  moveAccount(accountId: string, parentId: string): void {
    const a = this.org.accounts.find((x) => x.id === accountId);
    if (a === undefined) throw new Error(`unknown account ${accountId}`);
    a.parentId = parentId;
  }
}
