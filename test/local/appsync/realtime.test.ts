import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAppSync } from '../../../local/appsync';
import {
  defaultHandlers,
  fixtureSchemaPath,
  IAM_AUTH,
  RealtimeClient,
  startStack,
  type Stack,
} from './harness';

let stack: Stack;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  Object.assign(stack.handlers, defaultHandlers());
});
afterAll(async () => {
  await stack.stop();
});

const host = () => new URL(stack.appsync.url).host;
const authFor = (user: string) => ({ Authorization: stack.tokens[user] as string, host: host() });

async function connect(user: string, via: 'subprotocol' | 'query' = 'subprotocol'): Promise<RealtimeClient> {
  const client = await RealtimeClient.open(stack.appsync.realtimeUrl, authFor(user), via);
  clients.push(client);
  const ack = await client.init();
  expect(ack.type).toBe('connection_ack');
  return client;
}

const updateMutation =
  'mutation ($id: ID!, $status: Status!) { updateRequest(id: $id, status: $status) { id owner status } }';

describe('realtime handshake', () => {
  it('acknowledges with connectionTimeoutMs and sends keep-alives', async () => {
    const client = await RealtimeClient.open(stack.appsync.realtimeUrl, authFor('bob'));
    clients.push(client);
    expect(client.socket.protocol).toBe('graphql-ws');
    const ack = await client.init();
    expect(ack).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    await expect.poll(() => client.peek().some((m) => m.type === 'ka')).toBe(true);
  });

  it('accepts the older ?header= query-parameter auth', async () => {
    await connect('bob', 'query');
  });

  it('answers connection_error 401 for a bad connection token', async () => {
    const client = await RealtimeClient.open(stack.appsync.realtimeUrl, {
      Authorization: 'garbage',
      host: host(),
    });
    clients.push(client);
    const reply = await client.init();
    expect(reply.type).toBe('connection_error');
    expect(reply.payload?.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
  });

  it('accepts IAM-signed connections', async () => {
    const client = await RealtimeClient.open(stack.appsync.realtimeUrl, {
      Authorization: IAM_AUTH,
      host: host(),
    });
    clients.push(client);
    expect((await client.init()).type).toBe('connection_ack');
  });
});

describe('subscriptions', () => {
  it('pushes a mutation result with the fields the subscriber selected', async () => {
    const client = await connect('bob');
    const ack = await client.start(
      's1',
      'subscription { onCreateRequest { id accountId owner } }',
      {},
      authFor('bob'),
    );
    expect(ack).toEqual({ type: 'start_ack', id: 's1' });

    await stack.gql(
      stack.tokens['alice'],
      'mutation { createRequest(input: { accountId: "444455556666" }) { id accountId owner status } }',
    );
    const data = await client.next((m) => m.type === 'data');
    expect(data).toEqual({
      type: 'data',
      id: 's1',
      payload: {
        data: { onCreateRequest: { id: 'r-new', accountId: '444455556666', owner: 'IdentityCenter_alice' } },
      },
    });
  });

  it('delivers only what the mutation selected', async () => {
    const client = await connect('bob');
    await client.start('s1', 'subscription { onCreateRequest { id startDate } }', {}, authFor('bob'));
    await stack.gql(
      stack.tokens['alice'],
      'mutation { createRequest(input: { accountId: "1" }) { ident: id } }',
    );
    const data = await client.next((m) => m.type === 'data');
    expect(data.payload?.data).toEqual({ onCreateRequest: { id: 'r-new', startDate: null } });
  });

  it('filters by the non-null subscription arguments', async () => {
    const forAlice = await connect('alice');
    const forBob = await connect('bob');
    const forAll = await connect('carol');
    const query = 'subscription ($owner: String) { onUpdateRequest(owner: $owner) { id owner status } }';
    await forAlice.start('a', query, { owner: 'IdentityCenter_alice' }, authFor('alice'));
    await forBob.start('b', query, { owner: 'IdentityCenter_bob' }, authFor('bob'));
    await forAll.start('c', query, { owner: null }, authFor('carol'));

    await stack.gql(IAM_AUTH, updateMutation, { id: 'r-1', status: 'approved' }); // alice's
    await stack.gql(IAM_AUTH, updateMutation, { id: 'r-2', status: 'rejected' }); // bob's

    expect((await forAlice.next((m) => m.type === 'data')).payload?.data).toEqual({
      onUpdateRequest: { id: 'r-1', owner: 'IdentityCenter_alice', status: 'approved' },
    });
    // Bob's first event is his own request: alice's update was filtered out.
    expect((await forBob.next((m) => m.type === 'data')).payload?.data).toEqual({
      onUpdateRequest: { id: 'r-2', owner: 'IdentityCenter_bob', status: 'rejected' },
    });
    const all = [await forAll.next((m) => m.type === 'data'), await forAll.next((m) => m.type === 'data')];
    expect(
      all.map((m) => (m.payload?.data as { onUpdateRequest: { id: string } }).onUpdateRequest.id),
    ).toEqual(['r-1', 'r-2']);
  });

  it('filters on enum and ID arguments together', async () => {
    const client = await connect('bob');
    await client.start(
      's',
      'subscription { onUpdateRequest(id: "r-2", status: approved) { id status } }',
      {},
      authFor('bob'),
    );
    await stack.gql(IAM_AUTH, updateMutation, { id: 'r-2', status: 'rejected' });
    await stack.gql(IAM_AUTH, updateMutation, { id: 'r-1', status: 'approved' });
    await stack.gql(IAM_AUTH, updateMutation, { id: 'r-2', status: 'approved' });
    const data = await client.next((m) => m.type === 'data');
    expect(data.payload?.data).toEqual({ onUpdateRequest: { id: 'r-2', status: 'approved' } });
  });

  it('refuses a subscription field the caller is not authorized for, naming it', async () => {
    const client = await connect('bob');
    const reply = await client.start('s', 'subscription { onAdminUpdate { id } }', {}, authFor('bob'));
    expect(reply.type).toBe('error');
    expect(reply.payload?.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access onAdminUpdate on type Subscription',
    });
    const admin = await connect('alice');
    expect((await admin.start('s', 'subscription { onAdminUpdate { id } }', {}, authFor('alice'))).type).toBe(
      'start_ack',
    );
  });

  it('lets the subscription resolver refuse at subscribe time', async () => {
    const client = await connect('bob');
    const query = 'subscription ($u: String!) { onPublishPolicy(username: $u) { username policy } }';
    const refused = await client.start('x', query, { u: 'IdentityCenter_alice' }, authFor('bob'));
    expect(refused.type).toBe('error');
    expect(refused.payload?.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'You can only follow your own policy.',
    });
    const event = stack.events.findLast((e) => e.info.fieldName === 'onPublishPolicy');
    expect(event?.info.parentTypeName).toBe('Subscription');
    expect(event?.arguments).toEqual({ username: 'IdentityCenter_alice' });

    expect((await client.start('ok', query, { u: 'IdentityCenter_bob' }, authFor('bob'))).type).toBe(
      'start_ack',
    );
    await stack.gql(
      IAM_AUTH,
      'mutation { publishPolicy(username: "IdentityCenter_bob", policy: "[1]") { username policy } }',
    );
    const data = await client.next((m) => m.type === 'data');
    expect(data).toMatchObject({
      id: 'ok',
      payload: { data: { onPublishPolicy: { username: 'IdentityCenter_bob', policy: '[1]' } } },
    });
  });

  it('checks the per-subscription authorization, not only the connection', async () => {
    const client = await connect('bob');
    const reply = await client.start('s', 'subscription { onCreateRequest { id } }', {}, { host: host() });
    expect(reply.type).toBe('error');
    expect(reply.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('applies nested field auth to pushed data', async () => {
    const client = await connect('bob');
    await client.start('s', 'subscription { onUpdateRequest { id internalNote } }', {}, authFor('bob'));
    const asIam = await stack.gql(
      IAM_AUTH,
      'mutation { updateRequest(id: "r-1", status: approved) { id internalNote } }',
    );
    expect(asIam.body.data).toEqual({ updateRequest: { id: 'r-1', internalNote: 'for IAM eyes only' } });
    const data = await client.next((m) => m.type === 'data');
    expect(data.payload?.data).toEqual({ onUpdateRequest: { id: 'r-1', internalNote: null } });
    expect(data.payload?.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access internalNote on type Request',
    });
  });

  it('publishes only what the mutation caller could see', async () => {
    const client = await connect('bob');
    await client.start('s', 'subscription { onUpdateRequest { id status } }', {}, authFor('bob'));
    // alice may call the mutation but not read internalNote: the response (and so the push)
    // carries it as null.
    const asAlice = await stack.gql(
      stack.tokens['alice'],
      'mutation { updateRequest(id: "r-1", status: rejected) { id state: status internalNote } }',
    );
    expect(asAlice.body.data).toEqual({
      updateRequest: { id: 'r-1', state: 'rejected', internalNote: null },
    });
    const data = await client.next((m) => m.type === 'data');
    expect(data.payload?.data).toEqual({ onUpdateRequest: { id: 'r-1', status: 'rejected' } });
  });

  it('does not publish mutations the caller was refused', async () => {
    const client = await connect('bob');
    await client.start('s', 'subscription { onCreateRequest { id } }', {}, authFor('bob'));
    const refused = await stack.gql(IAM_AUTH, 'mutation { createRequest(input: { accountId: "1" }) { id } }');
    expect(refused.body.errors?.[0]?.errorType).toBe('Unauthorized');
    await stack.appsync.publish('createRequest', { id: 'marker' });
    expect((await client.next((m) => m.type === 'data')).payload?.data).toEqual({
      onCreateRequest: { id: 'marker' },
    });
  });

  it('does not publish a mutation that failed', async () => {
    const client = await connect('bob');
    await client.start('s', 'subscription { onCreateRequest { id accountId } }', {}, authFor('bob'));
    stack.handlers['createRequest'] = () => {
      throw new Error('boom');
    };
    await stack.gql(stack.tokens['bob'], 'mutation { createRequest(input: { accountId: "1" }) { id } }');
    const sent = await stack.appsync.publish('createRequest', { id: 'marker', accountId: '2' });
    expect(sent).toBe(1);
    const data = await client.next((m) => m.type === 'data');
    expect(data.payload?.data).toEqual({ onCreateRequest: { id: 'marker', accountId: '2' } });
  });

  it('stops a subscription with complete', async () => {
    const client = await connect('bob');
    await client.start('s', 'subscription { onCreateRequest { id } }', {}, authFor('bob'));
    await client.start('t', 'subscription { onCreateRequest { accountId } }', {}, authFor('bob'));
    client.send({ type: 'stop', id: 's' });
    expect(await client.next((m) => m.type === 'complete')).toEqual({ type: 'complete', id: 's' });
    await stack.appsync.publish('createRequest', { id: 'z', accountId: '9' });
    const data = await client.next((m) => m.type === 'data');
    expect(data.id).toBe('t');
    expect(client.peek().some((m) => m.type === 'data' && m.id === 's')).toBe(false);
  });

  it('rejects non-subscription operations and duplicate ids on the socket', async () => {
    const client = await connect('bob');
    expect((await client.start('q', '{ either }', {}, authFor('bob'))).payload?.errors?.[0]?.errorType).toBe(
      'UnsupportedOperation',
    );
    await client.start('d', 'subscription { onCreateRequest { id } }', {}, authFor('bob'));
    const dup = await client.start('d', 'subscription { onCreateRequest { id } }', {}, authFor('bob'));
    expect(dup.payload?.errors?.[0]?.errorType).toBe('DuplicatedOperationError');
  });

  it('drops subscriptions of closed connections and closes everything on stop', async () => {
    const appsync = await startAppSync({
      schemaPath: fixtureSchemaPath,
      verifyToken: stack.auth.verifyToken,
      resolve: () => null,
    });
    const client = await RealtimeClient.open(appsync.realtimeUrl, {
      Authorization: stack.tokens['bob'] as string,
      host: new URL(appsync.url).host,
    });
    await client.init();
    await client.start(
      's',
      'subscription { onCreateRequest { id } }',
      {},
      { Authorization: stack.tokens['bob'] as string },
    );
    expect(appsync.subscriptionCount()).toBe(1);
    client.close();
    await expect.poll(() => appsync.subscriptionCount()).toBe(0);
    const other = await RealtimeClient.open(appsync.realtimeUrl, {
      Authorization: stack.tokens['bob'] as string,
    });
    await other.init();
    const closed = new Promise<void>((resolve) => other.socket.once('close', () => resolve()));
    await appsync.stop();
    await closed;
  });
});
