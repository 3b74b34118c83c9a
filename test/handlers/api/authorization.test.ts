/**
 * The authorization matrix, end to end: every query and mutation of the schema, called over
 * HTTP through the AppSync emulator (auth directives enforced) and the real api handler,
 * against DynamoDB Local and the simulators, signed in as each demo persona.
 */
import { approverPolicyFrom, eligibilityPolicyFrom } from '../../../lambdas/core/policies/stored-policies';
import type { GraphQLObjectType } from 'graphql';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiFields, makeApiHandler } from '../../../lambdas/handlers/api';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { buildAppSyncSchema } from '../../../local/appsync';
import { pendingSummaryOf } from '../../../lambdas/core/session-review';
import type { AccessRequest } from '../../../lambdas/core/types';
import { PERSONAS, useLocalCloud, type Persona } from '../../support/local-cloud';
import {
  APPROVE,
  CANCEL,
  CREATE_REQUEST,
  DEV_TOOLS_ACCOUNT,
  GROUPS,
  IAM_IDENTITY,
  NONPROD_OU,
  POWER_USER,
  READ_ONLY,
  REJECT,
  REVOKE,
  SANDBOX_OU,
  SCHEMA_SDL,
  STAGING_ACCOUNT,
  cognitoIdentityOf,
  createRequestAs,
  expectError,
  fieldOf,
  outcomeOf,
  requestIn,
  resolverEvent,
  stagingRequestInput,
  type RequestState,
} from '../fixtures';

// No session-log provider: its fields answer every reader of any request (DISABLED), so the
// matrix is about who may call them; test/handlers/session-logs.test.ts covers the provider.
const cloud = useLocalCloud({ sessionLogProvider: 'none' });

/** Column order of the matrix (plus "no token", which AppSync refuses before any resolver). */
const COLUMNS: readonly Persona[] = [
  'requester',
  'otherRequester',
  'approver',
  'otherApprover',
  'admin',
  'auditor',
];
type Outcome = 'ok' | 'Unauthorized' | 'NotEligible';
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

const OK = 'ok';
const NO = 'Unauthorized';
const NE = 'NotEligible';

//                           requester otherReq  approver  otherAppr admin     auditor
const EVERYONE: Row = /*  */ [OK, /*   */ OK, /**/ OK, /**/ OK, /* */ OK, /**/ OK];
const READERS: Row = /*   */ [OK, /*   */ NO, /**/ OK, /**/ NO, /* */ NO, /**/ OK];
const ADMINS: Row = /*    */ [NO, /*   */ NO, /**/ NO, /**/ NO, /* */ OK, /**/ NO];
const AUDITORS: Row = /*  */ [NO, /*   */ NO, /**/ NO, /**/ NO, /* */ NO, /**/ OK];
const APPROVERS: Row = /* */ [NO, /*   */ NO, /**/ OK, /**/ NO, /* */ NO, /**/ NO];
const REQUESTER: Row = /* */ [OK, /*   */ NO, /**/ NO, /**/ NO, /* */ NO, /**/ NO];
const REVOKERS: Row = /*  */ [OK, /*   */ NO, /**/ OK, /**/ NO, /* */ NO, /**/ NO];
const NOBODY: Row = /*    */ [NO, /*   */ NO, /**/ NO, /**/ NO, /* */ NO, /**/ NO];
const OVERSIGHT: Row = /* */ [NO, /*   */ NO, /**/ NO, /**/ NO, /* */ OK, /**/ OK];
/** Everyone signed in may ask; no policy allows break-glass, so each is told so. */
const NOT_ELIGIBLE: Row = [NE, NE, NE, NE, NE, NE];
/** Everyone signed in may ask; the auditor (in no TEAM-Users group) is eligible for nothing. */
const ELIGIBLE: Row = /*  */ [OK, /*   */ OK, /**/ OK, /**/ OK, /* */ OK, /**/ NE];

interface Operation {
  /** The root field (the response's data key). */
  field: string;
  doc: string;
  expected: Row;
  /** Variables for one call; run right before it (fresh requests, current versions…). */
  vars?: (persona: Persona) => Promise<Record<string, unknown>>;
}

let readRequestId = '';
const page = '{ items { id } nextToken }';

const ops = (): Operation[] => {
  const ports = () => cloud.backend.backend.ports;
  const onReadRequest = async () => ({ id: readRequestId, requestId: readRequestId });
  const fresh =
    (state: RequestState, comment = true) =>
    async () => ({
      input: { requestId: await requestIn(cloud, state), ...(comment ? { comment: 'Looks right' } : {}) },
    });
  const auditorsPolicy = async () =>
    ports().policies.putEligibility(
      eligibilityPolicyFrom({
        id: GROUPS.auditors,
        principalType: 'GROUP',
        principalName: 'TEAM-Auditors',
        accounts: [{ id: '118573649280', name: 'Sandbox Team A' }],
        ous: [],
        permissionSets: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }],
        maxDurationHours: 2,
        approvalRequired: true,
        updatedAt: new Date().toISOString(),
        updatedBy: 'test',
      }),
    );
  const devToolsApprovers = async () =>
    ports().policies.putApproverPolicy(
      approverPolicyFrom({
        id: DEV_TOOLS_ACCOUNT,
        targetType: 'ACCOUNT',
        targetName: 'Developer Tools',
        approverGroups: [{ id: GROUPS.approversNonProduction, name: 'TEAM-Approvers-NonProduction' }],
        updatedAt: new Date().toISOString(),
        updatedBy: 'test',
      }),
    );
  const ignoreConflict = (p: Promise<void>) => p.catch(() => undefined);
  /** A scheduled request changed as only a policy or the workflow could (no API sets these). */
  const storedWith = async (patch: Partial<AccessRequest>) => {
    const id = await requestIn(cloud, 'scheduled');
    const requests = ports().requests;
    const stored = await requests.get(id);
    if (!stored) throw new Error(`request ${id} is missing`);
    await requests.update({ ...stored, ...patch, version: stored.version + 1 }, stored, undefined);
    return id;
  };
  const extendable = () => storedWith({ extensionRules: { maxTotalHours: 8, approvalRequired: true } });
  const withExtension = async () => {
    const id = await extendable();
    const extend = 'mutation($input: ExtendRequestInput!) { extendRequest(input: $input) { id } }';
    fieldOf(
      await cloud.call('requester', extend, { input: { requestId: id, hours: 1, reason: 'More' } }),
      'extendRequest',
    );
    return id;
  };
  const toReview = () =>
    storedWith({ breakGlass: { incident: 'INC-9' }, review: { state: 'needed' }, approvalRequired: false });
  /** An ended session of the requester persona whose summary is flagged for review. */
  const flaggedSession = async () => {
    const id = await storedWith({
      status: 'ended',
      grantedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      endedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const request = await ports().requests.get(id);
    const pending = request && pendingSummaryOf(request, 'cloudtrail-lake', new Date());
    if (!pending) throw new Error(`request ${id} has no session`);
    await ports().sessionSummaries.create({
      ...pending,
      status: 'complete',
      flagged: true,
      reviewState: 'to-review',
    });
    return id;
  };
  // One finished request of the original TEAM, as its requests table holds it.
  const originalHistory = () =>
    JSON.stringify([
      {
        id: '5d0c3c52-8f0e-4b8e-a2f4-0c6f1d2e3a4b',
        username: 'idc_someone@example.com',
        email: 'someone@example.com',
        accountId: STAGING_ACCOUNT,
        accountName: 'Staging',
        role: 'ReadOnlyAccess',
        roleId: READ_ONLY,
        startTime: '2025-05-01T10:00:00.000Z',
        duration: '1',
        justification: 'history',
        status: 'ended',
        endTime: '2025-05-01T11:00:00.000Z',
        createdAt: '2025-05-01T09:50:00.000Z',
        updatedAt: '2025-05-01T11:00:01.000Z',
      },
    ]);

  return [
    // ------------------------------------------------------------------ queries
    { field: 'me', doc: '{ me { userId personas } }', expected: EVERYONE },
    {
      field: 'requestFormOptions',
      doc: '{ requestFormOptions { accounts { id } expiryHours } }',
      expected: EVERYONE,
    },
    {
      field: 'requestApprovers',
      doc: 'query($a: ID!, $p: ID!) { requestApprovers(accountId: $a, permissionSetArn: $p) { approvers { id } } }',
      expected: ELIGIBLE,
      vars: async () => ({ a: STAGING_ACCOUNT, p: READ_ONLY }),
    },
    {
      field: 'getRequest',
      doc: 'query($id: ID!) { getRequest(id: $id) { id } }',
      expected: READERS,
      vars: onReadRequest,
    },
    {
      field: 'requestEvents',
      doc: 'query($requestId: ID!) { requestEvents(requestId: $requestId) { items { id action } nextToken } }',
      expected: READERS,
      vars: onReadRequest,
    },
    { field: 'myRequests', doc: `{ myRequests ${page} }`, expected: EVERYONE },
    { field: 'pendingApprovals', doc: `{ pendingApprovals ${page} }`, expected: EVERYONE },
    { field: 'myApprovals', doc: `{ myApprovals ${page} }`, expected: EVERYONE },
    { field: 'activeAccess', doc: `{ activeAccess ${page} }`, expected: EVERYONE },
    { field: 'endedAccess', doc: `{ endedAccess ${page} }`, expected: EVERYONE },
    { field: 'auditRequests', doc: `{ auditRequests ${page} }`, expected: AUDITORS },
    { field: 'auditSessions', doc: `{ auditSessions ${page} }`, expected: AUDITORS },
    { field: 'reviewsPending', doc: `{ reviewsPending ${page} }`, expected: OVERSIGHT },
    {
      field: 'dashboard',
      doc: '{ dashboard(from: "2026-12-01", to: "2026-12-07") { activeNow days { date created } } }',
      expected: OVERSIGHT,
    },
    { field: 'settings', doc: '{ settings { version slackTokenConfigured } }', expected: EVERYONE },
    { field: 'eligibilityPolicies', doc: `{ eligibilityPolicies ${page} }`, expected: ADMINS },
    { field: 'approverPolicies', doc: `{ approverPolicies ${page} }`, expected: ADMINS },
    { field: 'exportPolicies', doc: '{ exportPolicies }', expected: ADMINS },
    {
      field: 'policyCheck',
      doc: '{ policyCheck { checkedAt } }',
      expected: ADMINS,
      // A report exists once a check ran (null before).
      vars: async () => {
        await cloud.backend.backend.usecases.checkPoliciesNow(ADMIN);
        return {};
      },
    },
    {
      field: 'previewPolicyImport',
      doc: 'query($input: PreviewPolicyImportInput!) { previewPolicyImport(input: $input) { digest counts { settingsChanged } } }',
      expected: ADMINS,
      vars: async () => ({ input: { document: await exported() } }),
    },
    {
      field: 'previewRequestHistoryImport',
      doc: 'query($input: RequestHistoryInput!) { previewRequestHistoryImport(input: $input) { total toImport } }',
      expected: ADMINS,
      vars: async () => ({ input: { items: originalHistory() } }),
    },
    { field: 'accounts', doc: `{ accounts ${page} }`, expected: ADMINS },
    { field: 'ouTree', doc: `{ ouTree ${page} }`, expected: ADMINS },
    { field: 'users', doc: `{ users ${page} }`, expected: ADMINS },
    { field: 'groups', doc: `{ groups ${page} }`, expected: ADMINS },
    { field: 'permissionSets', doc: '{ permissionSets { items { arn } nextToken } }', expected: ADMINS },
    {
      field: 'sessionLogQuery',
      doc: 'query($requestId: ID!) { sessionLogQuery(requestId: $requestId) { requestId status } }',
      expected: READERS,
      vars: onReadRequest,
    },
    {
      field: 'sessionLogs',
      doc: 'query($requestId: ID!) { sessionLogs(requestId: $requestId) { items { eventId } nextToken } }',
      expected: READERS,
      vars: onReadRequest,
    },
    {
      field: 'sessionsToReview',
      doc: '{ sessionsToReview { items { requestId reviewState } nextToken } }',
      expected: OVERSIGHT,
    },
    {
      field: 'sessionSummary',
      doc: 'query($requestId: ID!) { sessionSummary(requestId: $requestId) { requestId flagged } }',
      expected: OVERSIGHT,
      vars: async () => ({ requestId: await flaggedSession() }),
    },
    // ------------------------------------------------------------------ mutations
    {
      field: 'createRequest',
      doc: CREATE_REQUEST,
      expected: ELIGIBLE,
      vars: async () => ({ input: stagingRequestInput() }),
    },
    // Every decision gets a fresh request, so a refusal is about the caller, never the state.
    { field: 'approveRequest', doc: APPROVE, expected: APPROVERS, vars: fresh('pending') },
    { field: 'rejectRequest', doc: REJECT, expected: APPROVERS, vars: fresh('pending') },
    { field: 'cancelRequest', doc: CANCEL, expected: REQUESTER, vars: fresh('pending', false) },
    { field: 'revokeRequest', doc: REVOKE, expected: REVOKERS, vars: fresh('scheduled') },
    {
      field: 'createBreakGlassRequest',
      doc: 'mutation($input: CreateBreakGlassRequestInput!) { createBreakGlassRequest(input: $input) { id } }',
      expected: NOT_ELIGIBLE,
      vars: async () => {
        const { accountId, permissionSetArn } = stagingRequestInput();
        return {
          input: {
            accountId,
            permissionSetArn,
            durationHours: 1,
            justification: 'Outage',
            incident: 'INC-1',
          },
        };
      },
    },
    {
      field: 'extendRequest',
      doc: 'mutation($input: ExtendRequestInput!) { extendRequest(input: $input) { id } }',
      expected: REVOKERS,
      vars: async () => ({ input: { requestId: await extendable(), hours: 1, reason: 'More time' } }),
    },
    {
      field: 'approveExtension',
      doc: 'mutation($input: DecideExtensionInput!) { approveExtension(input: $input) { id } }',
      expected: APPROVERS,
      vars: async () => ({ input: { requestId: await withExtension(), extensionId: 1, comment: 'ok' } }),
    },
    {
      field: 'rejectExtension',
      doc: 'mutation($input: DecideExtensionInput!) { rejectExtension(input: $input) { id } }',
      expected: REVOKERS,
      vars: async () => ({ input: { requestId: await withExtension(), extensionId: 1, comment: 'no' } }),
    },
    {
      field: 'reviewRequest',
      doc: 'mutation($input: ReviewRequestInput!) { reviewRequest(input: $input) { id } }',
      expected: APPROVERS,
      vars: async () => ({
        input: { requestId: await toReview(), state: 'ACKNOWLEDGED', comment: 'Seen' },
      }),
    },
    {
      field: 'markSessionReviewed',
      doc: 'mutation($input: MarkSessionReviewedInput!) { markSessionReviewed(input: $input) { reviewState } }',
      expected: OVERSIGHT,
      vars: async () => ({ input: { requestId: await flaggedSession(), comment: 'Expected' } }),
    },
    {
      field: 'createEligibilityPolicies',
      doc: 'mutation($input: CreateEligibilityPoliciesInput!) { createEligibilityPolicies(input: $input) { id } }',
      expected: ADMINS,
      vars: async () => {
        await ports().policies.deleteEligibility(GROUPS.auditors);
        return {
          input: {
            principals: [{ id: GROUPS.auditors, type: 'GROUP' }],
            accountIds: ['118573649280'],
            ouIds: [],
            permissionSetArns: [READ_ONLY],
            maxDurationHours: 2,
            approvalRequired: true,
            ticketNo: 'CHG-1',
          },
        };
      },
    },
    {
      field: 'updateEligibilityPolicy',
      doc: 'mutation($input: UpdateEligibilityPolicyInput!) { updateEligibilityPolicy(input: $input) { id updatedAt } }',
      expected: ADMINS,
      vars: async () => {
        const current = await ports().policies.getEligibility(GROUPS.users);
        return {
          input: {
            id: GROUPS.users,
            accountIds: ['118573649280', '229684750391'],
            ouIds: [NONPROD_OU],
            permissionSetArns: [READ_ONLY, POWER_USER],
            maxDurationHours: 8,
            approvalRequired: true,
            ticketNo: 'CHG-2',
            expectedUpdatedAt: current?.updatedAt,
          },
        };
      },
    },
    {
      field: 'deleteEligibilityPolicies',
      doc: 'mutation($input: DeleteEligibilityPoliciesInput!) { deleteEligibilityPolicies(input: $input) { deletedIds } }',
      expected: ADMINS,
      vars: async () => {
        await ignoreConflict(auditorsPolicy());
        return { input: { ids: [GROUPS.auditors] } };
      },
    },
    {
      field: 'createApproverPolicies',
      doc: 'mutation($input: CreateApproverPoliciesInput!) { createApproverPolicies(input: $input) { id } }',
      expected: ADMINS,
      vars: async () => {
        await ports().policies.deleteApproverPolicy(DEV_TOOLS_ACCOUNT);
        return {
          input: {
            targets: [DEV_TOOLS_ACCOUNT],
            approverGroupIds: [GROUPS.approversNonProduction],
            ticketNo: 'CHG-3',
          },
        };
      },
    },
    {
      field: 'updateApproverPolicy',
      doc: 'mutation($input: UpdateApproverPolicyInput!) { updateApproverPolicy(input: $input) { id updatedAt } }',
      expected: ADMINS,
      vars: async () => {
        const current = await ports().policies.getApproverPolicy(SANDBOX_OU);
        return {
          input: {
            id: SANDBOX_OU,
            approverGroupIds: [GROUPS.approversNonProduction],
            ticketNo: 'CHG-4',
            expectedUpdatedAt: current?.updatedAt,
          },
        };
      },
    },
    {
      field: 'deleteApproverPolicies',
      doc: 'mutation($input: DeleteApproverPoliciesInput!) { deleteApproverPolicies(input: $input) { deletedIds } }',
      expected: ADMINS,
      vars: async () => {
        await ignoreConflict(devToolsApprovers());
        return { input: { ids: [DEV_TOOLS_ACCOUNT] } };
      },
    },
    {
      field: 'importPolicies',
      doc: 'mutation($input: ImportPoliciesInput!) { importPolicies(input: $input) { settingsChanged } }',
      expected: ADMINS,
      vars: async () => {
        // The state as it is: importing it changes nothing, whoever may.
        const document = await exported();
        const { digest } = await cloud.backend.backend.usecases.previewPolicyImport(ADMIN, { document });
        return { input: { document, expectedDigest: digest } };
      },
    },
    {
      field: 'importRequestHistory',
      doc: 'mutation($input: RequestHistoryInput!) { importRequestHistory(input: $input) { imported alreadyImported } }',
      expected: ADMINS,
      vars: async () => ({ input: { items: originalHistory() } }),
    },
    {
      field: 'updateSettings',
      doc: 'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { version } }',
      expected: ADMINS,
      vars: async () => ({ input: await settingsInput() }),
    },
    {
      field: 'invalidateOuCache',
      doc: 'mutation($input: InvalidateOuCacheInput!) { invalidateOuCache(input: $input) { invalidated failed message } }',
      expected: ADMINS,
      vars: async () => ({ input: { ouIds: [NONPROD_OU] } }),
    },
    {
      field: 'checkPoliciesNow',
      doc: 'mutation($input: CheckPoliciesNowInput!) { checkPoliciesNow(input: $input) { checkedAt } }',
      expected: ADMINS,
      vars: async () => ({ input: {} }),
    },
    {
      field: 'reconcileNow',
      doc: 'mutation($input: ReconcileNowInput!) { reconcileNow(input: $input) { startedAt } }',
      expected: ADMINS,
      vars: async () => {
        // The local cloud has no reconciler function to invoke: the admin's run goes to a stand-in.
        ports().reconciler = { start: () => Promise.resolve() };
        return { input: { reason: 'authorization matrix' } };
      },
    },
    {
      field: 'rebuildDashboard',
      doc: 'mutation($input: RebuildDashboardInput!) { rebuildDashboard(input: $input) { startedAt } }',
      expected: ADMINS,
      vars: async () => {
        ports().reconciler = { start: () => Promise.resolve() };
        return { input: {} };
      },
    },
    {
      field: 'startSessionLogQuery',
      doc: 'mutation($input: StartSessionLogQueryInput!) { startSessionLogQuery(input: $input) { requestId status } }',
      expected: READERS,
      vars: async () => ({ input: { requestId: readRequestId } }),
    },
    {
      field: 'publishRequestChange',
      doc: 'mutation($input: PublishRequestChangeInput!) { publishRequestChange(input: $input) { channels requestId status updatedAt } }',
      expected: NOBODY,
      vars: async () => ({
        input: {
          channels: ['AUDIT'],
          requestId: readRequestId,
          status: 'PENDING',
          updatedAt: new Date().toISOString(),
        },
      }),
    },
    {
      field: 'publishSessionLogQuery',
      doc: 'mutation($input: PublishSessionLogQueryInput!) { publishSessionLogQuery(input: $input) { requestId status updatedAt } }',
      expected: NOBODY,
      vars: async () => ({
        input: { requestId: readRequestId, status: 'RUNNING', updatedAt: new Date().toISOString() },
      }),
    },
  ];
};

/** An admin as the use cases see one (for the variables of a call, not the call itself). */
const ADMIN = {
  userId: 'test',
  userName: 'test',
  email: '',
  groupIds: [],
  isAdmin: true,
  isAuditor: false,
};

/** The policy document of what is stored now. */
const exported = () => cloud.backend.backend.usecases.exportPolicies(ADMIN);

/** The settings as they are, as an UpdateSettingsInput (saving changes nothing but the version). */
async function settingsInput(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const s = await cloud.backend.backend.usecases.getSettings(ADMIN);
  return {
    maxDurationHours: s.maxDurationHours,
    expiryHours: s.expiryHours,
    commentsRequired: s.commentsRequired,
    ticketRequired: s.ticketRequired,
    approvalWorkflow: s.approvalWorkflow,
    sesEnabled: s.sesEnabled,
    snsEnabled: s.snsEnabled,
    slackEnabled: s.slackEnabled,
    ouCacheEnabled: s.ouCacheEnabled,
    sensitiveActions: s.sensitiveActions,
    expectedVersion: s.version,
    ...extra,
  };
}

function schemaRootFields(schema: GraphQLSchema): Record<'Query' | 'Mutation' | 'Subscription', string[]> {
  const names = (t: GraphQLObjectType | null | undefined) => Object.keys(t?.getFields() ?? {}).sort();
  return {
    Query: names(schema.getQueryType()),
    Mutation: names(schema.getMutationType()),
    Subscription: names(schema.getSubscriptionType()),
  };
}

beforeAll(async () => {
  readRequestId = await createRequestAs(cloud, 'requester');
});

describe('the authorization matrix', () => {
  const schema = buildAppSyncSchema(SCHEMA_SDL);
  const operations = ops();

  it('covers every query and mutation of the schema, and the handler resolves every root field', () => {
    const fields = schemaRootFields(schema);
    expect(operations.map((o) => o.field).sort()).toEqual([...fields.Query, ...fields.Mutation].sort());
    const resolved = apiFields();
    expect({
      Query: [...resolved.Query].sort(),
      Mutation: [...resolved.Mutation].sort(),
      Subscription: [...resolved.Subscription].sort(),
    }).toEqual(fields);
  });

  for (const op of operations) {
    it(`${op.field}: none ${['401', ...op.expected].join(' ')}`, async () => {
      const anonymous = await cloud.call(null, op.doc, op.vars ? await op.vars('requester') : {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0]?.errorType).toBe('UnauthorizedException');

      const actual: string[] = [];
      const details: string[] = [];
      for (const persona of COLUMNS) {
        const response = await cloud.call(persona, op.doc, op.vars ? await op.vars(persona) : {});
        const outcome = outcomeOf(response);
        actual.push(outcome);
        if (outcome === 'ok' && response.data?.[op.field] === null) actual[actual.length - 1] = 'null';
        details.push(`${persona}: ${JSON.stringify(response.errors?.[0]?.message ?? 'ok')}`);
        if (outcome !== 'ok') expect(response.errors?.[0]?.message, persona).toBeTruthy();
      }
      expect(actual, details.join('\n')).toEqual([...op.expected]);
    });
  }
});

describe('decisions on requests that are no longer pending', () => {
  const cases: readonly { state: RequestState; message: RegExp }[] = [
    { state: 'expired', message: /^A request that is expired cannot become approved\.$/ },
    { state: 'cancelled', message: /^A request that is cancelled cannot become approved\.$/ },
    { state: 'rejected', message: /^A request that is rejected cannot become approved\.$/ },
    { state: 'approved', message: /^A request that is approved cannot become approved\.$/ },
  ];
  for (const { state, message } of cases) {
    it(`approving a ${state} request is an IllegalTransition`, async () => {
      const id = await requestIn(cloud, state);
      const response = await cloud.call('approver', APPROVE, { input: { requestId: id, comment: 'late' } });
      expectError(response, 'IllegalTransition', message);
      expect(response.data?.approveRequest ?? null).toBeNull();
    });
  }

  it('approving one’s own request is refused even for someone who approves that account', async () => {
    // bob approves NonProduction accounts, but never his own request for one.
    const id = await createRequestAs(cloud, 'approver');
    const own = await cloud.call('approver', APPROVE, { input: { requestId: id, comment: 'mine' } });
    expectError(own, 'Unauthorized', /other than its requester/);
  });
});

describe('reading other people’s requests', () => {
  it('lists only what concerns the caller', async () => {
    const ids = async (persona: Persona, field: string) =>
      fieldOf<{ items: { id: string }[] }>(
        await cloud.call(persona, `{ ${field}(limit: 100) { items { id } } }`),
        field,
      ).items.map((r) => r.id);
    expect(await ids('requester', 'myRequests')).toContain(readRequestId);
    expect(await ids('otherRequester', 'myRequests')).not.toContain(readRequestId);
    expect(await ids('approver', 'pendingApprovals')).toContain(readRequestId);
    expect(await ids('otherApprover', 'pendingApprovals')).not.toContain(readRequestId);
    expect(await ids('requester', 'pendingApprovals')).not.toContain(readRequestId);
    expect(await ids('auditor', 'auditRequests')).toContain(readRequestId);
  });

  it('refuses another requester the request with a message that says nothing about it', async () => {
    const other = await cloud.call('otherRequester', 'query($id: ID!) { getRequest(id: $id) { id } }', {
      id: readRequestId,
    });
    expectError(other, 'Unauthorized', /^You may not view this request\.$/);
  });
});

describe('another person’s request answers exactly like one that does not exist', () => {
  /** The raw answer: status and body, byte for byte. */
  const raw = async (persona: Persona, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(cloud.backend.urls.graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await cloud.token(persona) },
      body: JSON.stringify({ query, variables }),
    });
    return `${response.status} ${await response.text()}`;
  };
  const byId = (id: string) => ({ id });
  const byRequestId = (id: string) => ({ requestId: id });
  const input = (id: string) => ({ input: { requestId: id } });
  const commented = (id: string) => ({ input: { requestId: id, comment: 'Looks right' } });

  const OPERATIONS: readonly (readonly [string, string, (id: string) => Record<string, unknown>])[] = [
    ['getRequest', 'query($id: ID!) { getRequest(id: $id) { id status } }', byId],
    [
      'requestEvents',
      'query($requestId: ID!) { requestEvents(requestId: $requestId) { items { id } nextToken } }',
      byRequestId,
    ],
    [
      'sessionLogQuery',
      'query($requestId: ID!) { sessionLogQuery(requestId: $requestId) { requestId status } }',
      byRequestId,
    ],
    [
      'sessionLogs',
      'query($requestId: ID!) { sessionLogs(requestId: $requestId) { items { eventId } nextToken } }',
      byRequestId,
    ],
    [
      'startSessionLogQuery',
      'mutation($input: StartSessionLogQueryInput!) { startSessionLogQuery(input: $input) { requestId status } }',
      input,
    ],
    // A decision on a request one may not see tells no more than reading it.
    ['approveRequest', APPROVE, commented],
    ['rejectRequest', REJECT, commented],
    ['cancelRequest', CANCEL, input],
    ['revokeRequest', REVOKE, commented],
  ];
  /** Ids of no request: well-formed and unused, unused, malformed, empty. */
  const MISSING = ['b0b0b0b0-0000-4000-8000-ffffffffffff', 'no-such-request', "x' OR '1'='1", ''];

  for (const [field, doc, vars] of OPERATIONS) {
    it(`${field}`, async () => {
      const hidden = await raw('otherRequester', doc, vars(readRequestId));
      expect(hidden).toMatch(/^200 /);
      expect(JSON.parse(hidden.slice(4))).toMatchObject({ errors: [{ errorType: 'Unauthorized' }] });
      for (const id of MISSING) {
        expect(await raw('otherRequester', doc, vars(id)), id).toBe(hidden);
      }
    });
  }

  it('an auditor, who may read every request, gets the same answer for a missing one', async () => {
    const doc = 'query($id: ID!) { getRequest(id: $id) { id status } }';
    const hidden = await raw('otherRequester', doc, byId(readRequestId));
    for (const id of MISSING) expect(await raw('auditor', doc, byId(id)), id).toBe(hidden);
  });
});

describe('the Slack token', () => {
  it('has no field anywhere in the schema that could return it', () => {
    const schema = buildAppSyncSchema(SCHEMA_SDL);
    const secretLike = /token|secret|password|credential|webhook/i;
    const readable: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.keys(type.getFields())) {
        if (secretLike.test(field) && field !== 'nextToken') readable.push(`${type.name}.${field}`);
      }
    }
    expect(readable).toEqual([
      'Settings.slackTokenConfigured',
      'Settings.slackSigningSecretConfigured',
      'Settings.teamsWebhookConfigured',
    ]);
  });

  it('the Slack signing secret and the Teams webhook URL are stored on save and never returned', async () => {
    const signing = 'abcdef0123456789abcdef0123456789';
    const webhook =
      'https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=s3cr3t-signature';
    const fields = 'slackSigningSecretConfigured teamsEnabled teamsWebhookConfigured version';
    const saved = await cloud.call(
      'admin',
      `mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { ${fields} } }`,
      {
        input: await settingsInput({
          slackSigningSecret: signing,
          teamsWebhookUrl: webhook,
          teamsEnabled: true,
        }),
      },
    );
    expect(fieldOf(saved, 'updateSettings')).toMatchObject({
      slackSigningSecretConfigured: true,
      teamsEnabled: true,
      teamsWebhookConfigured: true,
    });
    expect(JSON.stringify(saved)).not.toContain(signing);
    expect(JSON.stringify(saved)).not.toContain('s3cr3t');
    const stored = JSON.parse(cloud.backend.secrets.peek('team-local/slack') ?? '{}') as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({ slackSigningSecret: signing, teamsWebhookUrl: webhook });
    for (const persona of COLUMNS) {
      const read = await cloud.call(persona, `{ settings { ${fields} } }`);
      expect(fieldOf(read, 'settings')).toMatchObject({
        slackSigningSecretConfigured: true,
        teamsWebhookConfigured: true,
      });
      expect(JSON.stringify(read)).not.toContain(signing);
      expect(JSON.stringify(read)).not.toContain('s3cr3t');
    }
    const cleared = await cloud.call(
      'admin',
      `mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { ${fields} } }`,
      {
        input: await settingsInput({
          clearSlackSigningSecret: true,
          clearTeamsWebhookUrl: true,
          teamsEnabled: false,
        }),
      },
    );
    expect(fieldOf(cleared, 'updateSettings')).toMatchObject({
      slackSigningSecretConfigured: false,
      teamsEnabled: false,
      teamsWebhookConfigured: false,
    });
    const after = JSON.parse(cloud.backend.secrets.peek('team-local/slack') ?? '{}') as Record<
      string,
      unknown
    >;
    expect(after).not.toHaveProperty('slackSigningSecret');
    expect(after).not.toHaveProperty('teamsWebhookUrl');
  });

  it('is stored on save and never returned: settings only say that one is configured', async () => {
    const token = 'xoxb-test-1234567890-abcdefghij';
    const saved = await cloud.call(
      'admin',
      'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { slackTokenConfigured version } }',
      { input: await settingsInput({ slackToken: token }) },
    );
    expect(fieldOf(saved, 'updateSettings')).toMatchObject({ slackTokenConfigured: true });
    expect(JSON.stringify(saved)).not.toContain(token);
    expect(cloud.backend.secrets.peek('team-local/slack')).toContain(token);
    for (const persona of COLUMNS) {
      const read = await cloud.call(
        persona,
        '{ settings { slackTokenConfigured slackEnabled slackAuditChannel } }',
      );
      expect(fieldOf(read, 'settings')).toMatchObject({ slackTokenConfigured: true });
      expect(JSON.stringify(read)).not.toContain(token);
    }
    const cleared = await cloud.call(
      'admin',
      'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { slackTokenConfigured } }',
      // Slack must be off to go without a token (the demo settings turn it on).
      { input: await settingsInput({ clearSlackToken: true, slackEnabled: false }) },
    );
    expect(fieldOf(cleared, 'updateSettings')).toMatchObject({ slackTokenConfigured: false });
  });
});

/** The api handler in process, as the local AppSync runs it: it throws its errors. */
const apiHandler = makeApiHandler({ backend: () => cloud.backend.backend });

describe('subscriptions (the resolver runs when a client subscribes)', () => {
  const subscribe = async (persona: Persona | 'iam', field: string, args: Record<string, unknown>) => {
    const identity = persona === 'iam' ? IAM_IDENTITY : await cognitoIdentityOf(cloud, persona);
    try {
      const result = await apiHandler(resolverEvent('Subscription', field, args, identity));
      return result === null ? 'ok' : `unexpected ${JSON.stringify(result)}`;
    } catch (error) {
      if (error instanceof ApiError) return error.errorType;
      throw error;
    }
  };

  it('onRequestChange: one’s own channel; AUDIT for auditors only; nobody else’s', async () => {
    const table = async (channel: (p: Persona) => string) =>
      Promise.all(COLUMNS.map((p) => subscribe(p, 'onRequestChange', { channel: channel(p) })));
    expect(await table((p) => cloud.userId(p))).toEqual([...EVERYONE]);
    expect(await table(() => cloud.userId('requester'))).toEqual([...REQUESTER]);
    expect(await table(() => 'AUDIT')).toEqual([...AUDITORS]);
    expect(await subscribe('iam', 'onRequestChange', { channel: 'AUDIT' })).toBe('Unauthorized');
  });

  it('onSessionLogQuery: the readers of the request', async () => {
    const outcomes = await Promise.all(
      COLUMNS.map((p) => subscribe(p, 'onSessionLogQuery', { requestId: readRequestId })),
    );
    expect(outcomes).toEqual([...READERS]);
  });

  it('onSessionLogQuery: refuses a request that does not exist like one the caller may not see', async () => {
    const refusal = async (requestId: string) => {
      const event = resolverEvent(
        'Subscription',
        'onSessionLogQuery',
        { requestId },
        await cognitoIdentityOf(cloud, 'otherRequester'),
      );
      const error: unknown = await apiHandler(event).then(
        () => undefined,
        (e: unknown) => e,
      );
      return error instanceof ApiError
        ? JSON.stringify([error.errorType, error.message, error.errorInfo])
        : error;
    };
    const hidden = await refusal(readRequestId);
    expect(hidden).toContain('Unauthorized');
    for (const requestId of ['b0b0b0b0-0000-4000-8000-ffffffffffff', 'nope', '']) {
      expect(await refusal(requestId)).toBe(hidden);
    }
  });

  it('the backend (IAM) may publish; the handler refuses users even if AppSync did not', async () => {
    const input = {
      channels: ['AUDIT'],
      requestId: readRequestId,
      status: 'PENDING',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await expect(
      apiHandler(resolverEvent('Mutation', 'publishRequestChange', { input }, IAM_IDENTITY)),
    ).resolves.toEqual(input);
    await expect(
      apiHandler(
        resolverEvent('Mutation', 'publishRequestChange', { input }, await cognitoIdentityOf(cloud, 'admin')),
      ),
    ).rejects.toMatchObject({ errorType: 'Unauthorized', name: 'Unauthorized' });
  });
});

describe('personas', () => {
  it('me reports each persona from the token claims', async () => {
    const me = async (p: Persona) =>
      fieldOf<{ userName: string; personas: string[] }>(
        await cloud.call(p, '{ me { userId userName email isAdmin isAuditor personas } }'),
        'me',
      );
    expect(await me('requester')).toMatchObject({ userName: PERSONAS.requester, personas: ['REQUESTER'] });
    expect(await me('admin')).toMatchObject({ personas: ['REQUESTER', 'ADMIN'] });
    expect(await me('auditor')).toMatchObject({ personas: ['REQUESTER', 'AUDITOR'] });
  });
});
