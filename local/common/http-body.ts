/**
 * Request bodies of the local services: bounded in size and nesting, and always read to the end.
 *
 * A service that stops reading a body it refuses leaves the client sending into a connection the
 * server then resets: the client sees a reset (often before the answer) and its keep-alive
 * connection is lost. So a body over the limit is still read, and dropped, before the service
 * answers (413) on the same connection, which the client can reuse. Only a body far beyond the
 * limit (`DRAIN_BYTES`) is not read to its end: that answer closes the connection.
 */
import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and dropped before the connection is given up instead. */
export const DRAIN_BYTES = 64 * 1024 * 1024;

/** How deep JSON request bodies may nest; no AWS request or GraphQL input comes close. */
export const MAX_JSON_DEPTH = 64;

export type BodyRead =
  | { ok: true; text: string }
  /**
   * Larger than allowed. `keepAlive` is false when the body was not read to its end: the answer
   * must close the connection (`connection: close`).
   */
  | { ok: false; tooLarge: true; keepAlive: boolean };

/**
 * Reads a body of at most `maxBytes` bytes as UTF-8 text (see the module comment); of a larger
 * one, up to `drainBytes` more are read and dropped.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  drainBytes = DRAIN_BYTES,
): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > maxBytes + drainBytes) {
        finish();
        // Read on and drop the rest while the answer is sent; it closes the connection.
        req.resume();
        resolve({ ok: false, tooLarge: true, keepAlive: false });
      }
    };
    const onEnd = () => {
      finish();
      resolve(
        size <= maxBytes
          ? { ok: true, text: Buffer.concat(chunks).toString('utf8') }
          : { ok: false, tooLarge: true, keepAlive: true },
      );
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    const finish = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Whether arrays and objects in `value` nest deeper than `max` levels; walks without recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The size limit in words, for messages: "1 MiB", "64 KiB", "100 bytes". */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
