import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DynamoSessionQueryRepository } from '../../../lambdas/adapters/dynamodb/session-queries';
import {
  CloudTrailLakeSessionLogProvider,
  createSessionLogProvider,
  SessionLogConfigError,
  sessionLogProviderConfigFromEnv,
} from '../../../lambdas/adapters/session-logs';
import type { AthenaSessionLogProvider } from '../../../lambdas/adapters/session-logs';
import type { SessionLogProvider, SessionLogQueryStore } from '../../../lambdas/core/session-logs';
import { ENV } from '../../../lambdas/contract/env';

const EDS = 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607';

describe('session-log provider configuration', () => {
  it('the DynamoDB query-state repository is a SessionLogQueryStore', () => {
    expectTypeOf<DynamoSessionQueryRepository>().toExtend<SessionLogQueryStore>();
    const store: SessionLogQueryStore = new DynamoSessionQueryRepository({} as DynamoDBDocumentClient, 'T', {
      now: () => new Date(),
    });
    expect(typeof store.get).toBe('function');
  });

  it('both providers are SessionLogProviders', () => {
    expectTypeOf<CloudTrailLakeSessionLogProvider>().toExtend<SessionLogProvider>();
    expectTypeOf<AthenaSessionLogProvider>().toExtend<SessionLogProvider>();
  });

  it('reads no provider by default', () => {
    expect(sessionLogProviderConfigFromEnv({})).toEqual({ type: 'none' });
    expect(createSessionLogProvider({ type: 'none' })).toBeUndefined();
  });

  it('builds the CloudTrail Lake provider from the event data store ARN', () => {
    const config = sessionLogProviderConfigFromEnv({
      AWS_REGION: 'eu-west-1',
      [ENV.sessionLogProvider]: 'cloudtrail-lake',
      [ENV.eventDataStoreArn]: EDS,
    });
    expect(config).toEqual({ type: 'cloudtrail-lake', region: 'eu-west-1', eventDataStore: EDS });
    const provider = createSessionLogProvider(config);
    expect(provider).toBeInstanceOf(CloudTrailLakeSessionLogProvider);
    expect(provider?.name).toBe('cloudtrail-lake');
  });

  it('builds the Athena provider from the workgroup, database and table', () => {
    const config = sessionLogProviderConfigFromEnv({
      AWS_DEFAULT_REGION: 'us-east-1',
      [ENV.sessionLogProvider]: 'athena',
      [ENV.athenaWorkgroup]: 'team-prod',
      [ENV.athenaDatabase]: 'team_prod_audit',
      [ENV.athenaTable]: 'cloudtrail_events',
    });
    expect(config).toEqual({
      type: 'athena',
      region: 'us-east-1',
      workGroup: 'team-prod',
      database: 'team_prod_audit',
      table: 'cloudtrail_events',
    });
    expect(createSessionLogProvider(config)?.name).toBe('athena');
  });

  it.each([
    [{ [ENV.sessionLogProvider]: 'cloudtrail-lake', AWS_REGION: 'eu-west-1' }, ENV.eventDataStoreArn],
    [
      {
        [ENV.sessionLogProvider]: 'cloudtrail-lake',
        AWS_REGION: 'eu-west-1',
        [ENV.eventDataStoreArn]: 'x y',
      },
      ENV.eventDataStoreArn,
    ],
    [{ [ENV.sessionLogProvider]: 'athena', AWS_REGION: 'eu-west-1' }, ENV.athenaWorkgroup],
    [{ [ENV.sessionLogProvider]: 'cloudtrail-lake', [ENV.eventDataStoreArn]: EDS }, 'AWS_DEFAULT_REGION'],
    [{ [ENV.sessionLogProvider]: 'splunk' }, ENV.sessionLogProvider],
  ])('fails naming the variable (%o)', (env, variable) => {
    expect(() => sessionLogProviderConfigFromEnv(env)).toThrow(SessionLogConfigError);
    expect(() => sessionLogProviderConfigFromEnv(env)).toThrow(variable);
  });

  it('refuses a bad Athena table name when building', () => {
    expect(() =>
      createSessionLogProvider({
        type: 'athena',
        region: 'eu-west-1',
        workGroup: 'w',
        database: 'db"; --',
        table: 't',
      }),
    ).toThrow(/database/);
  });
});
