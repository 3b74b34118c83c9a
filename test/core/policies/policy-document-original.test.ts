/**
 * Moving from the original TEAM: its Eligibility, Approvers and Settings items (as `aws dynamodb
 * scan` prints them, or plain) become a policy document, and once imported they resolve to the
 * same eligibility and approvers as the original would (inventory §6.1, §6.3): the union of a
 * user's and their groups' policies, OUs covering their direct accounts only, approvers from
 * the account's policy and its direct parent's.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import { resolveApprovers } from '../../../lambdas/core/policies/approvers';
import { resolveEligibility } from '../../../lambdas/core/policies/eligibility';
import { convertOriginalTeamExport } from '../../../lambdas/core/policies/policy-document-original';
import {
  makeImportPolicies,
  makePreviewPolicyImport,
} from '../../../lambdas/core/policies/policy-document-import';
import { effectiveSettings } from '../../../lambdas/core/settings/settings';
import { DEMO, makeTestWorld, type Persona } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';
import { scan } from '../original-items';

const { accounts, groups, users, ous, permissionSets: ps } = DEMO;

const ref = (r: { id: string; name: string }) => ({ name: r.name, id: r.id });
const psRef = (p: { arn: string; name: string }) => ({ name: p.name, id: p.arn });

/** Original items of every kind, as the original's admin pages wrote them. */
const ORIGINAL = {
  eligibility: [
    {
      id: groups.users.id,
      name: groups.users.name,
      type: 'Group',
      accounts: [ref(accounts.sharedTools)],
      ous: [ref(ous.production)],
      permissions: [psRef(ps.readOnly)],
      duration: '8',
      approvalRequired: true,
      ticketNo: '',
      modifiedBy: 'idc_dave@example.com',
      __typename: 'Eligibility',
    },
    {
      id: users.alice.id,
      name: users.alice.userName,
      type: 'User',
      accounts: [],
      ous: [ref(ous.sandbox), ref(DEMO.root)],
      permissions: [psRef(ps.admin)],
      duration: '4',
      approvalRequired: false,
      ticketNo: 'CHG-7',
    },
    {
      id: users.carol.id,
      name: users.carol.userName,
      type: 'User',
      accounts: [ref(accounts.staging)],
      ous: [],
      permissions: [psRef(ps.powerUser)],
      duration: '2',
      approvalRequired: false,
    },
  ],
  approvers: [
    {
      id: accounts.prodWeb.id,
      name: accounts.prodWeb.name,
      type: 'Account',
      approvers: [groups.approversNonProduction.name],
      groupIds: [groups.approversNonProduction.id],
    },
    {
      id: ous.production.id,
      name: ous.production.name,
      type: 'OU',
      approvers: [groups.approversProduction.name],
      groupIds: [groups.approversProduction.id],
    },
    // Written by an older version: group names only.
    { id: DEMO.root.id, name: 'Root', type: 'OU', approvers: [groups.admins.name] },
  ],
  settings: {
    id: 'settings',
    duration: '9',
    expiry: '2',
    comments: true,
    ticketNo: false,
    approval: true,
    sesNotificationsEnabled: false,
    snsNotificationsEnabled: false,
    slackNotificationsEnabled: false,
    slackToken: 'xoxb-never-imported',
    slackAuditNotificationsChannel: '',
    sesSourceEmail: '',
    sesSourceArn: '',
    teamAdminGroup: 'TEAM-Admins',
    teamAuditorGroup: 'TEAM-Auditors',
    useOUCache: false,
    modifiedBy: 'idc_dave@example.com',
  },
};

/** The bundle as docs/migrating.md has admins build it from three scans. */
const bundle = () =>
  JSON.stringify({
    eligibility: scan(ORIGINAL.eligibility),
    approvers: scan(ORIGINAL.approvers),
    settings: scan([ORIGINAL.settings]),
  });

describe('converting original TEAM items', () => {
  it('reads scan output (DynamoDB JSON) and plain items alike', () => {
    const fromScan = convertOriginalTeamExport(JSON.parse(bundle()));
    const plain = convertOriginalTeamExport({ ...ORIGINAL, settings: ORIGINAL.settings });
    expect(plain).toEqual(fromScan);
    expect(fromScan.document).toEqual({
      version: 1,
      eligibility: [
        {
          principal: { type: 'GROUP', name: groups.users.id },
          name: 'default',
          accounts: [accounts.sharedTools.id],
          ous: [ous.production.id],
          permissionSets: [ps.readOnly.arn],
          maxDurationHours: 8,
          approvalRequired: true,
        },
        {
          principal: { type: 'USER', name: users.alice.id },
          name: 'default',
          ous: [ous.sandbox.id, DEMO.root.id],
          permissionSets: [ps.admin.arn],
          maxDurationHours: 4,
          approvalRequired: false,
          ticketNo: 'CHG-7',
        },
        {
          principal: { type: 'USER', name: users.carol.id },
          name: 'default',
          accounts: [accounts.staging.id],
          permissionSets: [ps.powerUser.arn],
          maxDurationHours: 2,
          approvalRequired: false,
        },
      ],
      approvers: [
        {
          target: { type: 'ACCOUNT', name: accounts.prodWeb.id },
          groups: [groups.approversNonProduction.id],
        },
        { target: { type: 'OU', name: ous.production.id }, groups: [groups.approversProduction.id] },
        { target: { type: 'OU', name: DEMO.root.id }, groups: [groups.admins.name] },
      ],
      settings: {
        maxDurationHours: 9,
        expiryHours: 2,
        commentsRequired: true,
        ticketRequired: false,
        approvalWorkflow: true,
        sesEnabled: false,
        snsEnabled: false,
        slackEnabled: false,
        slackAuditChannel: null,
        sesSourceEmail: null,
        sesSourceArn: null,
        adminGroupName: 'TEAM-Admins',
        auditorGroupName: 'TEAM-Auditors',
        ouCacheEnabled: false,
      },
    });
    expect(fromScan.skipped).toEqual([
      {
        part: 'settings',
        item: 'slackToken',
        reason: 'a secret is never imported: save the Slack token on the Settings page',
      },
    ]);
  });

  const skips: readonly (readonly [string, 'eligibility' | 'approvers', Record<string, unknown>, string])[] =
    [
      ['an item without an id', 'eligibility', { type: 'User' }, 'it has no id'],
      [
        'an unknown principal type',
        'eligibility',
        { id: 'x', type: 'Role', ous: [ref(ous.sandbox)], permissions: [psRef(ps.admin)], duration: '1' },
        'its type must be User or Group, not "Role"',
      ],
      [
        'no account or OU',
        'eligibility',
        { id: 'x', type: 'Group', accounts: [], ous: [], permissions: [psRef(ps.admin)], duration: '1' },
        'it names no account or OU',
      ],
      [
        'no permission set',
        'eligibility',
        { id: 'x', type: 'Group', ous: [ref(ous.sandbox)], permissions: [], duration: '1' },
        'it names no permission set',
      ],
      [
        'a duration that is no number',
        'eligibility',
        {
          id: 'x',
          type: 'Group',
          ous: [ref(ous.sandbox)],
          permissions: [psRef(ps.admin)],
          duration: 'eight',
        },
        'its duration "eight" is not a whole number of hours',
      ],
      [
        'an approval flag that is no flag',
        'eligibility',
        {
          id: 'x',
          type: 'Group',
          ous: [ref(ous.sandbox)],
          permissions: [psRef(ps.admin)],
          duration: '1',
          approvalRequired: 'maybe',
        },
        'its approvalRequired "maybe" is not true or false',
      ],
      [
        'a deleted item',
        'eligibility',
        { id: 'x', _deleted: true, type: 'Group' },
        'it is marked deleted (_deleted)',
      ],
      [
        'an approver policy without groups',
        'approvers',
        { id: accounts.staging.id, type: 'Account' },
        'it names no approver group',
      ],
      [
        'an unknown target type',
        'approvers',
        { id: 'x', type: 'Folder', groupIds: ['g'] },
        'its type must be Account or OU, not "Folder"',
      ],
    ];
  it.each(skips)('reports %s, and converts the rest', (_name, part, bad, reason) => {
    const good = part === 'eligibility' ? ORIGINAL.eligibility[1] : ORIGINAL.approvers[1];
    const converted = convertOriginalTeamExport({ [part]: scan([bad, good as Record<string, unknown>]) });
    expect(converted.skipped).toEqual([{ part, item: typeof bad.id === 'string' ? bad.id : '#0', reason }]);
    expect(converted.document[part]).toHaveLength(1);
    expect(converted.document.settings).toBeUndefined();
  });

  it('infers a missing target type from the id and keeps the current value of a bad setting', () => {
    const converted = convertOriginalTeamExport({
      approvers: [{ id: accounts.staging.id, groupIds: [groups.admins.id] }],
      settings: [{ id: 'settings', duration: 'nine', expiry: 5, comments: 'false' }],
    });
    expect(converted.document.approvers).toEqual([
      { target: { type: 'ACCOUNT', name: accounts.staging.id }, groups: [groups.admins.id] },
    ]);
    expect(converted.document.settings).toEqual({ expiryHours: 5, commentsRequired: false });
    expect(converted.skipped).toEqual([
      {
        part: 'settings',
        item: 'duration',
        reason: '"nine" is not a whole number of hours; the current value is kept',
      },
    ]);
  });

  it.each([
    ['not an object', [], /^An original TEAM export must be an object/],
    ['an unknown part', { requests: [] }, /not "requests"\.$/],
    ['an empty bundle', {}, /holds nothing to import/],
    [
      'a part that is no list',
      { eligibility: 'all' },
      /^eligibility: must be the output of aws dynamodb scan/,
    ],
  ])('refuses %s', (_name, value, message) => {
    let thrown: unknown;
    try {
      convertOriginalTeamExport(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toMatch(message);
  });
});

describe('imported original policies resolve as the original resolved them', () => {
  async function imported() {
    const world = makeTestWorld({ seedPolicies: false });
    const deps = { ...world, policyState: new InMemoryPolicyState(world.policies, world.settings) };
    const admin = world.callers.dave;
    const document = bundle();
    const preview = await makePreviewPolicyImport(deps)(admin, { document, format: 'ORIGINAL_TEAM' });
    // The diff is shown first: nothing is written by the preview.
    expect(world.policies.snapshot()).toEqual({ eligibility: [], approvers: [] });
    expect(preview.counts).toEqual({
      eligibility: { added: 3, changed: 0, removed: 0, unchanged: 0 },
      approvers: { added: 3, changed: 0, removed: 0, unchanged: 0 },
      settingsChanged: true,
    });
    expect(preview.settings.map((c) => c.field)).toEqual([
      'expiryHours',
      'ticketRequired',
      'adminGroupName',
      'auditorGroupName',
    ]);
    // The conversion, named, is what an admin keeps (and may import as a TEAM document later).
    expect(preview.document).toContain('"name": "TEAM-Users"');
    expect(preview.document).not.toContain('xoxb');
    await makeImportPolicies(deps)(admin, {
      document,
      format: 'ORIGINAL_TEAM',
      expectedDigest: preview.digest,
    });
    return world;
  }

  async function eligibilityOf(world: Awaited<ReturnType<typeof imported>>, persona: Persona) {
    const caller = world.callers[persona];
    const excluded = await world.directory.permissionSetsProvisionedTo(accounts.management.id);
    const eligible = await resolveEligibility({
      policies: await world.policies.eligibilitiesOf([caller.userId, ...caller.groupIds]),
      settings: effectiveSettings(await world.settings.get(), world.fallback),
      accountsInOu: (ouId) => world.organization.accountsInOu(ouId),
      excludedAccountIds: [accounts.management.id],
      excludedPermissionSetArns: excluded,
    });
    return Object.fromEntries(
      eligible.map((a) => [
        a.name,
        a.permissionSets.map(
          (p) => `${p.name} ${p.maxDurationHours}h${p.approvalRequired ? ' approval' : ''}`,
        ),
      ]),
    );
  }

  async function approversOf(world: Awaited<ReturnType<typeof imported>>, accountId: string) {
    const resolved = await resolveApprovers({
      accountId,
      permissionSetArn: ps.readOnly.arn,
      requesterId: users.alice.id,
      parent: await world.organization.parentOf(accountId),
      ancestorsOf: (ouId) => world.organization.ancestorsOf(ouId),
      approverPoliciesOf: (ids) => world.policies.approverPoliciesOf(ids),
      membersOfGroup: (groupId) => world.directory.membersOfGroup(groupId),
      getUser: (userId) => world.directory.getUser(userId),
    });
    return resolved.approvers.map((a) => a.id).sort();
  }

  it('eligibility: the union of the user’s and their groups’ policies, OUs by their direct accounts', async () => {
    const world = await imported();
    // TEAM-Users: Shared-Tools and Production's direct accounts (not Prod-EU-Data, nested);
    // Alice: the Sandbox OU and the root's direct accounts (Shared-Tools; never Management).
    expect(await eligibilityOf(world, 'alice')).toEqual({
      'Prod-Payments': ['ReadOnlyAccess 8h approval'],
      'Prod-Web': ['ReadOnlyAccess 8h approval'],
      'Sandbox-Alice': ['AdministratorAccess 4h'],
      'Shared-Tools': ['AdministratorAccess 4h', 'ReadOnlyAccess 8h approval'],
    });
    expect(await eligibilityOf(world, 'carol')).toEqual({
      'Prod-Payments': ['ReadOnlyAccess 8h approval'],
      'Prod-Web': ['ReadOnlyAccess 8h approval'],
      'Shared-Tools': ['ReadOnlyAccess 8h approval'],
      Staging: ['PowerUserAccess 2h'],
    });
    expect(await eligibilityOf(world, 'oscar')).toEqual({});
  });

  it('names the original item of an entry the import refuses, and writes nothing', async () => {
    const world = makeTestWorld({ seedPolicies: false });
    const deps = { ...world, policyState: new InMemoryPolicyState(world.policies, world.settings) };
    // The original's API let a policy name a permission set of the management account.
    const withBilling = {
      ...ORIGINAL.eligibility[1],
      permissions: [psRef(ps.admin), psRef(ps.billing)],
    } as Record<string, unknown>;
    const document = JSON.stringify({
      eligibility: scan([{ id: 'bad', type: 'Group' }, ORIGINAL.eligibility[0]!, withBilling]),
    });
    let thrown: unknown;
    try {
      await makePreviewPolicyImport(deps)(world.callers.dave, { document, format: 'ORIGINAL_TEAM' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe(
      `eligibility[1].permissionSets[1]: permission set "ManagementBilling" is provisioned to the management account and cannot be part of an eligibility policy (original eligibility item ${users.alice.id}).`,
    );
    expect(world.policies.snapshot()).toEqual({ eligibility: [], approvers: [] });
  });

  it('approvers: the account’s policy and its direct parent’s, never an OU further up', async () => {
    const world = await imported();
    const { bob, carol, frank, dave } = users;
    expect(await approversOf(world, accounts.prodWeb.id)).toEqual([bob.id, carol.id, frank.id].sort());
    expect(await approversOf(world, accounts.prodPayments.id)).toEqual([bob.id, frank.id].sort());
    // Production-EU has no policy and the root is not its direct parent: nobody.
    expect(await approversOf(world, accounts.prodEuData.id)).toEqual([]);
    // Directly under the root: the root's policy, its group given by name in the original.
    expect(await approversOf(world, accounts.sharedTools.id)).toEqual([dave.id]);
  });
});
