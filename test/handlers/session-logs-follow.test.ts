/**
 * The session-logs function over in-memory ports: how it follows one query (backoff, what it
 * stores and publishes, when it stops), and the AWS pieces around it (the api's asynchronous
 * invocation, the signed publish mutation).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  followSessionLogQuery,
  forwardOnly,
  SessionLogProviderError,
  type FollowOptions,
  type ProviderQueryStatus,
  type SessionLogQueryRecord,
  type SessionLogQueryView,
} from '../../lambdas/core/session-logs';
import { AppSyncSessionLogPublisher } from '../../lambdas/adapters/appsync/session-log-publisher';
import { LambdaSessionLogFollower } from '../../lambdas/adapters/lambda/session-log-follower';
import { makeSessionLogsHandler } from '../../lambdas/handlers/session-logs';
import { FakeSessionLogProvider, InMemorySessionLogQueryStore } from '../core/session-logs/fakes';
import { FixedClock } from '../fakes';

const NOW = new Date('2026-03-02T12:00:00.000Z');

function setup(script: ProviderQueryStatus[]) {
  const clock = new FixedClock(NOW);
  const queries = new InMemorySessionLogQueryStore(clock);
  const provider = new FakeSessionLogProvider('cloudtrail-lake');
  provider.nextScript = script;
  const published: SessionLogQueryView[] = [];
  const publisher = {
    publishSessionLogQuery: async (view: SessionLogQueryView) => void published.push(view),
  };
  const waits: number[] = [];
  const sleep: FollowOptions['sleep'] = async (ms) => void waits.push(ms);
  const warnings: string[] = [];
  const log = { warn: (message: string) => void warnings.push(message) };
  const record = (queryId: string): SessionLogQueryRecord => ({
    requestId: 'req-1',
    queryId,
    status: 'QUEUED',
    provider: 'cloudtrail-lake',
    startedAt: NOW.toISOString(),
    windowStart: '2026-03-02T08:00:00.000Z',
    windowEnd: '2026-03-02T11:00:00.000Z',
    updatedAt: NOW.toISOString(),
    expiresAt: NOW.getTime() / 1000 + 3600,
  });
  return { clock, queries, provider, published, publisher, waits, sleep, log, warnings, record };
}

async function started(world: ReturnType<typeof setup>) {
  const { queryId } = await world.provider.start({
    accountId: '111111111111',
    userName: 'alice',
    permissionSetName: 'ReadOnlyAccess',
    windowStart: '2026-03-02T08:00:00.000Z',
    windowEnd: '2026-03-02T11:00:00.000Z',
  });
  world.queries.seed(world.record(queryId));
  return { requestId: 'req-1', queryId };
}

describe('following a query', () => {
  it('waits 1 s doubling to 8 s between looks, and stores and publishes each change', async () => {
    const world = setup([
      { state: 'QUEUED' },
      { state: 'RUNNING' },
      ...Array<ProviderQueryStatus>(5).fill({ state: 'RUNNING' }),
      { state: 'FINISHED', progress: { eventsMatched: 42, eventsScanned: 9000 } },
    ]);
    const job = await started(world);
    const outcome = await followSessionLogQuery(world, job, { sleep: world.sleep });

    expect(outcome).toBe('FINISHED');
    expect(world.waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000]);
    expect(world.provider.calls.count('status')).toBe(8);
    // The unchanged looks (QUEUED at first, RUNNING again) are neither stored nor sent.
    expect(world.published.map((v) => v.status)).toEqual(['RUNNING', 'FINISHED']);
    expect(world.published.at(-1)).toMatchObject({ progress: 100, rowCount: 42, eventsScanned: 9000 });
    expect(world.queries.calls.count('update')).toBe(2);
    expect(world.queries.peek('req-1')).toMatchObject({ status: 'FINISHED', progress: 100, rowCount: 42 });
  });

  it('stores a provider failure with its reason', async () => {
    const world = setup([{ state: 'RUNNING' }, { state: 'FAILED', error: 'Query failed: out of memory' }]);
    const job = await started(world);
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('FAILED');
    expect(world.queries.peek('req-1')).toMatchObject({
      status: 'FAILED',
      error: 'Query failed: out of memory',
    });
    expect(world.published.at(-1)).toMatchObject({ status: 'FAILED', error: 'Query failed: out of memory' });
  });

  it('gives up after the wait budget: FAILED, timed out, and says so', async () => {
    const world = setup([{ state: 'RUNNING' }]);
    const job = await started(world);
    const outcome = await followSessionLogQuery(world, job, { sleep: world.sleep, maxWaitMs: 10 * 60_000 });
    expect(outcome).toBe('TIMED_OUT');
    expect(world.waits.reduce((a, b) => a + b, 0)).toBe(10 * 60_000);
    expect(Math.max(...world.waits)).toBe(8000);
    expect(world.queries.peek('req-1')).toMatchObject({
      status: 'FAILED',
      error: 'The session-log query did not finish within 10 minutes; start it again.',
    });
    expect(world.published.at(-1)?.status).toBe('FAILED');
  });

  it('keeps looking after a passing error, and fails on a provider refusal', async () => {
    const world = setup([{ state: 'RUNNING' }]);
    const job = await started(world);
    let looks = 0;
    world.provider.status = async () => {
      looks += 1;
      if (looks === 1) throw new Error('socket hang up');
      if (looks === 2) return { state: 'RUNNING' };
      throw new SessionLogProviderError('CloudTrail Lake no longer knows this query.');
    };
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('FAILED');
    expect(looks).toBe(3);
    expect(world.warnings).toHaveLength(1);
    expect(world.queries.peek('req-1')).toMatchObject({
      status: 'FAILED',
      error: 'CloudTrail Lake no longer knows this query.',
    });
  });

  it('leaves a query that a newer one replaced to that one’s follower', async () => {
    const world = setup([{ state: 'RUNNING' }, { state: 'FINISHED' }]);
    const job = await started(world);
    world.queries.seed({ ...world.record('query-newer') });
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('SUPERSEDED');
    expect(world.provider.calls.count('status')).toBe(0);
    expect(world.published).toEqual([]);
  });

  it('publishes a state someone else stored at the end, without looking again', async () => {
    const world = setup([{ state: 'FINISHED' }]);
    const job = await started(world);
    await world.queries.update('req-1', job.queryId, {
      status: 'FINISHED',
      rowCount: 3,
      updatedAt: NOW.toISOString(),
    });
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('FINISHED');
    expect(world.provider.calls.count('status')).toBe(0);
    expect(world.published).toMatchObject([{ status: 'FINISHED', rowCount: 3 }]);
  });

  it('goes on when a publish fails: the stored state still has it', async () => {
    const world = setup([{ state: 'RUNNING' }, { state: 'FINISHED' }]);
    const job = await started(world);
    const publisher = {
      publishSessionLogQuery: async () => {
        throw new Error('AppSync said no');
      },
    };
    expect(await followSessionLogQuery({ ...world, publisher }, job, { sleep: world.sleep })).toBe(
      'FINISHED',
    );
    expect(world.warnings).toHaveLength(2);
    expect(world.queries.peek('req-1')?.status).toBe('FINISHED');
  });

  it('stops at once when told to', async () => {
    const world = setup([{ state: 'RUNNING' }]);
    const job = await started(world);
    const controller = new AbortController();
    controller.abort();
    expect(await followSessionLogQuery(world, job, { signal: controller.signal, firstDelayMs: 60_000 })).toBe(
      'STOPPED',
    );
    expect(world.provider.calls.count('status')).toBe(0);
  });

  it('does not store a look taken before the end over the end someone else stored', async () => {
    const world = setup([{ state: 'FINISHED' }]);
    const job = await started(world);
    const store = forwardOnly(world.queries);
    await store.update('req-1', job.queryId, {
      status: 'FINISHED',
      rowCount: 2,
      updatedAt: NOW.toISOString(),
    });
    await store.update('req-1', job.queryId, { status: 'RUNNING', updatedAt: NOW.toISOString() });
    expect(world.queries.peek('req-1')).toMatchObject({ status: 'FINISHED', rowCount: 2 });
  });
});

describe('the session-logs handler', () => {
  const depsOf =
    (world: ReturnType<typeof setup>, withProvider = true) =>
    () => ({
      clock: world.clock,
      queries: world.queries,
      publisher: world.publisher,
      ...(withProvider ? { provider: world.provider } : {}),
    });
  const quiet = { error: () => undefined, info: () => undefined, warn: () => undefined };

  it('follows the query its event names', async () => {
    const world = setup([{ state: 'FINISHED', progress: { eventsMatched: 1 } }]);
    const job = await started(world);
    const handler = makeSessionLogsHandler({
      deps: depsOf(world),
      follow: { sleep: world.sleep },
      logger: quiet as never,
    });
    expect(await handler(job)).toEqual({ ...job, outcome: 'FINISHED' });
  });

  it('ignores (without a retry) an event that is not a job', async () => {
    const world = setup([]);
    const handler = makeSessionLogsHandler({ deps: depsOf(world), logger: quiet as never });
    for (const event of [
      {},
      { requestId: "x' OR 1=1", queryId: 'q' },
      { requestId: 'r', queryId: 'q', sql: 'x' },
    ]) {
      expect(await handler(event)).toEqual({ outcome: 'INVALID' });
    }
  });

  it('keeps the Lambda’s remaining time for the last state', async () => {
    const world = setup([{ state: 'RUNNING' }]);
    const job = await started(world);
    const handler = makeSessionLogsHandler({
      deps: depsOf(world),
      follow: { sleep: world.sleep },
      logger: quiet as never,
    });
    const context = { getRemainingTimeInMillis: () => 60_000 } as never;
    expect(await handler(job, context)).toMatchObject({ outcome: 'TIMED_OUT' });
    expect(world.waits.reduce((a, b) => a + b, 0)).toBe(40_000);
  });

  it('does nothing without a provider', async () => {
    const world = setup([]);
    const handler = makeSessionLogsHandler({ deps: depsOf(world, false), logger: quiet as never });
    expect(await handler({ requestId: 'req-1', queryId: 'q-1' })).toMatchObject({ outcome: 'DISABLED' });
  });
});

describe('the AWS pieces', () => {
  it('the api hands a started query to the session-logs function as an asynchronous invocation', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const follower = new LambdaSessionLogFollower(new LambdaClient({ region: 'eu-west-1' }), 'team-logs', {
      warn: () => undefined,
    });
    await follower.dispatch({ requestId: 'req-1', queryId: 'q-1' });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'team-logs', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      requestId: 'req-1',
      queryId: 'q-1',
    });
    lambda.restore();
  });

  it('a failed hand-over is logged, not thrown: the query still runs and can be polled', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).rejects(new Error('AccessDeniedException'));
    const warnings: unknown[] = [];
    const follower = new LambdaSessionLogFollower(new LambdaClient({ region: 'eu-west-1' }), 'team-logs', {
      warn: (...args: unknown[]) => void warnings.push(args),
    });
    await expect(follower.dispatch({ requestId: 'req-1', queryId: 'q-1' })).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    lambda.restore();
  });

  it('publishes the state with the IAM-signed publishSessionLogQuery mutation, every field selected', async () => {
    const sent: { headers: Record<string, string>; body: string }[] = [];
    const fetchStub = (async (_url: URL, init: RequestInit) => {
      sent.push({ headers: init.headers as Record<string, string>, body: String(init.body) });
      return new Response(JSON.stringify({ data: { publishSessionLogQuery: {} } }), { status: 200 });
    }) as unknown as typeof fetch;
    const publisher = new AppSyncSessionLogPublisher({
      graphqlUrl: 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      fetch: fetchStub,
    });
    await publisher.publishSessionLogQuery({
      requestId: 'req-1',
      status: 'FINISHED',
      progress: 100,
      rowCount: 3,
      windowStart: '2026-03-02T08:00:00.000Z',
      windowEnd: '2026-03-02T11:00:00.000Z',
      updatedAt: NOW.toISOString(),
      eventsScanned: 99,
    });
    const body = JSON.parse(sent[0]!.body) as {
      query: string;
      variables: { input: Record<string, unknown> };
    };
    expect(body.query).toMatch(/publishSessionLogQuery\(input: \$input\)/);
    for (const field of ['requestId', 'status', 'progress', 'error', 'windowStart', 'windowEnd', 'rowCount'])
      expect(body.query).toContain(field);
    expect(body.variables.input).toEqual({
      requestId: 'req-1',
      status: 'FINISHED',
      progress: 100,
      error: null,
      windowStart: '2026-03-02T08:00:00.000Z',
      windowEnd: '2026-03-02T11:00:00.000Z',
      rowCount: 3,
      updatedAt: NOW.toISOString(),
    });
    expect(sent[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\//,
    );
  });
});
