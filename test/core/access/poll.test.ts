/** Polling an Identity Center operation: the real pause between polls. */
import { describe, expect, it } from 'vitest';
import { realSleep } from '../../../lambdas/core/access';

describe('assignment polling', () => {
  it('really sleeps between polls by default', async () => {
    const started = performance.now();
    await realSleep(5);
    expect(performance.now() - started).toBeGreaterThan(0);
  });
});
