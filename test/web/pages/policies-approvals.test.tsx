// @vitest-environment jsdom
import { act } from '@testing-library/react';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { describe, expect, it } from 'vitest';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import { memoryData, me, productionApprovers } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  renderWithApp,
  setupWebTests,
  type PageWrapper,
  tableLoaded,
  tableRows,
  waitForElement,
} from '../support/render';

// The approval fields of the policy pages: several approvals, stages, reminder and escalation;
// extensions and break-glass.

setupWebTests();

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

const modalButton = (page: PageWrapper, text: string) =>
  button(modal(page).findFooter() ?? modal(page), text);

const input = (page: PageWrapper, label: string, value: string) =>
  act(() => field(modal(page), label).findControl()?.findInput()?.setInputValue(value));

async function pick(page: PageWrapper, label: string, values: string[]) {
  const control = () => field(modal(page), label).findControl()?.findMultiselect();
  await waitForElement(() => {
    act(() => control()?.openDropdown());
    return (control()?.findDropdown().findOptions() ?? []).length > 0;
  });
  for (const value of values) act(() => control()?.selectOptionByValue(value));
  act(() => control()?.closeDropdown());
}

describe('Approver policy: approvals, stages, reminder and escalation', () => {
  const staged = productionApprovers({
    approvalsRequired: 2,
    nextStages: [
      {
        name: 'Security',
        approverGroups: [{ id: 'g-users', name: 'TEAM-Users' }],
        approverUsers: [],
        approvalsRequired: 1,
      },
    ],
    remindAfterMinutes: 30,
  });

  it('shows the approvals and stages readably, and edits them', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, approverPolicies: [staged] }));
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    const [row = ''] = tableRows(page);
    expect(row).toContain('2 approvals · then Security (1)');
    expect(row).toContain('Remind after 30 min');
    expect(row).toContain('Security: TEAM-Users');

    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());
    expect(field(modal(page), 'Stage name').findControl()?.findInput()?.getInputValue()).toBe('Security');

    // A second stage without a name or approvers, and an escalation before the reminder.
    act(() => button(modal(page), 'Add stage').click());
    input(page, 'Escalate after (minutes, optional)', '20');
    act(() => modalButton(page, 'Save').click());
    expect(field(modal(page), 'Next stages').findError()?.getElement().textContent).toBe(
      'Fix the stages marked with an error.',
    );
    expect(
      field(modal(page), 'Escalate after (minutes, optional)').findError()?.getElement().textContent,
    ).toBe('Escalation must come after the reminder.');
    expect(api.callsOf('updateApproverPolicy')).toHaveLength(0);

    const removers = createWrapper(modal(page).getElement())
      .findAllButtons()
      .filter((b) => b.getElement().textContent?.trim() === 'Remove stage');
    expect(removers).toHaveLength(2);
    act(() => removers[1]?.click());
    input(page, 'Escalate after (minutes, optional)', '90');
    await pick(page, 'Escalation groups (optional)', ['g-approvers']);
    input(page, 'Approvals required', '1');
    input(page, 'Ticket number', 'CHG-7');
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => api.callsOf('updateApproverPolicy').length > 0);
    expect(api.callsOf('updateApproverPolicy')[0]?.[0]).toMatchObject({
      approvalsRequired: 1,
      stageName: null,
      nextStages: [
        { name: 'Security', approverGroupIds: ['g-users'], approverUserIds: [], approvalsRequired: 1 },
      ],
      remindAfterMinutes: 30,
      escalateAfterMinutes: 90,
      escalationGroupIds: ['g-approvers'],
    });
    await waitForElement(() => page.findModal() === null);
    await waitForElement(() => tableRows(page)[0]?.includes('1 approval · then Security (1)'));
  });
});

describe('Eligibility policy: extensions and break-glass', () => {
  it('creates a policy with extensions and break-glass, and shows them', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Create policy').click());
    await waitForElement(() => page.findModal());
    await pick(page, 'Groups', ['g-users']);
    await pick(page, 'Accounts', ['111122223333']);
    await pick(page, 'Permission sets', [api.data.permissionSets[0]?.arn ?? '']);
    input(page, 'Maximum duration (hours)', '4');

    act(() => field(modal(page), 'Extensions').findControl()?.findCheckbox()?.findNativeInput().click());
    act(() => field(modal(page), 'Break-glass').findControl()?.findCheckbox()?.findNativeInput().click());
    input(page, 'Maximum total hours with extensions', '2');
    input(page, 'Break-glass maximum duration (hours)', '6');
    act(() => modalButton(page, 'Create').click());
    expect(
      field(modal(page), 'Maximum total hours with extensions').findError()?.getElement().textContent,
    ).toBe('Enter whole hours from 4 to 8000.');
    expect(
      field(modal(page), 'Break-glass maximum duration (hours)').findError()?.getElement().textContent,
    ).toBe('Enter whole hours from 1 to 4.');

    input(page, 'Maximum total hours with extensions', '24');
    input(page, 'Break-glass maximum duration (hours)', '2');
    input(page, 'Ticket number', 'CHG-8');
    act(() => modalButton(page, 'Create').click());
    await waitForElement(() => api.callsOf('createEligibilityPolicies').length > 0);
    expect(api.callsOf('createEligibilityPolicies')[0]?.[0]).toMatchObject({
      maxDurationHours: 4,
      maxTotalHours: 24,
      extensionApprovalRequired: true,
      breakGlass: true,
      breakGlassMaxHours: 2,
    });
    await waitForElement(() =>
      tableRows(page).some((r) => r.includes('Up to 24 hours in total · with approval')),
    );
    expect(tableRows(page).find((r) => r.includes('TEAM-Users'))).toContain('Up to 2 hours');
  });
});
