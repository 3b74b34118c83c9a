import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AwsServiceError,
  startAwsJsonService,
  type RunningService,
} from '../../../local/common/aws-json-server';

describe('AWS JSON service shell', () => {
  let service: RunningService;
  let client: SSOAdminClient;
  const calls: string[] = [];
  let nextRandom = 1;

  beforeAll(async () => {
    service = await startAwsJsonService({
      targetPrefix: 'SWBExternalService',
      jsonVersion: '1.1',
      random: () => nextRandom,
      onCall: (op, outcome) => calls.push(`${op}:${outcome}`),
      operations: {
        ListInstances: (input) => {
          if (input.MaxResults === 0)
            throw new AwsServiceError('ValidationException', 'MaxResults must be positive');
          return { Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef' }] };
        },
      },
    });
    client = new SSOAdminClient({
      endpoint: service.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await service.stop();
  });

  it('answers the real SDK client', async () => {
    const out = await client.send(new ListInstancesCommand({}));
    expect(out.Instances?.[0]?.InstanceArn).toBe('arn:aws:sso:::instance/ssoins-0123456789abcdef');
  });

  it('returns service errors with the type the SDK names them by', async () => {
    await expect(client.send(new ListInstancesCommand({ MaxResults: 0 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'MaxResults must be positive',
    });
  });

  it('injects throttling and internal errors when the knobs fire', async () => {
    service.faults.throttleRate = 0.5;
    nextRandom = 0.1;
    await expect(client.send(new ListInstancesCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    service.faults.throttleRate = 0;
    service.faults.errorRate = 0.5;
    await expect(client.send(new ListInstancesCommand({}))).rejects.toMatchObject({
      name: 'InternalServerException',
    });
    nextRandom = 0.9;
    await expect(client.send(new ListInstancesCommand({}))).resolves.toBeDefined();
    service.faults.errorRate = 0;
    expect(calls.slice(-3)).toEqual(['ListInstances:error', 'ListInstances:error', 'ListInstances:ok']);
  });

  it('limits faults to the named operations', async () => {
    service.faults.throttleRate = 1;
    service.faults.operations = ['CreateAccountAssignment'];
    nextRandom = 0;
    await expect(client.send(new ListInstancesCommand({}))).resolves.toBeDefined();
    service.faults.throttleRate = 0;
    service.faults.operations = [];
  });
});
