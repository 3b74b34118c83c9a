import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildAppSyncSchema } from '../../../local/appsync/prelude';
import * as operations from '../../../web/src/api/operations';
import type { GraphQLOperation } from '../../../web/src/api/operations';

const schema = buildAppSyncSchema(
  readFileSync(fileURLToPath(new URL('../../../graphql/schema.graphql', import.meta.url)), 'utf8'),
);

function isOperation(value: unknown): value is GraphQLOperation<unknown, unknown> {
  return (
    typeof value === 'object' && value !== null && 'document' in value && 'kind' in value && 'name' in value
  );
}

/** Every operation constant the module exports, including those grouped in objects. */
type Named = [name: string, operation: GraphQLOperation<unknown, unknown>];

const exported: Named[] = Object.entries(operations).flatMap(([name, value]: [string, unknown]): Named[] => {
  if (isOperation(value)) return [[name, value]];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, op]: [string, unknown]): Named[] =>
      isOperation(op) ? [[`${name}.${key}`, op]] : [],
    );
  }
  return [];
});

describe('GraphQL operations of the SPA', () => {
  it('are all listed in ALL_OPERATIONS', () => {
    const listed = new Set<GraphQLOperation<unknown, unknown>>(operations.ALL_OPERATIONS);
    expect(exported.filter(([, op]) => !listed.has(op)).map(([name]) => name)).toEqual([]);
    expect(exported.length).toBeGreaterThanOrEqual(35);
  });

  it.each(exported)('%s validates against graphql/schema.graphql', (_, op) => {
    const document = parse(op.document);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    const definitions = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(definitions).toHaveLength(1);
    expect(definitions[0]?.operation).toBe(op.kind);
    expect(definitions[0]?.name?.value).toBe(op.name);
  });

  it('covers every client operation of the contract (the publish mutations are backend only)', () => {
    const used = new Set<string>();
    for (const op of operations.ALL_OPERATIONS) {
      for (const d of parse(op.document).definitions) {
        if (d.kind !== Kind.OPERATION_DEFINITION) continue;
        for (const s of d.selectionSet.selections) if (s.kind === Kind.FIELD) used.add(s.name.value);
      }
    }
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
      (t) => (t ? Object.keys(t.getFields()) : []),
    );
    const missing = roots.filter((f) => !used.has(f) && !f.startsWith('publish'));
    expect(missing).toEqual([]);
  });
});
