/* Validation of the approval rules of an approver policy: approvals, stages, reminder, escalation. */
import { describe, it } from 'vitest';
import {
  validateApproverPolicyInput,
  validateApproverPolicyUpdateInput,
} from '../../../lambdas/core/policies/approver-policy-input';
import { bad, check, idcId, ok, type Outcome, settings } from '../fixtures';

const SECURITY = { id: idcId(1), name: 'Security' };
const AUDIT = { id: idcId(2), name: 'Audit' };
const ANN = { id: idcId(3), name: 'ann' };
const BEN = { id: idcId(4), name: 'ben' };

const stage = (name: string, patch: Record<string, unknown> = {}) => ({
  name,
  approverGroups: [SECURITY],
  approverUsers: [],
  ...patch,
});

describe('validateApproverPolicyInput: approval rules', () => {
  const base = {
    targets: [{ id: '111111111111', type: 'ACCOUNT', name: 'Production' }],
    approverGroups: [AUDIT],
  };
  const run = (patch: Record<string, unknown>) => () =>
    validateApproverPolicyInput({ ...base, ...patch }, settings({ ticketRequired: false }));

  const cases: [string, () => unknown, Outcome][] = [
    ['defaults when left out', run({}), ok({ approvalsRequired: 1, nextStages: [], escalationGroups: [] })],
    ['two approvals from a group', run({ approvalsRequired: 2 }), ok({ approvalsRequired: 2 })],
    [
      'no approvals',
      run({ approvalsRequired: 0 }),
      bad('approvalsRequired', 'Approvals required must be at least 1 approval.'),
    ],
    [
      'eleven approvals',
      run({ approvalsRequired: 11 }),
      bad('approvalsRequired', 'Approvals required must be at most 10 approvals.'),
    ],
    [
      'more approvals than named users without a group',
      run({ approverGroups: [], approverUsers: [ANN, BEN], approvalsRequired: 3 }),
      bad(
        'approvalsRequired',
        'Approvals required (3) must be at most the number of approver users of the first stage (2) when it names no group.',
      ),
    ],
    [
      'as many approvals as named users',
      run({ approverGroups: [], approverUsers: [ANN, BEN], approvalsRequired: 2 }),
      ok(),
    ],
    ['a stage name', run({ stageName: '  Team leads ' }), ok({ stageName: 'Team leads' })],
    ['an empty stage name is none', run({ stageName: '  ' }), ok()],
    [
      'a stage name of 65 characters',
      run({ stageName: 's'.repeat(65) }),
      bad('stageName', 'Stage name must be at most 64 characters.'),
    ],
    [
      'a stage name on two lines',
      run({ stageName: 'a\nb' }),
      bad('stageName', 'Stage name must be printable text on one line.'),
    ],
    [
      'two next stages',
      run({
        nextStages: [
          stage('Security', { approvalsRequired: 2 }),
          stage('Owners', { approverGroups: [], approverUsers: [ANN] }),
        ],
      }),
      ok({
        nextStages: [
          { name: 'Security', approverGroups: [SECURITY], approverUsers: [], approvalsRequired: 2 },
          { name: 'Owners', approverGroups: [], approverUsers: [ANN], approvalsRequired: 1 },
        ],
      }),
    ],
    [
      'six next stages',
      run({ nextStages: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => stage(n)) }),
      bad('nextStages', 'Next stages: at most 5.'),
    ],
    [
      'a next stage without a name',
      run({ nextStages: [stage('')] }),
      bad('nextStages.0.name', 'Stage name is required (item 1).'),
    ],
    [
      'a next stage without approvers',
      run({ nextStages: [stage('Security', { approverGroups: [] })] }),
      bad(
        'nextStages.0.approverGroups',
        'Stage "Security" needs at least one approver group or user (item 1).',
      ),
    ],
    [
      'two stages of the same name, letter case aside',
      run({ nextStages: [stage('Security'), stage('security')] }),
      bad('nextStages.1.name', 'Stage name "security" is used by another stage of this policy (item 2).'),
    ],
    [
      'a next stage named as the first stage',
      run({ stageName: 'Leads', nextStages: [stage('LEADS')] }),
      bad('nextStages.0.name', 'Stage name "LEADS" is used by another stage of this policy (item 1).'),
    ],
    [
      'a next stage needing more approvals than its users',
      run({
        nextStages: [stage('Owners', { approverGroups: [], approverUsers: [ANN], approvalsRequired: 2 })],
      }),
      bad(
        'nextStages.0.approvalsRequired',
        'Approvals required (2) must be at most the number of approver users of stage "Owners" (1) when it names no group.',
      ),
    ],
    [
      'a next stage with a malformed group id',
      run({ nextStages: [stage('Security', { approverGroups: [{ id: 'x', name: 'x' }] })] }),
      bad('nextStages.0.approverGroups.0.id', /Approver group id must be an IAM Identity Center id/),
    ],
    [
      'next stages not a list',
      run({ nextStages: 'Security' }),
      bad('nextStages', 'Next stages must be a list.'),
    ],
    [
      'a reminder and a later escalation',
      run({ remindAfterMinutes: 30, escalateAfterMinutes: 60 }),
      ok({ remindAfterMinutes: 30, escalateAfterMinutes: 60 }),
    ],
    [
      'an escalation at the reminder',
      run({ remindAfterMinutes: 60, escalateAfterMinutes: 60 }),
      bad('escalateAfterMinutes', 'Escalation time must come after the reminder (more than 60 minutes).'),
    ],
    [
      'a reminder of 0 minutes',
      run({ remindAfterMinutes: 0 }),
      bad('remindAfterMinutes', 'Reminder time must be at least 1 minute.'),
    ],
    [
      'an escalation after more than a week',
      run({ escalateAfterMinutes: 10_081 }),
      bad('escalateAfterMinutes', 'Escalation time must be at most 10080 minutes.'),
    ],
    [
      'minutes with a fraction',
      run({ remindAfterMinutes: 1.5 }),
      bad('remindAfterMinutes', 'Reminder time must be a whole number of minutes.'),
    ],
    // The settings may name the groups (or the minutes): the policy checks only what it says.
    [
      'an escalation time without groups',
      run({ escalateAfterMinutes: 120 }),
      ok({ escalateAfterMinutes: 120 }),
    ],
    [
      'escalation groups without a time',
      run({ escalationGroups: [SECURITY, SECURITY] }),
      ok({ escalationGroups: [SECURITY] }),
    ],
    [
      'a malformed escalation group',
      run({ escalationGroups: [{ id: 'nope', name: 'x' }] }),
      bad('escalationGroups.0.id', /Escalation group id must be an IAM Identity Center id/),
    ],
  ];

  it.each(cases)('%s', (_name, runIt, outcome) => check(runIt, outcome));

  it('checks an edit with the same rules', () => {
    check(
      () =>
        validateApproverPolicyUpdateInput(
          { approverGroups: [AUDIT], nextStages: [stage('Security', { approvalsRequired: 12 })] },
          settings({ ticketRequired: false }),
        ),
      bad('nextStages.0.approvalsRequired', 'Approvals required must be at most 10 approvals (item 1).'),
    );
  });
});
