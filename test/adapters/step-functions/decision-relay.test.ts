/**
 * The api's direct resume after a decision: it signals the token stored on the request only while
 * the request is still as the decision left it, and never fails the decision.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestRepository } from '../../../lambdas/adapters/dynamodb/requests';
import { StoredTokenDecisionRelay } from '../../../lambdas/adapters/step-functions/decision-relay';
import type { RequestWorkflow } from '../../../lambdas/core/ports';
import type { AccessRequest, RequestStatus } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();

describe('StoredTokenDecisionRelay', () => {
  let repo: DynamoRequestRepository;
  let table: string;
  beforeAll(async () => {
    const t = await dynamo.freshTables();
    table = t.Requests;
    repo = new DynamoRequestRepository(dynamo.doc, {
      requests: t.Requests,
      approvers: t.RequestApprovers,
      events: t.AuditEvents,
    });
  });

  function relay(fail?: Error) {
    const signalled: { id: string; token?: string; status: RequestStatus }[] = [];
    const warnings: string[] = [];
    const workflow: Pick<RequestWorkflow, 'signal'> = {
      signal: async (r, status) => {
        if (fail) throw fail;
        signalled.push({ id: r.id, ...(r.workflowToken ? { token: r.workflowToken } : {}), status });
      },
    };
    const log = { info: () => undefined, warn: (message: string) => void warnings.push(message) };
    return { relay: new StoredTokenDecisionRelay(dynamo.doc, table, workflow, log), signalled, warnings };
  }

  /** A stored request as a decision left it, with the token of the wait it ends (if any). */
  async function decided(status: RequestStatus, token?: string): Promise<AccessRequest> {
    const request = aRequest({ status, version: 2 });
    await repo.create(request, {
      requestId: request.id,
      id: `${request.createdAt}#v000002`,
      at: request.createdAt,
      action: 'approved',
      actor: 'system',
    });
    if (token !== undefined) {
      await dynamo.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { id: request.id },
          UpdateExpression: 'SET workflowToken = :t',
          ExpressionAttributeValues: { ':t': token },
        }),
      );
    }
    return request;
  }

  it('resumes the stored wait with the decided status', async () => {
    const r = relay();
    const request = await decided('approved', 'token-pending');
    await r.relay.resume(request);
    expect(r.signalled).toEqual([{ id: request.id, token: 'token-pending', status: 'approved' }]);
  });

  it('leaves a request that moved on since the decision to the router (its token is a later wait’s)', async () => {
    const r = relay();
    const request = await decided('approved', 'token-of-the-start-wait');
    await r.relay.resume({ ...request, version: request.version - 1 });
    await r.relay.resume({ ...request, status: 'rejected' });
    expect(r.signalled).toEqual([]);
  });

  it('does nothing without a stored wait, or for a request that is not there', async () => {
    const r = relay();
    await r.relay.resume(await decided('cancelled'));
    await r.relay.resume({ id: 'missing', status: 'approved', version: 2 });
    expect(r.signalled).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('never fails the decision: a failed signal is logged and left to the router', async () => {
    const r = relay(new Error('Step Functions is unreachable'));
    const request = await decided('revoked', 'token-end-wait');
    await expect(r.relay.resume(request)).resolves.toBeUndefined();
    expect(r.warnings).toEqual(['Could not resume the workflow after the decision; the stream router will']);
  });
});
