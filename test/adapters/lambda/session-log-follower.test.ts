/** The api's hand-over of a started session-log query to the session-logs function. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { LambdaSessionLogFollower } from '../../../lambdas/adapters/lambda/session-log-follower';

describe('LambdaSessionLogFollower', () => {
  it('the api hands a started query to the session-logs function as an asynchronous invocation', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const follower = new LambdaSessionLogFollower(new LambdaClient({ region: 'eu-west-1' }), 'team-logs', {
      warn: () => undefined,
    });
    await follower.dispatch({ requestId: 'req-1', queryId: 'q-1' });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'team-logs', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      requestId: 'req-1',
      queryId: 'q-1',
    });
    lambda.restore();
  });

  it('a failed hand-over is logged, not thrown: the query still runs and can be polled', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).rejects(new Error('AccessDeniedException'));
    const warnings: unknown[] = [];
    const follower = new LambdaSessionLogFollower(new LambdaClient({ region: 'eu-west-1' }), 'team-logs', {
      warn: (...args: unknown[]) => void warnings.push(args),
    });
    await expect(follower.dispatch({ requestId: 'req-1', queryId: 'q-1' })).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    lambda.restore();
  });
});
