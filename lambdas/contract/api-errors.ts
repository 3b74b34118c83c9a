/**
 * How a GraphQL error travels from the api function to a client with more than a message:
 * AppSync's `errorInfo`, which a client reads to put the message on the field it concerns.
 *
 * A direct Lambda resolver can only pass on an error's type and message, so each root field's
 * APPSYNC_JS resolver (lib/api.ts) invokes the api function and, when the function returns a
 * `ResolverFailure` under `RESOLVER_FAILURE_KEY` instead of a result, raises it with
 * `util.error(message, errorType, null, errorInfo)`. The local AppSync does the same.
 */

/** What a client may read from a GraphQL error's `errorInfo`. */
export interface ApiErrorInfo {
  /** The input field the error is about, as the operation's input type names it (`justification`). */
  field?: string;
}

/** A failed field as the api function returns it to its resolver. */
export interface ResolverFailure {
  errorType: string;
  message: string;
  errorInfo: ApiErrorInfo | null;
}

/** The key of the one property of an api function result that is a failure, not data. */
export const RESOLVER_FAILURE_KEY = 'teamResolverFailure';

/** The failure carried by an api function result, if that is what it is. */
export function resolverFailureOf(result: unknown): ResolverFailure | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const failure: unknown = (result as Record<string, unknown>)[RESOLVER_FAILURE_KEY];
  if (typeof failure !== 'object' || failure === null) return undefined;
  const { errorType, message, errorInfo } = failure as Record<string, unknown>;
  if (typeof errorType !== 'string' || typeof message !== 'string') return undefined;
  const field =
    typeof errorInfo === 'object' && errorInfo !== null
      ? (errorInfo as Record<string, unknown>)['field']
      : undefined;
  return { errorType, message, errorInfo: typeof field === 'string' ? { field } : null };
}
