import { describe, expect, it } from 'vitest';
import {
  validateEligibilityPolicyInput,
  validateEligibilityPolicyUpdateInput,
} from '../../../lambdas/core/policies/eligibility-policy-input';
import { bad, check, type Outcome, idcId, ok, psArn, settings } from '../fixtures';

describe('validateEligibilityPolicyInput', () => {
  const base = {
    principals: [{ id: idcId(1), type: 'GROUP', name: 'TEAM-Users' }],
    accounts: [{ id: '111111111111', name: 'Production' }],
    ous: [{ id: 'ou-ab12-abcdefgh', name: 'NonProduction' }],
    permissionSets: [{ arn: psArn(1), name: 'ReadOnlyAccess' }],
    maxDurationHours: 8,
    approvalRequired: true,
    ticketNo: 'CHG-1',
  };
  const strict = settings({ ticketRequired: true });
  const PAIR = {
    account: { id: '222222222222', name: 'Payments' },
    permissionSet: { arn: psArn(2), name: 'AdministratorAccess' },
  };
  const run =
    (patch: Record<string, unknown>, s = strict) =>
    () =>
      validateEligibilityPolicyInput({ ...base, ...patch }, s);

  const cases: [string, () => unknown, Outcome][] = [
    ['a complete policy', run({}), ok(base)],
    [
      'a user principal without identity store prefix',
      run({ principals: [{ id: idcId(2, false), type: 'USER', name: 'jane@example.com' }] }),
      ok(),
    ],
    ['the root as an OU', run({ ous: [{ id: 'r-ab12', name: 'Root' }] }), ok()],
    ['accounts only', run({ ous: [] }), ok()],
    ['OUs only', run({ accounts: [] }), ok()],
    ['no principals', run({ principals: [] }), bad('principals', 'Choose at least one user or group.')],
    [
      'a malformed principal id',
      run({ principals: [{ id: 'user-1', type: 'USER', name: 'x' }] }),
      bad('principals.0.id', 'User or group id must be an IAM Identity Center id (item 1).'),
    ],
    [
      'a wrong principal type',
      run({ principals: [{ id: idcId(1), type: 'ROLE', name: 'x' }] }),
      bad('principals.0.type', 'Principal type must be USER or GROUP (item 1).'),
    ],
    [
      'a principal name with a line break',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'a\nb' }] }),
      bad('principals.0.name', /printable text on one line/),
    ],
    [
      'a group name of 1,024 characters',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'g'.repeat(1024) }] }),
      ok(),
    ],
    [
      'a group name of 1,025 characters',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'g'.repeat(1025) }] }),
      bad('principals.0.name', /at most 1,024 characters/),
    ],
    [
      'a bad account id in second position',
      run({ accounts: [base.accounts[0], { id: '12', name: 'x' }] }),
      bad('accounts.1.id', 'Account id must be 12 digits (item 2).'),
    ],
    [
      'an account name of 50 characters',
      run({ accounts: [{ id: '111111111111', name: 'n'.repeat(50) }] }),
      ok(),
    ],
    [
      'an account name of 51 characters',
      run({ accounts: [{ id: '111111111111', name: 'n'.repeat(51) }] }),
      bad('accounts.0.name', /Account name must be at most 50 characters/),
    ],
    [
      'a malformed OU id',
      run({ ous: [{ id: 'ou-abc', name: 'x' }] }),
      bad('ous.0.id', /OU id must be an OU id \(ou-…\) or the root id/),
    ],
    [
      'no permission sets',
      run({ permissionSets: [] }),
      bad('permissionSets', 'Choose at least one permission set.'),
    ],
    [
      'a permission set name with a space',
      run({ permissionSets: [{ arn: psArn(1), name: 'Read Only' }] }),
      bad('permissionSets.0.name', /Permission set name must be 1 to 32/),
    ],
    [
      'a permission set name of 32 characters',
      run({ permissionSets: [{ arn: psArn(1), name: 'P'.repeat(32) }] }),
      ok(),
    ],
    [
      'a permission set name of 33 characters',
      run({ permissionSets: [{ arn: psArn(1), name: 'P'.repeat(33) }] }),
      bad('permissionSets.0.name', /Permission set name/),
    ],
    [
      'a malformed permission set ARN',
      run({ permissionSets: [{ arn: 'arn:x', name: 'A' }] }),
      bad('permissionSets.0.arn', /Permission set ARN/),
    ],
    [
      'neither accounts nor OUs',
      run({ accounts: [], ous: [] }),
      bad('accounts', 'Choose at least one account or OU.'),
    ],
    ['accounts not a list', run({ accounts: 'all' }), bad('accounts', 'Accounts must be a list.')],
    [
      'maximum duration 0',
      run({ maxDurationHours: 0 }),
      bad('maxDurationHours', 'Maximum duration must be at least 1 hour.'),
    ],
    ['maximum duration 8000', run({ maxDurationHours: 8000 }), ok()],
    [
      'maximum duration 8001',
      run({ maxDurationHours: 8001 }),
      bad('maxDurationHours', 'Maximum duration must be at most 8000 hours.'),
    ],
    ['maximum duration 1.5', run({ maxDurationHours: 1.5 }), bad('maxDurationHours', /whole number/)],
    [
      'approval flag missing',
      run({ approvalRequired: undefined }),
      bad('approvalRequired', 'Approval required must be true or false.'),
    ],
    [
      'ticket missing when required',
      run({ ticketNo: undefined }),
      bad('ticketNo', 'Ticket number is required.'),
    ],
    [
      'ticket missing when not required',
      run({ ticketNo: undefined }, settings({ ticketRequired: false })),
      ok(),
    ],
    [
      'a ticket starting with a dash',
      run({ ticketNo: '-1' }),
      bad('ticketNo', /start with a letter or digit/),
    ],
    ['a named policy', run({ name: 'Production on call' }), ok()],
    ['a Japanese policy name', run({ name: '本番運用' }), ok()],
    ['a policy name of 65 characters', run({ name: 'n'.repeat(65) }), bad('name', /at most 64 characters/)],
    ['nested OUs', run({ includeNestedOus: true }), ok()],
    [
      'nested OUs without an OU',
      run({ includeNestedOus: true, ous: [] }),
      bad('includeNestedOus', /needs at least one OU/),
    ],
    ['explicit pairs only', run({ accounts: [], ous: [], permissionSets: [], pairs: [PAIR] }), ok()],
    [
      'pairs beside accounts',
      run({ pairs: [PAIR] }),
      bad('pairs', /either accounts and OUs × permission sets, or a list of pairs/),
    ],
    [
      'a pair with a malformed account id',
      run({
        accounts: [],
        ous: [],
        permissionSets: [],
        pairs: [{ ...PAIR, account: { id: '1', name: 'x' } }],
      }),
      bad('pairs.0.account.id', /12 digits/),
    ],
    [
      'not an object',
      () => validateEligibilityPolicyInput([], strict),
      bad(undefined, 'The eligibility policy must be an object.'),
    ],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('de-duplicates principals, accounts, OUs and permission sets by id', () => {
    const result = validateEligibilityPolicyInput(
      {
        ...base,
        principals: [...base.principals, ...base.principals],
        accounts: [...base.accounts, { id: '111111111111', name: 'again' }],
        ous: [...base.ous, ...base.ous],
        permissionSets: [...base.permissionSets, ...base.permissionSets],
      },
      strict,
    );
    expect(result.principals).toHaveLength(1);
    expect(result.accounts).toEqual(base.accounts);
    expect(result.ous).toHaveLength(1);
    expect(result.permissionSets).toHaveLength(1);
  });

  it('validates an edit without principals', () => {
    const { principals: _principals, ...scope } = base;
    expect(validateEligibilityPolicyUpdateInput(scope, strict)).toEqual({
      ...scope,
      includeNestedOus: false,
      pairs: [],
      maxTotalHours: scope.maxDurationHours,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
    });
    check(
      () => validateEligibilityPolicyUpdateInput({ ...scope, ous: [], accounts: [] }, strict),
      bad('accounts', /at least one account/),
    );
  });
});
