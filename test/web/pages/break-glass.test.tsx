// @vitest-environment jsdom
import { act, cleanup } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Actor, AuditEvent } from '../../../web/src/api/model';
import CreateRequestPage from '../../../web/src/pages/create-request/create-request-page';
import RequestDetailsPage from '../../../web/src/pages/request-details/request-details-page';
import ReviewsPendingPage from '../../../web/src/pages/reviews-pending/reviews-pending-page';
import { ALICE, BOB, me, memoryData, PS_ADMIN, PS_READ, request } from '../support/data';
import type { MemoryData } from '../support/memory-api';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  flashTexts,
  renderWithApp,
  setupWebTests,
  type PageWrapper,
  tableLoaded,
  tableRows,
  waitForElement,
} from '../support/render';

setupWebTests();

const DAVE: Actor = { id: 'u-dave', email: 'dave@example.com', name: 'Dave' };

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

/** Form options where Prod's AdministratorAccess allows break-glass for up to 2 hours. */
function breakGlassData(enabled: boolean): MemoryData {
  const data = memoryData();
  data.formOptions.breakGlassEnabled = enabled;
  const prod = data.formOptions.accounts[0];
  if (prod) {
    prod.permissionSets = prod.permissionSets.map((p) =>
      p.arn === PS_ADMIN ? { ...p, breakGlass: true, breakGlassMaxHours: 2 } : p,
    );
  }
  return data;
}

async function openForm(api: MemoryTeamApi) {
  const harness = renderWithApp(<CreateRequestPage />, { api, path: '/requests/new' });
  await waitForElement(() => harness.page.findAllFormFields().length > 0);
  return harness;
}

function choose(page: PageWrapper, label: string, value: string) {
  const select = field(page, label).findControl()?.findSelect();
  act(() => select?.openDropdown());
  act(() => select?.selectOptionByValue(value));
}

function fieldLabels(page: PageWrapper): string[] {
  return page.findAllFormFields().map((f) => (f.findLabel()?.getElement().textContent ?? '').trim());
}

function chooseBreakGlass(page: PageWrapper) {
  const tiles = field(page, 'Kind of access').findControl()?.findTiles();
  act(() => tiles?.findInputByValue('breakGlass')?.click());
}

describe('Create request: break-glass', () => {
  it('offers no break-glass where the settings turn it off, or where no policy allows it', async () => {
    const off = await openForm(new MemoryTeamApi(breakGlassData(false)));
    choose(off.page, 'Account', '111122223333');
    choose(off.page, 'Role', PS_ADMIN);
    expect(fieldLabels(off.page)).not.toContain('Kind of access');
    cleanup();

    const on = await openForm(new MemoryTeamApi(breakGlassData(true)));
    choose(on.page, 'Account', '111122223333');
    choose(on.page, 'Role', PS_READ);
    expect(fieldLabels(on.page)).not.toContain('Kind of access');
    choose(on.page, 'Role', PS_ADMIN);
    expect(fieldLabels(on.page)).toContain('Kind of access');
  });

  it('warns, asks for the incident, caps the hours and takes the access at once', async () => {
    const api = new MemoryTeamApi(breakGlassData(true));
    const { page, history } = await openForm(api);
    choose(page, 'Account', '111122223333');
    choose(page, 'Role', PS_ADMIN);
    expect(text(page)).not.toContain('Break-glass access starts at once');
    chooseBreakGlass(page);

    const warning = page.findAllAlerts().find((a) => a.getElement().textContent?.includes('starts at once'));
    expect(warning?.getElement().textContent).toContain('without approval');
    expect(warning?.getElement().textContent).toContain('Auditors');
    expect(warning?.getElement().textContent).toContain('review this session');
    // Break-glass starts now: no start time, no ticket field; the incident is asked for instead.
    expect(fieldLabels(page)).not.toContain('Start');
    expect(fieldLabels(page)).toContain('Incident or ticket');
    expect(field(page, 'Duration').findConstraint()?.getElement().textContent).toContain('2');

    act(() => field(page, 'Duration').findControl()?.findInput()?.setInputValue('3'));
    act(() => button(page, 'Take break-glass access').click());
    await waitForElement(() => field(page, 'Incident or ticket').findError());
    expect(field(page, 'Incident or ticket').findError()?.getElement().textContent).toBe('Required.');
    expect(field(page, 'Duration').findError()).not.toBeNull();
    expect(api.callsOf('createBreakGlassRequest')).toHaveLength(0);

    act(() => field(page, 'Duration').findControl()?.findInput()?.setInputValue('2'));
    act(() => field(page, 'Reason').findControl()?.findTextarea()?.setTextareaValue('Database is down'));
    act(() => field(page, 'Incident or ticket').findControl()?.findInput()?.setInputValue('INC-911'));
    act(() => button(page, 'Take break-glass access').click());
    await waitForElement(() => history.location() === '/requests/req-1');
    expect(api.callsOf('createBreakGlassRequest')).toEqual([
      [
        {
          accountId: '111122223333',
          permissionSetArn: PS_ADMIN,
          durationHours: 2,
          justification: 'Database is down',
          incident: 'INC-911',
        },
      ],
    ]);
    expect(api.callsOf('createRequest')).toHaveLength(0);
    expect(flashTexts(page).join(' ')).toContain('Break-glass access taken');
    const created = api.data.requests[0];
    expect(created?.status).toBe('SCHEDULED');
    expect(created?.review?.state).toBe('NEEDED');
  });
});

const breakGlassRequest = (overrides: Parameters<typeof request>[0] = {}) =>
  request({
    id: 'r-bg',
    requester: BOB,
    approvers: [ALICE],
    status: 'IN_PROGRESS',
    approvalRequired: false,
    startTime: '2026-09-01T07:30:00.000Z',
    grantedAt: '2026-09-01T07:30:00.000Z',
    durationHours: 1,
    expiresAt: null,
    breakGlass: { incident: 'INC-911' },
    review: { state: 'NEEDED', by: null, at: null, comment: null },
    ...overrides,
  });

const event = (action: AuditEvent['action'], id: string): AuditEvent => ({
  id,
  requestId: 'r-bg',
  at: '2026-09-01T07:30:00.000Z',
  action,
  actor: BOB,
  fromStatus: null,
  toStatus: null,
  comment: null,
  detail: null,
});

describe('Break-glass review', () => {
  it('lets an approver flag the access with a required comment, then shows the review', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [breakGlassRequest()],
        events: [event('BREAK_GLASS', 'e1'), event('REVIEWED', 'e2'), event('APPROVAL_RECORDED', 'e3')],
      }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-bg' }} />, {
      api,
      path: '/requests/r-bg',
    });
    await waitForElement(() => text(page).includes('Needs review'));
    expect(page.findAllBadges().map((b) => b.getElement().textContent)).toContain('Break-glass');
    expect(text(page)).toContain('INC-911');
    // History in plain words.
    await waitForElement(() => text(page).includes('Break-glass access taken'));
    expect(text(page)).toContain('Approval recorded');

    act(() => button(page, 'Flag').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => button(modal.findFooter() ?? modal, 'Flag').click());
    await waitForElement(() => field(modal, 'Review comment').findError());
    expect(api.callsOf('reviewRequest')).toHaveLength(0);
    act(() =>
      field(modal, 'Review comment').findControl()?.findTextarea()?.setTextareaValue('No incident on record'),
    );
    act(() => button(modal.findFooter() ?? modal, 'Flag').click());
    await waitForElement(() => text(page).includes('Flagged') && page.findModal() === null);
    expect(api.callsOf('reviewRequest')).toEqual([
      [{ requestId: 'r-bg', state: 'FLAGGED', comment: 'No incident on record' }],
    ]);
    await waitForElement(() => text(page).includes('No incident on record'));
    expect(text(page)).toContain('Reviewed by');
    expect(() => button(page, 'Acknowledge')).toThrow();
  });

  it('never lets the requester review their own access', async () => {
    const api = new MemoryTeamApi(
      memoryData({ requests: [breakGlassRequest({ requester: ALICE, approvers: [BOB] })] }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-bg' }} />, {
      api,
      path: '/requests/r-bg',
    });
    await waitForElement(() => text(page).includes('Needs review'));
    expect(() => button(page, 'Acknowledge')).toThrow();
    expect(() => button(page, 'Flag')).toThrow();
    expect(text(page)).toContain('you cannot review your own access');
  });
});

describe('Audit → Reviews pending', () => {
  it('lists unreviewed break-glass access, oldest first, with links', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
        requests: [
          breakGlassRequest({ id: 'r-new', requester: DAVE, startTime: '2026-09-01T07:40:00.000Z' }),
          breakGlassRequest({
            id: 'r-done',
            review: { state: 'ACKNOWLEDGED', by: ALICE, at: '2026-09-01T07:45:00.000Z', comment: 'ok' },
          }),
          request({ id: 'r-plain' }),
          breakGlassRequest({
            id: 'r-old',
            startTime: '2026-09-01T06:00:00.000Z',
            breakGlass: { incident: 'INC-100' },
          }),
        ],
      }),
    );
    const { page } = renderWithApp(<ReviewsPendingPage />, { api, path: '/audit/reviews' });
    await tableLoaded(page);
    const rows = tableRows(page);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('INC-100');
    expect(rows[0]).toContain('Needs review');
    expect(rows[0]).toContain('Break-glass');
    expect(rows[1]).toContain('dave@example.com');
    const hrefs = Array.from(page.findTable()?.getElement().querySelectorAll('a') ?? []).map((a) =>
      a.getAttribute('href'),
    );
    // The details remember they were opened from this list.
    expect(hrefs).toEqual(['/requests/r-old?from=reviewsPending', '/requests/r-new?from=reviewsPending']);
  });

  it('fits five columns: account with role, the period, status with review, incident with reason', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
        requests: [
          breakGlassRequest({ id: 'r-new', requester: DAVE, startTime: '2026-09-01T07:40:00.000Z' }),
        ],
      }),
    );
    const { page } = renderWithApp(<ReviewsPendingPage />, { api, path: '/audit/reviews' });
    await tableLoaded(page);
    const table = page.findTable();
    const headers = (table?.findColumnHeaders() ?? []).map((h) => h.getElement().textContent ?? '');
    expect(headers).toEqual([
      'Selection',
      'Requester',
      'Account and role',
      'Access period',
      'Status',
      'Incident and justification',
    ]);
    // Long cells wrap instead of being cut.
    expect(table?.findBodyCell(1, 2)?.getElement().querySelector('[class*="body-cell-wrap"]')).not.toBeNull();
    const [row = ''] = tableRows(page);
    // Times as people read them, never as the API sends them.
    expect(row).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(row).toContain('2026');
    expect(row).toContain('Needs review');
  });

  it('is refused to people who are neither auditors nor admins', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [breakGlassRequest()] }));
    await expect(api.listRequests('reviewsPending')).rejects.toThrow('Only auditors and admins');
  });
});
