/** Small builders shared by the rule tests (kept local so they do not depend on test/builders.ts). */
import { expect } from 'vitest';
import { ValidationError } from '../../lambdas/core/errors';
import { approverPolicyId, ownerOfPolicyId } from '../../lambdas/core/policies/policy-ids';
import type {
  AccessRequest,
  AccountRef,
  Actor,
  ApproverPolicy,
  CallerIdentity,
  EligibilityPolicy,
  PermissionSetRef,
  Settings,
} from '../../lambdas/core/types';
import { DEFAULT_SETTINGS } from '../../lambdas/core/settings';

export const NOW = new Date('2026-03-10T12:00:00.000Z');

/** A well-formed permission set ARN whose ps- part ends with `n`. */
export const psArn = (n: number): string =>
  `arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-${n.toString(16).padStart(16, '0')}`;

export const ps = (n: number, name: string): PermissionSetRef => ({ arn: psArn(n), name });

/** A well-formed IAM Identity Center id; `n` makes it unique. */
export const idcId = (n: number, prefixed = true): string =>
  `${prefixed ? '9067729b3d-' : ''}${n.toString(16).padStart(8, '0')}-1111-2222-3333-444455556666`;

export const account = (id: string, name: string): AccountRef => ({ id, name });

export function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, sensitiveActions: [...DEFAULT_SETTINGS.sensitiveActions], ...overrides };
}

export function eligibilityPolicy(
  overrides: Partial<EligibilityPolicy> & Pick<EligibilityPolicy, 'id'>,
): EligibilityPolicy {
  return {
    principalId: ownerOfPolicyId(overrides.id),
    principalType: 'GROUP',
    principalName: overrides.id,
    name: 'default',
    accounts: [],
    ous: [],
    includeNestedOus: false,
    permissionSets: [],
    pairs: [],
    maxDurationHours: 8,
    approvalRequired: true,
    updatedAt: NOW.toISOString(),
    updatedBy: 'admin@example.com',
    ...overrides,
  };
}

export function approverPolicy(
  targetId: string,
  groupIds: string[],
  targetType: 'ACCOUNT' | 'OU' = 'ACCOUNT',
  overrides: Partial<ApproverPolicy> = {},
): ApproverPolicy {
  const permissionSets = overrides.permissionSets ?? [];
  return {
    id: approverPolicyId(
      targetId,
      permissionSets.map((p) => p.arn),
    ),
    targetId,
    targetType,
    targetName: `name of ${targetId}`,
    permissionSets,
    includeNestedOus: false,
    approverGroups: groupIds.map((g) => ({ id: g, name: `group ${g}` })),
    approverUsers: [],
    also: false,
    updatedAt: NOW.toISOString(),
    updatedBy: 'admin@example.com',
    ...overrides,
  };
}

export function caller(userId: string, overrides: Partial<CallerIdentity> = {}): CallerIdentity {
  return {
    userId,
    userName: `${userId}@example.com`,
    email: `${userId}@example.com`,
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
    ...overrides,
  };
}

export const actor = (id: string): Actor => ({ id, email: `${id}@example.com`, name: id });

export function accessRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'req-1',
    requester: actor('requester'),
    accountId: '111111111111',
    accountName: 'Production',
    permissionSetArn: psArn(1),
    permissionSetName: 'AdministratorAccess',
    startTime: NOW.toISOString(),
    durationHours: 2,
    justification: 'Incident 42',
    status: 'pending',
    approvalRequired: true,
    approvers: [actor('approver')],
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    version: 1,
    ...overrides,
  };
}

/** A valid outcome (compared with toMatchObject) or the field and message of the expected error. */
export type Outcome =
  { ok: Record<string, unknown> | true } | { field: string | undefined; message: string | RegExp };

/** Runs a validator and checks its outcome: the value, or the ValidationError's field and message. */
export function check(run: () => unknown, outcome: Outcome): void {
  if ('ok' in outcome) {
    const value = run();
    if (outcome.ok !== true) expect(value).toMatchObject(outcome.ok);
    return;
  }
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(v.errorType).toBe('ValidationError');
  expect(v.field).toBe(outcome.field);
  if (typeof outcome.message === 'string') expect(v.message).toBe(outcome.message);
  else expect(v.message).toMatch(outcome.message);
}

export const ok = (value: Record<string, unknown> | true = true): Outcome => ({ ok: value });
export const bad = (field: string | undefined, message: string | RegExp): Outcome => ({ field, message });
