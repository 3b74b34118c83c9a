import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { escapeTeamsMarkdown } from '../../../lambdas/adapters/notify/escape';
import {
  retryAfterSeconds,
  TeamsChannel,
  teamsCard,
  teamsPayload,
  type AdaptiveCard,
  type TeamsChannelOptions,
  type TeamsTextBlock,
} from '../../../lambdas/adapters/notify/teams';
import { TIME_FIELDS } from '../../../lambdas/core/notifications/message';
import { formatInTimeZone } from '../../../lambdas/core/notifications/text';
import { noFaults } from '../../../local/common/aws-json-server';
import { startOutbox, type RunningOutbox } from '../../../local/outbox';
import { InMemorySecretStore } from '../../fakes/settings';
import { APP_URL, deliveryFor, HOSTILE_JUSTIFICATION, requestAfter } from './support';

const WEBHOOK = 'https://prod-11.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=S3cr3tSig';

/** What Teams shows for escaped Markdown: backslash escapes resolved, paragraph breaks as line breaks. */
const shown = (markdown: string) => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\n\n/g, '\n');

/** Markdown punctuation left unescaped (a backslash before it escapes it). */
const unescaped = (markdown: string) => {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i += 1) {
    const ch = markdown[i] as string;
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if ('*_~`[]()#+-.!<>|&='.includes(ch)) found.push(ch);
  }
  return found;
};

const textBlocks = (card: AdaptiveCard) =>
  card.body.filter((e): e is TeamsTextBlock => e.type === 'TextBlock').map((e) => e.text);

describe('escapeTeamsMarkdown', () => {
  it.each([
    ['plain words stay as they are', 'Look at the deployment', 'Look at the deployment'],
    ['emphasis', '*bold* _it_ ~~gone~~', '\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~'],
    ['a Markdown link', '[x](https://evil)', '\\[x\\]\\(https://evil\\)'],
    [
      'a Slack-style link and mention',
      '<https://evil|click> <!channel>',
      '\\<https://evil\\|click\\> \\<\\!channel\\>',
    ],
    ['a Teams mention', '<at>Everyone</at>', '\\<at\\>Everyone\\</at\\>'],
    ['HTML and an entity', '<b>x</b> &lt;', '\\<b\\>x\\</b\\> \\&lt;'],
    ['a heading, a list, a quote', '# H\n1. one\n- two\n> q', '\\# H\n\n1\\. one\n\n\\- two\n\n\\> q'],
    ['code and a backslash', '`rm -rf` \\*', '\\`rm \\-rf\\` \\\\\\*'],
    ['a setext underline and a table', 'a\n===\n|x|', 'a\n\n\\=\\=\\=\n\n\\|x\\|'],
    ['Japanese text', '本番環境の障害対応のため', '本番環境の障害対応のため'],
  ])('%s', (_name, input, expected) => {
    expect(escapeTeamsMarkdown(input)).toBe(expected);
    expect(shown(escapeTeamsMarkdown(input))).toBe(input);
  });

  it('cuts long text before escaping, whole characters only', () => {
    expect(escapeTeamsMarkdown('abcdef', 4)).toBe('abc…');
    expect(escapeTeamsMarkdown('日本語テキスト', 3)).toBe('日本…');
    expect(escapeTeamsMarkdown('a*b', 3)).toBe('a\\*b');
  });
});

describe('teamsCard', () => {
  it('is an Adaptive Card 1.4: title, summary, facts in UTC, free text in blocks, Open in TEAM', () => {
    const { message } = deliveryFor('approved');
    const card = teamsCard(message);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' } });
    expect(card.body[0]).toEqual({
      type: 'TextBlock',
      text: escapeTeamsMarkdown(message.title),
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      style: 'heading',
    });
    expect(card.body[1]).toEqual({
      type: 'TextBlock',
      text: escapeTeamsMarkdown(message.summary),
      wrap: true,
    });

    const long = new Set(['justification', 'reason', 'comment', 'error']);
    const facts = card.body.find((e) => e.type === 'FactSet');
    expect(facts?.type === 'FactSet' && facts.facts).toEqual(
      message.fields
        .filter((f) => !long.has(f.key))
        .map((f) => ({
          title: escapeTeamsMarkdown(f.label),
          value: escapeTeamsMarkdown(TIME_FIELDS.has(f.key) ? formatInTimeZone(f.value, 'UTC') : f.value),
        })),
    );
    const start = message.fields.find((f) => f.key === 'start');
    expect(JSON.stringify(facts)).toContain(escapeTeamsMarkdown(formatInTimeZone(start?.value ?? '', 'UTC')));
    expect(JSON.stringify(facts)).toContain('UTC');

    // The free text after the facts: a bold label, then the text.
    const texts = textBlocks(card);
    for (const field of message.fields.filter((f) => long.has(f.key))) {
      const at = texts.indexOf(escapeTeamsMarkdown(field.label));
      expect(at, field.key).toBeGreaterThan(1);
      expect(shown(texts[at + 1] ?? '')).toBe(field.value);
    }
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in TEAM', url: message.link }]);
    expect(message.link.startsWith(`${APP_URL}/`)).toBe(true);
    expect(card.body.some((e) => e.type === 'TextBlock' && e.color === 'Attention')).toBe(false);
  });

  it('makes a break-glass alert unmistakable: attention colour and an alert line', () => {
    const { message } = deliveryFor('break-glass');
    expect(message.priority).toBe('high');
    const card = teamsCard(message);
    expect(card.body[0]).toMatchObject({ weight: 'Bolder', size: 'Medium', color: 'Attention' });
    expect(card.body[1]).toMatchObject({ type: 'TextBlock', weight: 'Bolder', color: 'Attention' });
    expect(shown((card.body[1] as TeamsTextBlock).text)).toBe(
      'HIGH PRIORITY: break-glass access was taken without approval. Review it now.',
    );
  });

  it.each([
    ['a Slack channel mention', '<!channel>'],
    ['a Slack link with a label', '<https://evil|click>'],
    ['bold', '*bold*'],
    ['a Markdown link', '[x](https://evil)'],
    ['a Teams mention', '<at>Everyone</at>'],
    ['HTML', '<img src=x onerror=alert(1)>'],
    ['an image', '![x](https://evil/pixel.png)'],
    ['a heading and a list over lines', '# Urgent\n- approve now\n1. really'],
    ['all of them', HOSTILE_JUSTIFICATION],
  ])('shows %s in a justification literally', (_name, justification) => {
    const { message } = deliveryFor('pending', requestAfter('pending', { justification }));
    const card = teamsCard(message);
    const block = textBlocks(card).find((t) => shown(t) === justification);
    expect(block, 'the justification block').toBeDefined();
    for (const text of textBlocks(card)) expect(unescaped(text), text).toEqual([]);
    const facts = card.body.flatMap((e) => (e.type === 'FactSet' ? e.facts : []));
    for (const fact of facts) expect([...unescaped(fact.title), ...unescaped(fact.value)]).toEqual([]);
    // No mention entities: nothing in the card can notify anyone.
    expect(JSON.stringify(card)).not.toContain('entities');
  });

  it('escapes names and ticket numbers people typed, in the facts too', () => {
    const request = requestAfter('pending', { ticketNo: '[INC-1](https://evil)' });
    const card = teamsCard(deliveryFor('pending', request).message);
    const facts = card.body.flatMap((e) => (e.type === 'FactSet' ? e.facts : []));
    const ticket = facts.find((f) => shown(f.value) === '[INC-1](https://evil)');
    expect(ticket?.value).toBe('\\[INC\\-1\\]\\(https://evil\\)');
  });

  it('wraps the card as the Workflows webhook expects', () => {
    const { message } = deliveryFor('approved');
    expect(teamsPayload(message)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: teamsCard(message),
        },
      ],
    });
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['7', 7],
    [' 0 ', 0],
    ['soon', undefined],
    ['Mon, 02 Mar 2026 09:00:30 GMT', 30],
    ['Mon, 02 Mar 2026 08:59:00 GMT', 0],
  ])('reads %j as %j', (header, seconds) => {
    expect(retryAfterSeconds(header, Date.parse('2026-03-02T09:00:00.000Z'))).toBe(seconds);
  });
});

/** A fetch that answers from a script and records what was posted. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  return { fetch: fake, calls };
}

const answer =
  (status: number, body = '', headers: Record<string, string> = {}) =>
  () =>
    new Response(status === 202 || body === '' ? null : body, { status, headers });

describe('TeamsChannel', () => {
  let secrets: InMemorySecretStore;
  let waits: number[];

  beforeEach(async () => {
    secrets = new InMemorySecretStore();
    await secrets.putSecret('teamsWebhookUrl', WEBHOOK);
    waits = [];
  });

  const channel = (fetch: typeof globalThis.fetch, options: Partial<TeamsChannelOptions> = {}) =>
    new TeamsChannel({
      secrets,
      fetch,
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    });

  it('posts one card to the webhook as JSON', async () => {
    const { fetch, calls } = scripted([answer(202)]);
    const delivery = deliveryFor('approved');
    const report = await channel(fetch).send(delivery);
    expect(report).toEqual({ delivered: ['Teams channel'], failures: [], skipped: [] });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(WEBHOOK);
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.headers).toEqual({ 'content-type': 'application/json' });
    expect(calls[0]?.init.signal).toBeInstanceOf(AbortSignal);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(teamsPayload(delivery.message));
  });

  it.each([
    [
      'a 429 with Retry-After',
      [answer(429, 'Too many requests', { 'retry-after': '2' }), answer(202)],
      [2000],
    ],
    [
      'a 5xx without Retry-After, twice (growing pauses)',
      [answer(503, 'Service Unavailable'), answer(500), answer(200)],
      [100, 200],
    ],
    ['a 502 with Retry-After 0', [answer(502, '', { 'retry-after': '0' }), answer(202)], [0]],
  ])('retries %s, then reports the card delivered', async (_name, answers, expectedWaits) => {
    const { fetch, calls } = scripted([...answers]);
    const report = await channel(fetch).send(deliveryFor('approved'));
    expect(report).toEqual({ delivered: ['Teams channel'], failures: [], skipped: [] });
    expect(calls).toHaveLength(answers.length);
    expect(waits).toEqual(expectedWaits);
  });

  it.each([
    [
      'a 400 (a card Teams refused), without retrying',
      [answer(400, '{"error":{"code":"InvalidRequestContent","message":"bad card"}}')],
      /^Teams answered 400: \{"error":\{"code":"InvalidRequestContent","message":"bad card"\}\}$/,
      1,
    ],
    ['a 404 (a deleted flow)', [answer(404)], /^Teams answered 404$/, 1],
    [
      '429 on every attempt, giving up after the retries',
      Array.from({ length: 4 }, () => answer(429, '', { 'retry-after': '1' })),
      /^Teams answered 429 \(gave up after 4 attempts\)$/,
      4,
    ],
    [
      'a Retry-After longer than TEAM waits',
      [answer(429, '', { 'retry-after': '120' })],
      /^Teams answered 429, asking to retry after 120 s \(longer than TEAM waits\)$/,
      1,
    ],
  ])('reports %s as a failure', async (_name, answers, reason, attempts) => {
    const { fetch, calls } = scripted([...answers]);
    const report = await channel(fetch).send(deliveryFor('approved'));
    expect(report.delivered).toEqual([]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.target).toBe('Teams channel');
    expect(report.failures[0]?.reason).toMatch(reason);
    expect(calls).toHaveLength(attempts);
    expect(waits.every((ms) => ms <= 30_000)).toBe(true);
  });

  it('says clearly that no webhook is configured, and posts nothing', async () => {
    await secrets.deleteSecret('teamsWebhookUrl');
    const { fetch, calls } = scripted([]);
    const report = await channel(fetch).send(deliveryFor('approved'));
    expect(report.failures).toEqual([
      {
        target: 'Teams channel',
        reason: 'No Microsoft Teams webhook URL is configured (Settings → Teams webhook URL).',
      },
    ]);
    expect(calls).toHaveLength(0);
  });

  it('reports a secret that cannot be read, without throwing', async () => {
    secrets.calls.failNext('getSecret', new Error('AccessDeniedException: not allowed'));
    const report = await channel(scripted([]).fetch).send(deliveryFor('approved'));
    expect(report.failures[0]?.reason).toBe(
      'The Teams webhook URL could not be read: AccessDeniedException: not allowed',
    );
  });

  it('reports a network error without the webhook URL (its signature is a secret), and does not retry', async () => {
    const { fetch, calls } = scripted([
      () => {
        throw new TypeError(`fetch failed for ${WEBHOOK}`, { cause: { code: 'ECONNREFUSED' } });
      },
    ]);
    const report = await channel(fetch).send(deliveryFor('approved'));
    expect(report.failures[0]?.reason).toBe(
      'Teams could not be reached: TypeError: fetch failed for <webhook URL> (ECONNREFUSED)',
    );
    expect(JSON.stringify(report)).not.toContain('S3cr3tSig');
    expect(calls).toHaveLength(1);
  });

  it('gives up on a post that takes longer than the timeout', async () => {
    const hanging = (async (_url: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const report = await channel(hanging, { timeoutMs: 20 }).send(deliveryFor('approved'));
    expect(report.failures[0]?.reason).toBe('Teams did not answer in time');
  });

  it('reads the webhook URL for every event, so a new one is used at once', async () => {
    const { fetch, calls } = scripted([answer(202), answer(202)]);
    const teams = channel(fetch);
    await teams.send(deliveryFor('approved'));
    await secrets.putSecret('teamsWebhookUrl', 'https://example.invalid/new-flow?sig=2');
    await teams.send(deliveryFor('approved'));
    expect(calls.map((c) => c.url)).toEqual([WEBHOOK, 'https://example.invalid/new-flow?sig=2']);
  });
});

describe('TeamsChannel against the local outbox', () => {
  let box: RunningOutbox;
  let secrets: InMemorySecretStore;
  const waits: number[] = [];
  let teams: TeamsChannel;

  beforeAll(async () => {
    box = await startOutbox();
    secrets = new InMemorySecretStore();
    await secrets.putSecret('teamsWebhookUrl', box.teamsWebhookUrl);
    teams = new TeamsChannel({
      secrets,
      sleep: async (ms) => {
        waits.push(ms);
      },
      maxRetries: 1,
    });
  });
  afterAll(() => box.stop());
  beforeEach(() => {
    box.outbox.clear();
    box.knobs.teams.faults = noFaults();
    waits.length = 0;
  });

  it('delivers the card the webhook accepted, with the hostile justification as literal text', async () => {
    const delivery = deliveryFor(
      'pending',
      requestAfter('pending', { justification: HOSTILE_JUSTIFICATION }),
    );
    const report = await teams.send(delivery);
    expect(report).toEqual({ delivered: ['Teams channel'], failures: [], skipped: [] });
    const [posted, ...more] = box.outbox.list({ channel: 'teams' });
    expect(more).toEqual([]);
    expect(posted?.webhook).toBe('team-local');
    expect(posted?.card).toEqual(teamsCard(delivery.message));
    const texts = textBlocks(posted?.card as AdaptiveCard);
    expect(texts.map(shown)).toContain(HOSTILE_JUSTIFICATION);
  });

  it('retries the webhook’s 429 after its Retry-After, and reports the failure when it persists', async () => {
    box.knobs.teams.faults.throttleRate = 1;
    box.knobs.teams.retryAfterSeconds = 1;
    const report = await teams.send(deliveryFor('approved'));
    expect(report.failures.map((f) => f.reason)).toEqual([
      'Teams answered 429: {"message":"Rate limit is exceeded. Try again later."} (gave up after 2 attempts)',
    ]);
    expect(waits).toEqual([1000]);
    expect(box.outbox.list({ channel: 'teams' })).toEqual([]);
  });

  it('reports the 404 of a webhook path that does not exist', async () => {
    await secrets.putSecret('teamsWebhookUrl', `${box.url}/teams/webhook/has%20space`);
    try {
      const report = await teams.send(deliveryFor('approved'));
      expect(report.failures[0]?.reason).toMatch(/^Teams answered 404: /);
    } finally {
      await secrets.putSecret('teamsWebhookUrl', box.teamsWebhookUrl);
    }
  });
});
