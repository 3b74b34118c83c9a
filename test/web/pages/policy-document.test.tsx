// @vitest-environment jsdom
import { act, fireEvent } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { PolicyImportPreview } from '../../../web/src/api/model';
import { Shell } from '../../../web/src/app/shell';
import { downloadText } from '../../../web/src/components/download';
import PolicyDocumentPage from '../../../web/src/pages/policy-document/policy-document-page';
import { me, memoryData } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  flashTexts,
  renderWithApp,
  setupWebTests,
  settle,
  type PageWrapper,
  waitForElement,
} from '../support/render';

vi.mock('../../../web/src/components/download', () => ({ downloadText: vi.fn() }));

setupWebTests();

beforeEach(() => {
  vi.mocked(downloadText).mockClear();
});

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

const DOCUMENT = '{ "version": 1, "eligibility": [] }';

/** A preview as the server writes it: names, lists joined by commas, flags and hours as text. */
function preview(overrides: Partial<PolicyImportPreview> = {}): PolicyImportPreview {
  return {
    digest: 'digest-1',
    counts: {
      eligibility: { added: 1, changed: 1, removed: 1, unchanged: 4 },
      approvers: { added: 0, changed: 1, removed: 0, unchanged: 2 },
      settingsChanged: true,
    },
    eligibility: [
      {
        change: 'ADDED',
        id: 'g-ops#oncall',
        description: 'group Platform admins, policy "oncall"',
        fields: [
          { field: 'name', before: null, after: 'oncall' },
          { field: 'accounts', before: null, after: 'Prod, Staging' },
          { field: 'permissionSets', before: null, after: 'AdministratorAccess' },
          { field: 'maxDurationHours', before: null, after: '2' },
          { field: 'approvalRequired', before: null, after: 'true' },
        ],
      },
      {
        change: 'CHANGED',
        id: 'g-users',
        description: 'group TEAM-Users, policy "default"',
        fields: [
          { field: 'maxDurationHours', before: '4', after: '8' },
          { field: 'permissionSets', before: 'ReadOnlyAccess', after: 'ReadOnlyAccess, PowerUserAccess' },
          { field: 'includeNestedOus', before: 'false', after: 'true' },
        ],
      },
      {
        change: 'REMOVED',
        id: 'u-bob#default',
        description: 'user bob, policy "default"',
        fields: [{ field: 'accounts', before: 'Sandbox', after: null }],
      },
    ],
    approvers: [
      {
        change: 'CHANGED',
        id: 'ou-ab12-11111111',
        description: 'OU Production, for AdministratorAccess, PowerUserAccess',
        fields: [
          { field: 'groups', before: 'TEAM-Approvers-Production', after: 'TEAM-Approvers-Production, SRE' },
        ],
      },
    ],
    settings: [
      { field: 'expiryHours', before: '3', after: '6' },
      { field: 'ticketRequired', before: 'true', after: 'false' },
      { field: 'adminGroupName', before: null, after: 'TEAM-Admins' },
      { field: 'slackAuditChannel', before: '#team-audit', after: null },
      {
        field: 'sensitiveActions',
        before:
          '["iam:CreateUser","s3:PutBucketPolicy","s3:PutBucketAcl","ec2:RunInstances","rds:DeleteDBInstance","DeleteTable"]',
        after: 'iam:CreateUser, DeleteTrail',
      },
    ],
    document: '{ "version": 1 }',
    skipped: [],
    ...overrides,
  };
}

const NOTHING = preview({
  counts: {
    eligibility: { added: 0, changed: 0, removed: 0, unchanged: 5 },
    approvers: { added: 0, changed: 0, removed: 0, unchanged: 3 },
    settingsChanged: false,
  },
  eligibility: [],
  approvers: [],
  settings: [],
});

function renderPage(options: { preview?: PolicyImportPreview; language?: 'en' | 'ja' } = {}) {
  const api = new MemoryTeamApi(memoryData({ me: ADMIN, policyImportPreview: options.preview ?? preview() }));
  return renderWithApp(<PolicyDocumentPage />, {
    api,
    path: '/admin/policy-document',
    language: options.language,
  });
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function paste(page: PageWrapper, value: string) {
  act(() => field(page, 'Document').findControl()?.findTextarea()?.setTextareaValue(value));
}

/** The text of each row of the table titled `title`. */
function rowsOf(page: PageWrapper, title: string): string[] {
  const table = page
    .findAllTables()
    .find((t) => t.findHeaderSlot()?.getElement().textContent?.includes(title));
  if (!table) throw new Error(`No table "${title}"`);
  return table.findRows().map((r) => r.getElement().textContent ?? '');
}

async function previewPasted(page: PageWrapper, value = DOCUMENT) {
  paste(page, value);
  act(() => button(page, 'Preview changes').click());
  await waitForElement(
    () => text(page).includes('Changes') && !button(page, 'Preview changes').findLoadingIndicator(),
  );
}

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

describe('Policy document: export', () => {
  it('downloads the export as team-policies-<today>.json', async () => {
    const { page, api } = renderPage();
    act(() => button(page, 'Download').click());
    await waitForElement(() => vi.mocked(downloadText).mock.calls.length > 0);
    expect(api.callsOf('exportPolicies')).toHaveLength(1);
    const [filename, content] = vi.mocked(downloadText).mock.calls[0] ?? [];
    expect(filename).toBe('team-policies-2026-09-01.json');
    expect(JSON.parse(content ?? '')).toMatchObject({ version: 1 });
  });

  it('shows why an export failed', async () => {
    const { page, api } = renderPage();
    api.failNext('exportPolicies', new ApiError('Unauthorized', 'Only TEAM admins may do this.'));
    act(() => button(page, 'Download').click());
    await waitForElement(() => page.findAlert());
    expect(page.findAlert()?.getElement().textContent).toContain('Only TEAM admins may do this.');
    expect(downloadText).not.toHaveBeenCalled();
  });
});

describe('Policy document: preview', () => {
  it('asks for a document before previewing', async () => {
    const { page, api } = renderPage();
    act(() => button(page, 'Preview changes').click());
    await settle();
    expect(field(page, 'Document').findError()?.getElement().textContent).toBe(
      'Choose a file or paste a document.',
    );
    expect(api.callsOf('previewPolicyImport')).toHaveLength(0);
  });

  it('shows the counts and the added, changed and removed policies by name, with readable values', async () => {
    const { page, api } = renderPage();
    await previewPasted(page);
    expect(api.callsOf('previewPolicyImport')).toEqual([[DOCUMENT, 'TEAM']]);

    expect(text(page)).toContain('1 added, 1 changed, 1 removed, 4 unchanged');
    expect(text(page)).toContain('0 added, 1 changed, 0 removed, 2 unchanged');

    const eligibility = rowsOf(page, 'Eligibility policies');
    expect(eligibility).toHaveLength(3);
    expect(eligibility[0]).toContain('Added');
    expect(eligibility[0]).toContain('Group Platform admins, policy "oncall"');
    expect(eligibility[0]).toContain('Accounts: Prod, Staging');
    expect(eligibility[0]).toContain('Max duration: 2 hours');
    expect(eligibility[0]).toContain('Approval: Required');
    expect(eligibility[1]).toContain('Changed');
    expect(eligibility[1]).toContain('Group TEAM-Users, policy "default"');
    expect(eligibility[1]).toContain('Max duration: 4 hours → 8 hours');
    expect(eligibility[1]).toContain('Permission sets: ReadOnlyAccess → ReadOnlyAccess, PowerUserAccess');
    expect(eligibility[1]).toContain('Include nested OUs: No → Yes');
    expect(eligibility[2]).toContain('Removed');
    expect(eligibility[2]).toContain('User bob, policy "default"');

    const approvers = rowsOf(page, 'Approver policies');
    expect(approvers).toHaveLength(1);
    expect(approvers[0]).toContain('OU Production, for AdministratorAccess, PowerUserAccess');
    expect(approvers[0]).toContain(
      'Approver groups: TEAM-Approvers-Production → TEAM-Approvers-Production, SRE',
    );

    const settingRows = rowsOf(page, 'Settings');
    expect(settingRows).toEqual([
      'Request expiry timeout3 hours → 6 hours',
      'Ticket numberRequired → Not required',
      'TEAM admin groupDeployment default → TEAM-Admins',
      'Slack audit channel#team-audit → Not set',
      // A long list: what it loses and gains, not both lists.
      'Sensitive actionsRemoved (5): s3:PutBucketPolicy, s3:PutBucketAcl, ec2:RunInstances, rds:DeleteDBInstance, DeleteTable' +
        'Added (1): DeleteTrailUnchanged: 1',
    ]);
    // Nothing raw: no JSON lists, no bare flags.
    expect(text(page)).not.toContain('["');
    expect(text(page)).not.toMatch(/\btrue\b|\bfalse\b/);
    // A TEAM document has nothing converted to download.
    expect(() => button(page, 'Download converted document')).toThrow();
  });

  it("shows the server's message when the document is bad", async () => {
    const { page, api } = renderPage();
    api.failNext(
      'previewPolicyImport',
      new ApiError(
        'ValidationError',
        'eligibility[2].principal: no group named "Ops" in IAM Identity Center.',
        'document',
      ),
    );
    paste(page, DOCUMENT);
    act(() => button(page, 'Preview changes').click());
    await waitForElement(() => page.findAlert());
    expect(page.findAlert()?.getElement().textContent).toContain('The document could not be previewed');
    expect(page.findAlert()?.getElement().textContent).toContain(
      'eligibility[2].principal: no group named "Ops" in IAM Identity Center.',
    );
    expect(() => button(page, 'Apply')).toThrow();
  });

  it('says when there is nothing to change and offers no Apply', async () => {
    const { page } = renderPage({ preview: NOTHING });
    await previewPasted(page);
    expect(text(page)).toContain('Nothing to change');
    expect(text(page)).toContain('The stored policies and settings already match this document.');
    expect(() => button(page, 'Apply')).toThrow();
  });

  it('reads an uploaded file and previews its text', async () => {
    const { page, api } = renderPage();
    const upload = field(page, 'Document file').findControl()?.findFileUpload();
    const file = new File(['eligibility: []\nversion: 1\n'], 'policies.yaml', { type: 'application/yaml' });
    act(() => {
      fireEvent.change(upload?.findNativeInput().getElement() as HTMLInputElement, {
        target: { files: [file] },
      });
    });
    await waitForElement(
      () =>
        field(page, 'Document').findControl()?.findTextarea()?.getTextareaValue() ===
        'eligibility: []\nversion: 1\n',
    );
    expect(upload?.findFileTokens()).toHaveLength(1);
    act(() => button(page, 'Preview changes').click());
    await waitForElement(() => api.callsOf('previewPolicyImport').length > 0);
    expect(api.callsOf('previewPolicyImport')[0]).toEqual(['eligibility: []\nversion: 1\n', 'TEAM']);
  });

  it('previews an original TEAM export: skipped items with reasons, and the converted document to download', async () => {
    const { page, api } = renderPage({
      preview: preview({
        skipped: [
          {
            part: 'eligibility',
            item: 'abc-123',
            reason: 'Its group "Gone" does not exist in IAM Identity Center.',
          },
          {
            part: 'settings',
            item: 'slackToken',
            reason: 'Secrets are never imported: save the Slack token on the Settings page.',
          },
        ],
        document: '{ "version": 1, "converted": true }',
      }),
    });
    act(() =>
      field(page, 'Format').findControl()?.findRadioGroup()?.findInputByValue('ORIGINAL_TEAM')?.click(),
    );
    await previewPasted(page, '{ "eligibility": { "Items": [] } }');
    expect(api.callsOf('previewPolicyImport')[0]).toEqual([
      '{ "eligibility": { "Items": [] } }',
      'ORIGINAL_TEAM',
    ]);
    const skipped = rowsOf(page, 'Not converted');
    expect(skipped).toEqual([
      expect.stringContaining('abc-123Its group "Gone" does not exist in IAM Identity Center.'),
      expect.stringContaining('slackTokenSecrets are never imported'),
    ]);
    expect(skipped[0]).toMatch(/^Eligibility/);
    expect(skipped[1]).toMatch(/^Settings/);

    act(() => button(page, 'Download converted document').click());
    expect(downloadText).toHaveBeenCalledWith(
      'team-policies-converted-2026-09-01.json',
      '{ "version": 1, "converted": true }',
    );
  });

  it('forgets the preview when the document changes', async () => {
    const { page } = renderPage();
    await previewPasted(page);
    expect(() => button(page, 'Apply')).not.toThrow();
    paste(page, `${DOCUMENT}\n`);
    await settle();
    expect(() => button(page, 'Apply')).toThrow();
    expect(page.findAllTables()).toHaveLength(0);
  });
});

describe('Policy document: apply', () => {
  it('confirms with the counts, imports with the preview digest and flashes the counts', async () => {
    const { page, api } = renderPage();
    await previewPasted(page);
    act(() => button(page, 'Apply').click());
    await waitForElement(() => page.findModal());
    const content = modal(page).findContent().getElement().textContent ?? '';
    expect(modal(page).findHeader().getElement().textContent).toBe('Apply this policy document?');
    expect(content).toContain('Eligibility policies: 1 added, 1 changed, 1 removed');
    expect(content).toContain('Approver policies: 0 added, 1 changed, 0 removed');
    expect(content).toContain('Settings: changed');

    act(() => button(modal(page).findFooter() ?? modal(page), 'Apply').click());
    await waitForElement(() => page.findModal() === null);
    expect(api.callsOf('importPolicies')).toEqual([[DOCUMENT, 'TEAM', 'digest-1']]);
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toBe(
      'Policy document imported. Eligibility policies: 1 added, 1 changed, 1 removed. Approver policies: 0 added, 1 changed, 0 removed. Settings: Changed.',
    );
    // Done: the form is ready for the next document.
    expect(field(page, 'Document').findControl()?.findTextarea()?.getTextareaValue()).toBe('');
    expect(page.findAllTables()).toHaveLength(0);
  });

  it('asks to preview again when the policies changed since the preview', async () => {
    const { page, api } = renderPage();
    await previewPasted(page);
    act(() => button(page, 'Apply').click());
    await waitForElement(() => page.findModal());
    api.failNext('importPolicies', new ApiError('Conflict', 'The policies changed since the preview.'));
    act(() => button(modal(page).findFooter() ?? modal(page), 'Apply').click());
    await waitForElement(() => page.findModal() === null);

    const alert = page.findAlert();
    expect(alert?.getElement().textContent).toContain('The policies changed since this preview');
    expect(alert?.getElement().textContent).toContain('Preview the document again');
    expect(page.findAllTables()).toHaveLength(0);
    expect(flashTexts(page)).toEqual([]);

    act(() => button(page, 'Preview again').click());
    await waitForElement(
      () => api.callsOf('previewPolicyImport').length === 2 && page.findAllTables().length > 0,
    );
    expect(page.findAlert()).toBeNull();
  });

  it("keeps the confirmation open with the server's message on another error", async () => {
    const { page, api } = renderPage();
    await previewPasted(page);
    act(() => button(page, 'Apply').click());
    await waitForElement(() => page.findModal());
    api.failNext(
      'importPolicies',
      new ApiError('ValidationError', 'eligibility[0].ticketNo: Ticket number is required.', 'document'),
    );
    act(() => button(modal(page).findFooter() ?? modal(page), 'Apply').click());
    await waitForElement(() => modal(page).findContent().findAlert());
    expect(modal(page).findContent().findAlert()?.getElement().textContent).toBe(
      'eligibility[0].ticketNo: Ticket number is required.',
    );
  });
});

describe('Policy document: access and language', () => {
  it('is not open to non-admins', async () => {
    const api = new MemoryTeamApi(memoryData({ policyImportPreview: preview() }));
    const { page } = renderWithApp(<Shell />, { api, path: '/admin/policy-document' });
    await waitForElement(() => text(page).includes("You don't have access"));
    expect(text(page)).not.toContain('Preview changes');
    expect(api.callsOf('exportPolicies')).toHaveLength(0);
    expect(page.findSideNavigation()?.findLinkByHref('/admin/policy-document')).toBeNull();
  });

  it('is listed under Administration for admins, after Approver policy', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = renderWithApp(<Shell />, { api, path: '/admin/policy-document', me: ADMIN });
    await waitForElement(() => text(page).includes('Preview changes'));
    const links = Array.from(page.findSideNavigation()?.getElement().querySelectorAll('li a') ?? []).map(
      (a) => a.textContent,
    );
    expect(links.slice(-4)).toEqual(['Eligibility policy', 'Approver policy', 'Policy document', 'Settings']);
  });

  it('speaks Japanese', async () => {
    const { page } = renderPage({ language: 'ja' });
    act(() => page.findTextarea()?.setTextareaValue(DOCUMENT));
    act(() => button(page, '変更をプレビュー').click());
    await waitForElement(() => page.findAllTables().length > 0);
    const eligibility = rowsOf(page, '利用資格ポリシー');
    expect(eligibility[1]).toContain('グループ TEAM-Users、ポリシー「default」');
    expect(eligibility[1]).toContain('最大期間: 4 時間 → 8 時間');
    expect(rowsOf(page, '承認者ポリシー')[0]).toContain(
      'OU Production（AdministratorAccess, PowerUserAccess）',
    );
  });
});
