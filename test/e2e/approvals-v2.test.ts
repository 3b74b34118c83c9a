/**
 * Several approvals, extensions and break-glass in a browser against the local cloud, on the
 * policies the demo organization seeds (local/demo-org.json):
 *
 * - Customer Portal Staging needs two approvals from TEAM-Approvers-NonProduction: the request
 *   stays pending for its requester after the first one and moves on after the second;
 * - TEAM-Users may extend their access up to 16 hours in all, with approval: the requester asks
 *   for more hours, an approver approves and the end of access shown moves later;
 * - Dan Okafor may take break-glass PowerUserAccess in Customer Portal Production: access starts
 *   without approval, auditors find it under Reviews pending, and an approver of the request
 *   acknowledges it, which takes it off the list.
 *
 * Every persona has its own browser context, 1400 px wide.
 */
import createWrapper from '@cloudscape-design/components/test-utils/selectors';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import type { RequestStatus } from '../../lambdas/core/types';
import { CHROMIUM, ensureWebBuild, launchChromium, screenshot, signIn } from './support';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';

const PERSONAS = {
  requester: 'Alice Nguyen',
  firstApprover: 'Carol Smith',
  secondApprover: 'Ivan Petrov',
  onCall: 'Dan Okafor',
  auditor: 'Frank Lee',
} as const;
type Persona = keyof typeof PERSONAS;

interface Target {
  id: string;
  name: string;
  role: string;
}
const TWO_APPROVALS: Target = { id: '836351427068', name: 'Customer Portal Staging', role: 'ReadOnlyAccess' };
const EXTENDABLE: Target = { id: '118573649280', name: 'Sandbox Team A', role: 'PowerUserAccess' };
const BREAK_GLASS: Target = {
  id: '654139205846',
  name: 'Customer Portal Production',
  role: 'PowerUserAccess',
};
const label = (target: Target): string => `${target.name} (${target.id})`;

const HOUR_MS = 3_600_000;
const EXTEND_HOURS = 2;
/** What the demo's TEAM-Users policy allows in all, extensions included. */
const MAX_TOTAL_HOURS = 16;
const TWO_APPROVALS_REASON = 'Read the portal staging logs — two approvals';
const EXTEND_REASON = 'Sandbox clean-up needs longer than planned';
const INCIDENT = 'INC-4711';
const BREAK_GLASS_REASON = 'Customer portal is down; checkout fails for every user';
const ACKNOWLEDGEMENT = 'Checked the incident timeline: access was justified';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e approvals v2 skipped: ${CHROMIUM} is missing (CI installs it).`);

describe.skipIf(!hasChromium)(
  'several approvals, extensions and break-glass',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pages = new Map<Persona, Page>();
    const ids = { twoApprovals: '', extendable: '', breakGlass: '' };

    /** A screenshot from the top of the page (the sticky header stays where it belongs). */
    async function shot(p: Page, step: string): Promise<void> {
      await p.evaluate('window.scrollTo(0, 0)');
      await screenshot(p, step);
    }

    /** The persona's page, signing in (in a context of its own) the first time. */
    async function as(persona: Persona): Promise<Page> {
      const signedIn = pages.get(persona);
      if (signedIn) return signedIn;
      const context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const p = await context.newPage();
      pages.set(persona, p);
      await signIn(p, appUrl, PERSONAS[persona]);
      return p;
    }

    async function open(p: Page, path: string, heading: string | RegExp): Promise<void> {
      await p.goto(`${appUrl}${path}`);
      await p.getByRole('heading', { level: 1, name: heading }).waitFor();
    }

    /**
     * Shows the persona's pages in Japanese (the language switch's stored choice) while `body`
     * runs, then in English again; `body` loads the page it looks at.
     */
    async function inJapanese(p: Page, body: () => Promise<void>): Promise<void> {
      await p.evaluate("localStorage.setItem('team.language', 'ja')");
      try {
        await body();
      } finally {
        await p.evaluate("localStorage.setItem('team.language', 'en')");
      }
    }

    /** Opens a request's details page (its heading starts with the account, then a badge maybe). */
    async function openRequest(persona: Persona, id: string, target: Target): Promise<Page> {
      const p = await as(persona);
      const escaped = label(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await open(p, `/requests/${encodeURIComponent(id)}`, new RegExp(`^${escaped}`));
      await p.getByRole('heading', { level: 2, name: 'Details' }).waitFor();
      return p;
    }

    /** The value shown beside `name` in the request's Details. */
    async function detail(p: Page, name: string): Promise<string> {
      const items = p.locator(createWrapper().findKeyValuePairs().findItems().toSelector());
      for (const text of await items.allInnerTexts()) {
        const [first = '', ...rest] = text.split('\n');
        if (first.trim() === name) return rest.join(' ').trim();
      }
      return '';
    }

    /** Picks an option of the Cloudscape select opened by the button named `trigger`. */
    async function choose(scope: Page | Locator, trigger: RegExp, option: RegExp): Promise<void> {
      await scope.getByRole('button', { name: trigger }).click();
      await scope.getByRole('option', { name: option }).first().click();
    }

    /** Fills the ticket number when the settings ask for one. */
    async function ticket(scope: Page | Locator, value: string): Promise<void> {
      const field = scope.getByLabel(/^Ticket number/);
      if ((await field.count()) > 0) await field.fill(value);
    }

    const stored = (id: string) => cloud.backend.backend.ports.requests.get(id);
    const statusOf = async (id: string): Promise<RequestStatus | undefined> => (await stored(id))?.status;

    /** Submits a standard request from the create page; returns its id from My requests. */
    async function submitRequest(p: Page, target: Target, justification: string): Promise<string> {
      await open(p, '/requests/new', 'Create request');
      await choose(p, /^Account/, new RegExp(`^${target.name}`));
      await choose(p, /^Role/, new RegExp(`^${target.role}`));
      await p.getByLabel('Justification').fill(justification);
      await ticket(p, 'OPS-1000');
      await p.getByRole('button', { name: 'Submit request' }).click();
      await p.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
      const row = p.getByRole('row').filter({ hasText: justification });
      await row.getByText('Pending').waitFor();
      const href = await row.getByRole('link', { name: label(target) }).getAttribute('href');
      const id = decodeURIComponent(href?.split('/').pop() ?? '');
      expect(id).not.toBe('');
      return id;
    }

    /** Approves a request from its details page with a comment. */
    async function approve(persona: Persona, id: string, target: Target, comment: string): Promise<Page> {
      const p = await openRequest(persona, id, target);
      await p.getByRole('button', { name: 'Approve', exact: true }).click();
      const dialog = p.getByRole('dialog', { name: 'Approve request' });
      await dialog.getByLabel('Comment').fill(comment);
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
      return p;
    }

    /** Waits until the request's access is granted (scheduled to start now, then in progress). */
    async function granted(id: string): Promise<void> {
      await cloud.backend.settle();
      await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe('in progress');
    }

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
    }, 180_000);

    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await cloud?.stop();
    }, 60_000);

    it('1. the requester asks for access that needs two approvals; the form says so', async () => {
      const p = await as('requester');
      await open(p, '/requests/new', 'Create request');
      await choose(p, /^Account/, new RegExp(`^${TWO_APPROVALS.name}`));
      await choose(p, /^Role/, new RegExp(`^${TWO_APPROVALS.role}`));
      const preview = p
        .locator(createWrapper().findAlert().toSelector())
        .filter({ hasText: 'Approval required' });
      await preview
        .getByText(/2 approvals/)
        .first()
        .waitFor();
      await shot(p, 'approvals-01-form-two-approvals');

      ids.twoApprovals = await submitRequest(p, TWO_APPROVALS, TWO_APPROVALS_REASON);
      const request = await stored(ids.twoApprovals);
      expect(request?.approvalStages?.map((s) => s.required)).toEqual([2]);
      expect(request?.approvers.map((a) => a.name).sort()).toEqual([
        'Bob Martin',
        'Carol Smith',
        'Ivan Petrov',
      ]);
    });

    it('2. the first approver approves: 1 of 2 approvals, still pending for the requester', async () => {
      const carol = await approve('firstApprover', ids.twoApprovals, TWO_APPROVALS, 'First look: fine');
      await expect.poll(async () => (await stored(ids.twoApprovals))?.approvals?.length).toBe(1);
      await openRequest('firstApprover', ids.twoApprovals, TWO_APPROVALS);
      await carol
        .getByText(/1 of 2 approvals/)
        .first()
        .waitFor();
      // One person counts once: Carol may not approve again.
      await expect(carol.getByRole('button', { name: 'Approve', exact: true }).count()).resolves.toBe(0);
      await shot(carol, 'approvals-02-first-approval');

      const alice = await openRequest('requester', ids.twoApprovals, TWO_APPROVALS);
      await alice
        .getByText(/1 of 2 approvals, waiting for peer review/)
        .first()
        .waitFor();
      expect(await detail(alice, 'Status')).toBe('Pending');
      expect(await statusOf(ids.twoApprovals)).toBe('pending');
      await shot(alice, 'approvals-03-requester-still-pending');
    });

    it('3. the second approver approves; the access is granted', async () => {
      const ivan = await approve('secondApprover', ids.twoApprovals, TWO_APPROVALS, 'Second look: fine');
      await granted(ids.twoApprovals);
      await shot(ivan, 'approvals-04-second-approval');

      const alice = await openRequest('requester', ids.twoApprovals, TWO_APPROVALS);
      await expect.poll(() => detail(alice, 'Status')).toMatch(/^(Scheduled|In progress)$/);
      await alice
        .getByText(/2 of 2 approvals/)
        .first()
        .waitFor();
      const request = await stored(ids.twoApprovals);
      expect(request?.approvals?.map((a) => a.by.name)).toEqual(['Carol Smith', 'Ivan Petrov']);
      await shot(alice, 'approvals-05-requester-granted');
    });

    it('4. the requester extends access in progress; an approver approves and the end moves later', async () => {
      const alice = await as('requester');
      ids.extendable = await submitRequest(alice, EXTENDABLE, 'Tidy up the sandbox stacks');
      await approve('firstApprover', ids.extendable, EXTENDABLE, 'Go ahead');
      await granted(ids.extendable);

      await openRequest('requester', ids.extendable, EXTENDABLE);
      await expect.poll(() => detail(alice, 'Status')).toBe('In progress');
      const endBefore = Date.parse(await detail(alice, 'End'));
      expect(endBefore).not.toBeNaN();

      await alice.getByRole('button', { name: 'Extend', exact: true }).click();
      const dialog = alice.getByRole('dialog', { name: 'Extend access' });
      await dialog
        .getByText('The extension waits for the approvers of this request', { exact: false })
        .waitFor();
      const limit = dialog.getByText(/^At most \d+ hours more/);
      const max = Number(/^At most (\d+)/.exec(await limit.innerText())?.[1]);
      // One hour asked for, sixteen in all.
      expect(max).toBe(MAX_TOTAL_HOURS - 1);
      expect(EXTEND_HOURS).toBeLessThanOrEqual(max);
      await dialog.getByLabel('Hours to add').fill(String(EXTEND_HOURS));
      await dialog.getByLabel('Reason').fill(EXTEND_REASON);
      await shot(alice, 'approvals-06-extend-dialog');
      await dialog.getByRole('button', { name: 'Ask for extension' }).click();
      await alice.getByText(/^Extension asked for:/).waitFor();
      await expect.poll(async () => (await stored(ids.extendable))?.extensions?.[0]?.status).toBe('pending');

      const carol = await openRequest('firstApprover', ids.extendable, EXTENDABLE);
      const extensions = carol.getByRole('table', { name: 'Extensions' });
      await extensions.getByText(EXTEND_REASON).waitFor();
      await carol.getByRole('button', { name: 'Approve extension' }).click();
      const approval = carol.getByRole('dialog', { name: 'Approve extension' });
      await approval.getByLabel('Comment').fill('Two more hours are fine');
      await shot(carol, 'approvals-07-approve-extension');
      await approval.getByRole('button', { name: 'Approve extension' }).click();
      await carol.getByText(/^Extension approved:/).waitFor();
      await cloud.backend.settle();
      await expect.poll(async () => (await stored(ids.extendable))?.extensions?.[0]?.status).toBe('approved');

      await openRequest('requester', ids.extendable, EXTENDABLE);
      await expect
        .poll(async () => Date.parse(await detail(alice, 'End')) - endBefore)
        .toBe(EXTEND_HOURS * HOUR_MS);
      expect(await detail(alice, 'Duration')).toBe(`1 hour (+${EXTEND_HOURS} hours extended)`);
      expect(await detail(alice, 'Status')).toBe('In progress');
      await shot(alice, 'approvals-08-extended');

      // The same page in Japanese: the stages and extensions tables fit with the other lengths.
      await inJapanese(alice, async () => {
        await alice.goto(`${appUrl}/requests/${encodeURIComponent(ids.extendable)}`);
        await alice.getByRole('heading', { level: 2, name: '詳細' }).waitFor();
        await alice.getByRole('table', { name: '承認ステージ' }).getByText('完了').waitFor();
        await alice.getByRole('table', { name: '延長' }).getByText(EXTEND_REASON).waitFor();
        await shot(alice, 'approvals-08-extended-ja');
      });
    });

    it('5. break-glass: access at once without approval, after a visible warning', async () => {
      const p = await as('onCall');
      await open(p, '/requests/new', 'Create request');
      await choose(p, /^Account/, new RegExp(`^${BREAK_GLASS.name}`));
      await choose(p, /^Role/, new RegExp(`^${BREAK_GLASS.role}`));
      await p.getByRole('radio', { name: /^Break-glass access/ }).check();
      const warning = p
        .locator(createWrapper().findAlert().toSelector())
        .filter({ hasText: 'Break-glass access starts at once' });
      await warning.waitFor();
      await warning.getByText('Access is granted as soon as you submit, without approval.').waitFor();
      await p.getByLabel('Reason', { exact: true }).fill(BREAK_GLASS_REASON);
      await p.getByLabel('Incident or ticket').fill(INCIDENT);
      await shot(p, 'approvals-09-break-glass-form');
      await p.getByRole('button', { name: 'Take break-glass access' }).click();

      await p.waitForURL((url) => /^\/requests\/(?!new$)[^/]+$/.test(url.pathname));
      await p.getByRole('heading', { level: 2, name: 'Details' }).waitFor();
      ids.breakGlass = decodeURIComponent(new URL(p.url()).pathname.split('/').pop() ?? '');
      expect(ids.breakGlass).not.toBe('');
      await granted(ids.breakGlass);
      const request = await stored(ids.breakGlass);
      expect(request?.breakGlass?.incident).toBe(INCIDENT);
      expect(request?.approvals ?? []).toEqual([]);
      expect(request?.review?.state).toBe('needed');

      await openRequest('onCall', ids.breakGlass, BREAK_GLASS);
      await expect.poll(() => detail(p, 'Status')).toBe('In progress');
      await p
        .getByText(`Taken at once without approval for incident ${INCIDENT}`, { exact: false })
        .waitFor();
      await shot(p, 'approvals-10-break-glass-in-progress');
    });

    it('6. auditors see it under Reviews pending; an approver acknowledges it and it leaves the list', async () => {
      const frank = await as('auditor');
      await open(frank, '/audit/reviews', 'Reviews pending');
      const row = frank.getByRole('row').filter({ hasText: BREAK_GLASS_REASON });
      await row.getByText(INCIDENT).waitFor();
      await row.getByText('Needs review').waitFor();
      await shot(frank, 'approvals-11-reviews-pending');
      await inJapanese(frank, async () => {
        await open(frank, '/audit/reviews', '未レビュー');
        await frank
          .getByRole('row')
          .filter({ hasText: BREAK_GLASS_REASON })
          .getByText('要レビュー')
          .waitFor();
        await shot(frank, 'approvals-11-reviews-pending-ja');
      });

      const carol = await openRequest('firstApprover', ids.breakGlass, BREAK_GLASS);
      await carol.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      const dialog = carol.getByRole('dialog', { name: 'Acknowledge break-glass access' });
      await dialog.getByLabel('Review comment').fill(ACKNOWLEDGEMENT);
      await shot(carol, 'approvals-12-acknowledge');
      await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      await carol.getByText(/^Acknowledged:/).waitFor();
      await expect.poll(async () => (await stored(ids.breakGlass))?.review?.state).toBe('acknowledged');
      await openRequest('firstApprover', ids.breakGlass, BREAK_GLASS);
      await carol.getByText(ACKNOWLEDGEMENT).first().waitFor();

      await open(frank, '/audit/reviews', 'Reviews pending');
      await frank.getByText('Nothing to review').waitFor();
      await expect(frank.getByRole('row').filter({ hasText: BREAK_GLASS_REASON }).count()).resolves.toBe(0);
      await shot(frank, 'approvals-13-reviews-done');
    });
  },
  300_000,
);
