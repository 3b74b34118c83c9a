/**
 * Following one session-log query (the session-logs function's use case) over in-memory ports:
 * the backoff, what it stores and publishes, and when it stops.
 */
import { describe, expect, it } from 'vitest';
import {
  followSessionLogQuery,
  SessionLogProviderError,
  type ProviderQueryStatus,
} from '../../../lambdas/core/session-logs';
import { FOLLOW_NOW, followWorld, startedJob } from './fakes';

describe('following a query', () => {
  it('waits 1 s doubling to 8 s between looks, and stores and publishes each change', async () => {
    const world = followWorld([
      { state: 'QUEUED' },
      { state: 'RUNNING' },
      ...Array<ProviderQueryStatus>(5).fill({ state: 'RUNNING' }),
      { state: 'FINISHED', progress: { eventsMatched: 42, eventsScanned: 9000 } },
    ]);
    const job = await startedJob(world);
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
    const world = followWorld([
      { state: 'RUNNING' },
      { state: 'FAILED', error: 'Query failed: out of memory' },
    ]);
    const job = await startedJob(world);
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('FAILED');
    expect(world.queries.peek('req-1')).toMatchObject({
      status: 'FAILED',
      error: 'Query failed: out of memory',
    });
    expect(world.published.at(-1)).toMatchObject({ status: 'FAILED', error: 'Query failed: out of memory' });
  });

  it('gives up after the wait budget: FAILED, timed out, and says so', async () => {
    const world = followWorld([{ state: 'RUNNING' }]);
    const job = await startedJob(world);
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
    const world = followWorld([{ state: 'RUNNING' }]);
    const job = await startedJob(world);
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
    const world = followWorld([{ state: 'RUNNING' }, { state: 'FINISHED' }]);
    const job = await startedJob(world);
    world.queries.seed({ ...world.record('query-newer') });
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('SUPERSEDED');
    expect(world.provider.calls.count('status')).toBe(0);
    expect(world.published).toEqual([]);
  });

  it('publishes a state someone else stored at the end, without looking again', async () => {
    const world = followWorld([{ state: 'FINISHED' }]);
    const job = await startedJob(world);
    await world.queries.update('req-1', job.queryId, {
      status: 'FINISHED',
      rowCount: 3,
      updatedAt: FOLLOW_NOW.toISOString(),
    });
    expect(await followSessionLogQuery(world, job, { sleep: world.sleep })).toBe('FINISHED');
    expect(world.provider.calls.count('status')).toBe(0);
    expect(world.published).toMatchObject([{ status: 'FINISHED', rowCount: 3 }]);
  });

  it('goes on when a publish fails: the stored state still has it', async () => {
    const world = followWorld([{ state: 'RUNNING' }, { state: 'FINISHED' }]);
    const job = await startedJob(world);
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
    const world = followWorld([{ state: 'RUNNING' }]);
    const job = await startedJob(world);
    const controller = new AbortController();
    controller.abort();
    expect(await followSessionLogQuery(world, job, { signal: controller.signal, firstDelayMs: 60_000 })).toBe(
      'STOPPED',
    );
    expect(world.provider.calls.count('status')).toBe(0);
  });
});
