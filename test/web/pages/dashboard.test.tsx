// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { act, cleanup } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadText } from '../../../web/src/components/download';
import { ApiError } from '../../../web/src/api/errors';
import type { Dashboard } from '../../../web/src/api/model';
import DashboardPage from '../../../web/src/pages/dashboard/dashboard-page';
import { ALICE, BOB, CAROL, me, memoryData, PS_ADMIN, PS_READ, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import { emptyDay } from '../support/memory-dashboard';
import {
  button,
  flashTexts,
  renderWithApp,
  setupWebTests,
  waitForElement,
  type PageWrapper,
} from '../support/render';

vi.mock('../../../web/src/components/download', () => ({ downloadText: vi.fn() }));

setupWebTests();

beforeEach(() => {
  vi.mocked(downloadText).mockClear();
});

const AUDITOR = me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] });

/** The counters of two busy days (Aug 31 and Sep 1) inside any range, zeros elsewhere. */
function answer(from: string, to: string): Dashboard {
  const days = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += 86_400_000) {
    const day = emptyDay(new Date(at).toISOString().slice(0, 10));
    if (day.date === '2026-08-31') {
      Object.assign(day, {
        created: 5,
        breakGlass: 1,
        approved: 3,
        autoApproved: 1,
        rejected: 1,
        expired: 1,
        granted: 4,
        failed: 2,
        hoursGranted: 7.5,
        sensitiveSessions: 2,
      });
    }
    if (day.date === '2026-09-01') {
      Object.assign(day, {
        created: 2,
        approved: 1,
        cancelled: 1,
        granted: 1,
        ended: 2,
        sensitiveSessions: 1,
      });
    }
    days.push(day);
  }
  return {
    from,
    to,
    days,
    timeToDecision: {
      count: 5,
      p50Seconds: 240,
      p95Seconds: 7500,
      buckets: [
        { upToSeconds: 60, count: 0 },
        { upToSeconds: 300, count: 3 },
        { upToSeconds: 900, count: 1 },
        { upToSeconds: 14_400, count: 1 },
        { upToSeconds: null, count: 0 },
      ],
    },
    timeToAccess: {
      count: 5,
      p50Seconds: 300,
      p95Seconds: 90_000,
      buckets: [
        { upToSeconds: 300, count: 3 },
        { upToSeconds: 86_400, count: 1 },
        { upToSeconds: null, count: 1 },
      ],
    },
    topAccounts: [
      { id: '111122223333', name: 'Prod', count: 4 },
      { id: '444455556666', name: 'Dev', count: 3 },
    ],
    topPermissionSets: [
      { id: PS_ADMIN, name: 'AdministratorAccess', count: 5 },
      { id: PS_READ, name: 'ReadOnlyAccess', count: 2 },
    ],
    topRequesters: [
      { id: BOB.id, name: 'Bob', count: 4 },
      { id: ALICE.id, name: 'Alice', count: 3 },
    ],
    topApprovers: [
      { id: CAROL.id, name: 'Carol', count: 3 },
      { id: ALICE.id, name: 'Alice', count: 2 },
    ],
    activeNow: 3,
    breakGlassReviewsPending: 2,
    sessionsToReview: 4,
    updatedAt: '2026-09-01T07:45:00.000Z',
  };
}

/** Every day of a range with nothing counted. */
function emptyAnswer(from: string, to: string): Dashboard {
  const full = answer(from, to);
  const none = { count: 0, p50Seconds: null, p95Seconds: null, buckets: [{ upToSeconds: null, count: 0 }] };
  return {
    ...full,
    days: full.days.map((d) => emptyDay(d.date)),
    timeToDecision: none,
    timeToAccess: none,
    topAccounts: [],
    topPermissionSets: [],
    topRequesters: [],
    topApprovers: [],
    activeNow: 0,
    breakGlassReviewsPending: 0,
    sessionsToReview: 0,
    updatedAt: null,
  };
}

async function openDashboard(options: { dashboard?: typeof answer; api?: MemoryTeamApi } = {}) {
  const api =
    options.api ?? new MemoryTeamApi(memoryData({ me: AUDITOR, dashboard: options.dashboard ?? answer }));
  const harness = renderWithApp(<DashboardPage />, { api, path: '/audit/dashboard' });
  await waitForElement(() => api.callsOf('dashboard').length > 0);
  await waitForElement(() => !harness.page.findAllSpinners().length || harness.page.findAlert());
  return harness;
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

/** The section whose heading is `title`. */
function panel(page: PageWrapper, title: string) {
  const found = page
    .findAllContainers()
    .find((c) => c.findHeader()?.find('h2')?.getElement().textContent?.trim() === title);
  if (!found) throw new Error(`No section "${title}"`);
  return createWrapper(found.getElement());
}

/** The counter labelled `label`: its value and detail, as text. */
function counter(page: PageWrapper, label: string): string {
  const labels = Array.from(page.getElement().querySelectorAll('div > div'));
  const found = labels.find((el) => el.textContent?.trim() === label);
  if (!found?.parentElement) throw new Error(`No counter "${label}"`);
  return (found.parentElement.textContent ?? '').slice(label.length);
}

function showTable(page: PageWrapper, title: string) {
  const section = panel(page, title);
  act(() => section.findSegmentedControl()?.findSegmentById('table')?.click());
  const table = section.findTable();
  if (!table) throw new Error(`No table in "${title}"`);
  return table;
}

/** The cells of each row of a table, as text. */
function cells(table: NonNullable<ReturnType<PageWrapper['findTable']>>): string[][] {
  return table
    .findRows()
    .map((row) => row.findAll('td').map((td) => (td.getElement().textContent ?? '').trim()));
}

function download(page: PageWrapper, title: string): { filename: string; csv: string } {
  vi.mocked(downloadText).mockClear();
  const button = panel(page, title)
    .findAllButtons()
    .find((b) => b.getElement().getAttribute('aria-label') === `Download CSV of ${title}`);
  if (!button) throw new Error(`No download in "${title}"`);
  act(() => button.click());
  const [filename, content, type] = vi.mocked(downloadText).mock.calls[0] ?? [];
  expect(type).toBe('text/csv');
  // A byte order mark first, so spreadsheets read UTF-8.
  expect(content?.startsWith('\uFEFF')).toBe(true);
  return { filename: filename ?? '', csv: (content ?? '').slice(1) };
}

// Ten charts render in each test: more time than a form page needs.
describe('Dashboard', { timeout: 60_000 }, () => {
  it('asks for the last 30 UTC days and shows the counters of the answer', async () => {
    const { api, page } = await openDashboard();
    expect(api.callsOf('dashboard')).toEqual([['2026-08-03', '2026-09-01']]);
    expect(text(page)).toContain('Days are UTC dates (today in UTC is 2026-09-01), at most 366 days.');
    expect(text(page)).toContain('Aug 3, 2026 to Sep 1, 2026, UTC (30 days)');
    expect(page.findDateRangePicker()?.findTrigger().getElement().textContent).toContain('Last 30 days');

    expect(counter(page, 'Active sessions')).toBe('3');
    expect(counter(page, 'Break-glass reviews pending')).toBe('2');
    // Both review counters lead to their lists.
    expect(
      panel(page, 'Now')
        .findAllLinks()
        .map((link) => [link.getElement().textContent, link.getElement().getAttribute('href')]),
    ).toEqual([
      ['2', '/audit/reviews'],
      ['4', '/audit/session-reviews'],
    ]);
    expect(counter(page, 'Sessions to review')).toBe('4');
    expect(counter(page, 'Requests created')).toBe('7');
    expect(counter(page, 'Break-glass access taken')).toBe('1');
    expect(counter(page, 'Expired without a decision')).toBe(
      '16.7%1 of 6 requests that were approved, rejected or expired',
    );
    expect(counter(page, 'Error rate')).toBe('28.6%2 of 7 grants ended in error');
    expect(text(page)).toContain('Counters last changed Sep 1, 2026, 7:45 AM UTC.');
  });

  it("draws the answer's numbers: outcomes per day, the breakdown, durations and top lists", async () => {
    const { page } = await openDashboard();
    const perDay = panel(page, 'Requests per day').findLineChart();
    expect(perDay?.findSeries()).toHaveLength(8);
    expect(perDay?.getElement().textContent).toContain('Auto-approved');
    expect(panel(page, 'Sessions with sensitive actions per day').findLineChart()?.findSeries()).toHaveLength(
      1,
    );

    const pie = panel(page, 'Outcomes in this range').findPieChart();
    expect(pie?.findSegments().map((s) => s.getElement().getAttribute('aria-label'))).toEqual([
      'Approved (4)',
      'Auto-approved (1)',
      'Break-glass (1)',
      'Rejected (1)',
      'Cancelled (1)',
      'Expired (1)',
      'Failed (2)',
    ]);

    // Percentiles as people read durations, never ISO 8601.
    const decision = panel(page, 'Time to decision');
    expect(decision.getElement().textContent).toContain('Median (p50)4 min');
    expect(decision.getElement().textContent).toContain('95th percentile (p95)2 h 5 min');
    expect(decision.findBarChart()?.findBarGroups()).toHaveLength(5);
    const access = panel(page, 'Time to access');
    expect(access.getElement().textContent).toContain('Median (p50)5 min');
    expect(access.getElement().textContent).toContain('95th percentile (p95)1 d 1 h');
    expect(text(page)).not.toMatch(/\bP(T\d|\d+D)/);

    const ticks = (title: string) =>
      panel(page, title)
        .findBarChart()
        ?.findXTicks()
        .map((tick) => tick.getElement().textContent);
    expect(ticks('Top accounts')).toEqual(['Prod', 'Dev']);
    expect(ticks('Top permission sets')).toEqual(['AdministratorAccess', 'ReadOnlyAccess']);
    expect(ticks('Top requesters')).toEqual(['Bob', 'Alice']);
    expect(ticks('Top approvers')).toEqual(['Carol', 'Alice']);
  });

  it('shows each chart as a table with the same numbers', async () => {
    const { page } = await openDashboard();
    const perDay = showTable(page, 'Requests per day');
    // The chart's series, in the legend's order (the CSV has the other counts of a day too).
    expect(perDay.findColumnHeaders().map((h) => h.getElement().textContent?.trim())).toEqual([
      'Date (UTC)',
      'Created',
      'Approved',
      'Auto-approved',
      'Break-glass',
      'Rejected',
      'Cancelled',
      'Expired',
      'Failed',
    ]);
    const rows = cells(perDay);
    expect(rows).toHaveLength(30);
    expect(rows[0]?.[0]).toBe('Aug 3, 2026');
    expect(rows[28]).toEqual(['Aug 31, 2026', '5', '3', '1', '1', '1', '0', '1', '2']);
    expect(rows[29]).toEqual(['Sep 1, 2026', '2', '1', '0', '0', '0', '1', '0', '0']);
    // The chart is gone from that section only.
    expect(panel(page, 'Requests per day').findLineChart()).toBeNull();
    expect(panel(page, 'Sessions with sensitive actions per day').findLineChart()).not.toBeNull();

    expect(cells(showTable(page, 'Outcomes in this range'))).toEqual([
      ['Approved', '4', '36.4%'],
      ['Auto-approved', '1', '9.1%'],
      ['Break-glass', '1', '9.1%'],
      ['Rejected', '1', '9.1%'],
      ['Cancelled', '1', '9.1%'],
      ['Expired', '1', '9.1%'],
      ['Failed', '2', '18.2%'],
    ]);
    expect(cells(showTable(page, 'Time to decision'))).toEqual([
      ['Up to 1 min', '60', '0', '0%'],
      ['1 min to 5 min', '300', '3', '60%'],
      ['5 min to 15 min', '900', '1', '20%'],
      ['15 min to 4 h', '14,400', '1', '20%'],
      ['Over 4 h', '', '0', '0%'],
    ]);
    expect(cells(showTable(page, 'Top accounts'))).toEqual([
      ['1', 'Prod', '4', '111122223333'],
      ['2', 'Dev', '3', '444455556666'],
    ]);
    expect(cells(showTable(page, 'Top approvers'))).toEqual([
      ['1', 'Carol', '3', CAROL.id],
      ['2', 'Alice', '2', ALICE.id],
    ]);

    act(() => panel(page, 'Top accounts').findSegmentedControl()?.findSegmentById('chart')?.click());
    expect(panel(page, 'Top accounts').findBarChart()).not.toBeNull();
  });

  it('downloads each table as CSV (RFC 4180, CRLF) named after the range', async () => {
    const { page } = await openDashboard();
    const perDay = download(page, 'Requests per day');
    expect(perDay.filename).toBe('dashboard-requests-per-day-2026-08-03_2026-09-01.csv');
    const lines = perDay.csv.split('\r\n');
    expect(perDay.csv.endsWith('\r\n')).toBe(true);
    expect(perDay.csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(lines).toHaveLength(32);
    expect(lines[0]).toBe(
      'Date (UTC),Created,Approved,Auto-approved,Break-glass,Rejected,Cancelled,Expired,Failed,Granted,Ended,Revoked,Extensions,Hours granted,Sensitive sessions',
    );
    expect(lines[1]).toBe('2026-08-03,0,0,0,0,0,0,0,0,0,0,0,0,0,0');
    expect(lines[29]).toBe('2026-08-31,5,3,1,1,1,0,1,2,4,0,0,0,7.5,2');
    expect(lines[30]).toBe('2026-09-01,2,1,0,0,0,1,0,0,1,2,0,0,0,1');

    expect(download(page, 'Top accounts')).toEqual({
      filename: 'dashboard-top-accounts-2026-08-03_2026-09-01.csv',
      csv: 'Rank,Name,Count,ID\r\n1,Prod,4,111122223333\r\n2,Dev,3,444455556666\r\n',
    });
    expect(download(page, 'Time to access')).toEqual({
      filename: 'dashboard-time-to-access-2026-08-03_2026-09-01.csv',
      csv: 'Duration,Up to (seconds),Count,Share\r\nUp to 5 min,300,3,0.6\r\n5 min to 1 d,86400,1,0.2\r\nOver 1 d,,1,0.2\r\n',
    });
    expect(download(page, 'Outcomes in this range').csv.split('\r\n').slice(0, 2)).toEqual([
      'Outcome,Count,Share',
      'Approved,4,0.3636',
    ]);
    expect(download(page, 'Sessions with sensitive actions per day').csv.split('\r\n')[30]).toBe(
      '2026-09-01,1',
    );
  });

  it('sends the chosen range to the API: relative, absolute, and refuses more than 366 days', async () => {
    const { api, page } = await openDashboard();
    const picker = page.findDateRangePicker();
    if (!picker) throw new Error('No date range picker');

    act(() => picker.openDropdown());
    let dropdown = picker.findDropdown({ expandToViewport: true });
    act(() => dropdown?.findRelativeRangeRadioGroup()?.findInputByValue('last-7-days')?.click());
    act(() => dropdown?.findApplyButton().click());
    await waitForElement(() => api.callsOf('dashboard').length === 2);
    expect(api.callsOf('dashboard')[1]).toEqual(['2026-08-26', '2026-09-01']);
    await waitForElement(() => text(page).includes('Aug 26, 2026 to Sep 1, 2026, UTC (7 days)'));

    act(() => picker.openDropdown());
    dropdown = picker.findDropdown({ expandToViewport: true });
    act(() => dropdown?.findSelectionModeSwitch().findModesAsSegments().findSegmentById('absolute')?.click());
    act(() => dropdown?.findStartDateInput()?.setInputValue('2025-01-01'));
    act(() => dropdown?.findEndDateInput()?.setInputValue('2026-06-30'));
    act(() => dropdown?.findApplyButton().click());
    expect(dropdown?.findValidationError()?.getElement().textContent).toContain('Choose at most 366 days.');
    expect(api.callsOf('dashboard')).toHaveLength(2);

    act(() => dropdown?.findStartDateInput()?.setInputValue('2026-01-01'));
    act(() => dropdown?.findEndDateInput()?.setInputValue('2026-03-31'));
    act(() => dropdown?.findApplyButton().click());
    await waitForElement(() => api.callsOf('dashboard').length === 3);
    expect(api.callsOf('dashboard')[2]).toEqual(['2026-01-01', '2026-03-31']);
    await waitForElement(() => text(page).includes('Jan 1, 2026 to Mar 31, 2026, UTC (90 days)'));
    await waitForElement(() => page.findAllSpinners().length === 0);
    const csv = download(page, 'Top requesters');
    expect(csv.filename).toBe('dashboard-top-requesters-2026-01-01_2026-03-31.csv');
  });

  it('shows an empty range as such: no data in the charts, zeros, no rates', async () => {
    const { page } = await openDashboard({ dashboard: emptyAnswer });
    expect(counter(page, 'Active sessions')).toBe('0');
    expect(counter(page, 'Expired without a decision')).toBe('—Nothing to count in this range.');
    expect(counter(page, 'Error rate')).toBe('—Nothing to count in this range.');
    expect(text(page)).toContain('Nothing has been counted yet.');
    const empty = (title: string) => panel(page, title).getElement().textContent?.includes('No data');
    for (const title of [
      'Requests per day',
      'Outcomes in this range',
      'Sessions with sensitive actions per day',
      'Time to decision',
      'Time to access',
      'Top accounts',
      'Top permission sets',
      'Top requesters',
      'Top approvers',
    ]) {
      expect(empty(title), title).toBe(true);
    }
    expect(panel(page, 'Requests per day').findLineChart()?.findSeries()).toHaveLength(0);
    expect(cells(showTable(page, 'Top accounts'))).toEqual([]);
    expect(panel(page, 'Top accounts').findTable()?.findEmptySlot()?.getElement().textContent).toContain(
      'No data',
    );
    // The days are still there, with zeros: a CSV of the range says nothing happened.
    expect(download(page, 'Requests per day').csv.split('\r\n')[1]).toBe(
      '2026-08-03,0,0,0,0,0,0,0,0,0,0,0,0,0,0',
    );
  });

  it('says when the dashboard cannot be loaded and loads it again on retry', async () => {
    const api = new MemoryTeamApi(memoryData({ me: AUDITOR, dashboard: answer }));
    api.failNext('dashboard', new ApiError('InternalError', 'Something went wrong (correlation id c-42).'));
    const { page } = await openDashboard({ api });
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.getElement().textContent).toContain('The dashboard could not be loaded');
    expect(alert.getElement().textContent).toContain('correlation id c-42');
    expect(
      panel(page, 'Requests per day').findLineChart()?.findStatusContainer()?.getElement().textContent,
    ).toContain('The data could not be loaded.');
    act(() => alert.findActionSlot()?.findButton()?.click());
    await waitForElement(
      () => api.callsOf('dashboard').length === 2 && counter(page, 'Active sessions') === '3',
    );
    expect(page.findAlert()).toBeNull();
  });

  it('speaks Japanese: durations, dates and numbers in its words and formats', async () => {
    const api = new MemoryTeamApi(memoryData({ me: AUDITOR, dashboard: answer }));
    const { page } = renderWithApp(<DashboardPage />, { api, path: '/audit/dashboard', language: 'ja' });
    await waitForElement(() => api.callsOf('dashboard').length > 0 && page.findAllSpinners().length === 0);
    expect(page.findHeader()?.findHeadingText().getElement().textContent).toBe('ダッシュボード');
    expect(text(page)).toContain('日付は UTC の日付です (UTC の今日は 2026-09-01)');
    const decision = panel(page, '判断までの時間').getElement().textContent;
    expect(decision).toContain('中央値 (p50)4 分');
    expect(decision).toContain('95 パーセンタイル (p95)2 時間 5 分');
    const rows = cells(showTable(page, '日別のリクエスト'));
    expect(rows[28]?.[0]).toBe(
      new Intl.DateTimeFormat('ja-JP', {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        timeZone: 'UTC',
      }).format(new Date('2026-08-31T00:00:00Z')),
    );
  });

  it('lets admins, and only them, rebuild the counters after confirming', async () => {
    const auditor = await openDashboard();
    expect(auditor.page.findAllButtons().map((b) => b.getElement().textContent)).not.toContain(
      'Rebuild counters',
    );
    cleanup();

    const api = new MemoryTeamApi(
      memoryData({ me: me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] }), dashboard: answer }),
    );
    const { page } = await openDashboard({ api });
    act(() => button(page, 'Rebuild counters').click());
    const modal = await waitForElement(() => page.findModal());
    expect(modal.getElement().textContent).toContain('at a quiet moment');
    expect(api.callsOf('rebuildDashboard')).toHaveLength(0);
    act(() => button(modal, 'Rebuild').click());
    await waitForElement(() =>
      flashTexts(page).some((m) => m.includes('Rebuilding the counters started at')),
    );
    expect(api.callsOf('rebuildDashboard')).toEqual([[]]);
    expect(page.findModal()).toBeNull();
  });

  it('counts the in-memory requests for an admin when no answer is set', async () => {
    const decided = (by: typeof ALICE, at: string) => ({ by, at, comment: null });
    const api = new MemoryTeamApi(
      memoryData({
        me: me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] }),
        requests: [
          request({
            status: 'IN_PROGRESS',
            createdAt: '2026-08-31T10:00:00.000Z',
            decision: decided(ALICE, '2026-08-31T10:04:00.000Z'),
            grantedAt: '2026-08-31T10:05:00.000Z',
            startTime: '2026-08-31T10:00:00.000Z',
          }),
          request({ status: 'REJECTED', decision: decided(CAROL, '2026-09-01T07:55:00.000Z') }),
        ],
      }),
    );
    const { page } = await openDashboard({ api });
    expect(counter(page, 'Requests created')).toBe('2');
    expect(counter(page, 'Active sessions')).toBe('1');
    expect(counter(page, 'Expired without a decision')).toBe(
      '0%0 of 2 requests that were approved, rejected or expired',
    );
    expect(createWrapper().findAllLineCharts()).toHaveLength(2);
    expect(cells(showTable(page, 'Top approvers')).map((row) => row[1])).toEqual(['Alice', 'Carol']);
  });
});
