/**
 * The console line of each notification `npm start` shows: channel, recipient and subject on one
 * line, whatever the message's text holds.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, notificationLine, printNotifications, updateLine } from '../../../local/outbox';

describe('notification console lines', () => {
  it('prints one line per message with channel, recipient and quoted subject', () => {
    const outbox = new Outbox();
    const lines: string[] = [];
    const stop = printNotifications(outbox, (line) => lines.push(line));
    outbox.add({
      channel: 'email',
      messageId: 'm1',
      from: 'team@example.com',
      to: ['carol.smith@example.com'],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'Access request pending: Alice → Production\nAdministratorAccess',
    });
    outbox.add({
      channel: 'slack',
      method: 'chat.postMessage',
      ts: '1.0',
      conversation: 'D123',
      recipient: { userId: 'U1', email: 'ivan.petrov@example.com' },
      text: 'fallback: line one\nline two',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Access request pending' } }],
    });
    stop();
    outbox.add({
      channel: 'sns',
      messageId: 'm2',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:team-notifications',
      message: '{}',
      attributes: {},
    });
    expect(lines).toEqual([
      '✉ email  carol.smith@example.com  "Access request pending: Alice → Production AdministratorAccess"',
      '# slack  ivan.petrov@example.com  "Access request pending"',
    ]);
  });

  it('names a channel post by its channel and an SNS message by its topic', () => {
    const [channel, sns] = [
      notificationLine({
        channel: 'slack',
        method: 'chat.postMessage',
        id: 's',
        seq: 1,
        at: '',
        ts: '1.0',
        conversation: 'C1',
        conversationName: 'team-audit',
        text: '[TEAM audit] Access granted: x',
      }),
      notificationLine({
        channel: 'sns',
        id: 'n',
        seq: 2,
        at: '',
        messageId: 'm',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:team-notifications',
        subject: 'Access granted',
        message: '{}',
        attributes: {},
      }),
    ];
    expect(channel).toBe('# slack  #team-audit  "[TEAM audit] Access granted: x"');
    expect(sns).toBe('▲ sns    team-notifications  "Access granted"');
  });

  it('prints an "updated" line when a Slack message is edited (chat.update)', () => {
    const outbox = new Outbox();
    const lines: string[] = [];
    const stop = printNotifications(outbox, (line) => lines.push(line));
    const posted = outbox.add({
      channel: 'slack',
      method: 'chat.postMessage',
      ts: '1.0',
      conversation: 'D123',
      recipient: { userId: 'U1', email: 'ivan.petrov@example.com' },
      text: 'Access request pending',
    });
    const updated = outbox.update<'slack'>(posted.id, {
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Access request approved\nby Bob' } }],
    });
    stop();
    expect(lines).toEqual([
      '# slack  ivan.petrov@example.com  "Access request pending"',
      '# slack  ivan.petrov@example.com  updated "Access request approved by Bob"',
    ]);
    expect(updated && updateLine(updated)).toBe(lines[1]);
  });
});
