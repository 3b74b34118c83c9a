import type {
  Actor,
  ApprovalProgress,
  ApproverPolicy,
  Me,
  Request,
  Settings,
} from '../../../web/src/api/model';
import type { MemoryData } from './memory-api';

/** The instant tests run at (a fixed clock). */
export const NOW = '2026-09-01T08:00:00.000Z';

export const PS_ADMIN = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001';
export const PS_READ = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000002';
export const PS_POWER = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000003';

export const ALICE: Actor = { id: 'u-alice', email: 'alice@example.com', name: 'Alice' };
export const BOB: Actor = { id: 'u-bob', email: 'bob@example.com', name: 'Bob' };
export const CAROL: Actor = { id: 'u-carol', email: 'carol@example.com', name: 'Carol' };

export function me(overrides: Partial<Me> = {}): Me {
  return {
    userId: ALICE.id,
    userName: 'alice',
    email: ALICE.email,
    displayName: 'Alice',
    isAdmin: false,
    isAuditor: false,
    personas: ['REQUESTER'],
    ...overrides,
  };
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    maxDurationHours: 9,
    expiryHours: 3,
    commentsRequired: true,
    ticketRequired: true,
    approvalWorkflow: true,
    sesEnabled: false,
    sesSourceEmail: null,
    sesSourceArn: null,
    snsEnabled: false,
    slackEnabled: false,
    slackAuditChannel: null,
    slackTokenConfigured: false,
    slackSigningSecretConfigured: false,
    teamsEnabled: false,
    teamsWebhookConfigured: false,
    adminGroupName: null,
    auditorGroupName: null,
    ouCacheEnabled: false,
    ouCacheLifetimeHours: 168,
    sensitiveActions: ['iam.amazonaws.com:CreateUser'],
    reminderMinutes: 0,
    escalationMinutes: 0,
    escalationGroups: [],
    breakGlassEnabled: true,
    updatedAt: null,
    updatedBy: null,
    version: 0,
    ...overrides,
  };
}

let counter = 0;

export function request(overrides: Partial<Request> = {}): Request {
  counter += 1;
  const made: Request = {
    id: `r-${counter}`,
    requester: BOB,
    account: { id: '111122223333', name: 'Prod' },
    permissionSet: { arn: PS_ADMIN, name: 'AdministratorAccess' },
    sessionDuration: 'PT1H',
    startTime: '2026-09-01T09:00:00.000Z',
    durationHours: 2,
    justification: 'Fix the outage',
    ticketNo: 'INC-1',
    status: 'PENDING',
    approvalRequired: true,
    approvers: [ALICE, CAROL],
    expiresAt: '2026-09-01T11:00:00.000Z',
    decision: null,
    cancelledAt: null,
    revoke: null,
    grantedAt: null,
    endedAt: null,
    errorReason: null,
    importedFrom: null,
    createdAt: '2026-09-01T07:50:00.000Z',
    updatedAt: '2026-09-01T07:50:00.000Z',
    endTime: '',
    approval: null,
    extensions: [],
    maxTotalHours: null,
    extensionApprovalRequired: true,
    breakGlass: null,
    review: null,
    ...overrides,
  };
  // The server's end of access: start + hours (+ approved extensions, which a test sets itself).
  if (!overrides.endTime) {
    made.endTime = new Date(Date.parse(made.startTime) + made.durationHours * 3_600_000).toISOString();
  }
  return made;
}

// --- requests: approvals, stages, extensions, break-glass, review ---

/** A stage of a request's approval: its name, how many must approve, who may, who did. */
export interface StageFixture {
  name?: string;
  required?: number;
  approvers: Actor[];
  approvals?: { by: Actor; comment?: string; at?: string }[];
}

/** A request's approval progress from its stages, counted as the server counts it. */
export function approval(stages: StageFixture[], timers: Partial<ApprovalProgress> = {}): ApprovalProgress {
  const built = stages.map((stage, index) => {
    const approvals = (stage.approvals ?? []).map((a) => ({
      by: a.by,
      at: a.at ?? '2026-09-01T07:55:00.000Z',
      comment: a.comment ?? null,
      stage: index,
    }));
    const required = stage.required ?? 1;
    return {
      index,
      name: stage.name ?? null,
      required,
      approvers: stage.approvers,
      approvals,
      complete: approvals.length >= required,
    };
  });
  const open = built.find((s) => !s.complete);
  return {
    stages: built,
    currentStage: open ? open.index : null,
    approvalsGiven: built.reduce((sum, s) => sum + s.approvals.length, 0),
    approvalsRequired: built.reduce((sum, s) => sum + s.required, 0),
    remindAt: null,
    remindedAt: null,
    escalateAt: null,
    escalatedAt: null,
    ...timers,
  };
}
// --- end of requests: approvals, stages, extensions, break-glass, review ---

/** The Production OU's approvers: its unscoped policy, TEAM-Approvers-Production (Bob and Carol). */
export function productionApprovers(overrides: Partial<ApproverPolicy> = {}): ApproverPolicy {
  return {
    id: 'ou-ab12-11111111',
    targetId: 'ou-ab12-11111111',
    targetType: 'OU',
    targetName: 'Production',
    permissionSets: [],
    includeNestedOus: false,
    approverGroups: [{ id: 'g-approvers', name: 'TEAM-Approvers-Production' }],
    approverUsers: [],
    also: false,
    approvalsRequired: 1,
    stageName: null,
    nextStages: [],
    remindAfterMinutes: null,
    escalateAfterMinutes: null,
    escalationGroups: [],
    ticketNo: null,
    updatedAt: '2026-08-01T00:00:00.000Z',
    updatedBy: 'admin',
    ...overrides,
  };
}

/** A small organization: two eligible accounts, pickers with a few entries each. */
export function memoryData(overrides: Partial<MemoryData> = {}): MemoryData {
  return {
    me: me(),
    formOptions: {
      accounts: [
        {
          id: '111122223333',
          name: 'Prod',
          permissionSets: [
            {
              arn: PS_ADMIN,
              name: 'AdministratorAccess',
              approvalRequired: true,
              maxDurationHours: 4,
              breakGlass: false,
              breakGlassMaxHours: null,
            },
            {
              arn: PS_READ,
              name: 'ReadOnlyAccess',
              approvalRequired: false,
              maxDurationHours: 8,
              breakGlass: false,
              breakGlassMaxHours: null,
            },
          ],
        },
        {
          id: '444455556666',
          name: 'Sandbox',
          permissionSets: [
            {
              arn: PS_POWER,
              name: 'PowerUserAccess',
              approvalRequired: false,
              maxDurationHours: 2,
              breakGlass: false,
              breakGlassMaxHours: null,
            },
          ],
        },
      ],
      ticketRequired: true,
      commentsRequired: true,
      maxDurationHours: 9,
      approvalWorkflow: true,
      expiryHours: 3,
      breakGlassEnabled: false,
    },
    requests: [],
    events: [],
    settings: settings(),
    eligibilityPolicies: [],
    approverPolicies: [productionApprovers()],
    accounts: [
      { id: '111122223333', name: 'Prod', email: null },
      { id: '444455556666', name: 'Sandbox', email: null },
      { id: '777788889999', name: 'Staging', email: null },
    ],
    ous: [
      { id: 'r-ab12', name: 'Root', type: 'ROOT', parentId: null },
      { id: 'ou-ab12-11111111', name: 'Production', type: 'ORGANIZATIONAL_UNIT', parentId: 'r-ab12' },
      { id: 'ou-ab12-22222222', name: 'Sandbox', type: 'ORGANIZATIONAL_UNIT', parentId: 'r-ab12' },
      { id: 'ou-ab12-33333333', name: 'Web', type: 'ORGANIZATIONAL_UNIT', parentId: 'ou-ab12-11111111' },
    ],
    users: [
      { id: 'u-alice', userName: 'alice', displayName: 'Alice', email: 'alice@example.com' },
      { id: 'u-bob', userName: 'bob', displayName: 'Bob', email: 'bob@example.com' },
      { id: 'u-carol', userName: 'carol', displayName: 'Carol', email: 'carol@example.com' },
    ],
    groups: [
      { id: 'g-users', name: 'TEAM-Users' },
      { id: 'g-approvers', name: 'TEAM-Approvers-Production' },
    ],
    permissionSets: [
      { arn: PS_ADMIN, name: 'AdministratorAccess', description: null, sessionDuration: 'PT1H' },
      { arn: PS_READ, name: 'ReadOnlyAccess', description: null, sessionDuration: 'PT1H' },
    ],
    // Prod is in Production, Staging in Production/Web, Sandbox in Sandbox.
    accountParents: {
      '111122223333': 'ou-ab12-11111111',
      '444455556666': 'ou-ab12-22222222',
      '777788889999': 'ou-ab12-33333333',
    },
    groupMembers: {
      'g-users': ['u-alice', 'u-bob'],
      'g-approvers': ['u-bob', 'u-carol'],
    },
    ...overrides,
  };
}
