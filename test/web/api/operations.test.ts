import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from '../../../graphql/generated/operations';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The schema as AppSync serves it: its prelude (scalars, directives) in front of the contract. */
const schema = buildSchema(`${read('graphql/aws-prelude.graphql')}\n${read('graphql/schema.graphql')}`);

/** Every file under `dir` (relative to the repository) whose name ends in one of `extensions`. */
function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => extensions.some((ext) => file.endsWith(ext)))
    .map((file) => join(dir, file));
}

/** The operations written in graphql/operations/*.graphql, by name. */
const written = filesUnder('graphql/operations', ['.graphql']).flatMap((file) =>
  parse(read(file))
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => ({ file, name: d.name?.value ?? '(anonymous)', kind: d.operation })),
);

/** The typed documents codegen wrote for them (`<Name>Document`). */
const documents = Object.entries(generated).flatMap(([name, value]: [string, unknown]): [string, string][] =>
  name.endsWith('Document') && value instanceof generated.TypedDocumentString
    ? [[name.slice(0, -'Document'.length), value.toString()]]
    : [],
);

/** The SPA's sources, to find which documents it sends. */
const spaSources = filesUnder('web/src', ['.ts', '.tsx']).map(read).join('\n');

describe('GraphQL operations of the SPA', () => {
  it('are generated from graphql/operations, one document per operation', () => {
    expect(written.length).toBeGreaterThanOrEqual(35);
    expect(documents.map(([name]) => name).sort()).toEqual(written.map((op) => op.name).sort());
  });

  it.each(documents)(
    '%s parses and validates against the prelude and graphql/schema.graphql',
    (name, text) => {
      const document = parse(text);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      const definitions = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      expect(definitions).toHaveLength(1);
      expect(definitions[0]?.name?.value).toBe(name);
      expect(definitions[0]?.operation).toBe(written.find((op) => op.name === name)?.kind);
    },
  );

  it('are each sent by the SPA (no operation is written and left unused)', () => {
    const unused = written.filter((op) => !new RegExp(`\\b${op.name}Document\\b`).test(spaSources));
    expect(unused.map((op) => `${op.name} (${op.file})`)).toEqual([]);
  });

  it('cover every client operation of the contract (the publish mutations are backend only)', () => {
    const used = new Set<string>();
    for (const [, text] of documents) {
      for (const d of parse(text).definitions) {
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
