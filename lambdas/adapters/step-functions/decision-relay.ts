/**
 * The DecisionRelay port (see its comment): reads the wait token stored on the request, only
 * while the request is still as the decision left it, and resumes that wait the way the router
 * does. Failures are logged and left to the router.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DecisionRelay, RequestWorkflow } from '../../core/ports';
import type { AccessRequest } from '../../core/types';
import type { WorkflowLog } from './request-workflow';

export class StoredTokenDecisionRelay implements DecisionRelay {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly requestsTable: string,
    private readonly workflow: Pick<RequestWorkflow, 'signal'>,
    private readonly log: WorkflowLog,
  ) {}

  async resume(decided: Pick<AccessRequest, 'id' | 'status' | 'version'>): Promise<void> {
    try {
      const { Item: item } = await this.db.send(
        new GetCommand({
          TableName: this.requestsTable,
          Key: { id: decided.id },
          ProjectionExpression: '#status, #version, #token',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#token': 'workflowToken' },
          ConsistentRead: true,
        }),
      );
      // Moved on since the decision (the router resumed the wait and the workflow acted): the
      // token there now belongs to a later wait.
      if (item?.status !== decided.status || item.version !== decided.version) return;
      const token = item.workflowToken;
      if (typeof token !== 'string' || token === '') return;
      await this.workflow.signal({ id: decided.id, workflowToken: token }, decided.status);
    } catch (error) {
      this.log.warn('Could not resume the workflow after the decision; the stream router will', {
        requestId: decided.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
