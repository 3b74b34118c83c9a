import {
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
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
      { name: 'team/slack-extra', value: '{}' },
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
    expect(await s.getSecret('slackToken')).toBeUndefined();
    await s.putSecret('slackToken', 'xoxb-111');
    expect(JSON.parse(sm.peek('team/slack-new') ?? '')).toEqual({ slackToken: 'xoxb-111' });
    expect(await store('team/slack-new').getSecret('slackToken')).toBe('xoxb-111');
  });

  it('writes into a secret the stack created, and deleting the token keeps the secret', async () => {
    const s = store('team/slack-empty');
    expect(await s.getSecret('slackToken')).toBeUndefined();
    await s.putSecret('slackToken', 'xoxb-222');
    expect(await store('team/slack-empty').getSecret('slackToken')).toBe('xoxb-222');
    await s.deleteSecret('slackToken');
    expect(sm.peek('team/slack-empty')).toBe('{}');
    expect(await s.getSecret('slackToken')).toBeUndefined();
    expect(await store('team/slack-empty').getSecret('slackToken')).toBeUndefined();
  });

  it('keeps the other names when one is put or deleted', async () => {
    const s = store('team/slack-merge');
    await s.putSecret('slackToken', 'xoxb-777');
    await s.putSecret('teamsWebhookUrl', 'https://example.invalid/webhook');
    await store('team/slack-merge').putSecret('slackSigningSecret', 'sign-1');
    expect(JSON.parse(sm.peek('team/slack-merge') ?? '')).toEqual({
      slackToken: 'xoxb-777',
      teamsWebhookUrl: 'https://example.invalid/webhook',
      slackSigningSecret: 'sign-1',
    });

    // The writer reads the service, not its own cache: the other writer's name survives.
    await s.putSecret('slackToken', 'xoxb-888');
    await s.deleteSecret('teamsWebhookUrl');
    expect(JSON.parse(sm.peek('team/slack-merge') ?? '')).toEqual({
      slackToken: 'xoxb-888',
      slackSigningSecret: 'sign-1',
    });
    expect(await s.getSecret('teamsWebhookUrl')).toBeUndefined();
    expect(await s.getSecret('slackSigningSecret')).toBe('sign-1');
    const fresh = store('team/slack-merge');
    expect(await fresh.getSecret('slackToken')).toBe('xoxb-888');
    expect(await fresh.getSecret('teamsWebhookUrl')).toBeUndefined();
  });

  it('keeps keys it does not know, and deleting a name that is not stored changes nothing else', async () => {
    const id = 'team/slack-extra';
    await client.send(new PutSecretValueCommand({ SecretId: id, SecretString: '{"custom":"kept"}' }));
    const s = store(id);
    await s.putSecret('teamsWebhookUrl', 'https://example.invalid/hook');
    await s.deleteSecret('slackToken');
    expect(JSON.parse(sm.peek(id) ?? '')).toEqual({
      custom: 'kept',
      teamsWebhookUrl: 'https://example.invalid/hook',
    });
  });

  it('keeps a read for the cache TTL, then reads again', async () => {
    const reader = store('team/slack-cache', 30_000);
    const writer = store('team/slack-cache');
    await writer.putSecret('slackToken', 'xoxb-old');
    expect(await reader.getSecret('slackToken')).toBe('xoxb-old');
    await writer.putSecret('slackToken', 'xoxb-new');
    expect(await reader.getSecret('slackToken')).toBe('xoxb-old');
    clock.advance({ seconds: 30 });
    expect(await reader.getSecret('slackToken')).toBe('xoxb-new');
  });

  it('treats a value that is not the expected JSON as no token', async () => {
    expect(await store('team/slack-plain').getSecret('slackToken')).toBeUndefined();
  });

  it('restores a secret scheduled for deletion when a token is saved again', async () => {
    const s = store('team/slack-deleted', 0);
    await s.putSecret('slackToken', 'xoxb-333');
    await client.send(new DeleteSecretCommand({ SecretId: 'team/slack-deleted', RecoveryWindowInDays: 7 }));
    expect(await s.getSecret('slackToken')).toBeUndefined();
    await s.putSecret('slackToken', 'xoxb-444');
    expect(await s.getSecret('slackToken')).toBe('xoxb-444');
  });

  it('refuses to create a secret named by ARN (the stack owns it)', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:team/missing-AbCdEf';
    await expect(store(arn).putSecret('slackToken', 'xoxb-555')).rejects.toThrow(/created with the stack/);
  });

  it('surfaces throttling as ThrottledError and does not cache the failure', async () => {
    const s = store('team/slack-new');
    sm.faults.throttleRate = 1;
    await expect(s.getSecret('slackToken')).rejects.toThrow(ThrottledError);
    await expect(s.putSecret('slackToken', 'xoxb-666')).rejects.toThrow(ThrottledError);
    sm.faults.throttleRate = 0;
    expect(await s.getSecret('slackToken')).toBe('xoxb-111');
  });
});
