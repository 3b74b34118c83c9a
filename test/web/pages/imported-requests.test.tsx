// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, Request } from '../../../web/src/api/model';
import AuditSessionsPage from '../../../web/src/pages/audit-sessions/audit-sessions-page';
import MyApprovalsPage from '../../../web/src/pages/my-approvals/my-approvals-page';
import RequestDetailsPage from '../../../web/src/pages/request-details/request-details-page';
import { ALICE, BOB, CAROL, me, memoryData, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  renderWithApp,
  setupWebTests,
  type PageWrapper,
  tableLoaded,
  tableRows,
  waitForElement,
} from '../support/render';

setupWebTests();

/** A request of the original TEAM as the import stores it: finished, decided, marked. */
function imported(overrides: Partial<Request> = {}): Request {
  return request({
    id: '3f0c1a52-7d4e-4b7a-9c1e-000000000001',
    requester: BOB,
    approvers: [ALICE, CAROL],
    status: 'ENDED',
    startTime: '2025-03-02T09:00:00.000Z',
    durationHours: 1,
    expiresAt: null,
    decision: { by: ALICE, at: '2025-03-02T09:00:00.000Z', comment: null },
    grantedAt: '2025-03-02T09:00:00.000Z',
    endedAt: '2025-03-02T10:00:00.000Z',
    importedFrom: 'ORIGINAL_TEAM',
    createdAt: '2025-03-02T08:55:00.000Z',
    updatedAt: '2025-03-02T10:00:00.000Z',
    justification: 'Old incident',
    ...overrides,
  });
}

/** Its trail as the import writes it. */
function trail(requestId: string): AuditEvent[] {
  const event = (id: string, at: string, action: AuditEvent['action'], toStatus: AuditEvent['toStatus']) => ({
    id,
    requestId,
    at,
    action,
    actor: action === 'CREATED' ? BOB : null,
    fromStatus: null,
    toStatus,
    comment: null,
    detail: 'Imported from the original TEAM',
  });
  return [
    event('e1', '2025-03-02T08:55:00.000Z', 'CREATED', 'PENDING'),
    event('e2', '2025-03-02T10:00:00.000Z', 'ENDED', 'ENDED'),
  ];
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function renderDetails(target: Request, language?: 'ja') {
  const api = new MemoryTeamApi(
    memoryData({ requests: [target], events: target.importedFrom ? trail(target.id) : [] }),
  );
  return renderWithApp(<RequestDetailsPage params={{ id: target.id }} />, {
    api,
    path: `/requests/${target.id}`,
    language,
  });
}

/** The value of a details item by its label. */
function detail(page: PageWrapper, label: string): string | undefined {
  return (
    page
      .findKeyValuePairs()
      ?.findItems()
      .find((item) => item.findLabel()?.getElement().textContent === label)
      ?.findValue()
      ?.getElement().textContent ?? undefined
  );
}

describe('Imported requests: details', () => {
  it('says the request was imported from the original TEAM, read-only, and offers no action', async () => {
    const { page } = renderDetails(imported());
    await waitForElement(() => page.findTable()?.findRows().length === 2);
    const alert = page.findAlert();
    expect(alert?.findHeader()?.getElement().textContent).toBe(
      'Imported from the original TEAM — read-only history',
    );
    expect(detail(page, 'Status')).toBe('Ended Imported');
    // No approve, reject, cancel or revoke.
    for (const action of ['Approve', 'Reject', 'Cancel request', 'Revoke']) {
      expect(() => button(page, action)).toThrow();
    }
    // Its session activity stays with the original: no query to start here.
    expect(text(page)).not.toContain('Session activity');
    expect(tableRows(page)[0]).toContain('Imported from the original TEAM');
  });

  it('offers no action even where the status would allow one', async () => {
    // Not something the import stores (only finished requests): the page never acts on imported history.
    const { page } = renderDetails(
      imported({ status: 'PENDING', decision: null, grantedAt: null, endedAt: null }),
    );
    await waitForElement(() => page.findTable()?.findRows().length === 2);
    expect(() => button(page, 'Approve')).toThrow();
    expect(() => button(page, 'Reject')).toThrow();
  });

  it('leaves requests of this TEAM unmarked', async () => {
    const { page } = renderDetails(request({ id: 'r-own', status: 'ENDED', requester: BOB }));
    await waitForElement(() => detail(page, 'Status'));
    expect(detail(page, 'Status')).toBe('Ended');
    expect(text(page)).not.toContain('original TEAM');
  });

  it('speaks Japanese', async () => {
    const { page } = renderDetails(imported(), 'ja');
    await waitForElement(() => page.findTable()?.findRows().length === 2);
    expect(page.findAlert()?.findHeader()?.getElement().textContent).toBe(
      '元の TEAM からインポート — 読み取り専用の履歴',
    );
    expect(detail(page, 'ステータス')).toBe('終了 インポート');
    // The trail's note is the reader's language too.
    expect(tableRows(page)[0]).toContain('元の TEAM からインポート');
    expect(text(page)).not.toContain('Imported from the original TEAM');
  });
});

describe('Imported requests: lists', () => {
  it('marks imported requests Imported in the audit list, and the filter finds them', async () => {
    const auditor = me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] });
    const api = new MemoryTeamApi(
      memoryData({
        me: auditor,
        requests: [
          imported({ justification: 'From the original' }),
          request({ status: 'ENDED', justification: 'Made here' }),
        ],
      }),
    );
    const { page } = renderWithApp(<AuditSessionsPage />, { api, path: '/audit/sessions' });
    await tableLoaded(page);
    const rows = tableRows(page);
    const original = rows.find((r) => r.includes('From the original'));
    const own = rows.find((r) => r.includes('Made here'));
    expect(original).toContain('EndedImported');
    expect(own).toContain('Ended');
    expect(own).not.toContain('Imported');

    act(() => page.findTable()?.findTextFilter()?.findInput().setInputValue('Imported'));
    await waitForElement(() => tableRows(page).length === 1);
    expect(tableRows(page)[0]).toContain('From the original');
  });

  it("marks them on an approver's list, in Japanese too", async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [imported()] }));
    const { page } = renderWithApp(<MyApprovalsPage />, { api, path: '/approvals/mine', language: 'ja' });
    await tableLoaded(page);
    expect(tableRows(page)[0]).toContain('終了インポート');
  });
});
