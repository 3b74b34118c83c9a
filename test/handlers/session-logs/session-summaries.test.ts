/** The session-logs function's scheduled run of the session summaries, over in-memory ports. */
import { describe, expect, it } from 'vitest';
import { makeSessionLogsHandler } from '../../../lambdas/handlers/session-logs';
import { InMemorySessionLogQueryStore } from '../../core/session-logs/fakes';
import { HOUR_MS, reviewWorld, sessionRows, type ReviewWorld } from '../../core/session-review/world';

const quiet = { error: () => undefined, info: () => undefined, warn: () => undefined };

function handlerOf(w: ReviewWorld, withProvider = true) {
  return makeSessionLogsHandler({
    deps: () => ({
      clock: w.world.clock,
      queries: new InMemorySessionLogQueryStore(w.world.clock),
      summaries: w.summaries,
      requests: w.world.requests,
      settings: w.world.settings,
      fallback: w.world.fallback,
      ...(withProvider ? { provider: w.provider } : {}),
    }),
    summaries: { sleep: async () => undefined },
    logger: quiet as never,
  });
}

describe('the scheduled session summaries', () => {
  it('computes the due summaries and says what became of them', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.provider.nextRows = sessionRows();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    const result = await handlerOf(w)({ kind: 'session-summaries' });
    expect(result).toMatchObject({ outcome: 'SUMMARIES', report: { taken: 1, outcomes: { flagged: 1 } } });
    expect(w.summaries.peek(summary.requestId)).toMatchObject({
      status: 'complete',
      reviewState: 'to-review',
    });
  });

  it('does nothing without a provider', async () => {
    const w = reviewWorld();
    w.ended();
    w.world.clock.advance({ hours: 5 });
    expect(await handlerOf(w, false)({ kind: 'session-summaries' })).toEqual({ outcome: 'DISABLED' });
    expect(w.summaries.calls.count('listDue')).toBe(0);
  });

  it('keeps to the Lambda’s remaining time', async () => {
    const w = reviewWorld();
    w.ended();
    w.ended();
    w.world.clock.advance({ hours: 5 });
    const context = { getRemainingTimeInMillis: () => 5_000 } as never;
    const result = await handlerOf(w)({ kind: 'session-summaries' }, context);
    expect(result).toMatchObject({ outcome: 'SUMMARIES', report: { taken: 2, outcomes: { skipped: 2 } } });
    expect(w.provider.calls.count('start')).toBe(0);
  });

  it('refuses anything else beside a job to follow (no retry)', async () => {
    const w = reviewWorld();
    for (const event of [
      { kind: 'session-summaries', extra: 1 },
      { kind: 'summaries' },
      'session-summaries',
    ]) {
      expect(await handlerOf(w)(event)).toEqual({ outcome: 'INVALID' });
    }
  });
});
