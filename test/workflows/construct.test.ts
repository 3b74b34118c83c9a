import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { RequestWorkflowStateMachine, type StateMachineHost } from '../../lib/request-workflow';

/** The construct on its own (a small stack): what it deploys besides the definition. */
function build(options: { host?: boolean; key?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Tasks', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const table = new dynamodb.Table(stack, 'Requests', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    ...(options.key
      ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: new kms.Key(stack, 'Key') }
      : {}),
  });
  const added: { id: string; options: unknown }[] = [];
  const host: StateMachineHost = {
    addStateMachine(id, definitionBody, addOptions) {
      added.push({ id, options: addOptions });
      return new sfn.StateMachine(stack, `Hosted${id}`, { definitionBody });
    },
  };
  const workflow = new RequestWorkflowStateMachine(stack, 'Workflow', {
    tasksFunction: fn,
    requestsTable: table,
    pollInterval: Duration.seconds(5),
    ...(options.host ? { workflows: host } : { stateMachineName: 'team-request-workflow' }),
  });
  return { stack, workflow, template: Template.fromStack(stack), added };
}

describe('RequestWorkflowStateMachine', () => {
  it('on its own: one standard state machine with X-Ray and logs without execution data', () => {
    const { template } = build();
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'team-request-workflow',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('may invoke the tasks function and update the requests table, nothing else of them', () => {
    const { template, stack } = build();
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const resolved = stack.resolve(statements) as { Action: string | string[]; Resource: unknown }[];
    const dynamo = resolved.filter((s) => JSON.stringify(s.Action).includes('dynamodb'));
    expect(dynamo).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Requests/), 'Arn'] },
      }),
    ]);
    const invoke = resolved.filter((s) => JSON.stringify(s.Action).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toMatch(/Tasks/);
  });

  it('can use the customer-managed key of an encrypted requests table', () => {
    const { template } = build({ key: true });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('kms:Decrypt');
    expect(policies).toContain('kms:Encrypt');
  });

  it('through TeamWorkflows: added as "Lifecycle" (its deployed id) with the router’s ARN variable', () => {
    const { added, workflow } = build({ host: true });
    expect(added).toEqual([
      { id: 'Lifecycle', options: { arnEnvironmentVariable: 'WORKFLOW_STATE_MACHINE_ARN' } },
    ]);
    expect(workflow.stateMachine).toBeDefined();
  });

  it('acknowledges only the function-version wildcard it needs', () => {
    const { workflow } = build();
    const acknowledged = workflow.stateMachine.role.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acknowledged).toEqual([expect.stringMatching(/AwsSolutions-IAM5\[Resource::<Tasks.*\.Arn>:\*\]/)]);
  });
});
