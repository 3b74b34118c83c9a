import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../../local/appsync/identity';
import { startAppSync, type RequestRecord } from '../../../local/appsync';
import { defaultHandlers, fixtureSchemaPath, IAM_AUTH, startStack, type Stack } from './harness';
import { RESOLVER_FAILURE_KEY } from '../../../lambdas/contract/api-errors';

let stack: Stack;
let clock = Date.now();

beforeAll(async () => {
  stack = await startStack({ now: () => clock });
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => {
  clock = Date.now();
  stack.events.length = 0;
  Object.assign(stack.handlers, defaultHandlers());
});

const alice = () => stack.tokens['alice'] as string; // Admin
const bob = () => stack.tokens['bob'] as string; // no Cognito group
const carol = () => stack.tokens['carol'] as string; // Auditors

describe('authentication (401 before any field runs)', () => {
  it('refuses a request without Authorization', async () => {
    const { status, body } = await stack.gql(undefined, '{ either }');
    expect(status).toBe(401);
    expect(body.errors?.[0]?.errorType).toBe('UnauthorizedException');
    expect(stack.events).toHaveLength(0);
  });

  it('refuses a malformed or foreign token', async () => {
    const { status, body } = await stack.gql('not-a-jwt', '{ either }');
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'Unable to parse JWT token.',
    });
  });

  it('refuses an expired token', async () => {
    const token = alice();
    clock += 2 * 3600 * 1000;
    const { status, body } = await stack.gql(token, '{ either }');
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'Token has expired.',
    });
  });

  it('accepts access tokens as well as ID tokens', async () => {
    const { accessToken } = await stack.auth.tokensFor('bob');
    const { status, body } = await stack.gql(accessToken, '{ either }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ either: 'either way' });
  });

  it('accepts a SigV4 Authorization only from loopback (signatures are not checked locally)', async () => {
    const verify = () => Promise.reject(new Error('unused'));
    await expect(authenticate(IAM_AUTH, '127.0.0.1', verify)).resolves.toMatchObject({ mode: 'iam' });
    await expect(authenticate(IAM_AUTH, '::ffff:127.0.0.1', verify)).resolves.toMatchObject({ mode: 'iam' });
    await expect(authenticate(IAM_AUTH, '10.1.2.3', verify)).rejects.toThrow(/loopback/);
  });
});

describe('field authorization', () => {
  const unauthorized = (field: string, type: string) => ({
    errorType: 'Unauthorized',
    message: `Not Authorized to access ${field} on type ${type}`,
    path: [field],
  });

  it('refuses a user outside the cognito_groups, naming the field, with HTTP 200 and the field null', async () => {
    const { status, body } = await stack.gql(bob(), '{ adminOnly either }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ adminOnly: null, either: 'either way' });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject(unauthorized('adminOnly', 'Query'));
    expect(stack.events.map((e) => e.info.fieldName)).toEqual(['either']);
  });

  it('allows a member of any listed group', async () => {
    expect((await stack.gql(alice(), '{ adminOnly auditorsOrAdmins }')).body).toEqual({
      data: { adminOnly: 'admin secret', auditorsOrAdmins: 'audit view' },
    });
    const asCarol = await stack.gql(carol(), '{ adminOnly auditorsOrAdmins }');
    expect(asCarol.body.data).toEqual({ adminOnly: null, auditorsOrAdmins: 'audit view' });
  });

  it('never lets a user-pool token reach an IAM-only field, whatever its groups', async () => {
    const { body } = await stack.gql(alice(), '{ iamOnly }');
    expect(body.data).toEqual({ iamOnly: null });
    expect(body.errors?.[0]).toMatchObject(unauthorized('iamOnly', 'Query'));
  });

  it('lets IAM callers reach @aws_iam fields but not fields left to the default mode', async () => {
    const { body } = await stack.gql(IAM_AUTH, '{ iamOnly either getSettings { duration } }');
    expect(body.data).toEqual({ iamOnly: 'iam data', either: 'either way', getSettings: null });
    expect(body.errors).toEqual([expect.objectContaining(unauthorized('getSettings', 'Query'))]);
  });

  it('applies the default mode to types without directives', async () => {
    const { body } = await stack.gql(bob(), '{ getSettings { duration ticketRequired } }');
    expect(body).toEqual({ data: { getSettings: { duration: 9, ticketRequired: false } } });
  });

  it('lets field-level directives replace type-level ones on nested types', async () => {
    const asUser = await stack.gql(alice(), '{ getRequest(id: "r-1") { id internalNote } }');
    expect(asUser.body.data).toEqual({ getRequest: { id: 'r-1', internalNote: null } });
    expect(asUser.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access internalNote on type Request',
      path: ['getRequest', 'internalNote'],
    });
    const asIam = await stack.gql(IAM_AUTH, '{ getRequest(id: "r-1") { id internalNote } }');
    expect(asIam.body).toEqual({ data: { getRequest: { id: 'r-1', internalNote: 'for IAM eyes only' } } });
  });

  it('enforces a type-level group restriction field by field', async () => {
    const asBob = await stack.gql(bob(), '{ adminReport { total summary } }');
    expect(asBob.body.data).toEqual({ adminReport: { total: null, summary: 'three requests' } });
    expect(asBob.body.errors?.[0]).toMatchObject({
      message: 'Not Authorized to access total on type AdminReport',
    });
    const asAlice = await stack.gql(alice(), '{ adminReport { total summary } }');
    expect(asAlice.body).toEqual({ data: { adminReport: { total: 3, summary: 'three requests' } } });
  });

  it('checks mutations too, and does not call the backend for a refused field', async () => {
    const { body } = await stack.gql(bob(), 'mutation { deleteEverything }');
    expect(body.errors?.[0]).toMatchObject(unauthorized('deleteEverything', 'Mutation'));
    expect(stack.events).toHaveLength(0);
  });
});

describe('resolver event', () => {
  it('is shaped like an AppSync direct Lambda event for user-pool callers', async () => {
    const query = `query Get($id: ID!) {
      getRequest(id: $id) {
        id
        state: status
        ... on Request { owner }
        ...more
      }
    }
    fragment more on Request { createdAt }`;
    await stack.gql(alice(), query, { id: 'r-9' });
    const [event] = stack.events;
    expect(event).toBeDefined();
    if (!event) return;
    expect(event.arguments).toEqual({ id: 'r-9' });
    expect(event.source).toBeNull();
    expect(event.prev).toBeNull();
    expect(event.stash).toEqual({});
    expect(event.request.headers['authorization']).toBe(alice());
    expect(event.info).toEqual({
      fieldName: 'getRequest',
      parentTypeName: 'Query',
      variables: { id: 'r-9' },
      selectionSetList: ['id', 'state', 'owner', 'createdAt'],
      selectionSetGraphQL: expect.stringContaining('state: status'),
    });
    expect(event.info.selectionSetGraphQL).toContain('...more');
    expect(event.identity).toMatchObject({
      username: 'IdentityCenter_alice',
      groups: ['Admin'],
      sourceIp: ['127.0.0.1'],
      issuer: stack.auth.issuer,
      defaultAuthStrategy: 'ALLOW',
    });
    const identity = event.identity as { sub: string; claims: Record<string, unknown> };
    expect(identity.sub).toBe(identity.claims['sub']);
    expect(identity.claims['cognito:username']).toBe('IdentityCenter_alice');
  });

  it('lists nested selections as parent/child paths', async () => {
    await stack.gql(alice(), '{ adminReport { total summary } }');
    expect(stack.events[0]?.info.selectionSetList).toEqual(['total', 'summary']);
    await stack.gql(alice(), 'mutation { createRequest(input: { accountId: "1" }) { id } }');
    expect(stack.events[1]?.info.parentTypeName).toBe('Mutation');
  });

  it('passes input objects and AWSJSON arguments as plain parsed values', async () => {
    await stack.gql(
      bob(),
      'mutation ($input: CreateRequestInput!) { createRequest(input: $input) { id details } }',
      { input: { accountId: '111122223333', details: '{"hours":3}', email: 'bob@example.com' } },
    );
    const args = stack.events[0]?.arguments as { input: Record<string, unknown> };
    expect(Object.getPrototypeOf(args.input)).toBe(Object.prototype);
    expect(args.input).toEqual({
      accountId: '111122223333',
      details: { hours: 3 },
      email: 'bob@example.com',
    });
  });

  it('describes IAM callers with account and ARN', async () => {
    const { body } = await stack.gql(IAM_AUTH, '{ whoAmI }');
    const identity = JSON.parse(String(body.data?.['whoAmI'])) as Record<string, unknown>;
    expect(identity).toMatchObject({
      accountId: '123456789012',
      username: 'AKIALOCALTEST',
      userArn: 'arn:aws:sts::123456789012:assumed-role/team-local/AKIALOCALTEST',
      sourceIp: ['127.0.0.1'],
      cognitoIdentityPoolId: null,
    });
  });
});

describe('errors and results', () => {
  it('maps a thrown error to errorType (its name) and message', async () => {
    const { status, body } = await stack.gql(alice(), '{ failing either }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ failing: null, either: 'either way' });
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'Justification is required',
      path: ['failing'],
    });
  });

  it('treats a returned Lambda error payload as an error', async () => {
    stack.handlers['failing'] = () => ({
      errorType: 'ConflictError',
      errorMessage: 'Already approved',
      trace: [],
    });
    const { body } = await stack.gql(alice(), '{ failing }');
    expect(body.errors?.[0]).toMatchObject({ errorType: 'ConflictError', message: 'Already approved' });
  });

  it('carries errorInfo from an AppSyncError-like error', async () => {
    stack.handlers['failing'] = () => {
      throw Object.assign(new Error('Nope'), { errorType: 'NotFound', errorInfo: { id: 'x' } });
    };
    const { body } = await stack.gql(alice(), '{ failing }');
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'NotFound',
      message: 'Nope',
      errorInfo: { id: 'x' },
    });
  });

  it('raises a failure the function returned, with its errorInfo, as the deployed resolvers do', async () => {
    stack.handlers['failing'] = () => ({
      [RESOLVER_FAILURE_KEY]: {
        errorType: 'ValidationError',
        message: 'Justification is required.',
        errorInfo: { field: 'justification' },
      },
    });
    const { body } = await stack.gql(alice(), '{ failing either }');
    expect(body.data).toEqual({ failing: null, either: 'either way' });
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'Justification is required.',
      errorInfo: { field: 'justification' },
      path: ['failing'],
    });
  });

  it('resolves nested fields by property and serializes AWS scalars', async () => {
    const { body } = await stack.gql(bob(), '{ listRequests { id owner details expireAt } }');
    expect(body).toEqual({
      data: {
        listRequests: [
          {
            id: 'r-1',
            owner: 'IdentityCenter_alice',
            details: '{"justification":"deploy","hours":2}',
            expireAt: 1767322800,
          },
          {
            id: 'r-2',
            owner: 'IdentityCenter_bob',
            details: '{"justification":"deploy","hours":2}',
            expireAt: 1767322800,
          },
        ],
      },
    });
  });

  it('reports a result that breaks a scalar contract', async () => {
    stack.handlers['getRequest'] = () => ({ id: 'x', createdAt: 'yesterday' });
    const { body } = await stack.gql(bob(), '{ getRequest(id: "x") { id createdAt } }');
    expect(body.data).toEqual({ getRequest: null });
    expect(body.errors?.[0]?.message).toMatch(/AWSDateTime/);
  });

  it('answers validation errors without calling the backend', async () => {
    const { status, body } = await stack.gql(bob(), '{ nope }');
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(stack.events).toHaveLength(0);
  });

  it('refuses subscriptions over HTTP', async () => {
    const { body } = await stack.gql(bob(), 'subscription { onCreateRequest { id } }');
    expect(body.errors?.[0]?.errorType).toBe('UnsupportedOperation');
  });
});

describe('counting hooks', () => {
  it('counts requests, resolver calls per field, and reports each operation', async () => {
    const records: RequestRecord[] = [];
    const appsync = await startAppSync({
      schemaPath: fixtureSchemaPath,
      verifyToken: stack.auth.verifyToken,
      resolve: () => 'x',
      onRequest: (r) => records.push(r),
    });
    try {
      const post = (authorization: string | undefined, query: string) =>
        fetch(appsync.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query }),
        });
      await post(bob(), '{ either iamOnly }');
      await post(undefined, '{ either }');
      await post(IAM_AUTH, '{ either }');
      expect(appsync.stats).toMatchObject({
        httpRequests: 3,
        unauthorizedRequests: 1,
        resolverInvocations: 2,
        byField: { 'Query.either': 2 },
      });
      expect(records.map((r) => [r.operation, r.authMode, r.outcome])).toEqual([
        ['query', 'userPool', 'errors'],
        ['unknown', 'none', 'unauthorized'],
        ['query', 'iam', 'ok'],
      ]);
      expect(records[0]?.fields).toEqual(['either', 'iamOnly']);
    } finally {
      await appsync.stop();
    }
  });

  it('answers CORS preflights for browser clients', async () => {
    const response = await fetch(stack.appsync.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-user-agent',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-amz-user-agent');
  });
});
