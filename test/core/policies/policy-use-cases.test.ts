import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { someSettings } from '../../builders';
import { DEMO, demoPolicies } from '../../fakes';
import { failure, setup } from '../support';

const { accounts, ous, permissionSets: ps, groups, users } = DEMO;

const newEligibility = {
  principals: [
    { id: users.oscar.id, type: 'USER' as const },
    { id: groups.auditors.id, type: 'GROUP' as const },
  ],
  accountIds: [accounts.securityAudit.id],
  ouIds: [ous.sandbox.id, DEMO.root.id],
  permissionSetArns: [ps.readOnly.arn],
  maxDurationHours: 6,
  approvalRequired: true,
  ticketNo: 'CHG-42',
};

describe('eligibility policies', () => {
  it('creates one policy per principal, names resolved on the server', async () => {
    const t = setup();
    const created = await t.createEligibility(t.dave, newEligibility);

    expect(created).toEqual([
      {
        id: users.oscar.id,
        principalId: users.oscar.id,
        principalType: 'USER',
        principalName: users.oscar.userName,
        name: 'default',
        accounts: [accounts.securityAudit],
        ous: [ous.sandbox, DEMO.root],
        includeNestedOus: false,
        permissionSets: [ps.readOnly],
        pairs: [],
        maxDurationHours: 6,
        approvalRequired: true,
        maxTotalHours: 6,
        extensionApprovalRequired: true,
        breakGlass: false,
        breakGlassMaxHours: 1,
        ticketNo: 'CHG-42',
        updatedAt: '2026-03-02T09:00:00.000Z',
        updatedBy: users.dave.userName,
      },
      expect.objectContaining({
        id: groups.auditors.id,
        principalType: 'GROUP',
        principalName: groups.auditors.name,
      }),
    ]);
    expect(await t.world.policies.getEligibility(groups.auditors.id)).toEqual(created[1]);

    // The new policy takes effect for the next request.
    const options = await t.formOptions(t.oscar);
    expect(options.accounts.map((a) => a.name)).toEqual(['Sandbox-Alice', 'Security-Audit', 'Shared-Tools']);
  });

  it('is all or nothing when a principal already has a policy', async () => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(
      t.createEligibility(t.dave, {
        ...newEligibility,
        principals: [...newEligibility.principals, { id: groups.users.id, type: 'GROUP' }],
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'TEAM-Users already has an eligibility policy named "default"; edit it or choose another name. Nothing was created.',
    );
    expect(t.world.policies.snapshot()).toEqual(before);
  });

  it('is all or nothing when a write fails half way', async () => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const throttled = new Error('ProvisionedThroughputExceeded');
    t.world.policies.calls.failNext('putEligibility', throttled, 1, 1); // the second write fails
    expect(await failure(t.createEligibility(t.dave, newEligibility))).toBe(throttled);
    expect(t.world.policies.snapshot()).toEqual(before);
    expect(t.world.policies.calls.count('deleteEligibility')).toBe(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed principal id', { principals: [{ id: 'alice', type: 'USER' }] }, 'principals.0.id'],
    ['a bad principal type', { principals: [{ id: users.oscar.id, type: 'ROLE' }] }, 'principals.0.type'],
    ['a principal list that is not a list', { principals: 'oscar' }, 'principals'],
    ['no principal', { principals: [] }, 'principals'],
    [
      'an unknown user',
      { principals: [{ id: '9067a1b2c3-a1000000-0000-4000-8000-000000000099', type: 'USER' }] },
      'principals.0.id',
    ],
    [
      'an unknown group',
      { principals: [{ id: '9067a1b2c3-b2000000-0000-4000-8000-000000000099', type: 'GROUP' }] },
      'principals.0.id',
    ],
    [
      'too many principals',
      { principals: Array.from({ length: 1001 }, () => ({ id: users.oscar.id, type: 'USER' })) },
      'principals',
    ],
    ['accounts that are not a list', { accountIds: '111111111111' }, 'accountIds'],
    [
      'too many accounts',
      { accountIds: Array.from({ length: 1001 }, () => accounts.staging.id) },
      'accountIds',
    ],
    ['a malformed account id', { accountIds: ['1234'] }, 'accountIds.0'],
    ['an unknown account', { accountIds: ['999999999999'] }, 'accountIds'],
    ['the management account', { accountIds: [accounts.management.id] }, 'accountIds'],
    ['a malformed OU id', { ouIds: ['ou-x'] }, 'ouIds.0'],
    ['an unknown OU', { ouIds: ['ou-a1b2-unknown01'] }, 'ouIds'],
    ['neither account nor OU', { accountIds: [], ouIds: [] }, 'accountIds'],
    ['a malformed permission set', { permissionSetArns: ['AdministratorAccess'] }, 'permissionSetArns.0'],
    [
      'an unknown permission set',
      { permissionSetArns: ['arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-00000000000000ff'] },
      'permissionSetArns',
    ],
    [
      'a permission set of the management account',
      { permissionSetArns: [ps.billing.arn] },
      'permissionSetArns',
    ],
    ['no permission set', { permissionSetArns: [] }, 'permissionSetArns'],
    ['a duration above 8000 hours', { maxDurationHours: 8001 }, 'maxDurationHours'],
    ['a missing ticket number', { ticketNo: null }, 'ticketNo'],
  ])('refuses %s and writes nothing', async (_what, override, field) => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(
      t.createEligibility(t.dave, { ...newEligibility, ...override } as typeof newEligibility),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field });
    expect(t.world.policies.snapshot()).toEqual(before);
  });

  it('lists policies by principal name, paginated, for admins only', async () => {
    const t = setup();
    await t.createEligibility(t.dave, newEligibility);
    const first = await t.listEligibility(t.dave, { limit: 2 });
    expect(first.items.map((p) => p.principalName)).toEqual(['alice@example.com', 'oscar@example.com']);
    const rest = await t.listEligibility(t.dave, { limit: 2, cursor: first.nextCursor });
    expect(rest.items.map((p) => p.principalName)).toEqual(['TEAM-Auditors', 'TEAM-Users']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('updates a policy conditionally, keeping its principal', async () => {
    const t = setup();
    const [current] = demoPolicies().eligibility;
    const update = {
      id: groups.users.id,
      accountIds: [accounts.staging.id],
      ouIds: [],
      permissionSetArns: [ps.readOnly.arn],
      maxDurationHours: 2,
      approvalRequired: false,
      ticketNo: 'CHG-43',
      expectedUpdatedAt: current?.updatedAt,
    };
    const updated = await t.updateEligibility(t.dave, update);
    expect(updated).toMatchObject({
      id: groups.users.id,
      principalType: 'GROUP',
      principalName: 'TEAM-Users',
      accounts: [accounts.staging],
      ous: [],
      maxDurationHours: 2,
      approvalRequired: false,
      updatedBy: users.dave.userName,
    });

    // A second admin working from the same read loses, even within the same millisecond.
    const stale = await failure(t.updateEligibility(t.dave, { ...update, maxDurationHours: 3 }));
    expect(stale).toBeInstanceOf(ConflictError);
    const again = await t.updateEligibility(t.dave, {
      ...update,
      maxDurationHours: 3,
      expectedUpdatedAt: updated.updatedAt,
    });
    expect(again.updatedAt > updated.updatedAt).toBe(true);
  });

  it('loses a race with a concurrent update at write time', async () => {
    const t = setup();
    const [current] = demoPolicies().eligibility;
    t.world.policies.calls.failNext('putEligibility', new ConflictError('changed'));
    const error = await failure(
      t.updateEligibility(t.dave, {
        id: groups.users.id,
        ouIds: [ous.production.id],
        permissionSetArns: [ps.readOnly.arn],
        maxDurationHours: 2,
        approvalRequired: true,
        ticketNo: 'CHG-1',
        expectedUpdatedAt: current?.updatedAt,
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('says NotFound when updating a policy that does not exist', async () => {
    const t = setup();
    const error = await failure(
      t.updateEligibility(t.dave, {
        id: users.oscar.id,
        ouIds: [ous.sandbox.id],
        permissionSetArns: [ps.readOnly.arn],
        maxDurationHours: 1,
        approvalRequired: true,
        ticketNo: 'CHG-1',
      }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('deletes several policies, reporting those that existed', async () => {
    const t = setup();
    const result = await t.deleteEligibility(t.dave, {
      ids: [groups.users.id, users.oscar.id, groups.users.id],
    });
    expect(result).toEqual({ deletedIds: [groups.users.id] });
    expect(await t.world.policies.getEligibility(groups.users.id)).toBeUndefined();
  });

  it('checks every id before deleting any', async () => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(t.deleteEligibility(t.dave, { ids: [groups.users.id, 'not-an-id'] }));
    expect(error).toMatchObject({ field: 'ids.1' });
    expect(t.world.policies.snapshot()).toEqual(before);
  });

  it('is for admins only', async () => {
    const t = setup();
    for (const caller of [t.alice, t.bob, t.erin]) {
      expect(await failure(t.listEligibility(caller))).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.createEligibility(caller, newEligibility))).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.deleteEligibility(caller, { ids: [groups.users.id] }))).toBeInstanceOf(
        ForbiddenError,
      );
      expect(
        await failure(
          t.updateEligibility(caller, {
            id: groups.users.id,
            permissionSetArns: [],
            maxDurationHours: 1,
            approvalRequired: true,
          }),
        ),
      ).toBeInstanceOf(ForbiddenError);
    }
    expect(t.world.directory.calls.total()).toBe(0);
  });
});

describe("eligibility policies of today's model", () => {
  it('gives a principal several named policies, each with its own rules', async () => {
    const t = setup();
    const [prod] = await t.createEligibility(t.dave, {
      principals: [{ id: users.oscar.id, type: 'USER' }],
      name: 'Production break-fix',
      pairs: [{ accountId: accounts.prodPayments.id, permissionSetArn: ps.admin.arn }],
      maxDurationHours: 1,
      approvalRequired: true,
      ticketNo: 'CHG-60',
    });
    expect(prod).toMatchObject({
      id: `${users.oscar.id}#production break-fix`,
      name: 'Production break-fix',
      pairs: [{ account: accounts.prodPayments, permissionSet: ps.admin }],
      accounts: [],
      permissionSets: [],
    });
    await t.createEligibility(t.dave, {
      principals: [{ id: users.oscar.id, type: 'USER' }],
      name: 'Sandbox',
      ouIds: [ous.sandbox.id],
      permissionSetArns: [ps.readOnly.arn],
      maxDurationHours: 8,
      approvalRequired: false,
      ticketNo: 'CHG-61',
    });
    // Same name in other letter case: the same policy.
    const again = await failure(
      t.createEligibility(t.dave, {
        principals: [{ id: users.oscar.id, type: 'USER' }],
        name: 'SANDBOX',
        ouIds: [ous.sandbox.id],
        permissionSetArns: [ps.readOnly.arn],
        maxDurationHours: 8,
        approvalRequired: false,
        ticketNo: 'CHG-62',
      }),
    );
    expect(again).toBeInstanceOf(ConflictError);

    const options = await t.formOptions(t.oscar);
    const payments = options.accounts.find((a) => a.id === accounts.prodPayments.id);
    expect(payments?.permissionSets).toEqual([
      {
        arn: ps.admin.arn,
        name: ps.admin.name,
        approvalRequired: true,
        maxDurationHours: 1,
        maxTotalHours: 1,
        extensionApprovalRequired: true,
        breakGlass: false,
      },
    ]);
    const sandbox = options.accounts.find((a) => a.name === 'Sandbox-Alice');
    expect(sandbox?.permissionSets).toEqual([
      {
        arn: ps.readOnly.arn,
        name: ps.readOnly.name,
        approvalRequired: false,
        maxDurationHours: 8,
        maxTotalHours: 8,
        extensionApprovalRequired: false,
        breakGlass: false,
      },
    ]);

    // The name stays when editing; pairs can be changed.
    const edited = await t.updateEligibility(t.dave, {
      id: prod?.id ?? '',
      pairs: [{ accountId: accounts.prodWeb.id, permissionSetArn: ps.admin.arn }],
      maxDurationHours: 2,
      approvalRequired: true,
      ticketNo: 'CHG-63',
      expectedUpdatedAt: prod?.updatedAt,
    });
    expect(edited).toMatchObject({ name: 'Production break-fix', pairs: [{ account: accounts.prodWeb }] });
    expect(await t.deleteEligibility(t.dave, { ids: [edited.id] })).toEqual({ deletedIds: [edited.id] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'pairs beside accounts',
      { pairs: [{ accountId: accounts.staging.id, permissionSetArn: ps.readOnly.arn }] },
      'pairs',
    ],
    [
      'a pair in an unknown account',
      {
        accountIds: [],
        ouIds: [],
        permissionSetArns: [],
        pairs: [{ accountId: '999999999999', permissionSetArn: ps.readOnly.arn }],
      },
      'pairs',
    ],
    [
      'a pair with a malformed permission set',
      {
        accountIds: [],
        ouIds: [],
        permissionSetArns: [],
        pairs: [{ accountId: accounts.staging.id, permissionSetArn: 'x' }],
      },
      'pairs.0.permissionSetArn',
    ],
    ['pairs that are not a list', { pairs: 'x' }, 'pairs'],
    ['a name of 65 characters', { name: 'n'.repeat(65) }, 'name'],
  ])('refuses %s and writes nothing', async (_what, override, field) => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(
      t.createEligibility(t.dave, { ...newEligibility, ...override } as typeof newEligibility),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field });
    expect(t.world.policies.snapshot()).toEqual(before);
  });
});

describe('approver policies', () => {
  const newApprover = {
    targets: [accounts.staging.id, ous.sandbox.id],
    approverGroupIds: [groups.approversProduction.id, groups.admins.id],
    ticketNo: 'CHG-50',
  };

  it('creates one policy per target, each with every chosen group', async () => {
    const t = setup();
    const created = await t.createApprover(t.dave, newApprover);
    const approverGroups = [groups.approversProduction, groups.admins];
    expect(created).toEqual([
      {
        id: accounts.staging.id,
        targetId: accounts.staging.id,
        targetType: 'ACCOUNT',
        targetName: 'Staging',
        permissionSets: [],
        includeNestedOus: false,
        approverGroups,
        approverUsers: [],
        also: false,
        approvalsRequired: 1,
        nextStages: [],
        escalationGroups: [],
        ticketNo: 'CHG-50',
        updatedAt: '2026-03-02T09:00:00.000Z',
        updatedBy: users.dave.userName,
      },
      expect.objectContaining({
        id: ous.sandbox.id,
        targetType: 'OU',
        targetName: 'Sandbox',
        approverGroups,
      }),
    ]);
  });

  it('scopes a policy to permission sets beside the unscoped one of the same target', async () => {
    const t = setup();
    const [scoped] = await t.createApprover(t.dave, {
      targets: [ous.production.id],
      permissionSetArns: [ps.admin.arn],
      approverGroupIds: [groups.admins.id],
      approverUserIds: [users.erin.id],
      includeNestedOus: true,
      ticketNo: 'CHG-70',
    });
    expect(scoped).toMatchObject({
      id: `${ous.production.id}#${ps.admin.arn.slice(-19)}`,
      targetId: ous.production.id,
      permissionSets: [ps.admin],
      approverUsers: [{ id: users.erin.id, name: users.erin.userName }],
      includeNestedOus: true,
    });
    const again = await failure(
      t.createApprover(t.dave, {
        targets: [ous.production.id],
        permissionSetArns: [ps.admin.arn],
        approverGroupIds: [groups.admins.id],
        ticketNo: 'CHG-71',
      }),
    );
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toMatch(/Production \(ou-a1b2-production\) for AdministratorAccess already has/);
    const edited = await t.updateApprover(t.dave, {
      id: scoped?.id ?? '',
      approverGroupIds: [],
      approverUserIds: [users.erin.id],
      also: true,
      ticketNo: 'CHG-72',
      expectedUpdatedAt: scoped?.updatedAt,
    });
    expect(edited).toMatchObject({
      permissionSets: [ps.admin],
      approverGroups: [],
      also: true,
      includeNestedOus: false,
    });
  });

  it('accepts the root and the management account as targets', async () => {
    const t = setup();
    await t.deleteApprover(t.dave, { ids: [DEMO.root.id] });
    const created = await t.createApprover(t.dave, {
      ...newApprover,
      targets: [DEMO.root.id, accounts.management.id],
    });
    expect(created.map((p) => [p.targetType, p.targetName])).toEqual([
      ['OU', 'Root'],
      ['ACCOUNT', 'Management'],
    ]);
  });

  it('is all or nothing when a target already has a policy', async () => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(
      t.createApprover(t.dave, { ...newApprover, targets: [accounts.staging.id, ous.production.id] }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'Production (ou-a1b2-production) already has an approver policy; edit it instead. Nothing was created.',
    );
    expect(t.world.policies.snapshot()).toEqual(before);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed target', { targets: ['prod'] }, 'targets.0'],
    ['an unknown account', { targets: ['999999999999'] }, 'targets'],
    ['an unknown OU', { targets: ['ou-a1b2-unknown01'] }, 'targets'],
    ['no target', { targets: [] }, 'targets'],
    ['no group and no user', { approverGroupIds: [] }, 'approverGroupIds'],
    [
      'an unknown user',
      { approverUserIds: ['9067a1b2c3-a1000000-0000-4000-8000-000000000099'] },
      'approverUserIds',
    ],
    ['a malformed permission set', { permissionSetArns: ['Admin'] }, 'permissionSetArns.0'],
    [
      'an unknown group',
      { approverGroupIds: ['9067a1b2c3-b2000000-0000-4000-8000-000000000099'] },
      'approverGroupIds',
    ],
    ['a missing ticket number', { ticketNo: '' }, 'ticketNo'],
  ])('refuses %s and writes nothing', async (_what, override, field) => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(
      t.createApprover(t.dave, { ...newApprover, ...override } as typeof newApprover),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field });
    expect(t.world.policies.snapshot()).toEqual(before);
  });

  it('accepts a policy without ticket when none is required', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ ticketRequired: false }));
    const [created] = await t.createApprover(t.dave, { ...newApprover, ticketNo: null });
    expect(created).not.toHaveProperty('ticketNo');
  });

  it('lists, updates and deletes', async () => {
    const t = setup();
    const list = await t.listApprover(t.dave);
    expect(list.items.map((p) => p.targetName)).toEqual(['NonProduction', 'Prod-Web', 'Production', 'Root']);

    const production = list.items.find((p) => p.id === ous.production.id);
    const updated = await t.updateApprover(t.dave, {
      id: ous.production.id,
      approverGroupIds: [groups.approversNonProduction.id],
      ticketNo: 'CHG-51',
      expectedUpdatedAt: production?.updatedAt,
    });
    expect(updated).toMatchObject({
      targetType: 'OU',
      targetName: 'Production',
      approverGroups: [groups.approversNonProduction],
    });
    const stale = await failure(
      t.updateApprover(t.dave, {
        id: ous.production.id,
        approverGroupIds: [groups.admins.id],
        ticketNo: 'CHG-52',
        expectedUpdatedAt: production?.updatedAt,
      }),
    );
    expect(stale).toBeInstanceOf(ConflictError);

    expect(await t.deleteApprover(t.dave, { ids: [ous.production.id, ous.security.id] })).toEqual({
      deletedIds: [ous.production.id],
    });
    expect(
      await failure(
        t.updateApprover(t.dave, {
          id: ous.production.id,
          approverGroupIds: [groups.admins.id],
          ticketNo: 'x',
        }),
      ),
    ).toBeInstanceOf(NotFoundError);
    expect(await failure(t.deleteApprover(t.dave, { ids: ['nope'] }))).toBeInstanceOf(ValidationError);
  });

  it('changes who may approve new requests', async () => {
    const t = setup();
    await t.createApprover(t.dave, {
      targets: [accounts.devWorkloads.id],
      approverGroupIds: [groups.approversProduction.id],
      ticketNo: 'CHG-9',
    });
    // Carol could not ask for Dev-Workloads before: she was its only approver.
    const request = await t.create(t.carol, {
      accountId: accounts.devWorkloads.id,
      permissionSetArn: ps.readOnly.arn,
      durationHours: 1,
      justification: 'Deploy fix',
      ticketNo: 'CHG-9',
    });
    expect(request.approvers.map((a) => a.id).sort()).toEqual([users.bob.id, users.frank.id].sort());
  });

  it('is for admins only', async () => {
    const t = setup();
    for (const caller of [t.alice, t.bob, t.erin]) {
      expect(await failure(t.listApprover(caller))).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.createApprover(caller, newApprover))).toBeInstanceOf(ForbiddenError);
      expect(
        await failure(t.updateApprover(caller, { id: ous.production.id, approverGroupIds: [] })),
      ).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.deleteApprover(caller, { ids: [ous.production.id] }))).toBeInstanceOf(
        ForbiddenError,
      );
    }
  });
});
