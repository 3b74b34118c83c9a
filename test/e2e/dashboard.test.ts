/**
 * The dashboard in a browser against the local cloud, on the demo organization's generated
 * history (three weeks of requests through the real use cases, local/backend/history.ts): an
 * auditor opens it from the side navigation, sees charts with data, switches a chart to its table
 * view, downloads its CSV and finds the same numbers there; axe finds nothing serious or critical
 * in either view, and nothing is wider than the 1400 px window.
 */
import createWrapper from '@cloudscape-design/components/test-utils/selectors';
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';
import { axeSerious, CHROMIUM, ensureWebBuild, launchChromium, screenshot, signIn } from './support';

const AUDITOR = 'Frank Lee';
const HISTORY_DAYS = 21;
/** The range the page opens with. */
const DEFAULT_DAYS = 30;
const PER_DAY = 'Requests per day';
const DAY_HEADER =
  'Date (UTC),Created,Approved,Auto-approved,Break-glass,Rejected,Cancelled,Expired,Failed,Granted,Ended,Revoked,Extensions,Hours granted,Sensitive sessions';
/** The table view shows the counts the chart draws, the first columns of the CSV. */
const TABLE_COLUMNS = 9;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e dashboard skipped: ${CHROMIUM} is missing (CI installs it).`);

/** "1,234" as shown in English: the number. */
const numberOf = (text: string | null): number => Number((text ?? '').replace(/[^\d.]/g, ''));

describe.skipIf(!hasChromium)(
  'dashboard',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      await ensureWebBuild();
      cloud = await startLocalCloud({
        web: 'dist',
        dataDir: undefined,
        webPort: 0,
        dynamoEndpoint: sharedDynamoEndpoint(),
        demoHistoryDays: HISTORY_DAYS,
      });
      if (!cloud.appUrl) throw new Error('the local cloud serves no web app');
      appUrl = cloud.appUrl;
      browser = await launchChromium();
      context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        locale: 'en-US',
        timezoneId: 'UTC',
        acceptDownloads: true,
      });
      context.setDefaultTimeout(20_000);
    }, 300_000);

    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close();
      await cloud?.stop();
    }, 60_000);

    /** How many elements a Cloudscape test-utils selector finds. */
    const count = (p: Page, selector: string) => p.locator(selector).count();

    /** The value of the counter labelled `label` (its first line under the label). */
    async function counter(p: Page, label: string): Promise<number> {
      const box = p.getByText(label, { exact: true }).locator('xpath=..');
      const text = (await box.innerText()).split('\n').map((line) => line.trim());
      return numberOf(text[1] ?? '');
    }

    async function nothingCutOff(p: Page): Promise<void> {
      // A string: the page's globals are not in this project's types.
      const widths = await p.evaluate<number[]>('[document.documentElement.scrollWidth, window.innerWidth]');
      expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    }

    it('an auditor sees the demo history in charts, as a table and as CSV', async () => {
      const p = await context.newPage();
      await signIn(p, appUrl, AUDITOR);
      await p.getByRole('link', { name: 'Dashboard', exact: true }).click();
      await p.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await p.getByText(/^Days are UTC dates/).waitFor();

      // Charts with data: lines per outcome, the outcome breakdown, durations and top lists.
      const page = createWrapper();
      await expect.poll(() => count(p, page.findLineChart().findSeries().toSelector())).toBeGreaterThan(0);
      await expect.poll(() => count(p, page.findPieChart().findSegments().toSelector())).toBeGreaterThan(1);
      await expect.poll(() => count(p, page.findBarChart().findBarGroups().toSelector())).toBeGreaterThan(0);
      const created = await counter(p, 'Requests created');
      expect(created).toBeGreaterThan(0);
      await expect(p.getByText('No data', { exact: true }).count()).resolves.toBeLessThan(9);
      await nothingCutOff(p);
      expect(await axeSerious(p, 'dashboard (charts)')).toEqual([]);

      // The same numbers as a table: the Created column adds up to the counter.
      await p
        .getByRole('toolbar', { name: `Show ${PER_DAY} as` })
        .getByRole('button', { name: 'Table' })
        .click();
      const table = p.getByRole('table', { name: PER_DAY });
      await table.waitFor();
      const headers = (await table.getByRole('columnheader').allInnerTexts()).map((h) => h.trim());
      expect(headers.join(',')).toBe(DAY_HEADER.split(',').slice(0, TABLE_COLUMNS).join(','));
      const rows = table.locator('tbody tr');
      await expect(rows.count()).resolves.toBe(DEFAULT_DAYS);
      const createdCells = await rows.locator('td:nth-child(2)').allInnerTexts();
      expect(createdCells.reduce((sum, cell) => sum + numberOf(cell), 0)).toBe(created);
      // Every column in sight beside the open side navigation: none scrolled out of the table.
      const tableBox = await table.boundingBox();
      const lastHeader = await table.getByRole('columnheader').last().boundingBox();
      expect((lastHeader?.x ?? 0) + (lastHeader?.width ?? 0)).toBeLessThanOrEqual(
        (tableBox?.x ?? 0) + (tableBox?.width ?? 0) + 1,
      );
      await expect(p.getByRole('link', { name: 'Elevated access', exact: true }).isVisible()).resolves.toBe(
        true,
      );
      await nothingCutOff(p);
      expect(await axeSerious(p, 'dashboard (table)')).toEqual([]);

      // Its CSV: a byte order mark, CRLF line ends, the header, a row per UTC day, the same sum.
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByRole('button', { name: `Download CSV of ${PER_DAY}` }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(
        /^dashboard-requests-per-day-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
      );
      const csv = readFileSync(await download.path(), 'utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(csv.endsWith('\r\n')).toBe(true);
      expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lines = csv.slice(1).split('\r\n').slice(0, -1);
      expect(lines[0]).toBe(DAY_HEADER);
      expect(lines).toHaveLength(DEFAULT_DAYS + 1);
      const days = lines.slice(1).map((line) => line.split(','));
      for (const day of days) expect(day[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(days.reduce((sum, day) => sum + Number(day[1]), 0)).toBe(created);
      const [from, to] = download.suggestedFilename().match(/\d{4}-\d{2}-\d{2}/g) ?? [];
      expect([days[0]?.[0], days[days.length - 1]?.[0]]).toEqual([from, to]);

      // Full-page screenshots last: capturing the whole page makes the app layout close its side
      // navigation, which the checks above want open.
      await screenshot(p, 'dashboard-02-table');
      await p
        .getByRole('toolbar', { name: `Show ${PER_DAY} as` })
        .getByRole('button', { name: 'Chart' })
        .click();
      await p.evaluate('window.scrollTo(0, 0)');
      await screenshot(p, 'dashboard-01-charts');
    });
  },
  420_000,
);
