import {
  Kind,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

type Fragments = Record<string, FragmentDefinitionNode>;

function* fieldsOf(selections: readonly SelectionNode[], fragments: Fragments): Generator<FieldNode> {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      yield* fieldsOf(selection.selectionSet.selections, fragments);
    else {
      const fragment = fragments[selection.name.value];
      if (fragment) yield* fieldsOf(fragment.selectionSet.selections, fragments);
    }
  }
}

/**
 * `info.selectionSetList` as AppSync builds it: fragments expanded, aliased fields under their
 * alias, nested fields as `parent/child`, introspection fields left out.
 */
export function selectionSetList(fieldNodes: readonly FieldNode[], fragments: Fragments): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (selections: readonly SelectionNode[], prefix: string) => {
    for (const field of fieldsOf(selections, fragments)) {
      if (field.name.value.startsWith('__')) continue;
      const path = prefix + (field.alias?.value ?? field.name.value);
      if (!seen.has(path)) {
        seen.add(path);
        out.push(path);
      }
      if (field.selectionSet) walk(field.selectionSet.selections, `${path}/`);
    }
  };
  for (const node of fieldNodes) if (node.selectionSet) walk(node.selectionSet.selections, '');
  return out;
}

/** `info.selectionSetGraphQL`: the field's selection set as written (fragments not merged). */
export function selectionSetGraphQL(fieldNodes: readonly FieldNode[]): string {
  const sets = fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (sets.length === 0) return '';
  const merged: SelectionSetNode = {
    kind: Kind.SELECTION_SET,
    selections: sets.flatMap((s) => s.selections),
  };
  return print(merged);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(a: unknown, b: unknown): unknown {
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return b;
}

/**
 * Rebuilds a mutation's response under field names (aliases undone). AppSync delivers a mutation's *response* to subscribers, so
 * they receive only what the mutation selected and what its caller was allowed to see.
 */
export function responseByFieldName(
  value: unknown,
  selections: readonly SelectionNode[],
  fragments: Fragments,
): unknown {
  if (Array.isArray(value)) return value.map((v) => responseByFieldName(v, selections, fragments));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(selections, fragments)) {
    const name = field.name.value;
    const child = value[field.alias?.value ?? name];
    const rebuilt = field.selectionSet
      ? responseByFieldName(child, field.selectionSet.selections, fragments)
      : child;
    out[name] = name in out ? merge(out[name], rebuilt) : rebuilt;
  }
  return out;
}
