/* Creating and editing policies with the approval fields: names resolved from ids, errors on the input's fields. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const { accounts, permissionSets: ps, groups, users } = DEMO;

const newApprover = {
  targets: [accounts.staging.id],
  approverGroupIds: [groups.approversProduction.id],
  approvalsRequired: 2,
  stageName: 'Approvers',
  nextStages: [
    { name: 'Security', approverGroupIds: [groups.admins.id], approverUserIds: [users.carol.id] },
    { name: 'Owner', approverUserIds: [users.bob.id], approvalsRequired: 1 },
  ],
  remindAfterMinutes: 30,
  escalateAfterMinutes: 90,
  escalationGroupIds: [groups.admins.id],
  ticketNo: 'CHG-50',
};

describe('approver policies with stages, reminder and escalation', () => {
  it('creates a policy with every group and user named by the server, and edits it', async () => {
    const t = setup();
    const [created] = await t.createApprover(t.dave, newApprover);
    expect(created).toMatchObject({
      approvalsRequired: 2,
      stageName: 'Approvers',
      nextStages: [
        {
          name: 'Security',
          approverGroups: [groups.admins],
          approverUsers: [{ id: users.carol.id, name: users.carol.userName }],
          approvalsRequired: 1,
        },
        {
          name: 'Owner',
          approverGroups: [],
          approverUsers: [{ id: users.bob.id, name: users.bob.userName }],
        },
      ],
      remindAfterMinutes: 30,
      escalateAfterMinutes: 90,
      escalationGroups: [groups.admins],
    });

    const edited = await t.updateApprover(t.dave, {
      id: created?.id ?? '',
      approverGroupIds: [groups.approversProduction.id],
      ticketNo: 'CHG-51',
      expectedUpdatedAt: created?.updatedAt ?? null,
    });
    // An edit replaces the rules: what it leaves out goes back to the defaults.
    expect(edited).toMatchObject({ approvalsRequired: 1, nextStages: [], escalationGroups: [] });
    expect(edited).not.toHaveProperty('stageName');
    expect(edited).not.toHaveProperty('remindAfterMinutes');
  });

  it.each([
    [
      'an unknown group in a stage',
      { nextStages: [{ name: 'Security', approverGroupIds: [users.bob.id] }] },
      'nextStages.0.approverGroupIds',
      /^Group .* does not exist\.$/,
    ],
    [
      'a malformed user id in a stage',
      { nextStages: [{ name: 'Security', approverUserIds: ['bob'] }] },
      'nextStages.0.approverUserIds.0',
      'Approver user id must be an IAM Identity Center id (item 1).',
    ],
    [
      'a stage without approvers',
      { nextStages: [{ name: 'Security' }] },
      'nextStages.0.approverGroupIds',
      'Stage "Security" needs at least one approver group or user (item 1).',
    ],
    [
      'six stages',
      {
        nextStages: ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({
          name,
          approverGroupIds: [groups.admins.id],
        })),
      },
      'nextStages',
      'Next stages: at most 5.',
    ],
    [
      'an unknown escalation group',
      { escalationGroupIds: [users.bob.id] },
      'escalationGroupIds',
      /^Group .* does not exist\.$/,
    ],
    [
      'a malformed escalation group id',
      { escalationGroupIds: ['admins'] },
      'escalationGroupIds.0',
      'Escalation group id must be an IAM Identity Center id (item 1).',
    ],
    [
      'escalation before the reminder',
      { remindAfterMinutes: 60, escalateAfterMinutes: 60 },
      'escalateAfterMinutes',
      'Escalation time must come after the reminder (more than 60 minutes).',
    ],
  ])('refuses %s on the input field, writing nothing', async (_name, patch, field, message) => {
    const t = setup();
    const before = t.world.policies.snapshot();
    const error = await failure(t.createApprover(t.dave, { ...newApprover, ...patch }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expect(t.world.policies.snapshot()).toEqual(before);
  });
});

describe('eligibility policies with extensions and break-glass', () => {
  const newEligibility = {
    principals: [{ id: groups.auditors.id, type: 'GROUP' as const }],
    accountIds: [accounts.securityAudit.id],
    permissionSetArns: [ps.readOnly.arn],
    maxDurationHours: 6,
    approvalRequired: true,
    ticketNo: 'CHG-42',
  };

  it('stores the fields, with their defaults when left out', async () => {
    const t = setup();
    const [plain] = await t.createEligibility(t.dave, newEligibility);
    expect(plain).toMatchObject({
      maxTotalHours: 6,
      extensionApprovalRequired: true,
      breakGlass: false,
      breakGlassMaxHours: 1,
    });
    const edited = await t.updateEligibility(t.dave, {
      id: plain?.id ?? '',
      accountIds: [accounts.securityAudit.id],
      permissionSetArns: [ps.readOnly.arn],
      maxDurationHours: 6,
      approvalRequired: true,
      maxTotalHours: 30,
      extensionApprovalRequired: false,
      breakGlass: true,
      breakGlassMaxHours: 2,
      ticketNo: 'CHG-43',
      expectedUpdatedAt: plain?.updatedAt ?? null,
    });
    expect(edited).toMatchObject({
      maxTotalHours: 30,
      extensionApprovalRequired: false,
      breakGlass: true,
      breakGlassMaxHours: 2,
    });
  });

  it('refuses a total below the maximum duration on maxTotalHours', async () => {
    const t = setup();
    const error = await failure(t.createEligibility(t.dave, { ...newEligibility, maxTotalHours: 5 }));
    expect((error as ValidationError).field).toBe('maxTotalHours');
    expect(error.message).toBe(
      'Maximum total hours with extensions must be at least the maximum duration (6 hours).',
    );
  });
});
