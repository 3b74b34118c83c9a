import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZERO_WIDTH_SPACE, escapeMrkdwn } from '../../../lambdas/adapters/notify/escape';
import { SlackChannel, slackPost, type SlackBlock } from '../../../lambdas/adapters/notify/slack';
import {
  NOTIFICATION_EVENT_TYPES,
  allRecipients,
  type NotificationEventType,
} from '../../../lambdas/core/notifications';
import type { ChatMessageRef, ChatStore } from '../../../lambdas/core/ports';
import type { SlackMessage } from '../../../local/outbox';
import { DEMO } from '../../fakes';
import {
  APP_URL,
  HOSTILE_JUSTIFICATION,
  SLACK_TOKEN,
  allOn,
  deliveryFor,
  requestAfter,
  startLocalCloud,
  type LocalCloud,
} from './support';

const { alice, bob, frank, carol } = DEMO.users;

/** Start times as each reader sees 2026-03-02T10:00Z. */
const START_FOR: Record<string, string> = {
  [alice.email]: 'Monday, March 2, 2026 at 11:00 AM GMT+1',
  [bob.email]: 'Monday, March 2, 2026 at 5:00 AM EST',
  [frank.email]: 'Monday, March 2, 2026 at 7:00 PM GMT+9',
  audit: 'Monday, March 2, 2026 at 10:00 AM UTC',
};

const TITLES: Record<NotificationEventType, string> = {
  pending: 'Access request waiting for approval',
  approved: 'Access request approved',
  rejected: 'Access request rejected',
  cancelled: 'Access request cancelled',
  expired: 'Access request expired',
  scheduled: 'Access session scheduled',
  started: 'Access session started',
  ended: 'Access session ended',
  revoked: 'Access session revoked',
  error: 'Access request failed',
  repaired: 'Access session repaired',
  reminder: 'Reminder: access request waiting for approval',
  escalated: 'Access request escalated to you',
  'extension-requested': 'Access extension waiting for approval',
  extended: 'Access extended',
  'extension-rejected': 'Access extension rejected',
  'break-glass': 'BREAK-GLASS: emergency access taken without approval',
  'review-reminder': 'Break-glass access waiting for review',
  reviewed: 'Break-glass access reviewed',
};

type Blocks = SlackBlock[];
const blocksOf = (m: SlackMessage | undefined) => (m?.blocks ?? []) as Blocks;

/** Every labelled mrkdwn text ("*Label*\nvalue") of the blocks, by label. */
function fieldsOf(blocks: Blocks): Record<string, string> {
  const texts = blocks.flatMap((b) =>
    b.type === 'section' ? [...(b.fields ?? []), ...(b.text ? [b.text] : [])].map((t) => t.text) : [],
  );
  return Object.fromEntries(
    texts
      .map((t) => /^\*([^*\n]+)\*\n([\s\S]*)$/.exec(t))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

function buttonOf(blocks: Blocks) {
  const actions = blocks.find((b) => b.type === 'actions');
  return actions?.type === 'actions' ? actions.elements[0] : undefined;
}

describe('SlackChannel against the local Slack Web API', () => {
  let cloud: LocalCloud;
  let channel: SlackChannel;

  const newChannel = (options: Partial<ConstructorParameters<typeof SlackChannel>[0]> = {}) =>
    new SlackChannel({
      secrets: cloud.secrets,
      clock: cloud.clock,
      slackApiUrl: cloud.box.slackApiUrl,
      retryConfig: { retries: 0 },
      ...options,
    });

  beforeAll(async () => {
    cloud = await startLocalCloud();
    channel = newChannel();
  });
  afterEach(() => {
    cloud.box.outbox.clear();
    cloud.box.knobs.slack.rateLimitNext(0, 0);
    cloud.box.knobs.slack.failNext(0, 'internal_error');
  });
  afterAll(() => cloud.stop());

  const posts = () => cloud.box.outbox.list({ channel: 'slack' });

  it.each(NOTIFICATION_EVENT_TYPES.map((t) => [t]))(
    '%s: a DM to each recipient in their time zone, and the audit channel in UTC',
    async (type) => {
      const delivery = deliveryFor(type);
      const people = allRecipients(delivery.recipients).map((r) => r.email);
      const link = `https://team.example.com/requests/${delivery.event.request.id}`;

      const report = await channel.send(delivery);

      expect(report.failures).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect([...report.delivered].sort()).toEqual([...people, '#team-audit'].sort());
      const dms = posts().filter((m) => m.recipient !== undefined);
      expect(dms.map((m) => m.recipient?.email).sort()).toEqual([...people].sort());
      for (const dm of dms) {
        const email = dm.recipient?.email ?? '';
        expect(dm.method).toBe('chat.postMessage');
        expect(dm.conversation).toMatch(/^D/);
        const blocks = blocksOf(dm);
        expect(blocks[0]).toEqual({
          type: 'header',
          text: { type: 'plain_text', text: TITLES[type], emoji: false },
        });
        // A break-glass alert says so right under the header.
        const high = type === 'break-glass';
        if (high)
          expect(blocks[1]).toMatchObject({
            type: 'section',
            text: { text: expect.stringMatching(/HIGH PRIORITY/) },
          });
        expect(blocks[high ? 2 : 1]).toEqual({
          type: 'section',
          text: { type: 'mrkdwn', text: delivery.message.summary },
        });
        expect(fieldsOf(blocks)).toMatchObject({
          Account: 'Prod-Payments (333333333331)',
          Role: 'ReadOnlyAccess',
          'Start time': START_FOR[email],
          Duration: '2 hours',
          Requester: 'Alice Requester (alice@example.com)',
          Justification: 'Investigate the payment incident',
          'Ticket number': 'INC-1001',
        });
        expect(buttonOf(blocks)).toMatchObject({
          type: 'button',
          url: link,
          text: { type: 'plain_text', text: 'Open in TEAM' },
        });
        expect(dm.text).toBe(`${TITLES[type]}: ${delivery.message.summary}`);
      }
      const audit = posts().filter((m) => m.conversationName === 'team-audit');
      expect(audit).toHaveLength(1);
      expect(fieldsOf(blocksOf(audit[0]))['Start time']).toBe(START_FOR.audit);
      const here = type === 'break-glass' ? '<!here> ' : '';
      expect(audit[0]?.text).toBe(`${here}[TEAM audit] ${TITLES[type]}: ${delivery.message.summary}`);
      expect(buttonOf(blocksOf(audit[0]))?.url).toBe(link);
    },
  );

  it('shows who acted, their comment and the error reason', async () => {
    await channel.send(
      deliveryFor('revoked', requestAfter('revoked'), allOn({ slackAuditChannel: undefined })),
    );
    await channel.send(deliveryFor('error', requestAfter('error'), allOn({ slackAuditChannel: undefined })));
    const [revoked, error] = [posts()[0], posts().at(-1)];
    expect(fieldsOf(blocksOf(revoked))).toMatchObject({
      'Revoked by': 'Bob Approver (bob@example.com)',
      Comment: 'Incident closed',
    });
    expect(fieldsOf(blocksOf(error))).toMatchObject({ Error: 'Identity Center answered FAILED' });
  });

  it('skips and reports people without a Slack account; other failures are reported per person', async () => {
    const request = requestAfter('approved', {
      approvers: [
        { id: carol.id, email: carol.email, name: carol.displayName },
        { id: frank.id, email: frank.email, name: frank.displayName },
      ],
    });
    const report = await channel.send(
      deliveryFor('approved', request, allOn({ slackAuditChannel: 'closed-ops' })),
    );

    expect(report.skipped).toEqual([{ target: carol.email, reason: 'no Slack user with this email' }]);
    expect(report.failures).toEqual([{ target: '#closed-ops', reason: 'Slack answered not_in_channel' }]);
    expect([...report.delivered].sort()).toEqual([alice.email, frank.email]);
  });

  it('retries a rate-limited call after Retry-After and then delivers', async () => {
    cloud.box.knobs.slack.rateLimitNext(2, 1);
    const fresh = newChannel();
    const report = await fresh.send(
      deliveryFor('started', requestAfter('started', { approvalRequired: false })),
    );
    expect(report).toEqual({
      delivered: expect.arrayContaining([alice.email, '#team-audit']),
      failures: [],
      skipped: [],
    });
    expect(posts().map((m) => m.recipient?.email ?? m.conversationName)).toEqual([alice.email, 'team-audit']);
  });

  it('gives up when Slack asks to wait too long or too often', async () => {
    const impatient = newChannel({ maxRetryAfterSeconds: 0 });
    cloud.box.knobs.slack.rateLimitNext(1, 1);
    const tooLong = await impatient.send(
      deliveryFor(
        'started',
        requestAfter('started', { approvalRequired: false }),
        allOn({ slackAuditChannel: undefined }),
      ),
    );
    expect(tooLong.failures).toEqual([
      { target: alice.email, reason: expect.stringMatching(/^Slack rate limit: asked to retry after 1 s/) },
    ]);

    const fewRetries = newChannel({ maxRateLimitRetries: 1 });
    cloud.box.knobs.slack.rateLimitNext(3, 0);
    const tooOften = await fewRetries.send(
      deliveryFor(
        'started',
        requestAfter('started', { approvalRequired: false }),
        allOn({ slackAuditChannel: undefined }),
      ),
    );
    expect(tooOften.failures[0]?.reason).toMatch(/gave up after 2 attempts/);
    expect(posts()).toHaveLength(0);
  });

  it('reads the token from the secret store: missing token fails the send, a rotated one is picked up', async () => {
    await cloud.secrets.deleteSecret('slackToken');
    await expect(channel.send(deliveryFor('pending'))).rejects.toThrow(/No Slack bot token/);

    await cloud.secrets.putSecret('slackToken', 'xoxb-not-the-right-one');
    const wrong = await channel.send(
      deliveryFor('pending', requestAfter('pending'), allOn({ slackAuditChannel: undefined })),
    );
    expect(wrong.failures.map((f) => f.reason)).toEqual([
      'Slack answered invalid_auth',
      'Slack answered invalid_auth',
    ]);

    await cloud.secrets.putSecret('slackToken', SLACK_TOKEN);
    const right = await channel.send(
      deliveryFor('pending', requestAfter('pending'), allOn({ slackAuditChannel: undefined })),
    );
    expect(right.failures).toEqual([]);
    expect(right.delivered).toHaveLength(2);
  });

  it('shows user text as plain text: no mentions, links or formatting', async () => {
    const request = requestAfter('revoked', {
      justification: HOSTILE_JUSTIFICATION,
      revokeComment: '<https://evil.example|click> ~strike~ `code` _it_ & done',
      requester: { id: alice.id, email: alice.email, name: '<!here> *Alice*' },
    });
    await channel.send(deliveryFor('revoked', request));

    for (const post of posts()) {
      const all = JSON.stringify(post.blocks) + (post.text ?? '');
      // No Slack control sequence survives: every < and > arrives as an entity.
      expect(all).not.toMatch(/<[@!#]|<https?:|<script/);
      const fields = fieldsOf(blocksOf(post));
      const Z = ZERO_WIDTH_SPACE;
      expect(fields.Justification).toBe(
        `&lt;script&gt;alert(1)&lt;/script&gt; &lt;@U123&gt; &lt;!channel&gt; ${Z}*${Z}bold${Z}*${Z} 日本語の理由`,
      );
      expect(fields.Comment).toBe(
        `&lt;https://evil.example|click&gt; ${Z}~${Z}strike${Z}~${Z} ${Z}\`${Z}code${Z}\`${Z} ${Z}_${Z}it${Z}_${Z} &amp; done`,
      );
      expect(fields.Requester).toBe(`&lt;!here&gt; ${Z}*${Z}Alice${Z}*${Z} (alice@example.com)`);
      // With the separators removed, people read exactly what was written.
      expect(fields.Justification?.replaceAll(Z, '')).toBe(
        '&lt;script&gt;alert(1)&lt;/script&gt; &lt;@U123&gt; &lt;!channel&gt; *bold* 日本語の理由',
      );
      // No formatting marker touches a word directly.
      expect(all).not.toMatch(/(^|\s)[*_~`][^\s\u200B]/);
    }
  });
});

describe('escapeMrkdwn', () => {
  it('cuts long text on whole entities and characters', () => {
    expect(escapeMrkdwn('a&b', 5)).toBe('a…');
    expect(escapeMrkdwn('a&b', 7)).toBe('a&amp;b');
    expect(escapeMrkdwn('日本語', 2)).toBe('日…');
    expect(escapeMrkdwn('&'.repeat(2000), 3000).length).toBeLessThanOrEqual(3000);
  });
});

describe('slackPost: high priority and times', () => {
  const textsOf = (blocks: Blocks) =>
    blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

  it('alerts the audit channel with @here on break-glass, never a person’s DM', () => {
    const { message } = deliveryFor('break-glass');
    const dm = slackPost(message, 'Europe/Amsterdam');
    const audit = slackPost(message, 'UTC', { audit: true });
    expect(textsOf(dm.blocks)[0]).toMatch(/^:rotating_light: \*HIGH PRIORITY/);
    expect(JSON.stringify(dm)).not.toContain('<!here>');
    expect(textsOf(audit.blocks)[0]).toMatch(/^<!here> :rotating_light:/);
    expect(audit.text.startsWith('<!here> ')).toBe(true);
    expect(buttonOf(dm.blocks)?.style).toBe('danger');
    expect(fieldsOf(dm.blocks)).toMatchObject({
      Incident: 'INC-9001',
      'End time': 'Monday, March 2, 2026 at 1:00 PM GMT+1',
    });
  });

  it('keeps the usual look for other events, with the new end of extended access in the reader’s zone', () => {
    const { message } = deliveryFor('extended');
    const post = slackPost(message, 'Asia/Tokyo');
    expect(buttonOf(post.blocks)?.style).toBe('primary');
    expect(textsOf(post.blocks).some((t) => t.includes('HIGH PRIORITY'))).toBe(false);
    expect(fieldsOf(post.blocks)).toMatchObject({
      'New end time': 'Monday, March 2, 2026 at 11:00 PM GMT+9',
      Extension: '2 hours more',
      Reason: 'Migration runs late',
    });
  });
});

describe('SlackChannel: decision buttons for approvers, and their messages kept up to date', () => {
  let cloud: LocalCloud;
  let refs: ChatMessageRef[];
  let channel: SlackChannel;
  const chat: ChatStore = {
    addMessage: async (ref) => {
      refs.push(ref);
    },
    messagesOf: async (requestId) => refs.filter((r) => r.requestId === requestId),
    firstUse: async () => true,
  };
  const withAppUrl = (delivery: ReturnType<typeof deliveryFor>) => ({ ...delivery, appUrl: APP_URL });

  beforeAll(async () => {
    cloud = await startLocalCloud();
    channel = new SlackChannel({
      secrets: cloud.secrets,
      clock: cloud.clock,
      slackApiUrl: cloud.box.slackApiUrl,
      retryConfig: { retries: 0 },
      chat,
    });
  });
  afterEach(() => {
    cloud.box.outbox.clear();
    refs = [];
  });
  afterAll(() => cloud.stop());

  const dmsTo = (email: string) =>
    cloud.box.outbox.list({ channel: 'slack' }).filter((m) => m.recipient?.email === email);
  const actionIds = (m: SlackMessage | undefined) =>
    blocksOf(m).flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));

  it('pending: each approver gets Approve, Reject and the link; the message is remembered with their time zone', async () => {
    refs = [];
    const delivery = withAppUrl(deliveryFor('pending'));
    const report = await channel.send(delivery);
    expect(report.failures).toEqual([]);
    for (const person of [bob, frank]) {
      const [dm] = dmsTo(person.email);
      expect(actionIds(dm)).toEqual(['approve_request', 'reject_request', 'open_request']);
      const actions = blocksOf(dm).find((b) => b.type === 'actions');
      expect(actions?.type === 'actions' && actions.elements[0]?.value).toBe(delivery.event.request.id);
    }
    expect(refs.map((r) => r.recipientId).sort()).toEqual([bob.id, frank.id].sort());
    expect(refs.find((r) => r.recipientId === frank.id)?.timeZone).toBe('Asia/Tokyo');
    // The audit channel gets the link only.
    const audit = cloud.box.outbox
      .list({ channel: 'slack' })
      .find((m) => m.conversationName === 'team-audit');
    expect(actionIds(audit)).toEqual(['open_request']);
  });

  it('approved: every approver message loses its buttons and says who approved, with the comment', async () => {
    refs = [];
    await channel.send(withAppUrl(deliveryFor('pending')));
    const request = requestAfter('approved');
    const pendingRequest = { ...request, id: refs[0]!.requestId };
    const report = await channel.send(withAppUrl(deliveryFor('approved', pendingRequest)));
    expect(report.failures).toEqual([]);
    for (const person of [bob, frank]) {
      const [dm] = dmsTo(person.email).filter((m) => actionIds(m).includes('approve_request') || m.edited);
      expect(dm?.edited).toBeDefined();
      expect(actionIds(dm)).toEqual(['open_request']);
      const blocks = blocksOf(dm);
      expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Access request approved' } });
      expect(fieldsOf(blocks)['Approved by']).toContain('Bob Approver');
      expect(fieldsOf(blocks)['Comment']).toBe('approved by Bob');
    }
  });

  it('a reminder to approvers also carries the buttons; a started event updates nothing', async () => {
    refs = [];
    await channel.send(withAppUrl(deliveryFor('reminder')));
    expect(actionIds(dmsTo(bob.email)[0])).toContain('approve_request');
    const before = cloud.box.outbox.list({ channel: 'slack' }).filter((m) => m.edited).length;
    await channel.send(
      withAppUrl(deliveryFor('started', { ...requestAfter('started'), id: refs[0]!.requestId })),
    );
    expect(cloud.box.outbox.list({ channel: 'slack' }).filter((m) => m.edited)).toHaveLength(before);
  });

  it('a message Slack no longer has is reported, the others are still updated', async () => {
    refs = [];
    await channel.send(withAppUrl(deliveryFor('pending')));
    const requestId = refs[0]!.requestId;
    refs.push({ requestId, conversation: refs[0]!.conversation, ts: '1.000001' });
    const report = await channel.send(
      withAppUrl(deliveryFor('rejected', { ...requestAfter('rejected'), id: requestId })),
    );
    expect(report.failures).toEqual([
      { target: `update of ${refs[0]!.conversation}/1.000001`, reason: 'Slack answered message_not_found' },
    ]);
    expect(dmsTo(frank.email).some((m) => m.edited)).toBe(true);
  });

  it('without a chat store (no Slack app interactivity) approvers get the link only', async () => {
    const plain = new SlackChannel({
      secrets: cloud.secrets,
      clock: cloud.clock,
      slackApiUrl: cloud.box.slackApiUrl,
      retryConfig: { retries: 0 },
    });
    await plain.send(withAppUrl(deliveryFor('pending')));
    expect(actionIds(dmsTo(bob.email)[0])).toEqual(['open_request']);
  });
});
