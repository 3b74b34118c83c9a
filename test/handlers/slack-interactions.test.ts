import { createHmac } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ForbiddenError } from '../../lambdas/core/errors';
import type { AccessRequest } from '../../lambdas/core/types';
import {
  DECISION_MODAL,
  decisionModal,
  makeSlackInteractionHandler,
  type SlackInteractionDeps,
} from '../../lambdas/handlers/slack-interactions';
import { aRequest } from '../builders';
import { DEMO } from '../fakes';
import { FixedClock } from '../fakes/clock';

const SECRET = 'local-signing-secret-0123456789abcdef';
const NOW = new Date('2026-12-07T12:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const { bob } = DEMO.users;

const sign = (body: string, ts = TS, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

const formOf = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

function eventOf(body: string, headers: Record<string, string>, method = 'POST'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'test',
      domainName: 'example.lambda-url.us-east-1.on.aws',
      domainPrefix: 'example',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Slackbot' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: NOW.toUTCString(),
      timeEpoch: NOW.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

const signed = (body: string, ts = TS, secret = SECRET) =>
  eventOf(body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts, secret) });

function submission(requestId: string, decision: 'approve' | 'reject', comment: string | null) {
  return formOf({
    type: 'view_submission',
    user: { id: 'U0BOB' },
    view: {
      id: 'V1',
      callback_id: DECISION_MODAL.callbackId,
      private_metadata: JSON.stringify({ requestId, decision }),
      state: {
        values: {
          [DECISION_MODAL.block]: { [DECISION_MODAL.action]: { type: 'plain_text_input', value: comment } },
        },
      },
    },
  });
}

function world(options: { secret?: string | undefined; email?: string | undefined } = {}) {
  const request = aRequest();
  const used = new Set<string>();
  const viewsOpen = vi.fn(async (_args: { trigger_id: string; view: unknown }) => ({ ok: true }));
  const decide = vi.fn(async (): Promise<AccessRequest> => ({ ...request, status: 'approved' }));
  const update = vi.fn(async () => ({ updated: 2, failures: [] }));
  const deps: SlackInteractionDeps = {
    clock: new FixedClock(NOW),
    secrets: { getSecret: async () => ('secret' in options ? options.secret : SECRET) },
    chat: {
      firstUse: async (signature) => {
        if (used.has(signature)) return false;
        used.add(signature);
        return true;
      },
    },
    slack: {
      web: async () => ({ views: { open: viewsOpen } }) as unknown as WebClient,
      call: (run) => run(),
      userById: async (id) =>
        'email' in options
          ? { id, ...(options.email ? { email: options.email } : {}) }
          : { id, email: bob.email },
    },
    messages: { update },
    getRequest: async (id) => (id === request.id ? request : undefined),
    settings: async () =>
      ({ commentsRequired: true }) as Awaited<ReturnType<SlackInteractionDeps['settings']>>,
    decide,
    appUrl: 'https://team.example.com',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return {
    deps,
    request,
    decide,
    update,
    viewsOpen,
    handler: makeSlackInteractionHandler({ deps: () => deps }),
  };
}

describe('the Slack interactivity endpoint: signatures', () => {
  const body = () => submission(aRequest().id, 'approve', 'fine');
  type Case = [name: string, event: (b: string) => LambdaFunctionURLEvent];
  const refusedCases: Case[] = [
    ['signed with another secret', (b) => signed(b, TS, 'another-secret')],
    ['stale timestamp (6 minutes)', (b) => signed(b, TS - 360)],
    ['body altered', (b) => ({ ...signed(b), body: b.replace('fine', 'FINE') })],
    ['no signature headers', (b) => eventOf(b, {})],
    ['no timestamp header', (b) => eventOf(b, { 'x-slack-signature': sign(b) })],
  ];

  it('a valid signature is accepted and the decision taken', async () => {
    const t = world();
    const answer = await t.handler(signed(submission(t.request.id, 'approve', 'fine')));
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(String((answer as { body: string }).body))).toEqual({ response_action: 'clear' });
    expect(t.decide).toHaveBeenCalledWith({
      email: bob.email,
      requestId: t.request.id,
      decision: 'approve',
      comment: 'fine',
    });
    expect(t.update).toHaveBeenCalledTimes(1);
  });

  it.each(refusedCases)('%s: refused with 401, no decision', async (_name, event) => {
    const t = world();
    const answer = await t.handler(event(body()));
    expect(answer).toMatchObject({ statusCode: 401 });
    expect(t.decide).not.toHaveBeenCalled();
    expect(t.viewsOpen).not.toHaveBeenCalled();
  });

  it('a replay of an accepted request is refused, and decides nothing', async () => {
    const t = world();
    const event = signed(submission(t.request.id, 'approve', 'fine'));
    expect(await t.handler(event)).toMatchObject({ statusCode: 200 });
    expect(await t.handler(event)).toMatchObject({ statusCode: 401 });
    expect(t.decide).toHaveBeenCalledTimes(1);
  });

  it('without a configured signing secret nothing is accepted', async () => {
    const t = world({ secret: undefined });
    expect(await t.handler(signed(body()))).toMatchObject({ statusCode: 503 });
    expect(t.decide).not.toHaveBeenCalled();
  });

  it('only POST', async () => {
    const t = world();
    expect(await t.handler(eventOf('', {}, 'GET'))).toMatchObject({ statusCode: 405 });
  });

  it('a base64 body is verified as the bytes Slack sent', async () => {
    const t = world();
    const text = submission(t.request.id, 'approve', 'fine');
    const event = { ...signed(text), body: Buffer.from(text).toString('base64'), isBase64Encoded: true };
    expect(await t.handler(event)).toMatchObject({ statusCode: 200 });
    expect(t.decide).toHaveBeenCalledTimes(1);
  });
});

describe('the Slack interactivity endpoint: Approve, Reject and the modal', () => {
  const click = (actionId: string, value: string) =>
    formOf({
      type: 'block_actions',
      trigger_id: '123.456.abc',
      user: { id: 'U0BOB' },
      actions: [{ action_id: actionId, value, type: 'button' }],
    });

  it('Approve opens the modal for the request, the comment required as the settings say', async () => {
    const t = world();
    expect(await t.handler(signed(click('approve_request', t.request.id)))).toMatchObject({
      statusCode: 200,
    });
    expect(t.viewsOpen).toHaveBeenCalledTimes(1);
    const { trigger_id, view } = t.viewsOpen.mock.calls[0]![0];
    expect(trigger_id).toBe('123.456.abc');
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: DECISION_MODAL.callbackId,
      title: { text: 'Approve access request' },
      submit: { text: 'Approve' },
    });
    const input = (view as { blocks: { type: string; optional?: boolean }[] }).blocks.find(
      (b) => b.type === 'input',
    );
    expect(input?.optional).toBe(false);
    expect(JSON.parse((view as { private_metadata: string }).private_metadata)).toEqual({
      requestId: t.request.id,
      decision: 'approve',
    });
    expect(t.decide).not.toHaveBeenCalled();
  });

  it('the link button is acknowledged and nothing else happens', async () => {
    const t = world();
    expect(await t.handler(signed(click('open_request', t.request.id)))).toMatchObject({ statusCode: 200 });
    expect(t.viewsOpen).not.toHaveBeenCalled();
  });

  it('a refused decision shows why under the comment and keeps the modal open', async () => {
    const t = world();
    t.decide.mockRejectedValueOnce(
      new ForbiddenError('Only an approver listed on this request may decide it.'),
    );
    const answer = await t.handler(signed(submission(t.request.id, 'approve', 'fine')));
    expect(JSON.parse(String((answer as { body: string }).body))).toEqual({
      response_action: 'errors',
      errors: { [DECISION_MODAL.block]: 'Only an approver listed on this request may decide it.' },
    });
    expect(t.update).not.toHaveBeenCalled();
  });

  it('a Slack account without a confirmed email cannot decide', async () => {
    const t = world({ email: undefined });
    const answer = await t.handler(signed(submission(t.request.id, 'reject', 'no')));
    expect(String((answer as { body: string }).body)).toMatch(/no confirmed email address/);
    expect(t.decide).not.toHaveBeenCalled();
  });

  it('an unexpected failure is not shown raw', async () => {
    const t = world();
    t.decide.mockRejectedValueOnce(new Error('socket hang up at 10.0.0.1'));
    const answer = await t.handler(signed(submission(t.request.id, 'approve', 'fine')));
    const text = String((answer as { body: string }).body);
    expect(text).toMatch(/unexpected error/);
    expect(text).not.toMatch(/10\.0\.0\.1/);
  });

  it('the modal of a request already decided says so and has no submit button', () => {
    const request = aRequest({ status: 'rejected' });
    const view = decisionModal(request.id, 'approve', request, {
      appUrl: 'https://team.example.com',
      commentRequired: true,
    });
    expect(view).not.toHaveProperty('submit');
    expect(JSON.stringify(view)).toContain('already *rejected*');
  });

  it('user text in the modal is escaped', () => {
    const request = aRequest({ justification: '<!channel> <https://evil|click> *bold*' });
    const view = JSON.stringify(
      decisionModal(request.id, 'approve', request, {
        appUrl: 'https://team.example.com',
        commentRequired: false,
      }),
    );
    expect(view).toContain('&lt;!channel&gt;');
    expect(view).not.toContain('<!channel>');
    expect(view).not.toContain('<https://evil|click>');
  });
});
