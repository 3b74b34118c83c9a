/**
 * Approving from Slack against the local cloud: the approvers' DMs in the local outbox carry
 * Approve and Reject, a click goes through the outbox's Slack stand-in to TEAM's real
 * interactivity handler behind a local function URL, signed as Slack signs it; TEAM opens the
 * modal, the submitted decision is taken as the Identity Center user with the clicker's email,
 * and every approver's message is updated. Then the same through the outbox page in Chromium.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveRequestDocument,
  CreateRequestDocument,
  GetRequestDocument,
} from '../../graphql/generated/operations';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import type { SlackMessage } from '../../local/outbox';
import { CHROMIUM, ensureWebBuild, launchChromium, screenshot } from './support';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';

const REQUESTER = 'alice.nguyen@example.com';
/** TEAM-Approvers-NonProduction: they approve both accounts below. */
const APPROVERS = ['bob.martin@example.com', 'carol.smith@example.com', 'ivan.petrov@example.com'];
const ONE_APPROVAL = { id: '118573649280', name: 'Sandbox Team A' };
const TWO_APPROVALS = { id: '836351427068', name: 'Customer Portal Staging' };
const HOSTILE = 'Deploy fix <!channel> <https://evil.example|click here> *bold* _it_';

interface ViewAnswer {
  status: number;
  view?: { id: string; title?: { text: string }; blocks: unknown[] };
  response?: { response_action?: string; errors?: Record<string, string> };
  errors?: Record<string, string>;
}

const hasChromium = existsSync(CHROMIUM);

describe('Slack: approving from the message', () => {
  let cloud: LocalCloud;
  let outboxUrl: string;

  async function graphql<T>(userName: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const { accessToken } = await cloud.backend.tokensFor(userName);
    const response = await fetch(cloud.backend.urls.graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: accessToken },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data as T;
  }

  async function request(accountId: string, justification: string): Promise<string> {
    const readOnly = cloud.backend.org.permissionSets.find((p) => p.name === 'ReadOnlyAccess');
    const created = await graphql<{ createRequest: { id: string } }>(
      REQUESTER,
      CreateRequestDocument.toString(),
      {
        input: {
          accountId,
          permissionSetArn: readOnly?.arn,
          durationHours: 1,
          justification,
          ticketNo: 'OPS-2001',
        },
      },
    );
    await cloud.backend.settle();
    decisionMessages(created.createRequest.id);
    return created.createRequest.id;
  }

  const statusOf = async (id: string) =>
    (await graphql<{ getRequest: { status: string } }>(REQUESTER, GetRequestDocument.toString(), { id }))
      .getRequest.status;

  const post = async <T>(path: string, body: unknown): Promise<T & { httpStatus: number }> => {
    const response = await fetch(`${outboxUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { ...((await response.json()) as T), httpStatus: response.status };
  };

  /** Outbox ids of each request's decision messages, as first posted (their buttons carried its id). */
  const posted = new Map<string, string[]>();
  /**
   * The approvers' decision messages about a request as they are now (updates included): the
   * DMs first posted with buttons carrying its id, one per approver.
   */
  const decisionMessages = (requestId: string): SlackMessage[] => {
    let ids = posted.get(requestId);
    if (ids === undefined) {
      ids = cloud.backend.outbox.outbox
        .list({ channel: 'slack' })
        .filter(
          (m) =>
            m.recipient !== undefined && JSON.stringify(m.blocks ?? []).includes(`"value":"${requestId}"`),
        )
        .map((m) => m.id);
      posted.set(requestId, ids);
    }
    const now = cloud.backend.outbox.outbox.list({ channel: 'slack' });
    const messages = ids.map((id) => now.find((m) => m.id === id)).filter((m) => m !== undefined);
    expect(messages.map((m) => m.recipient?.email).sort()).toEqual(APPROVERS);
    return messages;
  };
  const messageTo = (requestId: string, email: string) => {
    const found = decisionMessages(requestId).find((m) => m.recipient?.email === email);
    if (!found) throw new Error(`no decision message to ${email}`);
    return found;
  };
  const actionIdsOf = (m: SlackMessage) =>
    (m.blocks as { type: string; elements?: { action_id: string }[] }[]).flatMap((b) =>
      b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : [],
    );

  async function decide(
    requestId: string,
    email: string,
    action: 'approve_request' | 'reject_request',
    comment: string,
  ): Promise<ViewAnswer> {
    const clicked = await post<ViewAnswer>('/outbox/slack/actions', {
      messageId: messageTo(requestId, email).id,
      actionId: action,
    });
    expect(clicked.status).toBe(200);
    const view = clicked.view;
    if (!view) throw new Error('TEAM opened no modal');
    const submitted = await post<ViewAnswer>(`/outbox/slack/views/${view.id}/submit`, {
      values: { comment: { comment_input: comment } },
    });
    // A refused decision keeps the modal open: the person reads why and closes it.
    if (submitted.response?.response_action === 'errors')
      await post(`/outbox/slack/views/${view.id}/close`, {});
    await cloud.backend.settle();
    return { ...submitted, view };
  }

  beforeAll(async () => {
    if (hasChromium) await ensureWebBuild();
    cloud = await startLocalCloud({
      web: hasChromium ? 'dist' : 'none',
      webPort: 0,
      dynamoEndpoint: sharedDynamoEndpoint(),
    });
    outboxUrl = cloud.backend.urls.outbox;
  }, 240_000);
  afterAll(async () => {
    await cloud?.stop();
  }, 60_000);

  let single = '';

  it('every approver gets Approve and Reject; user text arrives escaped', async () => {
    single = await request(ONE_APPROVAL.id, HOSTILE);
    const messages = decisionMessages(single);
    expect(messages.map((m) => m.recipient?.email).sort()).toEqual(APPROVERS);
    for (const m of messages) {
      expect(actionIdsOf(m)).toEqual(['approve_request', 'reject_request', 'open_request']);
      const text = JSON.stringify(m.blocks);
      expect(text).toContain('&lt;!channel&gt;');
      expect(text).toContain('&lt;https://evil.example|click here&gt;');
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example');
      expect(text).not.toMatch(/[^\u200b]\*bold\*/);
      expect(text).toContain(`/requests/${single}`);
    }
  });

  it('Ivan approves in Slack: the modal asks for the comment, access is granted, every message shows it', async () => {
    const answer = await decide(
      single,
      'ivan.petrov@example.com',
      'approve_request',
      'Matches the change ticket',
    );
    expect(answer.view?.title?.text).toBe('Approve access request');
    expect(answer.response?.response_action ?? 'clear').toBe('clear');
    expect(await statusOf(single)).toBe('IN_PROGRESS');
    for (const m of decisionMessages(single)) {
      expect(m.edited, m.recipient?.email).toBeDefined();
      expect(actionIdsOf(m)).toEqual(['open_request']);
      const text = JSON.stringify(m.blocks);
      expect(text).toContain('Access request approved');
      expect(text).toContain('Ivan Petrov');
      expect(text).toContain('Matches the change ticket');
    }
  });

  it('two approvals: the first click leaves it pending with "1 of 2", the second approves', async () => {
    const id = await request(TWO_APPROVALS.id, 'Read the portal staging logs');
    await decide(id, 'carol.smith@example.com', 'approve_request', 'First look is fine');
    expect(await statusOf(id)).toBe('PENDING');
    for (const m of decisionMessages(id)) {
      expect(m.edited, m.recipient?.email).toBeDefined();
      expect(actionIdsOf(m)).toContain('approve_request');
      expect(JSON.stringify(m.blocks)).toContain('1 of 2 approvals');
    }
    // Carol again: refused in the modal, nothing changes.
    const again = await decide(id, 'carol.smith@example.com', 'approve_request', 'Once more');
    expect(again.response?.response_action).toBe('errors');
    expect(Object.values(again.response?.errors ?? {}).join(' ')).toMatch(/already approved/);
    expect(await statusOf(id)).toBe('PENDING');

    await decide(id, 'bob.martin@example.com', 'approve_request', 'Second look is fine too');
    expect(await statusOf(id)).toBe('IN_PROGRESS');
    for (const m of decisionMessages(id)) {
      expect(actionIdsOf(m)).toEqual(['open_request']);
      expect(JSON.stringify(m.blocks)).toContain('Bob Martin');
    }
  });

  it('someone who is not an approver cannot decide through another message; Reject needs no second person', async () => {
    const id = await request(ONE_APPROVAL.id, 'Check the sandbox quotas');
    const users = (await (await fetch(`${outboxUrl}/outbox/slack/users`)).json()) as {
      users: { id: string; email: string }[];
    };
    const alice = users.users.find((u) => u.email === REQUESTER);
    const clicked = await post<ViewAnswer>('/outbox/slack/actions', {
      messageId: messageTo(id, 'bob.martin@example.com').id,
      actionId: 'approve_request',
      userId: alice?.id,
    });
    const submitted = await post<ViewAnswer>(`/outbox/slack/views/${clicked.view?.id ?? ''}/submit`, {
      values: { comment: { comment_input: 'approving my own' } },
      userId: alice?.id,
    });
    expect(submitted.response?.response_action).toBe('errors');
    expect(Object.values(submitted.response?.errors ?? {}).join(' ')).toMatch(/Only an approver listed/);
    await post(`/outbox/slack/views/${clicked.view?.id ?? ''}/close`, { userId: alice?.id });
    expect(await statusOf(id)).toBe('PENDING');

    await decide(id, 'bob.martin@example.com', 'reject_request', 'Use the read-only dashboard instead');
    expect(await statusOf(id)).toBe('REJECTED');
    for (const m of decisionMessages(id)) {
      expect(JSON.stringify(m.blocks)).toContain('Access request rejected');
    }
  });

  it('a decision taken in the web app updates every approver message too', async () => {
    const id = await request(ONE_APPROVAL.id, 'Review the sandbox budget alarms');
    await graphql(APPROVERS[0]!, ApproveRequestDocument.toString(), {
      input: { requestId: id, comment: 'Approved in the browser' },
    });
    await cloud.backend.settle();
    const messages = decisionMessages(id);
    expect(messages).toHaveLength(APPROVERS.length);
    for (const m of messages) {
      expect(m.edited, m.recipient?.email).toBeDefined();
      expect(actionIdsOf(m)).toEqual(['open_request']);
      const text = JSON.stringify(m.blocks);
      expect(text).toContain('Access request approved');
      expect(text).toContain('Bob Martin');
      expect(text).toContain('Approved in the browser');
    }
  });

  it('forged, stale, altered and replayed interactions decide nothing', async () => {
    const id = await request(ONE_APPROVAL.id, 'Rotate the sandbox keys');
    const payload = {
      type: 'view_submission',
      user: { id: 'U-anyone' },
      view: {
        id: 'V-forged',
        callback_id: 'team_decision',
        private_metadata: JSON.stringify({ requestId: id, decision: 'approve' }),
        state: { values: { comment: { comment_input: { type: 'plain_text_input', value: 'forged' } } } },
      },
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      { body, secret: 'not-the-signing-secret' },
      { body, timestamp: now - 600 },
      { body, omitHeaders: true },
    ];
    for (const attempt of attempts) {
      const sent = await post<{ status: number }>('/outbox/slack/raw', attempt);
      expect(sent.status, JSON.stringify(attempt)).toBe(401);
    }
    // Altered: signed for one body, another one sent.
    const signedOnce = await post<{ status: number; sent: { timestamp: number; signature: string } }>(
      '/outbox/slack/raw',
      { body: 'payload=%7B%7D', timestamp: now },
    );
    expect(signedOnce.status).toBe(200);
    const altered = await post<{ status: number }>('/outbox/slack/raw', {
      body,
      timestamp: signedOnce.sent.timestamp,
      signature: signedOnce.sent.signature,
    });
    expect(altered.status).toBe(401);
    // Replayed: the exact request again.
    const replay = await post<{ status: number }>('/outbox/slack/raw', {
      body: 'payload=%7B%7D',
      timestamp: signedOnce.sent.timestamp,
      signature: signedOnce.sent.signature,
    });
    expect(replay.status).toBe(401);
    await cloud.backend.settle();
    expect(await statusOf(id)).toBe('PENDING');
  });

  describe.skipIf(!hasChromium)('in the outbox page', () => {
    let browser: Browser;
    let context: BrowserContext;
    beforeAll(async () => {
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await browser?.close();
    });

    it('Carol clicks Approve on her message, writes the comment, and sees it approved', async () => {
      const id = await request(ONE_APPROVAL.id, 'Inspect the sandbox network');
      const message = messageTo(id, 'carol.smith@example.com');
      const page = await context.newPage();
      await page.goto(`${cloud.appUrl}/local/outbox`);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      const card = page.locator(`[data-message-id="${message.id}"]`);
      await card.getByRole('button', { name: 'Approve' }).click();
      const dialog = page.getByRole('dialog', { name: 'Approve access request' });
      await dialog.getByRole('textbox', { name: 'Comment' }).fill('Looked at the plan with Alice');
      await screenshot(page, 'slack-outbox-modal');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
      await cloud.backend.settle();
      expect(await statusOf(id)).toBe('IN_PROGRESS');
      await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('Access request approved');
      await screenshot(page, 'slack-outbox-approved');
    }, 120_000);
  });
}, 300_000);
