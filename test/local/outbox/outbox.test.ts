import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadRequestException,
  MessageRejected,
  SendEmailCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import {
  CreateTopicCommand,
  InvalidParameterException,
  InvalidParameterValueException,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { ErrorCode, LogLevel, WebClient, WebClientEvent, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, type OutboxMessage } from '../../../local/outbox/outbox';
import { startOutbox, type RunningOutbox } from '../../../local/outbox/server';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const TOKEN = 'xoxb-test-token-123';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:TeamNotifications-main';

const platformError = async (call: Promise<unknown>): Promise<string | undefined> => {
  try {
    await call;
  } catch (err) {
    const e = err as WebAPIPlatformError;
    expect(e.code).toBe(ErrorCode.PlatformError);
    return e.data.error;
  }
  throw new Error('expected a Slack platform error');
};

describe('local outbox: SES v2, SNS and Slack', () => {
  let box: RunningOutbox;
  let ses: SESv2Client;
  let sns: SNSClient;

  const slackClient = (token = TOKEN) =>
    new WebClient(token, {
      slackApiUrl: box.slackApiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 10, randomize: false },
    });

  beforeAll(async () => {
    box = await startOutbox({
      slackToken: TOKEN,
      slackUsers: [
        { email: 'alice@example.com', name: 'Alice Doe', tz: 'Europe/Amsterdam' },
        { email: 'bob@example.com', name: 'Bob Roe' },
      ],
      slackChannels: [{ name: 'team-audit' }, { name: 'private-ops', botIsMember: false }],
      snsTopics: [TOPIC],
    });
    ses = new SESv2Client({ endpoint: box.sesUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
    sns = new SNSClient({ endpoint: box.snsUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  });
  afterEach(() => {
    box.outbox.clear();
    box.knobs.ses.rejectRecipients = [];
    box.knobs.ses.faults.throttleRate = 0;
    box.knobs.slack.token = TOKEN;
  });
  afterAll(async () => {
    ses.destroy();
    sns.destroy();
    await box.stop();
  });

  describe('SES v2', () => {
    const email = (to: string[]) =>
      new SendEmailCommand({
        FromEmailAddress: 'TEAM <team@example.com>',
        FromEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
        Destination: { ToAddresses: to, CcAddresses: ['approver@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'AWS access request approved' },
            Body: { Html: { Data: '<p>Approved <b>prod</b></p>' }, Text: { Data: 'Approved prod' } },
          },
        },
      });

    it('lands an HTML + text email in the outbox', async () => {
      const out = await ses.send(email(['alice@example.com']));
      expect(out.MessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);
      const [message] = box.outbox.list({ channel: 'email' });
      expect(message).toMatchObject({
        channel: 'email',
        messageId: out.MessageId,
        from: 'TEAM <team@example.com>',
        fromArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
        to: ['alice@example.com'],
        cc: ['approver@example.com'],
        bcc: [],
        subject: 'AWS access request approved',
        html: '<p>Approved <b>prod</b></p>',
        text: 'Approved prod',
      });
    });

    it('rejects a refused recipient with MessageRejected and sends nothing', async () => {
      box.knobs.ses.rejectRecipients = ['Bounce@Example.com'];
      const err = await ses.send(email(['alice@example.com', 'bounce@example.com'])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MessageRejected);
      expect((err as MessageRejected).message).toBe(
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: bounce@example.com',
      );
      expect(box.outbox.list({ channel: 'email' })).toEqual([]);
    });

    it('refuses raw and templated content and honours the fault knobs', async () => {
      await expect(
        ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'team@example.com',
            Destination: { ToAddresses: ['alice@example.com'] },
            Content: { Raw: { Data: new TextEncoder().encode('From: x') } },
          }),
        ),
      ).rejects.toThrow(BadRequestException);
      await expect(
        ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'team@example.com',
            Destination: { ToAddresses: ['alice@example.com'] },
            Content: { Template: { TemplateName: 'x' } },
          }),
        ),
      ).rejects.toThrow(/Template is not supported/);
      box.knobs.ses.faults.throttleRate = 1;
      await expect(ses.send(email(['alice@example.com']))).rejects.toBeInstanceOf(TooManyRequestsException);
    });
  });

  describe('SNS', () => {
    it('publishes with message attributes', async () => {
      const out = await sns.send(
        new PublishCommand({
          TopicArn: TOPIC,
          Subject: 'AWS access request approved',
          Message: JSON.stringify({ id: 'req-1', status: 'approved' }),
          MessageAttributes: {
            status: { DataType: 'String', StringValue: 'approved' },
            duration: { DataType: 'Number', StringValue: '4' },
            approvers: { DataType: 'String.Array', StringValue: '["a@example.com"]' },
          },
        }),
      );
      expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(box.outbox.list({ channel: 'sns' })).toEqual([
        expect.objectContaining({
          messageId: out.MessageId,
          topicArn: TOPIC,
          subject: 'AWS access request approved',
          message: '{"id":"req-1","status":"approved"}',
          attributes: {
            status: { dataType: 'String', stringValue: 'approved' },
            duration: { dataType: 'Number', stringValue: '4' },
            approvers: { dataType: 'String.Array', stringValue: '["a@example.com"]' },
          },
        }),
      ]);
    });

    it('rejects a subject over 100 characters, unknown topics and bad attributes', async () => {
      const tooLong = await sns
        .send(new PublishCommand({ TopicArn: TOPIC, Subject: 'x'.repeat(101), Message: 'hello' }))
        .catch((e: unknown) => e);
      expect(tooLong).toBeInstanceOf(InvalidParameterException);
      expect((tooLong as InvalidParameterException).message).toBe('Invalid parameter: Subject');
      await expect(
        sns.send(new PublishCommand({ TopicArn: `${TOPIC}-nope`, Message: 'hello' })),
      ).rejects.toBeInstanceOf(NotFoundException);
      await expect(
        sns.send(
          new PublishCommand({
            TopicArn: TOPIC,
            Message: 'hello',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'four' } },
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidParameterValueException);
      await expect(
        sns.send(new PublishCommand({ TopicArn: TOPIC, Message: '{"email":"x"}', MessageStructure: 'json' })),
      ).rejects.toThrow('Invalid parameter: Message Structure - No default entry in JSON message body');
      expect(box.outbox.size).toBe(0);
    });

    it('creates and lists topics', async () => {
      const created = await sns.send(new CreateTopicCommand({ Name: 'Another' }));
      expect(created.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:Another');
      const listed = await sns.send(new ListTopicsCommand({}));
      expect(listed.Topics?.map((t) => t.TopicArn)).toEqual([created.TopicArn, TOPIC]);
    });
  });

  describe('Slack Web API', () => {
    it('looks a user up by email and sends a DM with blocks', async () => {
      const slack = slackClient();
      const auth = await slack.auth.test();
      expect(auth).toMatchObject({ ok: true, user_id: expect.stringMatching(/^U/) });
      const found = await slack.users.lookupByEmail({ email: 'Alice@Example.com' });
      expect(found.user).toMatchObject({
        real_name: 'Alice Doe',
        tz: 'Europe/Amsterdam',
        profile: { email: 'alice@example.com' },
      });
      expect(found.user?.tz_offset === 3600 || found.user?.tz_offset === 7200).toBe(true);
      const userId = found.user?.id as string;
      const opened = await slack.conversations.open({ users: userId });
      const dm = opened.channel?.id as string;
      expect(dm).toMatch(/^D/);

      const blocks = [
        { type: 'section', text: { type: 'mrkdwn', text: '*AWS access request approved*' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open TEAM' },
              url: 'https://team.example.com/requests/1',
            },
          ],
        },
      ];
      const posted = await slack.chat.postMessage({
        channel: userId,
        text: 'AWS Access Request Notification',
        blocks,
      });
      expect(posted).toMatchObject({ ok: true, channel: dm, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
      const audit = await slack.chat.postMessage({
        channel: '#team-audit',
        text: 'AWS Access Request Audit Notification',
      });
      expect(audit.channel).toMatch(/^C/);

      const messages = box.outbox.list({ channel: 'slack' });
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatchObject({
        method: 'chat.postMessage',
        conversation: dm,
        recipient: { userId, email: 'alice@example.com', name: 'Alice Doe' },
        text: 'AWS Access Request Notification',
        blocks,
      });
      expect(messages[1]).toMatchObject({ conversation: audit.channel, conversationName: 'team-audit' });
    });

    it('answers Slack errors: unknown email, invalid token, unknown or closed channel', async () => {
      const slack = slackClient();
      expect(await platformError(slack.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe(
        'users_not_found',
      );
      expect(await platformError(slackClient('xoxb-wrong').auth.test())).toBe('invalid_auth');
      expect(await platformError(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe(
        'channel_not_found',
      );
      expect(await platformError(slack.chat.postMessage({ channel: 'private-ops', text: 'x' }))).toBe(
        'not_in_channel',
      );
      box.knobs.slack.token = 'xoxb-rotated';
      expect(await platformError(slack.auth.test())).toBe('invalid_auth');
      expect(box.outbox.size).toBe(0);
    });

    it('answers ratelimited twice, and the client retries after Retry-After and succeeds', async () => {
      const slack = slackClient();
      const waits: number[] = [];
      slack.on(WebClientEvent.RATE_LIMITED, (retrySec: number) => waits.push(retrySec));
      box.knobs.slack.rateLimitNext(2, 1);
      const posted = await slack.chat.postMessage({ channel: 'team-audit', text: 'after the rate limit' });
      expect(posted.ok).toBe(true);
      expect(waits).toEqual([1, 1]);
      expect(box.outbox.list({ channel: 'slack' }).map((m) => m.text)).toEqual(['after the rate limit']);

      box.knobs.slack.rateLimitNext(1, 1);
      const rejecting = new WebClient(TOKEN, {
        slackApiUrl: box.slackApiUrl,
        rejectRateLimitedCalls: true,
        logLevel: LogLevel.ERROR,
      });
      await expect(rejecting.auth.test()).rejects.toMatchObject({
        code: ErrorCode.RateLimitedError,
        retryAfter: 1,
      });
    });
  });

  describe('outbox views', () => {
    const get = async (path: string) => {
      const response = await fetch(`${box.url}${path}`);
      return {
        status: response.status,
        body: (await response.json()) as { messages: OutboxMessage[]; lastSeq: number },
      };
    };

    it('serves messages as JSON, filtered by channel and sequence', async () => {
      await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'one' }));
      await slackClient().chat.postMessage({ channel: 'team-audit', text: 'two' });
      await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'three' }));
      const all = await get('/outbox');
      expect(all.body.messages.map((m) => m.channel)).toEqual(['sns', 'slack', 'sns']);
      const first = all.body.messages[0]?.seq as number;
      expect((await get('/outbox?channel=sns')).body.messages).toHaveLength(2);
      expect((await get(`/outbox?since=${first}`)).body.messages.map((m) => m.seq)).toEqual([
        first + 1,
        first + 2,
      ]);
      expect(box.outbox.list({ channel: 'sns', since: first })).toHaveLength(1);
      expect((await fetch(`${box.url}/outbox`, { method: 'DELETE' })).status).toBe(204);
      expect((await get('/outbox')).body.messages).toEqual([]);
    });

    it('streams new messages as server-sent events', async () => {
      let published: Promise<unknown> | undefined;
      const received = new Promise<string>((resolve, reject) => {
        const req = request(`${box.url}/outbox/stream?channel=sns`, (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            // Publish once the stream is open, then wait for the complete event block.
            published ??= sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'streamed' }));
            const block = /event: message\ndata: (.+)\n\n/.exec(buffer);
            if (block) {
              req.destroy();
              resolve(block[1] as string);
            }
          });
        });
        req.on('error', reject);
        req.end();
      });
      const data = await received;
      await published;
      expect(JSON.parse(data)).toMatchObject({
        channel: 'sns',
        message: 'streamed',
        seq: expect.any(Number),
      });
    });

    it('replays missed messages to a client resuming with Last-Event-ID', async () => {
      await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'before' }));
      const resumeFrom = box.outbox.lastSeq;
      await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'missed' }));
      const replayed = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${box.url}/outbox/stream`,
          { headers: { 'last-event-id': String(resumeFrom) } },
          (res) => {
            let buffer = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              buffer += chunk;
              const block = /id: (\d+)\nevent: message\ndata: (.+)\n\n/.exec(buffer);
              if (block) {
                req.destroy();
                resolve(block[2] as string);
              }
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(replayed)).toMatchObject({ message: 'missed', seq: resumeFrom + 1 });
    });
  });
});

describe('file-backed outbox', () => {
  it('keeps messages across restarts and tells listeners', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    try {
      const file = join(dir, 'outbox.jsonl');
      const first = new Outbox({ file });
      const seen: OutboxMessage[] = [];
      const off = first.on('message', (m) => seen.push(m));
      const waiting = first.waitFor((m) => m.channel === 'sns');
      first.add({ channel: 'sns', messageId: 'm1', topicArn: TOPIC, message: 'kept', attributes: {} });
      off();
      first.add({ channel: 'sns', messageId: 'm2', topicArn: TOPIC, message: 'also kept', attributes: {} });
      expect((await waiting).seq).toBe(1);
      expect(seen).toHaveLength(1);

      const second = new Outbox({ file });
      expect(second.list().map((m) => (m.channel === 'sns' ? m.message : ''))).toEqual(['kept', 'also kept']);
      expect(second.lastSeq).toBe(2);
      second.clear();
      expect(new Outbox({ file }).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
