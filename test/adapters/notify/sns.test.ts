import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnsTopicChannel, type SnsNotificationDocument } from '../../../lambdas/adapters/notify/sns';
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from '../../../lambdas/core/notifications';
import { DEMO } from '../../fakes';
import {
  HOSTILE_JUSTIFICATION,
  TOPIC,
  bobActor,
  deliveryFor,
  requestAfter,
  startLocalCloud,
  type LocalCloud,
} from './support';

const { alice, bob, frank } = DEMO.users;

describe('SnsTopicChannel against the local SNS', () => {
  let cloud: LocalCloud;
  let channel: SnsTopicChannel;

  beforeAll(async () => {
    cloud = await startLocalCloud();
    channel = new SnsTopicChannel({ client: cloud.sns, topicArn: TOPIC });
  });
  afterEach(() => {
    cloud.box.outbox.clear();
    cloud.box.knobs.sns.faults.errorRate = 0;
  });
  afterAll(() => cloud.stop());

  const published = () => cloud.box.outbox.list({ channel: 'sns' });

  const ACTED: Partial<Record<NotificationEventType, { actor: unknown; comment: string | null }>> = {
    pending: { actor: { id: alice.id, email: alice.email, name: alice.displayName }, comment: null },
    cancelled: { actor: { id: alice.id, email: alice.email, name: alice.displayName }, comment: null },
    approved: { actor: bobActor, comment: 'approved by Bob' },
    rejected: { actor: bobActor, comment: 'rejected by Bob' },
    revoked: { actor: bobActor, comment: 'Incident closed' },
    'extension-requested': {
      actor: { id: alice.id, email: alice.email, name: alice.displayName },
      comment: null,
    },
    extended: { actor: bobActor, comment: 'extended by Bob' },
    'extension-rejected': { actor: bobActor, comment: 'extension-rejected by Bob' },
    'break-glass': { actor: { id: alice.id, email: alice.email, name: alice.displayName }, comment: null },
    reviewed: { actor: bobActor, comment: 'No incident matched' },
  };

  const aliceSns = { id: alice.id, email: alice.email, name: alice.displayName };
  /** The extension part of the document for the extension events. */
  const EXTENSION: Partial<Record<NotificationEventType, string>> = {
    'extension-requested': 'pending',
    extended: 'approved',
    'extension-rejected': 'rejected',
  };
  const BREAK_GLASS: readonly NotificationEventType[] = ['break-glass', 'review-reminder', 'reviewed'];

  it.each(NOTIFICATION_EVENT_TYPES.map((t) => [t]))(
    '%s: one publish with subject, attributes and the JSON document',
    async (type) => {
      const delivery = deliveryFor(type);
      const request = delivery.event.request;

      const report = await channel.send(delivery);

      expect(report).toEqual({ delivered: [TOPIC], failures: [], skipped: [] });
      const [message, ...more] = published();
      expect(more).toHaveLength(0);
      expect(message?.topicArn).toBe(TOPIC);
      expect(message?.subject).toBe(delivery.message.subject);
      expect(message?.attributes).toEqual({
        event: { dataType: 'String', stringValue: type },
        status: { dataType: 'String', stringValue: request.status },
        accountId: { dataType: 'String', stringValue: '333333333331' },
        priority: { dataType: 'String', stringValue: type === 'break-glass' ? 'high' : 'normal' },
      });
      const document = JSON.parse(message?.message ?? '{}') as SnsNotificationDocument;
      const acted = ACTED[type] ?? { actor: null, comment: null };
      expect(document).toEqual({
        version: 1,
        event: type,
        priority: type === 'break-glass' ? 'high' : 'normal',
        at: delivery.event.at,
        request: {
          id: request.id,
          accountId: '333333333331',
          accountName: 'Prod-Payments',
          role: 'ReadOnlyAccess',
          status: request.status,
          startTime: '2026-03-02T10:00:00.000Z',
          durationHours: 2,
          justification: 'Investigate the payment incident',
          ticketNo: 'INC-1001',
          requester: { id: alice.id, email: alice.email, name: alice.displayName },
          approvers: [
            { id: bob.id, email: bob.email, name: bob.displayName },
            { id: frank.id, email: frank.email, name: frank.displayName },
          ],
          // Two hours from 10:00, two more once extended.
          endTime: type === 'extended' ? '2026-03-02T14:00:00.000Z' : '2026-03-02T12:00:00.000Z',
          breakGlassIncident: BREAK_GLASS.includes(type) ? 'INC-9001' : null,
          review: !BREAK_GLASS.includes(type)
            ? null
            : type === 'reviewed'
              ? {
                  state: 'flagged',
                  by: bobActor,
                  at: '2026-03-02T13:00:00.000Z',
                  comment: 'No incident matched',
                }
              : { state: 'needed', by: null, at: null, comment: null },
        },
        extension:
          EXTENSION[type] === undefined
            ? null
            : {
                id: 1,
                hours: 2,
                reason: 'Migration runs late',
                status: EXTENSION[type],
                requestedBy: aliceSns,
              },
        to: null,
        actor: acted.actor,
        comment: acted.comment,
        errorReason: type === 'error' ? 'Identity Center answered FAILED' : null,
        link: `https://team.example.com/requests/${request.id}`,
      });
      // Nothing internal leaks (the original published ARNs and config).
      expect(message?.message).not.toMatch(/arn:aws|permissionSet|ssoins-|sessionDuration|version":2/);
    },
  );

  it('marks break-glass alerts high priority in the subject and attributes, for the auditors’ feed', async () => {
    await channel.send(deliveryFor('break-glass'));
    const message = published()[0];
    expect(message?.subject).toBe(
      'BREAK-GLASS: Alice Requester took ReadOnlyAccess access to Prod-Payments (333333333331)',
    );
    expect(message?.subject?.length).toBeLessThanOrEqual(100);
    expect(message?.attributes?.priority).toEqual({ dataType: 'String', stringValue: 'high' });
  });

  it('lists the people an escalation added', async () => {
    const added = { id: frank.id, email: frank.email, name: frank.displayName };
    await channel.send(deliveryFor('escalated', requestAfter('escalated'), undefined, { to: [added] }));
    const document = JSON.parse(published()[0]?.message ?? '{}') as SnsNotificationDocument;
    expect(document.to).toEqual([added]);
  });

  it('shortens a long subject to what SNS accepts', async () => {
    const request = requestAfter('approved', { accountName: `Payments-${'x'.repeat(120)}` });
    const report = await channel.send(deliveryFor('approved', request));
    expect(report.failures).toEqual([]);
    const subject = published()[0]?.subject ?? '';
    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^AWS access request approved for Payments-x+\.\.\.$/);
  });

  it('keeps user text literal in the JSON (no escaping, no loss)', async () => {
    const request = requestAfter('pending', { justification: HOSTILE_JUSTIFICATION, ticketNo: undefined });
    await channel.send(deliveryFor('pending', request));
    const document = JSON.parse(published()[0]?.message ?? '{}') as SnsNotificationDocument;
    expect(document.request.justification).toBe(HOSTILE_JUSTIFICATION);
    expect(document.request.ticketNo).toBeNull();
  });

  it('reports a failed publish instead of throwing', async () => {
    cloud.box.knobs.sns.faults.errorRate = 1;
    const report = await channel.send(deliveryFor('started'));
    expect(report.delivered).toEqual([]);
    expect(report.failures).toEqual([{ target: TOPIC, reason: expect.stringMatching(/InternalError/) }]);

    cloud.box.knobs.sns.faults.errorRate = 0;
    const missing = new SnsTopicChannel({ client: cloud.sns, topicArn: `${TOPIC}-gone` });
    const gone = await missing.send(deliveryFor('started'));
    expect(gone.failures[0]?.reason).toMatch(/Topic does not exist/);
  });
});
