import { describe, expect, it } from 'vitest';
import { MAX_APPROVERS, requireApprovers, resolveApprovers } from '../../../lambdas/core/policies/approvers';
import { NoApproverError } from '../../../lambdas/core/errors';
import type { ApproverPolicy, DirectoryUser, ParentRef } from '../../../lambdas/core/types';
import { approverPolicy } from '../fixtures';

const ACCOUNT = '111111111111';
const OU = 'ou-prod-11111111';
const ROOT = 'r-root';

const USERS: Record<string, DirectoryUser> = {
  alice: { id: 'alice', userName: 'alice@example.com', displayName: 'Alice', email: 'alice@example.com' },
  bob: { id: 'bob', userName: 'bob@example.com', displayName: 'Bob', email: 'bob@example.com' },
  carol: { id: 'carol', userName: 'carol@example.com', email: 'carol@example.com' },
  noemail: { id: 'noemail', userName: 'noemail', displayName: 'No Email' },
  requester: { id: 'requester', userName: 'req@example.com', email: 'req@example.com' },
};

function world(options: {
  policies: ApproverPolicy[];
  parent?: ParentRef;
  groups: Record<string, string[]>;
}) {
  const lookups = { groups: [] as string[], users: [] as string[], policies: [] as string[] };
  const policies = new Map(options.policies.map((p) => [p.id, p]));
  return {
    lookups,
    input: {
      accountId: ACCOUNT,
      requesterId: 'requester',
      getApproverPolicy: async (id: string) => {
        lookups.policies.push(id);
        return policies.get(id);
      },
      parentOf: async (): Promise<ParentRef> => options.parent ?? { id: OU, type: 'ORGANIZATIONAL_UNIT' },
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

describe('resolveApprovers', () => {
  it('unites the account policy and its parent OU policy, de-duplicated, looking each up once', async () => {
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
      { id: 'alice', email: 'alice@example.com', name: 'Alice' },
      { id: 'bob', email: 'bob@example.com', name: 'Bob' },
      { id: 'carol', email: 'carol@example.com', name: 'carol@example.com' },
    ]);
    expect(lookups.groups.sort()).toEqual(['g-account', 'g-ou', 'g-shared']);
    expect(lookups.users.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(lookups.policies).toEqual([ACCOUNT, OU]);
  });

  it('removes the requester even when they are in an approver group', async () => {
    const { input, lookups } = world({
      policies: [approverPolicy(ACCOUNT, ['g'])],
      groups: { g: ['requester', 'alice'] },
    });
    const result = await resolveApprovers(input);
    expect(result.approvers.map((a) => a.id)).toEqual(['alice']);
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

  it('uses the root policy when the account sits directly under the root', async () => {
    const { input, lookups } = world({
      parent: { id: ROOT, type: 'ROOT' },
      policies: [approverPolicy(ROOT, ['g-root'], 'OU'), approverPolicy(OU, ['g-ou'], 'OU')],
      groups: { 'g-root': ['bob'], 'g-ou': ['alice'] },
    });
    const result = await resolveApprovers(input);
    expect(result.approvers.map((a) => a.id)).toEqual(['bob']);
    expect(lookups.policies).toEqual([ACCOUNT, ROOT]);
  });

  it('uses the parent policy alone when the account has none', async () => {
    const { input } = world({
      policies: [approverPolicy(OU, ['g-ou'], 'OU')],
      groups: { 'g-ou': ['carol'] },
    });
    expect((await resolveApprovers(input)).approvers.map((a) => a.id)).toEqual(['carol']);
  });

  it('lists users without an email by name and skips users missing from the directory', async () => {
    const { input } = world({
      policies: [approverPolicy(ACCOUNT, ['g'])],
      groups: { g: ['noemail', 'ghost'] },
    });
    expect((await resolveApprovers(input)).approvers).toEqual([
      { id: 'noemail', email: '', name: 'No Email' },
    ]);
  });

  it('finds nobody without policies', async () => {
    const { input, lookups } = world({ policies: [], groups: {} });
    expect(await resolveApprovers(input)).toEqual({ approvers: [], groupIds: [] });
    expect(lookups.groups).toEqual([]);
  });
});

describe('requireApprovers', () => {
  it('returns the approvers when there are some', () => {
    const approvers = [{ id: 'alice', email: 'alice@example.com' }];
    expect(requireApprovers({ approvers }, { id: ACCOUNT, name: 'Production' })).toBe(approvers);
  });

  it('refuses more approvers than one transaction can index, with a message for the admin', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `u${i}`, email: `u${i}@example.com` }));
    expect(
      requireApprovers({ approvers: many(MAX_APPROVERS) }, { id: ACCOUNT, name: 'Production' }),
    ).toHaveLength(MAX_APPROVERS);
    expect(() =>
      requireApprovers({ approvers: many(MAX_APPROVERS + 1) }, { id: ACCOUNT, name: 'Production' }),
    ).toThrow(/91 people could approve access to Production .* at most 90/);
  });
});
