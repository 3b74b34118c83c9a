/**
 * Approvers scoped to a permission set, in a browser against the local cloud: an admin gives the
 * requester ReadOnlyAccess in one production account (an eligibility policy of one explicit pair)
 * and makes TEAM-Admins the approvers of ReadOnlyAccess requests in the Production OU (an approver
 * policy scoped to that permission set), both through the admin pages. The request form then
 * names exactly those approvers before anything is sent; the Production approvers, whose unscoped
 * policy no longer decides, never see the request, and a TEAM-Admins member approves it. Every
 * persona has its own browser context, 1400 px wide.
 *
 * ReadOnlyAccess rather than AdministratorAccess: the demo organization provisions
 * AdministratorAccess to the management account, which makes it never eligible anywhere.
 */
import createWrapper from '@cloudscape-design/components/test-utils/selectors';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { CHROMIUM, ensureWebBuild, launchChromium, screenshot, signIn } from './support';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';

const PERSONAS = {
  admin: 'Grace Kim',
  requester: 'Alice Nguyen',
  productionApprover: 'Carol Smith',
  adminApprover: 'Erin Walsh',
} as const;
type Persona = keyof typeof PERSONAS;

const ACCOUNT = { id: '563028194735', name: 'Payments Production' };
const PRODUCTION_OU = 'ou-q7k2-8pd4m2ra';
const ROLE = 'ReadOnlyAccess';
const APPROVER_GROUP = 'TEAM-Admins';
const POLICY_NAME = 'prod-break-fix';
const JUSTIFICATION = '決済基盤の障害対応 — payments outage';
const TICKET = 'INC-3107';
/** Members of TEAM-Admins other than the requester, as the form lists them (by name). */
const EXPECTED_APPROVERS = `${APPROVER_GROUP}: Erin Walsh, Grace Kim`;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e scoped approvers skipped: ${CHROMIUM} is missing (CI installs it).`);

describe.skipIf(!hasChromium)(
  'approvers scoped to a permission set',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pages = new Map<Persona, Page>();
    let requestId = '';

    const page = (persona: Persona): Page => {
      const p = pages.get(persona);
      if (!p) throw new Error(`${persona} is not signed in`);
      return p;
    };

    async function signInAs(persona: Persona): Promise<Page> {
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

    async function open(p: Page, path: string, heading: string): Promise<void> {
      await p.goto(`${appUrl}${path}`);
      await p.getByRole('heading', { level: 1, name: heading }).waitFor();
    }

    /** Picks an option of the Cloudscape select or multiselect whose trigger is `trigger`. */
    async function choose(scope: Page | Locator, trigger: Locator, option: RegExp): Promise<void> {
      await trigger.click();
      await scope.getByRole('option', { name: option }).first().click();
    }

    /** Fills the ticket number when the settings ask for one. */
    async function ticket(scope: Page | Locator, value: string): Promise<void> {
      const field = scope.getByLabel(/^Ticket number/);
      if ((await field.count()) > 0) await field.fill(value);
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

    it('1. the admin gives the requester ReadOnlyAccess in one production account, as a named pair', async () => {
      const p = await signInAs('admin');
      await open(p, '/admin/eligibility', 'Eligibility policy');
      await p.getByRole('button', { name: 'Create policy' }).click();
      const dialog = p.getByRole('dialog', { name: 'Create eligibility policy' });
      const heading = dialog.getByRole('heading', { name: 'Create eligibility policy' });
      await dialog.getByRole('button', { name: 'User', exact: true }).click();
      await choose(
        dialog,
        dialog.getByRole('button', { name: /^Users Choose users/ }),
        new RegExp(PERSONAS.requester),
      );
      await heading.click();
      await dialog.getByLabel('Policy name').fill(POLICY_NAME);
      await dialog.getByText('Specific account and permission set pairs', { exact: true }).click();

      const row = createWrapper().findModal().findContent().findAttributeEditor().findRow(1);
      const pairSelect = (column: number) =>
        p.locator(row.findField(column).findControl().findSelect().findTrigger().toSelector());
      await choose(dialog, pairSelect(1), new RegExp(`^${ACCOUNT.name}`));
      await choose(dialog, pairSelect(2), new RegExp(`^${ROLE}`));
      await ticket(dialog, 'CHG-31');
      await screenshot(p, 'scoped-01-eligibility-pair');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      await p.getByText('Policies created: 1.').waitFor();

      const created = p.getByRole('row').filter({ hasText: POLICY_NAME });
      await created.getByText(`${ACCOUNT.name} — ${ROLE}`).waitFor();
      await expect(created.innerText()).resolves.toContain('alice.nguyen@example.com');
    });

    it('2. the admin makes TEAM-Admins the approvers of ReadOnlyAccess requests in Production', async () => {
      const p = page('admin');
      await open(p, '/admin/approvers', 'Approver policy');
      await p.getByRole('button', { name: 'Add approvers' }).click();
      const dialog = p.getByRole('dialog', { name: 'Add approvers' });
      const heading = dialog.getByRole('heading', { name: 'Add approvers' });
      await dialog.getByRole('button', { name: 'OU', exact: true }).click();
      // The scope first: Production already has approvers for every permission set.
      await choose(
        dialog,
        dialog.getByRole('button', { name: /^Permission sets All permission sets/ }),
        new RegExp(`^${ROLE}`),
      );
      await heading.click();
      await choose(
        dialog,
        dialog.getByRole('button', { name: /^Organizational units Choose OUs/ }),
        new RegExp(PRODUCTION_OU),
      );
      await heading.click();
      await choose(
        dialog,
        dialog.getByRole('button', { name: /^Approver groups Choose groups/ }),
        new RegExp(`^${APPROVER_GROUP}`),
      );
      await heading.click();
      await ticket(dialog, 'CHG-32');
      await screenshot(p, 'scoped-02-approver-policy');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      await p.getByText('Policies created: 1.').waitFor();

      const scoped = p.getByRole('row').filter({ hasText: ROLE }).filter({ hasText: 'Production' });
      await scoped.getByText(APPROVER_GROUP).waitFor();
      // The unscoped Production policy is still there, beside the scoped one.
      await p
        .getByRole('row')
        .filter({ hasText: 'All permission sets' })
        .filter({ hasText: 'TEAM-Approvers-Production' })
        .first()
        .waitFor();
    });

    it('3. the requester sees exactly those approvers, by name, before submitting', async () => {
      const p = await signInAs('requester');
      await open(p, '/requests/new', 'Create request');
      await choose(p, p.getByRole('button', { name: /^Account/ }), new RegExp(`^${ACCOUNT.name}`));
      await choose(p, p.getByRole('button', { name: /^Role/ }), new RegExp(`^${ROLE}`));

      const preview = p
        .locator(createWrapper().findAlert().toSelector())
        .filter({ hasText: 'Approval required' });
      await preview.waitFor();
      const text = await preview.innerText();
      const lines = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.includes(':'));
      expect(lines).toEqual([EXPECTED_APPROVERS]);
      expect(text).not.toContain('TEAM-Approvers-Production');
      await screenshot(p, 'scoped-03-request-form');

      await p.getByLabel('Justification').fill(JUSTIFICATION);
      await ticket(p, TICKET);
      await p.getByRole('button', { name: 'Submit request' }).click();
      await p.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
      const row = p.getByRole('row').filter({ hasText: JUSTIFICATION });
      await row.getByText('Pending').waitFor();
      const href = await row
        .getByRole('link', { name: `${ACCOUNT.name} (${ACCOUNT.id})` })
        .getAttribute('href');
      requestId = decodeURIComponent(href?.split('/').pop() ?? '');
      expect(requestId).not.toBe('');

      // The request lists the same people the form showed.
      const stored = await cloud.backend.backend.ports.requests.get(requestId);
      expect(stored?.approvers.map((a) => a.name).sort()).toEqual(['Erin Walsh', 'Grace Kim']);
    });

    it('4. a Production approver does not get the request; a TEAM-Admins member approves it', async () => {
      const carol = await signInAs('productionApprover');
      await open(carol, '/approvals/pending', 'Approve requests');
      await carol.getByText('Nothing to approve').waitFor();
      await expect(carol.getByRole('row').filter({ hasText: JUSTIFICATION }).count()).resolves.toBe(0);

      const erin = await signInAs('adminApprover');
      await open(erin, '/approvals/pending', 'Approve requests');
      const row = erin.getByRole('row').filter({ hasText: JUSTIFICATION });
      await row.waitFor();
      await row.getByRole('radio').check();
      await erin.getByRole('button', { name: 'Approve', exact: true }).click();
      const dialog = erin.getByRole('dialog', { name: 'Approve request' });
      await dialog.getByLabel('Comment').fill('Approved for the payments outage');
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await erin.getByText(/^Approved:/).waitFor();

      await cloud.backend.settle();
      await expect
        .poll(async () => (await cloud.backend.backend.ports.requests.get(requestId))?.decidedBy?.name, {
          timeout: 20_000,
        })
        .toBe('Erin Walsh');
      const details = page('requester');
      await open(details, `/requests/${encodeURIComponent(requestId)}`, `${ACCOUNT.name} (${ACCOUNT.id})`);
      await details.getByText('Erin Walsh').first().waitFor();
      await screenshot(details, 'scoped-04-request-details');
    });
  },
  240_000,
);
