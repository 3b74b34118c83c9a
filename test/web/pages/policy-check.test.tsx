// @vitest-environment jsdom
import { act } from '@testing-library/react';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { EligibilityPolicy, PolicyCheck } from '../../../web/src/api/model';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import { me, memoryData, productionApprovers, PS_ADMIN, PS_READ } from '../support/data';
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

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

function eligibility(overrides: Partial<EligibilityPolicy>): EligibilityPolicy {
  return {
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
    ticketNo: null,
    updatedAt: '2026-08-01T00:00:00.000Z',
    updatedBy: 'admin',
    ...overrides,
  };
}

const USERS = eligibility({});
const PLATFORM = eligibility({
  id: 'g-platform',
  principalId: 'g-platform',
  principalName: 'Platform admins',
  ous: [{ id: 'ou-ab12-22222222', name: 'Sandbox' }],
  accounts: [{ id: '999999999999', name: 'Old tools' }],
  permissionSets: [{ arn: PS_ADMIN, name: 'AdminAccess' }],
});

/** Checked five minutes before the tests' clock (2026-09-01T08:00Z). */
const CHECKED_AT = '2026-09-01T07:55:00.000Z';

const STALE_CHECK: PolicyCheck = {
  checkedAt: CHECKED_AT,
  eligibilityPoliciesChecked: 3,
  approverPoliciesChecked: 1,
  findings: [
    {
      policyKind: 'ELIGIBILITY',
      policyId: 'g-platform',
      references: [
        { kind: 'GROUP', id: 'g-platform', name: 'Platform admins', problem: 'MISSING', currentName: null },
        { kind: 'OU', id: 'ou-ab12-22222222', name: 'Sandbox', problem: 'MISSING', currentName: null },
        { kind: 'ACCOUNT', id: '999999999999', name: 'Old tools', problem: 'MISSING', currentName: null },
        {
          kind: 'PERMISSION_SET',
          id: PS_ADMIN,
          name: 'AdminAccess',
          problem: 'RENAMED',
          currentName: 'AdministratorAccess',
        },
      ],
    },
    // A policy deleted since the check: not on the page, not counted.
    {
      policyKind: 'ELIGIBILITY',
      policyId: 'g-gone',
      references: [{ kind: 'GROUP', id: 'g-gone', name: 'Gone', problem: 'MISSING', currentName: null }],
    },
    {
      policyKind: 'APPROVER',
      policyId: 'ou-ab12-11111111',
      references: [
        { kind: 'USER', id: 'u-dave', name: 'dave', problem: 'MISSING', currentName: null },
        {
          kind: 'GROUP',
          id: 'g-approvers',
          name: 'TEAM-Approvers-Production',
          problem: 'RENAMED',
          currentName: 'Production approvers',
        },
      ],
    },
  ],
  truncated: false,
};

const CLEAN_CHECK: PolicyCheck = { ...STALE_CHECK, findings: [] };

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function renderEligibility(check: PolicyCheck | undefined, language: 'en' | 'ja' = 'en') {
  const api = new MemoryTeamApi(
    memoryData({ me: ADMIN, eligibilityPolicies: [USERS, PLATFORM], policyCheck: check }),
  );
  return renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility', language });
}

function rowOf(page: PageWrapper, name: string): string {
  const row = tableRows(page).find((r) => r.includes(name));
  if (row === undefined) throw new Error(`No row for ${name}`);
  return row;
}

/** Opens the Stale popover of the row for `name` and returns its text. */
async function staleReferences(page: PageWrapper, name: string, stale = 'Stale'): Promise<string[]> {
  const rows = page.findTable()?.findRows() ?? [];
  const row = rows.find((r) => {
    const content = r.getElement().textContent ?? '';
    return content.includes(name) && content.includes(stale);
  });
  const popover = row && createWrapper(row.getElement()).findPopover();
  if (!popover) throw new Error(`No Stale popover for ${name}`);
  act(() => popover.findTrigger().click());
  const content = await waitForElement(() => popover.findContent({ renderWithPortal: true }));
  return Array.from(content.getElement().querySelectorAll('li')).map((li) => li.textContent ?? '');
}

describe('stale references on the policy pages', () => {
  it('warns about the listed eligibility policies the latest check found stale and marks their rows', async () => {
    const { page } = renderEligibility(STALE_CHECK);
    await tableLoaded(page);
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.findHeader()?.getElement().textContent).toBe(
      '1 policy names something that no longer exists',
    );
    expect(alert.getElement().textContent).toContain(
      'Last checked 5 minutes ago (Sep 1, 2026, 7:55 AM UTC).',
    );
    expect(rowOf(page, 'Platform admins')).toContain('Stale');
    expect(rowOf(page, 'TEAM-Users')).not.toContain('Stale');

    expect(await staleReferences(page, 'Platform admins')).toEqual([
      'Group Platform admins — deleted',
      'OU Sandbox — deleted',
      'Account Old tools — closed or no longer in the organization',
      'Permission set AdminAccess — renamed to AdministratorAccess',
    ]);
  });

  it('marks approver policies from the approver findings only', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        approverPolicies: [
          productionApprovers(),
          productionApprovers({
            id: 'acct',
            targetId: '111122223333',
            targetType: 'ACCOUNT',
            targetName: 'Prod',
          }),
        ],
        policyCheck: STALE_CHECK,
      }),
    );
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.findHeader()?.getElement().textContent).toBe(
      '1 policy names something that no longer exists',
    );
    const stale = tableRows(page).filter((r) => r.includes('Stale'));
    expect(stale).toHaveLength(1);
    expect(stale[0]).toContain('Production');
    expect(tableRows(page)).toHaveLength(2);
    expect(await staleReferences(page, 'Production')).toEqual([
      'User dave — deleted',
      'Group TEAM-Approvers-Production — renamed to Production approvers',
    ]);
  });

  it('says nothing is stale, and when that was checked, when the check found nothing here', async () => {
    const { page } = renderEligibility(CLEAN_CHECK);
    await tableLoaded(page);
    await waitForElement(() => text(page).includes('Last checked'));
    expect(page.findAlert()).toBeNull();
    expect(text(page)).toContain(
      'No policy here names anything that no longer exists. Last checked 5 minutes ago (Sep 1, 2026, 7:55 AM UTC).',
    );
    expect(tableRows(page).some((r) => r.includes('Stale'))).toBe(false);
  });

  it('says when the policies were never checked, and checks them now', async () => {
    const { page, api } = renderEligibility(undefined);
    await tableLoaded(page);
    await waitForElement(() => text(page).includes('have not been checked'));
    expect(text(page)).toContain('The policies have not been checked for stale references yet.');
    act(() => button(page, 'Check now').click());
    await waitForElement(() => text(page).includes('No policy here names anything'));
    expect(api.callsOf('checkPoliciesNow')).toHaveLength(1);
    expect(text(page)).toContain('Last checked just now');
  });

  it('Check now shows it is running, then the new report: fixed policies lose their mark', async () => {
    const { page, api } = renderEligibility(STALE_CHECK);
    await tableLoaded(page);
    await waitForElement(() => page.findAlert());
    let finish: (report: PolicyCheck) => void = () => undefined;
    api.checkPoliciesNow = () =>
      new Promise<PolicyCheck>((resolve) => {
        finish = resolve;
      });
    act(() => button(page, 'Check now').click());
    await waitForElement(() => button(page, 'Check now').findLoadingIndicator());

    await act(async () => {
      finish({ ...CLEAN_CHECK, checkedAt: '2026-09-01T08:00:00.000Z' });
      await Promise.resolve();
    });
    await waitForElement(() => page.findAlert() === null);
    expect(text(page)).toContain(
      'No policy here names anything that no longer exists. Last checked just now',
    );
    expect(rowOf(page, 'Platform admins')).not.toContain('Stale');
    expect(button(page, 'Check now').findLoadingIndicator()).toBeNull();
  });

  it('shows why Check now failed and keeps the last report', async () => {
    const { page, api } = renderEligibility(STALE_CHECK);
    await tableLoaded(page);
    await waitForElement(() => page.findAlert());
    api.failNext(
      'checkPoliciesNow',
      new ApiError('Unauthorized', 'Only administrators may check the policies.'),
    );
    act(() => button(page, 'Check now').click());
    await waitForElement(() => page.findAllAlerts().length === 2);
    const error = page.findAllAlerts()[1];
    expect(error?.findHeader()?.getElement().textContent).toBe('The policy check could not run');
    expect(error?.getElement().textContent).toContain('Only administrators may check the policies.');
    expect(rowOf(page, 'Platform admins')).toContain('Stale');
  });

  it('finds the stale policies with the table filter', async () => {
    const { page } = renderEligibility(STALE_CHECK);
    await tableLoaded(page);
    await waitForElement(() => tableRows(page).some((r) => r.includes('Stale')));
    act(() => page.findTable()?.findTextFilter()?.findInput().setInputValue('stale'));
    await waitForElement(() => tableRows(page).length === 1);
    expect(tableRows(page)[0]).toContain('Platform admins');
  });

  it('speaks Japanese', async () => {
    const { page } = renderEligibility(STALE_CHECK, 'ja');
    await tableLoaded(page);
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.findHeader()?.getElement().textContent).toBe(
      '1 件のポリシーが、存在しなくなったものを指定しています',
    );
    expect(alert.getElement().textContent).toContain('最終確認: 5 分前（2026年9月1日 7:55 UTC）。');
    expect(rowOf(page, 'Platform admins')).toContain('古い参照');
    expect(await staleReferences(page, 'Platform admins', '古い参照')).toContain(
      '権限セット AdminAccess — 名前が AdministratorAccess に変更されました',
    );
  });
});
