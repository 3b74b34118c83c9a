import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  headerValue,
  slackSignature,
  verifySlackSignature,
} from '../../../lambdas/adapters/notify/slack-signature';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = new Date('2026-12-07T12:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const BODY = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

/** Slack's rule written out on its own: v0=HMAC-SHA256(secret, "v0:<ts>:<body>") in hex. */
const independent = (secret: string, ts: number, body: string) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

const headers = (ts: number | string, signature: string) => ({
  'x-slack-request-timestamp': String(ts),
  'x-slack-signature': signature,
});

describe('Slack request signatures', () => {
  it('signs as Slack documents it', () => {
    expect(slackSignature(SECRET, TS, BODY)).toBe(independent(SECRET, TS, BODY));
  });

  type Case = [name: string, input: Parameters<typeof verifySlackSignature>[0], reason?: RegExp];
  const cases: Case[] = [
    ['valid', { secret: SECRET, headers: headers(TS, independent(SECRET, TS, BODY)), body: BODY, now: NOW }],
    [
      'valid, 4 minutes old, header names in any case',
      {
        secret: SECRET,
        headers: {
          'X-Slack-Request-Timestamp': String(TS - 240),
          'X-Slack-Signature': independent(SECRET, TS - 240, BODY),
        },
        body: BODY,
        now: NOW,
      },
    ],
    [
      'signed with another secret',
      { secret: SECRET, headers: headers(TS, independent('another-secret', TS, BODY)), body: BODY, now: NOW },
      /mismatch/,
    ],
    [
      'stale: 6 minutes old',
      {
        secret: SECRET,
        headers: headers(TS - 360, independent(SECRET, TS - 360, BODY)),
        body: BODY,
        now: NOW,
      },
      /window/,
    ],
    [
      'from the future: 6 minutes ahead',
      {
        secret: SECRET,
        headers: headers(TS + 360, independent(SECRET, TS + 360, BODY)),
        body: BODY,
        now: NOW,
      },
      /window/,
    ],
    [
      'body altered after signing',
      { secret: SECRET, headers: headers(TS, independent(SECRET, TS, BODY)), body: `${BODY}x`, now: NOW },
      /mismatch/,
    ],
    [
      'timestamp altered after signing',
      { secret: SECRET, headers: headers(TS - 1, independent(SECRET, TS, BODY)), body: BODY, now: NOW },
      /mismatch/,
    ],
    ['no headers', { secret: SECRET, headers: {}, body: BODY, now: NOW }, /missing/],
    [
      'no signature header',
      { secret: SECRET, headers: { 'x-slack-request-timestamp': String(TS) }, body: BODY, now: NOW },
      /missing/,
    ],
    [
      'no timestamp header',
      {
        secret: SECRET,
        headers: { 'x-slack-signature': independent(SECRET, TS, BODY) },
        body: BODY,
        now: NOW,
      },
      /missing/,
    ],
    [
      'another signature version',
      {
        secret: SECRET,
        headers: headers(TS, independent(SECRET, TS, BODY).replace('v0=', 'v1=')),
        body: BODY,
        now: NOW,
      },
      /malformed signature/,
    ],
    [
      'a truncated signature',
      {
        secret: SECRET,
        headers: headers(TS, independent(SECRET, TS, BODY).slice(0, 40)),
        body: BODY,
        now: NOW,
      },
      /malformed signature/,
    ],
    [
      'a timestamp that is not a number',
      { secret: SECRET, headers: headers('12e3', independent(SECRET, TS, BODY)), body: BODY, now: NOW },
      /malformed timestamp/,
    ],
  ];

  it.each(cases)('%s', (_name, input, reason) => {
    const check = verifySlackSignature(input);
    if (reason === undefined) {
      expect(check.ok).toBe(true);
    } else {
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(reason);
    }
  });

  it('reads a header whatever the case of its name', () => {
    expect(headerValue({ 'X-Slack-Signature': 'v0=1' }, 'x-slack-signature')).toBe('v0=1');
    expect(headerValue({}, 'x-slack-signature')).toBeUndefined();
  });
});
