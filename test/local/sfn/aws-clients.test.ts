import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClientPool, SdkCallError } from '../../../local/sfn/aws-clients';

/**
 * A DynamoDB stand-in whose first `drops` connections are cut before any answer; later requests
 * get `answer` (status and JSON body).
 */
async function flakyDynamoDb(drops: number, answer: { status: number; body: object }) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    if (requests <= drops) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const GET = { TableName: 'Requests', Key: { id: { S: 'r-1' } } };
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function poolOver(drops: number, answer: { status: number; body: object }) {
  const fake = await flakyDynamoDb(drops, answer);
  const pool = new AwsClientPool({ endpoints: { dynamodb: fake.url } });
  stops.push(async () => {
    pool.destroy();
    await fake.stop();
  });
  return { fake, pool };
}

describe('the runner’s SDK clients', () => {
  it('make a call again when its connection is cut before the service answers', async () => {
    const { fake, pool } = await poolOver(2, { status: 200, body: { Item: { id: { S: 'r-1' } } } });
    expect(await pool.call('dynamodb', 'getItem', GET)).toEqual({ Item: { id: { S: 'r-1' } } });
    expect(fake.requests()).toBe(3);
  });

  it('give up after three cut connections, as a transport failure', async () => {
    const { fake, pool } = await poolOver(5, { status: 200, body: {} });
    const error = await pool.call('dynamodb', 'getItem', GET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkCallError);
    expect(error).toMatchObject({ code: 'SdkClientException' });
    expect(fake.requests()).toBe(3);
  });

  it('leave what the service answered to the state machine: throttling is not retried here', async () => {
    const { fake, pool } = await poolOver(0, {
      status: 400,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' },
    });
    const error = await pool.call('dynamodb', 'getItem', GET).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ThrottlingException', statusCode: 400 });
    expect(fake.requests()).toBe(1);
  });
});
