/**
 * Builders of valid domain values for tests: each returns a complete, valid value over the demo
 * organization, with the given fields overridden.
 */
import { DEFAULT_SETTINGS } from '../lambdas/core/settings';
import type {
  AccessRequest,
  ApproverPolicy,
  CallerIdentity,
  EligibilityPolicy,
  Settings,
} from '../lambdas/core/types';
import { DEFAULT_TEST_TIME } from './fakes/clock';
import { DEMO } from './fakes/demo-org';

let requestCounter = 0;

/** A unique request id shaped like a UUID. */
export function aRequestId(): string {
  requestCounter += 1;
  return `b0b0b0b0-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
}

/**
 * A pending request from Alice for ReadOnlyAccess in Prod-Payments (approvers Bob and Frank),
 * created at the default test time, starting then, for 2 hours.
 */
export function aRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  const { alice, bob, frank } = DEMO.users;
  const at = overrides.createdAt ?? DEFAULT_TEST_TIME;
  return {
    id: aRequestId(),
    requester: { id: alice.id, email: alice.email, name: alice.displayName },
    accountId: DEMO.accounts.prodPayments.id,
    accountName: DEMO.accounts.prodPayments.name,
    permissionSetArn: DEMO.permissionSets.readOnly.arn,
    permissionSetName: DEMO.permissionSets.readOnly.name,
    sessionDuration: 'PT8H',
    startTime: at,
    durationHours: 2,
    justification: 'Investigate the payment incident',
    ticketNo: 'INC-1001',
    status: 'pending',
    approvalRequired: true,
    approvers: [
      { id: bob.id, email: bob.email, name: bob.displayName },
      { id: frank.id, email: frank.email, name: frank.displayName },
    ],
    expiresAt: new Date(new Date(at).getTime() + 3 * 3_600_000).toISOString(),
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

/** A signed-in caller: Alice as her token describes her, unless overridden. */
export function aCaller(overrides: Partial<CallerIdentity> = {}): CallerIdentity {
  const { alice } = DEMO.users;
  return {
    userId: alice.id,
    userName: alice.userName,
    email: alice.email,
    displayName: alice.displayName,
    groupIds: [DEMO.groups.users.id],
    isAdmin: false,
    isAuditor: false,
    ...overrides,
  };
}

/** An eligibility policy for TEAM-Users: ReadOnlyAccess in Prod-Payments, 8 h, approval required. */
export function anEligibilityPolicy(overrides: Partial<EligibilityPolicy> = {}): EligibilityPolicy {
  return {
    id: overrides.principalId ?? DEMO.groups.users.id,
    principalId: DEMO.groups.users.id,
    principalType: 'GROUP',
    principalName: DEMO.groups.users.name,
    name: 'default',
    accounts: [{ ...DEMO.accounts.prodPayments }],
    ous: [],
    includeNestedOus: false,
    permissionSets: [{ ...DEMO.permissionSets.readOnly }],
    pairs: [],
    maxDurationHours: 8,
    approvalRequired: true,
    updatedAt: DEFAULT_TEST_TIME,
    updatedBy: DEMO.users.dave.userName,
    ...overrides,
  };
}

/** An approver policy for the Production OU, approved by TEAM-Approvers-Production. */
export function anApproverPolicy(overrides: Partial<ApproverPolicy> = {}): ApproverPolicy {
  return {
    id: overrides.targetId ?? DEMO.ous.production.id,
    targetId: DEMO.ous.production.id,
    targetType: 'OU',
    targetName: DEMO.ous.production.name,
    permissionSets: [],
    includeNestedOus: false,
    approverGroups: [{ ...DEMO.groups.approversProduction }],
    approverUsers: [],
    also: false,
    updatedAt: DEFAULT_TEST_TIME,
    updatedBy: DEMO.users.dave.userName,
    ...overrides,
  };
}

/** Stored settings: the defaults, saved once (version 1), with the overrides. */
export function someSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...DEFAULT_SETTINGS,
    sensitiveActions: [...DEFAULT_SETTINGS.sensitiveActions],
    updatedAt: DEFAULT_TEST_TIME,
    updatedBy: DEMO.users.dave.userName,
    version: 1,
    ...overrides,
  };
}
