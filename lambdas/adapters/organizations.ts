import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { NotFoundError } from '../core/errors';
import type { Clock, Organization } from '../core/ports';
import type { AccountInfo, OuNode, ParentRef } from '../core/types';
import { TtlCache } from './cache';
import { systemClock } from './clock';
import { Semaphore } from './concurrency';
import type { OuAccountsCache } from './dynamodb/ou-cache';
import { awsCall, unlessAwsError } from './errors';

const SERVICE = 'AWS Organizations';
/** Organizations' list operations return at most 20 items per page. */
const PAGE_SIZE = 20;
/**
 * How long a parent learnt from a live ListAccountsForParent answers parentOf (see `parents`):
 * long enough for the createRequest that listed the OU, too short to matter when an
 * administrator moves an account.
 */
const LISTED_PARENT_TTL_MS = 5_000;
/** Parents remembered at most (a listing of a big OU must not grow the container's memory). */
const LISTED_PARENT_MAX = 2_000;
/** How long the OU tree and OU parents are remembered (OUs move rarely; see the Organization port). */
const OU_TREE_TTL_MS = 5 * 60_000;

export interface AwsOrganizationOptions {
  /**
   * The management account id from the deployment configuration: managementAccountId() then
   * makes no DescribeOrganization call. The same id scopes the functions' IAM permissions to
   * the organization's resources, so a wrong value fails loudly rather than silently.
   */
  managementAccountId?: string;
  /** Time for the short-lived memo of parents (default: the system clock). */
  clock?: Clock;
  /**
   * The OU → accounts cache put in front of accountsInOu, and whether to use it now (the
   * `ouCacheEnabled` setting, read per call so an admin's change applies without a redeploy).
   */
  ouCache?: { cache: OuAccountsCache; enabled: () => boolean | Promise<boolean> };
  /** Organizations calls in flight at once while walking the OU tree (default 4). */
  concurrency?: number;
  /** How long a caller that lost the populate race waits for the winner (default 10 × 200 ms). */
  waitForPopulate?: { attempts: number; intervalMs: number };
  sleep?: (ms: number) => Promise<void>;
}

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** Account → parent with a short expiry, oldest dropped first beyond LISTED_PARENT_MAX. */
class ListedParents {
  private readonly entries = new Map<string, { parent: ParentRef; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  get(accountId: string): ParentRef | undefined {
    const entry = this.entries.get(accountId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.now().getTime()) return entry.parent;
    this.entries.delete(accountId);
    return undefined;
  }

  /** Remembers that these accounts sit directly under `parentId`. */
  remember(parentId: string, accounts: readonly AccountInfo[]): void {
    const parent: ParentRef = {
      id: parentId,
      type: parentId.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
    };
    const expiresAt = this.clock.now().getTime() + LISTED_PARENT_TTL_MS;
    for (const account of accounts) {
      // Re-inserted so the Map's order stays oldest first.
      this.entries.delete(account.id);
      this.entries.set(account.id, { parent, expiresAt });
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= LISTED_PARENT_MAX) break;
      this.entries.delete(oldest);
    }
  }
}

function toAccount(a: Account): AccountInfo {
  return { id: a.Id ?? '', name: a.Name ?? a.Id ?? '', ...(a.Email ? { email: a.Email } : {}) };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/**
 * The Organization port over AWS Organizations (read-only). Organizations allows only a few
 * requests per second per account, so the OU tree is walked with bounded concurrency, the
 * management account id comes from the configuration (or is asked once per container), and OU
 * account lists can be served from the OU cache with a populate-once guard.
 */
export class AwsOrganization implements Organization {
  private readonly limiter: Semaphore;
  private managementId: Promise<string> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * Account → parent, learnt from live ListAccountsForParent answers only (never from the OU
   * cache, which may be a week old, nor from ListParents itself): createRequest lists the one
   * OU that could make the account eligible and then asks for the account's parent, which that
   * listing has just answered. Saves one ListParents per such request; bounded and short-lived.
   */
  private readonly parents: ListedParents;
  private readonly trees: TtlCache<OuNode>;
  private readonly ouParents: TtlCache<ParentRef>;

  constructor(
    private readonly client: OrganizationsClient,
    private readonly options: AwsOrganizationOptions = {},
  ) {
    this.limiter = new Semaphore(options.concurrency ?? 4);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.parents = new ListedParents(options.clock ?? systemClock);
    this.trees = new TtlCache<OuNode>(OU_TREE_TTL_MS, options.clock ?? systemClock, 1);
    this.ouParents = new TtlCache<ParentRef>(OU_TREE_TTL_MS, options.clock ?? systemClock);
    if (options.managementAccountId !== undefined) {
      this.managementId = Promise.resolve(options.managementAccountId);
    }
  }

  managementAccountId(): Promise<string> {
    this.managementId ??= awsCall(SERVICE, 'DescribeOrganization', async () => {
      const out = await this.client.send(new DescribeOrganizationCommand({}));
      const id = out.Organization?.MasterAccountId;
      if (!id) throw new Error('DescribeOrganization returned no management account id');
      return id;
    });
    const pending = this.managementId;
    pending.catch(() => {
      if (this.managementId === pending) this.managementId = undefined;
    });
    return pending;
  }

  async listAccounts(): Promise<AccountInfo[]> {
    const accounts = await awsCall(SERVICE, 'ListAccounts', () =>
      collect(paginateListAccounts({ client: this.client, pageSize: PAGE_SIZE }, {}), (p) => p.Accounts),
    );
    return accounts.map(toAccount).sort(byName);
  }

  async getAccount(accountId: string): Promise<AccountInfo | undefined> {
    const out = await unlessAwsError(['AccountNotFoundException', 'InvalidInputException'], undefined, () =>
      awsCall(SERVICE, 'DescribeAccount', () =>
        this.client.send(new DescribeAccountCommand({ AccountId: accountId })),
      ),
    );
    return out?.Account ? toAccount(out.Account) : undefined;
  }

  async accountsInOu(ouId: string): Promise<AccountInfo[]> {
    const cache = this.options.ouCache;
    if (!cache || !(await cache.enabled())) return this.fetchAccountsInOu(ouId);
    return this.cachedAccountsInOu(cache.cache, ouId);
  }

  async parentOf(accountId: string): Promise<ParentRef> {
    const listed = this.parents.get(accountId);
    if (listed !== undefined) return listed;
    const parent = await this.listParent(accountId);
    if (parent === undefined) throw new NotFoundError(`Account ${accountId} is not in the organization.`);
    return parent;
  }

  async ancestorsOf(ouId: string): Promise<string[]> {
    const out: string[] = [];
    // Organizations nests OUs at most five deep; the bound only guards against a bad answer.
    for (let at = ouId; !at.startsWith('r-') && out.length < 8;) {
      const parent = await this.ouParents.get(at, async () => {
        const found = await this.listParent(at);
        if (found === undefined) throw new NotFoundError(`OU ${at} is not in the organization.`);
        return found;
      });
      out.push(parent.id);
      at = parent.id;
    }
    return out;
  }

  /** The direct parent of an account or OU, or undefined when Organizations knows none. */
  private async listParent(childId: string): Promise<ParentRef | undefined> {
    const parents = await unlessAwsError(['ChildNotFoundException', 'InvalidInputException'], [], () =>
      awsCall(SERVICE, 'ListParents', () =>
        collect(
          paginateListParents({ client: this.client, pageSize: PAGE_SIZE }, { ChildId: childId }),
          (p) => p.Parents,
        ),
      ),
    );
    const parent = parents[0];
    if (!parent?.Id) return undefined;
    return { id: parent.Id, type: parent.Type === 'ROOT' ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  }

  cachedOuTree(): Promise<OuNode> {
    return this.trees.get('tree', async () => {
      const cache = this.options.ouCache;
      if (!cache || !(await cache.enabled())) return this.readOuTree();
      // Like the account lists: served from the OU cache when on, read and stored on a miss.
      const hit = await cache.cache.getTree().catch(() => undefined);
      if (hit) return hit;
      const tree = await this.readOuTree();
      await cache.cache.putTree(tree).catch(() => undefined);
      return tree;
    });
  }

  async ouTree(): Promise<OuNode> {
    const tree = await this.readOuTree();
    this.trees.set('tree', tree);
    return tree;
  }

  private async readOuTree(): Promise<OuNode> {
    const roots = await this.limited('ListRoots', () =>
      collect(paginateListRoots({ client: this.client, pageSize: PAGE_SIZE }, {}), (p) => p.Roots),
    );
    const root = roots[0];
    if (!root?.Id) throw new Error('ListRoots returned no root');
    const build = async (id: string, name: string, type: OuNode['type']): Promise<OuNode> => {
      // Only the listing holds a slot: holding one across the recursion could starve the children.
      const ous = await this.limited('ListOrganizationalUnitsForParent', () =>
        collect(
          paginateListOrganizationalUnitsForParent(
            { client: this.client, pageSize: PAGE_SIZE },
            { ParentId: id },
          ),
          (p) => p.OrganizationalUnits,
        ),
      );
      const children = await Promise.all(
        ous.flatMap((ou) => (ou.Id ? [build(ou.Id, ou.Name ?? ou.Id, 'ORGANIZATIONAL_UNIT')] : [])),
      );
      return { id, name, type, children: children.sort(byName) };
    };
    return build(root.Id, root.Name ?? 'Root', 'ROOT');
  }

  /** Accounts directly under the OU or root, from Organizations; an unknown OU has none. */
  private async fetchAccountsInOu(ouId: string): Promise<AccountInfo[]> {
    const accounts = await unlessAwsError(['ParentNotFoundException'], [], () =>
      this.limited('ListAccountsForParent', () =>
        collect(
          paginateListAccountsForParent({ client: this.client, pageSize: PAGE_SIZE }, { ParentId: ouId }),
          (p) => p.Accounts,
        ),
      ),
    );
    const listed = accounts.map(toAccount).sort(byName);
    this.parents.remember(ouId, listed);
    return listed;
  }

  /**
   * A hit is served; on a miss one caller claims the entry and populates it while the others
   * wait for it. When the cache is unreachable or the populator is slow, Organizations is asked
   * directly: a cache must never turn into missing eligibility.
   */
  private async cachedAccountsInOu(cache: OuAccountsCache, ouId: string): Promise<AccountInfo[]> {
    const hit = await cache.get(ouId).catch(() => undefined);
    if (hit) return hit.accounts;
    let token: string | undefined;
    try {
      token = await cache.claim(ouId);
    } catch {
      return this.fetchAccountsInOu(ouId);
    }
    if (token !== undefined) {
      let accounts: AccountInfo[];
      try {
        accounts = await this.fetchAccountsInOu(ouId);
      } catch (err) {
        await cache.release(ouId, token).catch(() => undefined);
        throw err;
      }
      await cache.put(ouId, accounts, token).catch(() => false);
      return accounts;
    }
    const wait = this.options.waitForPopulate ?? { attempts: 10, intervalMs: 200 };
    for (let i = 0; i < wait.attempts; i += 1) {
      await this.sleep(wait.intervalMs);
      const entry = await cache.get(ouId).catch(() => undefined);
      if (entry) return entry.accounts;
    }
    return this.fetchAccountsInOu(ouId);
  }

  private limited<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return this.limiter.run(() => awsCall(SERVICE, operation, run));
  }
}
