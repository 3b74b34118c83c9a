import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, WallClock } from '../../../local/sfn';

const DAY = 24 * 60 * 60 * 1000;

describe('ManualClock', () => {
  it('fires timers in time order while advancing, and only those that fall due', async () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.schedule(1_000 + 300, () => fired.push(`b@${clock.now()}`));
    clock.schedule(1_000 + 100, () => fired.push(`a@${clock.now()}`));
    clock.schedule(1_000 + 900, () => fired.push(`c@${clock.now()}`));
    await clock.advance(500);
    expect(fired).toEqual(['a@1100', 'b@1300']);
    expect(clock.now()).toBe(1_500);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toBe(1_900);
  });

  it('fires timers scheduled by earlier timers within the same advance', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.schedule(10, () => {
      fired.push(clock.now());
      clock.schedule(clock.now() + 10, () => fired.push(clock.now()));
    });
    await clock.advance(25);
    expect(fired).toEqual([10, 20]);
  });

  it('skip moves time at once and fires what fell due, without waiting for settlers', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.addSettler(() => new Promise(() => undefined)); // never settles
    clock.schedule(2_000, () => fired.push(clock.now()));
    clock.schedule(9_000, () => fired.push(clock.now()));
    clock.skip(5_000);
    expect(fired).toEqual([5_000]);
    expect(clock.now()).toBe(5_000);
    expect(clock.pendingTimers()).toBe(1);
    expect(() => clock.skip(-1)).toThrow(RangeError);
  });

  it('cancels timers', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const cancel = clock.schedule(10, () => fired.push(1));
    cancel();
    await clock.advance(100);
    expect(fired).toEqual([]);
  });

  it('handles waits of months without real waiting', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    let firedAt: number | undefined;
    clock.schedule(clock.now() + 90 * DAY, () => (firedAt = clock.now()));
    await clock.advance(89 * DAY);
    expect(firedAt).toBeUndefined();
    await clock.advance(DAY);
    expect(firedAt).toBe(Date.UTC(2030, 0, 1) + 90 * DAY);
  });

  it('runUntilIdle jumps to each pending timer until none is left', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.schedule(5 * DAY, () => fired.push(clock.now()));
    clock.schedule(DAY, () => fired.push(clock.now()));
    await clock.runUntilIdle();
    expect(fired).toEqual([DAY, 5 * DAY]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runUntilIdle gives up on a timer that reschedules itself forever', async () => {
    const clock = new ManualClock(0);
    const again = () => clock.schedule(clock.now() + 1, again);
    again();
    await expect(clock.runUntilIdle(50)).rejects.toThrow(/still busy/);
  });

  it('fires an already-due timer without being advanced', async () => {
    const clock = new ManualClock(100);
    const fired = new Promise<number>((resolve) => clock.schedule(50, () => resolve(clock.now())));
    await expect(fired).resolves.toBe(100);
  });

  it('awaits registered settlers between firings', async () => {
    const clock = new ManualClock(0);
    const order: string[] = [];
    const remove = clock.addSettler(async () => {
      order.push('settle');
    });
    clock.schedule(10, () => order.push('timer'));
    await clock.advance(10);
    remove();
    await clock.advance(10);
    expect(order.filter((o) => o === 'timer')).toHaveLength(1);
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.at(-1)).toBe('settle');
  });
});

describe('WallClock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('calls back once the time has come', async () => {
    const clock = new WallClock();
    const at = clock.now() + 5;
    const firedAt = await new Promise<number>((resolve) => clock.schedule(at, () => resolve(clock.now())));
    expect(firedAt).toBeGreaterThanOrEqual(at);
  });

  it('never arms a Node timer beyond its 24.8-day limit', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const clock = new WallClock();
    const cancel = clock.schedule(clock.now() + 90 * DAY, () => undefined);
    const delays = spy.mock.calls.map((call) => Number(call[1]));
    cancel();
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});
