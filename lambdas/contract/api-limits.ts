/**
 * How much one GraphQL operation may ask of the API, declared once: the stack sets these as the
 * AppSync API's `QueryDepthLimit` and `ResolverCountLimit` (lib/api.ts), and the local AppSync
 * (`local/appsync`) refuses an operation beyond them with the error types AppSync uses.
 *
 * - Depth counts every field level of the selection, leaves included, fragments inlined:
 *   `{ myRequests { items { decision { by { id } } } } }` is 5 deep.
 * - Resolvers: every root field of this API has one resolver (the api function); nested fields
 *   are read from their parent's result. So the count is the number of root fields an operation
 *   selects, each alias counting once (`a: me { userId } b: me { userId }` runs two).
 *
 * The SPA's documents (graphql/operations) are at most 7 deep (a list page's requests with their
 * approval stages and who approved: `{ myRequests { items { approval { stages { approvals { by {
 * id } } } } } } }`) and select one root field each; the limits leave twice that depth and ten
 * root fields, and a test keeps the SPA within half of each. Nested fields are read from their
 * root field's result, so depth costs no resolver; raising the resolver count is a decision about
 * cost: each resolver is a Lambda invocation.
 */
export const API_LIMITS = {
  /** AppSync allows 1 to 75; 0 would mean no limit. */
  queryDepth: 14,
  /** AppSync allows 1 to 10,000 (its default). */
  resolverCount: 10,
} as const;

export type ApiLimits = { readonly queryDepth: number; readonly resolverCount: number };

/** The `errorType` AppSync gives a field past the depth limit. */
export const QUERY_DEPTH_LIMIT_REACHED = 'QueryDepthLimitReached';
/** The `errorType` AppSync gives a resolver past the resolver count limit. */
export const RESOLVER_LIMIT_REACHED = 'ResolverExecutionLimitReached';
