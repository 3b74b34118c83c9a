import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BodyTooLarge, readBody, sendJson } from './http';
import type { Outbox, SlackMessage } from './outbox';
import {
  APP_ID,
  isObject,
  randomHex,
  slackId,
  slackTs,
  TEAM_DOMAIN,
  TEAM_ID,
  type Json,
} from './slack-common';
import type { SlackStub } from './slack';
import type { OpenView, SlackView } from './slack-views';

/**
 * Slack's side of interactivity, simulated: what Slack sends an app's interactivity URL when
 * someone clicks a button in a message (`block_actions`), submits a modal (`view_submission`) or
 * closes one (`view_closed`), signed as Slack signs it, and what Slack does with the app's answer.
 * Routes on the outbox server (JSON in and out, CORS open for the outbox page):
 *
 * - `POST /outbox/slack/actions` `{ messageId, actionId, userId? }` → `{ status, body, view? }`
 * - `POST /outbox/slack/views/<viewId>/submit` `{ values: { [blockId]: { [actionId]: string } }, userId? }`
 *   → `{ status, response, view?, errors? }` (422 `{ errors }` when a required field is empty)
 * - `POST /outbox/slack/views/<viewId>/close` `{ userId? }` → `{ closed, status?, body? }`
 * - `GET /outbox/slack/views` → `{ views: [{ userId, openedAt, view, errors? }] }`
 * - `GET /outbox/slack/users` → `{ users: [{ id, name, email }] }`
 * - `POST /outbox/slack/raw` `{ body, timestamp?, signature?, secret?, omitHeaders?, contentType? }`
 *   → `{ status, body, sent: { timestamp?, signature? } }`: exactly that, for signature tests
 * - `POST /outbox/slack/respond/<token>`: the `response_url` of a `block_actions` payload
 */

/** The signing secret of the local Slack app unless another one is configured. */
export const DEFAULT_SLACK_SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';
/** The (deprecated) verification token Slack still puts in every payload. */
export const SLACK_VERIFICATION_TOKEN = 'local-team-verification-token';
/** How long and how often a `response_url` can be used (Slack: 30 minutes, 5 times). */
const RESPONSE_URL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;

/**
 * Slack's request signature: `v0=` and the hex HMAC-SHA256, keyed with the signing secret, of
 * `v0:<timestamp>:<body>` (timestamp in Unix seconds, body exactly as sent).
 */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A form body `payload=<URL-encoded JSON>`, as Slack posts interaction payloads. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

const actionRequest = z.object({
  messageId: z.string().min(1),
  actionId: z.string().min(1),
  userId: z.string().min(1).optional(),
});
const submitRequest = z.object({
  values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  userId: z.string().min(1).optional(),
});
const closeRequest = z.object({ userId: z.string().min(1).optional() });
const rawRequest = z.object({
  body: z.string(),
  timestamp: z.number().int().optional(),
  signature: z.string().optional(),
  secret: z.string().optional(),
  omitHeaders: z.boolean().optional(),
  contentType: z.string().optional(),
});
const responseUrlRequest = z.object({
  text: z.string().optional(),
  blocks: z.array(z.looseObject({ type: z.string() })).optional(),
  replace_original: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional(),
  delete_original: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional(),
  response_type: z.enum(['in_channel', 'ephemeral']).optional(),
});

/** What the app answered: its status and its body (JSON when it parses, the text otherwise). */
interface Delivery {
  status: number;
  body: unknown;
}

interface ResponseUrl {
  messageId: string;
  userId: string;
  expiresAt: number;
  uses: number;
}

const CORS = { 'access-control-allow-origin': '*' };

/** The simulator; `handle` serves one request under `/outbox/slack/`. */
export function createSlackInteractions(options: {
  stub: SlackStub;
  outbox: Outbox;
  /** The outbox server's own URL (for `response_url`), known once it listens. */
  baseUrl: () => string;
}) {
  const { stub, outbox } = options;
  const { views, knobs } = stub;
  const responseUrls = new Map<string, ResponseUrl>();
  let actionCounter = 0;

  const userOf = (id: string) => {
    const user = stub.userById(id);
    if (!user) throw new RouteError(400, `No Slack user ${id}`);
    return user;
  };
  const userField = (id: string) => {
    const user = userOf(id);
    const handle = user.email.split('@')[0] ?? user.name;
    return { id: user.id, username: handle, name: handle, team_id: TEAM_ID };
  };
  const common = (userId: string) => ({
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: userField(userId),
    api_app_id: APP_ID,
    token: SLACK_VERIFICATION_TOKEN,
    is_enterprise_install: false,
    enterprise: null,
  });

  /** Posts a body to the interactivity URL and reads the answer, within the ack timeout. */
  async function post(body: string, headers: Record<string, string>): Promise<Delivery> {
    const url = knobs.interactivityUrl;
    if (!url)
      throw new RouteError(
        409,
        'No Slack interactivity URL is set: start TEAM’s endpoint and call knobs.slack.setInteractivityUrl(url).',
      );
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(knobs.ackTimeoutMs),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError')
        throw new RouteError(
          504,
          `The app did not answer within ${knobs.ackTimeoutMs} ms (Slack would show the person an error)`,
        );
      throw new RouteError(502, `The interactivity URL could not be reached: ${String(err)}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: the app answered text, kept as it is.
      }
    }
    return { status: res.status, body: parsed };
  }

  /** Signs a payload as Slack does and posts it. */
  function send(payload: Json): Promise<Delivery> {
    const body = interactionBody(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    return post(body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(knobs.signingSecret, timestamp, body),
    });
  }

  /** The button with `actionId` in a message's blocks, and the id of the block holding it. */
  function findButton(message: SlackMessage, actionId: string): { element: Json; blockId: string } {
    for (const [index, block] of (message.blocks ?? []).entries()) {
      if (!isObject(block)) continue;
      const elements =
        block.type === 'actions' && Array.isArray(block.elements)
          ? block.elements
          : block.type === 'section' && isObject(block.accessory)
            ? [block.accessory]
            : [];
      const element = elements.find((e): e is Json => isObject(e) && e.action_id === actionId);
      if (!element) continue;
      if (element.type !== 'button')
        throw new RouteError(
          400,
          `Action ${actionId} is a ${String(element.type)}; only buttons are simulated`,
        );
      // Slack gives every block without one a block_id of its own; this one is stable per message.
      const blockId =
        typeof block.block_id === 'string'
          ? block.block_id
          : slackId('', `${message.ts}/${index}`).slice(0, 5);
      return { element, blockId };
    }
    throw new RouteError(400, `The message has no button with action_id ${actionId}`);
  }

  async function clickButton(input: z.infer<typeof actionRequest>) {
    const message = outbox.find(input.messageId);
    if (!message || message.channel !== 'slack')
      throw new RouteError(404, `No Slack message ${input.messageId} in the outbox`);
    const userId = input.userId ?? message.recipient?.userId;
    if (!userId) throw new RouteError(400, 'A channel post needs the userId of who clicks');
    const { element, blockId } = findButton(message, input.actionId);
    const ephemeral = message.method === 'chat.postEphemeral';
    const triggerId = views.issueTrigger(userOf(userId).id);
    const token = randomHex(12);
    responseUrls.set(token, {
      messageId: message.id,
      userId,
      expiresAt: Date.now() + RESPONSE_URL_MS,
      uses: 0,
    });
    const payload: Json = {
      type: 'block_actions',
      ...common(userId),
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.conversation,
        is_ephemeral: ephemeral,
      },
      trigger_id: triggerId,
      channel: {
        id: message.conversation,
        name:
          message.conversationName ??
          (message.conversation.startsWith('D') ? 'directmessage' : 'privategroup'),
      },
      ...(ephemeral ? {} : { message: stub.messageObject(message) }),
      state: { values: {} },
      response_url: `${options.baseUrl()}/outbox/slack/respond/${token}`,
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: blockId,
          text: element.text,
          ...(element.value === undefined ? {} : { value: element.value }),
          ...(element.style === undefined ? {} : { style: element.style }),
          ...(element.url === undefined ? {} : { url: element.url }),
          action_ts: slackTs(Date.now(), ++actionCounter),
        },
      ],
    };
    const delivery = await send(payload);
    const opened = views.viewOpenedWith(triggerId);
    return { ...delivery, ...(opened ? { view: opened.view } : {}) };
  }

  const openView = (viewId: string, userId: string | undefined): OpenView => {
    const open = views.get(viewId);
    if (!open) throw new RouteError(404, `No open view ${viewId}`);
    if (userId !== undefined && userId !== open.userId)
      throw new RouteError(403, `View ${viewId} is open for ${open.userId}, not ${userId}`);
    return open;
  };

  /**
   * The `state.values` of a submission, checked as Slack's client checks before it sends: every
   * value belongs to an input of the view, required inputs are filled, lengths are kept.
   */
  function stateValues(view: SlackView, values: Record<string, Record<string, string>>) {
    const state: Record<string, Record<string, Json>> = {};
    const errors: Record<string, string> = {};
    const known = new Map<string, { actionId: string; element: Json; optional: boolean }>();
    for (const block of view.blocks) {
      if (block.type !== 'input' || !isObject(block.element)) continue;
      known.set(String(block.block_id), {
        actionId: String(block.element.action_id),
        element: block.element,
        optional: block.optional === true,
      });
    }
    for (const [blockId, actions] of Object.entries(values)) {
      const input = known.get(blockId);
      for (const actionId of Object.keys(actions))
        if (!input || input.actionId !== actionId)
          throw new RouteError(400, `The view has no input ${blockId}/${actionId}`);
    }
    for (const [blockId, { actionId, element, optional }] of known) {
      const value = values[blockId]?.[actionId];
      const given = value !== undefined && value.trim() !== '';
      if (!given && !optional) errors[blockId] = 'Please complete this required field.';
      const min = typeof element.min_length === 'number' ? element.min_length : undefined;
      const max = typeof element.max_length === 'number' ? element.max_length : undefined;
      if (given && min !== undefined && value.length < min)
        errors[blockId] = `Please enter at least ${min} characters.`;
      if (given && max !== undefined && value.length > max)
        errors[blockId] = `Please enter no more than ${max} characters.`;
      state[blockId] = { [actionId]: { type: element.type, value: given ? value : null } };
    }
    return { state, errors };
  }

  async function submitView(viewId: string, input: z.infer<typeof submitRequest>) {
    const open = openView(viewId, input.userId);
    const { state, errors } = stateValues(open.view, input.values);
    if (Object.keys(errors).length > 0) throw new RouteError(422, 'Some fields need a value', { errors });
    const payload: Json = {
      type: 'view_submission',
      ...common(open.userId),
      trigger_id: views.issueTrigger(open.userId),
      view: { ...open.view, state: { values: state } },
      response_urls: [],
    };
    const delivery = await send(payload);
    const answer = { status: delivery.status, response: delivery.body };
    const still = () => {
      const now = views.get(viewId);
      return now ? { view: now.view, ...(now.errors ? { errors: now.errors } : {}) } : {};
    };
    // Anything but a 200 leaves the modal open with an error, as Slack does.
    if (delivery.status !== 200) return { ...answer, ...still() };
    const response = isObject(delivery.body) ? delivery.body : {};
    switch (response.response_action) {
      case 'errors': {
        const given = isObject(response.errors) ? response.errors : {};
        views.setErrors(
          viewId,
          Object.fromEntries(Object.entries(given).map(([block, message]) => [block, String(message)])),
        );
        return { ...answer, ...still() };
      }
      case 'update':
      case 'push':
        // No view stack here: a pushed view takes the place of the current one.
        try {
          views.update({ viewId }, response.view);
        } catch (err) {
          return { ...answer, ...still(), error: `The view in the answer is refused: ${String(err)}` };
        }
        return { ...answer, ...still() };
      case 'clear':
        views.closeAll(open.userId);
        return answer;
      default:
        views.close(viewId);
        return answer;
    }
  }

  async function closeView(viewId: string, input: z.infer<typeof closeRequest>) {
    const open = openView(viewId, input.userId);
    views.close(viewId);
    if (!open.view.notify_on_close) return { closed: true };
    const delivery = await send({
      type: 'view_closed',
      ...common(open.userId),
      view: open.view,
      is_cleared: false,
    });
    return { closed: true, ...delivery };
  }

  async function sendRaw(input: z.infer<typeof rawRequest>) {
    const headers: Record<string, string> = {
      'content-type': input.contentType ?? 'application/x-www-form-urlencoded',
    };
    let sent: { timestamp?: number; signature?: string } = {};
    if (!input.omitHeaders) {
      const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
      const signature =
        input.signature ?? slackSignature(input.secret ?? knobs.signingSecret, timestamp, input.body);
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = signature;
      sent = { timestamp, signature };
    }
    return { ...(await post(input.body, headers)), sent };
  }

  /** The `response_url` of a click: replace the message, or post a new (ephemeral) one. */
  function respond(token: string, input: z.infer<typeof responseUrlRequest>) {
    const entry = responseUrls.get(token);
    if (!entry || entry.expiresAt < Date.now()) throw new RouteError(404, 'expired_url');
    if (entry.uses >= RESPONSE_URL_USES) throw new RouteError(404, 'used_url');
    entry.uses++;
    const message = outbox.find(entry.messageId) as SlackMessage | undefined;
    if (!message) throw new RouteError(404, 'message_not_found');
    const yes = (v: unknown) => v === true || v === 'true';
    if (yes(input.delete_original)) throw new RouteError(400, 'delete_original is not simulated');
    if (input.text === undefined && input.blocks === undefined) throw new RouteError(400, 'no_text');
    if (yes(input.replace_original)) {
      outbox.update<'slack'>(message.id, {
        ...(input.text === undefined ? {} : { text: input.text }),
        ...(input.blocks === undefined ? {} : { blocks: input.blocks }),
      });
      return { ok: true };
    }
    const user = userOf(entry.userId);
    outbox.add({
      channel: 'slack',
      method: input.response_type === 'in_channel' ? 'chat.postMessage' : 'chat.postEphemeral',
      ts: slackTs(Date.now(), ++actionCounter),
      conversation: message.conversation,
      conversationName: message.conversationName,
      recipient:
        input.response_type === 'in_channel' && !message.recipient
          ? undefined
          : { userId: user.id, email: user.email, name: user.name },
      text: input.text,
      blocks: input.blocks,
    });
    return { ok: true };
  }

  async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.infer<T>> {
    const text = await readBody(req);
    let raw: unknown = {};
    if (text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new RouteError(400, 'The body is not JSON');
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new RouteError(400, `Invalid request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return parsed.data;
  }

  /** Serves a request under `/outbox/slack/`; false when the path is none of the simulator's. */
  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const rest = path.slice('/outbox/slack/'.length);
    const method = req.method ?? 'GET';
    const viewRoute = /^views\/([A-Za-z0-9]+)\/(submit|close)$/.exec(rest);
    const respondRoute = /^respond\/([0-9a-f]+)$/.exec(rest);
    let run: (() => Promise<unknown>) | undefined;
    if (rest === 'actions' && method === 'POST')
      run = async () => clickButton(await readJson(req, actionRequest));
    else if (viewRoute && method === 'POST') {
      const [, viewId = '', verb] = viewRoute;
      run =
        verb === 'submit'
          ? async () => submitView(viewId, await readJson(req, submitRequest))
          : async () => closeView(viewId, await readJson(req, closeRequest));
    } else if (rest === 'views' && method === 'GET')
      run = async () => ({
        views: views.list().map((o) => ({
          userId: o.userId,
          openedAt: o.openedAt,
          view: o.view,
          ...(o.errors ? { errors: o.errors } : {}),
        })),
      });
    else if (rest === 'users' && method === 'GET')
      run = async () => ({ users: stub.users.map((u) => ({ id: u.id, name: u.name, email: u.email })) });
    else if (rest === 'raw' && method === 'POST') run = async () => sendRaw(await readJson(req, rawRequest));
    else if (respondRoute && method === 'POST') {
      const token = respondRoute[1] ?? '';
      run = async () => respond(token, await readJson(req, responseUrlRequest));
    }
    if (!run) return false;
    try {
      sendJson(res, 200, await run(), CORS);
    } catch (err) {
      if (err instanceof RouteError) sendJson(res, err.status, { message: err.message, ...err.extra }, CORS);
      else if (err instanceof BodyTooLarge)
        sendJson(res, 413, { message: err.message }, { ...CORS, ...err.headers });
      else throw err;
    }
    return true;
  }

  return { handle };
}
