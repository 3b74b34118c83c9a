/**
 * The API's query depth and resolver count limits in the local AppSync: the same numbers the
 * stack gives the deployed API (lambdas/contract/api-limits.ts), the same error types, and an
 * operation past them is refused before any resolver runs. Every document the SPA sends stays
 * within half of each limit.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as spaDocuments from '../../../graphql/generated/operations';
import {
  API_LIMITS,
  QUERY_DEPTH_LIMIT_REACHED,
  RESOLVER_LIMIT_REACHED,
} from '../../../lambdas/contract/api-limits';
import { buildAppSyncSchema, startAppSync, type RunningAppSync } from '../../../local/appsync';
import { AppSyncEngine, type CallContext, type ResolverEvent } from '../../../local/appsync/engine';
import { limitBreachOf } from '../../../local/appsync/limits';

const SDL = readFileSync(fileURLToPath(new URL('../../../graphql/schema.graphql', import.meta.url)), 'utf8');
const ADMIN_AND_AUDITOR = {
  'cognito:groups': ['Admin', 'Auditors'],
  sub: 'u-1',
  username: 'IdentityCenter_u',
};

/** The documents the SPA sends: the generated operation documents, as text. */
function spaOperations(): { name: string; text: string }[] {
  return Object.entries(spaDocuments)
    .filter(([name, value]) => name.endsWith('Document') && value instanceof spaDocuments.TypedDocumentString)
    .map(([name, value]) => ({ name: name.replace(/Document$/, ''), text: String(value) }));
}

/** A value of `type` that AppSync accepts, for running an operation whatever it means. */
function sampleOf(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleOf(type.ofType);
  if (isListType(type)) return [sampleOf(type.ofType)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]?.value;
  if (isInputObjectType(named)) {
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sampleOf(f.type)]),
    );
  }
  const scalars: Record<string, unknown> = {
    Int: 1,
    Float: 1,
    Boolean: true,
    AWSDate: '2026-01-01',
    AWSDateTime: '2026-01-01T00:00:00.000Z',
    AWSEmail: 'someone@example.com',
    AWSJSON: '{}',
  };
  return scalars[named.name] ?? 'x';
}

function sampleVariables(schema: GraphQLSchema, text: string): Record<string, unknown> {
  const op = getOperationAST(parse(text));
  const variables: Record<string, unknown> = {};
  for (const def of op?.variableDefinitions ?? []) {
    if (def.type.kind !== Kind.NON_NULL_TYPE) continue;
    const typeName = def.type.type.kind === Kind.NAMED_TYPE ? def.type.type.name.value : '';
    const type = schema.getType(typeName);
    variables[def.variable.name.value] = type ? sampleOf(type as GraphQLInputType) : 'x';
  }
  return variables;
}

/** Depth (fields, leaves included) and root fields of a document's operation. */
function measure(text: string): { depth: number; roots: number } {
  const document = parse(text);
  const op = getOperationAST(document);
  if (!op) throw new Error('no operation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  let depth = 0;
  for (
    let limit = 1;
    limitBreachOf(op, fragments, { queryDepth: limit, resolverCount: 10_000 });
    limit += 1
  ) {
    depth = limit + 1;
  }
  let roots = 0;
  for (let limit = 1; limitBreachOf(op, fragments, { queryDepth: 75, resolverCount: limit }); limit += 1) {
    roots = limit + 1;
  }
  return { depth: Math.max(depth, 1), roots: Math.max(roots, 1) };
}

describe('the SPA’s documents', () => {
  const operations = spaOperations();

  it('are all here', () => {
    expect(operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Me', 'GetRequest', 'MyRequests', 'CreateRequest', 'OnRequestChange']),
    );
  });

  it('stay within half of each limit: at most 7 levels deep, one root field each', () => {
    const measured = operations.map((o) => ({ name: o.name, ...measure(o.text) }));
    const deepest = Math.max(...measured.map((m) => m.depth));
    const widest = Math.max(...measured.map((m) => m.roots));
    expect({ deepest, widest }).toEqual({ deepest: 7, widest: 1 });
    expect(deepest * 2).toBeLessThanOrEqual(API_LIMITS.queryDepth);
    expect(widest * 2).toBeLessThanOrEqual(API_LIMITS.resolverCount);
    expect(measured.filter((m) => m.depth === deepest).map((m) => m.name)).toContain('MyRequests');
  });

  it('each run their one resolver in the local AppSync', async () => {
    const schema = buildAppSyncSchema(SDL);
    const events: ResolverEvent[] = [];
    const engine = new AppSyncEngine(schema, (event) => {
      events.push(event);
      return null;
    });
    const call: CallContext = {
      caller: { mode: 'userPool', claims: ADMIN_AND_AUDITOR, groups: ['Admin', 'Auditors'], token: 't' },
      headers: {},
      sourceIp: '127.0.0.1',
    };
    for (const { name, text } of operations) {
      const request = { query: text, variables: sampleVariables(schema, text) };
      const before = events.length;
      const isSubscription = getOperationAST(parse(text))?.operation === 'subscription';
      const errors = isSubscription
        ? (() => {
            const outcome = engine.subscribe(request, call, name, () => undefined);
            return outcome.then((o) => ('errors' in o ? o.errors : []));
          })()
        : engine.execute(request, call).then((r) => r.errors ?? []);
      const types = (await errors).map((e) => e.errorType);
      expect(types, name).not.toContain(QUERY_DEPTH_LIMIT_REACHED);
      expect(types, name).not.toContain(RESOLVER_LIMIT_REACHED);
      expect(events.length - before, name).toBe(1);
    }
  });
});

describe('an operation past the limits over HTTP', () => {
  let appsync: RunningAppSync;
  let invocations = 0;
  const post = async (query: string) => {
    const response = await fetch(appsync.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'token' },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    appsync = await startAppSync({
      schemaSdl: SDL,
      verifyToken: async () => ADMIN_AND_AUDITOR,
      resolve: () => {
        invocations += 1;
        return { userId: 'u-1', userName: 'u', email: 'u@example.com', displayName: 'U', isAdmin: true };
      },
    });
  });
  afterAll(async () => {
    await appsync.stop();
  });

  it('500 aliases of one field: refused, no resolver runs', async () => {
    const before = invocations;
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: me { userId }`).join('\n');
    const { status, body } = await post(`{ ${aliases} }`);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          path: null,
          data: null,
          errorType: RESOLVER_LIMIT_REACHED,
          errorInfo: null,
          // The first field past the limit.
          locations: [{ line: API_LIMITS.resolverCount + 1, column: 1, sourceName: null }],
          message: `Resolver count limit reached: the operation selects more than ${API_LIMITS.resolverCount} root fields, each one a resolver call, and this API runs at most ${API_LIMITS.resolverCount} per request.`,
        },
      ],
    });
    expect(invocations).toBe(before);
  });

  it('root fields in fragments count too; the same field twice runs once', async () => {
    const before = invocations;
    const spread = Array.from({ length: 11 }, (_, i) => `b${i}: me { userId }`).join(' ');
    const viaFragment = await post(`{ ...F } fragment F on Query { ${spread} }`);
    expect(viaFragment.body).toMatchObject({ data: null, errors: [{ errorType: RESOLVER_LIMIT_REACHED }] });
    expect(invocations).toBe(before);
    const merged = await post(`{ ${Array.from({ length: 20 }, () => 'me { userId }').join(' ')} }`);
    expect(merged.body).toEqual({ data: { me: { userId: 'u-1' } } });
    expect(invocations).toBe(before + 1);
  });

  it('a query deeper than the limit: refused, no resolver runs (not even the shallow one)', async () => {
    const before = invocations;
    // Introspection types nest without end.
    const ofType = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofType(n - 1)} }`);
    const { status, body } = await post(
      `{ me { userId } __schema { types { fields { type { ${ofType(API_LIMITS.queryDepth - 2)} } } } } }`,
    );
    // The first field past the limit: 4 levels down to `type`, then one more per `ofType`.
    const tooDeep = [
      '__schema',
      'types',
      'fields',
      'type',
      ...Array(API_LIMITS.queryDepth - 3).fill('ofType'),
    ].join('.');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      data: null,
      errors: [
        {
          path: null,
          errorType: QUERY_DEPTH_LIMIT_REACHED,
          message: `Query depth limit reached: ${tooDeep} is ${API_LIMITS.queryDepth + 1} levels deep, and this API allows at most ${API_LIMITS.queryDepth}.`,
        },
      ],
    });
    expect(invocations).toBe(before);
  });

  it('counts depth through fragments, and lets an operation at the limit run', async () => {
    const before = invocations;
    const ofType = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofType(n - 1)} }`);
    // __schema(1) types(2) fields(3) type(4) + (limit - 5) ofType + name = the limit.
    const atLimit = await post(
      `{ me { userId } ...D } fragment D on Query { __schema { types { fields { type { ${ofType(API_LIMITS.queryDepth - 5)} } } } } }`,
    );
    expect(atLimit.body.errors).toBeUndefined();
    expect(invocations).toBe(before + 1);
    const past = await post(
      `{ me { userId } ...D } fragment D on Query { __schema { types { fields { type { ${ofType(API_LIMITS.queryDepth - 4)} } } } } }`,
    );
    expect(past.body).toMatchObject({ data: null, errors: [{ errorType: QUERY_DEPTH_LIMIT_REACHED }] });
    expect(invocations).toBe(before + 1);
  });

  it('stays quick on a document that spreads fragments exponentially', async () => {
    const fragments = Array.from({ length: 40 }, (_, i) =>
      i === 39
        ? `fragment F${i} on Query { me { userId } }`
        : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const started = Date.now();
    const { body } = await post(`{ ...F0 }\n${fragments}`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.errors).toBeUndefined();
  });
});
