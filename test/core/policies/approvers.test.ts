import { describe, expect, it } from 'vitest';
import {
  MAX_APPROVERS,
  requireApprovers,
  resolveApprovers,
  selectApproverPolicies,
  type ApproverCandidate,
} from '../../../lambdas/core/policies/approvers';
import { NoApproverError } from '../../../lambdas/core/errors';
import type { ApproverPolicy, DirectoryUser, ParentRef } from '../../../lambdas/core/types';
import { approverPolicy, ps } from '../fixtures';

/*
 *   r-root ── ou-prod-11111111 (Production) ── 111111111111 (the request's account)
 *          │                                 └─ ou-team-22222222 ── 222222222222 (nested account)
 */
const ACCOUNT = '111111111111';
const NESTED_ACCOUNT = '222222222222';
const OU = 'ou-prod-11111111';
const TEAM_OU = 'ou-team-22222222';
const ROOT = 'r-root';
const ANCESTORS: Record<string, string[]> = { [OU]: [ROOT], [TEAM_OU]: [OU, ROOT], [ROOT]: [] };

const ADMIN = ps(1, 'AdministratorAccess');
const READ = ps(2, 'ReadOnlyAccess');

const USERS: Record<string, DirectoryUser> = {
  alice: { id: 'alice', userName: 'alice@example.com', displayName: 'Alice', email: 'alice@example.com' },
  bob: { id: 'bob', userName: 'bob@example.com', displayName: 'Bob', email: 'bob@example.com' },
  carol: { id: 'carol', userName: 'carol@example.com', email: 'carol@example.com' },
  noemail: { id: 'noemail', userName: 'noemail', displayName: 'No Email' },
  requester: { id: 'requester', userName: 'req@example.com', email: 'req@example.com' },
};

function world(options: {
  policies: ApproverPolicy[];
  accountId?: string;
  parent?: ParentRef;
  permissionSetArn?: string;
  groups: Record<string, string[]>;
}) {
  const lookups = { groups: [] as string[], users: [] as string[], targets: [] as string[] };
  return {
    lookups,
    input: {
      accountId: options.accountId ?? ACCOUNT,
      permissionSetArn: options.permissionSetArn ?? READ.arn,
      requesterId: 'requester',
      parent: options.parent ?? { id: OU, type: 'ORGANIZATIONAL_UNIT' as const },
      ancestorsOf: async (ouId: string) => ANCESTORS[ouId] ?? [],
      approverPoliciesOf: async (targetIds: readonly string[]) => {
        lookups.targets.push(...targetIds);
        return options.policies.filter((p) => targetIds.includes(p.targetId));
      },
      membersOfGroup: async (groupId: string) => {
        lookups.groups.push(groupId);
        return options.groups[groupId] ?? [];
      },
      getUser: async (userId: string) => {
        lookups.users.push(userId);
        return USERS[userId];
      },
    },
  };
}

const ids = (approvers: readonly ApproverCandidate[]) => approvers.map((a) => a.id);

// Policies of the original model: one per account or OU, unscoped, groups only.
const accountPolicy = approverPolicy(ACCOUNT, ['g-account']);
const ouPolicy = approverPolicy(OU, ['g-ou'], 'OU');
const rootPolicy = approverPolicy(ROOT, ['g-root'], 'OU');
// Today's model.
const ouAdminOnly = approverPolicy(OU, ['g-security'], 'OU', { permissionSets: [ADMIN] });
const accountReadOnly = approverPolicy(ACCOUNT, ['g-leads'], 'ACCOUNT', { permissionSets: [READ] });
const rootNested = approverPolicy(ROOT, ['g-root'], 'OU', { includeNestedOus: true });
const ouNested = approverPolicy(OU, ['g-ou'], 'OU', { includeNestedOus: true });
const rootNestedAlso = approverPolicy(ROOT, ['g-audit'], 'OU', { includeNestedOus: true, also: true });
const ouNamedUser = approverPolicy(OU, [], 'OU', {
  approverUsers: [{ id: 'carol', name: 'carol@example.com' }],
});

const GROUPS = {
  'g-account': ['alice'],
  'g-ou': ['bob'],
  'g-root': ['carol'],
  'g-security': ['alice'],
  'g-leads': ['bob'],
  'g-audit': ['noemail'],
};

describe('which approver policies decide a request', () => {
  const cases: {
    name: string;
    policies: ApproverPolicy[];
    accountId?: string;
    parent?: ParentRef;
    permissionSet?: string;
    decide: ApproverPolicy[];
  }[] = [
    // The original model, unchanged.
    {
      name: 'original: account and its parent OU together',
      policies: [accountPolicy, ouPolicy],
      decide: [accountPolicy, ouPolicy],
    },
    {
      name: 'original: the parent alone when the account has none',
      policies: [ouPolicy, rootPolicy],
      decide: [ouPolicy],
    },
    { name: 'original: the account alone', policies: [accountPolicy, rootPolicy], decide: [accountPolicy] },
    {
      name: 'original: the root for an account directly under it',
      policies: [rootPolicy, ouPolicy],
      parent: { id: ROOT, type: 'ROOT' },
      decide: [rootPolicy],
    },
    { name: 'original: a grandparent is never consulted', policies: [rootPolicy], decide: [] },
    {
      name: 'original: an OU policy for an id that is not the parent does not apply',
      policies: [approverPolicy(TEAM_OU, ['g-ou'], 'OU')],
      decide: [],
    },
    // Scoped to permission sets.
    {
      name: 'scoped beats unscoped for its permission set',
      policies: [accountPolicy, ouPolicy, ouAdminOnly],
      permissionSet: ADMIN.arn,
      decide: [ouAdminOnly],
    },
    {
      name: 'a scoped policy for another permission set changes nothing',
      policies: [accountPolicy, ouPolicy, ouAdminOnly],
      permissionSet: READ.arn,
      decide: [accountPolicy, ouPolicy],
    },
    {
      name: 'scope decides before place: an OU scoped policy beats the account unscoped one',
      policies: [accountPolicy, ouAdminOnly],
      permissionSet: ADMIN.arn,
      decide: [ouAdminOnly],
    },
    {
      name: 'scoped policies of the account and its parent count together',
      policies: [accountReadOnly, approverPolicy(OU, ['g-ou'], 'OU', { permissionSets: [READ, ADMIN] })],
      permissionSet: READ.arn,
      decide: [accountReadOnly, approverPolicy(OU, ['g-ou'], 'OU', { permissionSets: [READ, ADMIN] })],
    },
    // Nested OUs.
    {
      name: 'a root policy with nested OUs covers an account two levels down',
      policies: [rootNested],
      decide: [rootNested],
    },
    {
      name: 'a nearer policy beats a farther nested one',
      policies: [rootNested, ouPolicy],
      decide: [ouPolicy],
    },
    {
      name: 'the nearest nested policy wins among ancestors',
      policies: [rootNested, ouNested],
      accountId: NESTED_ACCOUNT,
      parent: { id: TEAM_OU, type: 'ORGANIZATIONAL_UNIT' },
      decide: [ouNested],
    },
    {
      name: 'a policy without nested OUs stops at its direct accounts',
      policies: [ouPolicy],
      accountId: NESTED_ACCOUNT,
      parent: { id: TEAM_OU, type: 'ORGANIZATIONAL_UNIT' },
      decide: [],
    },
    // Also.
    {
      name: '"also" adds a policy that would otherwise not count',
      policies: [accountPolicy, ouPolicy, rootNestedAlso],
      decide: [accountPolicy, ouPolicy, rootNestedAlso],
    },
    {
      name: '"also" adds an unscoped policy beside a scoped one',
      policies: [ouAdminOnly, approverPolicy(ACCOUNT, ['g-audit'], 'ACCOUNT', { also: true })],
      permissionSet: ADMIN.arn,
      decide: [approverPolicy(ACCOUNT, ['g-audit'], 'ACCOUNT', { also: true }), ouAdminOnly],
    },
    {
      name: 'an account policy must be for an account',
      policies: [approverPolicy(ACCOUNT, ['g-ou'], 'OU')],
      decide: [],
    },
  ];

  it.each(cases)('$name', ({ policies, accountId = ACCOUNT, parent, permissionSet = READ.arn, decide }) => {
    const parentId = parent?.id ?? OU;
    const path = [accountId, parentId, ...(ANCESTORS[parentId] ?? [])];
    expect(selectApproverPolicies(policies, { accountId, permissionSetArn: permissionSet, path })).toEqual(
      decide,
    );
  });
});

describe('resolveApprovers', () => {
  it('unites the groups and users of the deciding policies, de-duplicated, looking each up once', async () => {
    const { input, lookups } = world({
      policies: [
        approverPolicy(ACCOUNT, ['g-account', 'g-shared']),
        approverPolicy(OU, ['g-shared', 'g-ou'], 'OU'),
      ],
      groups: { 'g-account': ['alice', 'bob'], 'g-shared': ['bob'], 'g-ou': ['carol', 'alice'] },
    });
    const result = await resolveApprovers(input);
    expect(result.groupIds).toEqual(['g-account', 'g-shared', 'g-ou']);
    expect(result.approvers).toEqual([
      {
        id: 'alice',
        email: 'alice@example.com',
        name: 'Alice',
        groups: [
          { id: 'g-account', name: 'group g-account' },
          { id: 'g-ou', name: 'group g-ou' },
        ],
        named: false,
      },
      {
        id: 'bob',
        email: 'bob@example.com',
        name: 'Bob',
        groups: [
          { id: 'g-account', name: 'group g-account' },
          { id: 'g-shared', name: 'group g-shared' },
        ],
        named: false,
      },
      {
        id: 'carol',
        email: 'carol@example.com',
        name: 'carol@example.com',
        groups: [{ id: 'g-ou', name: 'group g-ou' }],
        named: false,
      },
    ]);
    expect(lookups.groups.sort()).toEqual(['g-account', 'g-ou', 'g-shared']);
    expect(lookups.users.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(lookups.targets).toEqual([ACCOUNT, OU, ROOT]);
  });

  it('lists users a policy names, with no group', async () => {
    const { input } = world({ policies: [ouNamedUser], groups: {} });
    expect((await resolveApprovers(input)).approvers).toEqual([
      { id: 'carol', email: 'carol@example.com', name: 'carol@example.com', groups: [], named: true },
    ]);
  });

  it('routes production AdministratorAccess to security and ReadOnly to team leads', async () => {
    const policies = [ouAdminOnly, approverPolicy(OU, ['g-leads'], 'OU', { permissionSets: [READ] })];
    const admin = world({ policies, groups: GROUPS, permissionSetArn: ADMIN.arn });
    const read = world({ policies, groups: GROUPS, permissionSetArn: READ.arn });
    expect(ids((await resolveApprovers(admin.input)).approvers)).toEqual(['alice']);
    expect(ids((await resolveApprovers(read.input)).approvers)).toEqual(['bob']);
  });

  it('removes the requester even when they are in an approver group or named', async () => {
    const { input, lookups } = world({
      policies: [
        approverPolicy(ACCOUNT, ['g'], 'ACCOUNT', { approverUsers: [{ id: 'requester', name: 'r' }] }),
      ],
      groups: { g: ['requester', 'alice'] },
    });
    const result = await resolveApprovers(input);
    expect(ids(result.approvers)).toEqual(['alice']);
    expect(lookups.users).not.toContain('requester');
  });

  it('refuses a request that only the requester could approve', async () => {
    const { input } = world({ policies: [approverPolicy(ACCOUNT, ['g'])], groups: { g: ['requester'] } });
    const result = await resolveApprovers(input);
    expect(result.approvers).toEqual([]);
    expect(result.groupIds).toEqual(['g']);
    expect(() => requireApprovers(result, { id: ACCOUNT, name: 'Production' })).toThrow(NoApproverError);
    expect(() => requireApprovers(result, { id: ACCOUNT, name: 'Production' })).toThrow(
      'No one other than you can approve access to Production (111111111111); ask an administrator to add an approver policy.',
    );
  });

  it('asks for no ancestors when the account sits under the root', async () => {
    const { input, lookups } = world({
      parent: { id: ROOT, type: 'ROOT' },
      policies: [rootPolicy, ouPolicy],
      groups: GROUPS,
    });
    expect(ids((await resolveApprovers(input)).approvers)).toEqual(['carol']);
    expect(lookups.targets).toEqual([ACCOUNT, ROOT]);
  });

  it('lists users without an email by name and skips users missing from the directory', async () => {
    const { input } = world({
      policies: [
        approverPolicy(ACCOUNT, ['g'], 'ACCOUNT', { approverUsers: [{ id: 'deleted', name: 'gone' }] }),
      ],
      groups: { g: ['noemail', 'ghost'] },
    });
    expect((await resolveApprovers(input)).approvers).toEqual([
      { id: 'noemail', email: '', name: 'No Email', groups: [{ id: 'g', name: 'group g' }], named: false },
    ]);
  });

  it('finds nobody without policies', async () => {
    const { input, lookups } = world({ policies: [], groups: {} });
    expect(await resolveApprovers(input)).toEqual({
      approvers: [],
      policies: [],
      groupIds: [],
      stages: [],
      timers: {},
    });
    expect(lookups.groups).toEqual([]);
  });
});

describe('requireApprovers', () => {
  const candidate = (id: string): ApproverCandidate => ({
    id,
    email: `${id}@example.com`,
    groups: [],
    named: true,
  });

  it('returns the approvers as the request stores them', () => {
    expect(
      requireApprovers({ approvers: [candidate('alice')] }, { id: ACCOUNT, name: 'Production' }),
    ).toEqual([{ id: 'alice', email: 'alice@example.com' }]);
  });

  it('refuses more approvers than one transaction can index, with a message for the admin', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => candidate(`u${i}`));
    expect(
      requireApprovers({ approvers: many(MAX_APPROVERS) }, { id: ACCOUNT, name: 'Production' }),
    ).toHaveLength(MAX_APPROVERS);
    expect(() =>
      requireApprovers({ approvers: many(MAX_APPROVERS + 1) }, { id: ACCOUNT, name: 'Production' }),
    ).toThrow(/91 people could approve access to Production .* at most 90/);
  });
});
