import { eligibilityPolicyFrom } from '../../../lambdas/core/policies/stored-policies';
import { describe, expect, it } from 'vitest';
import { NoApproverError, NotEligibleError, ValidationError } from '../../../lambdas/core/errors';
import { someSettings } from '../../builders';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const { accounts, permissionSets: ps, users, groups } = DEMO;

const readOnlyInPayments = {
  accountId: accounts.prodPayments.id,
  permissionSetArn: ps.readOnly.arn,
  durationHours: 2,
  justification: '  本番環境の決済障害を調査するため（インシデント対応）  ',
  ticketNo: 'INC-1001',
};

describe('getRequestFormOptions', () => {
  it('offers the union of the caller’s and their groups’ policies, management account and its permission sets excluded', async () => {
    const t = setup();
    const options = await t.formOptions(t.alice);

    expect(options).toMatchObject({
      ticketRequired: true,
      commentsRequired: true,
      maxDurationHours: 9,
      approvalWorkflow: true,
    });
    // Prod-EU-Data sits in a nested OU, the management account is excluded, Security has no policy.
    expect(options.accounts.map((a) => a.name)).toEqual([
      'Dev-Workloads',
      'Prod-Payments',
      'Prod-Web',
      'Sandbox-Alice',
      'Shared-Tools',
      'Staging',
    ]);
    const sharedTools = options.accounts.find((a) => a.id === accounts.sharedTools.id);
    // No policy allows extensions beyond its maximum, nor break-glass.
    const limits = { breakGlass: false, extensionApprovalRequired: true };
    expect(sharedTools?.permissionSets).toEqual([
      {
        ...ps.admin,
        approvalRequired: false,
        maxDurationHours: 4,
        maxTotalHours: 4,
        ...limits,
        extensionApprovalRequired: false,
      },
      { ...ps.powerUser, approvalRequired: true, maxDurationHours: 8, maxTotalHours: 8, ...limits },
      { ...ps.readOnly, approvalRequired: true, maxDurationHours: 8, maxTotalHours: 8, ...limits },
    ]);
    const offered = options.accounts.flatMap((a) => a.permissionSets.map((p) => p.arn));
    expect(offered).not.toContain(ps.billing.arn);
  });

  it('reads group membership live and expands each OU once', async () => {
    const t = setup();
    t.world.directory.removeMember(groups.users.id, users.alice.id);
    t.world.organization.calls.reset();

    const options = await t.formOptions(t.alice); // the token still lists TEAM-Users

    expect(options.accounts.map((a) => a.name)).toEqual(['Sandbox-Alice', 'Shared-Tools']);
    expect(t.world.directory.calls.count('groupIdsOfUser')).toBe(1);
    expect(t.world.organization.calls.count('accountsInOu')).toBe(2); // Sandbox and the root
  });

  it('offers nothing to someone without a policy, without asking Organizations', async () => {
    const t = setup();
    const options = await t.formOptions(t.oscar);
    expect(options.accounts).toEqual([]);
    expect(t.world.organization.calls.total()).toBe(0);
  });

  it('follows the approval workflow and maximum duration settings', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ approvalWorkflow: false, maxDurationHours: 3 }));
    const options = await t.formOptions(t.alice);
    const web = options.accounts.find((a) => a.id === accounts.prodWeb.id);
    expect(web?.permissionSets.every((p) => !p.approvalRequired && p.maxDurationHours === 3)).toBe(true);
  });
});

describe('createRequest', () => {
  it('stores a pending request with a Japanese justification, server-derived names, approvers and expiry', async () => {
    const t = setup();
    const request = await t.create(t.alice, readOnlyInPayments);

    expect(request).toMatchObject({
      requester: { id: users.alice.id, email: users.alice.email, name: users.alice.displayName },
      accountId: accounts.prodPayments.id,
      accountName: accounts.prodPayments.name,
      permissionSetArn: ps.readOnly.arn,
      permissionSetName: ps.readOnly.name,
      sessionDuration: 'PT8H',
      startTime: '2026-03-02T09:00:00.000Z',
      durationHours: 2,
      justification: '本番環境の決済障害を調査するため（インシデント対応）',
      ticketNo: 'INC-1001',
      status: 'pending',
      approvalRequired: true,
      expiresAt: '2026-03-02T12:00:00.000Z',
      createdAt: '2026-03-02T09:00:00.000Z',
      version: 1,
    });
    expect(request.approvers.map((a) => a.id).sort()).toEqual([users.bob.id, users.frank.id].sort());
    expect(await t.world.requests.get(request.id)).toEqual(request);
    expect(t.world.requests.eventsOf(request.id)).toEqual([
      {
        requestId: request.id,
        id: '2026-03-02T09:00:00.000Z#v000001',
        at: '2026-03-02T09:00:00.000Z',
        action: 'created',
        actor: request.requester,
        toStatus: 'pending',
      },
    ]);
  });

  it('takes nothing about identity, names, approvers or status from the client', async () => {
    const t = setup();
    const request = await t.create(t.alice, {
      ...readOnlyInPayments,
      status: 'approved',
      approvalRequired: false,
      approvers: [{ id: users.alice.id, email: users.alice.email }],
      accountName: 'Forged',
      requester: { id: users.bob.id, email: users.bob.email },
    });
    expect(request).toMatchObject({
      status: 'pending',
      approvalRequired: true,
      accountName: 'Prod-Payments',
    });
    expect(request.requester.id).toBe(users.alice.id);
    expect(request.approvers.map((a) => a.id)).not.toContain(users.alice.id);
  });

  it('unites the approvers of the account’s policy and its parent OU’s, never the requester', async () => {
    const t = setup();
    // Prod-Web: its own policy names the NonProduction approvers (Carol), its OU the Production ones.
    const request = await t.create(t.carol, { ...readOnlyInPayments, accountId: accounts.prodWeb.id });
    expect(request.approvers.map((a) => a.id).sort()).toEqual([users.bob.id, users.frank.id].sort());

    const byAlice = await t.create(t.alice, { ...readOnlyInPayments, accountId: accounts.prodWeb.id });
    expect(byAlice.approvers.map((a) => a.id).sort()).toEqual(
      [users.bob.id, users.carol.id, users.frank.id].sort(),
    );
  });

  it('needs no approval (and no approver) when a matching policy waives it', async () => {
    const t = setup();
    const request = await t.create(t.alice, {
      ...readOnlyInPayments,
      accountId: accounts.sandbox.id,
      permissionSetArn: ps.admin.arn,
      durationHours: 4,
    });
    expect(request).toMatchObject({ status: 'pending', approvalRequired: false, approvers: [] });
    expect(request.expiresAt).toBeUndefined();
  });

  it('refuses a request when nobody other than the requester can approve', async () => {
    const t = setup();
    // Carol is the only NonProduction approver.
    const error = await failure(
      t.create(t.carol, { ...readOnlyInPayments, accountId: accounts.devWorkloads.id }),
    );
    expect(error).toBeInstanceOf(NoApproverError);
    expect(error.message).toBe(
      'No one other than you can approve access to Dev-Workloads (444444444441); ask an administrator to add an approver policy.',
    );
    expect(t.world.requests.snapshot()).toEqual([]);
  });

  it('accepts that request when the approval workflow is off', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ approvalWorkflow: false }));
    const request = await t.create(t.carol, { ...readOnlyInPayments, accountId: accounts.devWorkloads.id });
    expect(request.approvalRequired).toBe(false);
    expect(request.approvers).toEqual([]);
  });

  it.each([
    ['an account in a nested OU', { accountId: accounts.prodEuData.id }],
    ['an account without any policy', { accountId: accounts.securityAudit.id }],
    [
      'the management account, even though a policy names the root',
      { accountId: accounts.management.id, permissionSetArn: ps.admin.arn },
    ],
    [
      'a permission set provisioned to the management account',
      { accountId: accounts.sandbox.id, permissionSetArn: ps.billing.arn },
    ],
    ['a permission set no policy gives there', { permissionSetArn: ps.admin.arn }],
    ['an account not in the organization', { accountId: '999999999999' }],
  ])('refuses %s as not eligible', async (_what, override) => {
    const t = setup();
    const error = await failure(t.create(t.alice, { ...readOnlyInPayments, ...override }));
    expect(error).toBeInstanceOf(NotEligibleError);
    expect(error.message).toMatch(/not eligible .* ask an administrator/);
    expect(t.world.requests.snapshot()).toEqual([]);
  });

  it('lets an Organizations failure through instead of calling the caller not eligible', async () => {
    const t = setup();
    const throttled = new Error('TooManyRequestsException');
    t.world.organization.calls.failNext('parentOf', throttled);
    expect(await failure(t.create(t.alice, readOnlyInPayments))).toBe(throttled);
  });

  it('reads group membership live, not from the token', async () => {
    const t = setup();
    t.world.directory.removeMember(groups.users.id, users.alice.id);
    expect(await failure(t.create(t.alice, readOnlyInPayments))).toBeInstanceOf(NotEligibleError);

    t.world.directory.addMember(groups.users.id, users.oscar.id);
    const request = await t.create(t.oscar, readOnlyInPayments); // his token lists no group
    expect(request.requester.id).toBe(users.oscar.id);
  });

  it('limits the duration to the maximum of the matching policies only, capped by the settings', async () => {
    const t = setup();
    // Shared-Tools: AdministratorAccess from Alice's 4 h policy, ReadOnly from TEAM-Users' 8 h one.
    const tooLong = await failure(
      t.create(t.alice, {
        ...readOnlyInPayments,
        accountId: accounts.sharedTools.id,
        permissionSetArn: ps.admin.arn,
        durationHours: 5,
      }),
    );
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect(tooLong).toMatchObject({
      field: 'durationHours',
      message: expect.stringContaining('at most 4 hours'),
    });

    const ok = await t.create(t.alice, {
      ...readOnlyInPayments,
      accountId: accounts.sharedTools.id,
      durationHours: 8,
    });
    expect(ok.durationHours).toBe(8);

    t.world.settings.seed(someSettings({ maxDurationHours: 6 }));
    const capped = await failure(t.create(t.alice, { ...readOnlyInPayments, durationHours: 7 }));
    expect(capped).toMatchObject({
      field: 'durationHours',
      message: expect.stringContaining('at most 6 hours'),
    });
  });

  it('validates every field before looking anything up', async () => {
    const t = setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ accountId: '12345' }, 'accountId'],
      [{ permissionSetArn: 'arn:aws:iam::123456789012:role/x' }, 'permissionSetArn'],
      [{ durationHours: 0 }, 'durationHours'],
      [{ durationHours: 1.5 }, 'durationHours'],
      [{ justification: '   ' }, 'justification'],
      [{ justification: 'bell \u0007' }, 'justification'],
      [{ ticketNo: undefined }, 'ticketNo'],
      [{ startTime: '2026-03-02T08:00:00Z' }, 'startTime'],
      [{ startTime: '2027-03-03T09:00:00Z' }, 'startTime'],
      // Within a year, but 2 hours from then end after the 364 days its workflow can wait.
      [{ startTime: '2027-03-01T08:00:00Z' }, 'startTime'],
    ];
    for (const [override, field] of cases) {
      const error = await failure(t.create(t.alice, { ...readOnlyInPayments, ...override }));
      expect(error, JSON.stringify(override)).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field });
    }
    expect(t.world.directory.calls.total()).toBe(0);
    expect(t.world.requests.snapshot()).toEqual([]);
  });

  it('accepts a later start, a request without ticket when none is required, and multi-line text', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ ticketRequired: false }));
    const { ticketNo: _none, ...withoutTicket } = readOnlyInPayments;
    const request = await t.create(t.alice, {
      ...withoutTicket,
      justification: 'Line one\n\tLine two',
      startTime: '2026-03-03T10:30:00+01:00',
    });
    expect(request.ticketNo).toBeUndefined();
    expect(request.startTime).toBe('2026-03-03T09:30:00.000Z');
    expect(request.justification).toBe('Line one\n\tLine two');
  });

  it('asks for the account’s parent once and resolves the approvers with it', async () => {
    const t = setup();
    t.world.organization.calls.reset();
    t.world.directory.calls.reset();
    const request = await t.create(t.alice, readOnlyInPayments);

    expect(t.world.organization.calls.all()).toEqual({
      managementAccountId: 1,
      parentOf: 1,
      accountsInOu: 1,
      // Where the parent OU sits, for approver policies that include nested OUs.
      ancestorsOf: 1,
    });
    expect(t.world.directory.calls.all()).toEqual({
      groupIdsOfUser: 1,
      permissionSetsProvisionedTo: 1,
      getPermissionSet: 1,
      membersOfGroup: 1,
      getUser: 2,
    });
    expect(request.approvers.map((a) => a.id).sort()).toEqual([users.bob.id, users.frank.id].sort());
  });

  it('asks Organizations nothing when no policy of the caller grants the permission set', async () => {
    const t = setup();
    t.world.organization.calls.reset();
    const error = await failure(t.create(t.bob, { ...readOnlyInPayments, permissionSetArn: ps.admin.arn }));
    expect(error).toBeInstanceOf(NotEligibleError);
    expect(t.world.organization.calls.total()).toBe(0);
  });

  it('lists the one OU that could cover the account before asking for its parent', async () => {
    const t = setup();
    await t.world.policies.putEligibility(
      eligibilityPolicyFrom({
        id: users.oscar.id,
        principalType: 'USER',
        principalName: users.oscar.userName,
        accounts: [],
        ous: [{ ...DEMO.ous.nonProduction }],
        permissionSets: [{ ...ps.readOnly }],
        maxDurationHours: 3,
        approvalRequired: true,
        updatedAt: '2026-03-01T00:00:00.000Z',
        updatedBy: users.dave.userName,
      }),
    );
    t.world.organization.calls.reset();
    const request = await t.create(t.oscar, { ...readOnlyInPayments, accountId: accounts.staging.id });
    expect(request).toMatchObject({ accountName: accounts.staging.name, approvalRequired: true });
    expect(request.approvers.map((a) => a.id)).toEqual([users.carol.id]); // NonProduction's approvers
    expect(t.world.organization.calls.all()).toEqual({
      managementAccountId: 1,
      accountsInOu: 1,
      parentOf: 1,
      ancestorsOf: 1,
    });

    // Prod-Payments is not under NonProduction: refused without asking for its parent.
    t.world.organization.calls.reset();
    const error = await failure(t.create(t.oscar, readOnlyInPayments));
    expect(error).toBeInstanceOf(NotEligibleError);
    expect(t.world.organization.calls.all()).toEqual({ managementAccountId: 1, accountsInOu: 1 });
  });

  it('expands only the account’s parent OU, whatever the number of OUs in the policies', async () => {
    const t = setup();
    t.world.organization.calls.reset();
    await t.create(t.alice, readOnlyInPayments);
    expect(t.world.organization.calls.count('accountsInOu')).toBe(1);
  });
});
