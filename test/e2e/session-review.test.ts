/**
 * Session review in a browser against the local cloud: a session that used sensitive actions
 * ends (PowerUserAccess in Sandbox Team A, taken without approval by 佐藤 博 and revoked), the
 * local schedule summarizes it from the local CloudTrail Lake within seconds, and an auditor
 * finds it under Audit → Sessions to review, opens what it did and marks it reviewed with a
 * comment; the request's history shows the review. axe finds nothing serious on the way.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';
import { axeSerious, CHROMIUM, ensureWebBuild, launchChromium, screenshot, signIn } from './support';

const REQUESTER = 'hiroshi.sato@example.com';
const REQUESTER_NAME = '佐藤 博';
const AUDITOR = 'Frank Lee';
const AUDITOR_USER = 'frank.lee@example.com';
const SANDBOX_A = '118573649280';
const POWER_USER = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-62179273c8eb5bb6';
const COMMENT = 'Key created for the sandbox clean-up job, as planned in CHG-1234';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e session review skipped: ${CHROMIUM} is missing (CI installs it).`);

describe.skipIf(!hasChromium)(
  'session review',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let requestId = '';

    /** A GraphQL call as a demo user, straight to the local AppSync. */
    async function call(user: string, query: string, variables: Record<string, unknown> = {}) {
      const token = (await cloud.backend.tokensFor(user)).accessToken;
      const response = await fetch(cloud.backend.urls.graphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data ?? {};
    }

    const statusOf = async (id: string) =>
      (
        (await call(REQUESTER, 'query($id: ID!) { getRequest(id: $id) { status } }', { id })).getRequest as {
          status: string;
        }
      ).status;
    const reviewStateOf = async (id: string) =>
      (
        (
          await call(AUDITOR_USER, 'query($r: ID!) { sessionSummary(requestId: $r) { reviewState } }', {
            r: id,
          })
        ).sessionSummary as { reviewState: string } | null
      )?.reviewState;

    beforeAll(async () => {
      await ensureWebBuild();
      cloud = await startLocalCloud({
        web: 'dist',
        dataDir: undefined,
        webPort: 0,
        dynamoEndpoint: sharedDynamoEndpoint(),
      });
      if (!cloud.appUrl) throw new Error('the local cloud serves no web app');
      appUrl = cloud.appUrl;
      browser = await launchChromium();
      context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
    }, 180_000);

    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close();
      await cloud?.stop();
    }, 60_000);

    it('1. a session that used sensitive actions ends and is flagged within seconds', async () => {
      const created = await call(
        REQUESTER,
        'mutation($input: CreateRequestInput!) { createRequest(input: $input) { id } }',
        {
          input: {
            accountId: SANDBOX_A,
            permissionSetArn: POWER_USER,
            durationHours: 1,
            justification: 'Clean up the sandbox',
            ticketNo: 'CHG-1234',
          },
        },
      );
      requestId = (created.createRequest as { id: string }).id;
      await expect.poll(() => statusOf(requestId), { timeout: 30_000 }).toBe('IN_PROGRESS');
      await call(REQUESTER, 'mutation($input: RevokeRequestInput!) { revokeRequest(input: $input) { id } }', {
        input: { requestId, comment: 'Done' },
      });
      await expect.poll(() => reviewStateOf(requestId), { timeout: 60_000, interval: 500 }).toBe('TO_REVIEW');
    }, 120_000);

    it('2. the auditor finds it under Sessions to review and opens what it did', async () => {
      await signIn(page, appUrl, AUDITOR);
      await page.getByRole('link', { name: 'Sessions to review' }).click();
      await page.getByRole('heading', { level: 1, name: /^Sessions to review/ }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'Sandbox Team A (118573649280)' });
      await row.first().waitFor();
      expect(await row.first().textContent()).toContain('PowerUserAccess');
      await screenshot(page, 'session-review-01-list');
      expect(await axeSerious(page, 'sessions to review')).toEqual([]);

      await row.first().getByRole('link', { name: REQUESTER_NAME }).click();
      await page.getByRole('heading', { level: 1, name: `Session review: ${REQUESTER_NAME}` }).waitFor();
      await page.getByRole('heading', { level: 2, name: /^Calls per service/ }).waitFor();
      await page.getByRole('heading', { level: 2, name: /^Sensitive actions/ }).waitFor();
      await screenshot(page, 'session-review-02-summary');
      expect(await axeSerious(page, 'session summary')).toEqual([]);
    }, 60_000);

    it('3. marks it reviewed with a comment, which the request’s history shows', async () => {
      await page.getByRole('button', { name: 'Mark reviewed' }).click();
      const modal = page.getByRole('dialog');
      await modal.getByRole('textbox').fill(COMMENT);
      expect(await axeSerious(page, 'mark reviewed')).toEqual([]);
      await modal.getByRole('button', { name: 'Mark reviewed' }).click();
      await page.getByText(`The session of ${REQUESTER_NAME} is marked reviewed.`).waitFor();
      await page.getByText(COMMENT).first().waitFor();
      expect(await reviewStateOf(requestId)).toBe('REVIEWED');
      await screenshot(page, 'session-review-03-reviewed');

      // A button with an address is a link.
      await page.getByRole('link', { name: 'Session logs' }).click();
      await page.getByRole('heading', { level: 2, name: /^History/ }).waitFor();
      await page.getByText('Session activity reviewed').first().waitFor();
    }, 60_000);
  },
  300_000,
);
