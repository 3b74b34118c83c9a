import { ConflictError } from '../../lambdas/core/errors';
import type { GrantRepository } from '../../lambdas/core/ports';
import type { Grant, Page, PageRequest } from '../../lambdas/core/types';
import { CallLog } from './calls';
import { paginate, type Ordering } from './paging';

const keyOf = (g: Pick<Grant, 'userId' | 'accountId' | 'permissionSetArn'>): string =>
  `${g.userId}|${g.accountId}|${g.permissionSetArn}`;

const byKey: Ordering<Grant> = {
  key: (g) => [g.userId, g.accountId, g.permissionSetArn],
  directions: ['asc', 'asc', 'asc'],
};

/** GrantRepository in memory: puts and deletes are conditional on the grant's version. */
export class InMemoryGrantRepository implements GrantRepository {
  readonly calls = new CallLog<keyof GrantRepository>();
  private readonly grants = new Map<string, Grant>();

  async get(userId: string, accountId: string, permissionSetArn: string): Promise<Grant | undefined> {
    this.calls.hit('get');
    const g = this.grants.get(keyOf({ userId, accountId, permissionSetArn }));
    return g === undefined ? undefined : structuredClone(g);
  }

  async put(grant: Grant, expectedVersion: number): Promise<void> {
    this.calls.hit('put');
    const stored = this.grants.get(keyOf(grant));
    if ((stored?.version ?? 0) !== expectedVersion) {
      throw new ConflictError(
        `The grant of ${grant.permissionSetArn} in ${grant.accountId} to ${grant.userId} changed in the meantime.`,
      );
    }
    this.grants.set(keyOf(grant), structuredClone(grant));
  }

  async delete(grant: Grant): Promise<void> {
    this.calls.hit('delete');
    const stored = this.grants.get(keyOf(grant));
    if (stored === undefined || stored.version !== grant.version) {
      throw new ConflictError(
        `The grant of ${grant.permissionSetArn} in ${grant.accountId} to ${grant.userId} changed in the meantime.`,
      );
    }
    this.grants.delete(keyOf(grant));
  }

  async listAll(page: PageRequest): Promise<Page<Grant>> {
    this.calls.hit('listAll');
    const result = paginate([...this.grants.values()], byKey, page);
    return { ...result, items: result.items.map((g) => structuredClone(g)) };
  }

  /** Every stored grant (tests only). */
  snapshot(): Grant[] {
    return [...this.grants.values()].map((g) => structuredClone(g));
  }
}
