/*
 * How the policies granting one (account, permission set) pair combine for extensions and
 * break-glass (docs/policies.md, "What a user may request"), and how the inputs of these fields
 * are validated.
 */
import { describe, expect, it } from 'vitest';
import { resolveEligibility } from '../../../lambdas/core/policies/eligibility';
import {
  validateEligibilityPolicyInput,
  validateEligibilityPolicyUpdateInput,
} from '../../../lambdas/core/policies/eligibility-policy-input';
import type { EligibilityPolicy, EligiblePermissionSet } from '../../../lambdas/core/types';
import { account, bad, check, eligibilityPolicy, idcId, ok, type Outcome, ps, settings } from '../fixtures';

const PROD = account('111111111111', 'Prod');
const DEV = account('444444444444', 'Dev');
const ADMIN = ps(1, 'AdministratorAccess');

/** A policy of group `n` granting AdministratorAccess in Prod. */
const grant = (n: number, overrides: Partial<EligibilityPolicy> = {}): EligibilityPolicy =>
  eligibilityPolicy({ id: `g-${n}`, accounts: [PROD], permissionSets: [ADMIN], ...overrides });

async function pair(
  policies: EligibilityPolicy[],
  s: Partial<Parameters<typeof settings>[0]> = {},
): Promise<EligiblePermissionSet | undefined> {
  const eligible = await resolveEligibility({
    policies,
    settings: settings({ maxDurationHours: 12, ...s }),
    accountsInOu: () => [],
  });
  return eligible.find((a) => a.id === PROD.id)?.permissionSets.find((p) => p.arn === ADMIN.arn);
}

describe('combining the policies of a pair: extensions and break-glass', () => {
  const cases: [
    string,
    EligibilityPolicy[],
    Partial<Parameters<typeof settings>[0]>,
    Partial<EligiblePermissionSet>,
  ][] = [
    [
      'a policy without the new fields: no extensions, extension approval as the request, no break-glass',
      [grant(1, { maxDurationHours: 4 })],
      {},
      { maxDurationHours: 4, maxTotalHours: 4, extensionApprovalRequired: true, breakGlass: false },
    ],
    [
      'the largest total of the granting policies',
      [
        grant(1, { maxDurationHours: 4, maxTotalHours: 24 }),
        grant(2, { maxDurationHours: 8, maxTotalHours: 10 }),
      ],
      {},
      { maxDurationHours: 8, maxTotalHours: 24 },
    ],
    [
      'a policy without a total counts with its maximum duration',
      [grant(1, { maxDurationHours: 4, maxTotalHours: 6 }), grant(2, { maxDurationHours: 8 })],
      {},
      { maxTotalHours: 8 },
    ],
    [
      'the total is not capped by the global maximum duration, only the duration is',
      [grant(1, { maxDurationHours: 10, maxTotalHours: 100 })],
      { maxDurationHours: 2 },
      { maxDurationHours: 2, maxTotalHours: 100 },
    ],
    [
      'a total never passes 8000 hours',
      [grant(1, { maxDurationHours: 8, maxTotalHours: 9000 })],
      {},
      { maxTotalHours: 8000 },
    ],
    [
      'a policy that does not grant the pair never counts',
      [
        grant(1, { maxDurationHours: 4 }),
        eligibilityPolicy({
          id: 'g-9',
          accounts: [DEV],
          permissionSets: [ADMIN],
          maxTotalHours: 500,
          breakGlass: true,
          breakGlassMaxHours: 8,
        }),
      ],
      {},
      { maxTotalHours: 4, breakGlass: false },
    ],
    [
      'extension approval: required when the pair needs approval and any policy asks for it',
      [grant(1, { extensionApprovalRequired: false }), grant(2, { extensionApprovalRequired: true })],
      {},
      { approvalRequired: true, extensionApprovalRequired: true },
    ],
    [
      'extension approval: not required when every policy waives it',
      [grant(1, { extensionApprovalRequired: false }), grant(2, { extensionApprovalRequired: false })],
      {},
      { approvalRequired: true, extensionApprovalRequired: false },
    ],
    [
      'extension approval: never required when the request needs none',
      [grant(1, { approvalRequired: false }), grant(2, { extensionApprovalRequired: true })],
      {},
      { approvalRequired: false, extensionApprovalRequired: false },
    ],
    [
      'extension approval: never required when the approval workflow is off',
      [grant(1)],
      { approvalWorkflow: false },
      { approvalRequired: false, extensionApprovalRequired: false },
    ],
    [
      'break-glass: allowed when any granting policy allows it, 1 hour by default',
      [grant(1), grant(2, { breakGlass: true })],
      {},
      { breakGlass: true, breakGlassMaxHours: 1 },
    ],
    [
      'break-glass: the longest among the policies that allow it',
      [
        grant(1, { breakGlass: true, breakGlassMaxHours: 2 }),
        grant(2, { breakGlass: true, breakGlassMaxHours: 6 }),
        grant(3, { breakGlass: false, breakGlassMaxHours: 12 }),
      ],
      {},
      { breakGlass: true, breakGlassMaxHours: 6 },
    ],
    [
      'break-glass: capped by the pair’s maximum duration (itself capped by the settings)',
      [grant(1, { maxDurationHours: 12, breakGlass: true, breakGlassMaxHours: 10 })],
      { maxDurationHours: 3 },
      { maxDurationHours: 3, breakGlass: true, breakGlassMaxHours: 3 },
    ],
    [
      'break-glass: off everywhere when the settings turn it off',
      [grant(1, { breakGlass: true, breakGlassMaxHours: 4 })],
      { breakGlassEnabled: false },
      { breakGlass: false, breakGlassMaxHours: undefined },
    ],
  ];

  it.each(cases)('%s', async (_name, policies, s, expected) => {
    const found = await pair(policies, s);
    expect(found).toBeDefined();
    for (const [key, value] of Object.entries(expected)) {
      expect(found?.[key as keyof EligiblePermissionSet], key).toEqual(value);
    }
  });

  it('leaves breakGlassMaxHours out when break-glass is not allowed', async () => {
    const found = await pair([grant(1)]);
    expect(found).not.toHaveProperty('breakGlassMaxHours');
  });
});

describe('validating the extension and break-glass fields of an eligibility policy', () => {
  const base = {
    principals: [{ id: idcId(1), type: 'GROUP', name: 'TEAM-Users' }],
    accounts: [PROD],
    ous: [],
    permissionSets: [ADMIN],
    maxDurationHours: 8,
    approvalRequired: true,
  };
  const run = (patch: Record<string, unknown>) => () =>
    validateEligibilityPolicyInput({ ...base, ...patch }, settings({ ticketRequired: false }));

  const cases: [string, () => unknown, Outcome][] = [
    [
      'defaults when left out',
      run({}),
      ok({ maxTotalHours: 8, extensionApprovalRequired: true, breakGlass: false, breakGlassMaxHours: 1 }),
    ],
    ['nulls read as left out', run({ maxTotalHours: null, breakGlass: null }), ok({ maxTotalHours: 8 })],
    ['a total above the duration', run({ maxTotalHours: 48 }), ok({ maxTotalHours: 48 })],
    ['a total equal to the duration', run({ maxTotalHours: 8 }), ok({ maxTotalHours: 8 })],
    [
      'a total below the duration',
      run({ maxTotalHours: 4 }),
      bad(
        'maxTotalHours',
        'Maximum total hours with extensions must be at least the maximum duration (8 hours).',
      ),
    ],
    [
      'a total above 8000',
      run({ maxTotalHours: 8001 }),
      bad('maxTotalHours', 'Maximum total hours with extensions must be at most 8000 hours.'),
    ],
    [
      'a fractional total',
      run({ maxTotalHours: 10.5 }),
      bad('maxTotalHours', 'Maximum total hours with extensions must be a whole number of hours.'),
    ],
    [
      'a total as text',
      run({ maxTotalHours: '10' }),
      bad('maxTotalHours', 'Maximum total hours with extensions must be a number.'),
    ],
    [
      'extension approval not a flag',
      run({ extensionApprovalRequired: 'no' }),
      bad('extensionApprovalRequired', 'Extension approval required must be true or false.'),
    ],
    [
      'break-glass for 4 hours',
      run({ breakGlass: true, breakGlassMaxHours: 4 }),
      ok({ breakGlassMaxHours: 4 }),
    ],
    [
      'break-glass for 0 hours',
      run({ breakGlass: true, breakGlassMaxHours: 0 }),
      bad('breakGlassMaxHours', 'Break-glass maximum duration must be at least 1 hour.'),
    ],
    [
      'break-glass for 25 hours',
      run({ breakGlass: true, breakGlassMaxHours: 25 }),
      bad('breakGlassMaxHours', 'Break-glass maximum duration must be at most 24 hours.'),
    ],
    [
      'break-glass longer than the maximum duration',
      run({ breakGlass: true, breakGlassMaxHours: 12 }),
      bad(
        'breakGlassMaxHours',
        'Break-glass maximum duration must be at most the maximum duration (8 hours).',
      ),
    ],
    [
      'break-glass hours kept while break-glass is off',
      run({ breakGlass: false, breakGlassMaxHours: 12 }),
      ok({ breakGlass: false, breakGlassMaxHours: 12 }),
    ],
    [
      'break-glass not a flag',
      run({ breakGlass: 1 }),
      bad('breakGlass', 'Break-glass must be true or false.'),
    ],
  ];

  it.each(cases)('%s', (_name, runIt, outcome) => check(runIt, outcome));

  it('checks an edit with the same rules', () => {
    check(
      () =>
        validateEligibilityPolicyUpdateInput(
          {
            accounts: [PROD],
            ous: [],
            permissionSets: [ADMIN],
            maxDurationHours: 1,
            approvalRequired: true,
            maxTotalHours: 0,
          },
          settings({ ticketRequired: false }),
        ),
      bad('maxTotalHours', 'Maximum total hours with extensions must be at least 1 hour.'),
    );
  });
});
