import { describe, expect, it } from 'vitest';
import {
  API_OPERATIONS,
  authorize,
  isAllowed,
  isRequestOperation,
  MACHINE_NEVER,
  machineScopeFor,
  relationOf,
} from '../../lambdas/core/authorization';
import type { ApiOperation, CallerWithMachine } from '../../lambdas/core/authorization';
import { MACHINE_SCOPES } from '../../lambdas/contract/machine-api';
import { ForbiddenError } from '../../lambdas/core/errors';
import { accessRequest, actor, caller } from './fixtures';

/** The request every request-scoped decision is about; `approver2` approves a different one. */
const REQUEST = accessRequest({
  requester: actor('requester'),
  approvers: [actor('approver'), actor('approver-b')],
  accountId: '123456789012',
  justification: 'secret incident details',
});

const PERSONAS = {
  requester: caller('requester'),
  other: caller('someone-else'),
  approver: caller('approver'),
  approver2: caller('approver-of-another-request'),
  admin: caller('admin', { isAdmin: true }),
  auditor: caller('auditor', { isAuditor: true }),
};
type Persona = keyof typeof PERSONAS;
const COLUMNS: Persona[] = ['requester', 'other', 'approver', 'approver2', 'admin', 'auditor'];

// prettier-ignore
const MATRIX: Record<ApiOperation, string> = {
  //                          req other appr appr2 admin audit
  getRequest:                'Y   N     Y    N     N     Y',
  listRequestEvents:         'Y   N     Y    N     N     Y',
  createRequest:             'Y   Y     Y    Y     Y     Y',
  approveRequest:            'N   N     Y    N     N     N',
  rejectRequest:             'N   N     Y    N     N     N',
  cancelRequest:             'Y   N     N    N     N     N',
  revokeRequest:             'Y   N     Y    N     N     N',
  createBreakGlassRequest:   'Y   Y     Y    Y     Y     Y',
  extendRequest:             'Y   N     Y    N     N     N',
  approveExtension:          'N   N     Y    N     N     N',
  rejectExtension:           'Y   N     Y    N     N     N',
  reviewRequest:             'N   N     Y    N     N     N',
  listReviewsPending:        'N   N     N    N     Y     Y',
  listSessionsToReview:      'N   N     N    N     Y     Y',
  getSessionSummary:         'N   N     N    N     Y     Y',
  markSessionReviewed:       'N   N     N    N     Y     Y',
  listMyRequests:            'Y   Y     Y    Y     Y     Y',
  listPendingApprovals:      'Y   Y     Y    Y     Y     Y',
  listMyApprovals:           'Y   Y     Y    Y     Y     Y',
  listActiveAccess:          'Y   Y     Y    Y     Y     Y',
  listEndedAccess:           'Y   Y     Y    Y     Y     Y',
  listAuditRequests:         'N   N     N    N     N     Y',
  listAuditSessions:         'N   N     N    N     N     Y',
  getSettings:               'Y   Y     Y    Y     Y     Y',
  updateSettings:            'N   N     N    N     Y     N',
  listEligibilityPolicies:   'N   N     N    N     Y     N',
  createEligibilityPolicies: 'N   N     N    N     Y     N',
  updateEligibilityPolicy:   'N   N     N    N     Y     N',
  deleteEligibilityPolicies: 'N   N     N    N     Y     N',
  listApproverPolicies:      'N   N     N    N     Y     N',
  createApproverPolicies:    'N   N     N    N     Y     N',
  updateApproverPolicy:      'N   N     N    N     Y     N',
  deleteApproverPolicies:    'N   N     N    N     Y     N',
  exportPolicies:            'N   N     N    N     Y     N',
  previewPolicyImport:       'N   N     N    N     Y     N',
  importPolicies:            'N   N     N    N     Y     N',
  getPolicyCheck:            'N   N     N    N     Y     N',
  checkPoliciesNow:          'N   N     N    N     Y     N',
  previewRequestHistoryImport: 'N N     N    N     Y     N',
  importRequestHistory:      'N   N     N    N     Y     N',
  listAccounts:              'N   N     N    N     Y     N',
  getOuTree:                 'N   N     N    N     Y     N',
  listUsers:                 'N   N     N    N     Y     N',
  listGroups:                'N   N     N    N     Y     N',
  listPermissionSets:        'N   N     N    N     Y     N',
  invalidateOuCache:         'N   N     N    N     Y     N',
  reconcileNow:              'N   N     N    N     Y     N',
  getDashboard:              'N   N     N    N     Y     Y',
  rebuildDashboard:          'N   N     N    N     Y     N',
  getRequestFormOptions:     'Y   Y     Y    Y     Y     Y',
  startSessionLogQuery:      'Y   N     Y    N     N     Y',
  getSessionLogs:            'Y   N     Y    N     N     Y',
  readSlackToken:            'N   N     N    N     N     N',
};

const cases = (Object.keys(MATRIX) as ApiOperation[]).flatMap((operation) => {
  const cells = MATRIX[operation].split(/\s+/);
  return COLUMNS.map((persona, i) => ({ operation, persona, allowed: cells[i] === 'Y' }));
});

describe('authorization matrix: operation × persona', () => {
  it('names every operation exactly once', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...API_OPERATIONS].sort());
    expect(cases).toHaveLength(API_OPERATIONS.length * COLUMNS.length);
  });

  it.each(cases)('$operation by $persona → allowed: $allowed', ({ operation, persona, allowed }) => {
    const who = PERSONAS[persona];
    expect(isAllowed(operation, who, REQUEST)).toBe(allowed);
    if (allowed) {
      expect(() => authorize(operation, who, REQUEST)).not.toThrow();
    } else {
      let error: unknown;
      try {
        authorize(operation, who, REQUEST);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ForbiddenError);
      const message = (error as ForbiddenError).message;
      // Says what may not be done, never what the request holds.
      expect(message).not.toContain(REQUEST.accountId);
      expect(message).not.toContain(REQUEST.justification);
      expect(message).not.toContain(REQUEST.requester.email);
      expect(message.length).toBeGreaterThan(10);
    }
  });
});

describe('authorization edge cases', () => {
  it('refuses approve/reject by the requester even when the approver list names them', () => {
    const selfListed = accessRequest({
      requester: actor('requester'),
      approvers: [actor('requester'), actor('approver')],
    });
    for (const op of ['approveRequest', 'rejectRequest'] as const) {
      expect(isAllowed(op, PERSONAS.requester, selfListed)).toBe(false);
      expect(() => authorize(op, PERSONAS.requester, selfListed)).toThrow('other than its requester');
    }
    expect(relationOf(PERSONAS.requester, selfListed)).toEqual({ isRequester: true, isApprover: false });
    expect(isAllowed('revokeRequest', PERSONAS.requester, selfListed)).toBe(true);
  });

  it('lets admins and auditors act on requests only through the roles they hold on them', () => {
    const ownByAdmin = accessRequest({ requester: actor('admin') });
    expect(isAllowed('cancelRequest', PERSONAS.admin, ownByAdmin)).toBe(true);
    const approvedByAuditor = accessRequest({ approvers: [actor('auditor')] });
    expect(isAllowed('approveRequest', PERSONAS.auditor, approvedByAuditor)).toBe(true);
    expect(isAllowed('approveRequest', PERSONAS.auditor, REQUEST)).toBe(false);
  });

  it('denies request operations when no request is given', () => {
    const requestOps = API_OPERATIONS.filter(isRequestOperation);
    expect(requestOps.sort()).toEqual(
      [
        'approveRequest',
        'cancelRequest',
        'getRequest',
        'getSessionLogs',
        'listRequestEvents',
        'rejectRequest',
        'revokeRequest',
        'startSessionLogQuery',
        'extendRequest',
        'approveExtension',
        'rejectExtension',
        'reviewRequest',
      ].sort(),
    );
    for (const op of requestOps) expect(isAllowed(op, caller('auditor', { isAuditor: true }))).toBe(false);
  });

  it('denies everything to a caller without a user id', () => {
    const anonymous = caller('', { isAdmin: true, isAuditor: true });
    for (const op of API_OPERATIONS) expect(isAllowed(op, anonymous, REQUEST)).toBe(false);
  });

  it('nobody reads the Slack token, not even an admin auditor', () => {
    expect(() => authorize('readSlackToken', caller('x', { isAdmin: true, isAuditor: true }))).toThrow(
      'Nobody may read the Slack token.',
    );
  });
});

/** A machine client's caller, shaped as the api handler derives it from a client-credentials token. */
function machine(scopes: readonly string[], overrides: Partial<CallerWithMachine> = {}): CallerWithMachine {
  return {
    userId: 'machine:ci-client',
    userName: 'machine',
    email: '',
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
    machine: { clientId: 'ci-client', scopes },
    ...overrides,
  };
}

const MACHINES = {
  read: machine(['team/policies.read']),
  write: machine(['team/policies.write']),
  audit: machine(['team/audit.read']),
  all: machine(MACHINE_SCOPES),
  none: machine([]),
};
type MachinePersona = keyof typeof MACHINES;
const MACHINE_COLUMNS: MachinePersona[] = ['read', 'write', 'audit', 'all', 'none'];

// prettier-ignore
const MACHINE_MATRIX: Record<ApiOperation, string> = {
  //                          read write audit all none
  getRequest:                'N    N     Y     Y   N',
  listRequestEvents:         'N    N     Y     Y   N',
  createRequest:             'N    N     N     N   N',
  approveRequest:            'N    N     N     N   N',
  rejectRequest:             'N    N     N     N   N',
  cancelRequest:             'N    N     N     N   N',
  revokeRequest:             'N    N     N     N   N',
  createBreakGlassRequest:   'N    N     N     N   N',
  extendRequest:             'N    N     N     N   N',
  approveExtension:          'N    N     N     N   N',
  rejectExtension:           'N    N     N     N   N',
  reviewRequest:             'N    N     N     N   N',
  listReviewsPending:        'N    N     Y     Y   N',
  listSessionsToReview:      'N    N     Y     Y   N',
  getSessionSummary:         'N    N     Y     Y   N',
  markSessionReviewed:       'N    N     N     N   N',
  listMyRequests:            'N    N     N     N   N',
  listPendingApprovals:      'N    N     N     N   N',
  listMyApprovals:           'N    N     N     N   N',
  listActiveAccess:          'N    N     N     N   N',
  listEndedAccess:           'N    N     N     N   N',
  listAuditRequests:         'N    N     Y     Y   N',
  listAuditSessions:         'N    N     Y     Y   N',
  getSettings:               'Y    N     N     Y   N',
  updateSettings:            'N    Y     N     Y   N',
  listEligibilityPolicies:   'Y    N     N     Y   N',
  createEligibilityPolicies: 'N    Y     N     Y   N',
  updateEligibilityPolicy:   'N    Y     N     Y   N',
  deleteEligibilityPolicies: 'N    Y     N     Y   N',
  listApproverPolicies:      'Y    N     N     Y   N',
  createApproverPolicies:    'N    Y     N     Y   N',
  updateApproverPolicy:      'N    Y     N     Y   N',
  deleteApproverPolicies:    'N    Y     N     Y   N',
  exportPolicies:            'Y    N     N     Y   N',
  previewPolicyImport:       'Y    N     N     Y   N',
  importPolicies:            'N    Y     N     Y   N',
  getPolicyCheck:            'Y    N     N     Y   N',
  checkPoliciesNow:          'N    N     N     N   N',
  previewRequestHistoryImport: 'N  N     N     N   N',
  importRequestHistory:      'N    N     N     N   N',
  listAccounts:              'Y    N     N     Y   N',
  getOuTree:                 'Y    N     N     Y   N',
  listUsers:                 'Y    N     N     Y   N',
  listGroups:                'Y    N     N     Y   N',
  listPermissionSets:        'Y    N     N     Y   N',
  invalidateOuCache:         'N    N     N     N   N',
  reconcileNow:              'N    N     N     N   N',
  getDashboard:              'N    N     Y     Y   N',
  rebuildDashboard:          'N    N     N     N   N',
  getRequestFormOptions:     'N    N     N     N   N',
  startSessionLogQuery:      'N    N     Y     Y   N',
  getSessionLogs:            'N    N     Y     Y   N',
  readSlackToken:            'N    N     N     N   N',
};

const machineCases = (Object.keys(MACHINE_MATRIX) as ApiOperation[]).flatMap((operation) => {
  const cells = MACHINE_MATRIX[operation].split(/\s+/);
  return MACHINE_COLUMNS.map((scopes, i) => ({ operation, scopes, allowed: cells[i] === 'Y' }));
});

describe('authorization matrix: operation × machine token scopes', () => {
  it('names every operation exactly once', () => {
    expect(Object.keys(MACHINE_MATRIX).sort()).toEqual([...API_OPERATIONS].sort());
  });

  it('gives each scope exactly its operations', () => {
    const allowedBy = (scope: string) => API_OPERATIONS.filter((op) => machineScopeFor(op) === scope).sort();
    expect(allowedBy('team/policies.read')).toEqual(
      [
        'listEligibilityPolicies',
        'listApproverPolicies',
        'getSettings',
        'listAccounts',
        'getOuTree',
        'listUsers',
        'listGroups',
        'listPermissionSets',
        'exportPolicies',
        'previewPolicyImport',
        'getPolicyCheck',
      ].sort(),
    );
    expect(allowedBy('team/policies.write')).toEqual(
      [
        'createEligibilityPolicies',
        'updateEligibilityPolicy',
        'deleteEligibilityPolicies',
        'createApproverPolicies',
        'updateApproverPolicy',
        'deleteApproverPolicies',
        'updateSettings',
        'importPolicies',
      ].sort(),
    );
    expect(allowedBy('team/audit.read')).toEqual(
      [
        'listAuditRequests',
        'listAuditSessions',
        'listReviewsPending',
        'listSessionsToReview',
        'getSessionSummary',
        'getDashboard',
        'getRequest',
        'listRequestEvents',
        'getSessionLogs',
        'startSessionLogQuery',
      ].sort(),
    );
    for (const op of MACHINE_NEVER) expect(machineScopeFor(op), op).toBeUndefined();
  });

  it.each(machineCases)(
    '$operation with scopes "$scopes" → allowed: $allowed',
    ({ operation, scopes, allowed }) => {
      const who = MACHINES[scopes];
      expect(isAllowed(operation, who, REQUEST)).toBe(allowed);
      if (allowed) expect(() => authorize(operation, who, REQUEST)).not.toThrow();
      else expect(() => authorize(operation, who, REQUEST)).toThrow(ForbiddenError);
    },
  );
});

describe('machine clients', () => {
  const DECISIONS = ['approveRequest', 'rejectRequest', 'cancelRequest', 'revokeRequest'] as const;

  it('can never create or decide a request, whatever the scopes, flags or request say', () => {
    // Even a request that names the client as requester and approver, and flags that say admin
    // and auditor (which the api never sets for a machine), change nothing.
    const naming = accessRequest({
      requester: actor('machine:ci-client'),
      approvers: [actor('machine:ci-client'), actor('approver')],
    });
    const everything = machine([...MACHINE_SCOPES, 'openid', 'aws.cognito.signin.user.admin'], {
      isAdmin: true,
      isAuditor: true,
      groupIds: ['admins'],
    });
    for (const request of [REQUEST, naming]) {
      for (const op of DECISIONS) {
        expect(isAllowed(op, everything, request), op).toBe(false);
        expect(() => authorize(op, everything, request)).toThrow(/^Machine clients may not do this/);
      }
    }
    for (const op of MACHINE_NEVER) expect(isAllowed(op, everything, naming), op).toBe(false);
    expect(() => authorize('createRequest', everything)).toThrow(/^Machine clients may not do this/);
  });

  it('is limited to its scopes even when flagged admin or auditor', () => {
    const flagged = machine(['team/policies.read'], { isAdmin: true, isAuditor: true });
    expect(isAllowed('listEligibilityPolicies', flagged)).toBe(true);
    expect(isAllowed('createEligibilityPolicies', flagged)).toBe(false);
    expect(isAllowed('listAuditRequests', flagged)).toBe(false);
  });

  it('may do nothing with a token without scopes', () => {
    for (const op of API_OPERATIONS) expect(isAllowed(op, MACHINES.none, REQUEST), op).toBe(false);
  });

  it('says which scope is missing, and nothing about the request', () => {
    expect(() => authorize('createEligibilityPolicies', MACHINES.read)).toThrow(
      'This needs a token with the team/policies.write scope.',
    );
    expect(() => authorize('getRequest', MACHINES.read, REQUEST)).toThrow(
      'This needs a token with the team/audit.read scope.',
    );
  });

  it('reads only requests that exist, refused like an auditor otherwise', () => {
    expect(isAllowed('getRequest', MACHINES.audit)).toBe(false);
    expect(() => authorize('getRequest', MACHINES.audit)).toThrow('You may not view this request.');
    expect(() => authorize('getRequest', caller('auditor', { isAuditor: true }))).toThrow(
      'You may not view this request.',
    );
  });

  it('matches scopes exactly: no prefixes, other resource servers or case changes', () => {
    const lookalikes = machine([
      'team/policies',
      'policies.read',
      'other/policies.read',
      'TEAM/policies.read',
    ]);
    for (const op of API_OPERATIONS) expect(isAllowed(op, lookalikes, REQUEST), op).toBe(false);
  });
});
