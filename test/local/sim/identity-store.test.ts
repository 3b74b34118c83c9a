import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  paginateListGroupMemberships,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOrg, sdkClientConfig, startSimulators, type Simulators } from '../../../local/sim';

const org = loadDemoOrg();
const IdentityStoreId = org.identityCenter.identityStoreId;
const groupId = (name: string) => org.groups.find((g) => g.displayName === name)?.id ?? '';
const userId = (userName: string) => org.users.find((u) => u.userName === userName)?.id ?? '';

let sims: Simulators;
let client: IdentitystoreClient;

beforeAll(async () => {
  sims = await startSimulators({ seed: 1 });
  client = new IdentitystoreClient(sdkClientConfig(sims.identityStore.url));
});

afterEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
});

afterAll(async () => {
  client?.destroy();
  await sims?.stop();
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { ResourceType?: string };
  }
  throw new Error('expected the call to fail');
};

describe('users', () => {
  it('finds a user id by userName and describes the user', async () => {
    const { UserId } = await client.send(
      new GetUserIdCommand({
        IdentityStoreId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'yuki.tanaka@example.com' },
        },
      }),
    );
    expect(UserId).toBe(userId('yuki.tanaka@example.com'));
    expect(UserId).toMatch(/^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const user = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId }));
    expect(user).toMatchObject({
      IdentityStoreId,
      UserId,
      UserName: 'yuki.tanaka@example.com',
      DisplayName: '田中 由紀',
      Name: { GivenName: '由紀', FamilyName: '田中' },
      Emails: [{ Value: 'yuki.tanaka@example.com', Primary: true }],
    });
  });

  it('finds a user by email as well', async () => {
    const { UserId } = await client.send(
      new GetUserIdCommand({
        IdentityStoreId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'bob.martin@example.com' },
        },
      }),
    );
    expect(UserId).toBe(userId('bob.martin@example.com'));
  });

  it('answers ResourceNotFoundException with the resource type for unknown users', async () => {
    const err = await errorOf(
      client.send(
        new GetUserIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'nobody' } },
        }),
      ),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.ResourceType).toBe('USER');

    const err2 = await errorOf(
      client.send(
        new DescribeUserCommand({
          IdentityStoreId,
          UserId: '0000000000-00000000-0000-0000-0000-000000000000',
        }),
      ),
    );
    expect(err2.name).toBe('ResourceNotFoundException');
    expect(err2.message).toMatch(/not found/);
  });

  it('answers ValidationException for malformed ids and ResourceNotFoundException for another store', async () => {
    const err = await errorOf(client.send(new DescribeUserCommand({ IdentityStoreId, UserId: 'alice' })));
    expect(err.name).toBe('ValidationException');
    const err2 = await errorOf(client.send(new ListUsersCommand({ IdentityStoreId: 'd-0000000000' })));
    expect(err2.name).toBe('ResourceNotFoundException');
    expect(err2.ResourceType).toBe('IDENTITY_STORE');
  });

  it('paginates 300 users and filters by UserName', async () => {
    const added = Array.from({ length: 290 }, (_, i) =>
      sims.state.addUser({
        userName: `load${String(i).padStart(3, '0')}@example.com`,
        email: `load${i}@example.com`,
      }),
    );
    try {
      const names: string[] = [];
      let pages = 0;
      for await (const page of paginateListUsers({ client, pageSize: 50 }, { IdentityStoreId })) {
        pages++;
        names.push(...page.Users!.map((u) => u.UserName ?? ''));
      }
      expect(names).toHaveLength(org.users.length + 290);
      expect(new Set(names).size).toBe(names.length);
      expect(pages).toBe(Math.ceil(names.length / 50));
      for (const u of added) expect(u.id).toMatch(/^[0-9a-f]{10}-[0-9a-f]{8}-/);

      const filtered = await client.send(
        new ListUsersCommand({
          IdentityStoreId,
          Filters: [{ AttributePath: 'UserName', AttributeValue: 'alice.nguyen@example.com' }],
        }),
      );
      expect(filtered.Users?.map((u) => u.UserId)).toEqual([userId('alice.nguyen@example.com')]);
    } finally {
      for (const u of added) sims.state.removeUser(u.id);
    }
  });
});

describe('groups and memberships', () => {
  it('finds a group by display name, describes and lists groups', async () => {
    const { GroupId } = await client.send(
      new GetGroupIdCommand({
        IdentityStoreId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'TEAM-Admins' },
        },
      }),
    );
    expect(GroupId).toBe(groupId('TEAM-Admins'));
    const group = await client.send(new DescribeGroupCommand({ IdentityStoreId, GroupId }));
    expect(group).toMatchObject({ GroupId, DisplayName: 'TEAM-Admins', IdentityStoreId });

    const groups = await client.send(new ListGroupsCommand({ IdentityStoreId }));
    expect(groups.Groups?.map((g) => g.DisplayName)).toEqual(org.groups.map((g) => g.displayName));
    const err = await errorOf(
      client.send(
        new GetGroupIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'Nope' } },
        }),
      ),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.ResourceType).toBe('GROUP');
  });

  it('lists the members of a group and the groups of a member', async () => {
    const approvers = groupId('TEAM-Approvers-Production');
    const members = await client.send(
      new ListGroupMembershipsCommand({ IdentityStoreId, GroupId: approvers }),
    );
    const expected = org.groups.find((g) => g.id === approvers)?.members.map(userId);
    expect(members.GroupMemberships?.map((m) => m.MemberId?.UserId)).toEqual(expected);
    expect(members.GroupMemberships?.[0]).toMatchObject({
      IdentityStoreId,
      GroupId: approvers,
      MembershipId: expect.any(String),
    });

    const carol = userId('carol.smith@example.com');
    const mine = await client.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId, MemberId: { UserId: carol } }),
    );
    expect(mine.GroupMemberships?.map((m) => m.GroupId).sort()).toEqual(
      [groupId('TEAM-Approvers-Production'), groupId('TEAM-Approvers-NonProduction')].sort(),
    );

    const check = await client.send(
      new IsMemberInGroupsCommand({
        IdentityStoreId,
        MemberId: { UserId: carol },
        GroupIds: [groupId('TEAM-Approvers-Production'), groupId('TEAM-Admins')],
      }),
    );
    expect(check.Results?.map((r) => r.MembershipExists)).toEqual([true, false]);

    const membership = await client.send(
      new GetGroupMembershipIdCommand({ IdentityStoreId, GroupId: approvers, MemberId: { UserId: carol } }),
    );
    expect(membership.MembershipId).toEqual(expect.any(String));
  });

  it('sees membership changes made through the state at once', async () => {
    const frank = userId('frank.lee@example.com');
    const admins = groupId('TEAM-Admins');
    sims.state.addMembership(admins, frank);
    const check = async () =>
      (
        await client.send(
          new IsMemberInGroupsCommand({ IdentityStoreId, MemberId: { UserId: frank }, GroupIds: [admins] }),
        )
      ).Results?.[0]?.MembershipExists;
    expect(await check()).toBe(true);
    sims.state.removeMembership(admins, frank);
    expect(await check()).toBe(false);
  });

  it('paginates a large group', async () => {
    const group = sims.state.addGroup({ displayName: 'Everyone' });
    const users = Array.from({ length: 260 }, (_, i) =>
      sims.state.addUser({ userName: `member${i}@example.com` }),
    );
    for (const u of users) sims.state.addMembership(group.id, u.id);
    try {
      const ids: string[] = [];
      for await (const page of paginateListGroupMemberships(
        { client, pageSize: 100 },
        { IdentityStoreId, GroupId: group.id },
      )) {
        ids.push(...page.GroupMemberships!.map((m) => m.MemberId?.UserId ?? ''));
      }
      expect(ids).toEqual(users.map((u) => u.id));
    } finally {
      sims.state.removeGroup(group.id);
      for (const u of users) sims.state.removeUser(u.id);
    }
  });
});

describe('fault knobs', () => {
  it('throttles with ThrottlingException and fails with InternalServerException', async () => {
    sims.identityStore.setFaults({ throttleRate: 1, operations: ['ListUsers'] });
    expect((await errorOf(client.send(new ListUsersCommand({ IdentityStoreId })))).name).toBe(
      'ThrottlingException',
    );
    await client.send(new ListGroupsCommand({ IdentityStoreId }));

    sims.identityStore.setFaults({ throttleRate: 0, errorRate: 1, operations: [] });
    expect((await errorOf(client.send(new ListGroupsCommand({ IdentityStoreId })))).name).toBe(
      'InternalServerException',
    );
    expect(sims.identityStore.calls()).toEqual({ ListUsers: 1, ListGroups: 2 });
    expect(sims.identityStore.failedCalls()).toEqual({ ListUsers: 1, ListGroups: 1 });
  });
});
