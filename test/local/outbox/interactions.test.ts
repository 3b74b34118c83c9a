/**
 * Slack's side of interactivity, simulated by the outbox: button clicks and modal submissions
 * reach an app's interactivity URL as Slack sends them, signed as Slack signs them. The app here
 * is a small receiver that checks each signature with its own code (node:crypto), opens a modal
 * with `views.open` when a button is clicked, and answers submissions as each test tells it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_SIGNING_SECRET } from '../../../local/outbox/interactions';
import type { SlackMessage } from '../../../local/outbox/outbox';
import { startOutbox, type RunningOutbox } from '../../../local/outbox/server';

const TOKEN = 'xoxb-test-token-interactions';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  /** Why the signature check failed, or undefined when it passed. */
  refused?: string;
  payload?: Record<string, unknown>;
}

type Reply = { status?: number; body?: unknown; delayMs?: number };

/** What the simulator's routes answer (each route fills some of it). */
interface Answer {
  status?: number;
  body?: unknown;
  response?: unknown;
  message?: string;
  view?: { id: string } & Record<string, unknown>;
  views?: unknown[];
  users?: { id: string; email: string }[];
  errors?: Record<string, string>;
  sent?: { timestamp: number; signature: string };
  closed?: boolean;
}

/** The receiver's own check of Slack's signature: v0 HMAC-SHA256, 5-minute window, no replays. */
function verify(headers: IncomingMessage['headers'], body: string, seen: Set<string>): string | undefined {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'missing headers';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 'stale timestamp';
  const expected = Buffer.from(
    `v0=${createHmac('sha256', DEFAULT_SLACK_SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  if (seen.has(signature)) return 'replay';
  seen.add(signature);
  return undefined;
}

let box: RunningOutbox;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** How the receiver answers a verified payload. */
let reply: (payload: Record<string, unknown>) => Promise<Reply> | Reply = () => ({});
let alice: string;
let bob: string;

const slackApi = async (method: string, args: Record<string, unknown>) => {
  const res = await fetch(`${box.slackApiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Record<string, unknown> & { ok: boolean };
};

const outboxCall = async (path: string, body?: unknown, method = 'POST') => {
  const res = await fetch(`${box.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Answer };
};

const decisionModal = {
  type: 'modal',
  callback_id: 'team_decision',
  private_metadata: JSON.stringify({ requestId: 'req-1', decision: 'approve' }),
  title: { type: 'plain_text', text: 'Approve access request' },
  submit: { type: 'plain_text', text: 'Approve' },
  close: { type: 'plain_text', text: 'Cancel' },
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: '*Alice* asks for AdministratorAccess' } },
    {
      type: 'input',
      block_id: 'comment',
      label: { type: 'plain_text', text: 'Comment' },
      element: { type: 'plain_text_input', action_id: 'comment_input', multiline: true, max_length: 50 },
    },
    {
      type: 'input',
      block_id: 'ticket',
      optional: true,
      label: { type: 'plain_text', text: 'Ticket' },
      element: { type: 'plain_text_input', action_id: 'ticket_input' },
    },
  ],
};

/** Posts an approval DM to Alice with Approve / Reject / Open buttons, as TEAM does. */
async function postApproval(): Promise<SlackMessage> {
  const posted = await slackApi('chat.postMessage', {
    channel: alice,
    text: 'Access request pending',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Access request pending' } },
      {
        type: 'actions',
        block_id: 'team_actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Approve' },
            action_id: 'approve_request',
            value: 'req-1',
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Reject' },
            action_id: 'reject_request',
            value: 'req-1',
            style: 'danger',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in TEAM' },
            action_id: 'open_request',
            url: 'http://127.0.0.1:1/requests/req-1',
          },
        ],
      },
    ],
  });
  expect(posted.ok).toBe(true);
  return box.outbox.find((m) => m.channel === 'slack' && m.ts === posted.ts) as SlackMessage;
}

/** A button click whose answer opens the decision modal. */
async function openModal(): Promise<{ message: SlackMessage; viewId: string }> {
  const message = await postApproval();
  reply = async (payload) => {
    if (payload.type === 'block_actions') {
      const opened = await slackApi('views.open', { trigger_id: payload.trigger_id, view: decisionModal });
      expect(opened.ok).toBe(true);
    }
    return {};
  };
  const click = await outboxCall('/outbox/slack/actions', {
    messageId: message.id,
    actionId: 'approve_request',
  });
  expect(click.status).toBe(200);
  return { message, viewId: click.json.view?.id ?? '' };
}

beforeAll(async () => {
  const seen = new Set<string>();
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { headers: req.headers, body, refused: verify(req.headers, body, seen) };
      received.push(entry);
      if (entry.refused) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ refused: entry.refused }));
        return;
      }
      const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;
      entry.payload = payload;
      const answer = await reply(payload);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (answer.body === undefined) {
        res.writeHead(answer.status ?? 200);
        res.end();
      } else {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack/interactions`;
  box = await startOutbox({
    slackToken: TOKEN,
    slackUsers: [
      { email: 'alice@example.com', name: 'Alice Doe' },
      { email: 'bob@example.com', name: 'Bob Roe' },
    ],
  });
  const users = await outboxCall('/outbox/slack/users', undefined, 'GET');
  const idOf = (email: string) => users.json.users?.find((u) => u.email === email)?.id ?? '';
  alice = idOf('alice@example.com');
  bob = idOf('bob@example.com');
});
beforeEach(() => {
  box.knobs.slack.setInteractivityUrl(receiverUrl);
  received = [];
  reply = () => ({});
});
afterEach(() => {
  box.outbox.clear();
  box.knobs.slack.ackTimeoutMs = 3000;
  for (const open of box.slackViews.list()) box.slackViews.close(open.view.id);
});
afterAll(async () => {
  await box.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('a button click (block_actions)', () => {
  it('sends the payload Slack sends, signed, and answers the modal the app opened with its trigger', async () => {
    const { message, viewId } = await openModal();
    expect(received).toHaveLength(1);
    const [entry] = received;
    expect(entry?.refused).toBeUndefined();
    expect(entry?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(entry?.body.startsWith('payload=')).toBe(true);
    expect(entry?.payload).toEqual({
      type: 'block_actions',
      team: { id: expect.stringMatching(/^T/), domain: expect.any(String) },
      user: { id: alice, username: 'alice', name: 'alice', team_id: expect.stringMatching(/^T/) },
      api_app_id: expect.stringMatching(/^A/),
      token: expect.any(String),
      is_enterprise_install: false,
      enterprise: null,
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.conversation,
        is_ephemeral: false,
      },
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      channel: { id: message.conversation, name: 'directmessage' },
      message: expect.objectContaining({
        type: 'message',
        ts: message.ts,
        text: 'Access request pending',
        user: expect.stringMatching(/^U/),
        bot_id: expect.stringMatching(/^B/),
        blocks: message.blocks,
      }),
      state: { values: {} },
      response_url: expect.stringMatching(new RegExp(`^${box.url}/outbox/slack/respond/[0-9a-f]+$`)),
      actions: [
        {
          type: 'button',
          action_id: 'approve_request',
          block_id: 'team_actions',
          text: { type: 'plain_text', text: 'Approve' },
          value: 'req-1',
          style: 'primary',
          action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
        },
      ],
    });
    expect(viewId).toMatch(/^V/);
    const views = await outboxCall('/outbox/slack/views', undefined, 'GET');
    expect(views.json.views).toEqual([
      expect.objectContaining({
        userId: alice,
        view: expect.objectContaining({ id: viewId, callback_id: 'team_decision' }),
      }),
    ]);
  });

  it('answers the app status and body when it opens nothing, and refuses what Slack could not send', async () => {
    const message = await postApproval();
    reply = () => ({ status: 200, body: { note: 'ignored' } });
    const click = await outboxCall('/outbox/slack/actions', {
      messageId: message.id,
      actionId: 'open_request',
    });
    expect(click.json).toEqual({ status: 200, body: { note: 'ignored' } });
    expect(received[0]?.payload?.actions).toEqual([
      expect.objectContaining({ action_id: 'open_request', url: 'http://127.0.0.1:1/requests/req-1' }),
    ]);

    expect(
      (await outboxCall('/outbox/slack/actions', { messageId: message.id, actionId: 'nope' })).status,
    ).toBe(400);
    expect(
      (await outboxCall('/outbox/slack/actions', { messageId: 'msg-0-none', actionId: 'x' })).status,
    ).toBe(404);
    expect((await outboxCall('/outbox/slack/actions', { messageId: message.id })).status).toBe(400);
    expect(
      (
        await outboxCall('/outbox/slack/actions', {
          messageId: message.id,
          actionId: 'approve_request',
          userId: 'UNOPE',
        })
      ).status,
    ).toBe(400);

    const audit = await slackApi('chat.postMessage', {
      channel: 'team-audit',
      text: 'audit',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go' }],
        },
      ],
    });
    const post = box.outbox.find((m) => m.channel === 'slack' && m.ts === audit.ts) as SlackMessage;
    expect((await outboxCall('/outbox/slack/actions', { messageId: post.id, actionId: 'go' })).status).toBe(
      400,
    );
    const asBob = await outboxCall('/outbox/slack/actions', {
      messageId: post.id,
      actionId: 'go',
      userId: bob,
    });
    expect(asBob.status).toBe(200);
    // A block without a block_id gets one from Slack.
    expect(received.at(-1)?.payload).toMatchObject({
      channel: { id: post.conversation, name: 'team-audit' },
      user: { id: bob },
      actions: [{ action_id: 'go', block_id: expect.any(String) }],
    });

    box.knobs.slack.setInteractivityUrl(undefined);
    const unset = await outboxCall('/outbox/slack/actions', {
      messageId: message.id,
      actionId: 'approve_request',
    });
    expect(unset.status).toBe(409);
    expect(() => box.knobs.slack.setInteractivityUrl('https://team.example.com/slack')).toThrow(/loopback/);
  });

  it('gives up like Slack when the app does not acknowledge in time', async () => {
    const message = await postApproval();
    box.knobs.slack.ackTimeoutMs = 50;
    reply = () => ({ delayMs: 300 });
    const click = await outboxCall('/outbox/slack/actions', {
      messageId: message.id,
      actionId: 'approve_request',
    });
    expect(click.status).toBe(504);
    expect(click.json.message).toMatch(/did not answer within 50 ms/);
  });

  it('lets the app use the response_url to replace the message', async () => {
    const message = await postApproval();
    reply = async (payload) => {
      const res = await fetch(String(payload.response_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text: 'Handled' }),
      });
      expect(await res.json()).toEqual({ ok: true });
      return {};
    };
    await outboxCall('/outbox/slack/actions', { messageId: message.id, actionId: 'approve_request' });
    expect(box.outbox.find(message.id)).toMatchObject({ text: 'Handled', edited: { updates: 1 } });
  });
});

describe('a modal submission (view_submission)', () => {
  it('sends the view with its state values; errors keep it open, clear closes it', async () => {
    const { viewId } = await openModal();
    reply = (payload) => ({
      body:
        payload.type === 'view_submission' && received.length === 2
          ? { response_action: 'errors', errors: { comment: 'Bob is not an approver of this request.' } }
          : { response_action: 'clear' },
    });
    const first = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { comment: { comment_input: 'Looks fine' } },
    });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      status: 200,
      response: { response_action: 'errors', errors: { comment: 'Bob is not an approver of this request.' } },
      view: expect.objectContaining({ id: viewId }),
      errors: { comment: 'Bob is not an approver of this request.' },
    });
    expect(received[1]?.refused).toBeUndefined();
    expect(received[1]?.payload).toMatchObject({
      type: 'view_submission',
      team: { id: expect.stringMatching(/^T/) },
      user: { id: alice, username: 'alice' },
      api_app_id: expect.stringMatching(/^A/),
      token: expect.any(String),
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      view: {
        id: viewId,
        type: 'modal',
        callback_id: 'team_decision',
        private_metadata: decisionModal.private_metadata,
        hash: expect.any(String),
        title: decisionModal.title,
        blocks: expect.any(Array),
        state: {
          values: {
            comment: { comment_input: { type: 'plain_text_input', value: 'Looks fine' } },
            ticket: { ticket_input: { type: 'plain_text_input', value: null } },
          },
        },
      },
    });
    const open = await outboxCall('/outbox/slack/views', undefined, 'GET');
    expect(open.json.views).toEqual([
      expect.objectContaining({ errors: { comment: 'Bob is not an approver of this request.' } }),
    ]);

    const second = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { comment: { comment_input: 'Second try' }, ticket: { ticket_input: 'CHG-1' } },
    });
    expect(second.json).toEqual({ status: 200, response: { response_action: 'clear' } });
    expect(box.slackViews.list()).toEqual([]);
  });

  it('closes on an empty 200, updates on response_action update, stays open on an app error', async () => {
    const { viewId } = await openModal();
    const comment = { comment: { comment_input: 'ok' } };
    reply = () => ({ status: 500, body: { message: 'boom' } });
    const failed = await outboxCall(`/outbox/slack/views/${viewId}/submit`, { values: comment });
    expect(failed.json).toMatchObject({ status: 500, view: { id: viewId } });

    reply = () => ({
      body: {
        response_action: 'update',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Done' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved.' } }],
        },
      },
    });
    const updated = await outboxCall(`/outbox/slack/views/${viewId}/submit`, { values: comment });
    expect(updated.json.view).toMatchObject({ id: viewId, title: { text: 'Done' } });

    // The updated view has no inputs; an empty answer closes it.
    reply = () => ({});
    const closed = await outboxCall(`/outbox/slack/views/${viewId}/submit`, { values: {} });
    expect(closed.json).toEqual({ status: 200, response: '' });
    expect(box.slackViews.get(viewId)).toBeUndefined();
    expect((await outboxCall(`/outbox/slack/views/${viewId}/submit`, { values: {} })).status).toBe(404);
  });

  it('checks inputs as the Slack client does before anything is sent', async () => {
    const { viewId } = await openModal();
    const sent = received.length;
    const empty = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { comment: { comment_input: '  ' } },
    });
    expect(empty.status).toBe(422);
    expect(empty.json.errors).toEqual({ comment: expect.stringMatching(/required/) });
    const long = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { comment: { comment_input: 'x'.repeat(51) } },
    });
    expect(long.json.errors).toEqual({ comment: expect.stringMatching(/no more than 50/) });
    const unknown = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { other: { x: 'y' } },
    });
    expect(unknown.status).toBe(400);
    const someoneElse = await outboxCall(`/outbox/slack/views/${viewId}/submit`, {
      values: { comment: { comment_input: 'ok' } },
      userId: bob,
    });
    expect(someoneElse.status).toBe(403);
    expect(received).toHaveLength(sent);
  });

  it('closes a view, telling the app only when it asked (notify_on_close)', async () => {
    const { viewId } = await openModal();
    const quiet = await outboxCall(`/outbox/slack/views/${viewId}/close`, {});
    expect(quiet.json).toEqual({ closed: true });
    expect(received).toHaveLength(1);

    const message = await postApproval();
    reply = async (payload) => {
      if (payload.type === 'block_actions')
        await slackApi('views.open', {
          trigger_id: payload.trigger_id,
          view: { ...decisionModal, notify_on_close: true },
        });
      return {};
    };
    const click = await outboxCall('/outbox/slack/actions', {
      messageId: message.id,
      actionId: 'reject_request',
    });
    const told = await outboxCall(`/outbox/slack/views/${click.json.view?.id}/close`, {});
    expect(told.json).toEqual({ closed: true, status: 200, body: '' });
    expect(received.at(-1)?.payload).toMatchObject({
      type: 'view_closed',
      user: { id: alice },
      view: { id: click.json.view?.id },
      is_cleared: false,
    });
  });
});

describe('raw interactions for signature tests', () => {
  const body = 'payload=' + encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [] }));

  it('sends exactly the body, timestamp and signature it is given', async () => {
    const now = Math.floor(Date.now() / 1000);
    const signed = await outboxCall('/outbox/slack/raw', { body });
    expect(signed.json).toMatchObject({
      status: 200,
      sent: { timestamp: expect.any(Number), signature: expect.stringMatching(/^v0=[0-9a-f]{64}$/) },
    });
    expect(received[0]?.body).toBe(body);
    expect(received[0]?.refused).toBeUndefined();

    // Replayed as it was: the receiver has seen that signature.
    const replay = await outboxCall('/outbox/slack/raw', { body, ...signed.json.sent });
    expect(replay.json).toMatchObject({ status: 401, body: { refused: 'replay' } });
    expect(received[1]?.headers['x-slack-signature']).toBe(signed.json.sent?.signature);

    const cases: [Record<string, unknown>, string][] = [
      [{ body, secret: 'not-the-secret' }, 'bad signature'],
      [{ body, timestamp: now - 600 }, 'stale timestamp'],
      [{ body: `${body}x`, timestamp: now, signature: signed.json.sent?.signature }, 'bad signature'],
      [{ body, omitHeaders: true }, 'missing headers'],
    ];
    for (const [request, reason] of cases) {
      const sent = await outboxCall('/outbox/slack/raw', request);
      expect(sent.json).toMatchObject({ status: 401, body: { refused: reason } });
      const last = received.at(-1);
      expect(last?.body).toBe(request.body);
      if (request.omitHeaders) expect(last?.headers['x-slack-signature']).toBeUndefined();
      if (request.timestamp)
        expect(last?.headers['x-slack-request-timestamp']).toBe(String(request.timestamp));
    }
    expect((await outboxCall('/outbox/slack/raw', { nobody: true })).status).toBe(400);
  });

  it('is open to the outbox page on another loopback origin (CORS)', async () => {
    const preflight = await fetch(`${box.url}/outbox/slack/actions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const answer = await outboxCall('/outbox/slack/raw', { body });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });
});
