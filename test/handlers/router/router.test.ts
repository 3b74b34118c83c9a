/**
 * The router: the Requests stream (DynamoDB Local → poller → the real router handler) drives a
 * request workflow in the local Step Functions runner and publishes realtime hints through
 * the AppSync emulator (SigV4, IAM-only mutation) to subscribers, here the real aws-amplify v6
 * client. Records delivered twice are harmless.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { decodeJWT } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePublisher, RequestChangeEvent, RequestWorkflow } from '../../../lambdas/core/ports';
import type { RequestStatus } from '../../../lambdas/core/types';
import { makeRouterHandler } from '../../../lambdas/handlers/router';
import { marshall } from '@aws-sdk/util-dynamodb';
import { toItem } from '../../../lambdas/adapters/dynamodb/requests';
import { makeDashboardRecorder } from '../../../lambdas/core/dashboard';
import { aRequest } from '../../builders';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { hostOf, installNodeRealtimeShim } from '../../../local/appsync';
import { LOCAL_CLIENT_ID } from '../../../local/backend';
import { PERSONAS, useLocalCloud, type Persona } from '../../support/local-cloud';
import { APPROVE, createRequestAs, fieldOf } from '../fixtures';

const cloud = useLocalCloud();
/** The router as the local cloud runs it: over the router's composition, started workflow and all. */
const routerHandler = makeRouterHandler({ deps: () => cloud.backend.router });

/**
 * A stand-in for the request workflow: its one wait stores the task token on the request the way the
 * contract of `RequestWorkflow` says (conditional on the status, bumping `version`), then
 * ends with whatever the router sent.
 */
function workflowDefinition(requestsTable: string) {
  return {
    StartAt: 'WaitForDecision',
    States: {
      WaitForDecision: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken',
        Parameters: {
          TableName: requestsTable,
          Key: { id: { 'S.$': '$.requestId' } },
          UpdateExpression: 'SET workflowToken = :token, #version = #version + :one',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: {
            ':token': { 'S.$': '$$.Task.Token' },
            ':one': { N: '1' },
            ':pending': { S: 'pending' },
          },
        },
        ResultPath: '$.decision',
        TimeoutSeconds: 86_400,
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  };
}

let workflowArn = '';

beforeAll(() => {
  workflowArn = cloud.backend.registerStateMachine(
    'team-request-workflow-test',
    workflowDefinition(cloud.backend.tables.Requests),
    {
      requestWorkflow: true,
    },
  );
});

async function rawItem(id: string): Promise<Record<string, AttributeValue>> {
  const out = await cloud.backend.dynamo.client.send(
    new GetItemCommand({
      TableName: cloud.backend.tables.Requests,
      Key: { id: { S: id } },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) throw new Error(`No request ${id}`);
  // The SDK's and Lambda's attribute value types differ only for binaries, which requests lack.
  return JSON.parse(JSON.stringify(out.Item)) as Record<string, AttributeValue>;
}

function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  newImage: Record<string, AttributeValue> | undefined,
  oldImage?: Record<string, AttributeValue>,
): DynamoDBRecord {
  const image = newImage ?? oldImage;
  return {
    eventID: `${eventName}-${Math.random().toString(36).slice(2)}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: { id: image?.['id'] ?? { S: 'x' } },
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: String(Date.now()),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/team-Requests/stream/local',
  };
}

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

function executionsNamed(name: string) {
  return cloud.backend.stepFunctions
    .listExecutions({ stateMachineArn: workflowArn })
    .executions.filter((e) => e.name === name);
}

async function history(executionArn: string): Promise<string[]> {
  const out = await cloud.backend.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000 });
  return out.events.map((e) => e.type);
}

describe('the request workflow, driven by the stream', () => {
  it('an INSERT starts exactly one execution, even when the record is delivered twice', async () => {
    const id = await createRequestAs(cloud, 'requester');
    await cloud.backend.settle();
    const [execution, ...more] = executionsNamed(id);
    expect(more).toEqual([]);
    expect(execution).toMatchObject({ status: 'RUNNING' });
    await expect.poll(async () => (await rawItem(id))['workflowToken']?.S).toBeTruthy();

    const insert = streamRecord('INSERT', await rawItem(id));
    expect(await routerHandler(batch(insert, insert))).toEqual({ batchItemFailures: [] });
    expect(await routerHandler(batch(insert))).toEqual({ batchItemFailures: [] });
    expect(executionsNamed(id)).toEqual([execution]);
  });

  it('a decision resumes the stored wait once; a repeated record finds it already resumed', async () => {
    const id = await createRequestAs(cloud, 'requester');
    await cloud.backend.settle();
    await expect.poll(async () => (await rawItem(id))['workflowToken']?.S).toBeTruthy();
    const pending = await rawItem(id);

    fieldOf(
      await cloud.call('approver', APPROVE, { input: { requestId: id, comment: 'fine' } }),
      'approveRequest',
    );
    await cloud.backend.settle();
    const [execution] = executionsNamed(id);
    if (!execution) throw new Error('no execution');
    const done = await cloud.backend.stepFunctions.waitFor(execution.executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({
      requestId: id,
      waitSeconds: expect.any(Number),
      decision: { status: 'approved' },
    });

    const approved = await rawItem(id);
    expect(approved['workflowToken']).toEqual(pending['workflowToken']);
    const modify = streamRecord('MODIFY', approved, pending);
    expect(await routerHandler(batch(modify, modify))).toEqual({ batchItemFailures: [] });
    expect((await history(execution.executionArn)).filter((t) => t === 'TaskSucceeded')).toHaveLength(1);
  });
});

describe('what the router acts on', () => {
  /** A router over recording ports (no AWS): what it starts, signals and publishes. */
  function recordingRouter() {
    const started: string[] = [];
    const signalled: { id: string; token?: string; status: RequestStatus }[] = [];
    const published: RequestChangeEvent[] = [];
    const workflow: RequestWorkflow = {
      start: async (r) => void started.push(r.id),
      signal: async (r, status) =>
        void signalled.push({ id: r.id, ...(r.workflowToken ? { token: r.workflowToken } : {}), status }),
    };
    const realtime: RealtimePublisher = { publishRequestChange: async (e) => void published.push(e) };
    return {
      handler: makeRouterHandler({ deps: () => ({ workflow, realtime }) }),
      started,
      signalled,
      published,
    };
  }

  const image = (
    status: string,
    extra: Record<string, AttributeValue> = {},
  ): Record<string, AttributeValue> => ({
    id: { S: 'req-1' },
    status: { S: status },
    createdAt: { S: '2026-11-21T09:00:00.000Z' },
    updatedAt: { S: '2026-11-21T10:00:00.000Z' },
    requester: { M: { id: { S: 'user-requester' }, email: { S: 'r@example.com' } } },
    approvers: {
      L: [{ M: { id: { S: 'user-a' } } }, { M: { id: { S: 'user-b' } } }, { M: { id: { S: 'user-a' } } }],
    },
    ...extra,
  });

  it('starts on INSERT, signals people’s decisions with the stored token, leaves the rest to the workflow', async () => {
    const r = recordingRouter();
    const token = { workflowToken: { S: 'token-1' } };
    const result = await r.handler(
      batch(
        streamRecord('INSERT', image('pending')),
        streamRecord('MODIFY', image('pending', token), image('pending')), // the token write: no change
        streamRecord('MODIFY', image('approved', token), image('pending', token)),
        streamRecord('MODIFY', image('scheduled'), image('approved')), // the workflow's own step
        streamRecord('MODIFY', image('revoked', token), image('scheduled', token)),
        streamRecord('REMOVE', undefined, image('revoked')),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(r.started).toEqual(['req-1']);
    expect(r.signalled).toEqual([
      { id: 'req-1', token: 'token-1', status: 'approved' },
      { id: 'req-1', token: 'token-1', status: 'revoked' },
    ]);
    // One publish per change it acts on, for the requester's, each approver's (once) and the
    // audit channel; the workflow publishes its own (scheduled) itself.
    expect(r.published).toEqual(
      ['pending', 'approved', 'revoked'].map((status) => ({
        channels: ['user-requester', 'user-a', 'user-b', 'AUDIT'],
        requestId: 'req-1',
        status,
        updatedAt: '2026-11-21T10:00:00.000Z',
      })),
    );
  });

  it('leaves history imported from the original TEAM alone: no workflow, no realtime hint', async () => {
    const r = recordingRouter();
    const imported = { importedFrom: { S: 'original-team' } };
    const result = await r.handler(batch(streamRecord('INSERT', image('ended', imported))));
    expect(result).toEqual({ batchItemFailures: [] });
    expect({ started: r.started, signalled: r.signalled, published: r.published }).toEqual({
      started: [],
      signalled: [],
      published: [],
    });
  });

  it('counts a new request and a decision for the dashboard once, even when a record comes twice', async () => {
    const aggregates = new InMemoryAggregateStore();
    const dashboard = makeDashboardRecorder({ aggregates, clock: { now: () => new Date() } });
    const workflow: RequestWorkflow = { start: async () => undefined, signal: async () => undefined };
    const realtime: RealtimePublisher = { publishRequestChange: async () => undefined };
    const handler = makeRouterHandler({ deps: () => ({ workflow, realtime, dashboard }) });
    const pending = aRequest({ id: 'req-count', createdAt: '2026-11-21T09:00:00.000Z' });
    const approved = {
      ...pending,
      status: 'approved' as const,
      decidedBy: { id: 'user-a', email: 'a@example.com', name: 'Ann' },
      decidedAt: '2026-11-21T09:03:00.000Z',
    };
    const item = (r: typeof pending) =>
      marshall(toItem(r), { removeUndefinedValues: true }) as Record<string, AttributeValue>;
    const created = streamRecord('INSERT', item(pending));
    const decided = streamRecord('MODIFY', item(approved), item(pending));
    await handler(batch(created, decided));
    await handler(batch(created, decided)); // redelivered after a partial failure
    expect(await aggregates.appliedEvents('req-count')).toEqual(new Set(['created', 'decided']));
    const [day] = await aggregates.readDays('2026-11-21', '2026-11-21');
    expect(day?.counts).toEqual({ created: 1, approved: 1 });
  });

  it('reports a malformed record as failed and goes on with the others', async () => {
    const r = recordingRouter();
    const bad = streamRecord('INSERT', { id: { S: 'req-2' } });
    const result = await r.handler(batch(bad, streamRecord('INSERT', image('pending'))));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }] });
    expect(r.started).toEqual(['req-1']);
  });
});

describe('realtime hints reach the right subscribers (aws-amplify v6)', () => {
  let uninstall: (() => void) | undefined;
  let current: { idToken: string; accessToken: string } | undefined;

  beforeAll(() => {
    const { urls, auth } = cloud.backend;
    uninstall = installNodeRealtimeShim([hostOf(urls.graphql), hostOf(urls.auth)]);
    Amplify.configure(
      {
        Auth: { Cognito: { userPoolId: auth.userPoolId, userPoolClientId: LOCAL_CLIENT_ID } },
        API: { GraphQL: { endpoint: urls.graphql, region: 'us-east-1', defaultAuthMode: 'userPool' } },
      },
      {
        Auth: {
          tokenProvider: {
            getTokens: async () =>
              current
                ? { idToken: decodeJWT(current.idToken), accessToken: decodeJWT(current.accessToken) }
                : null,
          },
        },
      },
    );
  });
  afterAll(() => uninstall?.());

  const signInAs = async (persona: Persona) => {
    const tokens = await cloud.backend.tokensFor(PERSONAS[persona]);
    current = { idToken: tokens.idToken, accessToken: tokens.accessToken };
  };

  type Change = { channel: string | null; channels: string[]; requestId: string; status: string };
  const SUBSCRIBE =
    'subscription On($c: String!) { onRequestChange(channel: $c) { channels requestId status updatedAt } }';

  /** Subscribes as the signed-in user; collects events, or the refusal. */
  function listen(channel: string) {
    const events: Change[] = [];
    const errors: unknown[] = [];
    const observable = generateClient().graphql({
      query: SUBSCRIBE,
      variables: { c: channel },
    }) as unknown as {
      subscribe(o: { next(v: { data: { onRequestChange: Change } }): void; error(e: unknown): void }): {
        unsubscribe(): void;
      };
    };
    const subscription = observable.subscribe({
      next: (value) => events.push(value.data.onRequestChange),
      error: (error) => errors.push(error),
    });
    return { events, errors, stop: () => subscription.unsubscribe() };
  }

  it('the requester’s channel gets the change, another user’s does not, and nobody may listen in', async () => {
    const aliceId = cloud.userId('requester');
    const hiroshiId = cloud.userId('otherRequester');
    const base = cloud.backend.appsync.subscriptionCount();

    await signInAs('otherRequester');
    const hiroshi = listen(hiroshiId);
    await signInAs('auditor');
    const audit = listen('AUDIT');
    await signInAs('requester');
    const alice = listen(aliceId);
    await expect.poll(() => cloud.backend.appsync.subscriptionCount()).toBe(base + 3);

    const id = await createRequestAs(cloud, 'requester');
    await cloud.backend.settle();
    await expect
      .poll(() => alice.events.find((e) => e.requestId === id))
      .toMatchObject({
        channels: expect.arrayContaining([aliceId, 'AUDIT']),
        requestId: id,
        status: 'PENDING',
      });
    await expect.poll(() => audit.events.some((e) => e.requestId === id)).toBe(true);
    expect(hiroshi.events).toEqual([]);
    expect([hiroshi, audit, alice].flatMap((l) => l.errors)).toEqual([]);

    // Last, because amplify answers a refused subscription by reconnecting its socket.
    await signInAs('otherRequester');
    const eavesdropper = listen(aliceId);
    await expect.poll(() => eavesdropper.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(eavesdropper.errors[0])).toContain('Unauthorized');
    expect(eavesdropper.events).toEqual([]);
    for (const l of [hiroshi, eavesdropper, audit, alice]) l.stop();
  });
});
