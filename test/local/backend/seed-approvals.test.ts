/**
 * A fresh local cloud seeds the demo organization's policies with everything they say about
 * approvals, extensions and break-glass: the seed writes them through the API, so what is stored
 * is what an admin writing the same policies on the Policies pages would get.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, type LocalBackend } from '../../../local/backend';
import { ManualClock } from '../../../local/sfn';
import type { ApproverPolicy } from '../../../lambdas/core/types';
import { sharedDynamoEndpoint } from '../../support/shared-dynamo';

const T0 = Date.UTC(2031, 2, 3, 9, 0, 0);

let local: LocalBackend;

beforeAll(async () => {
  local = await startLocalBackend({
    clock: new ManualClock(T0),
    sessionActivity: false,
    dynamoEndpoint: sharedDynamoEndpoint(),
  });
}, 120_000);

afterAll(async () => {
  await local?.stop();
});

const userId = (userName: string): string => {
  const user = local.org.users.find((u) => u.userName === userName);
  if (!user) throw new Error(`no demo user ${userName}`);
  return user.id;
};
const group = (name: string): { id: string; name: string } => {
  const found = local.org.groups.find((g) => g.displayName === name);
  if (!found) throw new Error(`no demo group ${name}`);
  return { id: found.id, name: found.displayName };
};

async function approverPolicy(targetId: string): Promise<ApproverPolicy | undefined> {
  const page = await local.backend.ports.policies.listApproverPolicies({ limit: 100 });
  return page.items.find((p) => p.targetId === targetId);
}

describe('demo policies of a fresh local cloud', () => {
  it('creates every policy of the demo organization', () => {
    expect(local.seeded.eligibility.created).toHaveLength(local.org.policies.eligibility.length);
    expect(local.seeded.approvers.created).toHaveLength(local.org.policies.approvers.length);
  });

  it('lets TEAM-Users extend access up to 16 hours in all, with approval', async () => {
    const [policy] = await local.backend.ports.policies.eligibilitiesOf([group('TEAM-Users').id]);
    expect(policy).toMatchObject({ maxDurationHours: 8, maxTotalHours: 16, extensionApprovalRequired: true });
  });

  it('lets Dan Okafor take break-glass access to one production account', async () => {
    const policies = await local.backend.ports.policies.eligibilitiesOf([userId('dan.okafor@example.com')]);
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ name: 'on-call', breakGlass: true, breakGlassMaxHours: 2 });
    const accounts = policies[0]?.accounts.map((a) => a.id) ?? [];
    expect(accounts).not.toContain(local.org.organization.managementAccountId);
    expect(accounts.length).toBeGreaterThan(0);
  });

  it('asks two approvals for Customer Portal Staging', async () => {
    const policy = await approverPolicy('836351427068');
    expect(policy).toMatchObject({
      targetType: 'ACCOUNT',
      approverGroups: [group('TEAM-Approvers-NonProduction')],
      approvalsRequired: 2,
      stageName: 'peer review',
      nextStages: [],
    });
  });

  it('approves Payments Staging in two stages, with a reminder and an escalation', async () => {
    const policy = await approverPolicy('745240316957');
    expect(policy).toMatchObject({
      approverGroups: [group('TEAM-Approvers-NonProduction')],
      stageName: 'team lead',
      nextStages: [
        { name: 'security', approverGroups: [group('TEAM-Admins')], approverUsers: [], approvalsRequired: 1 },
      ],
      remindAfterMinutes: 60,
      escalateAfterMinutes: 240,
      escalationGroups: [group('TEAM-Admins')],
    });
  });

  it('keeps the starter OU policies at one approval', async () => {
    for (const ou of ['ou-q7k2-8pd4m2ra', 'ou-q7k2-5np0w7tc', 'ou-q7k2-9sb2x5ln']) {
      const policy = await approverPolicy(ou);
      expect(policy?.approvalsRequired ?? 1, ou).toBe(1);
      expect(policy?.nextStages ?? [], ou).toEqual([]);
    }
  });
});
