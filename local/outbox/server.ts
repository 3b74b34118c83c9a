import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './http';
import { createSlackInteractions, DEFAULT_SLACK_SIGNING_SECRET } from './interactions';
import { Outbox, type OutboxChannel, type OutboxMessage } from './outbox';
import { defaultSesKnobs, handleSes, type SesKnobs } from './ses';
import { createSlackStub, type SlackChannelSeed, type SlackKnobs, type SlackUserSeed } from './slack';
import type { SlackViews, ViewEvent } from './slack-views';
import { defaultSnsKnobs, handleSns, type SnsKnobs, type SnsState } from './sns';
import { defaultTeamsKnobs, handleTeams, LOCAL_TEAMS_WEBHOOK, type TeamsKnobs } from './teams';

/**
 * One HTTP server for everything TEAM sends: SES v2 at `/v2/email/…`, SNS at `/sns`, the Slack Web
 * API at `/api/…`, Teams Workflows webhooks at `/teams/webhook/<name>`, and the outbox itself at
 * `GET /outbox` (JSON), `GET /outbox/stream` (server-sent events: `message`, `update` when a
 * message is edited, `view` when a modal opens, changes or closes, `clear`) and `DELETE /outbox`.
 * Slack's side of interactivity (button clicks, modal submissions, signed like Slack's) is under
 * `/outbox/slack/` (see interactions.ts).
 */

export interface StartOutboxOptions {
  port?: number;
  /** The bot token the Slack stub accepts. */
  slackToken?: string;
  slackUsers?: SlackUserSeed[];
  /** Channels the bot can post to; `team-audit` by default. */
  slackChannels?: SlackChannelSeed[];
  /** The secret interaction payloads are signed with; DEFAULT_SLACK_SIGNING_SECRET by default. */
  slackSigningSecret?: string;
  /** TEAM's interactivity endpoint (loopback only); may be set later with `knobs.slack.setInteractivityUrl`. */
  slackInteractivityUrl?: string;
  /** How long a trigger id can open a modal (ms); Slack's 3 s by default. */
  slackTriggerValidityMs?: number;
  /** How long to wait for TEAM to acknowledge an interaction (ms); Slack's 3 s by default. */
  slackAckTimeoutMs?: number;
  /** SNS topics that exist from the start (ARNs or names). */
  snsTopics?: string[];
  accountId?: string;
  region?: string;
  /** Persist messages to this JSON-lines file. */
  file?: string;
  /** Use this outbox instead of a new one. */
  outbox?: Outbox;
}

export interface OutboxKnobs {
  ses: SesKnobs;
  sns: SnsKnobs;
  slack: SlackKnobs;
  teams: TeamsKnobs;
}

export interface RunningOutbox {
  url: string;
  /** Endpoint for `SESv2Client`. */
  sesUrl: string;
  /** Endpoint for `SNSClient`. */
  snsUrl: string;
  /** `slackApiUrl` for `@slack/web-api`'s WebClient. */
  slackApiUrl: string;
  /** The Teams Workflows webhook URL TEAM's local backend posts to (`/teams/webhook/team-local`). */
  teamsWebhookUrl: string;
  outbox: Outbox;
  knobs: OutboxKnobs;
  /** Topic ARNs that exist. */
  snsTopics: Set<string>;
  /** The Slack stub's trigger ids and open modals. */
  slackViews: SlackViews;
  stop(): Promise<void>;
}

export const DEFAULT_SLACK_TOKEN = 'xoxb-local-team-bot-token';
const HEARTBEAT_MS = 15_000;

const CHANNELS: readonly OutboxChannel[] = ['email', 'sns', 'slack', 'teams'];

function parseSince(value: string | null): number | string | undefined {
  if (value === null || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Starts the outbox server on 127.0.0.1 (port 0 = any free port). */
export async function startOutbox(options: StartOutboxOptions = {}): Promise<RunningOutbox> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const outbox = options.outbox ?? new Outbox({ file: options.file });
  const snsState: SnsState = {
    accountId,
    region,
    topics: new Set(
      (options.snsTopics ?? []).map((t) =>
        t.startsWith('arn:') ? t : `arn:aws:sns:${region}:${accountId}:${t}`,
      ),
    ),
  };
  const slack = createSlackStub({
    outbox,
    token: options.slackToken ?? DEFAULT_SLACK_TOKEN,
    users: options.slackUsers ?? [],
    channels: options.slackChannels ?? [{ name: 'team-audit' }],
    signingSecret: options.slackSigningSecret ?? DEFAULT_SLACK_SIGNING_SECRET,
    interactivityUrl: options.slackInteractivityUrl,
    triggerValidityMs: options.slackTriggerValidityMs,
    ackTimeoutMs: options.slackAckTimeoutMs,
  });
  let ownUrl = '';
  const interactions = createSlackInteractions({ stub: slack, outbox, baseUrl: () => ownUrl });
  const knobs: OutboxKnobs = {
    ses: defaultSesKnobs(),
    sns: defaultSnsKnobs(),
    slack: slack.knobs,
    teams: defaultTeamsKnobs(),
  };
  const streams = new Set<ServerResponse>();

  const stream = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const channel = url.searchParams.get('channel');
    const wanted = (m: OutboxMessage) => !channel || m.channel === channel;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'access-control-allow-origin': '*',
    });
    res.write('retry: 2000\n\n');
    const write = (m: OutboxMessage) => {
      if (wanted(m)) res.write(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
    };
    // No id: an edit must not move the client's resume point back to an older message.
    const writeUpdate = (m: OutboxMessage) => {
      if (wanted(m)) res.write(`event: update\ndata: ${JSON.stringify(m)}\n\n`);
    };
    const writeView = (event: ViewEvent) => {
      if (!channel || channel === 'slack') res.write(`event: view\ndata: ${JSON.stringify(event)}\n\n`);
    };
    // Replays what the client missed: after Last-Event-ID on reconnect, or after ?since=.
    const lastId = req.headers['last-event-id'] ?? url.searchParams.get('since');
    if (lastId !== null && lastId !== undefined && lastId !== '') {
      const since = parseSince(String(lastId));
      for (const m of outbox.list({ since })) write(m);
    }
    const offMessage = outbox.on('message', write);
    const offUpdate = outbox.on('update', writeUpdate);
    const offView = slack.views.on(writeView);
    const offClear = outbox.on('clear', () => res.write('event: clear\ndata: {}\n\n'));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    streams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      offMessage();
      offUpdate();
      offView();
      offClear();
      streams.delete(res);
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path.startsWith('/v2/email/')) return handleSes(req, res, path, knobs.ses, outbox);
    if (path === '/sns' || path === '/sns/') return handleSns(req, res, knobs.sns, snsState, outbox);
    if (path.startsWith('/api/')) return slack.handle(req, res, url);
    if (path.startsWith('/teams/') && (await handleTeams(req, res, path, knobs.teams, outbox))) return;
    const cors = { 'access-control-allow-origin': '*' };
    if (path === '/outbox/stream' && req.method === 'GET') return stream(req, res, url);
    if (path.startsWith('/outbox/slack/') && (await interactions.handle(req, res, path))) return;
    if (path === '/outbox' && req.method === 'GET') {
      const channel = url.searchParams.get('channel');
      if (channel && !CHANNELS.includes(channel as OutboxChannel))
        return sendJson(res, 400, { message: `Unknown channel ${channel}` }, cors);
      const messages = outbox.list({
        channel: (channel || undefined) as OutboxChannel | undefined,
        since: parseSince(url.searchParams.get('since')),
      });
      return sendJson(res, 200, { messages, lastSeq: outbox.lastSeq }, cors);
    }
    if (path === '/outbox' && req.method === 'DELETE') {
      outbox.clear();
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    sendJson(res, 404, { message: `Nothing at ${req.method} ${path}` });
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ownUrl = url;

  return {
    url,
    sesUrl: url,
    snsUrl: `${url}/sns`,
    slackApiUrl: `${url}/api/`,
    teamsWebhookUrl: `${url}/teams/webhook/${LOCAL_TEAMS_WEBHOOK}`,
    outbox,
    knobs,
    snsTopics: snsState.topics,
    slackViews: slack.views,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
