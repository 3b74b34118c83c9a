// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import ActiveAccessPage from '../../../web/src/pages/active-access/active-access-page';
import AuditSessionsPage from '../../../web/src/pages/audit-sessions/audit-sessions-page';
import EndedAccessPage from '../../../web/src/pages/ended-access/ended-access-page';
import MyRequestsPage from '../../../web/src/pages/my-requests/my-requests-page';
import RequestDetailsPage from '../../../web/src/pages/request-details/request-details-page';
import { ALICE, BOB, CAROL, me, memoryData, request } from '../support/data';
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

function modalButton(page: PageWrapper, text: string) {
  const modal = page.findModal();
  if (!modal) throw new Error('no modal');
  return button(modal.findFooter() ?? modal, text);
}

describe('Active access', () => {
  const inProgress = () =>
    request({
      id: 'r-active',
      requester: ALICE,
      approvers: [BOB],
      status: 'IN_PROGRESS',
      startTime: '2026-09-01T07:00:00.000Z',
      durationHours: 2,
      grantedAt: '2026-09-01T07:00:05.000Z',
    });

  it('counts down to the end of access', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [inProgress()] }));
    const { page, clock } = renderWithApp(<ActiveAccessPage />, { api, path: '/sessions/active' });
    await tableLoaded(page);
    // 08:00 now, access from 07:00 for 2 hours.
    expect(tableRows(page)[0]).toContain('Ends in 1 h 00 min');
    act(() => clock.set('2026-09-01T08:59:30.000Z'));
    expect(tableRows(page)[0]).toContain('Ends in 0 min 30 s');
  });

  it('revokes with a comment', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [inProgress()] }));
    const { page } = renderWithApp(<ActiveAccessPage />, { api, path: '/sessions/active' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    expect(button(page, 'Revoke').isDisabled()).toBe(true);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Revoke').click());
    const modal = await waitForElement(() => page.findModal());
    expect(modal.getElement().textContent).toContain('The access ends now');

    act(() => modalButton(page, 'Revoke').click());
    await waitForElement(() => field(modal, 'Revoke comment').findError());
    expect(api.callsOf('revokeRequest')).toHaveLength(0);
    // Said once, on the field: neither its hint nor a flash repeats it.
    expect(field(modal, 'Revoke comment').findError()?.getElement().textContent).toBe('Required.');
    expect(document.body.textContent?.split('Required').length).toBe(2);
    expect(flashTexts(page)).toEqual([]);

    act(() => field(modal, 'Revoke comment').findControl()?.findTextarea()?.setTextareaValue('Done early'));
    act(() => modalButton(page, 'Revoke').click());
    await waitForElement(() => flashTexts(page).length > 0);
    expect(api.callsOf('revokeRequest')).toEqual([[{ requestId: 'r-active', comment: 'Done early' }]]);
    expect(flashTexts(page)[0]).toContain('Access revoked');
  });
});

describe('My requests', () => {
  it('cancels a pending request after confirmation', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [
          request({ id: 'r-mine', requester: ALICE, approvers: [BOB] }),
          request({ id: 'r-done', requester: ALICE, approvers: [BOB], status: 'ENDED' }),
        ],
      }),
    );
    const { page } = renderWithApp(<MyRequestsPage />, { api, path: '/requests' });
    await tableLoaded(page);
    expect(tableRows(page)).toHaveLength(2);

    // An ended request cannot be cancelled.
    act(() => page.findTable()?.findRowSelectionArea(2)?.click());
    expect(button(page, 'Cancel request').isDisabled()).toBe(true);

    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Cancel request').click());
    await waitForElement(() => page.findModal());
    act(() => modalButton(page, 'Cancel request').click());
    await waitForElement(() => flashTexts(page).length > 0);
    expect(api.callsOf('cancelRequest')).toEqual([['r-mine']]);
    await waitForElement(() => tableRows(page)[0]?.includes('Cancelled'));
  });

  it('sends people without requests to the form', async () => {
    const api = new MemoryTeamApi(memoryData());
    const { page, history } = renderWithApp(<MyRequestsPage />, { api, path: '/requests' });
    await tableLoaded(page);
    const empty = page.findTable()?.findEmptySlot();
    expect(empty?.getElement().textContent).toContain('You have no requests yet');
    act(() => button(empty ?? page, 'Create request').click());
    expect(history.location()).toBe('/requests/new');
  });

  it('loads more pages from the server', async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      request({ id: `r-${i}`, requester: ALICE, justification: `Reason ${i}` }),
    );
    const api = new MemoryTeamApi(memoryData({ requests: many }));
    const { page } = renderWithApp(<MyRequestsPage />, { api, path: '/requests' });
    await tableLoaded(page);
    expect(page.findTable()?.findHeaderSlot()?.getElement().textContent).toContain('(50+)');
    act(() => button(page, 'Load more').click());
    await waitForElement(() =>
      page.findTable()?.findHeaderSlot()?.getElement().textContent?.includes('(60)'),
    );
  });
});

describe('Ended access', () => {
  it('shows who revoked', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [
          request({
            requester: BOB,
            approvers: [ALICE],
            status: 'REVOKED',
            revoke: { by: CAROL, at: '2026-09-01T07:30:00.000Z', comment: 'risky' },
            endedAt: '2026-09-01T07:30:10.000Z',
          }),
        ],
      }),
    );
    const { page } = renderWithApp(<EndedAccessPage />, { api, path: '/sessions/ended' });
    await tableLoaded(page);
    expect(tableRows(page)[0]).toContain('carol@example.com');
    expect(tableRows(page)[0]).toContain('Revoked');
  });
});

describe('Request details', () => {
  it('shows the details, the history and the actions I may take', async () => {
    const pending = request({ id: 'r-42', requester: BOB, approvers: [ALICE, { ...CAROL, email: '' }] });
    const api = new MemoryTeamApi(
      memoryData({
        requests: [pending],
        events: [
          {
            id: 'e1',
            requestId: 'r-42',
            at: '2026-09-01T07:50:00.000Z',
            action: 'CREATED',
            actor: BOB,
            fromStatus: null,
            toStatus: 'PENDING',
            comment: null,
            detail: null,
          },
          {
            id: 'e2',
            requestId: 'r-42',
            at: '2026-09-01T07:50:01.000Z',
            action: 'NOTIFIED',
            actor: null,
            fromStatus: null,
            toStatus: null,
            comment: null,
            detail: 'email: pending sent to 3 recipients',
          },
        ],
      }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-42' }} />, {
      api,
      path: '/requests/r-42',
    });
    await waitForElement(() => page.findTable()?.findRows().length === 2);
    const text = page.getElement().textContent ?? '';
    expect(text).toContain('Prod (111122223333)');
    expect(text).toContain('Expires in 3 h 00 min');
    // Approvers by name (with the email when there is one), never by id; durations in words.
    const details = page.findKeyValuePairs();
    const valueOf = (label: string) =>
      details
        ?.findItems()
        .find((item) => item.findLabel()?.getElement().textContent === label)
        ?.findValue()
        ?.getElement().textContent;
    expect(valueOf('Approvers')).toBe('Alice (alice@example.com)Carol');
    expect(valueOf('Session duration')).toBe('1 hour');
    const history = tableRows(page);
    expect(history[0]).toContain('Requested');
    expect(history[1]).toContain('Notified');
    expect(history[1]).toContain('TEAM');
    // The notice in words, not the event's id.
    expect(history[1]).toContain('Email: “Requested” sent to 3 recipients');
    // I am a listed approver and not the requester.
    expect(() => button(page, 'Approve')).not.toThrow();
    expect(() => button(page, 'Reject')).not.toThrow();
    expect(() => button(page, 'Cancel request')).toThrow();
    expect(text).not.toContain('Session activity');
  });

  it('shows the session activity panel for granted access', async () => {
    const api = new MemoryTeamApi(
      memoryData({ requests: [request({ id: 'r-live', requester: ALICE, status: 'IN_PROGRESS' })] }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-live' }} />, {
      api,
      path: '/requests/r-live',
    });
    await waitForElement(() =>
      page.getElement().textContent?.includes('Session activity logs are not configured'),
    );
    expect(() => button(page, 'Revoke')).not.toThrow();
  });

  it.each([
    { language: 'en' as const, action: 'Access ended', status: 'Revoked' },
    { language: 'ja' as const, action: 'アクセス終了', status: '取り消し済み' },
  ])('shows an event that left the status unchanged without a transition ($language)', async (c) => {
    const revoked = request({ id: 'r-rev', requester: ALICE, approvers: [BOB], status: 'REVOKED' });
    const event = (id: string, action: 'REVOKED' | 'ENDED', from: 'IN_PROGRESS' | 'REVOKED') => ({
      id,
      requestId: 'r-rev',
      at: '2026-09-01T07:55:00.000Z',
      action,
      actor: action === 'REVOKED' ? BOB : null,
      fromStatus: from,
      toStatus: 'REVOKED' as const,
      comment: null,
      detail: action === 'ENDED' ? 'Assignment deleted' : null,
    });
    const api = new MemoryTeamApi(
      memoryData({
        requests: [revoked],
        events: [event('e1', 'REVOKED', 'IN_PROGRESS'), event('e2', 'ENDED', 'REVOKED')],
      }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-rev' }} />, {
      api,
      path: '/requests/r-rev',
      language: c.language,
    });
    await waitForElement(() => page.findTable()?.findRows().length === 2);
    const [revoke, ended] = tableRows(page);
    expect(revoke).toContain(`→ ${c.status}`);
    expect(ended).toContain(c.action);
    expect(ended).toContain('Assignment deleted');
    expect(ended).not.toContain('→');
    expect(ended).not.toContain(c.status);
  });

  it('says when a request does not exist or is hidden', async () => {
    const api = new MemoryTeamApi(memoryData());
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'nope' }} />, {
      api,
      path: '/requests/nope',
    });
    await waitForElement(() => page.findAlert()?.getElement().textContent?.includes('Request not found'));
  });
});

describe('Audit → Elevated access', () => {
  it('lists every session for auditors with a CSV export', async () => {
    const auditor = me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] });
    const api = new MemoryTeamApi(
      memoryData({
        me: auditor,
        requests: [
          request({ requester: BOB, approvers: [CAROL], status: 'ENDED', justification: 'Theirs' }),
          request({ requester: CAROL, approvers: [BOB], status: 'PENDING', justification: 'Not a session' }),
        ],
      }),
    );
    const { page } = renderWithApp(<AuditSessionsPage />, { api, path: '/audit/sessions' });
    await tableLoaded(page);
    expect(tableRows(page)).toHaveLength(1);
    expect(tableRows(page)[0]).toContain('Theirs');
    expect(button(page, 'Download CSV').isDisabled()).toBe(false);
    expect(api.subscribers('AUDIT')).toBe(1);
  });
});
