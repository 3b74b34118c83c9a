import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKnobs } from '../common/aws-json-server';

/** Small HTTP helpers shared by the outbox's protocol handlers. */

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
