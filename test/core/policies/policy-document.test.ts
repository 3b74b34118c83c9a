/**
 * Policy documents: reading (JSON, YAML, shape), resolving names, exporting, the diff, and the
 * import's guarantees (all or nothing, only onto the state the preview saw), over the fakes.
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '../../../lambdas/core/errors';
import {
  readPolicyDocument,
  type ApproverEntry,
  type EligibilityEntry,
} from '../../../lambdas/core/policies/policy-document';
import {
  makeExportPolicies,
  makeImportPolicies,
  makePreviewPolicyImport,
  type PreviewPolicyImportInput,
} from '../../../lambdas/core/policies/policy-document-import';
import { makeUpdateSettings } from '../../../lambdas/core/settings/manage-settings';
import type { CallerIdentity } from '../../../lambdas/core/types';
import { someSettings } from '../../builders';
import { DEMO, demoOrg, demoPolicies, makeTestWorld, type TestWorldOptions } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';
import { failure } from '../support';

const { accounts, groups, users, ous, permissionSets: ps } = DEMO;

function setup(options: TestWorldOptions = { seedPolicies: false }) {
  const world = makeTestWorld(options);
  const policyState = new InMemoryPolicyState(world.policies, world.settings);
  const deps = { ...world, policyState };
  const exportPolicies = makeExportPolicies(deps);
  const preview = makePreviewPolicyImport(deps);
  const importPolicies = makeImportPolicies(deps);
  const admin = world.callers.dave;
  return {
    world,
    policyState,
    admin,
    exportPolicies: () => exportPolicies(admin),
    preview: (document: string, format?: PreviewPolicyImportInput['format']) =>
      preview(admin, { document, format: format ?? null }),
    importPolicies,
    /** Previews, then imports with the preview's digest. */
    async apply(
      document: string,
      format?: PreviewPolicyImportInput['format'],
      caller: CallerIdentity = admin,
    ) {
      const { digest } = await preview(caller, { document, format: format ?? null });
      return importPolicies(caller, { document, format: format ?? null, expectedDigest: digest });
    },
    /** Everything stored, for before/after comparisons. */
    async stored() {
      return { policies: world.policies.snapshot(), settings: await world.settings.get() };
    },
  };
}

interface Doc {
  version: 1;
  eligibility: EligibilityEntry[];
  approvers: ApproverEntry[];
}

/** A document exercising every kind of entry, by name and by id. */
function baseDocument(): Doc {
  return {
    version: 1,
    eligibility: [
      {
        principal: { type: 'GROUP', name: 'TEAM-Users' },
        accounts: ['Shared-Tools'],
        ous: ['Production', 'NonProduction'],
        permissionSets: ['ReadOnlyAccess', 'PowerUserAccess'],
        maxDurationHours: 8,
        approvalRequired: true,
        ticketNo: 'CHG-1',
      },
      {
        principal: { type: 'USER', name: users.alice.id },
        name: 'Sandbox',
        ous: [ous.sandbox.id],
        permissionSets: [ps.admin.arn],
        maxDurationHours: 4,
        approvalRequired: false,
        ticketNo: 'CHG-2',
      },
      {
        principal: { type: 'USER', name: 'carol@example.com' },
        name: 'payments',
        pairs: [{ account: 'Prod-Payments', permissionSet: 'ReadOnlyAccess' }],
        maxDurationHours: 2,
        approvalRequired: true,
        ticketNo: 'CHG-3',
      },
    ],
    approvers: [
      {
        target: { type: 'OU', name: 'Production' },
        groups: ['TEAM-Approvers-Production'],
        ticketNo: 'CHG-4',
      },
      {
        target: { type: 'ACCOUNT', name: 'Prod-Web' },
        permissionSets: ['AdministratorAccess'],
        users: ['bob@example.com'],
        also: true,
        ticketNo: 'CHG-5',
      },
      {
        target: { type: 'OU', name: 'Root' },
        includeNestedOus: true,
        groups: [groups.approversProduction.id],
        ticketNo: 'CHG-6',
      },
    ],
  };
}

const json = (doc: unknown) => JSON.stringify(doc, null, 2);

describe('reading a document', () => {
  const cases: readonly (readonly [string, string, RegExp | null])[] = [
    ['minimal JSON', '{ "version": 1 }', null],
    ['minimal YAML', 'version: 1\n', null],
    ['YAML with a comment and a BOM', '\uFEFF# policies\nversion: 1\neligibility: []\n', null],
    [
      'bad JSON',
      '{\n  "version": 1,\n  "eligibility": [\n}',
      /^The document is not valid JSON: line 4, column 1: /,
    ],
    [
      'JSON cut short',
      '{ "version": 1, ',
      /^The document is not valid JSON: line 1, column 17: expected a field name/,
    ],
    [
      'bad YAML',
      'version: 1\neligibility:\n  - principal: {type: GROUP\n',
      /^The document is not valid YAML: line \d+, column \d+: /,
    ],
    [
      'YAML with a key twice',
      'version: 1\nversion: 1\n',
      /^The document is not valid YAML: line 2, column 1: /,
    ],
    ['empty', '  \n', /^The document is empty\.$/],
    ['a list', '[]', /^A policy document must be an object with "version": 1, not a list\.$/],
    ['no version', '{}', /^version: is required: this TEAM reads policy documents of version 1\.$/],
    ['version 2', '{ "version": 2 }', /^version: this TEAM reads policy documents of version 1, not 2\.$/],
    ['unknown field', '{ "version": 1, "eligibilty": [] }', /^unknown field "eligibilty"\.$/],
    [
      'duration out of range',
      json({ version: 1, eligibility: [{ ...baseDocument().eligibility[0], maxDurationHours: 9000 }] }),
      /^eligibility\[0\]\.maxDurationHours: must be at most 8000 hours\.$/,
    ],
    [
      'flag missing',
      'version: 1\neligibility:\n  - principal: {type: GROUP, name: TEAM-Users}\n    maxDurationHours: 2\n',
      /^eligibility\[0\]\.approvalRequired: is required\.$/,
    ],
    [
      'number where a name goes',
      json({ version: 1, approvers: [{ target: { type: 'OU', name: 'Root' }, groups: [7] }] }),
      /^approvers\[0\]\.groups\[0\]: must be text, not a number\.$/,
    ],
    [
      'principal type',
      json({
        version: 1,
        eligibility: [{ ...baseDocument().eligibility[0], principal: { type: 'ROLE', name: 'x' } }],
      }),
      /^eligibility\[0\]\.principal\.type: must be USER or GROUP\.$/,
    ],
  ];
  it.each(cases)('%s', (_name, text, error) => {
    if (error === null) {
      expect(readPolicyDocument(text).version).toBe(1);
      return;
    }
    let thrown: unknown;
    try {
      readPolicyDocument(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toMatch(error);
    expect((thrown as ValidationError).field).toBe('document');
  });

  it('keeps account ids written in YAML without quotes as they are written', () => {
    const doc = readPolicyDocument(
      'version: 1\napprovers:\n  - target: {type: ACCOUNT, name: 012345678901}\n    groups: [TEAM-Admins]\n  - target: {type: ACCOUNT, name: 333333333331}\n    groups: [TEAM-Admins]\n',
    );
    expect(doc.approvers?.map((a) => a.target.name)).toEqual(['012345678901', '333333333331']);
  });
});

describe('resolving names', () => {
  type Case = readonly [string, (doc: Doc) => void, string];
  const cases: readonly Case[] = [
    [
      'an unknown account',
      (d) => (d.eligibility[0]!.accounts = ['Prod']),
      'eligibility[0].accounts[0]: no account named "Prod".',
    ],
    [
      'a name in the wrong letter case',
      (d) => (d.eligibility[0]!.accounts = ['shared-tools']),
      'eligibility[0].accounts[0]: no account named "shared-tools" (did you mean "Shared-Tools"?).',
    ],
    [
      'an unknown account id',
      (d) => (d.eligibility[0]!.accounts = ['Shared-Tools', '999999999999']),
      'eligibility[0].accounts[1]: no account with the id "999999999999".',
    ],
    [
      'the management account',
      (d) => (d.eligibility[0]!.accounts = ['Management']),
      'eligibility[0].accounts[0]: the management account cannot be part of an eligibility policy.',
    ],
    [
      'the management account in a pair',
      (d) =>
        (d.eligibility[2]!.pairs = [{ account: accounts.management.id, permissionSet: 'ReadOnlyAccess' }]),
      'eligibility[2].pairs[0].account: the management account cannot be part of an eligibility policy.',
    ],
    [
      'a permission set of the management account',
      (d) => (d.eligibility[1]!.permissionSets = ['ManagementBilling']),
      'eligibility[1].permissionSets[0]: permission set "ManagementBilling" is provisioned to the management account and cannot be part of an eligibility policy.',
    ],
    [
      'an unknown user',
      (d) => (d.eligibility[2]!.principal = { type: 'USER', name: 'zed@example.com' }),
      'eligibility[2].principal.name: no user named "zed@example.com".',
    ],
    [
      'a group named as a user',
      (d) => (d.eligibility[0]!.principal = { type: 'USER', name: 'TEAM-Users' }),
      'eligibility[0].principal.name: no user named "TEAM-Users".',
    ],
    [
      'a duration of zero',
      (d) => (d.eligibility[1]!.maxDurationHours = 0),
      'eligibility[1].maxDurationHours: must be at least 1 hour.',
    ],
    [
      'a missing ticket',
      (d) => delete d.eligibility[1]!.ticketNo,
      'eligibility[1].ticketNo: Ticket number is required.',
    ],
    [
      'pairs with accounts',
      (d) => (d.eligibility[2]!.accounts = ['Staging']),
      'eligibility[2].pairs: A policy grants either accounts and OUs × permission sets, or a list of pairs, not both.',
    ],
    [
      'no permission set',
      (d) => delete d.eligibility[0]!.permissionSets,
      'eligibility[0].permissionSets: Choose at least one permission set.',
    ],
    [
      'a policy name too long',
      (d) => (d.eligibility[1]!.name = 'x'.repeat(65)),
      'eligibility[1].name: Policy name must be at most 64 characters.',
    ],
    [
      'the same policy twice',
      (d) => d.eligibility.push({ ...d.eligibility[1]!, name: 'SANDBOX' }),
      'eligibility[3]: the same policy as eligibility[1] (policy "SANDBOX" of alice@example.com; policy names compare without letter case).',
    ],
    [
      'nested OUs on an account',
      (d) => (d.approvers[1]!.includeNestedOus = true),
      'approvers[1].includeNestedOus: applies to OU and root targets only: an account has nothing nested.',
    ],
    [
      'no approver',
      (d) => delete d.approvers[0]!.groups,
      'approvers[0].groups: Choose at least one approver group or user.',
    ],
    [
      'an unknown group',
      (d) => (d.approvers[0]!.groups = ['Approvers']),
      'approvers[0].groups[0]: no group named "Approvers".',
    ],
    [
      'an OU named as an account',
      (d) => (d.approvers[0]!.target = { type: 'ACCOUNT', name: 'Production' }),
      'approvers[0].target.name: no account named "Production".',
    ],
    [
      'the same approver policy twice',
      (d) => d.approvers.push({ ...d.approvers[1]!, permissionSets: [ps.admin.arn] }),
      'approvers[3]: the same policy as approvers[1] (Prod-Web for AdministratorAccess).',
    ],
    [
      'a bad email in the settings',
      (d) => Object.assign(d, { settings: { sesSourceEmail: 'nope' } }),
      'settings.sesSourceEmail: Source email must be an email address.',
    ],
    [
      'email on without a source',
      (d) => Object.assign(d, { settings: { sesEnabled: true } }),
      'settings.sesSourceEmail: Source email is required when email notifications are on.',
    ],
    [
      'Slack on without a stored token',
      (d) => Object.assign(d, { settings: { slackEnabled: true } }),
      'settings.slackEnabled: Slack notifications need a Slack token, which a document never carries: save the token on the Settings page first.',
    ],
    [
      'Teams on without a stored webhook URL',
      (d) => Object.assign(d, { settings: { teamsEnabled: true } }),
      'settings.teamsEnabled: Microsoft Teams notifications need a webhook URL, which a document never carries: save it on the Settings page first.',
    ],
  ];

  it.each(cases)('refuses %s, naming the entry, and writes nothing', async (_name, change, message) => {
    const t = setup();
    const doc = baseDocument();
    change(doc);
    const before = await t.stored();
    const error = await failure(t.preview(json(doc)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(message);
    expect((error as ValidationError).field).toBe('document');
    expect(await t.stored()).toEqual(before);
  });

  it('accepts names and ids alike, and the management account as an approver target', async () => {
    const t = setup();
    const doc = baseDocument();
    doc.approvers.push({
      target: { type: 'ACCOUNT', name: 'Management' },
      groups: ['TEAM-Admins'],
      ticketNo: 'CHG-7',
    });
    await t.apply(json(doc));
    const { eligibility, approvers } = t.world.policies.snapshot();
    expect(eligibility.map((p) => p.id).sort()).toEqual(
      [groups.users.id, `${users.alice.id}#sandbox`, `${users.carol.id}#payments`].sort(),
    );
    expect(eligibility.find((p) => p.principalId === users.alice.id)).toMatchObject({
      principalName: users.alice.userName,
      name: 'Sandbox',
      ous: [ous.sandbox],
      permissionSets: [ps.admin],
      updatedBy: users.dave.userName,
    });
    expect(approvers.find((p) => p.targetId === accounts.prodWeb.id)).toMatchObject({
      id: `${accounts.prodWeb.id}#ps-0000000000000001`,
      permissionSets: [ps.admin],
      approverUsers: [{ id: users.bob.id, name: users.bob.userName }],
      also: true,
    });
    expect(approvers.find((p) => p.targetId === DEMO.root.id)?.includeNestedOus).toBe(true);
    expect(approvers.some((p) => p.targetId === accounts.management.id)).toBe(true);
  });

  it('looks up the users it names one by one, never listing every user', async () => {
    const t = setup();
    await t.apply(json(baseDocument()));
    await t.exportPolicies();
    expect(t.world.directory.calls.count('listUsers')).toBe(0);
    expect(t.world.directory.calls.count('findUserByUserName')).toBeGreaterThan(0);

    // What cannot be a user name is not even asked for.
    const doc = baseDocument();
    doc.approvers[1]!.users = ['no spaces in user names', 'x'.repeat(129)];
    const calls = t.world.directory.calls.count('findUserByUserName');
    expect((await failure(t.preview(json(doc)))).message).toBe(
      'approvers[1].users[0]: no user named "no spaces in user names".',
    );
    // carol@example.com only.
    expect(t.world.directory.calls.count('findUserByUserName')).toBe(calls + 1);
  });

  it('needs a ticket only for the policies it writes, like creating and editing them', async () => {
    const t = setup();
    const doc = baseDocument();
    for (const entry of doc.eligibility) delete entry.ticketNo;
    await t.apply(json({ ...doc, settings: { ticketRequired: false } }));
    await makeUpdateSettings(t.world)(t.admin, { ticketRequired: true, expectedVersion: 1 });

    // Exported as they are and imported again: nothing is written, so no ticket is asked for.
    const again = await t.preview(await t.exportPolicies());
    expect(again.counts.eligibility).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 3 });
    doc.eligibility[1]!.maxDurationHours = 3;
    expect((await failure(t.preview(json(doc)))).message).toBe(
      'eligibility[1].ticketNo: Ticket number is required.',
    );
  });

  it('needs no ticket when the document’s settings say so', async () => {
    const t = setup();
    const doc = baseDocument();
    for (const entry of doc.eligibility) delete entry.ticketNo;
    await t.apply(json({ ...doc, settings: { ticketRequired: false } }));
    expect((await t.world.settings.get())?.ticketRequired).toBe(false);
  });

  it('asks for the id when two accounts share a name', async () => {
    const org = demoOrg();
    const staging = org.accounts.find((a) => a.id === accounts.staging.id);
    if (staging) staging.name = 'Shared-Tools';
    const t = setup({ seedPolicies: false, org });
    const error = await failure(t.preview(json(baseDocument())));
    expect(error.message).toBe(
      `eligibility[0].accounts[0]: 2 accounts are named "Shared-Tools" (${accounts.sharedTools.id}, ${accounts.staging.id}); give the id instead.`,
    );
  });
});

describe('exporting', () => {
  it('writes names, in a stable order, the same bytes for the same state however it was stored', async () => {
    const a = setup();
    await a.apply(json(baseDocument()));
    const b = setup();
    const reversed = baseDocument();
    reversed.eligibility.reverse();
    reversed.approvers.reverse();
    for (const entry of reversed.eligibility) entry.permissionSets?.reverse();
    await b.apply(json(reversed));

    const text = await a.exportPolicies();
    expect(await a.exportPolicies()).toBe(text);
    expect(await b.exportPolicies()).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);

    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['$schema', 'version', 'settings', 'eligibility', 'approvers']);
    expect(doc.$schema).toBe('./policy-document.schema.json');
    expect(doc.eligibility).toEqual([
      {
        principal: { type: 'USER', name: 'alice@example.com' },
        name: 'Sandbox',
        ous: ['Sandbox'],
        permissionSets: ['AdministratorAccess'],
        maxDurationHours: 4,
        approvalRequired: false,
        ticketNo: 'CHG-2',
      },
      {
        principal: { type: 'USER', name: 'carol@example.com' },
        name: 'payments',
        pairs: [{ account: 'Prod-Payments', permissionSet: 'ReadOnlyAccess' }],
        maxDurationHours: 2,
        approvalRequired: true,
        ticketNo: 'CHG-3',
      },
      {
        principal: { type: 'GROUP', name: 'TEAM-Users' },
        name: 'default',
        accounts: ['Shared-Tools'],
        ous: ['NonProduction', 'Production'],
        permissionSets: ['PowerUserAccess', 'ReadOnlyAccess'],
        maxDurationHours: 8,
        approvalRequired: true,
        ticketNo: 'CHG-1',
      },
    ]);
    expect(doc.approvers).toEqual([
      {
        target: { type: 'ACCOUNT', name: 'Prod-Web' },
        permissionSets: ['AdministratorAccess'],
        users: ['bob@example.com'],
        also: true,
        ticketNo: 'CHG-5',
      },
      {
        target: { type: 'OU', name: 'Production' },
        groups: ['TEAM-Approvers-Production'],
        ticketNo: 'CHG-4',
      },
      {
        target: { type: 'OU', name: 'Root' },
        includeNestedOus: true,
        groups: ['TEAM-Approvers-Production'],
        ticketNo: 'CHG-6',
      },
    ]);
  });

  it('falls back to the id where a name is not unique or reads as an id', async () => {
    const org = demoOrg();
    org.groups.push({ id: '9067a1b2c3-b2000000-0000-4000-8000-000000000099', name: 'TEAM-Users' });
    org.accounts.push({ id: '777777777771', name: '333333333332', parentId: DEMO.root.id });
    const t = setup({ seedPolicies: false, org });
    const doc = baseDocument();
    doc.eligibility[0]!.principal.name = groups.users.id;
    doc.eligibility[0]!.accounts = ['777777777771'];
    await t.apply(json(doc));
    const exported = JSON.parse(await t.exportPolicies()) as Doc;
    const group = exported.eligibility.find((e) => e.principal.type === 'GROUP');
    expect(group?.principal.name).toBe(groups.users.id);
    expect(group?.accounts).toEqual(['777777777771']);
  });

  it('never carries a secret or its flag, and writes every settings field', async () => {
    const t = setup();
    t.world.settings.seed({
      ...someSettings({
        slackEnabled: true,
        slackTokenConfigured: true,
        slackAuditChannel: '#team-audit',
        teamsEnabled: true,
        teamsWebhookConfigured: true,
        slackSigningSecretConfigured: true,
      }),
      ...{ slackToken: 'xoxb-stored-by-the-original', teamsWebhookUrl: 'https://example.com/hook?sig=x' },
    });
    const text = await t.exportPolicies();
    expect(text).not.toContain('xoxb');
    expect(text).not.toContain('slackToken');
    expect(text).not.toContain('example.com/hook');
    expect(text).not.toMatch(/Configured|teamsWebhookUrl|slackSigningSecret/);
    const settings = (JSON.parse(text) as { settings: Record<string, unknown> }).settings;
    expect(settings).toMatchObject({
      slackEnabled: true,
      slackAuditChannel: '#team-audit',
      teamsEnabled: true,
      sesSourceEmail: null,
    });
    expect(Object.keys(settings)).toHaveLength(20);
  });
});

describe('the diff', () => {
  it('of a document into an empty deployment: everything added, every field shown', async () => {
    const t = setup();
    const preview = await t.preview(json(baseDocument()));
    expect(preview.counts).toEqual({
      eligibility: { added: 3, changed: 0, removed: 0, unchanged: 0 },
      approvers: { added: 3, changed: 0, removed: 0, unchanged: 0 },
      settingsChanged: false,
    });
    expect(preview.eligibility.map((c) => [c.change, c.description])).toEqual([
      ['added', 'group TEAM-Users, policy "default"'],
      ['added', 'user alice@example.com, policy "Sandbox"'],
      ['added', 'user carol@example.com, policy "payments"'],
    ]);
    expect(preview.eligibility[0]?.fields).toEqual([
      { field: 'name', after: 'default' },
      { field: 'accounts', after: 'Shared-Tools' },
      { field: 'ous', after: 'NonProduction, Production' },
      { field: 'permissionSets', after: 'PowerUserAccess, ReadOnlyAccess' },
      { field: 'maxDurationHours', after: '8' },
      { field: 'approvalRequired', after: 'true' },
      { field: 'ticketNo', after: 'CHG-1' },
    ]);
    expect(preview.approvers.map((c) => c.description)).toEqual([
      'account Prod-Web, for AdministratorAccess',
      'OU Production',
      'OU Root',
    ]);
    expect(preview.settings).toEqual([]);
    expect(preview.skipped).toEqual([]);
    expect(preview.digest).toMatch(/^[0-9a-f]{64}$/);
    // Nothing written by a preview.
    expect(t.world.policies.snapshot()).toEqual({ eligibility: [], approvers: [] });
    expect(t.policyState.calls.count('apply')).toBe(0);
  });

  it('of an edited document: changed fields before → after, removals, settings, and the rest untouched', async () => {
    const t = setup();
    await t.apply(json(baseDocument()));
    const doc = baseDocument();
    doc.eligibility[0]!.maxDurationHours = 6;
    doc.eligibility[0]!.accounts = ['Shared-Tools', 'Staging'];
    doc.eligibility[1]!.name = 'SANDBOX';
    doc.eligibility.splice(2, 1);
    doc.approvers[0]!.groups = ['TEAM-Approvers-Production', 'TEAM-Admins'];
    const preview = await t.preview(
      json({ ...doc, settings: { expiryHours: 5, sesSourceEmail: 'team@example.com' } }),
    );

    expect(preview.eligibility).toEqual([
      {
        change: 'changed',
        id: groups.users.id,
        description: 'group TEAM-Users, policy "default"',
        fields: [
          { field: 'accounts', before: 'Shared-Tools', after: 'Shared-Tools, Staging' },
          { field: 'maxDurationHours', before: '8', after: '6' },
        ],
      },
      {
        change: 'changed',
        id: `${users.alice.id}#sandbox`,
        description: 'user alice@example.com, policy "SANDBOX"',
        fields: [{ field: 'name', before: 'Sandbox', after: 'SANDBOX' }],
      },
      {
        change: 'removed',
        id: `${users.carol.id}#payments`,
        description: 'user carol@example.com, policy "payments"',
        fields: [
          { field: 'name', before: 'payments' },
          { field: 'pairs', before: 'Prod-Payments / ReadOnlyAccess' },
          { field: 'maxDurationHours', before: '2' },
          { field: 'approvalRequired', before: 'true' },
          { field: 'ticketNo', before: 'CHG-3' },
        ],
      },
    ]);
    expect(preview.approvers).toEqual([
      {
        change: 'changed',
        id: ous.production.id,
        description: 'OU Production',
        fields: [
          {
            field: 'groups',
            before: 'TEAM-Approvers-Production',
            after: 'TEAM-Admins, TEAM-Approvers-Production',
          },
        ],
      },
    ]);
    expect(preview.settings).toEqual([
      { field: 'expiryHours', before: '3', after: '5' },
      { field: 'sesSourceEmail', after: 'team@example.com' },
    ]);
    expect(preview.counts).toEqual({
      eligibility: { added: 0, changed: 2, removed: 1, unchanged: 0 },
      approvers: { added: 0, changed: 1, removed: 0, unchanged: 2 },
      settingsChanged: true,
    });

    const storedBefore = t.world.policies.snapshot();
    await t.importPolicies(t.admin, {
      document: json({ ...doc, settings: { expiryHours: 5, sesSourceEmail: 'team@example.com' } }),
      expectedDigest: preview.digest,
    });
    const after = t.world.policies.snapshot();
    expect(after.eligibility).toHaveLength(2);
    const team = after.eligibility.find((p) => p.id === groups.users.id);
    expect(team?.maxDurationHours).toBe(6);
    const previously = storedBefore.eligibility.find((p) => p.id === groups.users.id)?.updatedAt ?? '';
    expect((team?.updatedAt ?? '') > previously).toBe(true);
    // Unchanged policies are not rewritten.
    expect(after.approvers.find((p) => p.id === DEMO.root.id)).toEqual(
      storedBefore.approvers.find((p) => p.id === DEMO.root.id),
    );
    expect(await t.world.settings.get()).toMatchObject({
      expiryHours: 5,
      sesSourceEmail: 'team@example.com',
      version: 1,
    });
    // The document now matches: a second preview changes nothing.
    const again = await t.preview(await t.exportPolicies());
    expect([...again.eligibility, ...again.approvers, ...again.settings]).toEqual([]);
  });

  it('leaves out what the document leaves out; an empty list removes every policy of its kind', async () => {
    const t = setup();
    await t.apply(json(baseDocument()));
    const untouched = await t.preview(json({ version: 1 }));
    expect(untouched.counts).toEqual({
      eligibility: { added: 0, changed: 0, removed: 0, unchanged: 3 },
      approvers: { added: 0, changed: 0, removed: 0, unchanged: 3 },
      settingsChanged: false,
    });
    await t.apply(json({ version: 1, approvers: [] }));
    expect(t.world.policies.snapshot().approvers).toEqual([]);
    expect(t.world.policies.snapshot().eligibility).toHaveLength(3);
  });
});

describe('importing', () => {
  /** The demo's starter policies without the one the original allowed and TEAM refuses. */
  function demoState(t: ReturnType<typeof setup>) {
    const seeded = demoPolicies();
    for (const p of seeded.eligibility)
      p.permissionSets = p.permissionSets.filter((s) => s.arn !== ps.billing.arn);
    t.world.policies.seed(seeded);
    t.world.settings.seed(
      someSettings({
        expiryHours: 4,
        ticketRequired: false,
        sesEnabled: true,
        sesSourceEmail: 'team@example.com',
        adminGroupName: 'TEAM-Admins',
        sensitiveActions: ['iam.amazonaws.com:Delete*', 'StopLogging'],
        version: 7,
      }),
    );
  }

  it.each([
    ['the starter policies, stored in the original model', false, { eligibility: 2, approvers: 4 }],
    ['policies with names, pairs, scopes, users and nested OUs', true, { eligibility: 3, approvers: 3 }],
  ] as const)(
    'round trips %s: export, import into an empty deployment, export: the same bytes',
    async (_name, edited, added) => {
      const source = setup();
      demoState(source);
      if (edited) await source.apply(json(baseDocument()));
      const exported = await source.exportPolicies();

      const target = setup();
      const counts = await target.apply(exported);
      expect(counts.eligibility.added).toBe(added.eligibility);
      expect(counts.approvers.added).toBe(added.approvers);
      expect(counts.settingsChanged).toBe(true);
      expect(await target.exportPolicies()).toBe(exported);
      expect(await target.world.settings.get()).toMatchObject({
        version: 1,
        sensitiveActions: ['iam.amazonaws.com:Delete*', 'StopLogging'],
      });
    },
  );

  it('reads YAML exactly as JSON', async () => {
    const fromJson = setup();
    const fromYaml = setup();
    const doc = { ...baseDocument(), settings: { expiryHours: 6 } };
    const yamlText = stringify(doc);
    expect(yamlText).not.toContain('{');
    const [a, b] = await Promise.all([fromJson.preview(json(doc)), fromYaml.preview(yamlText)]);
    expect({ ...b, digest: '' }).toEqual({ ...a, digest: '' });
    await fromJson.apply(json(doc));
    await fromYaml.apply(yamlText);
    expect(await fromYaml.exportPolicies()).toBe(await fromJson.exportPolicies());
  });

  it('refuses a stale digest: a change since the preview, or another document', async () => {
    const t = setup();
    const document = json(baseDocument());
    const { digest } = await t.preview(document);
    const before = await t.stored();

    const other = json({ ...baseDocument(), approvers: [] });
    const wrongDocument = await failure(
      t.importPolicies(t.admin, { document: other, expectedDigest: digest }),
    );
    expect(wrongDocument).toBeInstanceOf(ConflictError);

    await makeUpdateSettings(t.world)(t.admin, { expiryHours: 2, expectedVersion: 0 });
    const changed = await t.stored();
    const stale = await failure(t.importPolicies(t.admin, { document, expectedDigest: digest }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toBe(
      'The policies or settings changed since the preview, or this is not the document previewed; preview it again. Nothing was imported.',
    );
    expect(await t.stored()).toEqual(changed);
    expect(changed.policies).toEqual(before.policies);

    const malformed = await failure(t.importPolicies(t.admin, { document, expectedDigest: 'abc' }));
    expect(malformed).toBeInstanceOf(ValidationError);
    expect((malformed as ValidationError).field).toBe('expectedDigest');
  });

  it('changes nothing when the document fails on its last entry, or the write fails', async () => {
    const t = setup();
    await t.apply(json(baseDocument()));
    const before = await t.stored();

    const doc = baseDocument();
    doc.eligibility[0]!.maxDurationHours = 1;
    doc.approvers[2]!.groups = ['Nobody'];
    const error = await failure(t.apply(json(doc)));
    expect(error.message).toBe('approvers[2].groups[0]: no group named "Nobody".');
    expect(await t.stored()).toEqual(before);

    const edited = baseDocument();
    edited.eligibility[0]!.maxDurationHours = 1;
    const { digest } = await t.preview(json(edited));
    const lost = new ConflictError('The policy changed since the preview; preview the document again.');
    t.policyState.calls.failNext('apply', lost);
    expect(await failure(t.importPolicies(t.admin, { document: json(edited), expectedDigest: digest }))).toBe(
      lost,
    );
    expect(await t.stored()).toEqual(before);
  });

  it('is for admins, and machines with the policies scopes', async () => {
    const t = setup();
    const document = json(baseDocument());
    for (const persona of ['alice', 'bob', 'erin'] as const) {
      const caller = t.world.callers[persona];
      expect(
        await failure(makeExportPolicies({ ...t.world, policyState: t.policyState })(caller)),
      ).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.apply(document, null, caller))).toBeInstanceOf(ForbiddenError);
    }
    const machine = (scope: string) => ({
      ...t.world.callers.oscar,
      userId: 'machine:ci',
      userName: 'ci',
      groupIds: [],
      machine: { clientId: 'ci', scopes: [scope] },
    });
    const reader = machine('team/policies.read');
    const preview = makePreviewPolicyImport({ ...t.world, policyState: t.policyState });
    const { digest } = await preview(reader, { document });
    const importAs = makeImportPolicies({ ...t.world, policyState: t.policyState });
    expect(await failure(importAs(reader, { document, expectedDigest: digest }))).toBeInstanceOf(
      ForbiddenError,
    );
    const writer = machine('team/policies.write');
    await importAs(writer, { document, expectedDigest: digest });
    expect(t.world.policies.snapshot().eligibility[0]?.updatedBy).toBe('ci');
  });
});
