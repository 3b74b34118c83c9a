/**
 * The outbox's Teams Workflows webhook: a valid message is kept (one outbox message per card) and
 * answered 202; anything the flow would refuse is answered 400 with the reason, and kept nowhere.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notificationLine, startOutbox, type RunningOutbox } from '../../../local/outbox';
import { MAX_TEAMS_MESSAGE_BYTES } from '../../../local/outbox/teams';

let box: RunningOutbox;

beforeAll(async () => {
  box = await startOutbox();
});
afterAll(() => box.stop());
beforeEach(() => box.outbox.clear());

const card = (title = 'Access request approved') => ({
  type: 'AdaptiveCard',
  version: '1.4',
  body: [{ type: 'TextBlock', text: title, weight: 'Bolder' }],
});
const message = (...cards: unknown[]) => ({
  type: 'message',
  attachments: cards.map((content) => ({
    contentType: 'application/vnd.microsoft.card.adaptive',
    contentUrl: null,
    content,
  })),
});

const post = (body: string, path = '/teams/webhook/team-local', method = 'POST') =>
  fetch(`${box.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body }),
  });

describe('the Teams webhook of the outbox', () => {
  it('is at teamsWebhookUrl', () => {
    expect(box.teamsWebhookUrl).toBe(`${box.url}/teams/webhook/team-local`);
  });

  it('keeps each card of a valid message, answering 202 with no body', async () => {
    const response = await post(
      JSON.stringify(message(card('First'), card('Second'))),
      '/teams/webhook/ops_1',
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const kept = box.outbox.list({ channel: 'teams' });
    expect(kept.map((m) => [m.webhook, m.card])).toEqual([
      ['ops_1', card('First')],
      ['ops_1', card('Second')],
    ]);
    const listed = (await (await fetch(`${box.url}/outbox?channel=teams`)).json()) as { messages: unknown[] };
    expect(listed.messages).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', '{"type": "message"', 'The request body is not JSON.'],
    ['a list', '[]', 'The request body must be a JSON object.'],
    ['another type', JSON.stringify({ ...message(card()), type: 'card' }), '"type" must be "message".'],
    [
      'no attachments',
      JSON.stringify({ type: 'message', attachments: [] }),
      '"attachments" must be a list with at least one Adaptive Card.',
    ],
    [
      'a hero card',
      JSON.stringify({
        type: 'message',
        attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: card() }],
      }),
      'attachments[0].contentType must be "application/vnd.microsoft.card.adaptive".',
    ],
    [
      'content that is no Adaptive Card',
      JSON.stringify(message({ ...card(), type: 'MessageCard' })),
      'attachments[0].content.type must be "AdaptiveCard".',
    ],
    [
      'a card without a body',
      JSON.stringify(message(card(), { type: 'AdaptiveCard', version: '1.4' })),
      'attachments[1].content.body must be a list of elements.',
    ],
  ])('refuses %s with 400 and keeps nothing', async (_name, body, reason) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: reason });
    expect(box.outbox.list({ channel: 'teams' })).toEqual([]);
  });

  it('refuses a message larger than Teams takes with 413', async () => {
    const big = JSON.stringify(message(card('x'.repeat(MAX_TEAMS_MESSAGE_BYTES))));
    const response = await post(big);
    expect(response.status).toBe(413);
    expect(box.outbox.list({ channel: 'teams' })).toEqual([]);
  });

  it('takes POST only, and knows no other path', async () => {
    expect((await post('', '/teams/webhook/team-local', 'GET')).status).toBe(405);
    expect((await post(JSON.stringify(message(card())), '/teams/other')).status).toBe(404);
  });

  it('prints one console line per card: the webhook and the title, escapes removed', () => {
    const line = notificationLine({
      channel: 'teams',
      id: 't',
      seq: 1,
      at: '',
      webhook: 'team-local',
      card: card('BREAK\\-GLASS: emergency access taken without approval'),
    });
    expect(line).toBe('▣ teams  webhook team-local  "BREAK-GLASS: emergency access taken without approval"');
    expect(notificationLine({ channel: 'teams', id: 'u', seq: 2, at: '', webhook: 'x', card: {} })).toBe(
      '▣ teams  webhook x  "(no title)"',
    );
  });
});
