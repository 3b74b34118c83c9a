// @vitest-environment jsdom
import { act } from '@testing-library/react';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { EligibilityPolicy } from '../../../web/src/api/model';
import { flattenOuTree } from '../../../web/src/components/pickers';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import { memoryData, me, productionApprovers, PS_ADMIN, PS_READ, settings } from '../support/data';
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

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

function modalButton(page: PageWrapper, text: string) {
  return button(modal(page).findFooter() ?? modal(page), text);
}

/** Picks options of the multiselect in the field labelled `label` (inside the modal). */
async function pick(page: PageWrapper, label: string, values: string[]) {
  const control = () => field(modal(page), label).findControl()?.findMultiselect();
  await waitForElement(() => {
    act(() => control()?.openDropdown());
    const options = control()?.findDropdown().findOptions() ?? [];
    return options.length > 0;
  });
  for (const value of values) act(() => control()?.selectOptionByValue(value));
  act(() => control()?.closeDropdown());
}

function nestedCheckbox(page: PageWrapper) {
  return createWrapper(modal(page).getElement())
    .findAllCheckboxes()
    .find((c) => c.findLabel().getElement().textContent?.startsWith('Include nested OUs'));
}

function optionStates(page: PageWrapper, label: string): [string, boolean][] {
  const control = field(modal(page), label).findControl()?.findMultiselect();
  act(() => control?.openDropdown());
  const states = (control?.findDropdown().findOptions() ?? []).map(
    (o) => [o.findLabel().getElement().textContent ?? '', o.isDisabled()] as [string, boolean],
  );
  act(() => control?.closeDropdown());
  return states;
}

const existingPolicy: EligibilityPolicy = {
  id: 'g-users',
  principalId: 'g-users',
  principalType: 'GROUP',
  principalName: 'TEAM-Users',
  name: 'default',
  accounts: [{ id: '444455556666', name: 'Sandbox' }],
  ous: [],
  includeNestedOus: false,
  permissionSets: [{ arn: PS_READ, name: 'ReadOnlyAccess' }],
  pairs: [],
  maxDurationHours: 4,
  approvalRequired: false,
  maxTotalHours: 4,
  extensionApprovalRequired: true,
  breakGlass: false,
  breakGlassMaxHours: 1,
  ticketNo: 'CHG-7',
  updatedAt: '2026-08-01T00:00:00.000Z',
  updatedBy: 'admin',
};

describe('Eligibility policy', () => {
  it('creates one policy per chosen group with the right input, nested OUs included', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        eligibilityPolicies: [existingPolicy],
        settings: settings({ ticketRequired: false }),
      }),
    );
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    expect(tableRows(page)[0]).toContain('TEAM-Users');
    await waitForElement(() => api.callsOf('settings').length > 0);

    act(() => button(page, 'Create policy').click());
    await waitForElement(() => page.findModal());
    // A group that already has a policy of this name (none typed: default) cannot get another.
    await waitForElement(() => optionStates(page, 'Groups').length === 2);
    expect(optionStates(page, 'Groups')).toEqual([
      ['TEAM-Users', true],
      ['TEAM-Approvers-Production', false],
    ]);

    // Nothing chosen yet: the form says what is missing and writes nothing.
    act(() => modalButton(page, 'Create').click());
    expect(field(modal(page), 'Groups').findError()?.getElement().textContent).toBe('Choose at least one.');
    expect(field(modal(page), 'Accounts').findError()?.getElement().textContent).toContain('account or OU');
    expect(api.callsOf('createEligibilityPolicies')).toHaveLength(0);

    await pick(page, 'Groups', ['g-approvers']);
    await pick(page, 'Accounts', ['111122223333']);
    // The nested-OUs choice appears once an OU is chosen.
    expect(nestedCheckbox(page)).toBeUndefined();
    await pick(page, 'Organizational units', ['ou-ab12-33333333']);
    act(() => nestedCheckbox(page)?.findNativeInput().click());
    await pick(page, 'Permission sets', [PS_ADMIN]);
    act(() => field(modal(page), 'Maximum duration (hours)').findControl()?.findInput()?.setInputValue('6'));
    act(() => field(modal(page), 'Approval required').findControl()?.findToggle()?.findNativeInput().click());
    act(() => modalButton(page, 'Create').click());

    await waitForElement(() => api.callsOf('createEligibilityPolicies').length > 0);
    expect(api.callsOf('createEligibilityPolicies')[0]?.[0]).toEqual({
      principals: [{ id: 'g-approvers', type: 'GROUP' }],
      accountIds: ['111122223333'],
      ouIds: ['ou-ab12-33333333'],
      includeNestedOus: true,
      permissionSetArns: [PS_ADMIN],
      pairs: [],
      maxDurationHours: 6,
      approvalRequired: false,
      maxTotalHours: 6,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
      ticketNo: null,
    });
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('Policies created: 1');
    await waitForElement(() => tableRows(page).length === 2);
    const created = tableRows(page).find((row) => row.includes('TEAM-Approvers-Production')) ?? '';
    expect(created).toContain('default');
    expect(created).toContain('OUs: Web (nested OUs included)');
    expect(created).toContain('6 hours');
  });

  it('edits a policy with its values loaded, the ticket number included', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, eligibilityPolicies: [{ ...existingPolicy }] }));
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());
    const ticket = field(modal(page), 'Ticket number').findControl()?.findInput();
    expect(ticket?.getInputValue()).toBe('CHG-7');
    expect(field(modal(page), 'Maximum duration (hours)').findControl()?.findInput()?.getInputValue()).toBe(
      '4',
    );
    act(() => field(modal(page), 'Maximum duration (hours)').findControl()?.findInput()?.setInputValue('5'));
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => api.callsOf('updateEligibilityPolicy').length > 0);
    expect(api.callsOf('updateEligibilityPolicy')[0]?.[0]).toEqual({
      id: 'g-users',
      accountIds: ['444455556666'],
      ouIds: [],
      includeNestedOus: false,
      permissionSetArns: [PS_READ],
      pairs: [],
      maxDurationHours: 5,
      approvalRequired: false,
      maxTotalHours: 5,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
      ticketNo: 'CHG-7',
      expectedUpdatedAt: '2026-08-01T00:00:00.000Z',
    });
  });

  it("puts the server's ValidationError on the field it names (a list item on its list), else above the form", async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, eligibilityPolicies: [{ ...existingPolicy }] }));
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());
    const errorOf = (label: string) => field(modal(page), label).findError()?.getElement().textContent;
    const alert = () => modal(page).findContent().findAlert()?.getElement().textContent;

    const unknownSet = `Permission set ${PS_READ} does not exist.`;
    api.failNext(
      'updateEligibilityPolicy',
      new ApiError('ValidationError', unknownSet, 'permissionSetArns.0'),
    );
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => errorOf('Permission sets'));
    expect(errorOf('Permission sets')).toBe(unknownSet);
    expect(alert()).toBeUndefined();

    // Any edit hides the server's message until the next save.
    act(() => field(modal(page), 'Maximum duration (hours)').findControl()?.findInput()?.setInputValue('5'));
    expect(errorOf('Permission sets')).toBeUndefined();

    api.failNext('updateEligibilityPolicy', new ApiError('ValidationError', 'Permission sets are invalid.'));
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => alert());
    expect(alert()).toBe('Permission sets are invalid.');
    expect(errorOf('Permission sets')).toBeUndefined();
  });

  it('deletes the selected policies after confirmation', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, eligibilityPolicies: [{ ...existingPolicy }] }));
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Delete').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).getElement().textContent).toContain('TEAM-Users');
    act(() => modalButton(page, 'Delete').click());
    await waitForElement(() => api.callsOf('deleteEligibilityPolicies').length > 0);
    expect(api.callsOf('deleteEligibilityPolicies')).toEqual([[['g-users']]]);
    await waitForElement(() => page.findTable()?.findEmptySlot());
  });
});

describe('Eligibility policy: names and pairs', () => {
  /** The pair editor of the modal. */
  const pairEditor = (page: PageWrapper) => {
    const found = createWrapper(modal(page).getElement()).findAttributeEditor();
    if (!found) throw new Error('no pair editor');
    return found;
  };

  /** Chooses `value` in column `column` (1: account, 2: permission set) of pair row `row`. */
  async function choosePair(page: PageWrapper, row: number, column: number, value: string) {
    const select = () => pairEditor(page).findRow(row)?.findField(column)?.findControl()?.findSelect();
    await waitForElement(() => {
      act(() => select()?.openDropdown());
      return (select()?.findDropdown().findOptions() ?? []).length > 0;
    });
    act(() => select()?.selectOptionByValue(value));
  }

  const chooseGrantKind = (page: PageWrapper, kind: 'scope' | 'pairs') =>
    act(() =>
      field(modal(page), 'What the policy grants')
        .findControl()
        ?.findRadioGroup()
        ?.findInputByValue(kind)
        ?.click(),
    );

  const breakFix: EligibilityPolicy = {
    ...existingPolicy,
    id: 'u-bob#break-fix',
    principalId: 'u-bob',
    principalType: 'USER',
    principalName: 'bob',
    name: 'break-fix',
    accounts: [],
    permissionSets: [],
    pairs: [
      {
        account: { id: '111122223333', name: 'Prod' },
        permissionSet: { arn: PS_ADMIN, name: 'AdministratorAccess' },
      },
    ],
    maxDurationHours: 1,
    approvalRequired: true,
    maxTotalHours: 1,
    ticketNo: null,
  };

  it('creates a named policy of explicit pairs for a user, checking every row first', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        eligibilityPolicies: [{ ...existingPolicy }],
        settings: settings({ ticketRequired: false }),
      }),
    );
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Create policy').click());
    await waitForElement(() => page.findModal());

    act(() => createWrapper(modal(page).getElement()).findSegmentedControl()?.findSegments()[1]?.click());
    await pick(page, 'Users', ['u-bob']);
    act(() => field(modal(page), 'Policy name').findControl()?.findInput()?.setInputValue('break-fix'));
    chooseGrantKind(page, 'pairs');
    // Pairs replace the account, OU and permission set pickers.
    expect(() => field(modal(page), 'Accounts')).toThrow();
    await choosePair(page, 1, 1, '111122223333');
    await choosePair(page, 1, 2, PS_ADMIN);
    act(() => pairEditor(page).findAddButton().click());
    await choosePair(page, 2, 1, '444455556666');

    // The second row has no permission set yet: it is marked, nothing is sent.
    act(() => modalButton(page, 'Create').click());
    expect(field(modal(page), 'Account and permission set pairs').findError()?.getElement().textContent).toBe(
      'Fix or remove the pairs marked with an error.',
    );
    expect(pairEditor(page).findRow(2)?.findFields()[0]?.findError()?.getElement().textContent).toBe(
      'Choose an account and a permission set.',
    );
    expect(pairEditor(page).findRow(1)?.findFields()[0]?.findError()).toBeNull();
    expect(api.callsOf('createEligibilityPolicies')).toHaveLength(0);

    await choosePair(page, 2, 2, PS_READ);
    act(() => modalButton(page, 'Create').click());
    await waitForElement(() => api.callsOf('createEligibilityPolicies').length > 0);
    expect(api.callsOf('createEligibilityPolicies')[0]?.[0]).toEqual({
      principals: [{ id: 'u-bob', type: 'USER' }],
      name: 'break-fix',
      accountIds: [],
      ouIds: [],
      includeNestedOus: false,
      permissionSetArns: [],
      pairs: [
        { accountId: '111122223333', permissionSetArn: PS_ADMIN },
        { accountId: '444455556666', permissionSetArn: PS_READ },
      ],
      maxDurationHours: 9,
      approvalRequired: true,
      maxTotalHours: 9,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
      ticketNo: null,
    });
    await waitForElement(() => tableRows(page).length === 2);
    const row = tableRows(page).find((r) => r.includes('break-fix')) ?? '';
    expect(row).toContain('bob');
    expect(row).toContain('Prod — AdministratorAccess');
    expect(row).toContain('Sandbox — ReadOnlyAccess');
    expect(row).toContain('9 hours');
    expect(row).not.toContain('u-bob');
  });

  it('edits a pairs policy: its name shows but cannot change, its pairs load and are sent', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        eligibilityPolicies: [{ ...breakFix }],
        settings: settings({ ticketRequired: false }),
      }),
    );
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());

    expect(field(modal(page), 'User').getElement().textContent).toContain('bob');
    expect(field(modal(page), 'Policy name').getElement().textContent).toContain('break-fix');
    expect(field(modal(page), 'Policy name').findControl()?.findInput()).toBeNull();
    const kind = field(modal(page), 'What the policy grants').findControl()?.findRadioGroup();
    expect(kind?.findInputByValue('pairs')?.getElement().checked).toBe(true);
    await waitForElement(() =>
      pairEditor(page)
        .findRow(1)
        ?.findField(1)
        ?.findControl()
        ?.findSelect()
        ?.findTrigger()
        .getElement()
        .textContent?.includes('Prod'),
    );

    await choosePair(page, 1, 2, PS_READ);
    act(() => modalButton(page, 'Save').click());
    await waitForElement(() => api.callsOf('updateEligibilityPolicy').length > 0);
    expect(api.callsOf('updateEligibilityPolicy')[0]?.[0]).toEqual({
      id: 'u-bob#break-fix',
      accountIds: [],
      ouIds: [],
      includeNestedOus: false,
      permissionSetArns: [],
      pairs: [{ accountId: '111122223333', permissionSetArn: PS_READ }],
      maxDurationHours: 1,
      approvalRequired: true,
      maxTotalHours: 1,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
      ticketNo: null,
      expectedUpdatedAt: '2026-08-01T00:00:00.000Z',
    });
    await waitForElement(() => tableRows(page)[0]?.includes('Prod — ReadOnlyAccess'));
  });

  it("shows the server's Conflict above the form when the principal already has a policy of that name", async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        eligibilityPolicies: [
          { ...existingPolicy },
          {
            ...breakFix,
            id: 'g-approvers#break-fix',
            principalId: 'g-approvers',
            principalType: 'GROUP',
            principalName: 'TEAM-Approvers-Production',
          },
        ],
        settings: settings({ ticketRequired: false }),
      }),
    );
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Create policy').click());
    await waitForElement(() => page.findModal());
    await waitForElement(() => optionStates(page, 'Groups').length === 2);
    // Without a name (default), only TEAM-Users has a policy of that name.
    expect(optionStates(page, 'Groups')).toEqual([
      ['TEAM-Users', true],
      ['TEAM-Approvers-Production', false],
    ]);
    await pick(page, 'Groups', ['g-approvers']);
    act(() => field(modal(page), 'Policy name').findControl()?.findInput()?.setInputValue('Break-Fix'));
    // Names compare without letter case: now the chosen group is the one that has it.
    expect(optionStates(page, 'Groups')).toEqual([
      ['TEAM-Users', false],
      ['TEAM-Approvers-Production', true],
    ]);
    await pick(page, 'Accounts', ['111122223333']);
    await pick(page, 'Permission sets', [PS_ADMIN]);
    act(() => modalButton(page, 'Create').click());

    const alert = await waitForElement(() => modal(page).findContent().findAlert());
    expect(alert.getElement().textContent).toBe(
      'TEAM-Approvers-Production already has an eligibility policy named "break-fix"; edit it or choose another name. Nothing was created.',
    );
    expect(field(modal(page), 'Policy name').findError()).toBeNull();
    expect(modalButton(page, 'Create').findLoadingIndicator()).toBeNull();
    expect(api.data.eligibilityPolicies).toHaveLength(2);
  });
});

describe('Approver policy', () => {
  it('creates one policy per OU with all chosen groups; OUs with approvers are disabled', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        settings: settings({ ticketRequired: true }),
        approverPolicies: [productionApprovers()],
      }),
    );
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    await waitForElement(() => api.callsOf('settings').length > 0);
    act(() => button(page, 'Add approvers').click());
    await waitForElement(() => page.findModal());
    act(() => createWrapper(modal(page).getElement()).findSegmentedControl()?.findSegments()[1]?.click());
    await waitForElement(() => optionStates(page, 'Organizational units').length === 4);
    // Depth-first with indentation; Production already has approvers.
    expect(optionStates(page, 'Organizational units')).toEqual([
      ['Root', false],
      ['\u2003Production', true],
      ['\u2003\u2003Web', false],
      ['\u2003Sandbox', false],
    ]);
    await pick(page, 'Organizational units', ['r-ab12', 'ou-ab12-33333333']);
    await pick(page, 'Approver groups', ['g-approvers', 'g-users']);
    act(() => modalButton(page, 'Create').click());
    expect(field(modal(page), 'Ticket number').findError()?.getElement().textContent).toContain(
      'A ticket number is required',
    );
    act(() => field(modal(page), 'Ticket number').findControl()?.findInput()?.setInputValue('CHG-1'));
    act(() => modalButton(page, 'Create').click());
    await waitForElement(() => api.callsOf('createApproverPolicies').length > 0);
    expect(api.callsOf('createApproverPolicies')[0]?.[0]).toEqual({
      targets: ['r-ab12', 'ou-ab12-33333333'],
      permissionSetArns: [],
      includeNestedOus: false,
      approverGroupIds: ['g-approvers', 'g-users'],
      approverUserIds: [],
      also: false,
      approvalsRequired: 1,
      stageName: null,
      nextStages: [],
      remindAfterMinutes: null,
      escalateAfterMinutes: null,
      escalationGroupIds: [],
      ticketNo: 'CHG-1',
    });
    await waitForElement(() => tableRows(page).length === 3);
  });
});

describe('OU tree', () => {
  it('rebuilds the tree from the flat list, keeping orphans', () => {
    const entries = flattenOuTree([
      { id: 'ou-x-child', name: 'Child', type: 'ORGANIZATIONAL_UNIT', parentId: 'ou-x-parent' },
      { id: 'r-1', name: 'Root', type: 'ROOT', parentId: null },
      { id: 'ou-x-parent', name: 'Parent', type: 'ORGANIZATIONAL_UNIT', parentId: 'r-1' },
      { id: 'ou-x-orphan', name: 'Orphan', type: 'ORGANIZATIONAL_UNIT', parentId: 'ou-missing' },
    ]);
    expect(entries.map((e) => [e.node.name, e.depth, e.path.join('/')])).toEqual([
      ['Root', 0, 'Root'],
      ['Parent', 1, 'Root/Parent'],
      ['Child', 2, 'Root/Parent/Child'],
      ['Orphan', 0, 'Orphan'],
    ]);
  });
});
