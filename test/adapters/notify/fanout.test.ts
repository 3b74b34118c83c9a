import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationChannels } from '../../../lambdas/adapters/notify';
import {
  buildNotificationEvent,
  makeSendNotifications,
  type Notifier,
} from '../../../lambdas/core/notifications';
import type { AccessRequest } from '../../../lambdas/core/types';
import { DEMO, InMemoryRequestRepository } from '../../fakes';
import {
  APP_URL,
  HOSTILE_JUSTIFICATION,
  REGION,
  TOPIC,
  allOn,
  credentials,
  requestAfter,
  startLocalCloud,
  type LocalCloud,
} from './support';

const { alice, bob, frank } = DEMO.users;

describe('notifier over SES, SNS, Slack and Teams (local outbox)', () => {
  let cloud: LocalCloud;
  let requests: InMemoryRequestRepository;
  let notifier: Notifier;

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const channels = createNotificationChannels({
      region: REGION,
      topicArn: TOPIC,
      secrets: cloud.secrets,
      clock: cloud.clock,
      sesClientConfig: { endpoint: cloud.box.sesUrl, credentials, maxAttempts: 1 },
      snsClientConfig: { endpoint: cloud.box.snsUrl, credentials, maxAttempts: 1 },
      slack: { slackApiUrl: cloud.box.slackApiUrl, retryConfig: { retries: 0 } },
    });
    requests = new InMemoryRequestRepository();
    notifier = makeSendNotifications({ channels, requests, clock: cloud.clock, appUrl: APP_URL });
  });
  afterEach(() => {
    cloud.box.outbox.clear();
    cloud.box.knobs.ses.rejectRecipients = [];
  });
  afterAll(() => cloud.stop());

  const seeded = (request: AccessRequest) => {
    requests.seed(request);
    return request;
  };

  it('SES refusing one recipient: everyone else, SNS, Slack and Teams still get it, and the failure is recorded', async () => {
    cloud.box.knobs.ses.rejectRecipients = [bob.email];
    const request = seeded(requestAfter('approved'));

    const outcomes = await notifier.notify(buildNotificationEvent('approved', request), allOn());

    expect(outcomes.map((o) => [o.channel, o.status, o.delivered])).toEqual([
      ['email', 'partial', 2],
      ['sns', 'sent', 1],
      ['slack', 'sent', 4],
      ['teams', 'sent', 1],
    ]);
    const box = cloud.box.outbox;
    expect(box.list({ channel: 'email' }).map((e) => [...e.to, ...e.cc])).toEqual([
      [alice.email],
      [frank.email],
    ]);
    expect(box.list({ channel: 'sns' })).toHaveLength(1);
    expect(
      box
        .list({ channel: 'slack' })
        .map((m) => m.recipient?.email ?? `#${m.conversationName}`)
        .sort(),
    ).toEqual([alice.email, bob.email, frank.email, '#team-audit'].sort());

    const trail = requests.eventsOf(request.id).map((e) => [e.action, e.detail]);
    expect(trail).toEqual([
      ['notified', 'email: approved sent to 2 recipients'],
      [
        'notification-failed',
        expect.stringMatching(/^email: approved to bob@example\.com failed: MessageRejected: /),
      ],
      ['notified', 'sns: approved sent to 1 recipient'],
      ['notified', 'slack: approved sent to 4 recipients'],
      ['notified', 'teams: approved sent to 1 recipient'],
    ]);
    expect(box.list({ channel: 'teams' }).map((m) => m.webhook)).toEqual(['team-local']);
  });

  it('user text is plain text in every channel: escaped HTML, literal text and JSON, inert Slack', async () => {
    const request = seeded(requestAfter('pending', { justification: HOSTILE_JUSTIFICATION }));

    await notifier.notify(buildNotificationEvent('pending', request), allOn());

    const box = cloud.box.outbox;
    const [email] = box.list({ channel: 'email' });
    expect(email?.html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;@U123&gt; &lt;!channel&gt; *bold* 日本語の理由',
    );
    expect(email?.html).not.toContain('<script>');
    expect(email?.text).toContain(`Justification: ${HOSTILE_JUSTIFICATION}`);

    const [sns] = box.list({ channel: 'sns' });
    expect(
      (JSON.parse(sns?.message ?? '{}') as { request: { justification: string } }).request.justification,
    ).toBe(HOSTILE_JUSTIFICATION);

    const slack = box.list({ channel: 'slack' });
    expect(slack).toHaveLength(3); // Bob, Frank, audit channel
    for (const post of slack) {
      const payload = JSON.stringify(post.blocks) + (post.text ?? '');
      expect(payload).not.toMatch(/<@U123>|<!channel>|<script>|(^|\s)\*bold\*/);
      expect(payload).toContain('日本語の理由');
      expect(payload.replaceAll('\u200B', '')).toContain(
        '&lt;@U123&gt; &lt;!channel&gt; *bold* 日本語の理由',
      );
    }

    const [teams] = box.list({ channel: 'teams' });
    const card = JSON.stringify(teams?.card);
    expect(card).not.toMatch(/<script>|<@U123>|<!channel>|[^\\]\*bold/);
    expect(card).toContain('日本語の理由');
  });

  it('settings decide the channels: with only SNS on, nothing is emailed or posted to Slack or Teams', async () => {
    const request = seeded(requestAfter('ended'));
    const outcomes = await notifier.notify(
      buildNotificationEvent('ended', request),
      allOn({ sesEnabled: false, slackEnabled: false, teamsEnabled: false }),
    );
    expect(outcomes.map((o) => [o.channel, o.status])).toEqual([
      ['sns', 'sent'],
      ['email', 'skipped'],
      ['slack', 'skipped'],
      ['teams', 'skipped'],
    ]);
    expect(cloud.box.outbox.list().map((m) => m.channel)).toEqual(['sns']);
  });
});
