import type { CloudTrailEvent } from './events';
import type { CompareOp, Expr, QueryPlan } from './sql';

/**
 * Runs a compiled query over events with Trino's semantics where they matter to TEAM: three-valued
 * logic, case-insensitive identifiers, `eventTime` as a timestamp comparable with string literals,
 * results rendered as strings the way CloudTrail Lake returns them.
 */

/** A runtime failure: the query ends FAILED with this message. */
export class QueryRuntimeError extends Error {
  override readonly name = 'QueryRuntimeError';
}

/** A point in time (milliseconds since the epoch, UTC). */
export class Timestamp {
  constructor(readonly ms: number) {}
}

export type SqlValue =
  null | string | number | boolean | Timestamp | SqlValue[] | { [key: string]: SqlValue };
type Row = { [key: string]: SqlValue };

/** Top-level columns of the CloudTrail Lake event schema. */
export const EVENT_COLUMNS = [
  'eventVersion',
  'eventID',
  'eventTime',
  'eventName',
  'eventSource',
  'eventType',
  'eventCategory',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'userIdentity',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'readOnly',
  'resources',
  'apiVersion',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'annotation',
  'vpcEndpointId',
  'serviceEventDetails',
  'addendum',
  'edgeDeviceDetails',
  'insightDetails',
  'tlsDetails',
  'sessionCredentialFromConsole',
] as const;
const COLUMN_BY_LOWER = new Map(EVENT_COLUMNS.map((name) => [name.toLowerCase(), name]));
/** Paths (lower case) stored as timestamps in the Lake schema. */
const TIMESTAMP_PATHS = new Set(['eventtime', 'useridentity.sessioncontext.attributes.creationdate']);

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/** Parses the timestamp spellings Trino accepts in comparisons (date, `YYYY-MM-DD HH:MM:SS[.fff]`, ISO). */
export function parseTimestamp(text: string): Timestamp | undefined {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  ms += Math.floor(Number(`0.${frac}`) * 1000);
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
    ms -= zone.startsWith('+') ? offset : -offset;
  }
  const check = new Date(ms);
  if (Number.isNaN(check.getTime()) || Number(mo) < 1 || Number(mo) > 12 || Number(d) > 31) return undefined;
  return new Timestamp(ms);
}

const toTimestamp = (value: SqlValue): Timestamp | null => {
  if (value === null) return null;
  if (value instanceof Timestamp) return value;
  if (typeof value === 'string') {
    const parsed = parseTimestamp(value);
    if (parsed) return parsed;
  }
  throw new QueryRuntimeError(`INVALID_CAST_ARGUMENT: Value cannot be cast to timestamp: ${render(value)}`);
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Trino's rendering of a timestamp(3): `2026-01-02 03:04:05.000`. */
export function formatTimestamp(ts: Timestamp): string {
  const d = new Date(ts.ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** Renders a value as a result cell (rows and maps look like Trino's `{key=value, …}`). */
export function render(value: SqlValue): string {
  if (value === null) return 'null';
  if (value instanceof Timestamp) return formatTimestamp(value);
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  return String(value);
}

/** Converts parsed JSON into a SQL value; undefined fields are NULL. */
function fromJson(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromJson(v);
    return out;
  }
  return String(value);
}

function field(container: unknown, name: string): unknown {
  if (typeof container !== 'object' || container === null || Array.isArray(container)) return undefined;
  const record = container as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** Columns that Lake types as map<string,string>: nested values arrive as JSON text. */
const STRING_MAPS = new Set([
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
]);

function resolveColumn(event: CloudTrailEvent, path: readonly string[]): SqlValue {
  let current: unknown = event;
  for (const part of path) {
    current = field(current, part);
    if (current === undefined || current === null) return null;
  }
  const lowerPath = path.map((p) => p.toLowerCase());
  if (typeof current === 'string' && TIMESTAMP_PATHS.has(lowerPath.join('.')))
    return parseTimestamp(current) ?? null;
  if (STRING_MAPS.has(lowerPath[0] ?? '')) {
    if (path.length === 1 && typeof current === 'object' && !Array.isArray(current)) {
      const map: Row = {};
      for (const [k, v] of Object.entries(current as Record<string, unknown>))
        map[k] = v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
      return map;
    }
    if (path.length === 2) return typeof current === 'string' ? current : JSON.stringify(current);
  }
  return fromJson(current);
}

const truth = (value: SqlValue): boolean | null => {
  if (value === null) return null;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new QueryRuntimeError(`TYPE_MISMATCH: Expected a boolean but got ${render(value)}`);
};

const asNumber = (value: SqlValue): number | null => {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw new QueryRuntimeError(`TYPE_MISMATCH: Expected a number but got ${render(value)}`);
};

const asString = (value: SqlValue): string | null => (value === null ? null : render(value));

/** Orders two values; NULL when either is NULL (callers decide what that means). */
function compareValues(a: SqlValue, b: SqlValue): number | null {
  if (a === null || b === null) return null;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const x = toTimestamp(a);
    const y = toTimestamp(b);
    return x === null || y === null ? null : x.ms - y.ms;
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === null || y === null ? null : x - y;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = truth(a);
    const y = truth(b);
    return x === null || y === null ? null : Number(x) - Number(y);
  }
  const x = typeof a === 'string' ? a : render(a);
  const y = typeof b === 'string' ? b : render(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const COMPARE: Record<CompareOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

const likeCache = new Map<string, RegExp>();
function likeRegex(pattern: string): RegExp {
  let regex = likeCache.get(pattern);
  if (!regex) {
    const body = [...pattern]
      .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, 's');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(pattern, regex);
  }
  return regex;
}

const not = (value: boolean | null) => (value === null ? null : !value);

export interface EvalContext {
  now: () => Date;
}

function callFunction(name: string, args: SqlValue[], ctx: EvalContext): SqlValue {
  const [a = null, b = null, c = null] = args;
  const str = (v: SqlValue) => asString(v);
  switch (name) {
    case 'lower':
      return a === null ? null : (str(a) as string).toLowerCase();
    case 'upper':
      return a === null ? null : (str(a) as string).toUpperCase();
    case 'length':
      return a === null ? null : [...(str(a) as string)].length;
    case 'trim':
      return a === null ? null : (str(a) as string).trim();
    case 'ltrim':
      return a === null ? null : (str(a) as string).trimStart();
    case 'rtrim':
      return a === null ? null : (str(a) as string).trimEnd();
    case 'concat':
      return args.some((v) => v === null) ? null : args.map((v) => str(v)).join('');
    case 'coalesce':
      return args.find((v) => v !== null) ?? null;
    case 'strpos': {
      if (a === null || b === null) return null;
      return (str(a) as string).indexOf(str(b) as string) + 1;
    }
    case 'starts_with':
      return a === null || b === null ? null : (str(a) as string).startsWith(str(b) as string);
    case 'substr':
    case 'substring': {
      if (a === null || b === null) return null;
      const text = [...(str(a) as string)];
      let start = asNumber(b) ?? 1;
      if (start < 0) start = text.length + start + 1;
      const length = args.length > 2 ? asNumber(c) : undefined;
      if (length === null) return null;
      return text.slice(start - 1, length === undefined ? undefined : start - 1 + length).join('');
    }
    case 'element_at': {
      if (a === null || b === null) return null;
      if (Array.isArray(a)) {
        const index = asNumber(b) ?? 0;
        return a[index > 0 ? index - 1 : a.length + index] ?? null;
      }
      if (typeof a === 'object' && !(a instanceof Timestamp)) {
        const value = a[str(b) as string];
        // requestParameters and responseElements are map<string,string> in Lake: nested JSON is text.
        if (value === undefined || value === null) return null;
        return typeof value === 'object' && !(value instanceof Timestamp) ? JSON.stringify(value) : value;
      }
      throw new QueryRuntimeError('FUNCTION_NOT_FOUND: element_at expects a map or an array');
    }
    case 'json_format':
      return a === null ? null : JSON.stringify(a);
    case 'from_iso8601_timestamp':
      return a === null ? null : toTimestamp(a);
    case 'to_iso8601': {
      const ts = toTimestamp(a);
      return ts === null ? null : new Date(ts.ms).toISOString();
    }
    case 'now':
      return new Timestamp(ctx.now().getTime());
    default:
      throw new QueryRuntimeError(`FUNCTION_NOT_FOUND: ${name}`);
  }
}

/** Evaluates an expression against one event. */
export function evaluate(expr: Expr, event: CloudTrailEvent, ctx: EvalContext): SqlValue {
  const ev = (e: Expr) => evaluate(e, event, ctx);
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'column':
      return resolveColumn(event, expr.path);
    case 'index': {
      const base = ev(expr.base);
      const key = ev(expr.key);
      if (base === null || key === null) return null;
      return callFunction('element_at', [base, key], ctx);
    }
    case 'not':
      return not(truth(ev(expr.expr)));
    case 'negate': {
      const n = asNumber(ev(expr.expr));
      return n === null ? null : -n;
    }
    case 'and': {
      const left = truth(ev(expr.left));
      if (left === false) return false;
      const right = truth(ev(expr.right));
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = truth(ev(expr.left));
      if (left === true) return true;
      const right = truth(ev(expr.right));
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
    case 'compare': {
      const c = compareValues(ev(expr.left), ev(expr.right));
      return c === null ? null : COMPARE[expr.op](c);
    }
    case 'like': {
      const value = asString(ev(expr.expr));
      const pattern = asString(ev(expr.pattern));
      if (value === null || pattern === null) return null;
      const matched = likeRegex(pattern).test(value);
      return expr.negated ? !matched : matched;
    }
    case 'in': {
      const value = ev(expr.expr);
      if (value === null) return null;
      let sawNull = false;
      for (const item of expr.list) {
        const c = compareValues(value, ev(item));
        if (c === 0) return !expr.negated;
        if (c === null) sawNull = true;
      }
      return sawNull ? null : expr.negated;
    }
    case 'between': {
      const value = ev(expr.expr);
      const low = compareValues(value, ev(expr.low));
      const high = compareValues(value, ev(expr.high));
      if (low === null || high === null) return null;
      const inside = low >= 0 && high <= 0;
      return expr.negated ? !inside : inside;
    }
    case 'isNull': {
      const isNull = ev(expr.expr) === null;
      return expr.negated ? !isNull : isNull;
    }
    case 'arith': {
      const left = ev(expr.left);
      const right = ev(expr.right);
      if (left === null || right === null) return null;
      if (expr.op === '||') return `${asString(left)}${asString(right)}`;
      const x = asNumber(left) as number;
      const y = asNumber(right) as number;
      if ((expr.op === '/' || expr.op === '%') && y === 0)
        throw new QueryRuntimeError('DIVISION_BY_ZERO: Division by zero');
      if (expr.op === '+') return x + y;
      if (expr.op === '-') return x - y;
      if (expr.op === '*') return x * y;
      if (expr.op === '/') return x / y;
      return x % y;
    }
    case 'call':
      return callFunction(
        expr.name,
        expr.args.map((a) => ev(a)),
        ctx,
      );
    case 'cast': {
      const value = ev(expr.expr);
      if (value === null) return null;
      if (expr.to === 'timestamp') return toTimestamp(value);
      if (expr.to === 'varchar') return render(value);
      if (expr.to === 'boolean') return truth(value);
      const n = asNumber(value) as number;
      return expr.to === 'bigint' ? Math.trunc(n) : n;
    }
    case 'case': {
      const operand = expr.operand ? ev(expr.operand) : undefined;
      for (const arm of expr.whens) {
        const hit =
          operand === undefined ? truth(ev(arm.when)) === true : compareValues(operand, ev(arm.when)) === 0;
        if (hit) return ev(arm.then);
      }
      return expr.otherwise ? ev(expr.otherwise) : null;
    }
  }
}

export interface QueryOutput {
  columns: string[];
  /** Rendered cells; NULL stays null. */
  rows: (string | null)[][];
  eventsMatched: number;
  eventsScanned: number;
}

/** Sort order of two values for ORDER BY; values of different kinds fall back to text order. */
function orderValues(a: SqlValue, b: SqlValue): number {
  try {
    return compareValues(a, b) ?? 0;
  } catch {
    const x = render(a);
    const y = render(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
}

/** Runs a plan over the events; throws `QueryRuntimeError` when Trino would fail the query. */
export function runQuery(plan: QueryPlan, events: readonly CloudTrailEvent[], ctx: EvalContext): QueryOutput {
  for (const column of plan.columns) {
    if (!COLUMN_BY_LOWER.has(column.toLowerCase()))
      throw new QueryRuntimeError(`COLUMN_NOT_FOUND: Column '${column}' cannot be resolved`);
  }
  const matched = plan.where
    ? events.filter((event) => truth(evaluate(plan.where as Expr, event, ctx)) === true)
    : [...events];

  const star = plan.select.length === 0;
  const columns = star ? [...EVENT_COLUMNS] : plan.select.map((s) => s.name);
  let rows = matched.map((event) => ({
    event,
    values: star
      ? EVENT_COLUMNS.map((name) => resolveColumn(event, [name]))
      : plan.select.map((s) => evaluate(s.expr, event, ctx)),
  }));

  if (plan.orderBy.length > 0) {
    const keyed = rows.map((row) => ({
      row,
      keys: plan.orderBy.map((o) =>
        'output' in o.target
          ? (row.values[o.target.output] ?? null)
          : evaluate(o.target.expr, row.event, ctx),
      ),
    }));
    keyed.sort((x, y) => {
      for (const [i, o] of plan.orderBy.entries()) {
        const a = x.keys[i] ?? null;
        const b = y.keys[i] ?? null;
        if (a === null || b === null) {
          if (a === b) continue;
          // Trino puts NULLs last unless NULLS FIRST is asked for, whatever the direction.
          return (a === null) === o.nullsFirst ? -1 : 1;
        }
        const c = orderValues(a, b);
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
    rows = keyed.map((k) => k.row);
  }

  let rendered = rows.map((row) => row.values.map((v) => (v === null ? null : render(v))));
  if (plan.distinct) {
    const seen = new Set<string>();
    rendered = rendered.filter((row) => {
      const key = JSON.stringify(row);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const end = plan.limit === undefined ? undefined : plan.offset + plan.limit;
  return {
    columns,
    rows: rendered.slice(plan.offset, end),
    eventsMatched: matched.length,
    eventsScanned: events.length,
  };
}
