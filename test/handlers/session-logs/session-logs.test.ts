/** The session-logs function's handler over in-memory ports: the job it follows, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { makeSessionLogsHandler } from '../../../lambdas/handlers/session-logs';
import { followWorld, startedJob, type FollowWorld } from '../../core/session-logs/fakes';

describe('the session-logs handler', () => {
  const depsOf =
    (world: FollowWorld, withProvider = true) =>
    () => ({
      clock: world.clock,
      queries: world.queries,
      publisher: world.publisher,
      ...(withProvider ? { provider: world.provider } : {}),
    });
  const quiet = { error: () => undefined, info: () => undefined, warn: () => undefined };

  it('follows the query its event names', async () => {
    const world = followWorld([{ state: 'FINISHED', progress: { eventsMatched: 1 } }]);
    const job = await startedJob(world);
    const handler = makeSessionLogsHandler({
      deps: depsOf(world),
      follow: { sleep: world.sleep },
      logger: quiet as never,
    });
    expect(await handler(job)).toEqual({ ...job, outcome: 'FINISHED' });
  });

  it('ignores (without a retry) an event that is not a job', async () => {
    const world = followWorld([]);
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
    const world = followWorld([{ state: 'RUNNING' }]);
    const job = await startedJob(world);
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
    const world = followWorld([]);
    const handler = makeSessionLogsHandler({ deps: depsOf(world, false), logger: quiet as never });
    expect(await handler({ requestId: 'req-1', queryId: 'q-1' })).toMatchObject({ outcome: 'DISABLED' });
  });
});
