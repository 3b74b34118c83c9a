/**
 * The API's query depth and resolver count limits (`lambdas/contract/api-limits.ts`), checked
 * before an operation runs. AppSync applies the same limits while it executes: it runs the
 * resolvers within them and answers each field past them with `QueryDepthLimitReached` or
 * `ResolverExecutionLimitReached`. The emulator refuses the whole operation up front instead,
 * with the same error types and `data: null`, so no resolver runs for it: what passes here
 * passes in the cloud, and an operation that depends on partial results fails locally first.
 */
import {
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  QUERY_DEPTH_LIMIT_REACHED,
  RESOLVER_LIMIT_REACHED,
  type ApiLimits,
} from '../../lambdas/contract/api-limits';

/** Why an operation is refused: AppSync's error type, a message, and the field to point at. */
export interface LimitBreach {
  errorType: typeof QUERY_DEPTH_LIMIT_REACHED | typeof RESOLVER_LIMIT_REACHED;
  message: string;
  node: FieldNode;
}

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

const responseKey = (field: FieldNode) => field.alias?.value ?? field.name.value;

/**
 * Depth of selection sets, counted in field levels (a set of leaves is 1 deep), never looking
 * further than `cap` levels: a fragment's depth is worked out once however often it is spread,
 * and the walk stops at the first level past the cap, so neither a wide nor a deep document can
 * make it slow or deep.
 */
class DepthMeter {
  private readonly fragmentDepths = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly fragments: Fragments,
    private readonly cap: number,
  ) {}

  /**
   * The depth of `set` when it is at most `budget`; otherwise some number above `budget` (the
   * walk stops there).
   */
  depth(set: SelectionSetNode, budget = this.cap): number {
    let deepest = 0;
    for (const selection of set.selections) {
      let depth: number;
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet) depth = 1;
        else if (budget <= 1) depth = 2;
        else depth = 1 + this.depth(selection.selectionSet, budget - 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        depth = this.depth(selection.selectionSet, budget);
      } else {
        depth = this.fragmentDepth(selection.name.value);
      }
      deepest = Math.max(deepest, depth);
      if (deepest > budget) return deepest;
    }
    return deepest;
  }

  /** A fragment's own depth, capped; a fragment that spreads itself counts 0 (validation refuses it). */
  private fragmentDepth(name: string): number {
    const known = this.fragmentDepths.get(name);
    if (known !== undefined) return known;
    const fragment = this.fragments[name];
    if (!fragment || this.visiting.has(name)) return 0;
    this.visiting.add(name);
    const depth = Math.min(this.depth(fragment.selectionSet, this.cap), this.cap + 1);
    this.visiting.delete(name);
    this.fragmentDepths.set(name, depth);
    return depth;
  }

  /**
   * The first field (in document order) that lies deeper than `budget` levels in `set`, with its
   * path of response keys. Only branches that are too deep are entered.
   */
  tooDeep(
    set: SelectionSetNode,
    budget: number,
    path: readonly string[],
  ): { node: FieldNode; path: string[] } | undefined {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const here = [...path, responseKey(selection)];
        if (budget < 1) return { node: selection, path: here };
        const inner = selection.selectionSet;
        if (inner && this.depth(inner, budget - 1) > budget - 1) return this.tooDeep(inner, budget - 1, here);
        continue;
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : this.fragments[selection.name.value]?.selectionSet;
      if (inner && this.depth(inner, budget) > budget) return this.tooDeep(inner, budget, path);
    }
    return undefined;
  }
}

/**
 * The root fields an operation runs, by response key: merged fields (`me { a } me { b }`) run
 * once, each alias runs its own. Fields in fragments count as well, whether or not `@skip` or
 * `@include` would leave them out; introspection fields run no resolver. Stops after `max + 1`.
 */
function rootFieldsOf(operation: OperationDefinitionNode, fragments: Fragments, max: number): FieldNode[] {
  const seen = new Map<string, FieldNode>();
  const visited = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  for (let set = pending.shift(); set && seen.size <= max; set = pending.shift()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = responseKey(selection);
        if (!selection.name.value.startsWith('__') && !seen.has(key)) seen.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        pending.push(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        // A fragment's root fields are the same wherever it is spread.
        visited.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return [...seen.values()];
}

/** Checks a validated operation against the limits; undefined when it is within them. */
export function limitBreachOf(
  operation: OperationDefinitionNode,
  fragments: Fragments,
  limits: ApiLimits,
): LimitBreach | undefined {
  const meter = new DepthMeter(fragments, limits.queryDepth);
  if (meter.depth(operation.selectionSet) > limits.queryDepth) {
    const found = meter.tooDeep(operation.selectionSet, limits.queryDepth, []);
    if (found) {
      return {
        errorType: QUERY_DEPTH_LIMIT_REACHED,
        message: `Query depth limit reached: ${found.path.join('.')} is ${found.path.length} levels deep, and this API allows at most ${limits.queryDepth}.`,
        node: found.node,
      };
    }
  }
  const roots = rootFieldsOf(operation, fragments, limits.resolverCount);
  const extra = roots[limits.resolverCount];
  if (extra) {
    return {
      errorType: RESOLVER_LIMIT_REACHED,
      message: `Resolver count limit reached: the operation selects more than ${limits.resolverCount} root fields, each one a resolver call, and this API runs at most ${limits.resolverCount} per request.`,
      node: extra,
    };
  }
  return undefined;
}

/** The breach as a graphql-js error located at its field. */
export function limitError(breach: LimitBreach): GraphQLError {
  return new GraphQLError(breach.message, { nodes: [breach.node] });
}
