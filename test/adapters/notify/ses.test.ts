import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../lambdas/adapters/notify/escape';
import { SesEmailChannel, regionOfArn, renderEmail } from '../../../lambdas/adapters/notify/ses';
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from '../../../lambdas/core/notifications';
import type { EmailMessage } from '../../../local/outbox';
import { DEMO } from '../../fakes';
import {
  HOSTILE_JUSTIFICATION,
  REGION,
  SOURCE,
  allOn,
  credentials,
  deliveryFor,
  requestAfter,
  startLocalCloud,
  type LocalCloud,
} from './support';

const { alice, bob, frank, carol } = DEMO.users;
const A = alice.email;
const APPROVERS = [bob.email, frank.email];

describe('SesEmailChannel against the local SES v2', () => {
  let cloud: LocalCloud;
  let channel: SesEmailChannel;
  const regions: string[] = [];
  const clients: SESv2Client[] = [];
  const sesClient = (region: string) => {
    const client = new SESv2Client({ endpoint: cloud.box.sesUrl, region, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cloud = await startLocalCloud();
    channel = new SesEmailChannel({
      region: REGION,
      clientFor: (region) => {
        regions.push(region);
        return sesClient(region);
      },
    });
  });
  afterEach(() => {
    cloud.box.outbox.clear();
    cloud.box.knobs.ses.rejectRecipients = [];
    cloud.box.knobs.ses.faults.throttleRate = 0;
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await cloud.stop();
  });

  const emails = () => cloud.box.outbox.list({ channel: 'email' });

  const cases: [NotificationEventType, string[], string[], string, string[]][] = [
    // event, To, Cc, subject, lines the text body must have besides the common ones
    ['pending', APPROVERS, [], 'AWS access request for Prod-Payments (333333333331) needs approval', []],
    [
      'approved',
      [A],
      APPROVERS,
      'AWS access request approved for Prod-Payments (333333333331)',
      ['Approved by: Bob Approver (bob@example.com)', 'Comment: approved by Bob'],
    ],
    [
      'rejected',
      [A],
      APPROVERS,
      'AWS access request rejected for Prod-Payments (333333333331)',
      ['Rejected by: Bob Approver (bob@example.com)', 'Comment: rejected by Bob'],
    ],
    [
      'cancelled',
      APPROVERS,
      [A],
      'AWS access request cancelled for Prod-Payments (333333333331)',
      ['Cancelled by: Alice Requester (alice@example.com)'],
    ],
    ['expired', [A], APPROVERS, 'AWS access request expired for Prod-Payments (333333333331)', []],
    ['scheduled', [A], APPROVERS, 'AWS access session scheduled for Prod-Payments (333333333331)', []],
    ['started', [A], APPROVERS, 'AWS access session started for Prod-Payments (333333333331)', []],
    ['ended', [A], APPROVERS, 'AWS access session ended for Prod-Payments (333333333331)', []],
    [
      'revoked',
      [A],
      APPROVERS,
      'AWS access session revoked for Prod-Payments (333333333331)',
      ['Revoked by: Bob Approver (bob@example.com)', 'Comment: Incident closed'],
    ],
    [
      'error',
      [A],
      APPROVERS,
      'Error handling AWS access for Prod-Payments (333333333331)',
      ['Error: Identity Center answered FAILED'],
    ],
    ['repaired', [A], APPROVERS, 'AWS access repaired for Prod-Payments (333333333331)', []],
    [
      'reminder',
      APPROVERS,
      [],
      'Reminder: AWS access request for Prod-Payments (333333333331) needs approval',
      [],
    ],
    ['escalated', APPROVERS, [A], 'AWS access request for Prod-Payments (333333333331) escalated to you', []],
    [
      'extension-requested',
      APPROVERS,
      [A],
      'AWS access extension for Prod-Payments (333333333331) needs approval',
      [
        'End time: Monday, March 2, 2026 at 12:00 PM UTC',
        'Extension: 2 hours more',
        'Reason: Migration runs late',
        'Asked by: Alice Requester (alice@example.com)',
      ],
    ],
    [
      'extended',
      [A],
      APPROVERS,
      'AWS access extended for Prod-Payments (333333333331)',
      [
        'New end time: Monday, March 2, 2026 at 2:00 PM UTC',
        'Approved by: Bob Approver (bob@example.com)',
        'Comment: extended by Bob',
      ],
    ],
    [
      'extension-rejected',
      [A],
      [],
      'AWS access extension rejected for Prod-Payments (333333333331)',
      ['Rejected by: Bob Approver (bob@example.com)', 'Comment: extension-rejected by Bob'],
    ],
    [
      'break-glass',
      APPROVERS,
      [],
      'BREAK-GLASS: Alice Requester took ReadOnlyAccess access to Prod-Payments (333333333331)',
      ['Incident: INC-9001', 'End time: Monday, March 2, 2026 at 12:00 PM UTC'],
    ],
    [
      'review-reminder',
      APPROVERS,
      [],
      'Review needed: break-glass access to Prod-Payments (333333333331)',
      ['Incident: INC-9001'],
    ],
    [
      'reviewed',
      [A],
      APPROVERS,
      'Break-glass access to Prod-Payments (333333333331) flagged',
      [
        'Review: Flagged as questionable',
        'Reviewed by: Bob Approver (bob@example.com)',
        'Comment: No incident matched',
      ],
    ],
  ];

  it('has a case for every event type', () => {
    expect(cases.map(([type]) => type).sort()).toEqual([...NOTIFICATION_EVENT_TYPES].sort());
  });

  it.each(cases)('%s: one email To %j Cc %j', async (type, to, cc, subject, extraLines) => {
    const delivery = deliveryFor(type);
    const report = await channel.send(delivery);

    expect(report).toEqual({ delivered: [...to, ...cc], failures: [], skipped: [] });
    const [email, ...more] = emails();
    expect(more).toHaveLength(0);
    expect(email).toMatchObject({ from: SOURCE, to, cc, bcc: [], subject });
    expect(email?.fromArn).toBeUndefined();

    const text = email?.text ?? '';
    for (const line of [
      'Account: Prod-Payments (333333333331)',
      'Role: ReadOnlyAccess',
      'Start time: Monday, March 2, 2026 at 10:00 AM UTC',
      'Duration: 2 hours',
      'Requester: Alice Requester (alice@example.com)',
      'Justification: Investigate the payment incident',
      'Ticket number: INC-1001',
      ...extraLines,
      `Open in TEAM: https://team.example.com/requests/${delivery.event.request.id}`,
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    const html = email?.html ?? '';
    expect(html).toContain(
      '<th align="left" valign="top" style="padding:4px 12px 4px 0;white-space:nowrap">Account</th>',
    );
    expect(html).toContain('<td style="padding:4px 0">Prod-Payments (333333333331)</td>');
    expect(html).toContain('<td style="padding:4px 0">2 hours</td>');
    expect(html).toContain(
      `<a href="https://team.example.com/requests/${delivery.event.request.id}">Open in TEAM</a>`,
    );
    expect(html).toContain(`<p>${escapeHtml(delivery.message.summary)}</p>`);
  });

  it('makes a break-glass alert unmistakable: red banner, urgent headers, and SES gets them', async () => {
    const delivery = deliveryFor('break-glass');
    const rendered = renderEmail(delivery.message);
    expect(rendered.headers).toEqual([
      { name: 'X-Priority', value: '1 (Highest)' },
      { name: 'Importance', value: 'high' },
    ]);
    expect(rendered.html).toContain('HIGH PRIORITY: break-glass access was taken without approval');
    expect(rendered.text.split('\n')[0]).toMatch(/^\*\*\* HIGH PRIORITY/);
    expect(renderEmail(deliveryFor('reviewed').message).headers).toEqual([]);
    expect(renderEmail(deliveryFor('reviewed').message).html).not.toContain('HIGH PRIORITY');

    const report = await channel.send(delivery);
    expect(report.failures).toEqual([]);
    expect(emails()[0]?.subject).toMatch(/^BREAK-GLASS: /);
  });

  it('sends from the identity ARN, with the client in the ARN’s region', async () => {
    const made: string[] = [];
    const fresh = new SesEmailChannel({
      region: REGION,
      clientFor: (region) => {
        made.push(region);
        return sesClient(region);
      },
    });
    const arn = 'arn:aws:ses:eu-west-1:210987654321:identity/example.com';
    const withArn = allOn({ sesSourceArn: arn });
    const report = await fresh.send(deliveryFor('approved', requestAfter('approved'), withArn));

    expect(report.failures).toEqual([]);
    expect(emails()[0]).toMatchObject({ from: SOURCE, fromArn: arn });
    expect(made).toEqual(['eu-west-1']);
    // One client per region, reused.
    await fresh.send(deliveryFor('approved', requestAfter('approved'), withArn));
    await fresh.send(deliveryFor('approved'));
    await fresh.send(deliveryFor('approved'));
    expect(made).toEqual(['eu-west-1', REGION]);
    expect(regions.every((r) => r === REGION)).toBe(true);
    expect(regionOfArn('arn:aws:ses:ap-northeast-1:1:identity/x')).toBe('ap-northeast-1');
    expect(regionOfArn('arn:aws:ses::1:identity/x')).toBeUndefined();
  });

  it('when SES rejects one recipient, sends the others their own copy and reports that one', async () => {
    cloud.box.knobs.ses.rejectRecipients = [frank.email];
    const request = requestAfter('approved', {
      approvers: [bobActorOf(bob), bobActorOf(frank), bobActorOf(carol)],
    });

    const report = await channel.send(deliveryFor('approved', request));

    expect(report.delivered).toEqual([A, bob.email, carol.email]);
    expect(report.failures).toEqual([
      { target: frank.email, reason: expect.stringMatching(/^MessageRejected: .*frank@example\.com/) },
    ]);
    expect(emails().map((e) => ({ to: e.to, cc: e.cc }))).toEqual([
      { to: [A], cc: [] },
      { to: [], cc: [bob.email] },
      { to: [], cc: [carol.email] },
    ]);
  });

  it('does not multiply calls when SES is throttling: everyone in the group is reported', async () => {
    cloud.box.knobs.ses.faults.throttleRate = 1;
    const report = await channel.send(deliveryFor('approved'));
    expect(report.delivered).toEqual([]);
    expect(report.failures.map((f) => f.target)).toEqual([A, ...APPROVERS]);
    expect(report.failures[0]?.reason).toMatch(/^TooManyRequestsException/);
  });

  it('splits more than 50 recipients into several emails, To first', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `u${i}`, email: `approver${i}@example.com` }));
    const report = await channel.send(deliveryFor('approved', requestAfter('approved', { approvers: many })));
    expect(report.delivered).toHaveLength(61);
    const sent = emails();
    expect(sent.map((e) => [e.to.length, e.cc.length])).toEqual([
      [1, 49],
      [0, 11],
    ]);
  });

  it('refuses to send without a source email (the notifier records it)', async () => {
    await expect(
      channel.send(deliveryFor('approved', undefined, allOn({ sesSourceEmail: undefined }))),
    ).rejects.toThrow(/source email/);
  });

  it('escapes user text in HTML and keeps it literal in the text body', async () => {
    const request = requestAfter('rejected', {
      justification: HOSTILE_JUSTIFICATION,
      decisionComment: 'No "quotes" & <b>tags</b>',
      requester: { id: alice.id, email: alice.email, name: 'Alice <img src=x onerror=alert(1)>' },
    });
    await channel.send(deliveryFor('rejected', request));
    const email = emails()[0] as EmailMessage;

    expect(email.html).not.toMatch(/<script|<img|<b>|<@U123>|<!channel>/);
    expect(email.html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;@U123&gt; &lt;!channel&gt; *bold* 日本語の理由',
    );
    expect(email.html).toContain('No &quot;quotes&quot; &amp; &lt;b&gt;tags&lt;/b&gt;');
    expect(email.html).toContain('Alice &lt;img src=x onerror=alert(1)&gt;');
    expect(email.text).toContain(`Justification: ${HOSTILE_JUSTIFICATION}`);
    expect(email.text).toContain('Comment: No "quotes" & <b>tags</b>');
  });

  it('keeps line breaks of free text in both bodies', () => {
    const rendered = renderEmail(
      deliveryFor('pending', requestAfter('pending', { justification: 'line one\nline <two>' })).message,
    );
    expect(rendered.html).toContain('line one<br>line &lt;two&gt;');
    expect(rendered.text).toContain('Justification: line one\n  line <two>');
  });
});

function bobActorOf(user: { id: string; email: string; displayName: string }) {
  return { id: user.id, email: user.email, name: user.displayName };
}
