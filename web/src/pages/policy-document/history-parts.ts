import type { RequestHistoryImportResult, RequestHistoryPreview, RequestStatus } from '../../api/model';
import { STATUS_LABELS } from '../../features/requests/status-badge';

/** Items the server takes in one call: a larger file is sent in parts of at most this many. */
export const MAX_ITEMS_PER_PART = 1000;

/**
 * The most a part's items may weigh as the request carries them (a JSON string in the GraphQL
 * variables, UTF-8): the API takes request bodies of at most 1 MiB, and this leaves room for the
 * rest of the request. Large items make a part hold fewer than 1,000.
 */
export const MAX_PART_BYTES = 900 * 1024;

/** A run of the file's items, sent in one call. */
export interface HistoryPart {
  /** 1-based position of the part's first and last item in the file. */
  first: number;
  last: number;
  /** The items as the server reads them: `{"Items": [...]}` for a scan's output, else a list. */
  items: string;
}

/** Why the text cannot be sent: what the admin reads, before anything is asked of the server. */
export type HistoryProblem =
  | { kind: 'notJson' }
  | { kind: 'shape' }
  | { kind: 'empty' }
  | { kind: 'duplicate'; item: number; first: number; id: string }
  | { kind: 'tooLarge'; item: number };

export type SplitResult =
  { ok: true; itemCount: number; parts: HistoryPart[] } | { ok: false; problem: HistoryProblem };

/** An item's id, plain (`"id": "…"`) or DynamoDB JSON (`"id": {"S": "…"}`); undefined when it has none. */
function idOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const id: unknown = (item as Record<string, unknown>)['id'];
  if (typeof id === 'string') return id;
  if (typeof id === 'object' && id !== null) {
    const s: unknown = (id as Record<string, unknown>)['S'];
    if (typeof s === 'string') return s;
  }
  return undefined;
}

/**
 * Reads the original TEAM's `requests` items (the output of `aws dynamodb scan`, `{"Items": [...]}`,
 * or a JSON list of items) and splits them into parts of at most 1,000 items and 900 KiB, each
 * written in the shape it came in. Items are otherwise left to the server to check; an id that appears twice in
 * the file is refused here, since the server sees one part at a time.
 */
export function splitHistory(text: string): SplitResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: { kind: 'notJson' } };
  }
  const scan =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)['Items']
      : undefined;
  const items: unknown = Array.isArray(parsed) ? parsed : scan;
  if (!Array.isArray(items)) return { ok: false, problem: { kind: 'shape' } };
  if (items.length === 0) return { ok: false, problem: { kind: 'empty' } };

  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const id = idOf(item);
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first !== undefined) {
      return { ok: false, problem: { kind: 'duplicate', item: index + 1, first, id } };
    }
    seen.set(id, index + 1);
  }

  const wrap = (slice: unknown[]) => JSON.stringify(Array.isArray(parsed) ? slice : { Items: slice });
  const overhead = carriedBytes(wrap([]));
  const parts: HistoryPart[] = [];
  let slice: unknown[] = [];
  let bytes = overhead;
  const close = (next: number) => {
    parts.push({ first: next - slice.length, last: next - 1, items: wrap(slice) });
    slice = [];
    bytes = overhead;
  };
  for (const [index, item] of (items as unknown[]).entries()) {
    // The item and the comma before it, as the request carries them.
    const size = carriedBytes(JSON.stringify(item)) + 1;
    if (overhead + size > MAX_PART_BYTES)
      return { ok: false, problem: { kind: 'tooLarge', item: index + 1 } };
    if (slice.length === MAX_ITEMS_PER_PART || bytes + size > MAX_PART_BYTES) close(index + 1);
    slice.push(item);
    bytes += size;
  }
  close(items.length + 1);
  return { ok: true, itemCount: items.length, parts };
}

const encoder = new TextEncoder();

/** Bytes a text weighs as a JSON string in the request (quotes and escapes, UTF-8). */
function carriedBytes(text: string): number {
  return encoder.encode(JSON.stringify(text)).length - 2;
}

/** Statuses in the order the app lists them (the lifecycle's). */
const STATUS_ORDER = Object.keys(STATUS_LABELS) as RequestStatus[];

/** The previews of every part as one: counts added up, the widest period, every unknown user once. */
export function sumPreviews(previews: readonly RequestHistoryPreview[]): RequestHistoryPreview {
  const byStatus = new Map<RequestStatus, number>();
  const unknownUsers = new Set<string>();
  let from: string | null = null;
  let to: string | null = null;
  const total = { total: 0, toImport: 0, alreadyImported: 0 };
  for (const preview of previews) {
    total.total += preview.total;
    total.toImport += preview.toImport;
    total.alreadyImported += preview.alreadyImported;
    for (const { status, count } of preview.byStatus) {
      byStatus.set(status, (byStatus.get(status) ?? 0) + count);
    }
    for (const user of preview.unknownUsers) unknownUsers.add(user);
    if (preview.from !== null && (from === null || Date.parse(preview.from) < Date.parse(from))) {
      from = preview.from;
    }
    if (preview.to !== null && (to === null || Date.parse(preview.to) > Date.parse(to))) to = preview.to;
  }
  return {
    ...total,
    byStatus: STATUS_ORDER.filter((status) => byStatus.has(status)).map((status) => ({
      status,
      count: byStatus.get(status) ?? 0,
    })),
    from,
    to,
    unknownUsers: [...unknownUsers].sort(),
  };
}

/** The results of the parts imported so far, added up. */
export function sumResults(results: readonly RequestHistoryImportResult[]): RequestHistoryImportResult {
  return results.reduce(
    (sum, r) => ({
      imported: sum.imported + r.imported,
      alreadyImported: sum.alreadyImported + r.alreadyImported,
    }),
    { imported: 0, alreadyImported: 0 },
  );
}
