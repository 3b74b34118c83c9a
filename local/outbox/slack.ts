import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from './http';
import type { Outbox } from './outbox';

/**
 * A Slack Web API stub for `@slack/web-api` (`slackApiUrl: '<url>/api/'`): `auth.test`,
 * `users.lookupByEmail`, `users.info`, `conversations.open`, `chat.postMessage`,
 * `chat.postEphemeral`. Like Slack, every answer is HTTP 200 with `{ ok, error }`, except rate
 * limiting: HTTP 429 with `Retry-After` (seconds) and `{ ok: false, error: 'ratelimited' }`.
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

const TEAM_ID = 'T0LOCALTEAM';
const BOT_USER_ID = 'U0TEAMBOT01';
const BOT_ID = 'B0TEAMBOT01';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A stable Slack-looking id (`U…`, `C…`, `D…`) derived from a key. */
export function slackId(prefix: string, key: string): string {
  const digest = createHash('sha256').update(key).digest();
  let id = prefix;
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
  return id;
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

class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Builds the stub; `handle` serves one request whose path starts with `/api/`. */
export function createSlackStub(options: {
  outbox: Outbox;
  token: string;
  users: SlackUserSeed[];
  channels: SlackChannelSeed[];
}) {
  const { outbox } = options;
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

  const knobs: SlackKnobs = {
    token: options.token,
    rateLimitNext(count, retryAfterSeconds) {
      rateLimited = { count, retryAfter: retryAfterSeconds };
    },
    failNext(count, error) {
      failures = { count, error };
    },
  };

  const dmId = (user: SlackUser) => slackId('D', user.id);
  const userById = (id: string) => users.find((u) => u.id === id);
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const userObject = (user: SlackUser) => {
    const zone = zoneInfo(user.tz, new Date());
    const handle = user.email.split('@')[0] ?? user.name;
    return {
      id: user.id,
      team_id: TEAM_ID,
      name: handle,
      deleted: false,
      real_name: user.name,
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
      blocks.length > 50 ||
      blocks.some(
        (b) => typeof b !== 'object' || b === null || typeof (b as { type?: unknown }).type !== 'string',
      )
    )
      throw new SlackApiError('invalid_blocks');
    return blocks;
  };

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
      else json({ ok: false, error: err instanceof SlackApiError ? err.code : 'internal_error' });
    }
  }

  return { knobs, handle, users, channels };
}
