import { afterEach, describe, expect, it } from 'vitest';
import {
  createStepFunctionsService,
  ManualClock,
  registerTemplateStateMachines,
  resolveDefinition,
  resolveIntrinsics,
  UnresolvedReferenceError,
  type CfnTemplate,
  type StepFunctionsService,
} from '../../../local/sfn';
import { startFakeDynamoDb, type FakeDynamoDb } from './fakes';

/** Shaped like `cdk synth` output for a LambdaInvoke → DynamoGetItem → child .sync:2 → Wait chain. */
const template: CfnTemplate = {
  Resources: {
    ChildDAB30558: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString:
          '{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"child.$":"$.id"},"End":true}}}',
        RoleArn: { 'Fn::GetAtt': ['ChildRole1E3E0EF5', 'Arn'] },
      },
    },
    Main54E5BC70: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'TEAM-Main',
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"Inv","States":{"Inv":{"Next":"Get","Retry":[{"ErrorEquals":["Lambda.ClientExecutionTimeoutException","Lambda.ServiceException","Lambda.AWSLambdaException","Lambda.SdkClientException"],"IntervalSeconds":2,"MaxAttempts":6,"BackoffRate":2}],"Type":"Task","ResultPath":"$.inv","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::lambda:invoke","Parameters":{"FunctionName":"',
              { 'Fn::GetAtt': ['Fn9270CBC0', 'Arn'] },
              '","Payload.$":"$"}},"Get":{"Next":"Start","Type":"Task","ResultPath":"$.result","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::dynamodb:getItem","Parameters":{"Key":{"id":{"S.$":"$.id"}},"TableName":"',
              { Ref: 'TD925BC7E' },
              '","ConsistentRead":false}},"Start":{"Next":"W","Type":"Task","ResultPath":"$.child","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::states:startExecution.sync:2","Parameters":{"Input.$":"$","StateMachineArn":"',
              { Ref: 'ChildDAB30558' },
              '"}},"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}',
            ],
          ],
        },
        RoleArn: { 'Fn::GetAtt': ['MainRole7304D03B', 'Arn'] },
      },
    },
    Substituted: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Sub': [
            '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}","Parameters":{"table":"${TD925BC7E}","status":"${StatusFn.Arn}","text":"${!literal}","sm":"${!SM}"},"End":true}}}',
            { Fn: 'team-status' },
          ],
        },
        DefinitionSubstitutions: { SM: { Ref: 'ChildDAB30558' } },
      },
    },
  },
};

const refs = {
  Fn9270CBC0: 'team-notify',
  'Fn9270CBC0.Arn': 'arn:aws:lambda:us-east-1:123456789012:function:team-notify',
  TD925BC7E: 'requests-table',
  ChildDAB30558: 'arn:aws:states:us-east-1:123456789012:stateMachine:ChildDAB30558',
  'StatusFn.Arn': 'arn:aws:lambda:us-east-1:123456789012:function:team-status',
};

describe('resolveDefinition', () => {
  it('resolves Fn::Join over Ref / Fn::GetAtt into concrete ASL', () => {
    const definition = resolveDefinition(template, 'Main54E5BC70', refs);
    const states = definition['States'] as Record<string, Record<string, unknown>>;
    expect(states['Inv']?.['Resource']).toBe('arn:aws:states:::lambda:invoke');
    expect(states['Inv']?.['Parameters']).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:team-notify',
      'Payload.$': '$',
    });
    expect(states['Get']?.['Parameters']).toMatchObject({ TableName: 'requests-table' });
    expect(states['Start']?.['Parameters']).toMatchObject({ StateMachineArn: refs.ChildDAB30558 });
  });

  it('resolves Fn::Sub (pseudo parameters, GetAtt, escapes) and DefinitionSubstitutions', () => {
    const definition = resolveDefinition(template, 'Substituted', refs, {
      region: 'eu-west-1',
      accountId: '210987654321',
    });
    const state = (definition['States'] as Record<string, Record<string, unknown>>)['T'];
    expect(state?.['Resource']).toBe('arn:aws:lambda:eu-west-1:210987654321:function:team-status');
    expect(state?.['Parameters']).toEqual({
      table: 'requests-table',
      status: refs['StatusFn.Arn'],
      text: '${literal}',
      sm: refs.ChildDAB30558,
    });
  });

  it('names the logical id it has no value for', () => {
    expect(() =>
      resolveDefinition(template, 'Main54E5BC70', { ...refs, TD925BC7E: undefined } as never),
    ).toThrow(UnresolvedReferenceError);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Nope', 'Arn'] }, {})).toThrow(/Fn::GetAtt Nope.Arn/);
    expect(() => resolveDefinition(template, 'Fn9270CBC0', refs)).toThrow(
      /not an AWS::StepFunctions::StateMachine/,
    );
  });
});

describe('running a synthesized template', () => {
  let dynamo: FakeDynamoDb | undefined;
  let sfn: StepFunctionsService | undefined;

  afterEach(async () => {
    await sfn?.stop();
    await dynamo?.stop();
  });

  it('registers every state machine (cross references filled in) and runs the chain', async () => {
    dynamo = await startFakeDynamoDb();
    dynamo.tables.set(
      'requests-table',
      new Map([[JSON.stringify([['id', { S: 'r1' }]]), { id: { S: 'r1' }, status: { S: 'approved' } }]]),
    );
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    sfn = createStepFunctionsService({
      clock,
      lambdas: { 'team-notify': (event: { id: string }) => ({ notified: event.id }) },
      aws: { endpoints: { dynamodb: dynamo.url } },
    });
    const { ChildDAB30558: _child, ...withoutChild } = refs;
    const arns = registerTemplateStateMachines(sfn, { Resources: { ...template.Resources } }, withoutChild);
    expect(arns['Main54E5BC70']).toBe(sfn.stateMachineArn('TEAM-Main'));
    expect(arns['ChildDAB30558']).toBe(sfn.stateMachineArn('ChildDAB30558'));

    const { executionArn } = sfn.startExecution({
      stateMachineArn: arns['Main54E5BC70'] ?? '',
      input: { id: 'r1', s: 3600 },
    });
    await clock.advance(3_600_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as {
      inv: { Payload: unknown };
      result: { Item: unknown };
      child: { Output: unknown };
    };
    expect(output.inv.Payload).toEqual({ notified: 'r1' });
    expect(output.result.Item).toEqual({ id: { S: 'r1' }, status: { S: 'approved' } });
    expect(output.child.Output).toEqual({ child: 'r1' });
  });
});
