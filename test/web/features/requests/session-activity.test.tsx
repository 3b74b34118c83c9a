// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Request, SessionLogEvent } from '../../../../web/src/api/model';
import { downloadCsv } from '../../../../web/src/components/csv';
import type * as CsvModule from '../../../../web/src/components/csv';
import { SessionActivity } from '../../../../web/src/features/requests/session-activity';
import { SessionProvider, useSession, type AppInfo } from '../../../../web/src/app/session';
import { ALICE, BOB, memoryData, request } from '../../support/data';
import { MemoryTeamApi } from '../../support/memory-api';
import {
  button,
  renderWithApp,
  setupWebTests,
  tableRows,
  waitForElement,
  type PageWrapper,
} from '../../support/render';

vi.mock('../../../../web/src/components/csv', async (importOriginal) => ({
  ...(await importOriginal<typeof CsvModule>()),
  downloadCsv: vi.fn(),
}));

setupWebTests();

beforeEach(() => {
  vi.mocked(downloadCsv).mockClear();
});

/** The panel under a session whose deployment uses `provider` for session logs. */
function WithProvider({ provider, request: r }: { provider: AppInfo['sessionLogs']; request: Request }) {
  const session = useSession();
  return (
    <SessionProvider value={{ ...session, app: { ...session.app, sessionLogs: provider } }}>
      <SessionActivity request={r} />
    </SessionProvider>
  );
}

function ended(): Request {
  return request({
    id: 'r-ended',
    requester: ALICE,
    approvers: [BOB],
    status: 'ENDED',
    startTime: '2026-09-01T05:00:00.000Z',
    durationHours: 1,
    grantedAt: '2026-09-01T05:00:05.000Z',
    endedAt: '2026-09-01T06:00:00.000Z',
  });
}

function event(overrides: Partial<SessionLogEvent> & { eventId: string }): SessionLogEvent {
  return {
    eventTime: '2026-09-01T05:10:00.000Z',
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2',
    readOnly: true,
    errorCode: null,
    sensitive: false,
    ...overrides,
  };
}

const EVENTS: SessionLogEvent[] = [
  event({ eventId: 'e-1' }),
  event({
    eventId: 'e-2',
    eventName: 'RunInstances',
    readOnly: false,
    eventTime: '2026-09-01T05:20:00.000Z',
  }),
  event({
    eventId: 'e-3',
    eventName: 'DeleteTrail',
    eventSource: 'cloudtrail.amazonaws.com',
    readOnly: false,
    sensitive: true,
    errorCode: 'AccessDenied',
    eventTime: '2026-09-01T05:30:00.000Z',
  }),
];

function setup(r: Request, provider: AppInfo['sessionLogs'] = 'cloudtrail-lake') {
  const api = new MemoryTeamApi(memoryData({ requests: [r] }));
  api.sessionEvents.set(r.id, EVENTS);
  const harness = renderWithApp(<WithProvider provider={provider} request={r} />, { api });
  return harness;
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

async function finish(api: MemoryTeamApi, page: PageWrapper, requestId: string) {
  await waitForElement(() => api.sessionLogSubscribers(requestId) > 0 && api.sessionQueries.has(requestId));
  act(() => {
    api.emitSessionLogQuery(requestId, { status: 'FINISHED', progress: 100, rowCount: EVENTS.length });
  });
  await waitForElement(() => tableRows(page).length === EVENTS.length);
}

describe('Session activity', () => {
  it('starts a query when none exists, shows progress, then rows on completion', async () => {
    const r = ended();
    const { api, page } = setup(r);
    await waitForElement(() => api.callsOf('startSessionLogQuery').length === 1);
    expect(api.callsOf('onSessionLogQuery')).toEqual([[r.id]]);
    await waitForElement(() => text(page).includes('Query queued'));

    act(() => {
      api.emitSessionLogQuery(r.id, { status: 'RUNNING', progress: 40 });
    });
    await waitForElement(() => text(page).includes('Querying… 40% scanned'));
    expect(page.findStatusIndicator()).not.toBeNull();

    await finish(api, page, r.id);
    const rows = tableRows(page);
    expect(rows.some((row) => row.includes('DescribeInstances'))).toBe(true);
    expect(api.callsOf('sessionLogs')[0]).toEqual([r.id, { writeOnly: false, limit: 100, nextToken: null }]);
  });

  /** The panel over an ended session whose stored query finished with a window up to `windowEnd`. */
  function withFinishedQuery(windowEnd: string) {
    const r = ended();
    const api = new MemoryTeamApi(memoryData({ requests: [r] }));
    api.sessionEvents.set(r.id, EVENTS);
    api.emitSessionLogQuery(r.id, { status: 'FINISHED', progress: 100, windowEnd });
    const { page } = renderWithApp(<WithProvider provider="athena" request={r} />, { api });
    return { r, api, page };
  }

  it('reuses a finished query that reaches past the session tail without starting another', async () => {
    // Access ended at 06:00; events may arrive for an hour after that.
    const { api, page } = withFinishedQuery('2026-09-01T07:00:00.000Z');
    await waitForElement(() => tableRows(page).length === EVENTS.length);
    expect(api.callsOf('startSessionLogQuery')).toEqual([]);
    expect(text(page)).not.toContain('Refresh');
  });

  it('queries an ended session again when its first query looked before the tail was over', async () => {
    const { r, api, page } = withFinishedQuery('2026-09-01T06:10:00.000Z');
    await waitForElement(() => api.callsOf('startSessionLogQuery').length === 1);
    await waitForElement(() => text(page).includes('Query queued'));
    await finish(api, page, r.id);
    expect(text(page)).toContain('Refresh');
  });

  it('unsubscribes on unmount', async () => {
    const r = ended();
    const { api } = setup(r);
    await waitForElement(() => api.sessionLogSubscribers(r.id) === 1);
    const { cleanup } = await import('@testing-library/react');
    cleanup();
    expect(api.sessionLogSubscribers(r.id)).toBe(0);
  });

  it('write actions only re-queries and hides reads; sensitive rows are flagged', async () => {
    const r = ended();
    const { api, page } = setup(r);
    await finish(api, page, r.id);

    const sensitiveRow = tableRows(page).find((row) => row.includes('DeleteTrail'));
    expect(sensitiveRow).toContain('Sensitive');
    expect(page.findTable()?.findAll('[class*="awsui_badge"]').length).toBe(1);

    act(() => {
      page.findToggle()?.findNativeInput().click();
    });
    await waitForElement(() => tableRows(page).length === 2);
    expect(api.callsOf('sessionLogs').at(-1)).toEqual([
      r.id,
      { writeOnly: true, limit: 100, nextToken: null },
    ]);
    expect(tableRows(page).some((row) => row.includes('DescribeInstances'))).toBe(false);
  });

  it('downloads a CSV of the shown rows with account and user', async () => {
    const r = ended();
    const { api, page } = setup(r);
    await finish(api, page, r.id);
    act(() => {
      page.findToggle()?.findNativeInput().click();
    });
    await waitForElement(() => tableRows(page).length === 2);

    act(() => {
      button(page, 'Download CSV').click();
    });
    expect(downloadCsv).toHaveBeenCalledTimes(1);
    const [filename, csv] = vi.mocked(downloadCsv).mock.calls[0] ?? [];
    expect(filename).toBe('session-activity-r-ended-writes.csv');
    const lines = (csv ?? '').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Event ID,Time,Event name,Event source,Account,User,Read-only,Source IP,Error code,Sensitive',
    );
    expect(lines.slice(1).sort()).toEqual([
      `e-2,2026-09-01T05:20:00.000Z,RunInstances,ec2.amazonaws.com,${r.account.id},alice@example.com,false,198.51.100.7,,false`,
      `e-3,2026-09-01T05:30:00.000Z,DeleteTrail,cloudtrail.amazonaws.com,${r.account.id},alice@example.com,false,198.51.100.7,AccessDenied,true`,
    ]);
  });

  it('FAILED shows the server message and Retry starts the query again', async () => {
    const r = ended();
    const { api, page } = setup(r);
    await waitForElement(() => api.sessionLogSubscribers(r.id) > 0 && api.sessionQueries.has(r.id));
    act(() => {
      api.emitSessionLogQuery(r.id, { status: 'FAILED', error: 'Lake query timed out.' });
    });
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.getElement().textContent).toContain('Lake query timed out.');

    act(() => {
      button(alert, 'Retry').click();
    });
    await waitForElement(() => api.callsOf('startSessionLogQuery').length === 2);
    await waitForElement(() => text(page).includes('Query queued'));
    await finish(api, page, r.id);
  });

  it('a live session starts a fresh query and offers Refresh', async () => {
    const r = request({
      id: 'r-live',
      requester: ALICE,
      status: 'IN_PROGRESS',
      startTime: '2026-09-01T07:00:00.000Z',
      durationHours: 2,
      grantedAt: '2026-09-01T07:00:05.000Z',
    });
    const api = new MemoryTeamApi(memoryData({ requests: [r] }));
    api.sessionEvents.set(r.id, EVENTS);
    api.emitSessionLogQuery(r.id, { status: 'FINISHED', progress: 100 });
    const { page } = renderWithApp(<WithProvider provider="cloudtrail-lake" request={r} />, { api });
    await waitForElement(() => api.callsOf('startSessionLogQuery').length === 1);
    await finish(api, page, r.id);
    act(() => {
      button(page, 'Refresh').click();
    });
    await waitForElement(() => api.callsOf('startSessionLogQuery').length === 2);
    await waitForElement(() => text(page).includes('Query queued'));
  });

  it("shows a note when the deployment's provider is none", async () => {
    const r = ended();
    const { api, page } = setup(r, 'none');
    await waitForElement(() => text(page).includes('Session activity logs are not configured'));
    expect(api.calls.filter((c) => String(c.method).toLowerCase().includes('session'))).toEqual([]);
  });

  it('speaks Japanese', async () => {
    const r = ended();
    const api = new MemoryTeamApi(memoryData({ requests: [r] }));
    const { page } = renderWithApp(<WithProvider provider="none" request={r} />, { api, language: 'ja' });
    await waitForElement(() => text(page).includes('セッションのアクティビティログが設定されていません'));
  });
});
