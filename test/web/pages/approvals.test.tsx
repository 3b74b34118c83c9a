// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import ApproveRequestsPage from '../../../web/src/pages/approve-requests/approve-requests-page';
import MyApprovalsPage from '../../../web/src/pages/my-approvals/my-approvals-page';
import { ALICE, BOB, memoryData, request, settings } from '../support/data';
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

const rows = tableRows;

function modalButton(page: PageWrapper, text: string) {
  const found = page
    .findModal()
    ?.findFooter()
    ?.findAllButtons()
    .find((b) => b.getElement().textContent?.trim() === text);
  if (!found) throw new Error(`no modal button ${text}`);
  return found;
}

async function openQueue(api: MemoryTeamApi) {
  const harness = renderWithApp(<ApproveRequestsPage />, { api, path: '/approvals/pending' });
  await tableLoaded(harness.page);
  // The settings (comments required or not) are read before a decision is made.
  await waitForElement(() => api.callsOf('settings').length > 0);
  return harness;
}

function selectFirstRow(page: PageWrapper) {
  act(() => page.findTable()?.findRowSelectionArea(1)?.click());
}

describe('Approve requests', () => {
  it('lists the requests waiting for me, never my own', async () => {
    const data = memoryData({
      requests: [
        request({ id: 'theirs', requester: BOB, justification: 'Theirs' }),
        request({ id: 'mine', requester: ALICE, justification: 'Mine' }),
      ],
    });
    const api = new MemoryTeamApi(data);
    // Even if the server listed my own request, the page would not show it.
    const list = api.listRequests;
    api.listRequests = async (name, args) =>
      name === 'pendingApprovals'
        ? { items: data.requests.map((r) => ({ ...r })), nextToken: null }
        : list(name, args);
    const { page } = await openQueue(api);
    expect(rows(page)).toHaveLength(1);
    expect(rows(page)[0]).toContain('Theirs');
  });

  it('requires a comment when the settings say so, then approves', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [request({ id: 'r-approve' })] }));
    const { page } = await openQueue(api);
    selectFirstRow(page);
    act(() => button(page, 'Approve').click());
    const modal = await waitForElement(() => page.findModal());
    expect(modal.findHeader().getElement().textContent).toContain('Approve request');

    act(() => modalButton(page, 'Approve').click());
    await waitForElement(() => field(modal, 'Comment').findError());
    expect(field(modal, 'Comment').findError()?.getElement().textContent).toBe('Required.');
    // Once: the hint under the field does not say it again.
    expect(modal.getElement().textContent?.split('Required').length).toBe(2);
    expect(api.callsOf('approveRequest')).toHaveLength(0);

    act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue('Go ahead'));
    act(() => modalButton(page, 'Approve').click());
    await waitForElement(() => flashTexts(page).length > 0);
    expect(api.callsOf('approveRequest')).toEqual([[{ requestId: 'r-approve', comment: 'Go ahead' }]]);
    expect(flashTexts(page)[0]).toContain('Approved: Prod (111122223333), AdministratorAccess');
    await waitForElement(() =>
      page.findTable()?.findEmptySlot()?.getElement().textContent?.includes('Nothing to approve'),
    );
    expect(page.findModal()).toBeNull();
  });

  it('rejects without a comment when comments are optional', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [request({ id: 'r-reject' })],
        settings: settings({ commentsRequired: false }),
      }),
    );
    const { page } = await openQueue(api);
    selectFirstRow(page);
    act(() => button(page, 'Reject').click());
    await waitForElement(() => page.findModal());
    act(() => modalButton(page, 'Reject').click());
    await waitForElement(() => api.callsOf('rejectRequest').length > 0);
    expect(api.callsOf('rejectRequest')).toEqual([[{ requestId: 'r-reject', comment: undefined }]]);
  });

  it.each([
    ['on the comment when the server names it', 'comment', true],
    ['above the comment when it names no field', undefined, false],
  ])("shows the server's ValidationError %s", async (_, serverField, onField) => {
    const api = new MemoryTeamApi(memoryData({ requests: [request({ id: 'r-refused' })] }));
    const { page } = await openQueue(api);
    const message = 'Comment is not acceptable.';
    api.failNext('approveRequest', new ApiError('ValidationError', message, serverField));
    selectFirstRow(page);
    act(() => button(page, 'Approve').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue('ok'));
    act(() => modalButton(page, 'Approve').click());
    await waitForElement(() => field(modal, 'Comment').findError() ?? modal.findContent().findAlert());

    const fieldError = field(modal, 'Comment').findError()?.getElement().textContent;
    const alert = modal.findContent().findAlert()?.getElement().textContent;
    expect(onField ? fieldError : alert).toBe(message);
    expect(onField ? alert : fieldError).toBeUndefined();
  });

  it('explains a decision someone else made first and refreshes the list', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [request({ id: 'r-raced' })] }));
    const { page } = await openQueue(api);
    api.failNext(
      'approveRequest',
      new ApiError('IllegalTransition', 'A request that is approved cannot become approved.'),
    );
    const listsBefore = api.callsOf('listRequests').length;
    selectFirstRow(page);
    act(() => button(page, 'Approve').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue('ok'));
    act(() => modalButton(page, 'Approve').click());
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('This request changed in the meantime');
    expect(flashTexts(page)[0]).toContain('already decided by someone else');
    expect(page.findModal()).toBeNull();
    await waitForElement(() => api.callsOf('listRequests').length > listsBefore);
  });

  it('refetches when a request of mine changes (live update)', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [] }));
    const { page } = await openQueue(api);
    expect(api.subscribers(ALICE.id)).toBe(1);
    api.data.requests.push(request({ id: 'r-new', justification: 'Arrived live' }));
    act(() =>
      api.emit({
        channels: [ALICE.id, 'AUDIT'],
        requestId: 'r-new',
        status: 'PENDING',
        updatedAt: '2026-09-01T08:01:00Z',
      }),
    );
    await waitForElement(() => rows(page)[0]?.includes('Arrived live'));
  });
});

describe('My approvals', () => {
  it('lists my decisions and offers a CSV download', async () => {
    const decided = request({
      id: 'r-decided',
      status: 'APPROVED',
      decision: { by: ALICE, at: '2026-09-01T07:55:00.000Z', comment: 'fine' },
    });
    const api = new MemoryTeamApi(memoryData({ requests: [decided] }));
    const { page } = renderWithApp(<MyApprovalsPage />, { api, path: '/approvals' });
    await waitForElement(() => rows(page)[0]?.includes('Approved'));
    const download = button(page, 'Download CSV');
    expect(download.isDisabled()).toBe(false);
  });
});
