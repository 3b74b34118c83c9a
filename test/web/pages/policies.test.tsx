// @vitest-environment jsdom
import { act } from '@testing-library/react';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { ApproverPolicy } from '../../../web/src/api/model';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import { memoryData, me, productionApprovers, PS_ADMIN, settings } from '../support/data';
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

const production: ApproverPolicy = productionApprovers({ ticketNo: 'CHG-9' });

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
    expect(field(modal(page), 'OU').getElement().textContent).toContain('Production');
    expect(field(modal(page), 'Permission sets').getElement().textContent).toContain('All permission sets');
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
      includeNestedOus: false,
      approverGroupIds: ['g-approvers'],
      approverUserIds: [],
      also: false,
      approvalsRequired: 1,
      stageName: null,
      nextStages: [],
      remindAfterMinutes: null,
      escalateAfterMinutes: null,
      escalationGroupIds: [],
      ticketNo: 'CHG-9',
      expectedUpdatedAt: '2026-08-01T00:00:00.000Z',
    });
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('Policy saved.');
  });

  it('lists the chosen targets with their type and scope before deleting them', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, approverPolicies: [{ ...production }] }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await selectFirstRow(page);
    act(() => button(page, 'Delete').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).findHeader().getElement().textContent).toBe('Delete policies (1)?');
    expect(modal(page).findContent().getElement().textContent).toContain(
      'Production (OU) — All permission sets',
    );

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

describe('Approver policy: scopes, users and flags', () => {
  /** Picks options of the multiselect in the field labelled `label` (inside the modal). */
  async function pick(page: PageWrapper, label: string, values: string[]) {
    const control = () => field(modal(page), label).findControl()?.findMultiselect();
    await waitForElement(() => {
      act(() => control()?.openDropdown());
      return (control()?.findDropdown().findOptions() ?? []).length > 0;
    });
    for (const value of values) act(() => control()?.selectOptionByValue(value));
    act(() => control()?.closeDropdown());
  }

  function disabledOptions(page: PageWrapper, label: string): string[] {
    const control = field(modal(page), label).findControl()?.findMultiselect();
    act(() => control?.openDropdown());
    const disabled = (control?.findDropdown().findOptions() ?? [])
      .filter((o) => o.isDisabled())
      .map((o) => (o.findLabel().getElement().textContent ?? '').trim());
    act(() => control?.closeDropdown());
    return disabled;
  }

  const checkbox = (page: PageWrapper, label: string) => {
    const found = createWrapper(modal(page).getElement())
      .findAllCheckboxes()
      .find((c) => c.findLabel().getElement().textContent?.startsWith(label));
    if (!found) throw new Error(`no checkbox ${label}`);
    return found;
  };

  const adminScoped = productionApprovers({
    id: 'ou-ab12-11111111#ps-0000000000000001',
    permissionSets: [{ arn: PS_ADMIN, name: 'AdministratorAccess' }],
    approverGroups: [],
    approverUsers: [{ id: 'u-carol', name: 'carol' }],
    also: true,
  });

  it('creates a policy scoped to a permission set with a user as approver, nested and also', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Add approvers').click());
    await waitForElement(() => page.findModal());
    act(() => createWrapper(modal(page).getElement()).findSegmentedControl()?.findSegments()[1]?.click());

    // Production has a policy for every permission set: it takes no second one of that scope…
    await waitForElement(() => disabledOptions(page, 'Organizational units').length > 0);
    expect(disabledOptions(page, 'Organizational units')).toEqual(['Production']);
    // …but it may take one scoped to some permission sets.
    await pick(page, 'Permission sets', [PS_ADMIN]);
    expect(disabledOptions(page, 'Organizational units')).toEqual([]);
    await pick(page, 'Organizational units', ['ou-ab12-11111111']);

    // Neither a group nor a user yet.
    act(() => field(modal(page), 'Ticket number').findControl()?.findInput()?.setInputValue('CHG-2'));
    act(() => modalButton(page, 'Create').click());
    expect(field(modal(page), 'Approver groups').findError()?.getElement().textContent).toBe(
      'Choose at least one approver group or user.',
    );
    expect(api.callsOf('createApproverPolicies')).toHaveLength(0);

    await pick(page, 'Approver users', ['u-carol']);
    expect(field(modal(page), 'Approver groups').findError()).toBeNull();
    act(() => checkbox(page, 'Include nested OUs').findNativeInput().click());
    act(() => checkbox(page, 'Also').findNativeInput().click());
    act(() => modalButton(page, 'Create').click());

    await waitForElement(() => api.callsOf('createApproverPolicies').length > 0);
    expect(api.callsOf('createApproverPolicies')[0]?.[0]).toEqual({
      targets: ['ou-ab12-11111111'],
      permissionSetArns: [PS_ADMIN],
      includeNestedOus: true,
      approverGroupIds: [],
      approverUserIds: ['u-carol'],
      also: true,
      approvalsRequired: 1,
      stageName: null,
      nextStages: [],
      remindAfterMinutes: null,
      escalateAfterMinutes: null,
      escalationGroupIds: [],
      ticketNo: 'CHG-2',
    });
    await waitForElement(() => tableRows(page).length === 2);
    // The unscoped policy first, then the scoped one; approvers marked as group or user.
    const [unscoped = '', scoped = ''] = tableRows(page);
    expect(unscoped).toContain('All permission sets');
    expect(unscoped).toContain('TEAM-Approvers-Production (Group)');
    expect(scoped).toContain('AdministratorAccess');
    expect(scoped).toContain('carol (User)');
    expect(scoped).not.toContain('ps-0000000000000001');
  });

  it('edits a scoped policy: target and scope stay, the approvers and flags change', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        settings: settings({ ticketRequired: false }),
        approverPolicies: [productionApprovers(), { ...adminScoped }],
      }),
    );
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(2)?.click());
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());

    expect(field(modal(page), 'OU').getElement().textContent).toContain('Production');
    expect(field(modal(page), 'Permission sets').getElement().textContent).toContain('AdministratorAccess');
    expect(field(modal(page), 'Permission sets').findControl()?.findMultiselect()).toBeNull();
    expect(checkbox(page, 'Also').findNativeInput().getElement().checked).toBe(true);
    await pick(page, 'Approver users', ['u-bob']);
    act(() => checkbox(page, 'Also').findNativeInput().click());
    act(() => modalButton(page, 'Save').click());

    await waitForElement(() => api.callsOf('updateApproverPolicy').length > 0);
    expect(api.callsOf('updateApproverPolicy')[0]?.[0]).toEqual({
      id: 'ou-ab12-11111111#ps-0000000000000001',
      includeNestedOus: false,
      approverGroupIds: [],
      approverUserIds: ['u-carol', 'u-bob'],
      also: false,
      approvalsRequired: 1,
      stageName: null,
      nextStages: [],
      remindAfterMinutes: null,
      escalateAfterMinutes: null,
      escalationGroupIds: [],
      ticketNo: null,
      expectedUpdatedAt: '2026-08-01T00:00:00.000Z',
    });
    await waitForElement(() => tableRows(page)[1]?.includes('bob (User)'));
  });

  it("shows the server's Conflict above the form for a second policy of the same target and scope", async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        settings: settings({ ticketRequired: false }),
        approverPolicies: [{ ...adminScoped }],
      }),
    );
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Add approvers').click());
    await waitForElement(() => page.findModal());
    act(() => createWrapper(modal(page).getElement()).findSegmentedControl()?.findSegments()[1]?.click());
    await pick(page, 'Organizational units', ['ou-ab12-11111111']);
    await pick(page, 'Permission sets', [PS_ADMIN]);
    await pick(page, 'Approver groups', ['g-users']);
    act(() => modalButton(page, 'Create').click());

    const alert = await waitForElement(() => modal(page).findContent().findAlert());
    expect(alert.getElement().textContent).toBe(
      'Production (ou-ab12-11111111) for AdministratorAccess already has an approver policy; edit it instead. Nothing was created.',
    );
    expect(api.data.approverPolicies).toHaveLength(1);
  });
});
