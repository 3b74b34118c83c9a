import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../lambdas/core/errors';
import type { AuditEvent, Grant } from '../../lambdas/core/types';
import { aRequest, anApproverPolicy, anEligibilityPolicy, someSettings } from '../builders';
import {
  DEMO,
  FixedClock,
  InMemoryGrantRepository,
  InMemoryPolicyRepository,
  InMemoryRequestRepository,
  InMemorySettingsRepository,
  SequentialIds,
  makeTestWorld,
  paginate,
  readAllPages,
} from '.';
import { failure } from '../core/support';

const event = (requestId: string, id: string): AuditEvent => ({
  requestId,
  id,
  at: id,
  action: 'created',
  actor: 'system',
});

describe('paginate', () => {
  const ordering = { key: (n: number) => [String(n).padStart(4, '0')], directions: ['asc'] as const };

  it('returns every item exactly once, in order, never more than the limit per page', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 15 }),
        (items, limit) => {
          const seen: number[] = [];
          let cursor: string | undefined;
          do {
            const page = paginate(items, ordering, cursor === undefined ? { limit } : { limit, cursor });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          expect(seen).toEqual([...items].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('resumes after the last key read, so items added meanwhile do not shift the next page', () => {
    const items = [10, 20, 30, 40];
    const first = paginate(items, ordering, { limit: 2 });
    const second = paginate([5, ...items], ordering, { limit: 2, cursor: first.nextCursor });
    expect(second.items).toEqual([30, 40]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a forged cursor and a non-positive limit', async () => {
    expect(() => paginate([1], ordering, { limit: 1, cursor: 'not base64 json' })).toThrow(ValidationError);
    expect(() =>
      paginate([1], ordering, { limit: 1, cursor: Buffer.from('{"k":[1]}').toString('base64url') }),
    ).toThrow(ValidationError);
    expect(() => paginate([1], ordering, { limit: 0 })).toThrow(/positive integer/);
    const all = await readAllPages(async (page) => paginate([3, 1, 2], ordering, page), 2);
    expect(all).toEqual({ items: [1, 2, 3], pages: 2 });
  });
});

describe('InMemoryRequestRepository', () => {
  it('creates once, and stores copies', async () => {
    const repo = new InMemoryRequestRepository();
    const request = aRequest();
    await repo.create(request, event(request.id, 'a'));
    expect(await failure(repo.create(request, event(request.id, 'b')))).toBeInstanceOf(ConflictError);
    request.status = 'approved';
    expect((await repo.get(request.id))?.status).toBe('pending');
    expect(await repo.get('missing')).toBeUndefined();
  });

  it('updates only from the expected status and version, together with the event', async () => {
    const repo = new InMemoryRequestRepository();
    const request = aRequest();
    await repo.create(request, event(request.id, 'a'));
    const next = { ...request, status: 'approved' as const, version: 2 };

    // A version that does not follow the expected one is a bug in the caller, not a conflict.
    expect(
      (await failure(repo.update(next, { status: 'pending', version: 0 }, event(request.id, 'b')))).message,
    ).toMatch(/next version must be 1/);
    expect(
      await failure(
        repo.update({ ...next, version: 3 }, { status: 'pending', version: 2 }, event(request.id, 'b')),
      ),
    ).toBeInstanceOf(ConflictError);
    expect(
      await failure(repo.update(next, { status: 'scheduled', version: 1 }, event(request.id, 'b'))),
    ).toBeInstanceOf(ConflictError);
    // A duplicate event id fails the whole write: the status stays.
    expect(
      await failure(repo.update(next, { status: 'pending', version: 1 }, event(request.id, 'a'))),
    ).toBeInstanceOf(ConflictError);
    expect((await repo.get(request.id))?.status).toBe('pending');

    await repo.update(next, { status: 'pending', version: 1 }, event(request.id, 'b'));
    expect(await repo.get(request.id)).toEqual(next);
    expect(repo.eventsOf(request.id).map((e) => e.id)).toEqual(['a', 'b']);
    expect(
      await failure(
        repo.update(
          { ...next, id: 'gone', version: 3 },
          { status: 'approved', version: 2 },
          event('gone', 'c'),
        ),
      ),
    ).toBeInstanceOf(NotFoundError);
    await repo.appendEvent(event(request.id, 'c'));
    expect((await repo.listEvents(request.id, { limit: 10 })).items.map((e) => e.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('refuses events that belong to another request', async () => {
    const repo = new InMemoryRequestRepository();
    const request = aRequest();
    await expect(repo.create(request, event('other', 'a'))).rejects.toThrow(/belong/);
  });
});

describe('InMemoryPolicyRepository', () => {
  it('creates only when absent and replaces only when unchanged', async () => {
    const repo = new InMemoryPolicyRepository();
    const policy = anEligibilityPolicy();
    await repo.putEligibility(policy);
    expect(await failure(repo.putEligibility(policy))).toBeInstanceOf(ConflictError);
    expect(await failure(repo.putEligibility(policy, 'old'))).toBeInstanceOf(ConflictError);
    await repo.putEligibility({ ...policy, maxDurationHours: 1, updatedAt: 'new' }, policy.updatedAt);
    expect((await repo.getEligibility(policy.id))?.maxDurationHours).toBe(1);
    expect(await failure(repo.putEligibility({ ...policy, id: 'nobody' }, 'x'))).toBeInstanceOf(
      ConflictError,
    );
    expect(await repo.eligibilitiesOf([policy.principalId, policy.principalId, 'nobody'])).toHaveLength(1);
    await repo.deleteEligibility(policy.id);
    await repo.deleteEligibility(policy.id);
    expect(await repo.getEligibility(policy.id)).toBeUndefined();

    const approver = anApproverPolicy();
    await repo.putApproverPolicy(approver);
    expect(await failure(repo.putApproverPolicy(approver))).toBeInstanceOf(ConflictError);
    expect((await repo.listApproverPolicies({ limit: 5 })).items).toEqual([approver]);
    await repo.deleteApproverPolicy(approver.id);
    expect(await repo.getApproverPolicy(approver.id)).toBeUndefined();
  });
});

describe('InMemorySettingsRepository and InMemoryGrantRepository', () => {
  it('write settings only over the expected version', async () => {
    const repo = new InMemorySettingsRepository();
    expect(await repo.get()).toBeUndefined();
    expect(await failure(repo.put(someSettings(), 1))).toBeInstanceOf(ConflictError);
    await repo.put(someSettings(), 0);
    await repo.put(someSettings({ version: 2 }), 1);
    expect((await repo.get())?.version).toBe(2);
  });

  it('write and delete grants conditionally on their version', async () => {
    const repo = new InMemoryGrantRepository();
    const grant: Grant = {
      userId: DEMO.users.alice.id,
      accountId: DEMO.accounts.prodWeb.id,
      permissionSetArn: DEMO.permissionSets.readOnly.arn,
      requestIds: ['r1'],
      createdByTeam: true,
      updatedAt: '2026-03-02T09:00:00.000Z',
      version: 1,
    };
    await repo.put(grant, 0);
    expect(await failure(repo.put(grant, 0))).toBeInstanceOf(ConflictError);
    await repo.put({ ...grant, requestIds: ['r1', 'r2'], version: 2 }, 1);
    expect(await failure(repo.delete(grant))).toBeInstanceOf(ConflictError);
    expect((await repo.listAll({ limit: 10 })).items).toHaveLength(1);
    const stored = await repo.get(grant.userId, grant.accountId, grant.permissionSetArn);
    expect(stored?.requestIds).toEqual(['r1', 'r2']);
    if (stored) await repo.delete(stored);
    expect(repo.snapshot()).toEqual([]);
  });
});

describe('the demo org fakes', () => {
  it('answer like Organizations and Identity Center, and count calls', async () => {
    const world = makeTestWorld();
    const { organization: org, directory: dir } = world;
    expect(await org.managementAccountId()).toBe(DEMO.accounts.management.id);
    expect((await org.accountsInOu(DEMO.ous.production.id)).map((a) => a.name)).toEqual([
      'Prod-Payments',
      'Prod-Web',
    ]);
    expect(await org.accountsInOu('ou-a1b2-unknown01')).toEqual([]);
    expect(await org.parentOf(DEMO.accounts.sharedTools.id)).toEqual({ id: DEMO.root.id, type: 'ROOT' });
    expect(await org.parentOf(DEMO.accounts.prodEuData.id)).toEqual({
      id: DEMO.ous.productionEu.id,
      type: 'ORGANIZATIONAL_UNIT',
    });
    await expect(org.parentOf('999999999999')).rejects.toBeInstanceOf(NotFoundError);
    const tree = await org.ouTree();
    expect(tree.children.find((c) => c.id === DEMO.ous.production.id)?.children.map((c) => c.name)).toEqual([
      'Production-EU',
    ]);
    expect(await org.listAccounts()).toHaveLength(10);
    expect(await org.getAccount(DEMO.accounts.staging.id)).toEqual({
      ...DEMO.accounts.staging,
      email: 'aws-staging@example.com',
    });
    expect(await org.getAccount('999999999999')).toBeUndefined();
    org.moveAccount(DEMO.accounts.staging.id, DEMO.ous.sandbox.id);
    expect((await org.parentOf(DEMO.accounts.staging.id)).id).toBe(DEMO.ous.sandbox.id);
    expect(org.calls.count('parentOf')).toBe(4);

    expect(await dir.permissionSetsProvisionedTo(DEMO.accounts.management.id)).toEqual([
      DEMO.permissionSets.billing.arn,
    ]);
    expect((await dir.findUserByUserName('bob@example.com'))?.id).toBe(DEMO.users.bob.id);
    expect(await dir.findGroupByName('TEAM-Admins')).toEqual(DEMO.groups.admins);
    expect((await dir.listUsers()).map((u) => u.userName)[0]).toBe('alice@example.com');
    expect((await dir.listPermissionSets()).map((p) => p.name)).toEqual([
      'AdministratorAccess',
      'ManagementBilling',
      'PowerUserAccess',
      'ReadOnlyAccess',
    ]);
    expect((await dir.getPermissionSet(DEMO.permissionSets.admin.arn))?.sessionDuration).toBe('PT1H');
    expect(await dir.getUser('nobody')).toBeUndefined();
    dir.calls.failNext('getUser', new Error('throttled'));
    await expect(dir.getUser(DEMO.users.bob.id)).rejects.toThrow('throttled');
    expect(dir.calls.all()).toMatchObject({ getUser: 2 });
  });

  it('gives each persona the groups and flags of their token', () => {
    const { callers } = makeTestWorld();
    expect(callers.dave).toMatchObject({
      isAdmin: true,
      isAuditor: false,
      groupIds: [DEMO.groups.admins.id],
    });
    expect(callers.erin).toMatchObject({ isAdmin: false, isAuditor: true });
    expect(callers.carol.groupIds).toEqual([DEMO.groups.users.id, DEMO.groups.approversNonProduction.id]);
    expect(callers.oscar.groupIds).toEqual([]);
  });

  it('can start without the starter policies', async () => {
    const world = makeTestWorld({ seedPolicies: false, start: '2027-01-01T00:00:00Z' });
    expect(world.policies.snapshot()).toEqual({ eligibility: [], approvers: [] });
    expect(world.clock.iso()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('FixedClock and SequentialIds', () => {
  it('move only when told', () => {
    const clock = new FixedClock();
    clock.advance({ days: 1, hours: 1, minutes: 1, seconds: 1, ms: 1 });
    expect(clock.iso()).toBe('2026-03-03T10:01:01.001Z');
    clock.set('2026-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('hand out sortable UUID-shaped ids', () => {
    const ids = new SequentialIds();
    const a = ids.newId();
    const b = ids.newId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(ids.issued).toBe(2);
  });
});
