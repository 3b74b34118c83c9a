import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/ports';
import type { AccountInfo, OuNode } from '../../core/types';
import { mapLimit } from '../concurrency';
import { batchGetInOrder, compact, isConditionFailure } from './common';

/** A cached list of the accounts directly under an OU (or the root). */
export interface OuCacheEntry {
  ouId: string;
  accounts: AccountInfo[];
  cachedAt: string;
  /** Epoch seconds; the entry is never served at or after this time. */
  expiresAt: number;
}

export interface InvalidateResult {
  invalidated: string[];
  failed: string[];
}

/** The OU → accounts cache the Organization adapter puts in front of ListAccountsForParent. */
export interface OuAccountsCache {
  /** The entry if it is ready and not expired (whatever DynamoDB's TTL sweeper has done yet). */
  get(ouId: string): Promise<OuCacheEntry | undefined>;
  /**
   * Stores the accounts of an OU. With a claim token, only while that claim still holds (an
   * invalidation in the meantime wins); returns whether it was stored.
   */
  put(ouId: string, accounts: AccountInfo[], claimToken?: string): Promise<boolean>;
  /**
   * Claims the right to populate a missing or expired entry: returns a token to the one caller
   * that wins, undefined to everyone else while the claim is fresh.
   */
  claim(ouId: string): Promise<string | undefined>;
  /** Gives up a claim (population failed) so the next caller can try at once. */
  release(ouId: string, claimToken: string): Promise<void>;
  /**
   * Drops the entries of these OUs, and the cached OU tree with them (OUs were changed); the
   * next lookup reads Organizations again.
   */
  invalidate(ouIds: readonly string[]): Promise<InvalidateResult>;
  /** The cached OU tree, if stored and not expired. */
  getTree(): Promise<OuNode | undefined>;
  /** Stores the OU tree (same expiry as the account lists). */
  putTree(tree: OuNode): Promise<void>;
}

export interface DynamoOuCacheOptions {
  clock: Clock;
  /**
   * How long an entry is served: seconds, or a function asked at every write (the
   * `ouCacheLifetimeHours` setting, read per call so an admin's change applies to the next entry
   * stored without a redeploy). Default one week, as TEAM's CACHE_TTL.
   */
  ttlSeconds?: number | (() => number | Promise<number>);
  /** How long a claim blocks other populators before it counts as stuck (default 30 s). */
  claimSeconds?: number;
}

/** One week, as TEAM's CACHE_TTL (and the `ouCacheLifetimeHours` setting's default). */
const DEFAULT_TTL_SECONDS = 604_800;
const READY = 'ready';
/** The key of the OU tree's item: no OU id has this shape. */
const TREE_KEY = '#tree';
const POPULATING = 'populating';

interface CacheItem {
  ouId: string;
  status: typeof READY | typeof POPULATING;
  expiresAt: number;
  accounts?: AccountInfo[];
  cachedAt?: string;
  claimToken?: string;
}

interface PendingRead {
  ouId: string;
  resolve: (entry: OuCacheEntry | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The OU cache in the `OuAccountsCache` table (TTL attribute `expiresAt`). DynamoDB deletes
 * expired items only eventually (up to days later), so reads compare `expiresAt` with the clock
 * themselves; a claim item with a short expiry guards population so concurrent callers do not
 * all call Organizations, and a stuck claim expires by itself. Reads made together (the request
 * form asks for every OU a policy names at once) go out as one BatchGetItem per 100 OUs.
 */
export class DynamoOuCache implements OuAccountsCache {
  private readonly ttlSeconds: () => number | Promise<number>;
  private readonly claimSeconds: number;
  /** Reads asked since the last batch went out. */
  private queued: PendingRead[] | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoOuCacheOptions,
  ) {
    const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.ttlSeconds = typeof ttl === 'number' ? () => ttl : ttl;
    this.claimSeconds = options.claimSeconds ?? 30;
  }

  private nowMs(): number {
    return this.options.clock.now().getTime();
  }

  private nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** When an entry written now stops being served (epoch seconds). */
  private async expiryOfNewEntry(): Promise<number> {
    const ttl = await this.ttlSeconds();
    if (!Number.isFinite(ttl) || ttl <= 0)
      throw new Error(`OU cache lifetime must be positive, got ${ttl} s.`);
    return this.nowSeconds() + Math.floor(ttl);
  }

  get(ouId: string): Promise<OuCacheEntry | undefined> {
    return new Promise((resolve, reject) => {
      if (this.queued === undefined) {
        this.queued = [];
        // The next turn of the event loop: every read of the current burst has been asked by then.
        setImmediate(() => void this.readQueued());
      }
      this.queued.push({ ouId, resolve, reject });
    });
  }

  private async readQueued(): Promise<void> {
    const reads = this.queued ?? [];
    this.queued = undefined;
    try {
      const items = await batchGetInOrder(
        this.db,
        this.tableName,
        'ouId',
        reads.map((r) => r.ouId),
        { consistentRead: true },
      );
      const byId = new Map(items.map((item) => [String(item['ouId']), item as CacheItem]));
      for (const read of reads) read.resolve(this.entryOf(byId.get(read.ouId)));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  private entryOf(item: CacheItem | undefined): OuCacheEntry | undefined {
    if (!item || item.status !== READY || !item.accounts) return undefined;
    if (item.expiresAt * 1000 <= this.nowMs()) return undefined;
    return {
      ouId: item.ouId,
      accounts: item.accounts,
      cachedAt: item.cachedAt ?? '',
      expiresAt: item.expiresAt,
    };
  }

  async put(ouId: string, accounts: AccountInfo[], claimToken?: string): Promise<boolean> {
    const expiresAt = await this.expiryOfNewEntry();
    const item: CacheItem = {
      ouId,
      status: READY,
      accounts: accounts.map((a) => compact({ ...a })),
      cachedAt: this.options.clock.now().toISOString(),
      expiresAt,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(claimToken === undefined
            ? {}
            : {
                ConditionExpression: 'claimToken = :token',
                ExpressionAttributeValues: { ':token': claimToken },
              }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async claim(ouId: string): Promise<string | undefined> {
    const token = randomUUID();
    const now = this.nowSeconds();
    const item: CacheItem = {
      ouId,
      status: POPULATING,
      claimToken: token,
      expiresAt: now + this.claimSeconds,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // Missing, expired (ready or not) or a claim whose holder is presumed dead.
          ConditionExpression: 'attribute_not_exists(ouId) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return token;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async release(ouId: string, claimToken: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { ouId },
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: { ':token': claimToken },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getTree(): Promise<OuNode | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { ouId: TREE_KEY }, ConsistentRead: true }),
    );
    const item = out.Item as { tree?: OuNode; expiresAt?: number } | undefined;
    if (item?.tree === undefined || (item.expiresAt ?? 0) * 1000 <= this.nowMs()) return undefined;
    return item.tree;
  }

  async putTree(tree: OuNode): Promise<void> {
    const expiresAt = await this.expiryOfNewEntry();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ouId: TREE_KEY,
          status: READY,
          tree,
          cachedAt: this.options.clock.now().toISOString(),
          expiresAt,
        },
      }),
    );
  }

  async invalidate(ouIds: readonly string[]): Promise<InvalidateResult> {
    const ids = [...new Set(ouIds)];
    // The tree goes with any OU: OUs may have moved. When it cannot be dropped, no OU counts as
    // invalidated (the tree would still place them as before).
    try {
      if (ids.length > 0) {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { ouId: TREE_KEY } }));
      }
    } catch {
      return { invalidated: [], failed: ids };
    }
    const outcomes = await mapLimit(ids, 5, async (ouId) => {
      try {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { ouId } }));
        return true;
      } catch {
        return false;
      }
    });
    return {
      invalidated: ids.filter((_, i) => outcomes[i]),
      failed: ids.filter((_, i) => !outcomes[i]),
    };
  }
}
