/* The policy check looks at every group and user an approver policy names: stages and escalation too. */
import { describe, expect, it } from 'vitest';
import { findStaleReferences, type DirectorySnapshot } from '../../../lambdas/core/policies/policy-check';
import { approverPolicy, idcId } from '../fixtures';

const LIVE = { id: idcId(1), name: 'Approvers' };
const GONE_GROUP = { id: idcId(2), name: 'Security' };
const GONE_USER = { id: idcId(3), name: 'ann' };
const RENAMED = { id: idcId(4), name: 'Oncall' };

const now: DirectorySnapshot = {
  user: new Map(),
  group: new Map([
    [LIVE.id, LIVE.name],
    [RENAMED.id, 'On-call'],
  ]),
  account: new Map([['111111111111', 'Production']]),
  ou: new Map(),
  permissionSet: new Map(),
};

describe('the policy check of approver policies with stages and escalation', () => {
  it('reports deleted stage groups and users and renamed escalation groups, once each', () => {
    const policy = approverPolicy('111111111111', [], 'ACCOUNT', {
      targetName: 'Production',
      approverGroups: [LIVE],
      nextStages: [
        { name: 'Security', approverGroups: [GONE_GROUP], approverUsers: [GONE_USER], approvalsRequired: 1 },
        { name: 'Again', approverGroups: [GONE_GROUP], approverUsers: [], approvalsRequired: 1 },
      ],
      escalationGroups: [RENAMED],
    });
    const [finding] = findStaleReferences({ eligibility: [], approvers: [policy] }, now);
    expect(finding?.references).toEqual([
      { kind: 'group', ...GONE_GROUP, problem: 'missing' },
      { kind: 'user', ...GONE_USER, problem: 'missing' },
      { kind: 'group', ...RENAMED, problem: 'renamed', currentName: 'On-call' },
    ]);
  });

  it('finds nothing when every stage and escalation group exists', () => {
    const policy = approverPolicy('111111111111', [], 'ACCOUNT', {
      targetName: 'Production',
      approverGroups: [LIVE],
      nextStages: [{ name: 'Again', approverGroups: [LIVE], approverUsers: [], approvalsRequired: 1 }],
      escalationGroups: [LIVE],
    });
    expect(findStaleReferences({ eligibility: [], approvers: [policy] }, now)).toEqual([]);
  });
});
