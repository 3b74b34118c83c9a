import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_ORG_PATH, loadDemoOrg, OrgState, parseDemoOrg } from '../../../local/sim';

const raw = (): Record<string, unknown> & { [k: string]: unknown } =>
  JSON.parse(readFileSync(DEFAULT_DEMO_ORG_PATH, 'utf8')) as Record<string, unknown>;

describe('demo organization', () => {
  const org = loadDemoOrg();
  const ou = (name: string) => org.ous.find((o) => o.name === name);
  const group = (name: string) => org.groups.find((g) => g.displayName === name);

  it('has the OUs of the design, one of them nested', () => {
    for (const name of ['Security', 'Production', 'NonProduction', 'Sandbox']) {
      expect(ou(name)?.parentId).toBe(org.organization.root.id);
    }
    const nested = org.ous.filter((o) => o.parentId !== org.organization.root.id);
    expect(nested.length).toBeGreaterThanOrEqual(1);
    // The nested OU has an account, so "OU covers direct accounts only" is visible.
    expect(org.accounts.some((a) => nested.some((n) => n.id === a.parentId))).toBe(true);
  });

  it('has a management account and eight or so member accounts', () => {
    const members = org.accounts.filter((a) => a.id !== org.organization.managementAccountId);
    expect(members.length).toBeGreaterThanOrEqual(8);
    expect(org.accounts.find((a) => a.id === org.organization.managementAccountId)?.parentId).toBe(
      org.organization.root.id,
    );
  });

  it('has the three permission sets, one provisioned to the management account', () => {
    const durations = Object.fromEntries(org.permissionSets.map((p) => [p.name, p.sessionDuration]));
    expect(durations).toEqual({
      AdministratorAccess: 'PT1H',
      PowerUserAccess: 'PT4H',
      ReadOnlyAccess: 'PT8H',
    });
    const toMgmt = org.permissionSets.filter((p) =>
      p.provisionedTo.includes(org.organization.managementAccountId),
    );
    expect(toMgmt.length).toBeGreaterThanOrEqual(1);
  });

  it('has the TEAM groups with members, people in several groups and a Japanese display name', () => {
    for (const name of [
      'TEAM-Users',
      'TEAM-Admins',
      'TEAM-Approvers-Production',
      'TEAM-Approvers-NonProduction',
      'TEAM-Auditors',
    ]) {
      expect(group(name)?.members.length).toBeGreaterThanOrEqual(2);
    }
    const counts = new Map<string, number>();
    for (const g of org.groups) for (const m of g.members) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect([...counts.values()].some((n) => n >= 2)).toBe(true);
    expect(org.users.some((u) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(u.displayName))).toBe(true);
    for (const u of org.users) expect(u.email).toMatch(/@example\.com$/);
  });

  it('has the starter policies', () => {
    const users = org.policies.eligibility.find((p) => p.id === group('TEAM-Users')?.id);
    expect(users).toMatchObject({ principalType: 'GROUP', approvalRequired: true, maxDurationHours: 8 });
    expect(users?.ous.map((o) => o.name)).toContain('NonProduction');
    expect(users?.accounts.map((a) => a.name).every((n) => n.startsWith('Sandbox'))).toBe(true);
    expect(users?.permissionSets.map((p) => p.name).sort()).toEqual(['PowerUserAccess', 'ReadOnlyAccess']);

    const noApproval = org.policies.eligibility.find((p) => p.principalType === 'USER');
    expect(noApproval?.approvalRequired).toBe(false);
    expect(noApproval?.accounts.every((a) => a.name.startsWith('Sandbox'))).toBe(true);

    const approvers = Object.fromEntries(
      org.policies.approvers.map((p) => [p.targetName, p.approverGroups.map((g) => g.name)]),
    );
    expect(approvers.Production).toEqual(['TEAM-Approvers-Production']);
    expect(approvers.NonProduction).toEqual(['TEAM-Approvers-NonProduction']);
  });

  it('has policies that show several approvals, stages, extensions and break-glass', () => {
    const members = (id: string) => org.groups.find((g) => g.id === id)?.members ?? [];
    const quorum = org.policies.approvers.find((p) => (p.approvalsRequired ?? 1) >= 2);
    expect(quorum?.targetType).toBe('ACCOUNT');
    // Enough approvers for the quorum whoever of them asks.
    const approvers = new Set(quorum?.approverGroups.flatMap((g) => members(g.id)));
    expect(approvers.size).toBeGreaterThan(quorum?.approvalsRequired ?? Infinity);

    const staged = org.policies.approvers.find((p) => p.nextStages.length > 0);
    expect(staged?.stageName).toBeDefined();
    expect(staged?.escalationGroups.length).toBeGreaterThan(0);
    expect(staged?.escalateAfterMinutes).toBeGreaterThan(staged?.remindAfterMinutes ?? Infinity);

    const extendable = org.policies.eligibility.find((p) => (p.maxTotalHours ?? 0) > p.maxDurationHours);
    expect(extendable?.principalName).toBe('TEAM-Users');

    const breakGlass = org.policies.eligibility.find((p) => p.breakGlass === true);
    expect(breakGlass?.breakGlassMaxHours).toBeLessThanOrEqual(breakGlass?.maxDurationHours ?? 0);
    expect(breakGlass?.accounts.map((a) => a.id)).not.toContain(org.organization.managementAccountId);
  });

  it('rejects approval rules that cannot hold', () => {
    const broken = raw();
    const policies = broken.policies as {
      eligibility: Array<Record<string, unknown>>;
      approvers: Array<Record<string, unknown>>;
    };
    const eligibility = policies.eligibility[0];
    if (eligibility) eligibility.maxTotalHours = 1;
    const approver = policies.approvers[0];
    if (approver) {
      approver.nextStages = [
        {
          name: 'security',
          approverGroups: [{ id: '26a6fce484-00000000-0000-0000-0000-000000000000', name: 'Ghosts' }],
        },
      ];
      approver.remindAfterMinutes = 60;
      approver.escalateAfterMinutes = 30;
    }
    const message = (() => {
      try {
        parseDemoOrg(broken);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/must be at least maxDurationHours/);
    expect(message).toMatch(/unknown id 26a6fce484-00000000/);
    expect(message).toMatch(/must be later than remindAfterMinutes/);
  });

  it('seeds the state with memberships and standing assignments', () => {
    const state = new OrgState(org);
    expect(state.users.size).toBe(org.users.length);
    const admins = group('TEAM-Admins');
    expect(state.membersOf(admins?.id ?? '')).toHaveLength(admins?.members.length ?? -1);
    expect(state.assignments()).toHaveLength(org.assignments.length);
    expect(state.assignments({ principalId: admins?.id })).toEqual([
      expect.objectContaining({ accountId: org.organization.managementAccountId, principalType: 'GROUP' }),
    ]);
    state.dispose();
  });

  it('rejects broken references with a readable error', () => {
    const broken = raw();
    const groups = broken.groups as Array<{ members: string[] }>;
    groups[0]?.members.push('ghost@example.com');
    const accounts = broken.accounts as Array<{ parentId: string }>;
    if (accounts[1]) accounts[1].parentId = 'ou-q7k2-00000000';
    expect(() => parseDemoOrg(broken)).toThrow(/unknown userName ghost@example.com[\s\S]*|unknown parent/);
    try {
      parseDemoOrg(broken);
    } catch (err) {
      expect((err as Error).message).toMatch(/ghost@example.com/);
      expect((err as Error).message).toMatch(/unknown parent ou-q7k2-00000000/);
    }
  });

  it('rejects policies whose names do not match their ids', () => {
    const broken = raw();
    const policies = broken.policies as { approvers: Array<{ targetName: string }> };
    if (policies.approvers[0]) policies.approvers[0].targetName = 'Wrong';
    expect(() => parseDemoOrg(broken)).toThrow(/name Wrong does not match/);
  });

  it('rejects ids that do not look real', () => {
    const broken = raw();
    (broken.organization as { managementAccountId: string }).managementAccountId = '123';
    expect(() => parseDemoOrg(broken)).toThrow(/account id/);
  });
});
