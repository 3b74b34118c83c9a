import { ValidationError } from '../../lambdas/core/errors';
import type { Page, PageRequest } from '../../lambdas/core/types';

/** One sort key part: a string compared by code units (like DynamoDB), ascending or descending. */
export type SortKey = readonly string[];

/** How a list orders its items: key parts and a direction per part. */
export interface Ordering<T> {
  key: (item: T) => SortKey;
  /** One entry per key part; `desc` reverses that part. */
  directions: readonly ('asc' | 'desc')[];
}

function compareKeys(a: SortKey, b: SortKey, directions: readonly ('asc' | 'desc')[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    const sign = directions[i] === 'desc' ? -1 : 1;
    return x < y ? -sign : sign;
  }
  return 0;
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('The page cursor is not valid: start again from the first page.', 'cursor');
  }
  const k: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'k') : undefined;
  if (!Array.isArray(k) || !k.every((part): part is string => typeof part === 'string')) {
    throw new ValidationError('The page cursor is not valid: start again from the first page.', 'cursor');
  }
  return k;
}

/**
 * Pages through items the way a DynamoDB Query does: sorted by the ordering, resumed strictly
 * after the key in the cursor (an "exclusive start key"), so items written between two page
 * reads never shift or repeat what the reader already saw. Never returns more than `limit`.
 */
export function paginate<T>(items: readonly T[], ordering: Ordering<T>, page: PageRequest): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1) {
    // The use cases clamp page sizes; reaching here with a bad limit is a bug in the caller.
    throw new Error(`page limit must be a positive integer, got ${String(page.limit)}`);
  }
  const sorted = [...items].sort((a, b) =>
    compareKeys(ordering.key(a), ordering.key(b), ordering.directions),
  );
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rest =
    after === undefined
      ? sorted
      : sorted.filter((item) => compareKeys(ordering.key(item), after, ordering.directions) > 0);
  const pageItems = rest.slice(0, page.limit);
  const last = pageItems[pageItems.length - 1];
  return rest.length > page.limit && last !== undefined
    ? { items: pageItems, nextCursor: encodeCursor(ordering.key(last)) }
    : { items: pageItems };
}

/** Reads every page of a paginated list (tests only: real lists are read page by page). */
export async function readAllPages<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
  limit = 100,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor === undefined ? { limit } : { limit, cursor });
    pages += 1;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { items, pages };
}
