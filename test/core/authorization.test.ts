import { describe, expect, it } from 'vitest';
import {
  API_OPERATIONS,
  authorize,
  isAllowed,
  isRequestOperation,
  relationOf,
} from '../../lambdas/core/authorization';
import type { ApiOperation } from '../../lambdas/core/authorization';
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
  listAccounts:              'N   N     N    N     Y     N',
  getOuTree:                 'N   N     N    N     Y     N',
  listUsers:                 'N   N     N    N     Y     N',
  listGroups:                'N   N     N    N     Y     N',
  listPermissionSets:        'N   N     N    N     Y     N',
  invalidateOuCache:         'N   N     N    N     Y     N',
  reconcileNow:              'N   N     N    N     Y     N',
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
