/**
 * The outbox page (`/local/outbox` on the web host) in headless Chromium: a Slack message renders
 * from its Block Kit with hostile text kept literal, its Approve button goes through the
 * interaction simulator to an app that opens a modal with `views.open`, the modal's field errors
 * show under the field, a good submission closes it and the app's `chat.update` marks the message
 * edited, Escape closes a modal; Teams cards, emails and SNS messages render too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPage } from '../../../local/outbox/page';
import { startOutbox, type RunningOutbox } from '../../../local/outbox/server';
import { startWebHost, type RunningWebHost } from '../../../local/web-host';
import { launchChromium } from '../../e2e/support';

const TOKEN = 'xoxb-test-token-page';
const ZWSP = '\u200B';
/** The parts of Slack's payloads this app reads. */
interface Payload {
  type: string;
  trigger_id: string;
  actions: { action_id: string }[];
  container: { channel_id: string; message_ts: string };
  view: { id: string; state: { values: Record<string, Record<string, { value: string | null }>> } };
}

/** What the page-side checks use of the DOM (they run in the browser; the project has no DOM types). */
declare const document: {
  activeElement: { closest(selector: string): unknown } | null;
  documentElement: { scrollWidth: number };
};

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let box: RunningOutbox;
let web: RunningWebHost;
let app: Server;
let browser: Browser;
let page: Page;
let distDir: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

const slackApi = async (method: string, args: Record<string, unknown>) => {
  const res = await fetch(`${box.slackApiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(args),
  });
  const json = (await res.json()) as Record<string, unknown> & { ok: boolean };
  if (!json.ok) throw new Error(`${method}: ${String(json.error)}`);
  return json;
};

/** TEAM's side, reduced: a button opens the comment modal; a submission decides or refuses. */
async function startApp(): Promise<string> {
  const clicked = new Map<string, { channel: string; ts: string }>();
  app = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Payload;
      const json = (status: number, value?: unknown) => {
        res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      if (payload.type === 'block_actions') {
        const verb = payload.actions[0]?.action_id === 'approve_request' ? 'Approve' : 'Reject';
        const opened = await slackApi('views.open', {
          trigger_id: payload.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'team_decision',
            title: { type: 'plain_text', text: `${verb} request` },
            submit: { type: 'plain_text', text: verb },
            close: { type: 'plain_text', text: 'Cancel' },
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text: `*${verb}* the request of Alice?` } },
              {
                type: 'input',
                block_id: 'comment',
                label: { type: 'plain_text', text: 'Comment' },
                hint: { type: 'plain_text', text: 'Everyone who approves sees it.' },
                element: { type: 'plain_text_input', action_id: 'comment_input', multiline: true },
              },
            ],
          },
        });
        clicked.set((opened.view as { id: string }).id, {
          channel: payload.container.channel_id,
          ts: payload.container.message_ts,
        });
        return json(200);
      }
      if (payload.type === 'view_submission') {
        const comment = payload.view.state.values.comment?.comment_input?.value ?? '';
        if (comment === 'bad')
          return json(200, {
            response_action: 'errors',
            errors: { comment: 'You cannot approve this request.' },
          });
        const target = clicked.get(payload.view.id);
        if (target)
          await slackApi('chat.update', {
            ...target,
            text: 'Approved',
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*Approved* by Alice: ${comment}` } }],
          });
        return json(200);
      }
      json(200);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack`;
}

beforeAll(async () => {
  box = await startOutbox({
    slackToken: TOKEN,
    slackUsers: [
      { email: 'alice@example.com', name: 'Alice Doe' },
      { email: 'bob@example.com', name: 'Bob Roe' },
    ],
  });
  box.knobs.slack.setInteractivityUrl(await startApp());
  // The web host needs a build to serve; the outbox page does not use it.
  distDir = mkdtempSync(join(tmpdir(), 'team-outbox-page-'));
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>app</title>');
  web = await startWebHost({
    mode: 'dist',
    distDir,
    runtimeConfig: () => ({}),
    shimHosts: () => [],
    pages: { '/local/outbox': () => outboxPage({ outboxUrl: box.url }) },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${web.url}/local/outbox`);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await box?.stop();
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
  rmSync(distDir, { recursive: true, force: true });
});

describe('the outbox page', () => {
  it('renders Slack Block Kit with hostile text kept literal', async () => {
    const alice = (await slackApi('users.lookupByEmail', { email: 'alice@example.com' })).user as {
      id: string;
    };
    await slackApi('chat.postMessage', {
      channel: alice.id,
      text: 'Access request pending',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '<script>alert(1)</script> pending' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `Hello &lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; *bold* and ${ZWSP}*${ZWSP}not bold${ZWSP}*${ZWSP} <https://example.com/r/1|the request> <javascript:alert(1)|bad link> <!here>`,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Account*\nProduction (111111111111)' },
            { type: 'mrkdwn', text: '*Role*\n_AdministratorAccess_' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Requested by alice@example.com' }] },
        {
          type: 'actions',
          block_id: 'team_actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Approve' },
              action_id: 'approve_request',
              value: 'r-1',
              style: 'primary',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Reject' },
              action_id: 'reject_request',
              value: 'r-1',
              style: 'danger',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open in TEAM' },
              action_id: 'open_request',
              url: 'https://team.example.com/requests/r-1',
            },
          ],
        },
      ],
    });
    const card = page.getByRole('article', { name: 'To Alice Doe (alice@example.com)' });
    await card.waitFor();
    await expect
      .poll(() => card.getByRole('heading', { level: 3 }).first().textContent())
      .toBe('<script>alert(1)</script> pending');
    const section = card.locator('.slack-section').first();
    const text = (await section.textContent()) ?? '';
    expect(text).toContain('Hello <!channel> <script>alert(1)</script> bold and *not bold*');
    expect(text).not.toContain(ZWSP);
    expect(await section.locator('strong').allTextContents()).toEqual(['bold']);
    expect(await section.getByRole('link', { name: 'the request' }).getAttribute('href')).toBe(
      'https://example.com/r/1',
    );
    expect(text).toContain('<javascript:alert(1)|bad link>');
    expect(await section.locator('.mention').allTextContents()).toEqual(['@here']);
    expect(await card.locator('.slack-fields strong').allTextContents()).toEqual(['Account', 'Role']);
    expect(await card.locator('.slack-fields em').allTextContents()).toEqual(['AdministratorAccess']);
    const open = card.getByRole('link', { name: /Open in TEAM/ });
    expect(await open.getAttribute('target')).toBe('_blank');
    expect(await open.getAttribute('rel')).toContain('noopener');
    expect(await page.locator('#list script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('clicks Approve through the simulator, shows field errors, and closes on a good submission', async () => {
    const card = page.getByRole('article', { name: 'To Alice Doe (alice@example.com)' });
    const approve = card.getByRole('button', { name: 'Approve' });
    await approve.click();
    const modal = page.getByRole('dialog', { name: 'Approve request' });
    await modal.waitFor();
    const comment = modal.getByRole('textbox', { name: 'Comment' });
    await expect.poll(() => comment.evaluate((node) => node === document.activeElement)).toBe(true);
    expect(await comment.evaluate((node) => node.tagName)).toBe('TEXTAREA');

    await modal.getByRole('button', { name: 'Approve' }).click();
    await modal.getByText('Please complete this required field.').waitFor();

    await comment.fill('bad');
    await modal.getByRole('button', { name: 'Approve' }).click();
    await modal.getByText('You cannot approve this request.').waitFor();
    expect(await comment.getAttribute('aria-invalid')).toBe('true');

    await comment.fill('Change CHG-7 is approved');
    await modal.getByRole('button', { name: 'Approve' }).click();
    await modal.waitFor({ state: 'hidden' });
    await card.getByText('edited', { exact: true }).waitFor();
    expect(await card.locator('.slack-section').first().textContent()).toBe(
      'Approved by Alice: Change CHG-7 is approved',
    );
    // Focus goes back to where the person was.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('article') !== null))
      .toBe(true);
    expect(box.slackViews.list()).toEqual([]);
  });

  it('closes a modal with Escape, and the view with it', async () => {
    const alice = (await slackApi('users.lookupByEmail', { email: 'alice@example.com' })).user as {
      id: string;
    };
    await slackApi('chat.postMessage', {
      channel: alice.id,
      text: 'Another request',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Another request' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Reject' },
              action_id: 'reject_request',
              value: 'r-2',
            },
          ],
        },
      ],
    });
    const card = page.getByRole('article').filter({ hasText: 'Another request' });
    await card.getByRole('button', { name: 'Reject' }).click();
    const modal = page.getByRole('dialog', { name: 'Reject request' });
    await modal.waitFor();
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden' });
    await expect.poll(() => box.slackViews.list().length).toBe(0);
  });

  it('renders a Teams card, an email and an SNS message, and filters by channel', async () => {
    box.outbox.add({
      channel: 'teams',
      webhook: 'team-local',
      card: {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'Access granted', weight: 'bolder', size: 'large', wrap: true },
          {
            type: 'TextBlock',
            text: 'Alice \\*now\\* has **AdministratorAccess** <b>x</b>',
            wrap: true,
            color: 'good',
          },
          {
            type: 'ColumnSet',
            columns: [
              {
                type: 'Column',
                width: 'stretch',
                items: [{ type: 'FactSet', facts: [{ title: 'Account', value: 'Production' }] }],
              },
              {
                type: 'Column',
                width: 'auto',
                items: [
                  {
                    type: 'Container',
                    style: 'emphasis',
                    items: [{ type: 'TextBlock', text: 'Ends 18:00' }],
                  },
                ],
              },
            ],
          },
          {
            type: 'ActionSet',
            actions: [{ type: 'Action.OpenUrl', title: 'Open in TEAM', url: 'https://team.example.com/r/1' }],
          },
        ],
        actions: [{ type: 'Action.OpenUrl', title: 'Bad', url: 'javascript:alert(1)' }],
      },
    });
    box.outbox.add({
      channel: 'email',
      messageId: 'e-1',
      from: 'TEAM <team@example.com>',
      to: ['bob@example.com'],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'Access request approved',
      text: 'Hello Bob,\n<script>alert(1)</script>',
      html: '<p>Hello <img src="https://tracker.example.com/x.png"><script>parent.alert(1)</script></p>',
    });
    box.outbox.add({
      channel: 'sns',
      messageId: 's-1',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:team-notifications',
      subject: 'Access granted',
      message: '{"event":"granted"}',
      attributes: { event: { dataType: 'String', stringValue: 'granted' } },
    });
    const teams = page.getByRole('article', { name: 'Teams webhook team-local' });
    await teams.waitFor();
    expect(await teams.locator('.ac-text').first().textContent()).toBe('Access granted');
    expect(await teams.locator('.ac-text.good').textContent()).toBe(
      'Alice *now* has AdministratorAccess <b>x</b>',
    );
    expect(await teams.locator('.ac-text.good strong').textContent()).toBe('AdministratorAccess');
    expect(await teams.locator('dt').textContent()).toBe('Account');
    expect(await teams.getByRole('link', { name: /Open in TEAM/ }).getAttribute('href')).toBe(
      'https://team.example.com/r/1',
    );
    expect(await teams.getByRole('button', { name: 'Bad' }).isDisabled()).toBe(true);

    const email = page.getByRole('article', { name: 'To bob@example.com' });
    expect(await email.getByRole('heading', { name: 'Access request approved' }).isVisible()).toBe(true);
    expect(await email.locator('pre').textContent()).toBe('Hello Bob,\n<script>alert(1)</script>');
    await email.getByText('HTML version').click();
    expect(await email.locator('iframe').getAttribute('sandbox')).toBe('');
    // The email's HTML neither runs scripts nor loads anything from elsewhere.
    await expect
      .poll(() => consoleErrors.join('\n'))
      .toMatch(/tracker\.example\.com\/x\.png' violates the following Content Security Policy/);
    expect(consoleErrors.join('\n')).toMatch(/Blocked script execution in 'about:srcdoc'/);
    const sns = page.getByRole('article', { name: 'Topic team-notifications' });
    expect(await sns.locator('pre').textContent()).toBe('{\n  "event": "granted"\n}');

    await page.getByRole('tab', { name: /Teams/ }).click();
    expect(await teams.isVisible()).toBe(true);
    expect(await email.isVisible()).toBe(false);
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: /Email/ }).getAttribute('aria-selected')).toBe('true');
    expect(await email.isVisible()).toBe(true);
    expect(await teams.isVisible()).toBe(false);
    await page.getByRole('tab', { name: /All/ }).click();
    expect(dialogs).toEqual([]);
  });

  it('fits 1024 px, has no serious accessibility findings, and logged no errors', async () => {
    await page.setViewportSize({ width: 1024, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }
      ).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    });
    expect(JSON.stringify(violations, null, 1)).toEqual('[]');
    expect(pageErrors).toEqual([]);
  });
});
