/**
 * Paging in memory over the full lists the adapters return for the admin pickers, with opaque
 * cursors bound to the operation, its filter and the caller.
 */
import { ValidationError } from '../../core/errors';

/** Case-insensitive substring match on any of the texts; no filter matches everything. */
export function matches(filter: string | undefined, ...texts: (string | undefined)[]): boolean {
  const needle = filter?.trim().toLowerCase();
  if (!needle) return true;
  return texts.some((t) => t !== undefined && t.toLowerCase().includes(needle));
}

interface CursorState {
  /** Operation the cursor belongs to. */
  op: string;
  /** Filter it was made for. */
  f: string;
  /** Caller it was made for. */
  u: string;
  /** Offset of the next item. */
  o: number;
}

const INVALID = 'The page token is not valid for this list; start again from the first page.';

function decode(token: string): CursorState {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof Reflect.get(value, 'op') === 'string' &&
      typeof Reflect.get(value, 'f') === 'string' &&
      typeof Reflect.get(value, 'u') === 'string' &&
      Number.isSafeInteger(Reflect.get(value, 'o'))
    ) {
      return value as CursorState;
    }
  } catch {
    // fall through: not our token
  }
  throw new ValidationError(INVALID, 'nextToken');
}

/**
 * One page of `items` after the position in `nextToken`. The token is tied to `op`, `filter`
 * and `callerId`: a token from another list, filter or caller is a ValidationError.
 */
export function pageInMemory<T>(
  items: readonly T[],
  request: {
    op: string;
    filter?: string | undefined;
    callerId: string;
    limit: number;
    nextToken?: string | undefined;
  },
): { items: T[]; nextToken: string | null } {
  const f = request.filter?.trim().toLowerCase() ?? '';
  let offset = 0;
  if (request.nextToken !== undefined) {
    const state = decode(request.nextToken);
    if (state.op !== request.op || state.f !== f || state.u !== request.callerId || state.o < 0) {
      throw new ValidationError(INVALID, 'nextToken');
    }
    offset = state.o;
  }
  const page = items.slice(offset, offset + request.limit);
  const end = offset + page.length;
  const nextToken =
    end < items.length
      ? Buffer.from(
          JSON.stringify({ op: request.op, f, u: request.callerId, o: end } satisfies CursorState),
        ).toString('base64url')
      : null;
  return { items: page, nextToken };
}
