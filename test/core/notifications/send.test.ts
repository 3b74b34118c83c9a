import { describe, expect, it } from 'vitest';
import {
  buildNotificationEvent,
  channelEnabled,
  makeSendNotifications,
  type ChannelReport,
  type Delivery,
  type NotificationChannel,
  type NotificationChannelName,
} from '../../../lambdas/core/notifications';
import { ConflictError } from '../../../lambdas/core/errors';
import type { RequestRepository } from '../../../lambdas/core/ports';
import type { AccessRequest, AuditEvent } from '../../../lambdas/core/types';
import { auditEventId } from '../../../lambdas/core/audit';
import { aRequest, someSettings } from '../../builders';
import { DEFAULT_TEST_TIME, DEMO, FixedClock, InMemoryRequestRepository, makeTestWorld } from '../../fakes';

const { bob } = DEMO.users;
const APP = 'https://team.example.com';
const ALL_ON = someSettings({
  sesEnabled: true,
  sesSourceEmail: 'team@example.com',
  snsEnabled: true,
  slackEnabled: true,
  slackTokenConfigured: true,
});

/** A channel that records what it was asked to send and answers with `answer`. */
class RecordingChannel implements NotificationChannel {
  readonly deliveries: Delivery[] = [];
  constructor(
    readonly name: NotificationChannelName,
    private readonly answer: (d: Delivery) => ChannelReport | Promise<ChannelReport> = (d) => ({
      delivered: [...d.recipients.to, ...d.recipients.cc].map((r) => r.email),
      failures: [],
      skipped: [],
    }),
  ) {}
  async send(delivery: Delivery): Promise<ChannelReport> {
    this.deliveries.push(delivery);
    return this.answer(delivery);
  }
}

function setup(channels: NotificationChannel[], request: AccessRequest = approvedRequest()) {
  const clock = new FixedClock('2026-03-02T09:10:00.000Z');
  const requests = new InMemoryRequestRepository();
  requests.seed(request);
  const warnings: { message: string; detail: Record<string, unknown> }[] = [];
  const notifier = makeSendNotifications({
    channels,
    requests,
    clock,
    appUrl: APP,
    logger: { warn: (message, detail) => warnings.push({ message, detail }) },
  });
  return { clock, requests, notifier, warnings, request };
}

function approvedRequest(): AccessRequest {
  return aRequest({
    status: 'approved',
    version: 2,
    startTime: '2026-03-02T12:00:00.000Z',
    decidedBy: { id: bob.id, email: bob.email, name: bob.displayName },
    decidedAt: DEFAULT_TEST_TIME,
    decisionComment: 'ok',
  });
}

const notificationEvents = (events: AuditEvent[]) =>
  events.map((e) => ({ id: e.id, action: e.action, actor: e.actor, detail: e.detail }));

describe('makeSendNotifications: fan-out', () => {
  it('renders once and sends to every enabled channel, recording what each reached', async () => {
    const email = new RecordingChannel('email');
    const sns = new RecordingChannel('sns', () => ({ delivered: ['arn:topic'], failures: [], skipped: [] }));
    const slack = new RecordingChannel('slack');
    const t = setup([email, sns, slack]);
    const event = buildNotificationEvent('approved', t.request);

    const outcomes = await t.notifier.notify(event, ALL_ON);

    expect(outcomes).toEqual([
      { channel: 'email', status: 'sent', delivered: 3, failures: [], skipped: [] },
      { channel: 'sns', status: 'sent', delivered: 1, failures: [], skipped: [] },
      { channel: 'slack', status: 'sent', delivered: 3, failures: [], skipped: [] },
    ]);
    const delivery = email.deliveries[0];
    expect(delivery?.message.link).toBe(`${APP}/requests/${t.request.id}`);
    expect(delivery?.recipients.to.map((r) => r.email)).toEqual(['alice@example.com']);
    expect(delivery?.settings).toBe(ALL_ON);
    // One rendering shared by all channels.
    expect(sns.deliveries[0]?.message).toBe(delivery?.message);

    const at = '2026-03-02T09:10:00.000Z';
    expect(notificationEvents(t.requests.eventsOf(t.request.id))).toEqual([
      {
        id: auditEventId(at, 2, 'notify-01-email-approved-sent'),
        action: 'notified',
        actor: 'system',
        detail: 'email: approved sent to 3 recipients',
      },
      {
        id: auditEventId(at, 2, 'notify-02-sns-approved-sent'),
        action: 'notified',
        actor: 'system',
        detail: 'sns: approved sent to 1 recipient',
      },
      {
        id: auditEventId(at, 2, 'notify-03-slack-approved-sent'),
        action: 'notified',
        actor: 'system',
        detail: 'slack: approved sent to 3 recipients',
      },
    ]);
  });

  it('sends only on channels the settings switch on with what they need', async () => {
    const channels = (['email', 'sns', 'slack', 'teams'] as const).map((n) => new RecordingChannel(n));
    const t = setup(channels);
    const event = buildNotificationEvent('approved', t.request);
    const settings = someSettings({
      sesEnabled: true, // but no source email
      snsEnabled: false,
      slackEnabled: true,
      slackTokenConfigured: true,
      teamsEnabled: true, // but no webhook URL
    });

    const outcomes = await t.notifier.notify(event, settings);

    expect(outcomes.map((o) => [o.channel, o.status, o.reason])).toEqual([
      ['slack', 'sent', undefined],
      ['email', 'skipped', 'switched off in settings'],
      ['sns', 'skipped', 'switched off in settings'],
      ['teams', 'skipped', 'switched off in settings'],
    ]);
    expect(channels.map((c) => c.deliveries.length)).toEqual([0, 0, 1, 0]);
    expect(channelEnabled('email', someSettings({ sesEnabled: true, sesSourceEmail: ' ' }))).toBe(false);
    expect(channelEnabled('slack', someSettings({ slackEnabled: true, slackTokenConfigured: false }))).toBe(
      false,
    );
    expect(channelEnabled('teams', someSettings({ teamsEnabled: true, teamsWebhookConfigured: true }))).toBe(
      true,
    );
    expect(channelEnabled('teams', someSettings({ teamsEnabled: false, teamsWebhookConfigured: true }))).toBe(
      false,
    );
    expect(channelEnabled('teams', someSettings({ teamsEnabled: true, teamsWebhookConfigured: false }))).toBe(
      false,
    );

    const none = await t.notifier.notify(event, someSettings());
    expect(none.every((o) => o.status === 'skipped')).toBe(true);
    expect(t.requests.eventsOf(t.request.id).map((e) => e.detail)).toEqual([
      'slack: approved sent to 3 recipients',
    ]);
  });
});

describe('makeSendNotifications: failure isolation', () => {
  it('one channel throwing and one recipient failing block nobody else; each failure is audited', async () => {
    const email = new RecordingChannel('email', () => ({
      delivered: ['alice@example.com', 'frank@example.com'],
      failures: [{ target: 'bob@example.com', reason: 'MessageRejected: Email address is not verified.' }],
      skipped: [],
    }));
    const sns = new RecordingChannel('sns', () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    });
    const slack = new RecordingChannel('slack', () => ({
      delivered: ['alice@example.com'],
      failures: [],
      skipped: [
        { target: 'bob@example.com', reason: 'no Slack user with this email' },
        { target: 'frank@example.com', reason: 'no Slack user with this email' },
      ],
    }));
    const t = setup([email, sns, slack]);

    const outcomes = await t.notifier.notify(buildNotificationEvent('approved', t.request), ALL_ON);

    expect(outcomes.map((o) => [o.channel, o.status, o.delivered])).toEqual([
      ['email', 'partial', 2],
      ['sns', 'failed', 0],
      ['slack', 'sent', 1],
    ]);
    expect(outcomes[1]?.failures).toEqual([{ reason: 'connect ECONNREFUSED 127.0.0.1:1' }]);
    expect(outcomes[2]?.skipped).toHaveLength(2);

    const events = t.requests.eventsOf(t.request.id);
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ['notified', 'email: approved sent to 2 recipients'],
      [
        'notification-failed',
        'email: approved to bob@example.com failed: MessageRejected: Email address is not verified.',
      ],
      ['notification-failed', 'sns: approved failed: connect ECONNREFUSED 127.0.0.1:1'],
      [
        'notified',
        'slack: approved sent to 1 recipient; skipped bob@example.com (no Slack user with this email), frank@example.com (no Slack user with this email)',
      ],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(t.warnings.map((w) => w.detail.channel)).toEqual(['email', 'sns']);
  });

  it('names the Teams channel in its audit events, sent or failed', async () => {
    const teams = new RecordingChannel('teams', () => ({
      delivered: [],
      failures: [{ target: 'Teams channel', reason: 'Teams answered 404' }],
      skipped: [],
    }));
    const t = setup([teams]);
    const settings = someSettings({ teamsEnabled: true, teamsWebhookConfigured: true });
    const [failed] = await t.notifier.notify(buildNotificationEvent('approved', t.request), settings);
    expect(failed).toMatchObject({ channel: 'teams', status: 'failed', delivered: 0 });

    const ok = new RecordingChannel('teams', () => ({
      delivered: ['Teams channel'],
      failures: [],
      skipped: [],
    }));
    const u = setup([ok]);
    await u.notifier.notify(buildNotificationEvent('approved', u.request), settings);
    const trail = [...t.requests.eventsOf(t.request.id), ...u.requests.eventsOf(u.request.id)];
    expect(trail.map((e) => [e.action, e.detail])).toEqual([
      ['notification-failed', 'teams: approved to Teams channel failed: Teams answered 404'],
      ['notified', 'teams: approved sent to 1 recipient'],
    ]);
    expect(trail.every((e) => e.id.includes('-teams-approved-'))).toBe(true);
  });

  it('records a channel that reached nobody because everyone was skipped', async () => {
    const slack = new RecordingChannel('slack', () => ({
      delivered: [],
      failures: [],
      skipped: [{ target: 'alice@example.com', reason: 'no Slack user with this email' }],
    }));
    const t = setup([slack]);
    const [outcome] = await t.notifier.notify(buildNotificationEvent('approved', t.request), ALL_ON);
    expect(outcome?.status).toBe('skipped');
    expect(t.requests.eventsOf(t.request.id).map((e) => [e.action, e.detail])).toEqual([
      [
        'notification-failed',
        'slack: approved reached nobody; skipped alice@example.com (no Slack user with this email)',
      ],
    ]);
  });

  it('never throws when the audit trail cannot be written', async () => {
    const failing: Pick<RequestRepository, 'appendEvent'> = {
      appendEvent: async () => {
        throw new Error('DynamoDB is down');
      },
    };
    const warnings: string[] = [];
    const notifier = makeSendNotifications({
      channels: [new RecordingChannel('email')],
      requests: failing,
      clock: new FixedClock(),
      appUrl: APP,
      logger: { warn: (message) => warnings.push(message) },
    });
    const outcomes = await notifier.notify(buildNotificationEvent('approved', approvedRequest()), ALL_ON);
    expect(outcomes[0]?.status).toBe('sent');
    expect(warnings).toEqual(['Could not record a notification audit event']);
  });

  it('gives a repeated notification in the same millisecond its own audit ids', async () => {
    const t = setup([new RecordingChannel('email')]);
    const event = buildNotificationEvent('approved', t.request);
    await t.notifier.notify(event, ALL_ON);
    await t.notifier.notify(event, ALL_ON);
    const ids = t.requests.eventsOf(t.request.id).map((e) => e.id);
    const at = t.clock.iso();
    expect(ids).toEqual([
      auditEventId(at, 2, 'notify-01-email-approved-sent'),
      auditEventId(at, 2, 'notify-01-email-approved-sent-2'),
    ]);
  });

  it('retries an id only on a duplicate, not on other errors', async () => {
    const seen: string[] = [];
    const requests: Pick<RequestRepository, 'appendEvent'> = {
      appendEvent: async (e) => {
        seen.push(e.id);
        if (seen.length === 1) throw new ConflictError('exists');
      },
    };
    const notifier = makeSendNotifications({
      channels: [new RecordingChannel('email')],
      requests,
      clock: new FixedClock(),
      appUrl: APP,
    });
    await notifier.notify(buildNotificationEvent('approved', approvedRequest()), ALL_ON);
    expect(seen.map((id) => id.split('#').at(-1))).toEqual([
      'notify-01-email-approved-sent',
      'notify-01-email-approved-sent-2',
    ]);
  });
});

describe('makeSendNotifications: scheduled', () => {
  it('is sent while the start time is ahead, and skipped once it has passed (started follows)', async () => {
    const email = new RecordingChannel('email');
    const t = setup([email], { ...approvedRequest(), status: 'scheduled' });
    const event = buildNotificationEvent('scheduled', { ...t.request, status: 'scheduled' });

    expect((await t.notifier.notify(event, ALL_ON))[0]?.status).toBe('sent');

    t.clock.set('2026-03-02T12:00:00.000Z');
    const [skipped] = await t.notifier.notify(event, ALL_ON);
    expect(skipped).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/start time already passed/),
    });
    expect(email.deliveries).toHaveLength(1);
    expect(t.requests.eventsOf(t.request.id)).toHaveLength(1);
  });

  it('refuses an app URL that is not http(s) when wired', () => {
    expect(() =>
      makeSendNotifications({
        channels: [],
        requests: new InMemoryRequestRepository(),
        clock: new FixedClock(),
        appUrl: 'ftp://x',
      }),
    ).toThrow(/https/);
  });
});

describe('makeSendNotifications: break-glass and escalation audiences', () => {
  const { alice, carol, erin } = DEMO.users;
  const breakGlassRequest = (): AccessRequest =>
    aRequest({
      status: 'scheduled',
      approvalRequired: false,
      startTime: '2026-03-02T09:10:00.000Z',
      breakGlass: { incident: 'INC-9001' },
      review: { state: 'needed' },
    });

  function withAuditors(channels: NotificationChannel[], failing = false) {
    const clock = new FixedClock('2026-03-02T09:10:00.000Z');
    const requests = new InMemoryRequestRepository();
    const warnings: string[] = [];
    const world = makeTestWorld();
    const auditors = failing
      ? {
          findGroupByName: () => Promise.reject(new Error('identitystore throttled')),
          membersOfGroup: () => Promise.resolve([]),
          getUser: () => Promise.resolve(undefined),
        }
      : world.directory;
    const notifier = makeSendNotifications({
      channels,
      requests,
      clock,
      appUrl: APP,
      auditors,
      logger: { warn: (message) => warnings.push(message) },
    });
    return { notifier, warnings };
  }

  it('copies the members of the auditor group on break-glass alerts, by email and in Slack', async () => {
    const email = new RecordingChannel('email');
    const sns = new RecordingChannel('sns');
    const slack = new RecordingChannel('slack');
    const { notifier } = withAuditors([email, sns, slack]);
    const settings = { ...ALL_ON, auditorGroupName: DEMO.groups.auditors.name };
    await notifier.notify(buildNotificationEvent('break-glass', breakGlassRequest()), settings);

    const delivery = email.deliveries[0];
    expect(delivery?.message.priority).toBe('high');
    expect(delivery?.recipients.to.map((r) => r.email)).toEqual([
      DEMO.users.bob.email,
      DEMO.users.frank.email,
    ]);
    expect(delivery?.recipients.cc).toEqual([
      { id: erin.id, email: erin.email, name: erin.displayName, role: 'auditor' },
    ]);
    expect(slack.deliveries[0]?.recipients.cc.map((r) => r.role)).toEqual(['auditor']);
  });

  it('copies no auditor on other events, nor when the group is unknown or cannot be read', async () => {
    const email = new RecordingChannel('email');
    const { notifier, warnings } = withAuditors([email]);
    const settings = { ...ALL_ON, auditorGroupName: DEMO.groups.auditors.name };
    await notifier.notify(buildNotificationEvent('review-reminder', breakGlassRequest()), settings);
    await notifier.notify(buildNotificationEvent('break-glass', breakGlassRequest()), {
      ...settings,
      auditorGroupName: 'No-Such-Group',
    });
    expect(email.deliveries.map((d) => d.recipients.cc)).toEqual([[], []]);

    const failing = withAuditors([email], true);
    const outcomes = await failing.notifier.notify(
      buildNotificationEvent('break-glass', breakGlassRequest()),
      settings,
    );
    expect(outcomes[0]?.status).toBe('sent');
    expect(email.deliveries[2]?.recipients.to).toHaveLength(2);
    expect(failing.warnings).toEqual(['Could not read the auditors for a break-glass alert']);
    expect(warnings).toEqual([]);
  });

  it('addresses the people an escalation added, the requester in copy', async () => {
    const email = new RecordingChannel('email');
    const { notifier } = setup([email], aRequest({ status: 'pending' }));
    const added = { id: carol.id, email: carol.email, name: carol.displayName };
    await notifier.notify(
      buildNotificationEvent('escalated', aRequest({ status: 'pending' }), { to: [added] }),
      ALL_ON,
    );
    expect(email.deliveries[0]?.recipients.to.map((r) => r.email)).toEqual([carol.email]);
    expect(email.deliveries[0]?.recipients.cc.map((r) => r.email)).toEqual([alice.email]);
  });
});
