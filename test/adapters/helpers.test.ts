import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../lambdas/adapters/cache';
import { mapLimit, Semaphore } from '../../lambdas/adapters/concurrency';
import { awsCall, isThrottling, ThrottledError, unlessAwsError } from '../../lambdas/adapters/errors';
import { FixedClock } from '../fakes/clock';

const awsError = (name: string) => Object.assign(new Error(name), { name });

describe('TtlCache', () => {
  it('shares one load between concurrent callers, keeps it for the TTL, forgets failures', async () => {
    const clock = new FixedClock();
    const cache = new TtlCache<number>(1000, clock, 2);
    let loads = 0;
    const load = async () => (loads += 1);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    clock.advance({ ms: 999 });
    expect(await cache.get('a', load)).toBe(1);
    clock.advance({ ms: 1 });
    expect(await cache.get('a', load)).toBe(2);

    await expect(cache.get('b', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('b', load)).toBe(3);

    await cache.get('c', load); // over the bound of two entries: the oldest goes
    expect(await cache.get('a', load)).toBe(5);
  });
});

describe('concurrency', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active -= 1;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
    expect(() => new Semaphore(0)).toThrow();
  });
});

describe('AWS error helpers', () => {
  it('turns throttling of any service into ThrottledError and passes other errors on', async () => {
    for (const name of [
      'ThrottlingException',
      'TooManyRequestsException',
      'ProvisionedThroughputExceededException',
    ]) {
      expect(isThrottling(awsError(name))).toBe(true);
    }
    expect(isThrottling(Object.assign(new Error('x'), { $retryable: { throttling: true } }))).toBe(true);
    expect(isThrottling(awsError('AccessDeniedException'))).toBe(false);
    const thrown = await awsCall('Svc', 'Op', () => Promise.reject(awsError('ThrottlingException'))).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(ThrottledError);
    expect((thrown as ThrottledError).cause).toBeInstanceOf(Error);
    await expect(
      awsCall('Svc', 'Op', () => Promise.reject(awsError('AccessDeniedException'))),
    ).rejects.toThrow('AccessDeniedException');
    expect(await unlessAwsError(['NotFound'], 'fallback', () => Promise.reject(awsError('NotFound')))).toBe(
      'fallback',
    );
    await expect(unlessAwsError(['NotFound'], 'x', () => Promise.reject(awsError('Other')))).rejects.toThrow(
      'Other',
    );
  });
});
