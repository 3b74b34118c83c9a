/**
 * The whole product in a browser: request, live approval, grant, revoke, audit (CSV), session
 * activity, eligibility administration, access control, a refusal only the server can make shown
 * on its form field, sign-out, and accessibility, each persona in its own browser context against
 * the local cloud serving the production build. Throughout, every connection the test process and
 * the browser open is recorded: nothing may leave the machine.
 */
import { runtimeConfigSchema } from '../../lambdas/contract/runtime-config';
import { existsSync, readFileSync } from 'node:fs';
import createWrapper from '@cloudscape-design/components/test-utils/selectors';
import FormFieldWrapper from '@cloudscape-design/components/test-utils/selectors/form-field';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import {
  CHROMIUM,
  axeSerious,
  ensureWebBuild,
  launchChromium,
  recordBrowserEgress,
  recordNodeEgress,
  screenshot,
  signIn,
  type AxeFinding,
  type NodeEgress,
} from './support';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';

const JUSTIFICATION = '本番障害の調査のため一時的に権限が必要です';
const TICKET = 'INC-2042';
const ACCOUNT = { id: '118573649280', name: 'Sandbox Team A' };
const NEW_ACCOUNT = { id: '927462538179', name: 'Developer Tools' };
const ROLE = 'PowerUserAccess';
const ACCOUNT_LABEL = `${ACCOUNT.name} (${ACCOUNT.id})`;
const ROW = `${ACCOUNT_LABEL} ${ROLE}`;
const PERSONAS = {
  requester: 'Alice Nguyen',
  approver: 'Carol Smith',
  auditor: 'Frank Lee',
  admin: 'Grace Kim',
} as const;
type Persona = keyof typeof PERSONAS;

/** How far behind the server's clock the browser of step 9 runs. */
const SLOW_CLOCK_MS = 60 * 60 * 1000;

/** Step 10: a request whose start has passed by the time it is approved. */
const LATE = { id: '229684750391', name: 'Sandbox Team B', role: 'ReadOnlyAccess' } as const;
const LATE_LABEL = `${LATE.name} (${LATE.id})`;
/** How long before its approval the late request was to start (the server accepts up to five minutes). */
const LATE_BY_MS = 4 * 60_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A time as the English pages show it in UTC: "Dec 8, 2026, 2:57 AM UTC". */
const SHOWN_TIME = /[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC/g;

/** The milliseconds of a countdown as the pages write it: "Ends in 1 h 00 min", "Ends in 59 min 07 s". */
function countdownMs(text: string): number | undefined {
  const match = /Ends in (?:(\d+) d )?(?:(\d+) h ?)?(?:(\d+) min ?)?(?:(\d+) s)?$/.exec(text.trim());
  if (!match) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

/** A GraphQL response that failed, as the server sent it. */
const failedResponseSchema = z.object({
  errors: z
    .array(
      z.object({
        errorType: z.string().optional(),
        message: z.string(),
        errorInfo: z.object({ field: z.string().optional() }).nullish(),
      }),
    )
    .min(1),
});

/** The error text Cloudscape shows under the form field labelled `label`. */
function formFieldError(p: Page, label: string): Locator {
  const field = new FormFieldWrapper(':scope');
  return p
    .locator(createWrapper().findAllFormFields().toSelector())
    .filter({ has: p.locator(field.findLabel().toSelector(), { hasText: new RegExp(`^${label}$`) }) })
    .locator(field.findError().toSelector());
}

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e journey skipped: ${CHROMIUM} is missing (CI installs it).`);

describe.skipIf(!hasChromium)(
  'journey through the web app',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    const contexts = new Map<Persona, BrowserContext>();
    const pages = new Map<Persona, Page>();
    const axeFindings: AxeFinding[] = [];
    const axeChecked = new Set<string>();
    let requestId = '';
    let nodeEgress: NodeEgress | undefined;
    const browserEgress = recordBrowserEgress();

    const page = (persona: Persona): Page => {
      const p = pages.get(persona);
      if (!p) throw new Error(`${persona} is not signed in`);
      return p;
    };

    /** Screenshot, and axe-core once per main page. */
    async function visited(p: Page, step: string, axePage?: string): Promise<void> {
      await screenshot(p, step);
      if (axePage && !axeChecked.has(axePage)) {
        axeChecked.add(axePage);
        axeFindings.push(...(await axeSerious(p, axePage)));
      }
    }

    async function open(persona: Persona, path: string, heading: string): Promise<Page> {
      const p = page(persona);
      await p.goto(`${appUrl}${path}`);
      await p.getByRole('heading', { level: 1, name: heading }).waitFor();
      return p;
    }

    async function signInAs(persona: Persona): Promise<Page> {
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
      browserEgress.watch(context);
      context.setDefaultTimeout(15_000);
      const p = await context.newPage();
      contexts.set(persona, context);
      pages.set(persona, p);
      await signIn(p, appUrl, PERSONAS[persona]);
      return p;
    }

    const userId = (displayName: string): string => {
      const user = cloud.backend.org.users.find((u) => u.displayName === displayName);
      if (!user) throw new Error(`no demo user ${displayName}`);
      return user.id;
    };
    const permissionSetArn = (name: string): string => {
      const set = cloud.backend.org.permissionSets.find((p) => p.name === name);
      if (!set) throw new Error(`no permission set ${name}`);
      return set.arn;
    };
    const requesterAssignments = () =>
      cloud.backend.simulators.state
        .assignments()
        .filter(
          (a) =>
            a.principalId === userId(PERSONAS.requester) &&
            a.accountId === ACCOUNT.id &&
            a.permissionSetArn === permissionSetArn(ROLE),
        );

    /** Picks an option of a Cloudscape select or multiselect opened by its trigger. */
    async function choose(scope: Page | Locator, trigger: RegExp, option: RegExp): Promise<void> {
      await scope.getByRole('button', { name: trigger }).click();
      await scope.getByRole('option', { name: option }).first().click();
    }

    beforeAll(async () => {
      await ensureWebBuild();
      // From before the first socket the local cloud opens until the journey's end.
      nodeEgress = recordNodeEgress();
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
      for (const context of contexts.values()) await context.close().catch(() => undefined);
      await browser?.close();
      await cloud?.stop();
      nodeEgress?.stop();
    }, 60_000);

    it('serves a runtime config the SPA accepts', async () => {
      const served: unknown = await (await fetch(`${appUrl}/config.json`)).json();
      expect(runtimeConfigSchema.safeParse(served).success).toBe(true);
    });

    it('1. the requester submits a request with a Japanese justification and sees it pending', async () => {
      // The approver watches the queue first, so step 2 proves the live update.
      const approver = await signInAs('approver');
      await open('approver', '/approvals/pending', 'Approve requests');
      await approver.getByText('Nothing to approve').waitFor();
      await visited(approver, '01-approver-queue-empty', 'approve-requests');

      const p = await signInAs('requester');
      await visited(p, '01-requester-home', 'home');
      await open('requester', '/requests/new', 'Create request');
      await choose(p, /^Account/, new RegExp(ACCOUNT.name));
      await choose(p, /^Role/, new RegExp(ROLE));
      await p.getByLabel('Justification').fill(JUSTIFICATION);
      const ticket = p.getByLabel(/^Ticket number/);
      if ((await ticket.count()) > 0) await ticket.fill(TICKET);
      await visited(p, '01-create-request', 'create-request');
      await p.getByRole('button', { name: 'Submit request' }).click();

      await p.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
      const row = p.getByRole('row').filter({ hasText: JUSTIFICATION });
      await expect.poll(() => row.count()).toBe(1);
      await row.getByText('Pending').waitFor();
      const href = await row.getByRole('link', { name: ACCOUNT_LABEL }).getAttribute('href');
      requestId = decodeURIComponent(href?.split('/').pop() ?? '');
      expect(requestId).not.toBe('');
      await visited(p, '01-my-requests', 'my-requests');
    });

    it('2. the approver sees it appear live and approves it with a comment', async () => {
      const p = page('approver');
      // No reload: the row arrives through the subscription.
      const radio = p.getByRole('radio', { name: `Select ${ROW}` });
      await radio.waitFor();
      await expect(p.getByRole('row').filter({ hasText: JUSTIFICATION }).count()).resolves.toBe(1);
      await visited(p, '02-approver-queue');
      await radio.check();
      await p.getByRole('button', { name: 'Approve', exact: true }).click();
      const dialog = p.getByRole('dialog', { name: 'Approve request' });
      await dialog.getByLabel('Comment').fill('承認します — looks fine');
      await visited(p, '02-approve-dialog');
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await p.getByText(/^Approved:/).waitFor();
      await p.getByText('Nothing to approve').waitFor();
    });

    it('3. the access becomes active and the assignment exists in Identity Center', async () => {
      await cloud.backend.settle();
      await expect.poll(() => requesterAssignments().length, { timeout: 20_000 }).toBe(1);
      const p = await open('requester', '/sessions/active', 'Active access');
      const row = p.getByRole('row').filter({ hasText: ROLE }).filter({ hasText: ACCOUNT.id });
      await row.getByText('In progress').waitFor();
      await visited(p, '03-active-access', 'active-access');
    });

    it('4. the approver revokes it with a comment; the assignment goes and the request shows revoked', async () => {
      const p = await open('approver', '/sessions/active', 'Active access');
      await p.getByRole('radio', { name: `Select ${ROW}` }).check();
      await p.getByRole('button', { name: 'Revoke', exact: true }).click();
      const dialog = p.getByRole('dialog', { name: 'Revoke access' });
      await dialog.getByLabel('Revoke comment').fill('調査完了 — investigation done');
      await visited(p, '04-revoke-dialog');
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await p.getByText(/^Access revoked:/).waitFor();
      await cloud.backend.settle();
      await expect.poll(() => requesterAssignments().length, { timeout: 20_000 }).toBe(0);

      const r = await open('requester', `/requests/${encodeURIComponent(requestId)}`, ACCOUNT_LABEL);
      await r.getByText('Revoked').first().waitFor();
      await r.getByText('調査完了 — investigation done').first().waitFor();
      await visited(r, '04-request-revoked', 'request-details');
    });

    it('5. the auditor finds it in Audit → Elevated access and downloads the CSV', async () => {
      const p = await signInAs('auditor');
      await open('auditor', '/audit/sessions', 'Elevated access');
      const row = p.getByRole('row').filter({ hasText: JUSTIFICATION });
      await expect.poll(() => row.count()).toBe(1);
      await row.getByText('Revoked').waitFor();
      await visited(p, '05-audit-sessions', 'audit-sessions');
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const path = await download.path();
      const csv = readFileSync(path, 'utf8');
      expect(download.suggestedFilename()).toBe('elevated-access.csv');
      expect(csv).toContain(ACCOUNT.id);
      expect(csv).toContain(JUSTIFICATION);
      expect(csv).toContain(requestId);
    });

    it('6. the auditor opens the session from Elevated access, keeps the write actions and downloads them', async () => {
      const p = await open('auditor', '/audit/sessions', 'Elevated access');
      const row = p.getByRole('row').filter({ hasText: JUSTIFICATION });
      await row.getByRole('link', { name: ACCOUNT_LABEL }).click();
      await p.getByRole('heading', { level: 1, name: ACCOUNT_LABEL }).waitFor();
      await p.getByRole('heading', { name: 'Session activity' }).first().waitFor();

      // The panel starts the lake query and follows it over the subscription; the table (found
      // by its column, as keyboard navigation gives it the grid role) appears once it FINISHED.
      const table = p.locator('table').filter({ hasText: 'Event source' });
      await table.waitFor({ timeout: 60_000 });
      const heading = p.getByRole('heading', { level: 2, name: /^Session activity/ });
      const cells = (text: string) => table.locator('tbody td').getByText(text, { exact: true });
      /** The header's row count once the rows are read (undefined while they load). */
      const rowCount = async (): Promise<number | undefined> => {
        if ((await table.getByText('Loading…').count()) > 0) return undefined;
        const counter = /\((\d+)\)\s*$/.exec(await heading.innerText());
        return counter ? Number(counter[1]) : undefined;
      };

      // What the local cloud recorded for this session: the requester's IdC role session in the
      // account, since the grant (the recorder stopped at the revoke).
      const request = await cloud.backend.backend.ports.requests.get(requestId);
      const grantedSecond = Math.floor(Date.parse(request?.grantedAt ?? '') / 1000) * 1000;
      const userName = cloud.backend.org.users.find((u) => u.displayName === PERSONAS.requester)?.userName;
      const recorded = cloud.backend.cloudTrail.store
        .all()
        .filter(
          (e) =>
            e.recipientAccountId === ACCOUNT.id &&
            e.userIdentity.arn.endsWith(`/${userName ?? '?'}`) &&
            (e.userIdentity.sessionContext?.sessionIssuer.userName ?? '').startsWith(
              `AWSReservedSSO_${ROLE}_`,
            ) &&
            Date.parse(e.eventTime) >= grantedSecond,
        );
      const recordedWrites = recorded.filter((e) => !e.readOnly);
      expect(recordedWrites.length).toBeGreaterThan(0);
      expect(recordedWrites.length).toBeLessThan(recorded.length);

      await expect.poll(rowCount, { timeout: 30_000 }).toBeGreaterThan(0);
      const total = (await rowCount()) ?? 0;
      expect(total).toBe(recorded.length);
      // Oldest first: the session's opening burst of reads and writes is on the first page.
      expect(await cells('Read').count()).toBeGreaterThan(0);
      expect(await cells('Write').count()).toBeGreaterThan(0);
      await visited(p, '06-session-activity');

      await p.getByLabel('Write actions only').click();
      // The old rows stay until the write-only rows have been read.
      await expect.poll(rowCount, { timeout: 30_000 }).toBeLessThan(total);
      const writes = (await rowCount()) ?? 0;
      expect(writes).toBe(recordedWrites.length);
      expect(await cells('Read').count()).toBe(0);
      expect(await cells('Write').count()).toBe(Math.min(writes, 20));
      expect(await table.locator('tbody').getByText('Sensitive', { exact: true }).count()).toBeGreaterThan(0);
      await visited(p, '06-session-activity-writes');

      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`session-activity-${requestId}-writes.csv`);
      const [header = '', ...lines] = readFileSync(await download.path(), 'utf8')
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      // Ids, names, sources, times and flags hold no commas, so a plain split finds the columns.
      const columns = header.split(',');
      const column = (name: string) => {
        const index = columns.indexOf(name);
        expect(index, `CSV column ${name}`).toBeGreaterThan(-1);
        return (line: string) => line.split(',')[index];
      };
      const [eventId, readOnly, sensitive] = [column('Event ID'), column('Read-only'), column('Sensitive')];
      expect(lines).toHaveLength(writes);
      expect(lines.filter((line) => readOnly(line) !== 'false')).toEqual([]);
      expect(lines.some((line) => sensitive(line) === 'true')).toBe(true);
      expect(new Set(lines.map(eventId))).toEqual(new Set(recordedWrites.map((e) => e.eventID)));
    });

    it('7. the admin adds an eligibility policy and the requester is offered the new account', async () => {
      const p = await signInAs('admin');
      await open('admin', '/admin/eligibility', 'Eligibility policy');
      await visited(p, '07-eligibility-policy', 'eligibility-policy');
      await p.getByRole('button', { name: 'Create policy' }).click();
      const dialog = p.getByRole('dialog', { name: 'Create eligibility policy' });
      await dialog.getByRole('button', { name: 'User', exact: true }).click();
      await choose(dialog, /^Users Choose users/, new RegExp(PERSONAS.requester));
      await dialog.getByRole('heading', { name: 'Create eligibility policy' }).click();
      await choose(dialog, /^Accounts Choose accounts/, new RegExp(NEW_ACCOUNT.name));
      await dialog.getByRole('heading', { name: 'Create eligibility policy' }).click();
      await choose(dialog, /^Permission sets Choose permission sets/, new RegExp(ROLE));
      await dialog.getByRole('heading', { name: 'Create eligibility policy' }).click();
      const ticket = dialog.getByLabel(/^Ticket number/);
      if ((await ticket.count()) > 0) await ticket.fill('CHG-7');
      await visited(p, '07-create-policy');
      await dialog.getByRole('button', { name: 'Create', exact: true }).click();
      await p.getByText('Policies created: 1.').waitFor();

      const r = await open('requester', '/requests/new', 'Create request');
      await r.getByRole('button', { name: /^Account/ }).click();
      await r
        .getByRole('option', { name: new RegExp(NEW_ACCOUNT.name) })
        .first()
        .waitFor();
      await visited(r, '07-requester-new-account');
    });

    it('8. the requester opening an admin page sees no access and no admin data', async () => {
      const p = await open('requester', '/admin/settings', "You don't have access");
      await expect(p.getByText('TEAM admin group').count()).resolves.toBe(0);
      await expect(p.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
      await visited(p, '08-no-access', 'no-access');

      // The API itself refuses the requester's token, whatever the page shows.
      const requester = cloud.backend.org.users.find((u) => u.displayName === PERSONAS.requester);
      const tokens = await cloud.backend.tokensFor(requester?.userName ?? '');
      const response = await fetch(cloud.backend.urls.graphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: tokens.accessToken },
        body: JSON.stringify({ query: '{ eligibilityPolicies { items { id principalName } } }' }),
      });
      const body = z
        .object({
          data: z.unknown().optional(),
          errors: z.array(z.object({ errorType: z.string().optional() })),
        })
        .parse(await response.json());
      expect(body.errors.length).toBeGreaterThan(0);
      expect(body.data ?? null).toBeNull();
    });

    it('9. a requester whose clock is an hour slow schedules a start the form accepts; the server refuses it under Start', async () => {
      // The form checks a start time against the browser's clock, the server against its own:
      // half an hour ahead by a clock an hour slow is half an hour ago for the server.
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
      browserEgress.watch(context);
      context.setDefaultTimeout(15_000);
      await context.clock.install({ time: Date.now() - SLOW_CLOCK_MS });
      try {
        const p = await context.newPage();
        await signIn(p, appUrl, PERSONAS.requester);
        await p.goto(`${appUrl}/requests/new`);
        await p.getByRole('heading', { level: 1, name: 'Create request' }).waitFor();
        await choose(p, /^Account/, new RegExp(ACCOUNT.name));
        await choose(p, /^Role/, new RegExp(ROLE));
        await p.getByLabel('Justification').fill('Maintenance window by my own clock');
        await p.getByLabel(/^Ticket number/).fill(TICKET);
        const start = await p.evaluate(() => new Date(Date.now() + 30 * 60_000).toISOString());
        const ui = createWrapper();
        await p
          .locator(ui.findDatePicker().findNativeInput().toSelector())
          .fill(start.slice(0, 10).replaceAll('-', '/'));
        await p.locator(ui.findTimeInput().findNativeInput().toSelector()).fill(start.slice(11, 16));

        // Sending it at all means the form's own checks accepted it. The request is only observed:
        // what the page shows is the server's own answer.
        const answered = p.waitForResponse(
          (r) =>
            r.request().method() === 'POST' &&
            (r.request().postData() ?? '').includes('mutation CreateRequest'),
        );
        await p.getByRole('button', { name: 'Submit request' }).click();
        const body = failedResponseSchema.parse(await (await answered).json());
        const [refusal] = body.errors;
        expect(refusal, 'the server refuses the start and names its input field').toMatchObject({
          errorType: 'ValidationError',
          errorInfo: { field: 'startTime' },
        });

        // The SPA puts the server's message under Start because of errorInfo.field alone.
        const startError = formFieldError(p, 'Start');
        await startError.waitFor();
        expect(await startError.innerText()).toBe(refusal?.message);
        for (const label of ['Account', 'Role', 'Duration', 'Justification']) {
          expect(await formFieldError(p, label).count(), `error under ${label}`).toBe(0);
        }
        expect(await p.locator(ui.findForm().findError().toSelector()).count(), 'form error').toBe(0);
        await p.getByRole('heading', { level: 1, name: 'Create request' }).waitFor();
        await screenshot(p, '09-start-refused-by-the-server');
      } finally {
        await context.close();
      }
    });

    it('10. a late approval: access lasts its full duration from the grant, the pages show the end the workflow keeps', async () => {
      // Asked for through the API to start four minutes ago (the form refuses a start in the
      // past; the server allows five minutes of it): the approval comes after the start.
      const requester = cloud.backend.org.users.find((u) => u.displayName === PERSONAS.requester);
      const tokens = await cloud.backend.tokensFor(requester?.userName ?? '');
      const created = await fetch(cloud.backend.urls.graphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: tokens.accessToken },
        body: JSON.stringify({
          query: 'mutation ($input: CreateRequestInput!) { createRequest(input: $input) { id startTime } }',
          variables: {
            input: {
              accountId: LATE.id,
              permissionSetArn: permissionSetArn(LATE.role),
              startTime: new Date(Date.now() - LATE_BY_MS).toISOString(),
              durationHours: 1,
              justification: 'Late approval: check the end of access',
              ticketNo: TICKET,
            },
          },
        }),
      });
      const { id } = z
        .object({ data: z.object({ createRequest: z.object({ id: z.string() }) }) })
        .parse(await created.json()).data.createRequest;

      const approver = await open('approver', '/approvals/pending', 'Approve requests');
      await approver.getByRole('radio', { name: `Select ${LATE_LABEL} ${LATE.role}` }).check();
      await approver.getByRole('button', { name: 'Approve', exact: true }).click();
      const dialog = approver.getByRole('dialog', { name: 'Approve request' });
      await dialog.getByLabel('Comment').fill('Approved late');
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await approver.getByText(/^Approved:/).waitFor();
      await cloud.backend.settle();
      const stored = () => cloud.backend.backend.ports.requests.get(id);
      await expect.poll(async () => (await stored())?.status, { timeout: 20_000 }).toBe('in progress');

      // Access ends an hour after it was granted, not an hour after the start asked for.
      const request = await stored();
      const grantedAt = Date.parse(request?.grantedAt ?? '');
      const startTime = Date.parse(request?.startTime ?? '');
      expect(grantedAt - startTime).toBeGreaterThanOrEqual(LATE_BY_MS - 5_000);
      const end = grantedAt + HOUR_MS;

      // The workflow waits in AwaitEnd for as long as the step told it: that is when it revokes.
      const [execution] = cloud.backend.stepFunctions
        .listExecutions({ stateMachineArn: cloud.stateMachineArn })
        .executions.filter((e) => e.name === id);
      const history = await cloud.backend.stepFunctions.getExecutionHistory({
        executionArn: execution?.executionArn ?? '',
        maxResults: 1000,
      });
      const entered = z.object({ name: z.string(), input: z.string() });
      const awaitEnd = history.events
        .map((e) => ({ at: e.timestamp.getTime(), details: entered.safeParse(e.stateEnteredEventDetails) }))
        .filter((e) => e.details.success && e.details.data.name === 'AwaitEnd')
        .at(-1);
      const { step } = z
        .object({ step: z.object({ waitSeconds: z.number() }) })
        .parse(JSON.parse(awaitEnd?.details.data?.input ?? 'null'));
      const workflowEnd = (awaitEnd?.at ?? 0) + step.waitSeconds * 1000;
      expect(Math.abs(workflowEnd - end)).toBeLessThan(2_000);

      // The request's page: End to the minute, and "Ends in" counting down to the workflow's end.
      const p = await open('requester', `/requests/${encodeURIComponent(id)}`, LATE_LABEL);
      const items = p.locator(createWrapper().findKeyValuePairs().findItems().toSelector());
      const detail = async (name: string): Promise<string> => {
        for (const text of await items.allInnerTexts()) {
          const [first = '', ...rest] = text.split('\n');
          if (first.trim() === name) return rest.join(' ').trim();
        }
        return '';
      };
      await expect.poll(() => detail('Status')).toBe('In progress');
      const minute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
      expect(Date.parse(await detail('End'))).toBe(minute(end));
      expect(Date.parse(await detail('End'))).not.toBe(minute(startTime + HOUR_MS));
      const left = countdownMs(await detail('Time left'));
      expect(left, 'Ends in …').toBeDefined();
      expect(Math.abs(Date.now() + (left ?? 0) - workflowEnd)).toBeLessThan(MINUTE_MS);
      await visited(p, '10-late-approval');

      // Active access says the same: its End column and its countdown.
      const list = await open('requester', '/sessions/active', 'Active access');
      const row = list.getByRole('row').filter({ hasText: LATE_LABEL }).filter({ hasText: LATE.role });
      await row.getByText(/^Ends in/).waitFor();
      const shown = (await row.innerText()).match(SHOWN_TIME) ?? [];
      expect(shown.map((t) => Date.parse(t))).toEqual([minute(startTime), minute(end)]);
      const rowLeft = countdownMs(await row.getByText(/^Ends in/).innerText());
      expect(Math.abs(Date.now() + (rowLeft ?? 0) - workflowEnd)).toBeLessThan(MINUTE_MS);
    });

    it('11. the requester signs out: the refresh token is revoked at the stand-in, which signs the session out', async () => {
      const p = await open('requester', '/requests', 'My requests');
      const auth = new URL(cloud.backend.urls.auth);
      const calls: { method: string; url: URL; target: string | undefined }[] = [];
      p.context().on('request', (r) =>
        calls.push({ method: r.method(), url: new URL(r.url()), target: r.headers()['x-amz-target'] }),
      );
      await p.getByRole('button', { name: `User menu for ${PERSONAS.requester}` }).click();
      await p.getByRole('menuitem', { name: 'Sign out' }).click();
      await p.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      const toAuth = calls.filter((c) => c.url.host === auth.host);
      expect(toAuth.map((c) => `${c.method} ${c.url.pathname} ${c.target ?? ''}`.trim())).toEqual(
        expect.arrayContaining(['POST / AWSCognitoIdentityProviderService.RevokeToken', 'GET /logout']),
      );
      expect(new URL(p.url()).origin).toBe(new URL(appUrl).origin);
      pages.delete('requester');
    });

    it('12. no serious or critical accessibility violations on the pages visited', () => {
      expect(axeChecked.size).toBeGreaterThanOrEqual(8);
      // One line per distinct violation, with the pages it was seen on.
      const distinct = new Map<string, string[]>();
      for (const f of axeFindings) {
        const key = `${f.impact} ${f.id} (${f.help}) at ${f.targets.join(', ')}`;
        distinct.set(key, [...(distinct.get(key) ?? []), f.page]);
      }
      const report = [...distinct].map(([key, on]) => `${key} on ${on.join(', ')}`);
      expect(report).toEqual([]);
    });

    it('13. nothing left the machine: every connection of this process and of the browser was to loopback', () => {
      expect(nodeEgress?.outside(), 'connections of the test process').toEqual([]);
      expect(browserEgress.outside(), 'requests of the browser').toEqual([]);
      expect(nodeEgress?.targets.size ?? 0).toBeGreaterThan(0);
      expect(browserEgress.urls.size).toBeGreaterThan(0);
      // And the journey did send email and Slack notifications (into the outbox), and signed out.
      const outbox = cloud.backend.outbox.outbox;
      expect(outbox.list({ channel: 'email' }).length).toBeGreaterThan(0);
      expect(outbox.list({ channel: 'slack' }).length).toBeGreaterThan(0);
    });
  },
  240_000,
);
