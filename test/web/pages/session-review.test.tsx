// @vitest-environment jsdom
import axe from 'axe-core';
import { act, cleanup } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Actor, SessionSummary } from '../../../web/src/api/model';
import SessionSummaryPage from '../../../web/src/pages/sessions-to-review/session-summary-page';
import SessionsToReviewPage from '../../../web/src/pages/sessions-to-review/sessions-to-review-page';
import { ALICE, BOB, me, memoryData, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  flashTexts,
  renderWithApp,
  setupWebTests,
  tableLoaded,
  tableRows,
  waitForElement,
  type PageWrapper,
} from '../support/render';

setupWebTests();

const ERIN: Actor = { id: 'u-erin', email: 'erin@example.com', name: 'Erin Auditor' };
const AUDITOR = me({
  userId: ERIN.id,
  email: ERIN.email,
  displayName: ERIN.name,
  isAuditor: true,
  personas: ['AUDITOR'],
});

/** A computed summary of a flagged session of `requester` (2 h 15 min of access). */
function summary(overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    requestId: 'r-1',
    accountId: '111122223333',
    accountName: 'Prod',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001',
    permissionSetName: 'AdministratorAccess',
    requester: ALICE,
    grantedAt: '2026-08-31T09:00:00.000Z',
    endedAt: '2026-08-31T11:15:00.000Z',
    revoked: false,
    breakGlass: false,
    status: 'COMPLETE',
    attempts: 0,
    nextLookAt: null,
    error: null,
    computedAt: '2026-08-31T12:30:00.000Z',
    windowStart: '2026-08-31T09:00:00.000Z',
    windowEnd: '2026-08-31T12:15:00.000Z',
    totalCalls: 42,
    readCalls: 30,
    writeCalls: 12,
    failedCalls: 3,
    accessDeniedCalls: 2,
    sensitiveCalls: 2,
    sensitiveDeniedCalls: 1,
    firstCallAt: '2026-08-31T09:01:00.000Z',
    lastCallAt: '2026-08-31T11:10:00.000Z',
    truncated: false,
    services: [
      { eventSource: 'ec2.amazonaws.com', calls: 25, writes: 4 },
      { eventSource: 'iam.amazonaws.com', calls: 17, writes: 8 },
    ],
    writeActions: [
      { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', calls: 2, succeeded: 2, denied: 0 },
      { eventSource: 'ec2.amazonaws.com', eventName: 'StartInstances', calls: 4, succeeded: 4, denied: 0 },
    ],
    sensitiveActions: [
      { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', calls: 2, succeeded: 2, denied: 0 },
      { eventSource: 'iam.amazonaws.com', eventName: 'AttachRolePolicy', calls: 1, succeeded: 0, denied: 1 },
    ],
    accessDenied: [
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'AttachRolePolicy',
        errorCode: 'AccessDenied',
        calls: 1,
      },
    ],
    sourceIps: [{ sourceIp: '198.51.100.7', calls: 42 }],
    flagged: true,
    reviewState: 'TO_REVIEW',
    reviewedBy: null,
    reviewedAt: null,
    reviewComment: null,
    ...overrides,
  };
}

/** Axe violations of the document (colour contrast needs layout, which jsdom has not). */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function sessionsApi(summaries: SessionSummary[], caller = AUDITOR): MemoryTeamApi {
  return new MemoryTeamApi(
    memoryData({
      me: caller,
      requests: summaries.map((s) => request({ id: s.requestId, requester: s.requester, status: 'ENDED' })),
      sessionSummaries: summaries,
    }),
  );
}

describe('Audit → Sessions to review', () => {
  it('lists flagged sessions with names, sensitive actions and a readable duration, newest first', async () => {
    const api = sessionsApi([
      summary(),
      summary({
        requestId: 'r-2',
        requester: BOB,
        accountName: 'Staging',
        accountId: '444455556666',
        endedAt: '2026-08-31T16:00:00.000Z',
        grantedAt: '2026-08-31T15:30:00.000Z',
        revoked: true,
      }),
      summary({ requestId: 'r-3', reviewState: 'REVIEWED', reviewedBy: ERIN, reviewComment: 'Fine' }),
    ]);
    const { page } = renderWithApp(<SessionsToReviewPage />, { api, path: '/audit/session-reviews' });
    await tableLoaded(page);
    const rows = tableRows(page);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Bob');
    expect(rows[0]).toContain('Staging (444455556666)');
    expect(rows[0]).toContain('Revoked');
    expect(rows[0]).toContain('30 min');
    expect(rows[1]).toContain('Alice');
    expect(rows[1]).toContain('Prod (111122223333)');
    expect(rows[1]).toContain('AdministratorAccess');
    expect(rows[1]).toContain('2 h 15 min');
    // What flagged it: the sensitive actions that succeeded, not the refused one.
    expect(rows[1]).toContain('iam:CreateAccessKey ×2');
    expect(rows[1]).not.toContain('AttachRolePolicy');
    expect(rows.join(' ')).not.toMatch(/PT\d/);
    const hrefs = Array.from(page.findTable()?.getElement().querySelectorAll('a') ?? []).map((a) =>
      a.getAttribute('href'),
    );
    expect(hrefs).toEqual(['/audit/session-reviews/r-2', '/audit/session-reviews/r-1']);
    expect(api.callsOf('sessionsToReview')[0]).toEqual(['TO_REVIEW', { limit: 50, nextToken: null }]);

    // Filtered by what the auditor types: requester, account, permission set or action.
    const filter = page.findTable()?.findTextFilter();
    act(() => filter?.findInput().setInputValue('staging'));
    expect(tableRows(page)).toHaveLength(1);
    act(() => filter?.findInput().setInputValue('CreateAccessKey'));
    expect(tableRows(page)).toHaveLength(2);

    // The reviewed ones, with who and why.
    act(() => filter?.findInput().setInputValue(''));
    act(() => page.findSegmentedControl()?.findSegmentById('REVIEWED')?.click());
    await waitForElement(() => tableRows(page).length === 1 && tableRows(page)[0]?.includes('Fine'));
    expect(tableRows(page)[0]).toContain('Erin Auditor');
    expect(api.callsOf('sessionsToReview')[1]?.[0]).toBe('REVIEWED');
  });

  it('marks the selected session reviewed with a required comment', async () => {
    const api = sessionsApi([summary()]);
    const { page } = renderWithApp(<SessionsToReviewPage />, { api, path: '/audit/session-reviews' });
    await tableLoaded(page);
    expect(button(page, 'Mark reviewed').getElement()).toHaveProperty('disabled', true);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Mark reviewed').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => button(modal.findFooter() ?? modal, 'Mark reviewed').click());
    await waitForElement(() => field(modal, 'Comment').findError());
    expect(api.callsOf('markSessionReviewed')).toHaveLength(0);
    act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue('Key rotation, CHG-7'));
    act(() => button(modal.findFooter() ?? modal, 'Mark reviewed').click());
    await waitForElement(() => page.findModal() === null);
    expect(api.callsOf('markSessionReviewed')).toEqual([['r-1', 'Key rotation, CHG-7']]);
    await waitForElement(() =>
      flashTexts(page).some((f) => f.includes('The session of Alice is marked reviewed.')),
    );
    await waitForElement(() => page.findTable()?.findEmptySlot() !== null);
    expect(text(page)).toContain('No session to review');
    expect(api.data.events.map((e) => e.action)).toEqual(['SESSION_REVIEWED']);
  });

  it('never offers to review one’s own session', async () => {
    const api = sessionsApi([summary({ requester: ERIN })]);
    const { page } = renderWithApp(<SessionsToReviewPage />, { api, path: '/audit/session-reviews' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    expect(button(page, 'Mark reviewed').getElement()).toHaveProperty('disabled', true);
  });
});

describe('Audit → Sessions to review → one session', () => {
  it('shows what the session did, with a link to its session logs, and marks it reviewed', async () => {
    const api = sessionsApi([summary()]);
    const { page } = renderWithApp(<SessionSummaryPage params={{ id: 'r-1' }} />, {
      api,
      path: '/audit/session-reviews/r-1',
    });
    await waitForElement(() => text(page).includes('Calls per service'));
    const all = text(page);
    expect(all).toContain('Session review: Alice');
    expect(all).toContain('Prod (111122223333)');
    expect(all).toContain('2 h 15 min');
    expect(all).toContain('42 in all: 30 read, 12 write, 3 failed');
    for (const part of [
      'ec2',
      'iam:CreateAccessKey',
      'iam:AttachRolePolicy',
      'AccessDenied',
      '198.51.100.7',
    ]) {
      expect(all).toContain(part);
    }
    expect(all).not.toMatch(/PT\d/);
    const logs = page.findAllButtons().find((b) => b.getElement().textContent === 'Session logs');
    expect(logs?.getElement().getAttribute('href')).toBe('/requests/r-1?from=sessionsToReview');

    act(() => button(page, 'Mark reviewed').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => field(modal, 'Comment').findControl()?.findTextarea()?.setTextareaValue('Expected'));
    act(() => button(modal.findFooter() ?? modal, 'Mark reviewed').click());
    await waitForElement(() => text(page).includes('Reviewed by') && page.findModal() === null);
    expect(text(page)).toContain('Erin Auditor');
    expect(() => button(page, 'Mark reviewed')).toThrow();
  });

  it('tells an auditor their own session goes to someone else', async () => {
    const api = sessionsApi([summary({ requester: ERIN })]);
    const { page } = renderWithApp(<SessionSummaryPage params={{ id: 'r-1' }} />, {
      api,
      path: '/audit/session-reviews/r-1',
    });
    await waitForElement(() => text(page).includes('your own session'));
    expect(() => button(page, 'Mark reviewed')).toThrow();
  });

  it('shows a pending summary with its next look, and a request without one', async () => {
    const api = sessionsApi([
      summary({
        status: 'PENDING',
        reviewState: 'PENDING',
        flagged: false,
        nextLookAt: '2026-09-01T09:00:00.000Z',
        error: 'Athena: access denied on the trail bucket',
      }),
    ]);
    const { page } = renderWithApp(<SessionSummaryPage params={{ id: 'r-1' }} />, {
      api,
      path: '/audit/session-reviews/r-1',
    });
    await waitForElement(() => text(page).includes('Waiting for the session logs'));
    expect(text(page)).toContain('Next look at the logs');
    expect(text(page)).toContain('Athena: access denied on the trail bucket');
    expect(text(page)).not.toContain('Calls per service');

    const none = sessionsApi([]);
    const other = renderWithApp(<SessionSummaryPage params={{ id: 'r-9' }} />, {
      api: none,
      path: '/audit/session-reviews/r-9',
    });
    await waitForElement(() => text(other.page).includes('No session summary'));
  });

  it('speaks Japanese', async () => {
    const api = sessionsApi([summary()]);
    const { page } = renderWithApp(<SessionSummaryPage params={{ id: 'r-1' }} />, {
      api,
      path: '/audit/session-reviews/r-1',
      language: 'ja',
    });
    await waitForElement(() => text(page).includes('サービスごとの呼び出し'));
    expect(text(page)).toContain('レビュー済みにする');
  });
});

describe('accessibility of session review (axe)', () => {
  it(
    'the list, its mark-reviewed modal and the summary page have nothing serious',
    { timeout: 60_000 },
    async () => {
      const api = sessionsApi([summary()]);
      const list = renderWithApp(<SessionsToReviewPage />, { api, path: '/audit/session-reviews' });
      await tableLoaded(list.page);
      expect(await violations()).toEqual([]);
      act(() => list.page.findTable()?.findRowSelectionArea(1)?.click());
      act(() => button(list.page, 'Mark reviewed').click());
      await waitForElement(() => list.page.findModal());
      expect(await violations()).toEqual([]);
      cleanup();

      const details = renderWithApp(<SessionSummaryPage params={{ id: 'r-1' }} />, {
        api,
        path: '/audit/session-reviews/r-1',
      });
      await waitForElement(() => text(details.page).includes('Calls per service'));
      expect(await violations()).toEqual([]);
    },
  );
});
