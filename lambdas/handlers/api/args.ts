/**
 * Shape checks for resolver arguments: the GraphQL types of the schema, again, because the
 * handler must not trust its caller to have run AppSync's validation. Only shapes: what the
 * values mean is validated by the core. A mismatch is a ValidationError naming the field. Each
 * field's schema is checked against the arguments type generated from the schema (`argsOf`),
 * so the two cannot drift apart.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors';

const describe = (issue: z.core.$ZodIssue, field: string): string => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return `${field} is required.`;
      return `${field} must be ${expectedOf(issue.expected)}.`;
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
    case 'custom':
      return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
    default:
      return `${field} is not valid.`;
  }
};

function expectedOf(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return `of type ${expected}`;
  }
}

/** Whether two types are the same. */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

/** The field names of a value, all the way down (a list by its items): what a parser must cover. */
type Fields<T> = T extends readonly (infer Item)[]
  ? Fields<Item>
  : T extends object
    ? { [K in keyof T]-?: Fields<NonNullable<T[K]>> }
    : true;

/** Arguments as a client may send them: a nullable argument may also be left out. */
type MayOmitNullable<T> = T extends readonly (infer Item)[]
  ? MayOmitNullable<Item>[]
  : T extends object
    ? { [K in keyof T as null extends T[K] ? K : never]?: MayOmitNullable<T[K]> } & {
        [K in keyof T as null extends T[K] ? never : K]: MayOmitNullable<T[K]>;
      }
    : T;

/** `S` when it parses to `Args` and covers every argument of it; otherwise a type that says why. */
type CheckedArgs<S extends z.ZodType, Args> =
  z.output<S> extends MayOmitNullable<Args>
    ? Equal<Fields<z.output<S>>, Fields<Args>> extends true
      ? S
      : { error: 'parses other arguments than the GraphQL schema declares'; declared: Fields<Args> }
    : { error: 'parses to values the GraphQL arguments do not allow'; declared: Args };

/**
 * The zod schema of a field's arguments, checked at compile time against the arguments type
 * generated from the GraphQL schema: `argsOf<QueryGetRequestArgs>()(z.object({ id: gqlString }))`.
 * What it parses to must be assignable to the generated type, and it must parse exactly the
 * arguments (and input fields) the schema declares.
 */
export function argsOf<Args>(): <S extends z.ZodType>(schema: S & CheckedArgs<S, Args>) => S {
  return (schema) => schema;
}

/**
 * Parses resolver arguments; the first problem becomes a ValidationError naming its field. The
 * error's `field` is the input field as the operation's input type names it (`durationHours`,
 * not `input.durationHours`): what a client puts the message on.
 */
export function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.output<T> {
  const result = schema.safeParse(args, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const field = path.length > 0 ? path.join('.') : 'The arguments';
  const inputField = path[0] === 'input' && path.length > 1 ? path.slice(1) : path;
  throw new ValidationError(
    issue ? describe(issue, field) : `${field} are not valid.`,
    inputField.join('.') || undefined,
  );
}

/** GraphQL `Int`: a whole number in the signed 32-bit range. */
export const gqlInt = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);
/** GraphQL `String`/`ID`, bounded so no argument can blow up memory or logs. */
export const gqlString = z.string().max(100_000);
/**
 * A free-text `String` (a justification, a comment, a ticket number, a reason): its length is
 * the core's to judge, in the field's own words ("Justification must be at most 2,000
 * characters (it has 100,000).", with the field in `errorInfo`), whatever the length. A shape
 * limit of its own in front would answer the same mistake in other words; AppSync's request
 * size bounds it instead.
 */
export const gqlText = z.string();
/** A GraphQL list of IDs. */
export const gqlIdList = z.array(gqlString).max(10_000);

/** Page size and cursor of list queries; `max` is 100 for lists and 1000 for the pickers. */
export function pageArgs(max: number, defaultLimit: number) {
  return {
    limit: gqlInt
      .min(1, `limit must be between 1 and ${max}.`)
      .max(max, `limit must be between 1 and ${max}.`)
      .nullish()
      .transform((v) => v ?? defaultLimit),
    nextToken: z
      .string()
      .max(8192, 'nextToken is not a valid page token; start again from the first page.')
      .nullish()
      .transform((v) => (v === null || v === undefined || v === '' ? undefined : v)),
  };
}

/** Page limits of the API (graphql/README.md, Pagination). */
export const LIST_PAGE = { max: 100, default: 25 } as const;
export const PICKER_PAGE = { max: 1000, default: 1000 } as const;
