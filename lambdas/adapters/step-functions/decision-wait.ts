/**
 * The workflow's wait for a decision (core `DecisionWait`): the task token goes on the request
 * item in `workflowToken` — the attribute the router reads from the stream to resume the wait —
 * only while the request is still pending; releasing it is a SendTaskSuccess.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DecisionWait } from '../../core/access';
import { isConditionFailure } from '../dynamodb/common';
import type { StepFunctionsAdapter } from './client';

export class RequestItemDecisionWait implements DecisionWait {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly requestsTable: string,
    private readonly sfn: Pick<StepFunctionsAdapter, 'sendTaskSuccess'>,
  ) {}

  async hold(requestId: string, token: string): Promise<boolean> {
    try {
      // Leaves `version` alone, as the state machine's own waits do: no status changes.
      await this.db.send(
        new UpdateCommand({
          TableName: this.requestsTable,
          Key: { id: requestId },
          UpdateExpression: 'SET #token = :token',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
          ExpressionAttributeValues: { ':token': token, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(_requestId: string, token: string): Promise<void> {
    // A wait that is already over (timed out, or the execution stopped) needs no release.
    await this.sfn.sendTaskSuccess(token, { released: true });
  }
}
