/**
 * Bad bodies at the AWS JSON simulators' shared server, and the body reader every local service
 * uses: each gets a clean 4xx in the AWS JSON error shape (`{ __type, message }`), and the
 * keep-alive connection it came on serves the next call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsJsonService, type RunningService } from '../../../local/common/aws-json-server';
import { MAX_JSON_DEPTH, readBody } from '../../../local/common/http-body';
import { keepAliveClient } from '../../support/keep-alive';

const MAX = 4 * 1024;
const TARGET = { 'x-amz-target': 'Local.Echo', 'content-type': 'application/x-amz-json-1.1' };

let service: RunningService;

beforeAll(async () => {
  service = await startAwsJsonService({
    targetPrefix: 'Local',
    jsonVersion: '1.1',
    maxBodyBytes: MAX,
    operations: { Echo: (input) => ({ Echoed: input['Value'] ?? null }) },
  });
});
afterAll(async () => {
  await service.stop();
});

/** Sends the bad body, then a good call on the same connection, which must succeed. */
async function thenGood(body: string | Buffer) {
  const client = keepAliveClient();
  try {
    const warmUp = await client.send(service.url, { headers: TARGET, body: '{}' });
    expect(warmUp.status).toBe(200);
    const bad = await client.send(service.url, { headers: TARGET, body });
    expect(bad.reusedSocket).toBe(true);
    const good = await client.send(service.url, { headers: TARGET, body: '{"Value":"hello"}' });
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ Echoed: 'hello' });
    expect(good.reusedSocket, 'the good call went over the same connection').toBe(true);
    return bad;
  } finally {
    client.close();
  }
}

describe('an AWS JSON simulator after a bad body', () => {
  it('answers an oversized body with 413', async () => {
    const bad = await thenGood(Buffer.alloc(MAX * 64, 'x'));
    expect(bad.status).toBe(413);
    expect(bad.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
    expect(bad.json()).toMatchObject({
      __type: 'RequestEntityTooLargeException',
      message: 'Request body is larger than 4 KiB',
    });
  });

  it('answers a deeply nested body with 400 SerializationException', async () => {
    const bad = await thenGood(`{"Value":${'['.repeat(1000)}${']'.repeat(1000)}}`);
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({
      __type: 'SerializationException',
      message: `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
  });

  it('answers a body that is not a JSON object with 400 SerializationException', async () => {
    for (const body of ['{"Value": ', '[1]', 'null', '"text"']) {
      const bad = await thenGood(body);
      expect(bad.status, body).toBe(400);
      expect(bad.json(), body).toMatchObject({ __type: 'SerializationException' });
    }
  });
});

describe('readBody', () => {
  let server: Server;
  let url = '';
  let lastRead: unknown;

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req, 16, 1024).then((read) => {
        lastRead = read;
        res.writeHead(read.ok ? 200 : 413, read.ok || read.keepAlive ? {} : { connection: 'close' });
        res.end(read.ok ? read.text : 'too large');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a body within the limit, and drains one over it before the answer', async () => {
    const client = keepAliveClient();
    try {
      expect((await client.send(url, { body: 'x'.repeat(16) })).text).toBe('x'.repeat(16));
      const over = await client.send(url, { body: 'x'.repeat(17) });
      expect(over.status).toBe(413);
      expect(lastRead).toEqual({ ok: false, tooLarge: true, keepAlive: true });
      const again = await client.send(url, { body: 'ok' });
      expect({ text: again.text, reused: again.reusedSocket }).toEqual({ text: 'ok', reused: true });
    } finally {
      client.close();
    }
  });

  it('gives up on a body far over the limit: the answer closes the connection', async () => {
    const client = keepAliveClient();
    try {
      const far = await client.send(url, { body: 'x'.repeat(64 * 1024) });
      expect(far.status).toBe(413);
      expect(far.headers['connection']).toBe('close');
      expect(lastRead).toEqual({ ok: false, tooLarge: true, keepAlive: false });
    } finally {
      client.close();
    }
  });
});
