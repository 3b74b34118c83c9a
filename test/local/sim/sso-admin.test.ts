import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  paginateListPermissionSets,
  SSOAdminClient,
  type AccountAssignmentOperationStatus,
} from '@aws-sdk/client-sso-admin';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOrg, sdkClientConfig, startSimulators, type Simulators } from '../../../local/sim';

const org = loadDemoOrg();
const instanceArn = org.identityCenter.instanceArn;
const ps = (name: string) => {
  const found = org.permissionSets.find((p) => p.name === name);
  if (!found) throw new Error(name);
  return found.arn;
};
const account = (name: string) => {
  const found = org.accounts.find((a) => a.name === name);
  if (!found) throw new Error(name);
  return found.id;
};
const user = (userName: string) => {
  const found = org.users.find((u) => u.userName === userName);
  if (!found) throw new Error(userName);
  return found.id;
};

const alice = user('alice.nguyen@example.com');
const sandboxA = account('Sandbox Team A');
const powerUser = ps('PowerUserAccess');

let sims: Simulators;
let client: SSOAdminClient;
const sleeps: number[] = [];

beforeAll(async () => {
  sims = await startSimulators({
    seed: 7,
    // Latency is observed through this fake; real sleeping is tested separately below.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  client = new SSOAdminClient(sdkClientConfig(sims.ssoAdmin.url));
});

afterEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
  sleeps.length = 0;
});

afterAll(async () => {
  client?.destroy();
  await sims?.stop();
});

const target = (principalId = alice, accountId = sandboxA, permissionSetArn = powerUser) => ({
  InstanceArn: instanceArn,
  TargetId: accountId,
  TargetType: 'AWS_ACCOUNT' as const,
  PermissionSetArn: permissionSetArn,
  PrincipalType: 'USER' as const,
  PrincipalId: principalId,
});

async function pollCreation(requestId: string): Promise<AccountAssignmentOperationStatus> {
  for (;;) {
    const out = await client.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: requestId,
      }),
    );
    const status = out.AccountAssignmentCreationStatus;
    if (status?.Status !== 'IN_PROGRESS') return status ?? {};
    await sims.ssoAdmin.settled();
  }
}

async function pollDeletion(requestId: string): Promise<AccountAssignmentOperationStatus> {
  for (;;) {
    const out = await client.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentDeletionRequestId: requestId,
      }),
    );
    const status = out.AccountAssignmentDeletionStatus;
    if (status?.Status !== 'IN_PROGRESS') return status ?? {};
    await sims.ssoAdmin.settled();
  }
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number }; ResourceType?: string };
  }
  throw new Error('expected the call to fail');
};

describe('instances and permission sets', () => {
  it('lists the instance and describes permission sets', async () => {
    const instances = await client.send(new ListInstancesCommand({}));
    expect(instances.Instances).toEqual([
      expect.objectContaining({
        InstanceArn: instanceArn,
        IdentityStoreId: org.identityCenter.identityStoreId,
        OwnerAccountId: org.organization.managementAccountId,
        Status: 'ACTIVE',
        CreatedDate: expect.any(Date),
      }),
    ]);
    expect(instances.Instances?.[0]?.InstanceArn).toMatch(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/);

    const sets = await client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
    expect(sets.PermissionSets).toEqual(org.permissionSets.map((p) => p.arn));
    for (const arn of sets.PermissionSets ?? []) {
      expect(arn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/);
    }

    const admin = await client.send(
      new DescribePermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: ps('AdministratorAccess'),
      }),
    );
    expect(admin.PermissionSet).toMatchObject({
      Name: 'AdministratorAccess',
      PermissionSetArn: ps('AdministratorAccess'),
      SessionDuration: 'PT1H',
      Description: expect.any(String),
    });
  });

  it('lists what is provisioned to an account and where a permission set is provisioned', async () => {
    const mgmt = org.organization.managementAccountId;
    const toMgmt = await client.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: instanceArn, AccountId: mgmt }),
    );
    expect(toMgmt.PermissionSets).toEqual([ps('AdministratorAccess')]);

    const accounts = await client.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: ps('AdministratorAccess'),
      }),
    );
    expect(accounts.AccountIds).toContain(mgmt);
  });

  it('answers ResourceNotFoundException for an unknown permission set or instance', async () => {
    const unknownPs = `arn:aws:sso:::permissionSet/${instanceArn.split('/')[1]}/ps-0000000000000000`;
    const err = await errorOf(
      client.send(
        new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: unknownPs }),
      ),
    );
    expect(err.name).toBe('ResourceNotFoundException');

    const otherInstance = 'arn:aws:sso:::instance/ssoins-1111111111111111';
    const err2 = await errorOf(client.send(new ListPermissionSetsCommand({ InstanceArn: otherInstance })));
    expect(err2.name).toBe('ResourceNotFoundException');
  });

  it('answers ValidationException for malformed ARNs and ids', async () => {
    const err = await errorOf(client.send(new ListPermissionSetsCommand({ InstanceArn: 'not-an-arn' })));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    const err2 = await errorOf(
      client.send(new CreateAccountAssignmentCommand({ ...target(), TargetId: '12345' })),
    );
    expect(err2.name).toBe('ValidationException');
    const err3 = await errorOf(
      client.send(new CreateAccountAssignmentCommand({ ...target(), PrincipalId: 'alice' })),
    );
    expect(err3.name).toBe('ValidationException');
    const err4 = await errorOf(
      client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 0 })),
    );
    expect(err4.name).toBe('ValidationException');
  });

  it('paginates 250+ permission sets with NextToken and MaxResults', async () => {
    const added = Array.from(
      { length: 260 },
      (_, i) => sims.state.addPermissionSet({ name: `Generated${i}` }).arn,
    );
    try {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListPermissionSets(
        { client, pageSize: 100 },
        { InstanceArn: instanceArn },
      )) {
        pages++;
        expect(page.PermissionSets?.length ?? 0).toBeLessThanOrEqual(100);
        seen.push(...(page.PermissionSets ?? []));
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(263);
      expect(new Set(seen).size).toBe(263);
      expect(seen.slice(3)).toEqual(added);

      const first = await client.send(
        new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 7 }),
      );
      expect(first.PermissionSets).toHaveLength(7);
      expect(first.NextToken).toEqual(expect.any(String));

      const bad = await errorOf(
        client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: 'garbage' })),
      );
      expect(bad.name).toBe('ValidationException');
    } finally {
      for (const arn of added) sims.state.removePermissionSet(arn);
    }
  });
});

describe('account assignments', () => {
  it('creates asynchronously: IN_PROGRESS first, the assignment appears only when SUCCEEDED', async () => {
    const wanted = {
      accountId: sandboxA,
      permissionSetArn: powerUser,
      principalType: 'USER' as const,
      principalId: alice,
    };
    expect(sims.state.hasAssignment(wanted)).toBe(false);
    // Long enough that the early list below cannot come after the end on a busy machine.
    sims.ssoAdmin.assignmentKnobs.completionDelayMs = 2000;

    const created = await client.send(new CreateAccountAssignmentCommand(target()));
    const status = created.AccountAssignmentCreationStatus;
    expect(status).toMatchObject({
      Status: 'IN_PROGRESS',
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      TargetId: sandboxA,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: powerUser,
      PrincipalType: 'USER',
      PrincipalId: alice,
      CreatedDate: expect.any(Date),
    });
    expect(sims.state.hasAssignment(wanted)).toBe(false);
    const listedEarly = await client.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: sandboxA,
        PermissionSetArn: powerUser,
      }),
    );
    expect(listedEarly.AccountAssignments).toEqual([]);
    sims.state.settleAssignmentsNow();

    const final = await pollCreation(status?.RequestId ?? '');
    expect(final.Status).toBe('SUCCEEDED');
    expect(final.FailureReason).toBeUndefined();
    expect(sims.state.hasAssignment(wanted)).toBe(true);

    const listed = await client.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: sandboxA,
        PermissionSetArn: powerUser,
      }),
    );
    expect(listed.AccountAssignments).toEqual([
      { AccountId: sandboxA, PermissionSetArn: powerUser, PrincipalType: 'USER', PrincipalId: alice },
    ]);
    const forPrincipal = await client.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn,
        PrincipalId: alice,
        PrincipalType: 'USER',
        Filter: { AccountId: sandboxA },
      }),
    );
    expect(forPrincipal.AccountAssignments).toEqual([
      { AccountId: sandboxA, PermissionSetArn: powerUser, PrincipalId: alice, PrincipalType: 'USER' },
    ]);

    // Deleting is asynchronous too: the assignment stays until SUCCEEDED.
    const deleted = await client.send(new DeleteAccountAssignmentCommand(target()));
    expect(deleted.AccountAssignmentDeletionStatus?.Status).toBe('IN_PROGRESS');
    expect(sims.state.hasAssignment(wanted)).toBe(true);
    const finalDelete = await pollDeletion(deleted.AccountAssignmentDeletionStatus?.RequestId ?? '');
    expect(finalDelete.Status).toBe('SUCCEEDED');
    expect(sims.state.hasAssignment(wanted)).toBe(false);
  });

  it('answers ConflictException while an operation on the same assignment is in flight', async () => {
    sims.ssoAdmin.assignmentKnobs.completionDelayMs = 60_000;
    const first = await client.send(new CreateAccountAssignmentCommand(target()));
    expect(first.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');

    const again = await errorOf(client.send(new CreateAccountAssignmentCommand(target())));
    expect(again.name).toBe('ConflictException');
    const del = await errorOf(client.send(new DeleteAccountAssignmentCommand(target())));
    expect(del.name).toBe('ConflictException');

    // Another permission set for the same user is a different assignment: no conflict.
    const other = await client.send(
      new CreateAccountAssignmentCommand(target(alice, sandboxA, ps('ReadOnlyAccess'))),
    );
    expect(other.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');

    sims.state.settleAssignmentsNow();
    expect((await pollCreation(first.AccountAssignmentCreationStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
    // Once settled, the next operation is accepted.
    const after = await client.send(new DeleteAccountAssignmentCommand(target()));
    expect(after.AccountAssignmentDeletionStatus?.Status).toBe('IN_PROGRESS');
    sims.state.settleAssignmentsNow();
    const cleanup = await client.send(
      new DeleteAccountAssignmentCommand(target(alice, sandboxA, ps('ReadOnlyAccess'))),
    );
    sims.state.settleAssignmentsNow();
    expect((await pollDeletion(cleanup.AccountAssignmentDeletionStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
  });

  it('is idempotent: creating an existing assignment and deleting a missing one both succeed', async () => {
    const standing = org.assignments.find((a) => a.principalType === 'USER');
    if (!standing) throw new Error('demo org has a standing user assignment');
    const existing = target(user(standing.principal), standing.accountId, ps(standing.permissionSet));
    const create = await client.send(new CreateAccountAssignmentCommand(existing));
    expect((await pollCreation(create.AccountAssignmentCreationStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
    expect(
      sims.state.assignments({ principalId: existing.PrincipalId, accountId: existing.TargetId }),
    ).toHaveLength(1);

    const missing = target(user('frank.lee@example.com'));
    const del = await client.send(new DeleteAccountAssignmentCommand(missing));
    expect((await pollDeletion(del.AccountAssignmentDeletionStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
  });

  it('ends FAILED with the reason given to failNextAssignments, and leaves no assignment', async () => {
    sims.ssoAdmin.failNextAssignments(1, 'Received a 404 status error: role creation failed');
    const create = await client.send(new CreateAccountAssignmentCommand(target()));
    expect(create.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    const final = await pollCreation(create.AccountAssignmentCreationStatus?.RequestId ?? '');
    expect(final).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'Received a 404 status error: role creation failed',
    });
    expect(sims.state.assignments({ principalId: alice, accountId: sandboxA })).toEqual([]);

    // Only one was forced: the next one succeeds.
    const next = await client.send(new CreateAccountAssignmentCommand(target()));
    expect((await pollCreation(next.AccountAssignmentCreationStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
    const del = await client.send(new DeleteAccountAssignmentCommand(target()));
    await pollDeletion(del.AccountAssignmentDeletionStatus?.RequestId ?? '');
  });

  it('fails deletions too, keeping the assignment', async () => {
    const create = await client.send(new CreateAccountAssignmentCommand(target()));
    await pollCreation(create.AccountAssignmentCreationStatus?.RequestId ?? '');
    sims.ssoAdmin.failNextAssignments(1);
    const del = await client.send(new DeleteAccountAssignmentCommand(target()));
    const final = await pollDeletion(del.AccountAssignmentDeletionStatus?.RequestId ?? '');
    expect(final.Status).toBe('FAILED');
    expect(final.FailureReason).toMatch(/Injected failure/);
    expect(sims.state.assignments({ principalId: alice, accountId: sandboxA })).toHaveLength(1);
    const retry = await client.send(new DeleteAccountAssignmentCommand(target()));
    expect((await pollDeletion(retry.AccountAssignmentDeletionStatus?.RequestId ?? '')).Status).toBe(
      'SUCCEEDED',
    );
  });

  it('fails creation for a principal that does not exist in the identity store', async () => {
    const ghost = `${alice.slice(0, 10)}-00000000-0000-0000-0000-000000000000`;
    const create = await client.send(new CreateAccountAssignmentCommand(target(ghost)));
    const final = await pollCreation(create.AccountAssignmentCreationStatus?.RequestId ?? '');
    expect(final.Status).toBe('FAILED');
    expect(final.FailureReason).toMatch(/does not exist/);
  });

  it('ends a reproducible share of operations FAILED with failedStatusRate', async () => {
    const run = async () => {
      sims.reseed(42);
      sims.ssoAdmin.assignmentKnobs.failedStatusRate = 0.5;
      sims.ssoAdmin.assignmentKnobs.completionDelayMs = 0;
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        const create = await client.send(new CreateAccountAssignmentCommand(target()));
        const final = await pollCreation(create.AccountAssignmentCreationStatus?.RequestId ?? '');
        outcomes.push(final.Status ?? '?');
        if (final.Status === 'SUCCEEDED') {
          sims.ssoAdmin.assignmentKnobs.failedStatusRate = 0;
          const del = await client.send(new DeleteAccountAssignmentCommand(target()));
          await pollDeletion(del.AccountAssignmentDeletionStatus?.RequestId ?? '');
          sims.ssoAdmin.assignmentKnobs.failedStatusRate = 0.5;
        }
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain('FAILED');
    expect(first).toContain('SUCCEEDED');
    expect(await run()).toEqual(first);
    sims.reseed(7);
  });

  it('lists creation statuses with a filter', async () => {
    const list = await client.send(
      new ListAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        Filter: { Status: 'FAILED' },
      }),
    );
    expect(list.AccountAssignmentsCreationStatus?.length).toBeGreaterThan(0);
    for (const s of list.AccountAssignmentsCreationStatus ?? []) expect(s.Status).toBe('FAILED');
  });

  it('answers ResourceNotFoundException for an unknown request id', async () => {
    const err = await errorOf(
      client.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: instanceArn,
          AccountAssignmentCreationRequestId: '00000000-0000-0000-0000-000000000000',
        }),
      ),
    );
    expect(err.name).toBe('ResourceNotFoundException');
  });

  it('paginates assignments of an account and permission set', async () => {
    const users = Array.from({ length: 255 }, (_, i) =>
      sims.state.addUser({ userName: `bulk${i}@example.com` }),
    );
    for (const u of users) {
      sims.state.addAssignment({
        accountId: sandboxA,
        permissionSetArn: powerUser,
        principalType: 'USER',
        principalId: u.id,
      });
    }
    try {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: instanceArn,
            AccountId: sandboxA,
            PermissionSetArn: powerUser,
            MaxResults: 100,
            NextToken: token,
          }),
        );
        seen.push(...(page.AccountAssignments ?? []).map((a) => a.PrincipalId ?? ''));
        token = page.NextToken;
      } while (token);
      expect(seen).toEqual(users.map((u) => u.id));
    } finally {
      for (const u of users) sims.state.removeUser(u.id);
    }
  });
});

describe('fault knobs', () => {
  it('applies latency to the chosen operations only', async () => {
    sims.ssoAdmin.setFaults({ latencyMs: 250, operations: ['ListPermissionSets'] });
    await client.send(new ListInstancesCommand({}));
    expect(sleeps).toEqual([]);
    await client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
    await client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
    expect(sleeps).toEqual([250, 250]);
  });

  it('throttles with ThrottlingException', async () => {
    sims.ssoAdmin.setFaults({ throttleRate: 1 });
    const err = await errorOf(client.send(new ListInstancesCommand({})));
    expect(err.name).toBe('ThrottlingException');
    expect(sims.ssoAdmin.failedCalls()).toEqual({ ListInstances: 1 });
  });

  it('fails with InternalServerException at the error rate', async () => {
    sims.ssoAdmin.setFaults({ errorRate: 1, operations: ['CreateAccountAssignment'] });
    const err = await errorOf(client.send(new CreateAccountAssignmentCommand(target())));
    expect(err.name).toBe('InternalServerException');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    // Other operations are untouched.
    await client.send(new ListInstancesCommand({}));
    expect(sims.state.pendingAssignmentOperations()).toBe(0);
  });

  it('throttles a reproducible share of calls with a seeded random', async () => {
    const run = async () => {
      sims.reseed(99);
      sims.ssoAdmin.setFaults({ throttleRate: 0.3 });
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) {
        outcomes.push(
          await client.send(new ListInstancesCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain('ThrottlingException');
    expect(first).toContain('ok');
    expect(await run()).toEqual(first);
    sims.reseed(7);
  });

  it('counts calls per operation', async () => {
    await client.send(new ListInstancesCommand({}));
    await client.send(new ListInstancesCommand({}));
    await client.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
    expect(sims.ssoAdmin.calls()).toEqual({ ListInstances: 2, ListPermissionSets: 1 });
    expect(sims.calls().ssoAdmin).toEqual({ ListInstances: 2, ListPermissionSets: 1 });
    sims.resetCalls();
    expect(sims.ssoAdmin.calls()).toEqual({});
  });
});

describe('real latency', () => {
  it('delays answers by at least the configured latency', async () => {
    const real = await startSimulators();
    const c = new SSOAdminClient(sdkClientConfig(real.ssoAdmin.url));
    try {
      real.ssoAdmin.setFaults({ latencyMs: 120 });
      const started = performance.now();
      await c.send(new ListInstancesCommand({}));
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      c.destroy();
      await real.stop();
    }
  });
});
