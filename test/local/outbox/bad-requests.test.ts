/**
 * Oversized bodies at the outbox: SES v2, SNS and Slack each answer 413 in their own error shape,
 * and the keep-alive connection it came on serves the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../local/outbox/http';
import { startOutbox, type RunningOutbox } from '../../../local/outbox/server';
import { keepAliveClient } from '../../support/keep-alive';

const TOKEN = 'xoxb-test-token-123';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:TeamNotifications-main';
const OVERSIZED = Buffer.alloc(MAX_BODY_BYTES + 1024, 'a');

let box: RunningOutbox;

beforeAll(async () => {
  box = await startOutbox({ slackToken: TOKEN, snsTopics: [TOPIC] });
});
afterAll(async () => {
  await box.stop();
});

const email = JSON.stringify({
  FromEmailAddress: 'team@example.com',
  Destination: { ToAddresses: ['alice@example.com'] },
  Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
});

describe('the outbox after an oversized body', () => {
  it.each([
    {
      name: 'SES v2',
      path: '/v2/email/outbound-emails',
      headers: { 'content-type': 'application/json' },
      good: email,
      refused: (reply: { json(): unknown; headers: Record<string, unknown> }) => {
        expect(reply.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
        expect(reply.json()).toEqual({ message: 'Request body is larger than 10 MiB' });
      },
    },
    {
      name: 'SNS',
      path: '/sns',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      good: new URLSearchParams({ Action: 'Publish', TopicArn: TOPIC, Message: 'hello' }).toString(),
      refused: (reply: { text: string }) => {
        expect(reply.text).toContain('<Code>RequestEntityTooLarge</Code>');
      },
    },
    {
      name: 'Slack',
      path: '/api/api.test',
      headers: { 'content-type': 'application/json' },
      good: '{}',
      refused: (reply: { json(): unknown }) => {
        expect(reply.json()).toEqual({ ok: false, error: 'request_too_large' });
      },
    },
  ])('$name answers 413 and keeps the connection', async ({ path, headers, good, refused }) => {
    const client = keepAliveClient();
    const url = `${box.url}${path}`;
    try {
      expect((await client.send(url, { headers, body: good })).status).toBe(200);
      const bad = await client.send(url, { headers, body: OVERSIZED });
      expect(bad.status).toBe(413);
      expect(bad.reusedSocket).toBe(true);
      refused(bad);
      const again = await client.send(url, { headers, body: good });
      expect(again.status).toBe(200);
      expect(again.reusedSocket, 'the good request went over the same connection').toBe(true);
    } finally {
      client.close();
    }
  });
});
