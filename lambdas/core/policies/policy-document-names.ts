/**
 * Names and ids in policy documents. A document names accounts, OUs, users, groups and
 * permission sets the way people know them, or by id; an id is recognized by its shape (12
 * digits, `ou-…`/`r-…`, an IAM Identity Center id, a permission set ARN). Reading resolves each
 * against one snapshot of the organization and the directory; writing prefers the name and falls
 * back to the id where the name would not say which one (two with the same name, or a name that
 * looks like an id).
 */
import { ACCOUNT_ID, IDC_ID, OU_OR_ROOT_ID, PERMISSION_SET_ARN } from '../../contract/patterns';
import type { CoreDeps } from '../ports';
import type { OuNode } from '../types';
import { documentError } from './policy-document';

export type RefKind = 'account' | 'ou' | 'permissionSet' | 'group' | 'user';

/** Something a document may name: its id and its name. */
export interface NamedRef {
  id: string;
  name: string;
}

const KINDS: Record<RefKind, { label: string; plural: string; idShape: RegExp }> = {
  account: { label: 'account', plural: 'accounts', idShape: ACCOUNT_ID },
  ou: { label: 'OU', plural: 'OUs', idShape: OU_OR_ROOT_ID },
  permissionSet: { label: 'permission set', plural: 'permission sets', idShape: PERMISSION_SET_ARN },
  group: { label: 'group', plural: 'groups', idShape: IDC_ID },
  user: { label: 'user', plural: 'users', idShape: IDC_ID },
};

/** One kind of reference, indexed by id and by name. */
class RefIndex {
  private readonly byId = new Map<string, NamedRef>();
  private readonly byName = new Map<string, NamedRef[]>();
  private readonly byFoldedName = new Map<string, NamedRef[]>();

  constructor(
    private readonly kind: RefKind,
    items: readonly NamedRef[],
  ) {
    for (const item of items) {
      if (this.byId.has(item.id)) continue;
      this.byId.set(item.id, item);
      this.byName.set(item.name, [...(this.byName.get(item.name) ?? []), item]);
      const folded = item.name.toLowerCase();
      this.byFoldedName.set(folded, [...(this.byFoldedName.get(folded) ?? []), item]);
    }
  }

  get(id: string): NamedRef | undefined {
    return this.byId.get(id);
  }

  /** The item a document means by `value` (a name or an id); the error names `path`. */
  resolve(value: string, path: string): NamedRef {
    const { label, plural, idShape } = KINDS[this.kind];
    const text = value.trim();
    if (idShape.test(text)) {
      const found = this.byId.get(text);
      if (found === undefined) throw documentError(path, `no ${label} with the id "${text}".`);
      return found;
    }
    const named = this.byName.get(text) ?? [];
    if (named.length === 1 && named[0] !== undefined) return named[0];
    if (named.length > 1) {
      const ids = named.map((n) => n.id).join(', ');
      throw documentError(
        path,
        `${named.length} ${plural} are named "${text}" (${ids}); give the id instead.`,
      );
    }
    const similar = this.byFoldedName.get(text.toLowerCase()) ?? [];
    const hint = similar.length > 0 ? ` (did you mean "${similar[0]?.name ?? ''}"?)` : '';
    throw documentError(path, `no ${label} named "${text}"${hint}.`);
  }

  /** How a document names the item with this id: its name when that says which one, else the id. */
  write(id: string): string {
    const item = this.byId.get(id);
    if (item === undefined) return id;
    const unique = (this.byName.get(item.name) ?? []).length === 1;
    const readsAsName = item.name.trim() === item.name && item.name !== '';
    return unique && readsAsName && !KINDS[this.kind].idShape.test(item.name) ? item.name : id;
  }

  /** A display name for messages and previews (the name, or the id when unknown). */
  display(id: string, storedName?: string): string {
    return this.byId.get(id)?.name ?? storedName ?? id;
  }
}

function flatten(node: OuNode): NamedRef[] {
  return [{ id: node.id, name: node.name }, ...node.children.flatMap(flatten)];
}

/**
 * One snapshot of what documents may name: accounts (the management account included, which
 * only approver policies may name), OUs and the root, permission sets, groups and users, and
 * what eligibility policies must never grant.
 */
export class PolicyDirectory {
  readonly accounts: RefIndex;
  readonly ous: RefIndex;
  readonly permissionSets: RefIndex;
  readonly groups: RefIndex;
  readonly users: RefIndex;

  constructor(
    snapshot: {
      accounts: readonly NamedRef[];
      ous: readonly NamedRef[];
      permissionSets: readonly NamedRef[];
      groups: readonly NamedRef[];
      users: readonly NamedRef[];
    },
    /** The management account: never part of an eligibility policy. */
    readonly managementAccountId: string,
    /** Permission sets provisioned to the management account: never part of an eligibility policy. */
    readonly managementPermissionSetArns: ReadonlySet<string>,
  ) {
    this.accounts = new RefIndex('account', snapshot.accounts);
    this.ous = new RefIndex('ou', snapshot.ous);
    this.permissionSets = new RefIndex('permissionSet', snapshot.permissionSets);
    this.groups = new RefIndex('group', snapshot.groups);
    this.users = new RefIndex('user', snapshot.users);
  }

  of(kind: RefKind): RefIndex {
    switch (kind) {
      case 'account':
        return this.accounts;
      case 'ou':
        return this.ous;
      case 'permissionSet':
        return this.permissionSets;
      case 'group':
        return this.groups;
      case 'user':
        return this.users;
    }
  }
}

/** The users a document or the stored policies name: looked up one by one, never all listed. */
export interface UserLookups {
  /** User names or ids, as a document gives them. */
  names: readonly string[];
  /** Ids, as stored policies hold them. */
  ids: readonly string[];
}

/**
 * What Identity Center accepts as a user name (1–128 letters, marks, digits, punctuation or
 * symbols): anything else names no user, and is not sent to it.
 */
const USER_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** Runs `each` over `items`, `limit` at a time (Identity Store's read APIs are rate-limited). */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  each: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let at = 0; at < items.length; at += limit) {
    out.push(...(await Promise.all(items.slice(at, at + limit).map(each))));
  }
  return out;
}

/**
 * The users named: a name is found by user name (unique in Identity Center), an id by id. An
 * organization may have many thousands of users, so they are looked up, not listed.
 */
async function lookUpUsers(deps: Pick<CoreDeps, 'directory'>, users: UserLookups): Promise<NamedRef[]> {
  const values = [...new Set([...users.names.map((n) => n.trim()), ...users.ids])].filter(
    (v) => IDC_ID.test(v) || USER_NAME.test(v),
  );
  const found = await inBatches(values, 10, (value) =>
    IDC_ID.test(value) ? deps.directory.getUser(value) : deps.directory.findUserByUserName(value),
  );
  return found.flatMap((user) => (user === undefined ? [] : [{ id: user.id, name: user.userName }]));
}

/**
 * Reads the snapshot a document is resolved against (or written with) from the live sources:
 * every account, OU, permission set and group, and the users named (`users`).
 */
export async function loadPolicyDirectory(
  deps: Pick<CoreDeps, 'directory' | 'organization'>,
  users: UserLookups,
): Promise<PolicyDirectory> {
  const [accounts, tree, permissionSets, groups, named, managementAccountId] = await Promise.all([
    deps.organization.listAccounts(),
    deps.organization.ouTree(),
    deps.directory.listPermissionSets(),
    deps.directory.listGroups(),
    lookUpUsers(deps, users),
    deps.organization.managementAccountId(),
  ]);
  const excluded = await deps.directory.permissionSetsProvisionedTo(managementAccountId);
  return new PolicyDirectory(
    {
      accounts: accounts.map((a) => ({ id: a.id, name: a.name })),
      ous: flatten(tree),
      permissionSets: permissionSets.map((p) => ({ id: p.arn, name: p.name })),
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
      users: named,
    },
    managementAccountId,
    new Set(excluded),
  );
}
