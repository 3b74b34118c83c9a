/** Page sizes of the lists: what a client may ask for and what it gets. */
import type { PageRequest } from './types';

/** Page size used when the client does not ask for one. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page a client may ask for: every list reads O(page size) items. */
export const MAX_PAGE_SIZE = 100;

/** What a client may pass to a list: both optional, null accepted (GraphQL arguments). */
export interface PageInput {
  limit?: number | null;
  cursor?: string | null;
}

/** A page request with the size clamped to 1–100 (default 20) and an empty cursor dropped. */
export function clampPage(input: PageInput = {}): PageRequest {
  const raw = input.limit;
  const limit =
    raw === undefined || raw === null || !Number.isFinite(raw)
      ? DEFAULT_PAGE_SIZE
      : Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(raw)));
  return input.cursor ? { limit, cursor: input.cursor } : { limit };
}
