/**
 * The Slack stub's methods for interactivity, through the real `@slack/web-api` client:
 * `chat.update` (the outbox keeps the message's history and tells the stream), `views.open` with
 * trigger ids the simulator handed out (one use, a few seconds), `views.update`, and their errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LogLevel, WebClient, type Logger, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, type SlackMessage } from '../../../local/outbox/outbox';
import { startOutbox, type RunningOutbox } from '../../../local/outbox/server';
import { SlackViews } from '../../../local/outbox/slack-views';

const TOKEN = 'xoxb-test-token-views';
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** The error code and response metadata of a failed Web API call. */
const slackError = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (err) {
    const e = err as WebAPIPlatformError;
    expect(e.code).toBe(ErrorCode.PlatformError);
    return { error: e.data.error, messages: e.data.response_metadata?.messages ?? [] };
  }
  throw new Error('expected a Slack platform error');
};

const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'team_decision',
  private_metadata: '{"requestId":"r-1"}',
  title: { type: 'plain_text' as const, text: 'Approve request' },
  submit: { type: 'plain_text' as const, text: 'Approve' },
  close: { type: 'plain_text' as const, text: 'Cancel' },
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: '*Alice* asks for _Production_' } },
    {
      type: 'input',
      block_id: 'comment',
      label: { type: 'plain_text', text: 'Comment' },
      element: { type: 'plain_text_input', action_id: 'comment_input', multiline: true },
    },
  ],
  ...extra,
});

let box: RunningOutbox;
let slack: WebClient;
let alice: string;

/** A trigger id as the simulator hands out when Alice clicks a button. */
const trigger = (userId = alice) => box.slackViews.issueTrigger(userId);

beforeAll(async () => {
  box = await startOutbox({
    slackToken: TOKEN,
    slackUsers: [
      { email: 'alice@example.com', name: 'Alice Doe' },
      { email: 'bob@example.com', name: 'Bob Roe' },
    ],
  });
  slack = new WebClient(TOKEN, {
    slackApiUrl: box.slackApiUrl,
    // Refusals are what these tests expect: the client need not log them.
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
  alice = (await slack.users.lookupByEmail({ email: 'alice@example.com' })).user?.id as string;
});
afterEach(() => {
  box.outbox.clear();
  box.knobs.slack.triggerValidityMs = 3000;
  for (const open of box.slackViews.list()) box.slackViews.close(open.view.id);
});
afterAll(async () => {
  await box.stop();
});

describe('users', () => {
  it('says the email is confirmed, as TEAM requires before trusting it', async () => {
    const byEmail = await slack.users.lookupByEmail({ email: 'alice@example.com' });
    const byId = await slack.users.info({ user: alice });
    for (const user of [byEmail.user, byId.user])
      expect(user).toMatchObject({ is_email_confirmed: true, profile: { email: 'alice@example.com' } });
  });
});

describe('chat.update', () => {
  it('replaces text and blocks, keeps the history, and streams the update', async () => {
    const posted = await slack.chat.postMessage({
      channel: alice,
      text: 'Pending',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Pending' } }],
    });
    const events: string[] = [];
    const stream = await openStream(`${box.url}/outbox/stream`, (event) => events.push(event));
    try {
      const updated = await slack.chat.update({
        channel: posted.channel as string,
        ts: posted.ts as string,
        text: 'Approved by Bob',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Approved* by Bob' } }],
      });
      expect(updated).toMatchObject({
        ok: true,
        channel: posted.channel,
        ts: posted.ts,
        text: 'Approved by Bob',
        message: {
          type: 'message',
          text: 'Approved by Bob',
          bot_id: expect.stringMatching(/^B/),
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Approved* by Bob' } }],
          edited: { user: expect.stringMatching(/^U/), ts: expect.stringMatching(/^\d+\.\d{6}$/) },
        },
      });
      // Only the text: the blocks stay as they are.
      await slack.chat.update({ channel: posted.channel as string, ts: posted.ts as string, text: 'Again' });
      await waitUntil(() => events.filter((e) => e.startsWith('update ')).length === 2);
    } finally {
      stream.close();
    }
    const [stored] = box.outbox.list({ channel: 'slack' });
    expect(stored).toMatchObject({
      text: 'Again',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Approved* by Bob' } }],
      edited: { updates: 2 },
    });
    expect(stored?.history?.map((h) => h.fields)).toEqual([
      { text: 'Pending', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Pending' } }] },
      { text: 'Approved by Bob' },
    ]);
    const update = JSON.parse(events.find((e) => e.startsWith('update '))?.slice(7) ?? '{}') as SlackMessage;
    expect(update).toMatchObject({ id: stored?.id, text: 'Approved by Bob', edited: { updates: 1 } });
  });

  it('answers message_not_found, cant_update_message, invalid_blocks and no_text', async () => {
    const posted = await slack.chat.postMessage({ channel: alice, text: 'Pending' });
    const channel = posted.channel as string;
    expect(await slackError(slack.chat.update({ channel, ts: '1.000001', text: 'x' }))).toMatchObject({
      error: 'message_not_found',
    });
    const ephemeral = await slack.chat.postEphemeral({
      channel: 'team-audit',
      user: alice,
      text: 'only you',
    });
    expect(
      await slackError(
        slack.chat.update({ channel: 'team-audit', ts: ephemeral.message_ts as string, text: 'x' }),
      ),
    ).toMatchObject({ error: 'message_not_found' });
    const human = box.knobs.slack.postAsUser({ channel: 'team-audit', user: alice, text: 'hello' });
    expect(
      await slackError(
        slack.chat.update({ channel: human.conversation, ts: human.ts, text: 'edited by the bot' }),
      ),
    ).toMatchObject({ error: 'cant_update_message' });
    expect(
      await slackError(
        slack.chat.update({ channel, ts: posted.ts as string, blocks: '[{"no":"type"}]' } as never),
      ),
    ).toMatchObject({ error: 'invalid_blocks' });
    const duplicate = [
      { type: 'divider', block_id: 'same' },
      { type: 'divider', block_id: 'same' },
    ];
    expect(
      await slackError(slack.chat.update({ channel, ts: posted.ts as string, text: 'x', blocks: duplicate })),
    ).toMatchObject({ error: 'invalid_blocks' });
    expect(await slackError(slack.chat.update({ channel, ts: posted.ts as string } as never))).toMatchObject({
      error: 'no_text',
    });
    expect(box.outbox.find((m) => m.channel === 'slack' && m.ts === posted.ts)?.edited).toBeUndefined();
  });
});

describe('views.open', () => {
  it('opens a modal for the user of the trigger and answers the view as Slack does', async () => {
    const triggerId = trigger();
    expect(triggerId).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    const opened = await slack.views.open({ trigger_id: triggerId, view: modal() });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V[A-Z0-9]+$/),
      team_id: expect.stringMatching(/^T/),
      type: 'modal',
      callback_id: 'team_decision',
      private_metadata: '{"requestId":"r-1"}',
      external_id: '',
      title: { type: 'plain_text', text: 'Approve request' },
      submit: { type: 'plain_text', text: 'Approve' },
      close: { type: 'plain_text', text: 'Cancel' },
      state: { values: {} },
      hash: expect.stringMatching(/^\d+\.[0-9a-f]+$/),
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: null,
      app_id: expect.stringMatching(/^A/),
      bot_id: expect.stringMatching(/^B/),
    });
    expect(opened.view?.root_view_id).toBe(opened.view?.id);
    // Slack gives blocks without a block_id one of their own.
    expect(opened.view?.blocks?.[0]?.block_id).toEqual(expect.any(String));
    expect(box.slackViews.list()).toEqual([
      expect.objectContaining({ userId: alice, view: expect.objectContaining({ id: opened.view?.id }) }),
    ]);
    expect(box.slackViews.viewOpenedWith(triggerId)?.view.id).toBe(opened.view?.id);
  });

  it('refuses a trigger id used twice, expired, unknown or malformed', async () => {
    const triggerId = trigger();
    await slack.views.open({ trigger_id: triggerId, view: modal() });
    expect(await slackError(slack.views.open({ trigger_id: triggerId, view: modal() }))).toMatchObject({
      error: 'exchanged_trigger_id',
    });
    box.knobs.slack.triggerValidityMs = 20;
    const late = trigger();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await slackError(slack.views.open({ trigger_id: late, view: modal() }))).toMatchObject({
      error: 'expired_trigger_id',
    });
    expect(
      await slackError(slack.views.open({ trigger_id: '1234.5678.abcdef', view: modal() })),
    ).toMatchObject({
      error: 'invalid_trigger_id',
    });
    expect(await slackError(slack.views.open({ trigger_id: 'not-a-trigger', view: modal() }))).toMatchObject({
      error: 'invalid_trigger_id',
    });
  });

  it('refuses a view Slack would refuse, naming the field, and keeps the trigger usable', async () => {
    const triggerId = trigger();
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'home' }, '/view/type'],
      [{ title: { type: 'plain_text', text: 'A title far longer than Slack allows' } }, '/view/title/text'],
      [{ title: undefined }, '/view/title'],
      [{ private_metadata: 'x'.repeat(3001) }, '/view/private_metadata'],
      [{ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }, '/view/blocks'],
      [{ blocks: [{ text: 'no type' }] }, '/view/blocks/0'],
      [{ submit: undefined }, '/view/submit'],
      [
        {
          blocks: [
            { type: 'divider', block_id: 'a' },
            { type: 'divider', block_id: 'a' },
          ],
        },
        '/view/blocks/1/block_id',
      ],
    ];
    for (const [change, pointer] of cases) {
      const failure = await slackError(
        slack.views.open({ trigger_id: triggerId, view: modal(change) as never }),
      );
      expect(failure.error).toBe('invalid_arguments');
      expect(failure.messages.join('\n')).toContain(`[json-pointer:${pointer}]`);
    }
    expect(
      await slackError(slack.apiCall('views.open', { trigger_id: triggerId, view: '{not json' })),
    ).toMatchObject({ error: 'invalid_arguments' });
    const opened = await slack.views.open({
      trigger_id: triggerId,
      view: modal({ private_metadata: 'x'.repeat(3000) }),
    });
    expect(opened.ok).toBe(true);
  });
});

describe('views.update', () => {
  it('replaces an open view by id or external id, checks the hash, and refuses unknown views', async () => {
    const opened = await slack.views.open({
      trigger_id: trigger(),
      view: modal({ external_id: 'decision-r-1' }),
    });
    const view = opened.view as { id: string; hash: string };
    const changed = modal({
      external_id: 'decision-r-1',
      title: { type: 'plain_text', text: 'Request approved' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Done.' } }],
      submit: undefined,
    });
    const updated = await slack.views.update({ view_id: view.id, hash: view.hash, view: changed });
    expect(updated.view).toMatchObject({ id: view.id, title: { text: 'Request approved' } });
    expect(updated.view?.hash).not.toBe(view.hash);
    expect(updated.view).not.toHaveProperty('submit');
    expect(
      await slackError(slack.views.update({ view_id: view.id, hash: view.hash, view: changed })),
    ).toMatchObject({
      error: 'hash_conflict',
    });
    const byExternal = await slack.views.update({ external_id: 'decision-r-1', view: changed });
    expect(byExternal.view?.id).toBe(view.id);
    expect(await slackError(slack.views.update({ view_id: 'VNOPE', view: changed }))).toMatchObject({
      error: 'not_found',
    });
    expect(await slackError(slack.views.update({ external_id: 'other', view: changed }))).toMatchObject({
      error: 'not_found',
    });
    expect(
      await slackError(slack.views.update({ view_id: view.id, view: { ...changed, type: 'home' } as never })),
    ).toMatchObject({ error: 'invalid_arguments' });
    // Another view may not take an external id that is in use.
    expect(
      await slackError(
        slack.views.open({ trigger_id: trigger(), view: modal({ external_id: 'decision-r-1' }) }),
      ),
    ).toMatchObject({ error: 'duplicate_external_id' });
  });
});

describe('Outbox.update and find', () => {
  it('persists updates to the JSON-lines file: a restart sees the latest version once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-outbox-'));
    try {
      const file = join(dir, 'outbox.jsonl');
      const outbox = new Outbox({ file });
      const message = outbox.add({
        channel: 'slack',
        method: 'chat.postMessage',
        ts: '1.000001',
        conversation: 'D1',
        text: 'before',
      });
      expect(outbox.update<'slack'>(message.id, { text: 'after' })).toMatchObject({ text: 'after' });
      expect(outbox.update('msg-unknown', { text: 'x' })).toBeUndefined();
      expect(outbox.find(message.id)).toMatchObject({ text: 'after', edited: { updates: 1 } });
      const again = new Outbox({ file });
      expect(again.list()).toEqual([
        expect.objectContaining({
          id: message.id,
          text: 'after',
          seq: 1,
          history: [{ at: message.at, fields: { text: 'before' } }],
        }),
      ]);
      expect(again.lastSeq).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forgets trigger ids after ten minutes', () => {
    let now = 1_000_000;
    const views = new SlackViews({ now: () => now });
    const old = views.issueTrigger('U1');
    now += 11 * 60_000;
    views.issueTrigger('U1');
    expect(() => views.open(old, modal())).toThrow('invalid_trigger_id');
  });
});

/** Reads a server-sent event stream; each event is passed on as `<event> <data>`. */
function openStream(url: string, onEvent: (event: string) => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event) onEvent(`${event} ${data ?? ''}`);
        }
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

async function waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
