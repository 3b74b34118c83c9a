import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchGetIncompleteError, batchGetInOrder } from '../../../lambdas/adapters/dynamodb/common';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(doc);
afterEach(() => mock.reset());

const item = (id: string) => ({ id, status: 'pending' });
const keysOf = (call: number) =>
  (mock.commandCalls(BatchGetCommand)[call]?.args[0].input.RequestItems?.T?.Keys ?? []).map((k) =>
    String(k.id),
  );

describe('batchGetInOrder', () => {
  it('returns items in the order asked, repeats repeated keys, skips missing ones, asks each key once', async () => {
    mock.on(BatchGetCommand).resolves({ Responses: { T: [item('c'), item('a')] } });
    const got = await batchGetInOrder(doc, 'T', 'id', ['a', 'gone', 'c', 'a']);
    expect(got.map((i) => i.id)).toEqual(['a', 'c', 'a']);
    expect(keysOf(0)).toEqual(['a', 'gone', 'c']);
    expect(await batchGetInOrder(doc, 'T', 'id', [])).toEqual([]);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('retries unprocessed keys with backoff until every key is answered', async () => {
    mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { T: [item('a')] },
        UnprocessedKeys: { T: { Keys: [{ id: 'b' }, { id: 'c' }] } },
      })
      .resolvesOnce({ Responses: { T: [item('c')] }, UnprocessedKeys: { T: { Keys: [{ id: 'b' }] } } })
      .resolvesOnce({ Responses: { T: [item('b')] } });
    const waits: number[] = [];
    const got = await batchGetInOrder(doc, 'T', 'id', ['a', 'b', 'c'], {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(got.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(keysOf(1)).toEqual(['b', 'c']);
    expect(keysOf(2)).toEqual(['b']);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
  });

  it('gives up after the allowed retries instead of looping while the table throttles', async () => {
    mock
      .on(BatchGetCommand)
      .resolves({ Responses: { T: [] }, UnprocessedKeys: { T: { Keys: [{ id: 'a' }] } } });
    await expect(
      batchGetInOrder(doc, 'T', 'id', ['a'], { maxRetries: 3, sleep: async () => undefined }),
    ).rejects.toThrow(BatchGetIncompleteError);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(4);
  });

  it('asks 100 keys per call', async () => {
    mock.on(BatchGetCommand).callsFake((input: { RequestItems: { T: { Keys: { id: string }[] } } }) => ({
      Responses: { T: input.RequestItems.T.Keys.map((k) => item(k.id)) },
    }));
    const ids = Array.from({ length: 250 }, (_, i) => `r${String(i).padStart(3, '0')}`);
    const got = await batchGetInOrder(doc, 'T', 'id', ids);
    expect(got.map((i) => i.id)).toEqual(ids);
    expect(
      mock.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.T?.Keys?.length),
    ).toEqual([100, 100, 50]);
  });
});
