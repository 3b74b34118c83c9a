import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKnobs } from '../common/aws-json-server';
import { readBody as readBounded, sizeInWords } from '../common/http-body';

/** Small HTTP helpers shared by the outbox's protocol handlers. */

/** The largest request body the outbox accepts (TEAM's messages are a few kilobytes). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A body over `MAX_BODY_BYTES`; each protocol answers it with its own error (413). When
 * `keepAlive` is false the body was not read to its end and the answer must close the connection.
 */
export class BodyTooLarge extends Error {
  constructor(readonly keepAlive: boolean) {
    super(`Request body is larger than ${sizeInWords(MAX_BODY_BYTES)}`);
  }

  /** The header the answer carries when the connection cannot be reused. */
  get headers(): Record<string, string> {
    return this.keepAlive ? {} : { connection: 'close' };
  }
}

/** Reads a request body as text; throws BodyTooLarge (after reading it) when it is too large. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const read = await readBounded(req, MAX_BODY_BYTES);
  if (!read.ok) throw new BodyTooLarge(read.keepAlive);
  return read.text;
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => sendText(res, status, 'application/json', JSON.stringify(body), headers);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Applies the shared fault knobs to one call: waits the configured latency, then says whether the
 * call is throttled, fails internally, or goes through.
 */
export async function decideFault(
  faults: FaultKnobs,
  operation: string,
  random: () => number = Math.random,
): Promise<'throttle' | 'error' | undefined> {
  const applies = faults.operations.length === 0 || faults.operations.includes(operation);
  if (!applies) return undefined;
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.throttleRate > 0 && random() < faults.throttleRate) return 'throttle';
  if (faults.errorRate > 0 && random() < faults.errorRate) return 'error';
  return undefined;
}

/** A message id in the shape SES v2 returns (`0100…-uuid-000000`). */
export function sesMessageId(): string {
  const stamp = Date.now().toString(16).padStart(16, '0');
  return `0100${stamp.slice(-12)}-${crypto.randomUUID()}-000000`;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
/** The address inside `Name <addr>` or the address itself. */
export function emailAddress(value: string): string | undefined {
  const bracketed = /<([^<>]+)>\s*$/.exec(value);
  const address = (bracketed ? bracketed[1] : value)?.trim() ?? '';
  return EMAIL.test(address) ? address : undefined;
}
