/** The api starting the reconciler function when an admin asks. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaReconcilerTrigger } from '../../../lambdas/adapters/lambda/reconciler-trigger';
import type { ReconciliationRequest } from '../../../lambdas/core/access';

const request: ReconciliationRequest = {
  kind: 'reconcile-now',
  requestedBy: { id: 'admin-1', email: 'erin@example.com' },
  requestedAt: '2026-03-02T09:00:00.000Z',
};

describe('LambdaReconcilerTrigger', () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());
  const trigger = (name: () => string = () => 'team-reconciler') =>
    new LambdaReconcilerTrigger(() => new LambdaClient({ region: 'eu-west-1' }), name);

  it('invokes the reconciler asynchronously with the request as the event', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await trigger().start(request);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'team-reconciler', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(request);
  });

  it('throws when Lambda refuses or answers anything but Accepted', async () => {
    lambda.on(InvokeCommand).rejects(new Error('TooManyRequestsException'));
    await expect(trigger().start(request)).rejects.toThrow('TooManyRequestsException');
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    await expect(trigger().start(request)).rejects.toThrow('Lambda answered HTTP 200');
  });

  it('asks for the function name only when started', async () => {
    const broken = trigger(() => {
      throw new Error('RECONCILER_FUNCTION_NAME is not set');
    });
    await expect(broken.start(request)).rejects.toThrow('RECONCILER_FUNCTION_NAME is not set');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
