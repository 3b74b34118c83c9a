import { describe, expect, it } from 'vitest';
import {
  validateApproverPolicyInput,
  validateApproverPolicyUpdateInput,
} from '../../../lambdas/core/policies/approver-policy-input';
import { bad, check, psArn, type Outcome, idcId, ok, settings } from '../fixtures';

describe('validateApproverPolicyInput', () => {
  const base = {
    targets: [
      { id: '111111111111', type: 'ACCOUNT', name: 'Production' },
      { id: 'ou-ab12-abcdefgh', type: 'OU', name: 'NonProduction' },
    ],
    approverGroups: [{ id: idcId(7), name: 'TEAM-Approvers-Production' }],
    ticketNo: 'CHG-2',
  };
  const strict = settings({ ticketRequired: true });
  const run =
    (patch: Record<string, unknown>, s = strict) =>
    () =>
      validateApproverPolicyInput({ ...base, ...patch }, s);

  const cases: [string, () => unknown, Outcome][] = [
    ['a complete policy', run({}), ok(base)],
    ['the root as a target', run({ targets: [{ id: 'r-ab12', type: 'OU', name: 'Root' }] }), ok()],
    ['no targets', run({ targets: [] }), bad('targets', 'Choose at least one account or OU.')],
    [
      'an account target with an OU id',
      run({ targets: [{ id: 'ou-ab12-abcdefgh', type: 'ACCOUNT', name: 'x' }] }),
      bad('targets.0.id', 'Account id must be 12 digits (item 1).'),
    ],
    [
      'an OU target with an account id',
      run({ targets: [{ id: '111111111111', type: 'OU', name: 'x' }] }),
      bad('targets.0.id', /OU id must be an OU id/),
    ],
    [
      'an account target named with 51 characters',
      run({ targets: [{ id: '111111111111', type: 'ACCOUNT', name: 'n'.repeat(51) }] }),
      bad('targets.0.name', /Account name must be at most 50 characters/),
    ],
    [
      'an unknown target type',
      run({ targets: [{ id: 'r-ab12', type: 'ROOT', name: 'Root' }] }),
      bad('targets.0.type', /Target type must be ACCOUNT or OU/),
    ],
    [
      'no approver groups',
      run({ approverGroups: [] }),
      bad('approverGroups', 'Choose at least one approver group or user.'),
    ],
    [
      'named users instead of groups',
      run({ approverGroups: [], approverUsers: [{ id: idcId(8), name: 'ann' }] }),
      ok(),
    ],
    [
      'a malformed user id',
      run({ approverUsers: [{ id: 'ann', name: 'ann' }] }),
      bad('approverUsers.0.id', /Approver user id/),
    ],
    [
      'scoped to a permission set',
      run({ permissionSets: [{ arn: psArn(1), name: 'AdministratorAccess' }] }),
      ok(),
    ],
    [
      'scoped to 21 permission sets',
      run({ permissionSets: Array.from({ length: 21 }, (_, i) => ({ arn: psArn(i + 1), name: `Set${i}` })) }),
      bad('permissionSets', /at most 20/),
    ],
    ['"also" not a flag', run({ also: 'yes' }), bad('also', 'Also must be true or false.')],
    [
      'a malformed group id',
      run({ approverGroups: [{ id: 'admins', name: 'Admins' }] }),
      bad('approverGroups.0.id', /Approver group id must be an IAM Identity Center id/),
    ],
    [
      'a group name with a control character',
      run({ approverGroups: [{ id: idcId(7), name: 'bad\u0001name' }] }),
      bad('approverGroups.0.name', /printable/),
    ],
    ['a Japanese group name', run({ approverGroups: [{ id: idcId(7), name: '承認者グループ' }] }), ok()],
    ['ticket missing when required', run({ ticketNo: '' }), bad('ticketNo', 'Ticket number is required.')],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('de-duplicates targets and groups', () => {
    const result = validateApproverPolicyInput(
      {
        ...base,
        targets: [...base.targets, ...base.targets],
        approverGroups: [...base.approverGroups, ...base.approverGroups],
      },
      strict,
    );
    expect(result.targets).toHaveLength(2);
    expect(result.approverGroups).toHaveLength(1);
  });

  it('validates an edit without targets', () => {
    const { targets: _targets, ...groups } = base;
    const defaults = {
      includeNestedOus: false,
      approverUsers: [],
      also: false,
      approvalsRequired: 1,
      nextStages: [],
      escalationGroups: [],
    };
    expect(validateApproverPolicyUpdateInput(groups, strict)).toEqual({ ...defaults, ...groups });
    check(
      () => validateApproverPolicyUpdateInput({ approverGroups: base.approverGroups }, strict),
      bad('ticketNo', /required/),
    );
    expect(
      validateApproverPolicyUpdateInput(
        { approverGroups: base.approverGroups },
        settings({ ticketRequired: false }),
      ),
    ).toEqual({ ...defaults, approverGroups: base.approverGroups });
  });
});
