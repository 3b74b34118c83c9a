import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecretsManager, type RunningSecretsManager } from '../../../local/secrets/secrets-manager';

describe('local Secrets Manager through @aws-sdk/client-secrets-manager', () => {
  let sm: RunningSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    sm = await startSecretsManager({ secrets: [{ name: 'seeded/secret', value: 'seed-value' }] });
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

  it('round-trips the Slack token through versions, by name and by ARN', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'team/slack-bot-token',
        SecretString: 'xoxb-first',
        Description: 'TEAM Slack bot',
      }),
    );
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:team\/slack-bot-token-[A-Za-z0-9]{6}$/,
    );
    const arn = created.ARN as string;

    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'team/slack-bot-token' }));
    expect(byName).toMatchObject({ SecretString: 'xoxb-first', VersionStages: ['AWSCURRENT'], ARN: arn });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe('xoxb-first');
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }))).SecretString).toBe(
      'xoxb-first',
    );

    const put = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'xoxb-second' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe(
      'xoxb-second',
    );
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'xoxb-first', VersionId: created.VersionId });

    await client.send(
      new UpdateSecretCommand({ SecretId: arn, SecretString: 'xoxb-third', Description: 'rotated' }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'team/slack-bot-token' }));
    expect(described.Description).toBe('rotated');
    expect(Object.values(described.VersionIdsToStages ?? {}).sort()).toEqual([
      ['AWSCURRENT'],
      ['AWSPREVIOUS'],
    ]);
    expect(described.VersionIdsToStages?.[put.VersionId as string]).toEqual(['AWSPREVIOUS']);
    expect(sm.peek('team/slack-bot-token')).toBe('xoxb-third');

    const listed = await client.send(new ListSecretsCommand({}));
    expect(listed.SecretList?.map((s) => s.Name).sort()).toEqual(['seeded/secret', 'team/slack-bot-token']);
  });

  it('keeps versions immutable and binary values intact', async () => {
    const token = crypto.randomUUID();
    await client.send(
      new CreateSecretCommand({
        Name: 'binary',
        SecretBinary: new Uint8Array([1, 2, 3]),
        ClientRequestToken: token,
      }),
    );
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'binary' }));
    expect(got.VersionId).toBe(token);
    expect([...(got.SecretBinary ?? [])]).toEqual([1, 2, 3]);
    // The same token with the same value is an idempotent retry; with another value it is refused.
    await client.send(
      new PutSecretValueCommand({
        SecretId: 'binary',
        SecretBinary: new Uint8Array([1, 2, 3]),
        ClientRequestToken: token,
      }),
    );
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: 'binary', SecretString: 'other', ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('answers missing, duplicate and deleted secrets like the real service', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(new CreateSecretCommand({ Name: 'seeded/secret', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(
      client.send(
        new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1]) }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: 'seeded/secret', RecoveryWindowInDays: 7 }),
    );
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    await expect(
      client.send(new GetSecretValueCommand({ SecretId: 'seeded/secret' })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    expect(
      (await client.send(new DescribeSecretCommand({ SecretId: 'seeded/secret' }))).DeletedDate,
    ).toBeInstanceOf(Date);
    await client.send(new RestoreSecretCommand({ SecretId: 'seeded/secret' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'seeded/secret' }))).SecretString).toBe(
      'seed-value',
    );

    await client.send(
      new DeleteSecretCommand({ SecretId: 'seeded/secret', ForceDeleteWithoutRecovery: true }),
    );
    await expect(
      client.send(new DescribeSecretCommand({ SecretId: 'seeded/secret' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new DeleteSecretCommand({ SecretId: 'binary', RecoveryWindowInDays: 3 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
