import * as uc from '../../lambdas/core';
import { makeTestWorld, type TestWorld, type TestWorldOptions } from '../fakes';

/** A world of fakes and every use case wired over it. */
export function setup(options?: TestWorldOptions) {
  const world: TestWorld = makeTestWorld(options);
  return {
    world,
    ...world.callers,
    formOptions: uc.makeGetRequestFormOptions(world),
    create: uc.makeCreateRequest(world),
    approve: uc.makeApproveRequest(world),
    reject: uc.makeRejectRequest(world),
    cancel: uc.makeCancelRequest(world),
    revoke: uc.makeRevokeRequest(world),
    system: uc.makeApplySystemTransition(world),
    getRequest: uc.makeGetRequest(world),
    listEvents: uc.makeListRequestEvents(world),
    listMine: uc.makeListMyRequests(world),
    listPending: uc.makeListPendingApprovals(world),
    listMyApprovals: uc.makeListMyApprovals(world),
    listActive: uc.makeListActiveAccess(world),
    listEnded: uc.makeListEndedAccess(world),
    listAudit: uc.makeListAuditRequests(world),
    listSessions: uc.makeListAuditSessions(world),
    listEligibility: uc.makeListEligibilityPolicies(world),
    createEligibility: uc.makeCreateEligibilityPolicies(world),
    updateEligibility: uc.makeUpdateEligibilityPolicy(world),
    deleteEligibility: uc.makeDeleteEligibilityPolicies(world),
    listApprover: uc.makeListApproverPolicies(world),
    createApprover: uc.makeCreateApproverPolicies(world),
    updateApprover: uc.makeUpdateApproverPolicy(world),
    deleteApprover: uc.makeDeleteApproverPolicies(world),
    getSettings: uc.makeGetSettings(world),
    updateSettings: uc.makeUpdateSettings(world),
  };
}

/**
 * Awaits a promise expected to fail and returns its error, so tests can check both the class
 * and the message (and fail clearly when it resolves).
 */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the promise to reject, but it resolved');
}
