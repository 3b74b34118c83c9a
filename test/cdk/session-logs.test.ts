/**
 * Who may do what with session logs: the api starts queries and reads their rows, and may
 * invoke the session-logs function; that function looks at a query's state, stores it and
 * publishes it, and on its schedule runs the queries of the session summaries (session review)
 * with the same grants as the api's. Each synthesis runs cdk-nag (a finding fails it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract/env';
import { type FunctionName } from '../../lib/function';
import { logicalIdOf, roleStatements, synthTeam, type Synthesized } from './support';

const ATHENA = {
  type: 'athena',
  trailBucketName: 'org-trail',
  organizationId: 'o-abcdefghij',
  trailKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/0000-1111',
} as const;

function helpers(synth: Synthesized) {
  const { template, stack } = synth;
  const statementsOf = (fn: FunctionName) => roleStatements(template, logicalIdOf(stack.functions[fn].role));
  const actionsOf = (fn: FunctionName, service: string) =>
    statementsOf(fn)
      .flatMap((s) => s.actions)
      .filter((a) => a.startsWith(`${service}:`))
      .sort();
  const resourcesOf = (fn: FunctionName, action: string) =>
    statementsOf(fn)
      .filter((s) => s.actions.includes(action))
      .flatMap((s) => s.resources);
  const fnProps = (fn: FunctionName) =>
    (
      template.toJSON().Resources as Record<
        string,
        { Properties: { Environment: { Variables: Record<string, unknown> }; Timeout: number } }
      >
    )[logicalIdOf(stack.functions[fn].function)]!.Properties;
  return { statementsOf, actionsOf, resourcesOf, fnProps };
}

const OTHERS: FunctionName[] = ['router', 'preToken', 'reconciler', 'workflowTasks'];

describe('session-log grants: CloudTrail Lake', () => {
  const synth = synthTeam({ sessionLogs: { type: 'cloudtrail-lake', create: {} } });
  afterAll(() => synth.cleanup());
  const { actionsOf, resourcesOf, fnProps } = helpers(synth);
  const eds = () =>
    `<${logicalIdOf(synth.stack.auditLogs.node.findChild('EventDataStore'))}.EventDataStoreArn>`;

  it('the api starts, looks at and reads queries of the event data store only', () => {
    expect(actionsOf('api', 'cloudtrail')).toEqual([
      'cloudtrail:DescribeQuery',
      'cloudtrail:GetQueryResults',
      'cloudtrail:StartQuery',
    ]);
    for (const action of actionsOf('api', 'cloudtrail')) expect(resourcesOf('api', action)).toEqual([eds()]);
    expect(fnProps('api').Environment.Variables).toMatchObject({
      [ENV.sessionLogProvider]: 'cloudtrail-lake',
      [ENV.eventDataStoreArn]: { 'Fn::GetAtt': [expect.any(String), 'EventDataStoreArn'] },
    });
  });

  it('the api hands queries to the session-logs function and invokes nothing else but the reconciler', () => {
    const target = `<${logicalIdOf(synth.stack.functions.sessionLogs.function)}.Arn>`;
    // The reconciler: an admin's reconcileNow (test/cdk/iam.test.ts).
    const reconciler = `<${logicalIdOf(synth.stack.functions.reconciler.function)}.Arn>`;
    expect([...new Set(actionsOf('api', 'lambda'))]).toEqual(['lambda:InvokeFunction']);
    expect(resourcesOf('api', 'lambda:InvokeFunction').sort()).toEqual([target, reconciler].sort());
    expect(fnProps('api').Environment.Variables[ENV.sessionLogsFunctionName]).toEqual({
      Ref: logicalIdOf(synth.stack.functions.sessionLogs.function),
    });
  });

  it('the session-logs function queries the event data store only (the summaries), and publishes states', () => {
    expect(actionsOf('sessionLogs', 'cloudtrail')).toEqual([
      'cloudtrail:DescribeQuery',
      'cloudtrail:GetQueryResults',
      'cloudtrail:StartQuery',
    ]);
    for (const action of actionsOf('sessionLogs', 'cloudtrail'))
      expect(resourcesOf('sessionLogs', action)).toEqual([eds()]);
    expect(actionsOf('sessionLogs', 'appsync')).toEqual(['appsync:GraphQL']);
    expect(resourcesOf('sessionLogs', 'appsync:GraphQL')).toEqual([
      expect.stringMatching(/\/types\/Mutation\/fields\/publishSessionLogQuery$/),
    ]);
    for (const service of ['athena', 's3', 'glue', 'lambda', 'identitystore', 'sso'])
      expect(actionsOf('sessionLogs', service), service).toEqual([]);
    expect(fnProps('sessionLogs').Environment.Variables).toMatchObject({
      [ENV.sessionLogProvider]: 'cloudtrail-lake',
      [ENV.graphqlUrl]: expect.anything(),
    });
  });

  it('lives long enough to follow a query for ten minutes and store the last state', () => {
    expect(fnProps('sessionLogs').Timeout).toBeGreaterThanOrEqual(10 * 60 + 20);
    expect(fnProps('sessionLogs').Timeout).toBeLessThanOrEqual(15 * 60);
  });

  it('no other function touches session logs', () => {
    for (const fn of OTHERS) {
      for (const service of ['cloudtrail', 'athena', 'glue']) expect(actionsOf(fn, service), fn).toEqual([]);
    }
  });
});

describe('session-log grants: Athena over the organization trail', () => {
  const synth = synthTeam({ region: 'eu-west-1', sessionLogs: ATHENA });
  afterAll(() => synth.cleanup());
  const { actionsOf, resourcesOf } = helpers(synth);
  const results = () => `<${logicalIdOf(synth.stack.auditLogs.resultsBucket!)}.Arn>/results/*`;

  it('the api runs queries in the TEAM workgroup over the Glue table and the trail objects', () => {
    expect(actionsOf('api', 'athena')).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
    ]);
    expect(resourcesOf('api', 'athena:StartQueryExecution')).toEqual([
      expect.stringMatching(/:athena:eu-west-1:<AWS::AccountId>:workgroup\/team-demo$/),
    ]);
    expect(actionsOf('api', 'glue')).toEqual(['glue:GetDatabase', 'glue:GetTable']);
    expect(resourcesOf('api', 'glue:GetTable').join(' ')).toContain(
      'table/team_demo_audit/cloudtrail_events',
    );
    const objects = resourcesOf('api', 's3:GetObject');
    expect(objects).toContain('arn:<AWS::Partition>:s3:::org-trail/AWSLogs/o-abcdefghij/*');
    expect(objects).toContain(results());
    expect(resourcesOf('api', 's3:PutObject')).toEqual([results()]);
    expect(resourcesOf('api', 'kms:Decrypt')).toEqual([ATHENA.trailKmsKeyArn]);
  });

  it('the session-logs function runs the summaries’ queries with exactly the api’s query grants', () => {
    for (const service of ['athena', 'glue', 's3', 'kms']) {
      expect(actionsOf('sessionLogs', service), service).toEqual(actionsOf('api', service));
      for (const action of actionsOf('api', service))
        expect(resourcesOf('sessionLogs', action).sort(), action).toEqual(resourcesOf('api', action).sort());
    }
    expect(actionsOf('sessionLogs', 'cloudtrail')).toEqual([]);
  });
});

describe('session-log grants: none', () => {
  const synth = synthTeam({ sessionLogs: { type: 'none' } });
  afterAll(() => synth.cleanup());
  const { actionsOf, fnProps } = helpers(synth);

  it('grants no provider access to anyone and tells the api the feature is off', () => {
    for (const fn of ['api', 'sessionLogs', ...OTHERS] as FunctionName[]) {
      for (const service of ['cloudtrail', 'athena', 'glue']) expect(actionsOf(fn, service), fn).toEqual([]);
    }
    expect(fnProps('api').Environment.Variables[ENV.sessionLogProvider]).toBe('none');
  });
});
