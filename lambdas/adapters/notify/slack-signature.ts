/**
 * Slack's request signing (version `v0`): Slack sends `X-Slack-Request-Timestamp` (Unix seconds)
 * and `X-Slack-Signature: v0=<hex>`, the HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with
 * the app's signing secret. A request is Slack's only when the signature matches the body exactly
 * as received, compared in constant time, and the timestamp is within five minutes of now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now, either way (Slack's recommendation). */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 5 * 60;

const VERSION = 'v0';
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

export type SignatureCheck =
  { ok: true; timestamp: number; signature: string } | { ok: false; reason: string };

/** `v0=<hex>` for `body` sent at `timestamp` (what Slack puts in X-Slack-Signature). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  const mac = createHmac('sha256', secret).update(`${VERSION}:${timestamp}:${body}`, 'utf8');
  return `${VERSION}=${mac.digest('hex')}`;
}

/** A header's single value, whatever the case of its name. */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Checks a request against the signing secret: both headers present, a timestamp within the
 * window of `now`, and the signature of exactly `body`. The reason of a failure is for logs only.
 */
export function verifySlackSignature(input: {
  secret: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  now: Date;
  windowSeconds?: number;
}): SignatureCheck {
  const timestampText = headerValue(input.headers, 'x-slack-request-timestamp');
  const signature = headerValue(input.headers, 'x-slack-signature');
  if (!timestampText || !signature) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed timestamp' };
  const timestamp = Number(timestampText);
  const skew = Math.abs(input.now.getTime() / 1000 - timestamp);
  if (skew > (input.windowSeconds ?? SLACK_SIGNATURE_WINDOW_SECONDS)) {
    return { ok: false, reason: 'timestamp outside the accepted window' };
  }
  const given = SIGNATURE.exec(signature)?.[1];
  if (given === undefined) return { ok: false, reason: 'malformed signature' };
  const expected = slackSignature(input.secret, timestampText, input.body).slice(VERSION.length + 1);
  const matches = timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
  return matches ? { ok: true, timestamp, signature: given } : { ok: false, reason: 'signature mismatch' };
}
