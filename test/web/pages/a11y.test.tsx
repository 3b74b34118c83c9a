// @vitest-environment jsdom
import axe from 'axe-core';
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import ApproverPolicyPage from '../../../web/src/pages/approver-policy/approver-policy-page';
import CreateRequestPage from '../../../web/src/pages/create-request/create-request-page';
import DashboardPage from '../../../web/src/pages/dashboard/dashboard-page';
import EligibilityPolicyPage from '../../../web/src/pages/eligibility-policy/eligibility-policy-page';
import MyRequestsPage from '../../../web/src/pages/my-requests/my-requests-page';
import PolicyDocumentPage from '../../../web/src/pages/policy-document/policy-document-page';
import RequestDetailsPage from '../../../web/src/pages/request-details/request-details-page';
import SettingsPage from '../../../web/src/pages/settings/settings-page';
import type { PolicyImportPreview, RequestHistoryPreview } from '../../../web/src/api/model';
import { ALICE, BOB, me, memoryData, NOW, productionApprovers, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import { button, field, renderWithApp, setupWebTests, tableLoaded, waitForElement } from '../support/render';

setupWebTests();

/** Axe violations of the document (colour contrast needs layout, which jsdom has not). */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe)', () => {
  it('the create request form has labelled fields', async () => {
    const { page } = renderWithApp(<CreateRequestPage />, {
      api: new MemoryTeamApi(memoryData()),
      path: '/requests/new',
    });
    await waitForElement(() => page.findAllFormFields().length > 0);
    expect(await violations()).toEqual([]);
  });

  it('a request table has accessible selection and headings', async () => {
    const api = new MemoryTeamApi(memoryData({ requests: [request({ requester: ALICE })] }));
    const { page } = renderWithApp(<MyRequestsPage />, { api, path: '/requests' });
    await tableLoaded(page);
    expect(
      page.findTable()?.findRowSelectionArea(1)?.find('input')?.getElement().getAttribute('aria-label'),
    ).toContain('Prod (111122223333)');
    expect(await violations()).toEqual([]);
  });

  it('the settings edit modal is labelled', async () => {
    const api = new MemoryTeamApi(memoryData({ me: me({ isAdmin: true }) }));
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Request settings'));
    act(() => button(page, 'Edit').click());
    await waitForElement(() => page.findModal());
    expect(await violations()).toEqual([]);
  });

  it('the eligibility modal labels every control of its pair editor', async () => {
    const api = new MemoryTeamApi(memoryData({ me: me({ isAdmin: true }) }));
    const { page } = renderWithApp(<EligibilityPolicyPage />, { api, path: '/admin/eligibility' });
    await tableLoaded(page);
    act(() => button(page, 'Create policy').click());
    const modal = await waitForElement(() => page.findModal());
    act(() =>
      field(modal, 'What the policy grants')
        .findControl()
        ?.findRadioGroup()
        ?.findInputByValue('pairs')
        ?.click(),
    );
    await waitForElement(() => createWrapper(modal.getElement()).findAttributeEditor());
    expect(await violations()).toEqual([]);
  });

  it('the policy document page labels its import form and the preview of changes', async () => {
    const policyImportPreview: PolicyImportPreview = {
      digest: 'd',
      counts: {
        eligibility: { added: 1, changed: 0, removed: 0, unchanged: 0 },
        approvers: { added: 0, changed: 0, removed: 0, unchanged: 1 },
        settingsChanged: true,
      },
      eligibility: [
        {
          change: 'ADDED',
          id: 'g-users',
          description: 'group TEAM-Users, policy "default"',
          fields: [{ field: 'maxDurationHours', before: null, after: '4' }],
        },
      ],
      approvers: [],
      settings: [{ field: 'expiryHours', before: '3', after: '6' }],
      document: '{}',
      skipped: [{ part: 'approvers', item: '#2', reason: 'Its OU no longer exists.' }],
    };
    const api = new MemoryTeamApi(memoryData({ me: me({ isAdmin: true }), policyImportPreview }));
    const { page } = renderWithApp(<PolicyDocumentPage />, { api, path: '/admin/policy-document' });
    await waitForElement(() => page.findTextarea());
    expect(await violations()).toEqual([]);
    act(() => page.findTextarea()?.setTextareaValue('{ "version": 1 }'));
    act(() => button(page, 'Preview changes').click());
    await waitForElement(() => page.findAllTables().length === 3);
    expect(await violations()).toEqual([]);
  });

  it('the request history import labels its form, its preview and its progress', async () => {
    const requestHistoryPreview: RequestHistoryPreview = {
      total: 1200,
      toImport: 1100,
      alreadyImported: 100,
      byStatus: [
        { status: 'ENDED', count: 1000 },
        { status: 'REVOKED', count: 200 },
      ],
      from: '2025-01-05T09:00:00.000Z',
      to: '2026-03-02T16:30:00.000Z',
      unknownUsers: ['dave'],
    };
    const api = new MemoryTeamApi(memoryData({ me: me({ isAdmin: true }), requestHistoryPreview }));
    // The second part waits, so the progress shows.
    api.importRequestHistory = (items) =>
      items.includes('"id":"1001"')
        ? new Promise(() => undefined)
        : Promise.resolve({ imported: 0, alreadyImported: 0 });
    const { page } = renderWithApp(<PolicyDocumentPage />, { api, path: '/admin/policy-document' });
    const history = await waitForElement(() => field(page, 'Requests').findControl()?.findTextarea());
    const items = Array.from({ length: 1200 }, (_, i) => ({ id: String(i + 1) }));
    act(() => history.setTextareaValue(JSON.stringify(items)));
    act(() => button(page, 'Preview').click());
    await waitForElement(() => page.getElement().textContent?.includes('(in 2 parts)'));
    expect(await violations()).toEqual([]);
    act(() => button(page, 'Import').click());
    const modal = await waitForElement(() => page.findModal());
    act(() => button(modal.findFooter() ?? modal, 'Import').click());
    await waitForElement(() => page.findProgressBar()?.getElement().textContent?.includes('Part 2 of 2'));
    expect(await violations()).toEqual([]);
  });

  it('an imported request says so on its details page', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        requests: [request({ id: 'r-old', status: 'ENDED', importedFrom: 'ORIGINAL_TEAM', expiresAt: null })],
      }),
    );
    const { page } = renderWithApp(<RequestDetailsPage params={{ id: 'r-old' }} />, {
      api,
      path: '/requests/r-old',
    });
    await waitForElement(() => page.findAlert() && page.findTable() && !page.findTable()?.findLoadingText());
    expect(await violations()).toEqual([]);
  });

  it('the stale-policy warning and the Stale popover of a row are accessible', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: me({ isAdmin: true }),
        approverPolicies: [productionApprovers()],
        policyCheck: {
          checkedAt: '2026-09-01T07:00:00.000Z',
          eligibilityPoliciesChecked: 0,
          approverPoliciesChecked: 1,
          findings: [
            {
              policyKind: 'APPROVER',
              policyId: 'ou-ab12-11111111',
              references: [
                { kind: 'USER', id: 'u-dave', name: 'dave', problem: 'MISSING', currentName: null },
              ],
            },
          ],
          truncated: false,
        },
      }),
    );
    const { page } = renderWithApp(<ApproverPolicyPage />, { api, path: '/admin/approvers' });
    await tableLoaded(page);
    const popover = await waitForElement(() => page.findTable()?.findRows()[0]?.findPopover());
    act(() => popover.findTrigger().click());
    await waitForElement(() => popover.findContent({ renderWithPortal: true }));
    expect(await violations()).toEqual([]);
  });

  async function dashboard() {
    const api = new MemoryTeamApi(
      memoryData({
        me: me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
        requests: [
          request({ requester: ALICE, status: 'ENDED', decision: { by: BOB, at: NOW, comment: null } }),
          request({ status: 'IN_PROGRESS', grantedAt: NOW }),
        ],
      }),
    );
    const { page } = renderWithApp(<DashboardPage />, { api, path: '/audit/dashboard' });
    await waitForElement(() => page.findAllLineCharts().length === 2 && page.findAllSpinners().length === 0);
    return page;
  }

  // Ten charts and their tables make the slowest page to render and check: more time than the rest.
  it('the dashboard labels its range and its charts', { timeout: 60_000 }, async () => {
    await dashboard();
    expect(await violations()).toEqual([]);
  });

  it("the dashboard's table views have headers and names", { timeout: 60_000 }, async () => {
    const page = await dashboard();
    // One of each kind of table (days, shares, durations, a top list): axe is slow on many rows.
    const kinds = ['Requests per day', 'Outcomes in this range', 'Time to decision', 'Top accounts'];
    for (const container of page.findAllContainers()) {
      const heading = container.findHeader()?.find('h2')?.getElement().textContent?.trim() ?? '';
      if (!kinds.includes(heading)) continue;
      const control = createWrapper(container.getElement()).findSegmentedControl();
      act(() => control?.findSegmentById('table')?.click());
    }
    await waitForElement(() => page.findAllTables().length === kinds.length);
    expect(await violations()).toEqual([]);
  });
});
