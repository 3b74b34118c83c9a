/**
 * The filtered subscription resolver of the deployed API: `Subscription.onRequestChange` is an
 * APPSYNC_JS unit resolver on the api function's data source, generated from the one
 * declarative filter description the local AppSync applies too. The generated code is run here
 * against shims of `@aws-appsync/utils` and the real api handler.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { filterInputOf, SUBSCRIPTION_FILTERS, type FilterRule } from '../../graphql/subscription-filters';
import { resolverCode } from '../../lib/api';
import { RESOLVER_FAILURE_KEY } from '../../lambdas/contract/api-errors';
import { makeApiHandler } from '../../lambdas/handlers/api';
import type { ApiError } from '../../lambdas/handlers/api/errors';
import { TEAM_CLAIMS } from '../../lambdas/handlers/claims';
import type { ApiBackend } from '../../lambdas/handlers/api/compose';
import { toSubscriptionFilter } from '../../local/appsync/filters';
import { synthTeam } from './support';

const RULES = SUBSCRIPTION_FILTERS['onRequestChange'] as readonly FilterRule[];

interface Resolver {
  request(ctx: unknown): { operation: string; payload: Record<string, unknown> };
  response(ctx: unknown): unknown;
}

/** What a handler did to the shimmed `util` and `extensions`. */
class Outcome extends Error {
  constructor(
    readonly kind: 'error' | 'unauthorized',
    readonly detail: unknown[] = [],
  ) {
    super(kind);
  }
}

/** Loads generated APPSYNC_JS code with shims of the runtime's `util` and `extensions`. */
function load(code: string) {
  const filterInputs: unknown[] = [];
  const filters: unknown[] = [];
  const util = {
    // util.error and util.unauthorized end the handler, like throwing.
    error: (...detail: unknown[]) => {
      throw new Outcome('error', detail);
    },
    unauthorized: () => {
      throw new Outcome('unauthorized');
    },
    transform: {
      toSubscriptionFilter: (input: Readonly<Record<string, Readonly<Record<string, unknown>>>>) => {
        filterInputs.push(input);
        return toSubscriptionFilter(input);
      },
    },
  };
  const extensions = { setSubscriptionFilter: (filter: unknown) => void filters.push(filter) };
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n')
    .replace(/^export /gm, '');
  const resolver = new Function('util', 'extensions', `${body}\nreturn { request, response };`)(
    util,
    extensions,
  ) as Resolver;
  return { resolver, filterInputs, filters };
}

const identityOf = (userId: string, groups: string[] = []) => ({
  sub: `sub-${userId}`,
  username: `IdentityCenter_${userId}`,
  groups,
  claims: {
    [TEAM_CLAIMS.userId]: userId,
    [TEAM_CLAIMS.userName]: `${userId}@example.com`,
    [TEAM_CLAIMS.email]: `${userId}@example.com`,
    'cognito:groups': groups,
  },
});

/** The context AppSync gives a subscription resolver when a client subscribes. */
const subscribeCtx = (channel: string, identity: unknown) => ({
  args: { channel },
  arguments: { channel },
  identity,
  source: null,
  request: { headers: { host: 'example.appsync-api.us-east-1.amazonaws.com' }, domainName: null },
  info: {
    fieldName: 'onRequestChange',
    parentTypeName: 'Subscription',
    variables: { channel },
    selectionSetList: ['requestId', 'status'],
    selectionSetGraphQL: '{ requestId status }',
  },
  stash: {},
});

describe('Subscription.onRequestChange in the stack', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const resolvers = Object.values(synth.template.findResources('AWS::AppSync::Resolver')) as {
    Properties: Record<string, unknown>;
  }[];
  const resolverOf = (type: string, field: string) =>
    resolvers.find((r) => r.Properties['TypeName'] === type && r.Properties['FieldName'] === field)
      ?.Properties;

  it('is an APPSYNC_JS unit resolver on the api function data source, carrying the generated code', () => {
    const [dataSource] = Object.values(synth.template.findResources('AWS::AppSync::DataSource')) as {
      Properties: { Name: string; Type: string };
    }[];
    expect(dataSource?.Properties.Type).toBe('AWS_LAMBDA');
    const p = resolverOf('Subscription', 'onRequestChange');
    expect(p).toMatchObject({
      DataSourceName: dataSource?.Properties.Name,
      Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
      Code: resolverCode(RULES),
    });
    expect(p?.['Kind'] ?? 'UNIT').toBe('UNIT');
    expect(String(p?.['Code'])).toContain('extensions.setSubscriptionFilter(');
  });

  it('gives every other root field an APPSYNC_JS unit resolver that returns the function’s result', () => {
    for (const [type, field] of [
      ['Subscription', 'onSessionLogQuery'],
      ['Mutation', 'publishRequestChange'],
      ['Mutation', 'createRequest'],
      ['Query', 'getRequest'],
    ] as const) {
      const p = resolverOf(type, field);
      expect(p, `${type}.${field}`).toMatchObject({
        Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
        Code: resolverCode(),
      });
    }
    expect(resolvers).toHaveLength(synth.stack.api.fields.length);
  });
});

describe('the generated APPSYNC_JS code', () => {
  const code = resolverCode(RULES);

  it.each([
    ['a filtered subscription', code],
    ['every other field', resolverCode()],
  ])('stays within the APPSYNC_JS subset: %s', (_name, code) => {
    const statements = code
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n');
    for (const banned of [
      /\bthrow\b/,
      /\btry\b/,
      /\bcatch\b/,
      /\bwhile\b/,
      /\bfor\s*\(/,
      /\+\+|--/,
      /\bin\b/,
    ]) {
      expect(statements, String(banned)).not.toMatch(banned);
    }
    expect(code).toMatch(/^import \{ util(, extensions)? \} from '@aws-appsync\/utils';$/m);
    expect(code).toMatch(/^export function request\(ctx\)/m);
    expect(code).toMatch(/^export function response\(ctx\)/m);
  });

  it('invokes the api function with a direct-resolver event: it accepts one’s own channel, AUDIT for auditors, nothing else', async () => {
    const api = makeApiHandler({
      backend: () => ({}) as ApiBackend,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    const { resolver } = load(code);
    const invoke = async (channel: string, identity: unknown) => {
      const request = resolver.request(subscribeCtx(channel, identity));
      expect(request.operation).toBe('Invoke');
      try {
        return { result: await api(request.payload) };
      } catch (error) {
        return { error: error as ApiError };
      }
    };
    expect(await invoke('alice', identityOf('alice'))).toEqual({ result: null });
    expect(await invoke('AUDIT', identityOf('dave', ['Auditors']))).toEqual({ result: null });
    const refused = await invoke('alice', identityOf('carol'));
    expect(refused.error).toMatchObject({ errorType: 'Unauthorized' });
    expect((await invoke('AUDIT', identityOf('carol'))).error).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('passes a refusal on, and otherwise sets `channels contains <channel>` and returns null', () => {
    const { resolver, filterInputs, filters } = load(code);
    const base = subscribeCtx('alice', identityOf('alice'));

    let outcome: unknown;
    try {
      resolver.response({
        ...base,
        error: { message: 'You may only listen to your own channel.', type: 'Unauthorized' },
      });
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toMatchObject({
      kind: 'error',
      detail: ['You may only listen to your own channel.', 'Unauthorized'],
    });
    expect(filters).toEqual([]);

    expect(resolver.response({ ...base, result: null })).toBeNull();
    // The object handed to toSubscriptionFilter is the one the local AppSync derives too.
    expect(filterInputs).toEqual([filterInputOf(RULES, { channel: 'alice' })]);
    expect(filterInputs).toEqual([{ channels: { contains: 'alice' } }]);
    expect(filters).toEqual([
      { filterGroup: [{ filters: [{ fieldName: 'channels', operator: 'contains', value: 'alice' }] }] },
    ]);
  });

  it('refuses a subscription without the argument rather than setting a filter without a value', () => {
    const { resolver, filters } = load(code);
    let outcome: unknown;
    try {
      resolver.response({ ...subscribeCtx('alice', identityOf('alice')), args: {}, result: null });
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toMatchObject({ kind: 'unauthorized' });
    expect(filters).toEqual([]);
  });

  it('groups several rules on one field and keeps distinct fields apart', () => {
    const { resolver, filterInputs } = load(
      resolverCode([
        { fieldName: 'channels', operator: 'contains', argument: 'channel' },
        { fieldName: 'status', operator: 'eq', argument: 'status' },
        { fieldName: 'channels', operator: 'eq', argument: 'other' },
      ]),
    );
    resolver.response({ args: { channel: 'a', status: 'PENDING', other: 'b' }, result: null });
    expect(filterInputs).toEqual([{ channels: { contains: 'a', eq: 'b' }, status: { eq: 'PENDING' } }]);
    expect(() => resolverCode([])).toThrow(/at least one rule/);
  });

  it('raises a failure the function returned with its errorInfo, and returns any other result', () => {
    const { resolver } = load(resolverCode());
    let outcome: unknown;
    try {
      resolver.response({
        args: {},
        result: {
          [RESOLVER_FAILURE_KEY]: {
            errorType: 'ValidationError',
            message: 'Justification is required.',
            errorInfo: { field: 'justification' },
          },
        },
      });
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toMatchObject({
      kind: 'error',
      detail: ['Justification is required.', 'ValidationError', null, { field: 'justification' }],
    });
    const result = { id: 'r-1', items: [] };
    expect(resolver.response({ args: {}, result })).toBe(result);
    expect(resolver.response({ args: {}, result: null })).toBeNull();
    expect(resolver.response({ args: {}, result: [1, 2] })).toEqual([1, 2]);
  });
});
