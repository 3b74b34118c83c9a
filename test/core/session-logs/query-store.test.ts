/** The query store the api and the follower share. */
import { describe, expect, it } from 'vitest';
import { forwardOnly } from '../../../lambdas/core/session-logs';
import { FOLLOW_NOW, followWorld, startedJob } from './fakes';

describe('forwardOnly', () => {
  it('does not store a look taken before the end over the end someone else stored', async () => {
    const world = followWorld([{ state: 'FINISHED' }]);
    const job = await startedJob(world);
    const store = forwardOnly(world.queries);
    await store.update('req-1', job.queryId, {
      status: 'FINISHED',
      rowCount: 2,
      updatedAt: FOLLOW_NOW.toISOString(),
    });
    await store.update('req-1', job.queryId, { status: 'RUNNING', updatedAt: FOLLOW_NOW.toISOString() });
    expect(world.queries.peek('req-1')).toMatchObject({ status: 'FINISHED', rowCount: 2 });
  });
});
