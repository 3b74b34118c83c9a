import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lambdas/core/errors';
import { ThrottledError } from '../../lambdas/adapters/errors';
import {
  IdentityCenterAssignments,
  IdentityCenterDirectory,
  type AssignmentOperationStatus,
} from '../../lambdas/adapters/identity-center';
import { sdkClientConfig, startSimulators, type Simulators } from '../../local/sim';
import { FixedClock } from '../fakes/clock';

let sims: Simulators;
let identityStore: IdentitystoreClient;
let ssoAdmin: SSOAdminClient;
const clock = new FixedClock();

const INSTANCE = 'arn:aws:sso:::instance/ssoins-026706d7e805da84';
const STORE = 'd-30877432d1';
const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-82575ec87a171ac8';
const ADMIN = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-6a32c3bb81e3c29b';
const PAYMENTS_PROD = '563028194735';

beforeAll(async () => {
  sims = await startSimulators({ seed: 7 });
  identityStore = new IdentitystoreClient(sdkClientConfig(sims.identityStore.url));
  ssoAdmin = new SSOAdminClient(sdkClientConfig(sims.ssoAdmin.url));
});

afterAll(async () => {
  identityStore.destroy();
  ssoAdmin.destroy();
  await sims.stop();
});

beforeEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
});

const directory = (cacheTtlMs?: number) =>
  new IdentityCenterDirectory(
    { identityStore, ssoAdmin },
    {
      instanceArn: INSTANCE,
      identityStoreId: STORE,
      clock,
      ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }),
    },
  );

describe('IdentityCenterDirectory', () => {
  it('finds users by id and user name, with email and display name', async () => {
    const dir = directory();
    const alice = await dir.findUserByUserName('alice.nguyen@example.com');
    expect(alice).toMatchObject({
      userName: 'alice.nguyen@example.com',
      email: expect.stringContaining('@'),
    });
    expect(alice?.displayName).toBeTruthy();
    expect(await dir.getUser(alice?.id ?? '')).toEqual(alice);
    expect(await dir.findUserByUserName('nobody@example.com')).toBeUndefined();
    expect(await dir.getUser('26a6fce484-00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('reuses a user’s details for the TTL, but never an unknown user or a failure', async () => {
    const dir = directory();
    const user = sims.state.addUser({ userName: 'cached@example.com', email: 'old@example.com' });
    try {
      sims.resetCalls();
      const [first] = await Promise.all([dir.getUser(user.id), dir.getUser(user.id)]);
      expect(first).toMatchObject({ id: user.id, email: 'old@example.com' });
      expect(await dir.getUser(user.id)).toEqual(first);
      expect(sims.calls().identityStore.DescribeUser).toBe(1);

      // An e-mail changed in the directory shows once the TTL has passed.
      const stored = sims.state.users.get(user.id);
      if (stored) stored.email = 'new@example.com';
      expect((await dir.getUser(user.id))?.email).toBe('old@example.com');
      clock.advance({ minutes: 5 });
      expect((await dir.getUser(user.id))?.email).toBe('new@example.com');
      expect(sims.calls().identityStore.DescribeUser).toBe(2);

      // Unknown users are asked again (they may appear), and so are failed calls.
      const ghost = '26a6fce484-00000000-0000-4000-8000-00000000abcd';
      expect(await dir.getUser(ghost)).toBeUndefined();
      sims.state.addUser({ userName: 'ghost@example.com', id: ghost });
      expect(await dir.getUser(ghost)).toMatchObject({ id: ghost, userName: 'ghost@example.com' });
      sims.state.removeUser(ghost);

      const fresh = sims.state.addUser({ userName: 'throttled@example.com' });
      sims.identityStore.setFaults({ throttleRate: 1, operations: ['DescribeUser'] });
      await expect(dir.getUser(fresh.id)).rejects.toThrow(ThrottledError);
      sims.identityStore.resetFaults();
      expect(await dir.getUser(fresh.id)).toMatchObject({ id: fresh.id });
      sims.state.removeUser(fresh.id);
    } finally {
      sims.state.removeUser(user.id);
    }
  });

  it('reads group memberships live in both directions and finds groups by name', async () => {
    const dir = directory();
    const users = await dir.findGroupByName('TEAM-Users');
    const carol = await dir.findUserByUserName('carol.smith@example.com');
    expect(users).toMatchObject({ name: 'TEAM-Users' });
    expect(await dir.findGroupByName('No-Such-Group')).toBeUndefined();
    const approvers = await dir.findGroupByName('TEAM-Approvers-Production');
    expect(await dir.groupIdsOfUser(carol?.id ?? '')).toEqual(
      expect.arrayContaining([
        approvers?.id,
        (await dir.findGroupByName('TEAM-Approvers-NonProduction'))?.id,
      ]),
    );
    expect(await dir.membersOfGroup(approvers?.id ?? '')).toContain(carol?.id);

    sims.state.addMembership(users?.id ?? '', carol?.id ?? '');
    expect(await dir.groupIdsOfUser(carol?.id ?? '')).toContain(users?.id);
    expect(await dir.membersOfGroup(users?.id ?? '')).toContain(carol?.id);
    sims.state.removeMembership(users?.id ?? '', carol?.id ?? '');
    expect(await dir.groupIdsOfUser(carol?.id ?? '')).not.toContain(users?.id);
    expect(await dir.membersOfGroup('26a6fce484-00000000-0000-0000-0000-000000000000')).toEqual([]);
  });

  it('pages through 250+ users, groups and memberships', async () => {
    const before = (await directory().listUsers()).length;
    const big = sims.state.addGroup({ displayName: 'Big-Group' });
    for (let i = 0; i < 260; i += 1) {
      const u = sims.state.addUser({
        userName: `bulk${String(i).padStart(3, '0')}@example.com`,
        email: `b${i}@example.com`,
      });
      sims.state.addMembership(big.id, u.id);
    }
    for (let i = 0; i < 255; i += 1)
      sims.state.addGroup({ displayName: `Bulk-Group-${String(i).padStart(3, '0')}` });
    const hub = sims.state.addUser({ userName: 'hub@example.com' });
    for (const g of [...sims.state.groups.values()]
      .filter((g) => g.displayName.startsWith('Bulk-'))
      .slice(0, 230))
      sims.state.addMembership(g.id, hub.id);
    sims.resetCalls();

    const dir = directory();
    const users = await dir.listUsers();
    expect(users).toHaveLength(before + 261);
    expect(users.map((u) => u.userName)).toEqual(
      [...users.map((u) => u.userName)].sort((a, b) => a.localeCompare(b)),
    );
    const groups = await dir.listGroups();
    expect(groups.length).toBeGreaterThanOrEqual(261);
    expect(new Set(groups.map((g) => g.id)).size).toBe(groups.length);
    expect(await dir.membersOfGroup(big.id)).toHaveLength(260);
    expect(await dir.groupIdsOfUser(hub.id)).toHaveLength(230);

    const calls = sims.calls().identityStore;
    expect(calls.ListUsers).toBeGreaterThanOrEqual(3);
    expect(calls.ListGroups).toBeGreaterThanOrEqual(3);
    expect(calls.ListGroupMemberships).toBe(3);
    expect(calls.ListGroupMembershipsForMember).toBe(3);
  });

  it('lists permission sets with session durations and caches them for the TTL', async () => {
    const dir = directory(60_000);
    // Two cold callers at once share one listing.
    const [sets] = await Promise.all([dir.listPermissionSets(), dir.listPermissionSets()]);
    expect(sets.map((p) => p.name)).toEqual(['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess']);
    expect(sets.every((p) => /^PT\d+H/.test(p.sessionDuration ?? ''))).toBe(true);
    expect(await dir.getPermissionSet(READ_ONLY)).toMatchObject({ name: 'ReadOnlyAccess' });
    expect(await dir.getPermissionSet(`${READ_ONLY.slice(0, -4)}ffff`)).toBeUndefined();
    expect(await dir.permissionSetsProvisionedTo(PAYMENTS_PROD)).toEqual(
      expect.arrayContaining([ADMIN, READ_ONLY]),
    );

    await dir.listGroups();
    const first = sims.calls().ssoAdmin;
    expect(first.ListPermissionSets).toBe(1);
    expect(first.DescribePermissionSet).toBe(4); // three sets + the unknown ARN
    expect(first.ListPermissionSetsProvisionedToAccount).toBe(1);

    // Within the TTL nothing is asked again, also when many ask at once.
    sims.resetCalls();
    await Promise.all([
      dir.listPermissionSets(),
      dir.getPermissionSet(ADMIN),
      dir.listGroups(),
      dir.listGroups(),
    ]);
    await dir.permissionSetsProvisionedTo(PAYMENTS_PROD);
    expect(sims.calls()).toEqual({ ssoAdmin: {}, identityStore: {}, organizations: {} });

    // A permission set added in Identity Center shows once the TTL has passed.
    const added = sims.state.addPermissionSet({ name: 'BillingRead', sessionDuration: 'PT2H' });
    expect((await dir.listPermissionSets()).map((p) => p.name)).not.toContain('BillingRead');
    clock.advance({ minutes: 1 });
    expect(await dir.listPermissionSets()).toContainEqual(
      expect.objectContaining({ arn: added.arn, name: 'BillingRead', sessionDuration: 'PT2H' }),
    );
    sims.state.removePermissionSet(added.arn);
  });

  it('surfaces throttling as ThrottledError and does not cache the failure', async () => {
    const dir = directory();
    sims.identityStore.setFaults({ throttleRate: 1, operations: ['ListGroups'] });
    const err = await dir.listGroups().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).toMatchObject({ errorType: 'Throttled', retryable: true, operation: 'ListGroups' });
    sims.identityStore.resetFaults();
    expect((await dir.listGroups()).length).toBeGreaterThan(0);

    sims.ssoAdmin.setFaults({ throttleRate: 1 });
    await expect(dir.listPermissionSets()).rejects.toThrow(ThrottledError);
  });
});

describe('IdentityCenterAssignments', () => {
  let assignments: IdentityCenterAssignments;
  let userId: string;
  beforeAll(async () => {
    assignments = new IdentityCenterAssignments(ssoAdmin, INSTANCE);
    userId = (await directory().findUserByUserName('dan.okafor@example.com'))?.id ?? '';
  });
  beforeEach(() => {
    // Operations stay IN_PROGRESS until a test settles them: no timing involved.
    sims.ssoAdmin.assignmentKnobs.completionDelayMs = 3_600_000;
  });
  afterEach(async () => {
    sims.state.settleAssignmentsNow();
    await sims.ssoAdmin.settled();
  });

  const settle = async (requestId: string, kind: 'CREATE' | 'DELETE'): Promise<AssignmentOperationStatus> => {
    const first = await assignments.status(requestId, kind);
    expect(first.status).toBe('IN_PROGRESS');
    sims.state.settleAssignmentsNow();
    return assignments.status(requestId, kind);
  };

  it('creates and removes an assignment asynchronously', async () => {
    expect(await assignments.exists(userId, PAYMENTS_PROD, READ_ONLY)).toBe(false);
    const created = await assignments.create(userId, PAYMENTS_PROD, READ_ONLY);
    expect(await assignments.exists(userId, PAYMENTS_PROD, READ_ONLY)).toBe(false); // not yet
    expect(await settle(created, 'CREATE')).toEqual({ status: 'SUCCEEDED' });
    expect(await assignments.exists(userId, PAYMENTS_PROD, READ_ONLY)).toBe(true);

    const removed = await assignments.remove(userId, PAYMENTS_PROD, READ_ONLY);
    expect(await settle(removed, 'DELETE')).toEqual({ status: 'SUCCEEDED' });
    expect(await assignments.exists(userId, PAYMENTS_PROD, READ_ONLY)).toBe(false);
  });

  it('reports a FAILED operation with its reason', async () => {
    sims.ssoAdmin.failNextAssignments(1, 'Permission set is not provisioned');
    const id = await assignments.create(userId, PAYMENTS_PROD, ADMIN);
    expect(await settle(id, 'CREATE')).toEqual({
      status: 'FAILED',
      reason: 'Permission set is not provisioned',
    });
    expect(await assignments.exists(userId, PAYMENTS_PROD, ADMIN)).toBe(false);
  });

  it('sees standing access given to the user outside TEAM, but not to others or groups', async () => {
    const bob = (await directory().findUserByUserName('bob.martin@example.com'))?.id ?? '';
    expect(await assignments.exists(bob, '745240316957', READ_ONLY)).toBe(true);
    expect(await assignments.exists(userId, '745240316957', READ_ONLY)).toBe(false);
    // Many other principals on the same account and permission set: the answer needs every page.
    for (let i = 0; i < 120; i += 1) {
      const u = sims.state.addUser({ userName: `standing${i}@example.com` });
      sims.state.addAssignment({
        accountId: '836351427068',
        permissionSetArn: READ_ONLY,
        principalType: 'USER',
        principalId: u.id,
      });
    }
    sims.state.addAssignment({
      accountId: '836351427068',
      permissionSetArn: READ_ONLY,
      principalType: 'USER',
      principalId: userId,
    });
    expect(await assignments.exists(userId, '836351427068', READ_ONLY)).toBe(true);
    sims.state.removeAssignment({
      accountId: '836351427068',
      permissionSetArn: READ_ONLY,
      principalType: 'USER',
      principalId: userId,
    });
  });

  it('maps an operation already in flight to ConflictError and throttling to ThrottledError', async () => {
    await assignments.create(userId, '654139205846', READ_ONLY);
    await expect(assignments.create(userId, '654139205846', READ_ONLY)).rejects.toThrow(ConflictError);
    sims.state.settleAssignmentsNow();

    sims.ssoAdmin.setFaults({ throttleRate: 1, operations: ['DescribeAccountAssignmentCreationStatus'] });
    await expect(assignments.status('00000000-0000-0000-0000-000000000000', 'CREATE')).rejects.toThrow(
      ThrottledError,
    );
  });
});
