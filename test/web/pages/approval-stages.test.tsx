// @vitest-environment jsdom
import { act, cleanup } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Actor, Request } from '../../../web/src/api/model';
import ActiveAccessPage from '../../../web/src/pages/active-access/active-access-page';
import ApproveRequestsPage from '../../../web/src/pages/approve-requests/approve-requests-page';
import CreateRequestPage from '../../../web/src/pages/create-request/create-request-page';
import RequestDetailsPage from '../../../web/src/pages/request-details/request-details-page';
import { ALICE, approval, BOB, CAROL, me, memoryData, PS_ADMIN, request } from '../support/data';
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

const asCarol = me({ userId: CAROL.id, userName: 'carol', email: CAROL.email, displayName: 'Carol' });
const asBob = me({ userId: BOB.id, userName: 'bob', email: BOB.email, displayName: 'Bob' });

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function modalButton(page: PageWrapper, label: string) {
  const modal = page.findModal();
  if (!modal) throw new Error('no modal');
  return button(modal.findFooter() ?? modal, label);
}

/** The rows of the table labelled `label`, as text. */
function rowsOf(page: PageWrapper, label: string): string[] {
  const table = page
    .findAllTables()
    .find((t) => t.find('table')?.getElement().getAttribute('aria-label') === label);
  return (table?.findRows() ?? []).map((r) => r.getElement().textContent ?? '');
}

async function openDetails(api: MemoryTeamApi, id: string) {
  const harness = renderWithApp(<RequestDetailsPage params={{ id }} />, { api, path: `/requests/${id}` });
  await waitForElement(() => text(harness.page).includes('History'));
  await waitForElement(() => api.callsOf('settings').length > 0);
  return harness;
}

async function approveWithComment(page: PageWrapper, comment: string, label = 'Approve') {
  act(() => button(page, label).click());
  const modal = await waitForElement(() => page.findModal());
  act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue(comment));
  act(() => modalButton(page, label).click());
  await waitForElement(() => page.findModal() === null);
}

describe('Approval with several approvers and stages', () => {
  it('records two approvals in turn, showing the progress after each', async () => {
    const pending = request({
      id: 'r-quorum',
      requester: DAVE,
      approvers: [ALICE, CAROL],
      approval: approval([{ name: 'Team leads', required: 2, approvers: [ALICE, CAROL] }], {
        remindAt: '2026-09-01T09:00:00.000Z',
      }),
    });
    const api = new MemoryTeamApi(memoryData({ requests: [pending] }));

    const first = await openDetails(api, 'r-quorum');
    expect(text(first.page)).toContain('0 of 2 approvals, waiting for Team leads');
    expect(text(first.page)).toContain('You can approve now');
    expect(text(first.page)).toContain('Reminder');
    expect(rowsOf(first.page, 'Approval stages')[0]).toContain('Stage 1 · Team leads');
    await approveWithComment(first.page, 'Looks right');
    await waitForElement(() => text(first.page).includes('1 of 2 approvals, waiting for Team leads'));
    expect(api.callsOf('approveRequest')).toEqual([[{ requestId: 'r-quorum', comment: 'Looks right' }]]);
    expect(text(first.page)).toContain('You have already approved (for Team leads)');
    expect(rowsOf(first.page, 'Approval stages')[0]).toContain('Alice · ');
    expect(rowsOf(first.page, 'Approval stages')[0]).toContain('“Looks right”');
    expect(() => button(first.page, 'Approve')).toThrow();
    expect(() => button(first.page, 'Reject')).not.toThrow();
    await waitForElement(() => rowsOf(first.page, 'History').some((r) => r.includes('Approval recorded')));
    cleanup();

    // The second approver completes the stage: the request is approved.
    api.data.me = asCarol;
    const second = await openDetails(api, 'r-quorum');
    expect(text(second.page)).toContain('1 of 2 approvals, waiting for Team leads');
    await approveWithComment(second.page, 'Agreed');
    await waitForElement(() => text(second.page).includes('2 of 2 approvals'));
    expect(api.data.requests[0]?.status).toBe('APPROVED');
    expect(text(second.page)).not.toContain('waiting for');
    expect(rowsOf(second.page, 'Approval stages')[0]).toContain('Complete');
  });

  it('tells an approver of a later stage why they cannot approve yet; they can still reject', async () => {
    const pending = request({
      id: 'r-staged',
      requester: DAVE,
      approvers: [ALICE, CAROL],
      approval: approval([
        { name: 'Team leads', approvers: [CAROL] },
        { name: 'Security', approvers: [ALICE] },
      ]),
    });
    const api = new MemoryTeamApi(memoryData({ requests: [pending] }));
    const { page } = await openDetails(api, 'r-staged');
    expect(text(page)).toContain('0 of 2 approvals, waiting for Team leads');
    expect(text(page)).toContain('You cannot approve now');
    expect(text(page)).toContain('You approve in Security, which opens once Team leads has approved.');
    expect(() => button(page, 'Approve')).toThrow();
    expect(() => button(page, 'Reject')).not.toThrow();
    const stages = rowsOf(page, 'Approval stages');
    expect(stages[0]).toContain('Waiting for approval');
    expect(stages[1]).toContain('Opens after the stages before it');

    // The server refuses anyway, naming the stage.
    await expect(api.approveRequest({ requestId: 'r-staged', comment: 'x' })).rejects.toThrow(
      'This is waiting for Team leads first; you approve in Security.',
    );
  });

  it('keeps Approve disabled in the queue for a request waiting for another stage', async () => {
    const pending = request({
      id: 'r-queue',
      requester: DAVE,
      approvers: [ALICE, CAROL],
      approval: approval([
        { name: 'Team leads', approvers: [CAROL] },
        { name: 'Security', approvers: [ALICE] },
      ]),
    });
    const api = new MemoryTeamApi(memoryData({ requests: [pending] }));
    const { page } = renderWithApp(<ApproveRequestsPage />, { api, path: '/approvals/pending' });
    await tableLoaded(page);
    expect(tableRows(page)[0]).toContain('0 of 2 approvals, waiting for Team leads');
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    expect(button(page, 'Approve').isDisabled()).toBe(true);
    expect(button(page, 'Reject').isDisabled()).toBe(false);
  });

  it('shows the progress in Japanese', async () => {
    const pending = request({
      id: 'r-ja',
      requester: DAVE,
      approvers: [ALICE, CAROL],
      approval: approval([
        { name: 'Security', required: 2, approvers: [ALICE, CAROL], approvals: [{ by: CAROL }] },
      ]),
    });
    const api = new MemoryTeamApi(memoryData({ requests: [pending] }));
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-ja' }} />, {
      api,
      path: '/requests/r-ja',
      language: 'ja',
    });
    await waitForElement(() => text(page).includes('2 件中 1 件承認、Security の承認待ち'));
    expect(text(page)).toContain('今すぐ承認できます');
  });
});

describe('Create request: stages before submitting', () => {
  it('lists each stage with the approvals it needs and its approvers', async () => {
    const api = new MemoryTeamApi(memoryData());
    api.requestApprovers = async () => ({
      approvalRequired: true,
      approvers: [
        { id: 'u-bob', name: 'Bob', groups: [{ id: 'g-leads', name: 'TEAM-Leads' }], named: false },
        { id: 'u-carol', name: 'Carol', groups: [], named: true },
        { id: 'u-dave', name: 'Dave', groups: [], named: true },
      ],
      stages: [
        {
          name: 'Team leads',
          required: 1,
          approvers: [
            { id: 'u-bob', name: 'Bob', groups: [{ id: 'g-leads', name: 'TEAM-Leads' }], named: false },
          ],
        },
        {
          name: 'Security',
          required: 2,
          approvers: [
            { id: 'u-carol', name: 'Carol', groups: [], named: true },
            { id: 'u-dave', name: 'Dave', groups: [], named: true },
          ],
        },
      ],
    });
    const { page } = renderWithApp(<CreateRequestPage />, { api, path: '/requests/new' });
    await waitForElement(() => page.findAllFormFields().length > 0);
    const pick = (label: string, value: string) => {
      const select = field(page, label).findControl()?.findSelect();
      act(() => select?.openDropdown());
      act(() => select?.selectOptionByValue(value));
    };
    pick('Account', '111122223333');
    pick('Role', PS_ADMIN);
    await waitForElement(() => text(page).includes('Stage 1 · Team leads — 1 approval'));
    expect(text(page)).toContain('TEAM-Leads: Bob');
    expect(text(page)).toContain('Stage 2 · Security — 2 approvals');
    expect(text(page)).toContain('Named directly: Carol, Dave');
  });
});

describe('Extensions', () => {
  const active = (overrides: Partial<Request> = {}) =>
    request({
      id: 'r-ext',
      requester: ALICE,
      approvers: [BOB, CAROL],
      status: 'IN_PROGRESS',
      startTime: '2026-09-01T07:00:00.000Z',
      grantedAt: '2026-09-01T07:00:00.000Z',
      durationHours: 2,
      maxTotalHours: 5,
      approval: approval([{ name: 'Team leads', approvers: [BOB, CAROL], approvals: [{ by: BOB }] }]),
      ...overrides,
    });

  it('counts down to the server end, which includes approved extensions', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [
          active({
            endTime: '2026-09-01T10:00:00.000Z',
            extensions: [
              {
                id: 1,
                hours: 1,
                reason: 'More time',
                requestedBy: ALICE,
                requestedAt: '2026-09-01T07:30:00.000Z',
                status: 'APPROVED',
                approvals: [],
                decision: null,
              },
            ],
          }),
        ],
      }),
    );
    const { page } = renderWithApp(<ActiveAccessPage />, { api, path: '/sessions/active' });
    await tableLoaded(page);
    expect(tableRows(page)[0]).toContain('Ends in 2 h 00 min');
    expect(tableRows(page)[0]).toContain('10:00');
  });

  it('asks for more hours within the bound, then an approver approves and the end moves', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [active()] }));
    const { page } = await openDetails(api, 'r-ext');
    expect(text(page)).toContain('Access may be extended by up to 3 hours more (5 hours in all).');
    act(() => button(page, 'Extend').click());
    const modal = await waitForElement(() => page.findModal());
    const hours = field(modal, 'Hours to add');
    expect(hours.findConstraint()?.getElement().textContent).toContain(
      'At most 3 hours more (5 hours in all).',
    );
    expect(hours.findConstraint()?.getElement().textContent).toContain('Access would end');
    act(() => hours.findControl()?.findInput()?.setInputValue('4'));
    act(() => field(modal, 'Reason').findControl()?.findTextarea()?.setTextareaValue('The fix takes longer'));
    act(() => modalButton(page, 'Ask for extension').click());
    await waitForElement(() => field(modal, 'Hours to add').findError());
    expect(field(modal, 'Hours to add').findError()?.getElement().textContent).toContain('3');
    expect(api.callsOf('extendRequest')).toHaveLength(0);

    act(() => field(modal, 'Hours to add').findControl()?.findInput()?.setInputValue('2'));
    expect(field(modal, 'Hours to add').findConstraint()?.getElement().textContent).toContain('11:00');
    act(() => modalButton(page, 'Ask for extension').click());
    await waitForElement(() => rowsOf(page, 'Extensions').length === 1);
    expect(api.callsOf('extendRequest')).toEqual([
      [{ requestId: 'r-ext', hours: 2, reason: 'The fix takes longer' }],
    ]);
    expect(rowsOf(page, 'Extensions')[0]).toContain('Waiting for approval');
    expect(rowsOf(page, 'Extensions')[0]).toContain('0 of 1 approval, waiting for Team leads');
    // The requester may withdraw it, not approve it; a second one cannot be asked for meanwhile.
    expect(() => button(page, 'Withdraw extension')).not.toThrow();
    expect(() => button(page, 'Approve extension')).toThrow();
    expect(button(page, 'Extend').isDisabled()).toBe(true);
    cleanup();

    api.data.me = asCarol;
    const approver = await openDetails(api, 'r-ext');
    expect(() => button(approver.page, 'Reject extension')).not.toThrow();
    await approveWithComment(approver.page, 'Fine', 'Approve extension');
    await waitForElement(() => rowsOf(approver.page, 'Extensions')[0]?.includes('Approved'));
    expect(api.data.requests[0]?.endTime).toBe('2026-09-01T11:00:00.000Z');
    expect(flashTexts(approver.page).join(' ')).toContain('Extension approved');
    expect(rowsOf(approver.page, 'History').some((r) => r.includes('Access extended'))).toBe(true);
  });

  it('lets the requester withdraw a pending extension', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [
          active({
            extensions: [
              {
                id: 1,
                hours: 1,
                reason: 'More time',
                requestedBy: ALICE,
                requestedAt: '2026-09-01T07:30:00.000Z',
                status: 'PENDING',
                approvals: [],
                decision: null,
              },
            ],
          }),
        ],
      }),
    );
    const { page } = await openDetails(api, 'r-ext');
    act(() => button(page, 'Withdraw extension').click());
    await waitForElement(() => page.findModal());
    act(() => modalButton(page, 'Withdraw extension').click());
    await waitForElement(() => rowsOf(page, 'Extensions')[0]?.includes('Withdrawn'));
    expect(api.callsOf('rejectExtension')).toEqual([[{ requestId: 'r-ext', extensionId: 1 }]]);
  });

  it('offers no extension when the policies allow none', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [active({ maxTotalHours: null })] }));
    const { page } = await openDetails(api, 'r-ext');
    expect(() => button(page, 'Extend')).toThrow();
    expect(text(page)).not.toContain('Extensions');
  });

  it('extends at once from Active access when no approval is needed', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: asBob,
        requests: [active({ requester: DAVE, approvers: [BOB], approval: null, approvalRequired: false })],
      }),
    );
    const { page } = renderWithApp(<ActiveAccessPage />, { api, path: '/sessions/active' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Extend').click());
    const modal = await waitForElement(() => page.findModal());
    expect(modal.getElement().textContent).toContain('needs no approval');
    act(() => field(modal, 'Hours to add').findControl()?.findInput()?.setInputValue('3'));
    act(() => field(modal, 'Reason').findControl()?.findTextarea()?.setTextareaValue('Longer'));
    act(() => modalButton(page, 'Extend access').click());
    await waitForElement(() => flashTexts(page).some((f) => f.includes('Access extended')));
    expect(api.data.requests[0]?.endTime).toBe('2026-09-01T12:00:00.000Z');
  });
});
