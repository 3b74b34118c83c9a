import trino from 'node-sql-parser/build/trino';

/**
 * The SQL subset of the local CloudTrail Lake: a statement is lexed with Trino's rules, parsed by
 * node-sql-parser (Trino dialect) and compiled into a small expression tree that `evaluate.ts` runs.
 *
 * String literals and `?` parameters never reach the parser as text: the lexer swaps each of them
 * for a placeholder and the compiler puts the real value back into the tree. So a parameter such
 * as `x' OR '1'='1` can only ever be a string value, and the parser's own (MySQL-like) backslash
 * escapes cannot disagree with Trino's quoting rules.
 */

/** A statement the simulator cannot run (answered as `InvalidQueryStatementException`). */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

export type CompareOp = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '||';
export type CastType = 'varchar' | 'timestamp' | 'bigint' | 'double' | 'boolean';

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'column'; path: string[] }
  | { kind: 'index'; base: Expr; key: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'negate'; expr: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'like'; expr: Expr; pattern: Expr; negated: boolean }
  | { kind: 'in'; expr: Expr; list: Expr[]; negated: boolean }
  | { kind: 'between'; expr: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'isNull'; expr: Expr; negated: boolean }
  | { kind: 'arith'; op: ArithOp; left: Expr; right: Expr }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'cast'; expr: Expr; to: CastType }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; otherwise?: Expr };

export interface SelectItem {
  expr: Expr;
  /** The result column name: the alias, else the last path segment of a column, else `_colN`. */
  name: string;
}

export interface OrderItem {
  /** An output column (ordinal or alias) or an expression over the event. */
  target: { output: number } | { expr: Expr };
  descending: boolean;
  nullsFirst: boolean;
}

export interface QueryPlan {
  /** The event data store id named in FROM. */
  eventDataStore: string;
  /** Empty means `SELECT *`. */
  select: SelectItem[];
  distinct: boolean;
  where?: Expr;
  orderBy: OrderItem[];
  limit?: number;
  offset: number;
  /** Top-level columns the statement refers to (checked against the schema when it runs). */
  columns: string[];
}

interface Lexed {
  text: string;
  literals: string[];
  /** FROM targets in order of appearance, replaced in the text by `eds_ref_<index>`. */
  tables: string[];
}

const PLACEHOLDER = /^lit_(\d+)$/;
const WORD = /[A-Za-z0-9_$]/;
const TABLE_REF = /[A-Za-z0-9_-]/;

/** Quotes a value as a Trino string literal (for display; evaluation never re-parses it). */
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Replaces string literals and `?` parameters with placeholders, removes comments and swaps FROM
 * targets (event data store ids contain hyphens, which the parser does not accept) for plain
 * identifiers.
 */
function lex(statement: string, parameters: readonly string[]): Lexed {
  const literals: string[] = [];
  let out = '';
  let i = 0;
  const tables: string[] = [];
  let parameterIndex = 0;
  const placeholder = (value: string) => {
    literals.push(value);
    return `'lit_${literals.length - 1}'`;
  };
  while (i < statement.length) {
    const ch = statement[i] as string;
    const next = statement[i + 1];
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= statement.length)
          throw new InvalidQueryError('Unterminated string literal in query statement');
        if (statement[i] === "'") {
          if (statement[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += statement[i];
        i++;
      }
      out += placeholder(value);
    } else if (ch === '"') {
      const end = statement.indexOf('"', i + 1);
      if (end < 0) throw new InvalidQueryError('Unterminated quoted identifier in query statement');
      out += statement.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '-' && next === '-') {
      const end = statement.indexOf('\n', i);
      i = end < 0 ? statement.length : end;
      out += ' ';
    } else if (ch === '/' && next === '*') {
      const end = statement.indexOf('*/', i + 2);
      if (end < 0) throw new InvalidQueryError('Unterminated comment in query statement');
      i = end + 2;
      out += ' ';
    } else if (ch === '?') {
      if (parameterIndex >= parameters.length)
        throw new InvalidQueryError(
          `The query statement has more ? placeholders than the ${parameters.length} QueryParameters given`,
        );
      out += placeholder(parameters[parameterIndex++] as string);
      i++;
    } else if (WORD.test(ch)) {
      let j = i;
      while (j < statement.length && WORD.test(statement[j] as string)) j++;
      const word = statement.slice(i, j);
      out += word;
      i = j;
      if (word.toUpperCase() === 'FROM') {
        while (i < statement.length && /\s/.test(statement[i] as string)) out += statement[i++];
        let ref = '';
        if (statement[i] === '"') {
          const end = statement.indexOf('"', i + 1);
          if (end < 0) throw new InvalidQueryError('Unterminated quoted identifier in query statement');
          ref = statement.slice(i + 1, end);
          i = end + 1;
        } else {
          while (i < statement.length && TABLE_REF.test(statement[i] as string)) ref += statement[i++];
        }
        if (ref) {
          tables.push(ref);
          out += `eds_ref_${tables.length - 1}`;
        }
      }
    } else {
      out += ch;
      i++;
    }
  }
  if (parameterIndex < parameters.length)
    throw new InvalidQueryError(
      `${parameters.length} QueryParameters were given but the query statement has ${parameterIndex} ? placeholders`,
    );
  return { text: out, literals, tables };
}

/** The statement with its parameters put in as quoted literals, as DescribeQuery shows it. */
export function substituteParameters(statement: string, parameters: readonly string[]): string {
  let index = 0;
  let out = '';
  let i = 0;
  while (i < statement.length) {
    const ch = statement[i] as string;
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < statement.length) {
        if (statement[j] === ch && statement[j + 1] === ch) j += 2;
        else if (statement[j] === ch) break;
        else j++;
      }
      out += statement.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '?' && index < parameters.length) {
      out += quoteLiteral(parameters[index++] as string);
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const unsupported = (what: string): never => {
  throw new InvalidQueryError(`${what} is not supported by the local CloudTrail Lake simulator`);
};

const COMPARE: Record<string, CompareOp> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
};
const ARITH = new Set<string>(['+', '-', '*', '/', '%', '||']);
const CASTS: Record<string, CastType> = {
  VARCHAR: 'varchar',
  CHAR: 'varchar',
  TIMESTAMP: 'timestamp',
  BIGINT: 'bigint',
  INT: 'bigint',
  INTEGER: 'bigint',
  DOUBLE: 'double',
  REAL: 'double',
  DECIMAL: 'double',
  BOOLEAN: 'boolean',
};

/** Functions the evaluator implements; anything else is rejected when the query starts. */
export const SUPPORTED_FUNCTIONS = new Set([
  'lower',
  'upper',
  'element_at',
  'coalesce',
  'length',
  'concat',
  'trim',
  'ltrim',
  'rtrim',
  'substr',
  'substring',
  'strpos',
  'starts_with',
  'from_iso8601_timestamp',
  'to_iso8601',
  'now',
  'json_format',
]);

class Compiler {
  readonly columns = new Set<string>();

  constructor(
    private readonly literals: readonly string[],
    private readonly tableNames: readonly string[],
  ) {}

  literal(raw: unknown): string {
    const match = typeof raw === 'string' ? PLACEHOLDER.exec(raw) : null;
    const value = match ? this.literals[Number(match[1])] : undefined;
    if (value === undefined) throw new InvalidQueryError('Malformed string literal in query statement');
    return value;
  }

  /** Name parts of an identifier node: plain strings, `{type, value}` and `a.b.c` chains. */
  private nameParts(node: unknown): string[] {
    if (typeof node === 'string') return [node];
    if (!isNode(node)) return unsupported('This column reference');
    if (node.type === 'binary_expr' && node.operator === '.')
      return [...this.nameParts(node.left), ...this.nameParts(node.right)];
    if (node.type === 'single_quote_string') return unsupported('A string literal used as a column');
    if (typeof node.value === 'string') return [node.value];
    if (isNode(node.expr)) return this.nameParts(node.expr);
    return unsupported('This column reference');
  }

  private column(node: Node): Expr {
    const parts: string[] = [];
    if (typeof node.table === 'string' && node.table) parts.push(node.table);
    parts.push(...this.nameParts(node.column));
    if (parts.length > 1 && this.tableNames.some((t) => t.toLowerCase() === parts[0]?.toLowerCase()))
      parts.shift();
    const first = parts[0];
    if (first === undefined) return unsupported('This column reference');
    this.columns.add(first);
    let expr: Expr = { kind: 'column', path: parts };
    if (Array.isArray(node.array_index)) {
      for (const item of node.array_index) {
        if (!isNode(item) || !isNode(item.index)) return unsupported('This subscript');
        expr = { kind: 'index', base: expr, key: this.expr(item.index) };
      }
    }
    return expr;
  }

  private list(node: unknown): Expr[] {
    if (!isNode(node) || node.type !== 'expr_list' || !Array.isArray(node.value))
      return unsupported('This list expression (subqueries included)');
    return node.value.map((item: unknown) => this.expr(item));
  }

  expr(node: unknown): Expr {
    if (!isNode(node)) return unsupported('This expression');
    if ('ast' in node) return unsupported('A subquery');
    switch (node.type) {
      case 'column_ref':
        if (node.column === '*') return unsupported('* inside an expression');
        return this.column(node);
      case 'single_quote_string':
      case 'string':
        return { kind: 'literal', value: this.literal(node.value) };
      case 'double_quote_string':
      case 'backticks_quote_string':
        return this.column({ column: node.value });
      case 'number': {
        const value = Number(node.value);
        if (!Number.isFinite(value)) return unsupported('This number');
        return { kind: 'literal', value };
      }
      case 'bool':
        return { kind: 'literal', value: node.value === true };
      case 'null':
        return { kind: 'literal', value: null };
      case 'timestamp':
      case 'date':
        return { kind: 'cast', expr: { kind: 'literal', value: this.literal(node.value) }, to: 'timestamp' };
      case 'unary_expr': {
        const operand = this.expr(node.expr);
        if (node.operator === 'NOT') return { kind: 'not', expr: operand };
        if (node.operator === '-') return { kind: 'negate', expr: operand };
        return unsupported(`The unary operator ${String(node.operator)}`);
      }
      case 'binary_expr':
        return this.binary(node);
      case 'function':
        return this.call(node);
      case 'aggr_func':
        return unsupported('Aggregate functions (COUNT, SUM, …)');
      case 'cast': {
        const target = Array.isArray(node.target) ? node.target[0] : undefined;
        const type =
          isNode(target) && typeof target.dataType === 'string' ? CASTS[target.dataType] : undefined;
        if (!type) return unsupported('This CAST target type');
        return { kind: 'cast', expr: this.expr(node.expr), to: type };
      }
      case 'case': {
        const whens: { when: Expr; then: Expr }[] = [];
        let otherwise: Expr | undefined;
        for (const arm of Array.isArray(node.args) ? node.args : []) {
          if (!isNode(arm)) continue;
          if (arm.type === 'when') whens.push({ when: this.expr(arm.cond), then: this.expr(arm.result) });
          else if (arm.type === 'else') otherwise = this.expr(arm.result);
        }
        return { kind: 'case', operand: node.expr ? this.expr(node.expr) : undefined, whens, otherwise };
      }
      default:
        return unsupported(`The expression type ${String(node.type)}`);
    }
  }

  private call(node: Node): Expr {
    const nameNode = isNode(node.name) && Array.isArray(node.name.name) ? node.name.name : [];
    const name = nameNode
      .map((part: unknown) => (isNode(part) ? String(part.value) : ''))
      .join('.')
      .toLowerCase();
    if (node.over) return unsupported('Window functions');
    const args = isNode(node.args) ? this.list(node.args) : [];
    // The parser reads `NOT (a OR b)` as a call of a function named NOT.
    if (name === 'not' && args.length === 1 && args[0]) return { kind: 'not', expr: args[0] };
    if (!SUPPORTED_FUNCTIONS.has(name)) return unsupported(`The function ${name}()`);
    return { kind: 'call', name, args };
  }

  private binary(node: Node): Expr {
    const op = String(node.operator).toUpperCase();
    if (op === 'AND' || op === 'OR')
      return { kind: op === 'AND' ? 'and' : 'or', left: this.expr(node.left), right: this.expr(node.right) };
    const compare = COMPARE[op];
    if (compare)
      return { kind: 'compare', op: compare, left: this.expr(node.left), right: this.expr(node.right) };
    if (op === 'LIKE' || op === 'NOT LIKE')
      return {
        kind: 'like',
        expr: this.expr(node.left),
        pattern: this.expr(node.right),
        negated: op === 'NOT LIKE',
      };
    if (op === 'IN' || op === 'NOT IN')
      return {
        kind: 'in',
        expr: this.expr(node.left),
        list: this.list(node.right),
        negated: op === 'NOT IN',
      };
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
      const [low, high] = this.list(node.right);
      if (!low || !high) return unsupported('BETWEEN without two bounds');
      return { kind: 'between', expr: this.expr(node.left), low, high, negated: op === 'NOT BETWEEN' };
    }
    if (op === 'IS' || op === 'IS NOT') {
      const right = isNode(node.right) ? node.right : {};
      const negated = op === 'IS NOT';
      if (right.type === 'null') return { kind: 'isNull', expr: this.expr(node.left), negated };
      if (right.type === 'bool') {
        const test: Expr = {
          kind: 'compare',
          op: '=',
          left: this.expr(node.left),
          right: { kind: 'literal', value: right.value === true },
        };
        // IS [NOT] TRUE never yields NULL, unlike `=`.
        const isTrue: Expr = {
          kind: 'and',
          left: { kind: 'isNull', expr: this.expr(node.left), negated: true },
          right: test,
        };
        return negated ? { kind: 'not', expr: isTrue } : isTrue;
      }
      return unsupported(`IS ${String(right.type)}`);
    }
    if (ARITH.has(op))
      return { kind: 'arith', op: op as ArithOp, left: this.expr(node.left), right: this.expr(node.right) };
    return unsupported(`The operator ${op}`);
  }
}

const parser = new trino.Parser();

function nonNegativeInt(node: unknown, what: string): number {
  const value = isNode(node) && node.type === 'number' ? Number(node.value) : NaN;
  if (!Number.isInteger(value) || value < 0) return unsupported(`This ${what} value`);
  return value;
}

/** Parses and compiles a statement; throws `InvalidQueryError` for anything it cannot run. */
export function compileQuery(statement: string, parameters: readonly string[] = []): QueryPlan {
  if (!statement.trim()) throw new InvalidQueryError('The query statement is empty');
  const lexed = lex(statement, parameters);
  let ast: unknown;
  try {
    ast = parser.astify(lexed.text, { database: 'trino' });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const found = /but (.+) found\.?$/.exec(detail);
    throw new InvalidQueryError(
      `Query statement is not valid SQL${found ? `: unexpected ${found[1]}` : ''}`.slice(0, 400),
    );
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) throw new InvalidQueryError('Only one statement can be run per query');
    ast = ast[0];
  }
  if (!isNode(ast) || ast.type !== 'select')
    throw new InvalidQueryError('Only SELECT statements can be run on an event data store');
  if (ast.with) unsupported('WITH');
  if (ast._next || ast.set_op) unsupported('UNION, INTERSECT and EXCEPT');
  if (isNode(ast.groupby) ? ast.groupby.columns : ast.groupby) unsupported('GROUP BY');
  if (ast.having) unsupported('HAVING');
  if (ast.window) unsupported('WINDOW');
  const from = Array.isArray(ast.from) ? ast.from : [];
  const source = from[0];
  if (from.length > 1) unsupported('Joins');
  const ref =
    isNode(source) && typeof source.table === 'string' ? /^eds_ref_(\d+)$/.exec(source.table) : null;
  const table = ref ? lexed.tables[Number(ref[1])] : undefined;
  if (!isNode(source) || table === undefined || source.db)
    throw new InvalidQueryError('FROM must name one event data store');
  const tableNames = [table, ...(typeof source.as === 'string' ? [source.as] : [])];
  const compiler = new Compiler(lexed.literals, tableNames);

  const select: SelectItem[] = [];
  const columns = Array.isArray(ast.columns) ? ast.columns : [];
  for (const [index, column] of columns.entries()) {
    if (!isNode(column)) unsupported('This select list');
    const item = column as Node;
    const expr = isNode(item.expr) ? item.expr : {};
    if (expr.type === 'column_ref' && expr.column === '*') {
      if (columns.length !== 1) unsupported('* together with other columns');
      break;
    }
    const compiled = compiler.expr(expr);
    const alias = typeof item.as === 'string' ? item.as : isNode(item.as) ? String(item.as.value) : undefined;
    const name =
      alias ??
      (compiled.kind === 'column' ? (compiled.path[compiled.path.length - 1] as string) : `_col${index}`);
    select.push({ expr: compiled, name });
  }

  const orderBy: OrderItem[] = [];
  for (const item of Array.isArray(ast.orderby) ? ast.orderby : []) {
    if (!isNode(item)) continue;
    const expr = isNode(item.expr) ? item.expr : {};
    let target: OrderItem['target'];
    if (expr.type === 'number') {
      const ordinal = Number(expr.value);
      if (!Number.isInteger(ordinal) || ordinal < 1 || (select.length > 0 && ordinal > select.length))
        throw new InvalidQueryError(`ORDER BY position ${String(expr.value)} is not in the select list`);
      target = select.length > 0 ? { output: ordinal - 1 } : unsupported('ORDER BY position with SELECT *');
    } else {
      // A bare name that is an output column (alias) sorts by that column, as in Trino.
      const bare =
        expr.type === 'column_ref' && !expr.table && isNode(expr.column) && isNode(expr.column.expr)
          ? expr.column.expr.value
          : undefined;
      const aliasIndex =
        typeof bare === 'string' ? select.findIndex((s) => s.name.toLowerCase() === bare.toLowerCase()) : -1;
      target = aliasIndex >= 0 ? { output: aliasIndex } : { expr: compiler.expr(expr) };
    }
    const descending = String(item.type ?? '').toUpperCase() === 'DESC';
    const nulls = String(item.nulls ?? '').toUpperCase();
    orderBy.push({ target, descending, nullsFirst: nulls === 'NULLS FIRST' });
  }

  let limit: number | undefined;
  let offset = 0;
  const limitNode = isNode(ast.limit) ? ast.limit : undefined;
  const limitValues = limitNode && Array.isArray(limitNode.value) ? limitNode.value : [];
  if (limitValues.length === 1) limit = nonNegativeInt(limitValues[0], 'LIMIT');
  else if (limitValues.length === 2) {
    const separator = String(limitNode?.seperator ?? '').toLowerCase();
    const [first, second] = limitValues.map((v: unknown) => nonNegativeInt(v, 'LIMIT'));
    if (separator === ',') [offset, limit] = [first ?? 0, second];
    else [limit, offset] = [first, second ?? 0];
  }

  const distinct = isNode(ast.distinct) && String(ast.distinct.type).toUpperCase() === 'DISTINCT';
  return {
    eventDataStore: table,
    select,
    distinct,
    where: ast.where ? compiler.expr(ast.where) : undefined,
    orderBy,
    limit,
    offset,
    columns: [...compiler.columns],
  };
}
