import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from './http';
import type { Outbox, SlackMessage } from './outbox';
import { APP_ID, BOT_ID, BOT_USER_ID, SlackApiError, slackId, slackTs, TEAM_ID } from './slack-common';
import { SlackViews } from './slack-views';

export { slackId } from './slack-common';

/**
 * A Slack Web API stub for `@slack/web-api` (`slackApiUrl: '<url>/api/'`): `auth.test`,
 * `users.lookupByEmail`, `users.info`, `conversations.open`, `chat.postMessage`,
 * `chat.postEphemeral`, `chat.update`, `views.open` and `views.update`. Like Slack, every answer
 * is HTTP 200 with `{ ok, error }`, except rate limiting: HTTP 429 with `Retry-After` (seconds)
 * and `{ ok: false, error: 'ratelimited' }`.
 */

export interface SlackUserSeed {
  email: string;
  name: string;
  /** IANA time zone, e.g. `Europe/Amsterdam`; UTC by default. */
  tz?: string;
  id?: string;
}

export interface SlackChannelSeed {
  name: string;
  id?: string;
  /** Whether the bot was invited (posting elsewhere answers `not_in_channel`); true by default. */
  botIsMember?: boolean;
}

export interface SlackKnobs {
  /** The bot token the stub accepts; calls with another token get `invalid_auth`. */
  token: string;
  /** The next `count` calls answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` calls answer `{ ok: false, error }` (e.g. `internal_error`). */
  failNext(count: number, error: string): void;
  /** How long a trigger id can open a view (ms); Slack's 3 s unless set. */
  triggerValidityMs: number;
  /** The secret interaction payloads are signed with (TEAM verifies them with the same one). */
  signingSecret: string;
  /** Where interaction payloads go (TEAM's interactivity endpoint); unset until TEAM's is up. */
  readonly interactivityUrl: string | undefined;
  /** Sets (or unsets) the interactivity URL; it must be a loopback http(s) URL. */
  setInteractivityUrl(url: string | undefined): void;
  /** How long the simulator waits for TEAM to acknowledge an interaction (ms); Slack waits 3 s. */
  ackTimeoutMs: number;
  /**
   * Puts a message a person (`user`, a Slack user id) wrote into a conversation, e.g. to check
   * that the bot cannot `chat.update` it (`cant_update_message`).
   */
  postAsUser(args: { channel: string; user: string; text: string }): SlackMessage;
}

interface SlackUser {
  id: string;
  email: string;
  name: string;
  tz: string;
}

interface SlackChannel {
  id: string;
  name: string;
  botIsMember: boolean;
}

/** Slack's limit on blocks in a message. */
const MESSAGE_BLOCKS_MAX = 50;
/** How long Slack waits for an app to acknowledge an interaction. */
export const DEFAULT_ACK_TIMEOUT_MS = 3000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL itself when it is an http(s) URL on this machine; signed payloads never leave it. */
function loopbackUrl(value: string): string {
  const url = new URL(value);
  if (!/^https?:$/.test(url.protocol) || !LOOPBACK_HOSTS.has(url.hostname))
    throw new Error(`The Slack interactivity URL must be a loopback http(s) URL, not ${value}`);
  return url.toString();
}

function zoneInfo(tz: string, at: Date) {
  const part = (style: 'long' | 'longOffset') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const seconds = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60)
    : 0;
  return { label: part('long') || tz, offset: seconds };
}

/** Builds the stub; `handle` serves one request whose path starts with `/api/`. */
export function createSlackStub(options: {
  outbox: Outbox;
  token: string;
  users: SlackUserSeed[];
  channels: SlackChannelSeed[];
  /** How long a trigger id can open a view (ms); Slack's 3 s by default. */
  triggerValidityMs?: number;
  signingSecret: string;
  interactivityUrl?: string;
  ackTimeoutMs?: number;
}) {
  const { outbox } = options;
  const views = new SlackViews({ triggerValidityMs: options.triggerValidityMs });
  const users = options.users.map((u): SlackUser => ({
    id: u.id ?? slackId('U', u.email.toLowerCase()),
    email: u.email,
    name: u.name,
    tz: u.tz ?? 'UTC',
  }));
  for (const user of users) zoneInfo(user.tz, new Date()); // throws early on an unknown time zone
  const channels = options.channels.map((c): SlackChannel => ({
    id: c.id ?? slackId('C', c.name.replace(/^#/, '')),
    name: c.name.replace(/^#/, ''),
    botIsMember: c.botIsMember ?? true,
  }));
  const openDms = new Set<string>();
  let rateLimited = { count: 0, retryAfter: 1 };
  let failures = { count: 0, error: 'internal_error' };
  let tsCounter = 0;
  let interactivityUrl = options.interactivityUrl && loopbackUrl(options.interactivityUrl);

  const knobs: SlackKnobs = {
    token: options.token,
    rateLimitNext(count, retryAfterSeconds) {
      rateLimited = { count, retryAfter: retryAfterSeconds };
    },
    failNext(count, error) {
      failures = { count, error };
    },
    get triggerValidityMs() {
      return views.triggerValidityMs;
    },
    set triggerValidityMs(ms: number) {
      views.triggerValidityMs = ms;
    },
    signingSecret: options.signingSecret,
    get interactivityUrl() {
      return interactivityUrl;
    },
    setInteractivityUrl(url) {
      interactivityUrl = url === undefined ? undefined : loopbackUrl(url);
    },
    ackTimeoutMs: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
    postAsUser({ channel, user, text }) {
      const author = userById(user);
      if (!author) throw new Error(`No Slack user ${user}`);
      const target = resolveConversation(channel);
      return outbox.add({
        channel: 'slack',
        method: 'chat.postMessage',
        ts: nextTs(),
        conversation: target.id,
        conversationName: target.channel?.name,
        recipient: target.user
          ? { userId: target.user.id, email: target.user.email, name: target.user.name }
          : undefined,
        author: author.id,
        text,
      });
    },
  };

  const dmId = (user: SlackUser) => slackId('D', user.id);
  const userById = (id: string) => users.find((u) => u.id === id);
  const nextTs = () => slackTs(Date.now(), ++tsCounter);

  const userObject = (user: SlackUser) => {
    const zone = zoneInfo(user.tz, new Date());
    const handle = user.email.split('@')[0] ?? user.name;
    return {
      id: user.id,
      team_id: TEAM_ID,
      name: handle,
      deleted: false,
      real_name: user.name,
      is_email_confirmed: true,
      tz: user.tz,
      tz_label: zone.label,
      tz_offset: zone.offset,
      profile: { email: user.email, real_name: user.name, display_name: handle, team: TEAM_ID },
      is_admin: false,
      is_bot: false,
      is_app_user: false,
    };
  };

  /** Resolves a `channel` argument: a user id (DM), a DM/channel id, or a channel name. */
  const resolveConversation = (channel: string) => {
    const user = userById(channel);
    if (user) return { id: dmId(user), user };
    const dmUser = users.find((u) => dmId(u) === channel);
    if (dmUser) return { id: channel, user: dmUser };
    const name = channel.replace(/^#/, '');
    const found = channels.find((c) => c.id === channel || c.name === name);
    if (!found) throw new SlackApiError('channel_not_found');
    if (!found.botIsMember) throw new SlackApiError('not_in_channel');
    return { id: found.id, channel: found };
  };

  const readBlocks = (value: unknown): unknown[] | undefined => {
    if (value === undefined || value === '') return undefined;
    let blocks = value;
    if (typeof value === 'string') {
      try {
        blocks = JSON.parse(value);
      } catch {
        throw new SlackApiError('invalid_blocks');
      }
    }
    if (
      !Array.isArray(blocks) ||
      blocks.length > MESSAGE_BLOCKS_MAX ||
      blocks.some(
        (b) => typeof b !== 'object' || b === null || typeof (b as { type?: unknown }).type !== 'string',
      )
    )
      throw new SlackApiError('invalid_blocks');
    // Slack refuses a message whose blocks share a block_id.
    const ids = blocks.map((b) => (b as { block_id?: unknown }).block_id).filter((id) => id !== undefined);
    if (ids.some((id) => typeof id !== 'string' || id === '') || new Set(ids).size !== ids.length)
      throw new SlackApiError('invalid_blocks');
    return blocks;
  };

  /** The message `chat.update` and the simulator act on: a post in `conversation` at `ts`. */
  const findMessage = (conversation: string, ts: string): SlackMessage | undefined =>
    outbox.find((m) => m.channel === 'slack' && m.conversation === conversation && m.ts === ts) as
      SlackMessage | undefined;

  /** A stored message as Slack shows it in API answers and interaction payloads. */
  const messageObject = (message: SlackMessage) => ({
    type: 'message',
    text: message.text ?? '',
    user: message.author ?? BOT_USER_ID,
    ...(message.author ? {} : { bot_id: BOT_ID, app_id: APP_ID }),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ts: message.ts,
    team: TEAM_ID,
    ...(message.edited
      ? { edited: { user: BOT_USER_ID, ts: slackTs(Date.parse(message.edited.at), message.edited.updates) } }
      : {}),
  });

  const text = (args: Record<string, unknown>, blocks: unknown[] | undefined) => {
    const value = typeof args.text === 'string' && args.text !== '' ? args.text : undefined;
    if (value === undefined && !blocks && !args.attachments) throw new SlackApiError('no_text');
    if (value && value.length > 40_000) throw new SlackApiError('msg_too_long');
    return value;
  };

  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: 'https://team-local.slack.com/',
      team: 'TEAM Local',
      user: 'team',
      team_id: TEAM_ID,
      user_id: BOT_USER_ID,
      bot_id: BOT_ID,
      is_enterprise_install: false,
    }),
    'users.lookupByEmail': (args) => {
      if (typeof args.email !== 'string' || !args.email) throw new SlackApiError('invalid_arguments');
      const email = args.email.toLowerCase();
      const user = users.find((u) => u.email.toLowerCase() === email);
      if (!user) throw new SlackApiError('users_not_found');
      return { user: userObject(user) };
    },
    'users.info': (args) => {
      const user = typeof args.user === 'string' ? userById(args.user) : undefined;
      if (!user) throw new SlackApiError('user_not_found');
      return { user: userObject(user) };
    },
    'conversations.open': (args) => {
      if (typeof args.channel === 'string' && args.channel) {
        const dmUser = users.find((u) => dmId(u) === args.channel);
        if (!dmUser) throw new SlackApiError('channel_not_found');
        return { no_op: true, already_open: true, channel: { id: args.channel } };
      }
      const ids =
        typeof args.users === 'string'
          ? args.users
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
      const members = ids.map((id) => userById(id));
      if (members.some((m) => !m)) throw new SlackApiError('user_not_found');
      const id = ids.length === 1 ? dmId(members[0] as SlackUser) : slackId('G', [...ids].sort().join(','));
      const already = openDms.has(id);
      openDms.add(id);
      return already ? { no_op: true, already_open: true, channel: { id } } : { channel: { id } };
    },
    'chat.postMessage': (args) => {
      if (typeof args.channel !== 'string' || !args.channel) throw new SlackApiError('channel_not_found');
      const target = resolveConversation(args.channel);
      const blocks = readBlocks(args.blocks);
      const body = text(args, blocks);
      const ts = nextTs();
      outbox.add({
        channel: 'slack',
        method: 'chat.postMessage',
        ts,
        conversation: target.id,
        conversationName: target.channel?.name,
        recipient: target.user
          ? { userId: target.user.id, email: target.user.email, name: target.user.name }
          : undefined,
        text: body,
        blocks,
      });
      return {
        channel: target.id,
        ts,
        message: {
          type: 'message',
          text: body ?? '',
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          blocks,
          ts,
          team: TEAM_ID,
        },
      };
    },
    'chat.update': (args) => {
      if (typeof args.channel !== 'string' || !args.channel) throw new SlackApiError('channel_not_found');
      if (typeof args.ts !== 'string' || !args.ts) throw new SlackApiError('message_not_found');
      const target = resolveConversation(args.channel);
      const message = findMessage(target.id, args.ts);
      // Ephemeral messages cannot be edited through the Web API: Slack does not find them.
      if (!message || message.method !== 'chat.postMessage') throw new SlackApiError('message_not_found');
      if (message.author) throw new SlackApiError('cant_update_message');
      const blocks = readBlocks(args.blocks === '' ? undefined : args.blocks);
      const newText = typeof args.text === 'string' && args.text !== '' ? args.text : undefined;
      if (newText === undefined && blocks === undefined) throw new SlackApiError('no_text');
      if (newText && newText.length > 40_000) throw new SlackApiError('msg_too_long');
      // Like Slack: blocks left out keep the old ones, an empty array removes them.
      const updated = outbox.update<'slack'>(message.id, {
        ...(newText === undefined ? {} : { text: newText }),
        ...(blocks === undefined ? {} : { blocks: blocks.length ? blocks : undefined }),
      }) as SlackMessage;
      return {
        channel: target.id,
        ts: updated.ts,
        text: updated.text ?? '',
        message: messageObject(updated),
      };
    },
    'views.open': (args) => {
      if (args.trigger_id === undefined && args.interactivity_pointer !== undefined)
        return { view: views.open(args.interactivity_pointer, args.view) };
      return { view: views.open(args.trigger_id, args.view) };
    },
    'views.update': (args) => ({
      view: views.update({ viewId: args.view_id, externalId: args.external_id, hash: args.hash }, args.view),
    }),
    'chat.postEphemeral': (args) => {
      if (typeof args.channel !== 'string' || !args.channel) throw new SlackApiError('channel_not_found');
      const target = resolveConversation(args.channel);
      const user = typeof args.user === 'string' ? userById(args.user) : undefined;
      if (!user) throw new SlackApiError('user_not_in_channel');
      const blocks = readBlocks(args.blocks);
      const body = text(args, blocks);
      const ts = nextTs();
      outbox.add({
        channel: 'slack',
        method: 'chat.postEphemeral',
        ts,
        conversation: target.id,
        conversationName: target.channel?.name,
        recipient: { userId: user.id, email: user.email, name: user.name },
        text: body,
        blocks,
      });
      return { message_ts: ts };
    },
  };

  async function readArgs(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
    const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    if (!raw) return args;
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          Object.assign(args, parsed);
      } catch {
        throw new SlackApiError('invalid_json');
      }
    } else {
      Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
    }
    return args;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = url.pathname.replace(/^\/api\//, '');
    const json = (body: Record<string, unknown>, status = 200, headers: Record<string, string> = {}) =>
      sendJson(res, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
    try {
      const args = await readArgs(req, url);
      if (rateLimited.count > 0) {
        rateLimited.count--;
        json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(rateLimited.retryAfter) });
        return;
      }
      const header = String(req.headers.authorization ?? '');
      const token = header.startsWith('Bearer ')
        ? header.slice(7)
        : typeof args.token === 'string'
          ? args.token
          : '';
      const handler = methods[method];
      if (!handler) throw new SlackApiError('unknown_method');
      if (method !== 'api.test') {
        if (!token) throw new SlackApiError('not_authed');
        if (token !== knobs.token) throw new SlackApiError('invalid_auth');
      }
      if (failures.count > 0) {
        failures.count--;
        throw new SlackApiError(failures.error);
      }
      json({ ok: true, ...handler(args) });
    } catch (err) {
      if (err instanceof BodyTooLarge) json({ ok: false, error: 'request_too_large' }, 413, err.headers);
      else if (err instanceof SlackApiError)
        json({
          ok: false,
          error: err.code,
          ...(err.messages.length ? { response_metadata: { messages: err.messages } } : {}),
        });
      else json({ ok: false, error: 'internal_error' });
    }
  }

  return { knobs, handle, users, channels, views, userById, dmId, findMessage, messageObject };
}

export type SlackStub = ReturnType<typeof createSlackStub>;
