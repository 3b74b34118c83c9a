import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findEligibility,
  resolveAccountEligibility,
  resolveEligibility,
  type ResolveAccountEligibilityInput,
} from '../../../lambdas/core/policies/eligibility';
import type { AccountRef, EligibilityPolicy, ParentRef } from '../../../lambdas/core/types';
import { account, eligibilityPolicy, ps, settings } from '../fixtures';

/*
 *   r-root ── 000000000000 Management, 555555555555 Loose
 *          ├─ ou-prod-11111111 ── 111111111111 Prod-A, 222222222222 Prod-B
 *          │                     └─ ou-prod-nested11 ── 333333333333 Prod-Nested
 *          └─ ou-dev0-22222222  ── 444444444444 Dev
 */
const MGMT = account('000000000000', 'Management');
const LOOSE = account('555555555555', 'Loose');
const PROD_A = account('111111111111', 'Prod-A');
const PROD_B = account('222222222222', 'Prod-B');
const NESTED = account('333333333333', 'Prod-Nested');
const DEV = account('444444444444', 'Dev');
const ROOT = 'r-root';
const OU_PROD = 'ou-prod-11111111';
const OU_NESTED = 'ou-prod-nested11';
const OU_DEV = 'ou-dev0-22222222';
const OUS = [ROOT, OU_PROD, OU_NESTED, OU_DEV];
const ACCOUNTS = [MGMT, LOOSE, PROD_A, PROD_B, NESTED, DEV];
const OUTSIDER = account('999999999999', 'Not in the organization');

const PARENT: Record<string, string> = {
  [MGMT.id]: ROOT,
  [LOOSE.id]: ROOT,
  [PROD_A.id]: OU_PROD,
  [PROD_B.id]: OU_PROD,
  [NESTED.id]: OU_NESTED,
  [DEV.id]: OU_DEV,
};
const OU_PARENT: Record<string, string> = { [OU_PROD]: ROOT, [OU_NESTED]: OU_PROD, [OU_DEV]: ROOT };
const ancestorsOfOu = (ouId: string): string[] => {
  const out: string[] = [];
  for (let at = OU_PARENT[ouId]; at !== undefined; at = OU_PARENT[at]) out.push(at);
  return out;
};
const nestedOusOf = (ouId: string): string[] =>
  Object.keys(OU_PARENT).filter((id) => ancestorsOfOu(id).includes(ouId));
const childrenOf = (ouId: string): AccountRef[] => ACCOUNTS.filter((a) => PARENT[a.id] === ouId);
const parentRef = (id: string): ParentRef => ({ id, type: id === ROOT ? 'ROOT' : 'ORGANIZATIONAL_UNIT' });

const ADMIN = ps(1, 'AdministratorAccess');
const POWER = ps(2, 'PowerUserAccess');
const READ = ps(3, 'ReadOnlyAccess');
const PERMISSION_SETS = [ADMIN, POWER, READ];

/** The organization as callbacks that record every call, in order. */
function organization(listing: (ouId: string) => AccountRef[] = childrenOf) {
  const calls: string[] = [];
  return {
    calls,
    parentOf: async (accountId: string) => {
      calls.push(`parentOf ${accountId}`);
      const parent = PARENT[accountId];
      return parent === undefined ? undefined : parentRef(parent);
    },
    accountsInOu: async (ouId: string) => {
      calls.push(`accountsInOu ${ouId}`);
      return listing(ouId);
    },
    excludedPermissionSetArns: async () => {
      calls.push('excluded');
      return [ADMIN.arn];
    },
    ancestorsOf: async (ouId: string) => {
      calls.push(`ancestorsOf ${ouId}`);
      return ancestorsOfOu(ouId);
    },
  };
}

type Input = Partial<ResolveAccountEligibilityInput> &
  Pick<ResolveAccountEligibilityInput, 'accountId' | 'permissionSetArn' | 'policies'>;

async function check(input: Input, org = organization()) {
  const result = await resolveAccountEligibility({
    settings: settings({ maxDurationHours: 9, approvalWorkflow: true }),
    managementAccountId: MGMT.id,
    parentOf: org.parentOf,
    accountsInOu: org.accountsInOu,
    excludedPermissionSetArns: org.excludedPermissionSetArns,
    ancestorsOf: org.ancestorsOf,
    ...input,
  });
  return { result, calls: org.calls.filter((c) => c !== 'excluded') };
}

const ou = (id: string) => account(id, id);

describe('resolveAccountEligibility', () => {
  it('lists the only OU that could cover the account first, then asks for its parent', async () => {
    const { result, calls } = await check({
      accountId: PROD_B.id,
      permissionSetArn: READ.arn,
      policies: [
        eligibilityPolicy({ id: 'g1', ous: [ou(OU_PROD)], permissionSets: [READ], maxDurationHours: 3 }),
        // Names other OUs, but not for this permission set: never expanded.
        eligibilityPolicy({ id: 'g2', ous: [ou(OU_DEV), ou(ROOT)], permissionSets: [POWER] }),
      ],
    });
    expect(result).toEqual({
      account: PROD_B,
      permissionSet: {
        ...READ,
        approvalRequired: true,
        maxDurationHours: 3,
        maxTotalHours: 3,
        extensionApprovalRequired: true,
        breakGlass: false,
      },
      parent: parentRef(OU_PROD),
    });
    expect(calls).toEqual([`accountsInOu ${OU_PROD}`, `parentOf ${PROD_B.id}`]);
  });

  it('asks nothing more when the only OU does not hold the account', async () => {
    const { result, calls } = await check({
      accountId: DEV.id,
      permissionSetArn: READ.arn,
      policies: [eligibilityPolicy({ id: 'g', ous: [ou(OU_PROD)], permissionSets: [READ] })],
    });
    expect(result).toBeUndefined();
    expect(calls).toEqual([`accountsInOu ${OU_PROD}`]);
  });

  it('lets the live parent overrule a stale (cached) listing', async () => {
    // The cached listing still shows Dev under Production; Organizations says it moved.
    const stale = organization((ouId) => (ouId === OU_PROD ? [PROD_A, DEV] : childrenOf(ouId)));
    const { result } = await check(
      {
        accountId: DEV.id,
        permissionSetArn: READ.arn,
        policies: [eligibilityPolicy({ id: 'g', ous: [ou(OU_PROD)], permissionSets: [READ] })],
      },
      stale,
    );
    expect(result).toBeUndefined();
  });

  it('asks for the parent first when a policy names the account, expanding the parent only if a policy names it', async () => {
    const named = await check({
      accountId: DEV.id,
      permissionSetArn: READ.arn,
      policies: [
        eligibilityPolicy({ id: 'u', accounts: [account(DEV.id, 'Dev (old name)')], permissionSets: [READ] }),
        eligibilityPolicy({ id: 'g', ous: [ou(OU_PROD)], permissionSets: [READ] }),
      ],
    });
    expect(named.calls).toEqual([`parentOf ${DEV.id}`]);
    // Nothing listed: the policy's name is the only one known.
    expect(named.result).toMatchObject({
      account: { id: DEV.id, name: 'Dev (old name)' },
      parent: parentRef(OU_DEV),
    });

    const alsoByOu = await check({
      accountId: DEV.id,
      permissionSetArn: READ.arn,
      policies: [
        eligibilityPolicy({ id: 'u', accounts: [DEV], permissionSets: [READ], maxDurationHours: 2 }),
        eligibilityPolicy({ id: 'g', ous: [ou(OU_DEV)], permissionSets: [READ], approvalRequired: false }),
      ],
    });
    expect(alsoByOu.calls).toEqual([`parentOf ${DEV.id}`, `accountsInOu ${OU_DEV}`]);
    expect(alsoByOu.result?.permissionSet).toEqual({
      ...READ,
      approvalRequired: false,
      maxDurationHours: 8,
      maxTotalHours: 8,
      extensionApprovalRequired: false,
      breakGlass: false,
    });
  });

  it('asks for the parent first when several OUs could cover the account', async () => {
    const { result, calls } = await check({
      accountId: DEV.id,
      permissionSetArn: READ.arn,
      policies: [eligibilityPolicy({ id: 'g', ous: [ou(OU_PROD), ou(OU_DEV)], permissionSets: [READ] })],
    });
    expect(result?.account).toEqual(DEV);
    expect(calls).toEqual([`parentOf ${DEV.id}`, `accountsInOu ${OU_DEV}`]);
  });

  it('asks Organizations nothing when no policy grants the permission set, or for the management account', async () => {
    const policies = [
      eligibilityPolicy({ id: 'g', accounts: [DEV, MGMT], ous: [ou(ROOT)], permissionSets: [READ] }),
    ];
    const noSet = await check({ accountId: DEV.id, permissionSetArn: POWER.arn, policies });
    expect(noSet).toEqual({ result: undefined, calls: [] });
    const management = await check({ accountId: MGMT.id, permissionSetArn: READ.arn, policies });
    expect(management).toEqual({ result: undefined, calls: [] });
  });

  it('refuses accounts outside the organization and permission sets provisioned to the management account', async () => {
    const outsider = await check({
      accountId: OUTSIDER.id,
      permissionSetArn: READ.arn,
      policies: [eligibilityPolicy({ id: 'g', accounts: [OUTSIDER], permissionSets: [READ] })],
    });
    expect(outsider.result).toBeUndefined();
    const excluded = await check({
      accountId: DEV.id,
      permissionSetArn: ADMIN.arn,
      policies: [eligibilityPolicy({ id: 'g', accounts: [DEV], permissionSets: [ADMIN] })],
    });
    expect(excluded.result).toBeUndefined();
  });

  it('covers an account in a nested OU through an ancestor policy that includes nested OUs', async () => {
    const nested = eligibilityPolicy({
      id: 'g',
      ous: [ou(ROOT)],
      includeNestedOus: true,
      permissionSets: [READ],
    });
    const { result, calls } = await check({
      accountId: NESTED.id,
      permissionSetArn: READ.arn,
      policies: [nested],
    });
    expect(result?.account).toEqual(NESTED);
    expect(calls.filter((c) => c !== 'excluded')).toEqual([
      `parentOf ${NESTED.id}`,
      `ancestorsOf ${OU_NESTED}`,
      `accountsInOu ${OU_NESTED}`,
    ]);
    const direct = await check({
      accountId: NESTED.id,
      permissionSetArn: READ.arn,
      policies: [{ ...nested, includeNestedOus: false }],
    });
    expect(direct.result).toBeUndefined();
  });

  it('grants an explicit pair without listing any OU', async () => {
    const pairs = eligibilityPolicy({
      id: 'g',
      pairs: [{ account: PROD_A, permissionSet: POWER }],
      maxDurationHours: 2,
    });
    const { result, calls } = await check({
      accountId: PROD_A.id,
      permissionSetArn: POWER.arn,
      policies: [pairs],
    });
    expect(result?.permissionSet).toMatchObject({ arn: POWER.arn, maxDurationHours: 2 });
    expect(calls.filter((c) => c !== 'excluded')).toEqual([`parentOf ${PROD_A.id}`]);
    const other = await check({ accountId: PROD_B.id, permissionSetArn: POWER.arn, policies: [pairs] });
    expect(other.result).toBeUndefined();
  });

  it('gives the same answer as the full eligibility (accounts in the organization), with at most one OU listed and one parent asked', async () => {
    const pairArb = fc.record({
      account: fc.constantFrom(...ACCOUNTS, OUTSIDER),
      permissionSet: fc.constantFrom(...PERMISSION_SETS),
    });
    const policyArb = fc.record({
      accounts: fc.subarray([...ACCOUNTS, OUTSIDER]),
      ous: fc.subarray(OUS),
      includeNestedOus: fc.boolean(),
      permissionSets: fc.subarray(PERMISSION_SETS),
      pairs: fc.array(pairArb, { maxLength: 3 }),
      maxDurationHours: fc.integer({ min: 1, max: 12 }),
      approvalRequired: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(policyArb, { maxLength: 4 }),
        fc.constantFrom(...ACCOUNTS, OUTSIDER),
        fc.constantFrom(...PERMISSION_SETS),
        fc.boolean(),
        async (shapes, target, permissionSet, approvalWorkflow) => {
          const policies: EligibilityPolicy[] = shapes.map((shape, i) =>
            eligibilityPolicy({ id: `p${i}`, ...shape, ous: shape.ous.map(ou) }),
          );
          const policySettings = settings({ maxDurationHours: 9, approvalWorkflow });
          const full = await resolveEligibility({
            policies,
            settings: policySettings,
            accountsInOu: childrenOf,
            nestedOusOf,
            excludedAccountIds: [MGMT.id],
            excludedPermissionSetArns: [ADMIN.arn],
          });
          const { result, calls } = await check({
            accountId: target.id,
            permissionSetArn: permissionSet.arn,
            policies,
            settings: policySettings,
          });
          // The form offers what policies name; a request also needs the account in the organization.
          const expected =
            PARENT[target.id] === undefined ? undefined : findEligibility(full, target.id, permissionSet.arn);
          expect(result?.permissionSet).toEqual(expected);
          if (result) {
            expect(result.account).toEqual({
              id: target.id,
              name: full.find((a) => a.id === target.id)?.name,
            });
            expect(result.parent).toEqual(parentRef(PARENT[target.id] ?? '?'));
          }
          expect(calls.filter((c) => c.startsWith('parentOf')).length).toBeLessThanOrEqual(1);
          expect(calls.filter((c) => c.startsWith('accountsInOu')).length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 400 },
    );
  });
});
