import { describe, expect, it } from 'vitest';
import { findEligibility, resolveEligibility } from '../../../lambdas/core/policies/eligibility';
import type { ResolveEligibilityInput } from '../../../lambdas/core/policies/eligibility';
import type { AccountRef, EligibleAccount } from '../../../lambdas/core/types';
import { account, eligibilityPolicy, ps, settings } from '../fixtures';

/*
 * The demo organization:
 *   r-root ── 000000000000 Management
 *          ├─ ou-prod-11111111 ── 111111111111 Prod-A, 222222222222 Prod-B
 *          │                     └─ ou-prod-nested11 ── 333333333333 Prod-Nested
 *          └─ ou-dev0-22222222  ── 444444444444 Dev
 */
const MGMT = account('000000000000', 'Management');
const PROD_A = account('111111111111', 'Prod-A');
const PROD_B = account('222222222222', 'Prod-B');
const NESTED = account('333333333333', 'Prod-Nested');
const DEV = account('444444444444', 'Dev');
const ROOT = 'r-root';
const OU_PROD = 'ou-prod-11111111';
const OU_NESTED = 'ou-prod-nested11';
const OU_DEV = 'ou-dev0-22222222';

const DIRECT_CHILDREN: Record<string, AccountRef[]> = {
  [ROOT]: [MGMT],
  [OU_PROD]: [PROD_A, PROD_B],
  [OU_NESTED]: [NESTED],
  [OU_DEV]: [DEV],
};

const ADMIN = ps(1, 'AdministratorAccess');
const POWER = ps(2, 'PowerUserAccess');
const READ = ps(3, 'ReadOnlyAccess');

function organization() {
  const calls: string[] = [];
  const accountsInOu = async (ouId: string) => {
    calls.push(ouId);
    return DIRECT_CHILDREN[ouId] ?? [];
  };
  return { calls, accountsInOu };
}

const ou = (id: string) => account(id, id);

async function resolve(
  overrides: Partial<ResolveEligibilityInput> & Pick<ResolveEligibilityInput, 'policies'>,
) {
  const org = organization();
  const result = await resolveEligibility({
    settings: settings({ maxDurationHours: 9, approvalWorkflow: true }),
    accountsInOu: org.accountsInOu,
    excludedAccountIds: [MGMT.id],
    ...overrides,
  });
  return { result, calls: org.calls };
}

/** "account name: ps name (approval, max)" lines, easy to compare as a whole. */
function summary(eligible: EligibleAccount[]): string[] {
  return eligible.flatMap((a) =>
    a.permissionSets.map(
      (p) =>
        `${a.name}: ${p.name} (${p.approvalRequired ? 'approval' : 'no approval'}, ${p.maxDurationHours}h)`,
    ),
  );
}

describe('resolveEligibility', () => {
  it('is the union of the user policy, group policies and OU policies', async () => {
    const { result } = await resolve({
      policies: [
        eligibilityPolicy({
          id: 'user',
          principalType: 'USER',
          accounts: [DEV],
          permissionSets: [READ],
          maxDurationHours: 4,
        }),
        eligibilityPolicy({ id: 'group', ous: [ou(OU_PROD)], permissionSets: [ADMIN], maxDurationHours: 2 }),
      ],
    });
    expect(summary(result)).toEqual([
      'Dev: ReadOnlyAccess (approval, 4h)',
      'Prod-A: AdministratorAccess (approval, 2h)',
      'Prod-B: AdministratorAccess (approval, 2h)',
    ]);
  });

  it('waives approval when any matching policy says so, and takes the largest matching duration', async () => {
    const { result } = await resolve({
      policies: [
        eligibilityPolicy({
          id: 'g1',
          accounts: [PROD_A],
          permissionSets: [READ],
          approvalRequired: true,
          maxDurationHours: 2,
        }),
        eligibilityPolicy({
          id: 'g2',
          ous: [ou(OU_PROD)],
          permissionSets: [READ],
          approvalRequired: false,
          maxDurationHours: 6,
        }),
      ],
    });
    expect(summary(result)).toEqual([
      'Prod-A: ReadOnlyAccess (no approval, 6h)',
      'Prod-B: ReadOnlyAccess (no approval, 6h)',
    ]);
  });

  it('takes durations and approval from the matching policies only, not from unrelated ones', async () => {
    const { result } = await resolve({
      policies: [
        // Covers Prod-A/Admin: approval, 1 h.
        eligibilityPolicy({
          id: 'strict',
          accounts: [PROD_A],
          permissionSets: [ADMIN],
          approvalRequired: true,
          maxDurationHours: 1,
        }),
        // Covers Prod-A/ReadOnly and Dev/ReadOnly: long and without approval — must not leak onto Admin.
        eligibilityPolicy({
          id: 'lenient',
          accounts: [PROD_A, DEV],
          permissionSets: [READ],
          approvalRequired: false,
          maxDurationHours: 8,
        }),
      ],
    });
    expect(summary(result)).toEqual([
      'Dev: ReadOnlyAccess (no approval, 8h)',
      'Prod-A: AdministratorAccess (approval, 1h)',
      'Prod-A: ReadOnlyAccess (no approval, 8h)',
    ]);
  });

  it('caps the maximum duration by the settings', async () => {
    const { result } = await resolve({
      settings: settings({ maxDurationHours: 3 }),
      policies: [
        eligibilityPolicy({ id: 'g', accounts: [DEV], permissionSets: [READ, POWER], maxDurationHours: 12 }),
      ],
    });
    expect(summary(result)).toEqual([
      'Dev: PowerUserAccess (approval, 3h)',
      'Dev: ReadOnlyAccess (approval, 3h)',
    ]);
  });

  it('requires no approval anywhere when the approval workflow is off', async () => {
    const { result } = await resolve({
      settings: settings({ approvalWorkflow: false }),
      policies: [
        eligibilityPolicy({
          id: 'g',
          accounts: [DEV],
          ous: [ou(OU_PROD)],
          permissionSets: [ADMIN],
          approvalRequired: true,
        }),
      ],
    });
    expect(result.flatMap((a) => a.permissionSets.map((p) => p.approvalRequired))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('never offers the management account nor the permission sets provisioned to it', async () => {
    const { result } = await resolve({
      excludedAccountIds: [MGMT.id],
      excludedPermissionSetArns: [ADMIN.arn],
      policies: [
        eligibilityPolicy({ id: 'direct', accounts: [MGMT, DEV], permissionSets: [ADMIN, READ] }),
        eligibilityPolicy({ id: 'root', ous: [ou(ROOT)], permissionSets: [READ] }),
        // Only excluded permission sets: the account disappears instead of being offered empty.
        eligibilityPolicy({ id: 'only-admin', accounts: [PROD_B], permissionSets: [ADMIN] }),
      ],
    });
    expect(summary(result)).toEqual(['Dev: ReadOnlyAccess (approval, 8h)']);
  });

  it('expands an OU to its direct accounts only, never into nested OUs', async () => {
    const { result, calls } = await resolve({
      policies: [eligibilityPolicy({ id: 'g', ous: [ou(OU_PROD)], permissionSets: [READ] })],
    });
    expect(result.map((a) => a.id)).toEqual([PROD_A.id, PROD_B.id]);
    expect(result.map((a) => a.id)).not.toContain(NESTED.id);
    expect(calls).toEqual([OU_PROD]);
  });

  it('expands nested OUs at any depth when a policy includes them, each OU once', async () => {
    const nestedOusOf = (ouId: string) =>
      ouId === ROOT ? [OU_PROD, OU_NESTED, OU_DEV] : ouId === OU_PROD ? [OU_NESTED] : [];
    const { result, calls } = await resolve({
      policies: [
        eligibilityPolicy({ id: 'g1', ous: [ou(OU_PROD)], includeNestedOus: true, permissionSets: [READ] }),
        eligibilityPolicy({
          id: 'g2',
          ous: [ou(ROOT)],
          includeNestedOus: true,
          permissionSets: [POWER],
          maxDurationHours: 1,
        }),
      ],
      nestedOusOf,
    });
    expect(summary(result)).toEqual([
      'Dev: PowerUserAccess (approval, 1h)',
      'Prod-A: PowerUserAccess (approval, 1h)',
      'Prod-A: ReadOnlyAccess (approval, 8h)',
      'Prod-B: PowerUserAccess (approval, 1h)',
      'Prod-B: ReadOnlyAccess (approval, 8h)',
      'Prod-Nested: PowerUserAccess (approval, 1h)',
      'Prod-Nested: ReadOnlyAccess (approval, 8h)',
    ]);
    expect([...calls].sort()).toEqual([OU_DEV, OU_PROD, OU_NESTED, ROOT]);
  });

  it("grants explicit pairs only, never their account with the policy's other permission sets", async () => {
    const { result, calls } = await resolve({
      policies: [
        eligibilityPolicy({
          id: 'oncall',
          pairs: [
            { account: PROD_A, permissionSet: ADMIN },
            { account: DEV, permissionSet: READ },
          ],
          maxDurationHours: 2,
        }),
      ],
    });
    expect(summary(result)).toEqual([
      'Dev: ReadOnlyAccess (approval, 2h)',
      'Prod-A: AdministratorAccess (approval, 2h)',
    ]);
    expect(calls).toEqual([]);
  });

  it('combines several policies of one principal per pair, as policies of different principals', async () => {
    const { result } = await resolve({
      policies: [
        eligibilityPolicy({
          id: 'g',
          name: 'day to day',
          ous: [ou(OU_PROD)],
          permissionSets: [READ],
          maxDurationHours: 8,
          approvalRequired: false,
        }),
        eligibilityPolicy({
          id: 'g#break-fix',
          name: 'break-fix',
          pairs: [{ account: PROD_A, permissionSet: ADMIN }],
          maxDurationHours: 1,
        }),
        eligibilityPolicy({
          id: 'g#long read',
          name: 'long read',
          accounts: [PROD_A],
          permissionSets: [READ],
          maxDurationHours: 9,
        }),
      ],
    });
    expect(summary(result)).toEqual([
      'Prod-A: AdministratorAccess (approval, 1h)',
      'Prod-A: ReadOnlyAccess (no approval, 9h)',
      'Prod-B: ReadOnlyAccess (no approval, 8h)',
    ]);
  });

  it('covers the accounts directly under the root when a policy lists the root', async () => {
    const { result } = await resolve({
      excludedAccountIds: [],
      policies: [eligibilityPolicy({ id: 'g', ous: [ou(ROOT)], permissionSets: [READ] })],
    });
    expect(result.map((a) => a.name)).toEqual(['Management']);
  });

  it('expands each OU once even when several policies list it', async () => {
    const { calls } = await resolve({
      policies: [
        eligibilityPolicy({ id: 'g1', ous: [ou(OU_PROD), ou(OU_DEV)], permissionSets: [READ] }),
        eligibilityPolicy({ id: 'g2', ous: [ou(OU_PROD)], permissionSets: [ADMIN] }),
        eligibilityPolicy({ id: 'g3', ous: [ou(OU_DEV), ou(OU_PROD)], permissionSets: [POWER] }),
      ],
    });
    expect([...calls].sort()).toEqual([OU_DEV, OU_PROD]);
  });

  it('accepts a synchronous (cached) accountsInOu', async () => {
    const result = await resolveEligibility({
      policies: [eligibilityPolicy({ id: 'g', ous: [ou(OU_DEV)], permissionSets: [READ] })],
      settings: settings(),
      accountsInOu: (id) => DIRECT_CHILDREN[id] ?? [],
    });
    expect(result.map((a) => a.id)).toEqual([DEV.id]);
  });

  it('sorts accounts and permission sets by name and prefers the organization account name', async () => {
    const { result } = await resolve({
      policies: [
        eligibilityPolicy({
          id: 'g1',
          accounts: [account(PROD_B.id, 'old name')],
          permissionSets: [READ, ADMIN],
        }),
        eligibilityPolicy({ id: 'g2', ous: [ou(OU_PROD)], permissionSets: [POWER] }),
        eligibilityPolicy({ id: 'g3', accounts: [account('555555555555', 'Alpha')], permissionSets: [READ] }),
      ],
    });
    expect(result.map((a) => a.name)).toEqual(['Alpha', 'Prod-A', 'Prod-B']);
    expect(result.find((a) => a.id === PROD_B.id)?.permissionSets.map((p) => p.name)).toEqual([
      'AdministratorAccess',
      'PowerUserAccess',
      'ReadOnlyAccess',
    ]);
  });

  it('is empty without policies, and unknown OUs cover nothing', async () => {
    expect((await resolve({ policies: [] })).result).toEqual([]);
    const { result } = await resolve({
      policies: [eligibilityPolicy({ id: 'g', ous: [ou('ou-gone-99999999')], permissionSets: [READ] })],
    });
    expect(result).toEqual([]);
  });
});

describe('findEligibility', () => {
  it('finds a pair or says it is not eligible', async () => {
    const { result } = await resolve({
      policies: [
        eligibilityPolicy({ id: 'g', accounts: [DEV], permissionSets: [READ], maxDurationHours: 5 }),
      ],
    });
    expect(findEligibility(result, DEV.id, READ.arn)).toEqual({
      ...READ,
      approvalRequired: true,
      maxDurationHours: 5,
      maxTotalHours: 5,
      extensionApprovalRequired: true,
      breakGlass: false,
    });
    expect(findEligibility(result, DEV.id, ADMIN.arn)).toBeUndefined();
    expect(findEligibility(result, PROD_A.id, READ.arn)).toBeUndefined();
  });
});
