import { describe, expect, it } from 'vitest';
import {
  findStaleReferences,
  makeCheckPolicies,
  type DirectorySnapshot,
} from '../../../lambdas/core/policies/policy-check';
import { NotEligibleError } from '../../../lambdas/core/errors';
import type { ApproverPolicy, EligibilityPolicy, StaleReference } from '../../../lambdas/core/types';
import { DEMO } from '../../fakes';
import { approverPolicy, eligibilityPolicy, ps } from '../fixtures';
import { failure, setup } from '../support';

const READ = ps(1, 'ReadOnlyAccess');
const ADMIN = ps(2, 'AdministratorAccess');

const NOW: DirectorySnapshot = {
  user: new Map([['u-ann', 'ann@example.com']]),
  group: new Map([
    ['g-ops', 'Ops'],
    ['g-sec', 'Security'],
  ]),
  account: new Map([
    ['111111111111', 'Payments'],
    ['222222222222', 'Portal'],
  ]),
  ou: new Map([
    ['r-root', 'Root'],
    ['ou-prod-11111111', 'Production'],
  ]),
  permissionSet: new Map([[READ.arn, READ.name]]),
};

const group = (id: string, name: string) => ({ id, name });

describe('findStaleReferences', () => {
  const cases: {
    name: string;
    eligibility?: EligibilityPolicy[];
    approvers?: ApproverPolicy[];
    found: { policyId: string; references: StaleReference[] }[];
  }[] = [
    {
      name: 'a policy whose references all exist has no finding',
      eligibility: [
        eligibilityPolicy({
          id: 'g-ops',
          principalName: 'Ops',
          accounts: [{ id: '111111111111', name: 'Payments' }],
          ous: [{ id: 'ou-prod-11111111', name: 'Production' }],
          permissionSets: [READ],
        }),
      ],
      found: [],
    },
    {
      name: 'a deleted group as principal',
      eligibility: [eligibilityPolicy({ id: 'g-gone', principalName: 'Gone', permissionSets: [READ] })],
      found: [
        {
          policyId: 'g-gone',
          references: [{ kind: 'group', id: 'g-gone', name: 'Gone', problem: 'missing' }],
        },
      ],
    },
    {
      name: 'a closed account, a deleted OU and a deleted permission set, each once',
      eligibility: [
        eligibilityPolicy({
          id: 'g-ops',
          principalName: 'Ops',
          accounts: [{ id: '999999999999', name: 'Closed' }],
          ous: [{ id: 'ou-gone-22222222', name: 'Old' }],
          permissionSets: [ADMIN, READ],
          pairs: [{ account: { id: '999999999999', name: 'Closed' }, permissionSet: ADMIN }],
        }),
      ],
      found: [
        {
          policyId: 'g-ops',
          references: [
            { kind: 'account', id: '999999999999', name: 'Closed', problem: 'missing' },
            { kind: 'ou', id: 'ou-gone-22222222', name: 'Old', problem: 'missing' },
            { kind: 'permissionSet', id: ADMIN.arn, name: ADMIN.name, problem: 'missing' },
          ],
        },
      ],
    },
    {
      name: 'a renamed account',
      eligibility: [
        eligibilityPolicy({
          id: 'g-ops',
          principalName: 'Ops',
          accounts: [{ id: '222222222222', name: 'Customer Portal' }],
          permissionSets: [READ],
        }),
      ],
      found: [
        {
          policyId: 'g-ops',
          references: [
            {
              kind: 'account',
              id: '222222222222',
              name: 'Customer Portal',
              problem: 'renamed',
              currentName: 'Portal',
            },
          ],
        },
      ],
    },
    {
      name: 'an approver policy naming a deleted group and user, scoped to a deleted permission set',
      approvers: [
        approverPolicy('ou-prod-11111111', [], 'OU', {
          targetName: 'Production',
          permissionSets: [ADMIN],
          approverGroups: [group('g-sec', 'Security'), group('g-old', 'Old approvers')],
          approverUsers: [
            { id: 'u-ann', name: 'ann@example.com' },
            { id: 'u-bob', name: 'bob@example.com' },
          ],
        }),
      ],
      found: [
        {
          policyId: `ou-prod-11111111#${ADMIN.arn.slice(-19)}`,
          references: [
            { kind: 'permissionSet', id: ADMIN.arn, name: ADMIN.name, problem: 'missing' },
            { kind: 'group', id: 'g-old', name: 'Old approvers', problem: 'missing' },
            { kind: 'user', id: 'u-bob', name: 'bob@example.com', problem: 'missing' },
          ],
        },
      ],
    },
    {
      name: 'an approver policy of an account that left the organization',
      approvers: [
        approverPolicy('333333333333', ['g-sec'], 'ACCOUNT', {
          targetName: 'Gone',
          approverGroups: [group('g-sec', 'Security')],
        }),
      ],
      found: [
        {
          policyId: '333333333333',
          references: [{ kind: 'account', id: '333333333333', name: 'Gone', problem: 'missing' }],
        },
      ],
    },
  ];

  it.each(cases)('$name', ({ eligibility = [], approvers = [], found }) => {
    expect(
      findStaleReferences({ eligibility, approvers }, NOW).map(({ policyId, references }) => ({
        policyId,
        references,
      })),
    ).toEqual(found);
  });
});

describe('the policy check', () => {
  it('checks every stored policy against the directory and the organization, and stores its report', async () => {
    const t = setup();
    const gone = t.world.org.groups.findIndex((g) => g.id === DEMO.groups.approversNonProduction.id);
    t.world.org.groups.splice(gone, 1);
    const report = await makeCheckPolicies(t.world)();
    expect(report.eligibilityPoliciesChecked).toBe(2);
    expect(report.approverPoliciesChecked).toBe(4);
    expect(
      report.findings.map((f) => [f.policyId, f.references.map((r) => `${r.kind} ${r.name} ${r.problem}`)]),
    ).toEqual([
      [DEMO.accounts.prodWeb.id, ['group TEAM-Approvers-NonProduction missing']],
      [DEMO.ous.nonProduction.id, ['group TEAM-Approvers-NonProduction missing']],
    ]);
    expect(report.truncated).toBe(false);
    expect(await t.world.policies.getCheck()).toEqual(report);
  });

  it('refuses a request for a permission set deleted since the policy named it', async () => {
    const t = setup();
    const readOnly = t.world.org.permissionSets.findIndex((p) => p.arn === DEMO.permissionSets.readOnly.arn);
    t.world.org.permissionSets.splice(readOnly, 1);
    const error = await failure(
      t.create(t.alice, {
        accountId: DEMO.accounts.prodPayments.id,
        permissionSetArn: DEMO.permissionSets.readOnly.arn,
        durationHours: 1,
        justification: 'Checking the payments queue',
        ticketNo: 'INC-1',
      }),
    );
    expect(error).toBeInstanceOf(NotEligibleError);
    expect(error.message).toMatch(/ReadOnlyAccess no longer exists/);
  });
});
