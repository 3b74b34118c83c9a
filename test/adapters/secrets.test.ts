import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../lambdas/adapters/errors';
import { SecretsManagerStore } from '../../lambdas/adapters/secrets';
import { noFaults } from '../../local/common/aws-json-server';
import { startSecretsManager, type RunningSecretsManager } from '../../local/secrets';
import { FixedClock } from '../fakes/clock';

let sm: RunningSecretsManager;
let client: SecretsManagerClient;
const clock = new FixedClock();

beforeAll(async () => {
  sm = await startSecretsManager({
    secrets: [
      { name: 'team/slack-empty', value: '{}' },
      { name: 'team/slack-plain', value: 'xoxb-not-json' },
    ],
  });
  client = new SecretsManagerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await sm.stop();
});

beforeEach(() => {
  Object.assign(sm.faults, noFaults());
});

const store = (secretId: string, cacheTtlMs = 60_000) =>
  new SecretsManagerStore(client, secretId, { clock, cacheTtlMs });

describe('SecretsManagerStore', () => {
  it('creates the secret on first write and reads the token back', async () => {
    const s = store('team/slack-new');
    expect(await s.getSlackToken()).toBeUndefined();
    await s.putSlackToken('xoxb-111');
    expect(JSON.parse(sm.peek('team/slack-new') ?? '')).toEqual({ slackToken: 'xoxb-111' });
    expect(await store('team/slack-new').getSlackToken()).toBe('xoxb-111');
  });

  it('writes into a secret the stack created, and deleting the token keeps the secret', async () => {
    const s = store('team/slack-empty');
    expect(await s.getSlackToken()).toBeUndefined();
    await s.putSlackToken('xoxb-222');
    expect(await store('team/slack-empty').getSlackToken()).toBe('xoxb-222');
    await s.deleteSlackToken();
    expect(sm.peek('team/slack-empty')).toBe('{}');
    expect(await s.getSlackToken()).toBeUndefined();
    expect(await store('team/slack-empty').getSlackToken()).toBeUndefined();
  });

  it('keeps a read for the cache TTL, then reads again', async () => {
    const reader = store('team/slack-cache', 30_000);
    const writer = store('team/slack-cache');
    await writer.putSlackToken('xoxb-old');
    expect(await reader.getSlackToken()).toBe('xoxb-old');
    await writer.putSlackToken('xoxb-new');
    expect(await reader.getSlackToken()).toBe('xoxb-old');
    clock.advance({ seconds: 30 });
    expect(await reader.getSlackToken()).toBe('xoxb-new');
  });

  it('treats a value that is not the expected JSON as no token', async () => {
    expect(await store('team/slack-plain').getSlackToken()).toBeUndefined();
  });

  it('restores a secret scheduled for deletion when a token is saved again', async () => {
    const s = store('team/slack-deleted', 0);
    await s.putSlackToken('xoxb-333');
    await client.send(new DeleteSecretCommand({ SecretId: 'team/slack-deleted', RecoveryWindowInDays: 7 }));
    expect(await s.getSlackToken()).toBeUndefined();
    await s.putSlackToken('xoxb-444');
    expect(await s.getSlackToken()).toBe('xoxb-444');
  });

  it('refuses to create a secret named by ARN (the stack owns it)', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:team/missing-AbCdEf';
    await expect(store(arn).putSlackToken('xoxb-555')).rejects.toThrow(/created with the stack/);
  });

  it('surfaces throttling as ThrottledError and does not cache the failure', async () => {
    const s = store('team/slack-new');
    sm.faults.throttleRate = 1;
    await expect(s.getSlackToken()).rejects.toThrow(ThrottledError);
    await expect(s.putSlackToken('xoxb-666')).rejects.toThrow(ThrottledError);
    sm.faults.throttleRate = 0;
    expect(await s.getSlackToken()).toBe('xoxb-111');
  });
});
