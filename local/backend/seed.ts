/**
 * First-run data of the local cloud: the demo organization's starter eligibility and approver
 * policies and the default settings, each written only if absent (data kept between runs wins).
 */
import { ConflictError } from '../../lambdas/core/errors';
import type { PolicyRepository, SettingsRepository } from '../../lambdas/core/ports';
import { DEFAULT_SETTINGS } from '../../lambdas/core/settings';
import type { ApproverPolicy, EligibilityPolicy } from '../../lambdas/core/types';
import type { DemoOrg } from '../sim';

/** Who the seeded records say changed them last. */
export const SEED_AUTHOR = 'local-seed';

/** What `seedDemoData` wrote (ids), and what it left alone because it was there. */
export interface SeedResult {
  eligibility: { created: string[]; kept: string[] };
  approvers: { created: string[]; kept: string[] };
  settings: 'created' | 'kept';
}

async function createIfAbsent(put: () => Promise<void>): Promise<boolean> {
  try {
    await put();
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/** Seeds the demo organization's policies and the default settings where none exist. */
export async function seedDemoData(
  org: DemoOrg,
  ports: { policies: PolicyRepository; settings: SettingsRepository },
  now: Date,
): Promise<SeedResult> {
  const at = now.toISOString();
  const result: SeedResult = {
    eligibility: { created: [], kept: [] },
    approvers: { created: [], kept: [] },
    settings: 'kept',
  };
  for (const p of org.policies.eligibility) {
    const policy: EligibilityPolicy = {
      id: p.id,
      principalType: p.principalType,
      principalName: p.principalName,
      accounts: p.accounts,
      ous: p.ous,
      permissionSets: p.permissionSets,
      maxDurationHours: p.maxDurationHours,
      approvalRequired: p.approvalRequired,
      ...(p.ticketNo ? { ticketNo: p.ticketNo } : {}),
      updatedAt: at,
      updatedBy: SEED_AUTHOR,
    };
    const created = await createIfAbsent(() => ports.policies.putEligibility(policy));
    result.eligibility[created ? 'created' : 'kept'].push(p.id);
  }
  for (const p of org.policies.approvers) {
    const policy: ApproverPolicy = {
      id: p.id,
      targetType: p.targetType,
      targetName: p.targetName,
      approverGroups: p.approverGroups,
      ...(p.ticketNo ? { ticketNo: p.ticketNo } : {}),
      updatedAt: at,
      updatedBy: SEED_AUTHOR,
    };
    const created = await createIfAbsent(() => ports.policies.putApproverPolicy(policy));
    result.approvers[created ? 'created' : 'kept'].push(p.id);
  }
  if ((await ports.settings.get()) === undefined) {
    // Version 1: a stored record; admins then save with expectedVersion 1 like after any edit.
    const created = await createIfAbsent(() =>
      ports.settings.put(
        {
          ...DEFAULT_SETTINGS,
          sensitiveActions: [...DEFAULT_SETTINGS.sensitiveActions],
          version: 1,
          updatedAt: at,
          updatedBy: SEED_AUTHOR,
        },
        0,
      ),
    );
    if (created) result.settings = 'created';
  }
  return result;
}
