import type { IncomingMessage, ServerResponse } from 'node:http';
import { noFaults, type FaultKnobs } from '../common/aws-json-server';
import { BodyTooLarge, decideFault, readBody, sendJson } from './http';
import type { Outbox } from './outbox';

/**
 * A Microsoft Teams Workflows incoming webhook ("When a Teams webhook request is received", then
 * "Post card in a chat or channel") at `POST /teams/webhook/<name>`: it checks the body as the
 * flow would (a `message` whose attachments are Adaptive Cards), keeps each card in the outbox
 * and answers 202 Accepted with no body, like the real trigger.
 */

/** The attachment content type of an Adaptive Card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams refuses messages larger than about 28 KB. */
export const MAX_TEAMS_MESSAGE_BYTES = 28 * 1024;
/** The webhook TEAM's local backend posts to. */
export const LOCAL_TEAMS_WEBHOOK = 'team-local';

const WEBHOOK_PATH = /^\/teams\/webhook\/([A-Za-z0-9_-]{1,64})\/?$/;

export interface TeamsKnobs {
  /** Throttling (429 with Retry-After), errors (500) and latency for the webhook. */
  faults: FaultKnobs;
  /** The Retry-After of a throttled answer, in seconds (default 1). */
  retryAfterSeconds: number;
}

export const defaultTeamsKnobs = (): TeamsKnobs => ({ faults: noFaults(), retryAfterSeconds: 1 });

class Refused extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Adaptive Cards of a webhook body; throws Refused saying what is wrong. */
export function cardsOfPayload(text: string): Record<string, unknown>[] {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new Refused('The request body is not JSON.');
  }
  if (!isObject(payload)) throw new Refused('The request body must be a JSON object.');
  if (payload.type !== 'message') throw new Refused(`"type" must be "message".`);
  const attachments = payload.attachments;
  if (!Array.isArray(attachments) || attachments.length === 0) {
    throw new Refused('"attachments" must be a list with at least one Adaptive Card.');
  }
  return attachments.map((attachment, i) => {
    const where = `attachments[${i}]`;
    if (!isObject(attachment)) throw new Refused(`${where} must be an object.`);
    if (attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE) {
      throw new Refused(`${where}.contentType must be "${ADAPTIVE_CARD_CONTENT_TYPE}".`);
    }
    const card = attachment.content;
    if (!isObject(card)) throw new Refused(`${where}.content must be an Adaptive Card object.`);
    if (card.type !== 'AdaptiveCard') throw new Refused(`${where}.content.type must be "AdaptiveCard".`);
    if (!Array.isArray(card.body)) throw new Refused(`${where}.content.body must be a list of elements.`);
    return card;
  });
}

/**
 * Handles `/teams/…`: true when the path was a webhook's (answered here), false to let the
 * server answer 404.
 */
export async function handleTeams(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  knobs: TeamsKnobs,
  outbox: Outbox,
): Promise<boolean> {
  const match = WEBHOOK_PATH.exec(path);
  const webhook = match?.[1];
  if (webhook === undefined) return false;
  if (req.method !== 'POST') {
    sendJson(res, 405, { message: 'A Teams webhook takes POST only.' }, { allow: 'POST' });
    return true;
  }
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    sendJson(res, 413, { message: err.message }, err.headers);
    return true;
  }
  const fault = await decideFault(knobs.faults, 'PostWebhook');
  if (fault === 'throttle') {
    sendJson(
      res,
      429,
      { message: 'Rate limit is exceeded. Try again later.' },
      { 'retry-after': String(knobs.retryAfterSeconds) },
    );
    return true;
  }
  if (fault === 'error') {
    sendJson(res, 500, { message: 'Injected internal error' });
    return true;
  }
  if (Buffer.byteLength(text) > MAX_TEAMS_MESSAGE_BYTES) {
    sendJson(res, 413, {
      message: `The message is larger than Teams accepts (${MAX_TEAMS_MESSAGE_BYTES} bytes).`,
    });
    return true;
  }
  let cards: Record<string, unknown>[];
  try {
    cards = cardsOfPayload(text);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    sendJson(res, 400, { message: err.message });
    return true;
  }
  for (const card of cards) outbox.add({ channel: 'teams', webhook, card });
  res.writeHead(202, { 'content-length': 0 });
  res.end();
  return true;
}
