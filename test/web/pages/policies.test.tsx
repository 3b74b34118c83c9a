// @vitest-environment jsdom
import { act } from '@testing-library/react';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { ApproverPolicy } from '../../../web/src/api/model';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import { memoryData, me, settings } from '../support/data';
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

// What the two policy pages share (table scaffolding, the create/edit modal frame, the delete
// confirmation, the ticket field), seen through the page that admin.test.tsx covers less.

setupWebTests();

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

const production: ApproverPolicy = {
  id: 'ou-ab12-11111111',
  targetType: 'OU',
  targetName: 'Production',
  approverGroups: [{ id: 'g-approvers', name: 'TEAM-Approvers-Production' }],
  ticketNo: 'CHG-9',
  updatedAt: '2026-08-01T00:00:00.000Z',
  updatedBy: 'admin',
};

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

const modalButton = (page: PageWrapper, text: string) =>
  button(modal(page).findFooter() ?? modal(page), text);

async function selectFirstRow(page: PageWrapper): Promise<void> {
  await tableLoaded(page);
  act(() => page.findTable()?.findRowSelectionArea(1)?.click());
}

describe('Approver policy: edit and delete', () => {
  it('edits the groups of a policy; a conflict keeps the modal open with the hint, a retry saves', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, approverPolicies: [{ ...production }] }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await selectFirstRow(page);
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());

    expect(modal(page).findHeader().getElement().textContent).toBe('Edit approvers');
    // The target cannot change: shown, not offered.
    expect(field(modal(page), 'OU').getElement().textContent).toContain('Production (ou-ab12-11111111)');
    expect(createWrapper(modal(page).getElement()).findSegmentedControl()).toBeNull();
    expect(field(modal(page), 'Ticket number').findControl()?.findInput()?.getInputValue()).toBe('CHG-9');

    api.failNext('updateApproverPolicy', new ApiError('Conflict', 'The policy changed.'));
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => modal(page).findContent().findAlert());
    expect(modal(page).findContent().findAlert()?.getElement().textContent).toBe(
      'The policy changed. Close this dialog, refresh the list and try again.',
    );
    expect(modalButton(page, 'Save').findLoadingIndicator()).toBeNull();

    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => page.findModal() === null);
    expect(api.callsOf('updateApproverPolicy')).toHaveLength(2);
    expect(api.callsOf('updateApproverPolicy')[1]?.[0]).toEqual({
      id: 'ou-ab12-11111111',
      approverGroupIds: ['g-approvers'],
      ticketNo: 'CHG-9',
      expectedUpdatedAt: '2026-08-01T00:00:00.000Z',
    });
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('Policy saved.');
  });

  it('lists the chosen targets with their ids before deleting them', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, approverPolicies: [{ ...production }] }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await selectFirstRow(page);
    act(() => button(page, 'Delete').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).findHeader().getElement().textContent).toBe('Delete policies (1)?');
    expect(modal(page).findContent().getElement().textContent).toContain('Production (ou-ab12-11111111)');

    // Cancel writes nothing.
    act(() => modalButton(page, 'Cancel').click());
    await waitForElement(() => page.findModal() === null);
    expect(api.callsOf('deleteApproverPolicies')).toHaveLength(0);

    act(() => button(page, 'Delete').click());
    await waitForElement(() => page.findModal());
    act(() => modalButton(page, 'Delete').click());
    await waitForElement(() => api.callsOf('deleteApproverPolicies').length > 0);
    expect(api.callsOf('deleteApproverPolicies')).toEqual([[['ou-ab12-11111111']]]);
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('Policies deleted: 1.');
    await waitForElement(() => page.findTable()?.findEmptySlot());
  });

  it('shows a failed delete in the confirmation and keeps the policy', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, approverPolicies: [{ ...production }] }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await selectFirstRow(page);
    act(() => button(page, 'Delete').click());
    await waitForElement(() => page.findModal());
    api.failNext('deleteApproverPolicies', new ApiError('Unauthorized', 'Only admins may do this.'));
    act(() => modalButton(page, 'Delete').click());
    await waitForElement(() => modal(page).findContent().findAlert());
    expect(modal(page).findContent().findAlert()?.getElement().textContent).toBe('Only admins may do this.');
    expect(tableRows(page)).toHaveLength(1);
  });
});

describe('Eligibility policy in Japanese', () => {
  it('keeps the Japanese texts of the shared table, modal and ticket field', async () => {
    const api = new MemoryTeamApi(
      memoryData({ me: ADMIN, eligibilityPolicies: [], settings: settings({ ticketRequired: false }) }),
    );
    const { page } = renderWithApp(<EligibilityPolicyPage />, {
      api,
      path: '/admin/eligibility',
      language: 'ja',
    });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    expect(page.findTable()?.findHeaderSlot()?.getElement().textContent).toContain('利用資格ポリシー');
    act(() => button(page, 'ポリシーを作成').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).findHeader().getElement().textContent).toBe('利用資格ポリシーを作成');
    expect(button(modal(page).findFooter() ?? modal(page), 'キャンセル')).toBeTruthy();
    // No error before the first submit; after it, the shared validation shows in Japanese.
    const ticket = await waitForElement(() => field(modal(page), 'チケット番号（任意）'));
    expect(ticket.findError()).toBeNull();
    act(() => modalButton(page, '作成').click());
    await waitForElement(() => field(modal(page), 'グループ').findError());
    expect(field(modal(page), 'グループ').findError()?.getElement().textContent).toBe(
      '1 つ以上選択してください。',
    );
    expect(api.callsOf('createEligibilityPolicies')).toHaveLength(0);
  });
});
