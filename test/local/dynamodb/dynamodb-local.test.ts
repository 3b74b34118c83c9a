import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../../local/dynamodb';

/** This machine's addresses that other hosts can reach (link-local ones need a scope; left out). */
const lanAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
  .map((a) => a?.address ?? '');

/** How a TCP connection attempt ends: 'connected' or the error code. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('startDynamoDbLocal', () => {
  let ddb: RunningDynamoDbLocal;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal({ inMemory: true });
  });
  afterAll(async () => {
    await ddb.stop();
  });

  it('answers on 127.0.0.1', async () => {
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    expect(await tryConnect('127.0.0.1', ddb.port)).toBe('connected');
  });

  it.skipIf(lanAddresses.length === 0)('refuses connections on the machine’s other addresses', async () => {
    const outcomes = await Promise.all(lanAddresses.map((host) => tryConnect(host, ddb.port)));
    expect(outcomes).toEqual(lanAddresses.map(() => 'ECONNREFUSED'));
  });

  it('fails with the JVM’s words when its fixed port is taken', async () => {
    await expect(startDynamoDbLocal({ inMemory: true, port: ddb.port })).rejects.toThrow(
      new RegExp(
        `DynamoDB Local exited on port ${ddb.port}: .*Could not start DynamoDB Local on 127\\.0\\.0\\.1`,
        's',
      ),
    );
  });
});
