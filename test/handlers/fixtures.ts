/**
 * Shared facts and helpers of the handler tests: demo-org ids, GraphQL documents, and ways to
 * put a request into a given state through the API (and the system transitions the workflows
 * would make).
 */
import { readFileSync } from 'node:fs';
import type { AppSyncIdentityCognito } from 'aws-lambda';
import { expect } from 'vitest';
import { makeApplySystemTransition } from '../../lambdas/core/requests/system-transition';
import { SCHEMA_PATH } from '../../local/backend';
import type { GraphQLResponse, LocalCloud, Persona } from '../support/local-cloud';

export const SCHEMA_SDL = readFileSync(SCHEMA_PATH, 'utf8');

/** Payments Staging (NonProduction OU): approvers are TEAM-Approvers-NonProduction. */
export const STAGING_ACCOUNT = '745240316957';
/** Payments Production (Production OU): approvers are TEAM-Approvers-Production. */
export const PRODUCTION_ACCOUNT = '563028194735';
/** Developer Tools (Development OU, no approver policy on it or its parent). */
export const DEV_TOOLS_ACCOUNT = '927462538179';
export const SANDBOX_OU = 'ou-q7k2-9sb2x5ln';
export const NONPROD_OU = 'ou-q7k2-5np0w7tc';
export const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-82575ec87a171ac8';
export const POWER_USER = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-62179273c8eb5bb6';
export const GROUPS = {
  users: '26a6fce484-79764017-f2ed-6cfc-7403-d75e173e4eae',
  admins: '26a6fce484-de5fe878-f78e-2978-aa24-47c462ddaed1',
  approversProduction: '26a6fce484-6dc0cf0b-9cd7-f78d-f0ca-c5e40c02d4e5',
  approversNonProduction: '26a6fce484-18ca6eaa-c8d8-2f01-b721-0760474f36e8',
  auditors: '26a6fce484-b5359309-cc62-7393-1bdb-2a0df3dbe4d5',
} as const;

export const REQUEST_FIELDS =
  'id status requester { id } approvers { id } decision { by { id } comment } updatedAt';

export const CREATE_REQUEST = `mutation Create($input: CreateRequestInput!) { createRequest(input: $input) { ${REQUEST_FIELDS} } }`;
export const APPROVE = `mutation Approve($input: ApproveRequestInput!) { approveRequest(input: $input) { ${REQUEST_FIELDS} } }`;
export const REJECT = `mutation Reject($input: RejectRequestInput!) { rejectRequest(input: $input) { ${REQUEST_FIELDS} } }`;
export const CANCEL = `mutation Cancel($input: CancelRequestInput!) { cancelRequest(input: $input) { ${REQUEST_FIELDS} } }`;
export const REVOKE = `mutation Revoke($input: RevokeRequestInput!) { revokeRequest(input: $input) { ${REQUEST_FIELDS} } }`;

let counter = 0;

/** A valid createRequest input for the staging account (ticket and justification included). */
export function stagingRequestInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    accountId: STAGING_ACCOUNT,
    permissionSetArn: READ_ONLY,
    durationHours: 2,
    justification: `Investigating incident #${counter}`,
    ticketNo: `INC-${counter}`,
    ...overrides,
  };
}

/** The response's single root field, failing the test with the errors if there is none. */
export function fieldOf<T = Record<string, unknown>>(response: GraphQLResponse, field: string): T {
  const value = response.data?.[field];
  if (value === null || value === undefined) {
    throw new Error(`${field} failed: ${JSON.stringify(response.errors ?? response)}`);
  }
  return value as T;
}

/** The errorType of the response's first error ('ok' when there is none). */
export function outcomeOf(response: GraphQLResponse): string {
  if (response.status === 401) return 'none';
  const error = response.errors?.[0];
  if (!error) return 'ok';
  return error.errorType ?? 'untyped';
}

/** Creates a pending request for the staging account as `persona`; returns its id. */
export async function createRequestAs(cloud: LocalCloud, persona: Persona = 'requester'): Promise<string> {
  const created = await cloud.call(persona, CREATE_REQUEST, { input: stagingRequestInput() });
  return fieldOf<{ id: string }>(created, 'createRequest').id;
}

export type RequestState = 'pending' | 'approved' | 'scheduled' | 'rejected' | 'cancelled' | 'expired';

/**
 * A request of the requester persona in `state`: decisions through the API (the approver
 * persona), scheduling and expiry as the workflow would record them.
 */
export async function requestIn(cloud: LocalCloud, state: RequestState): Promise<string> {
  const id = await createRequestAs(cloud, 'requester');
  const system = makeApplySystemTransition(cloud.backend.backend.ports);
  const decide = async (doc: string, field: string) =>
    fieldOf(await cloud.call('approver', doc, { input: { requestId: id, comment: 'ok' } }), field);
  switch (state) {
    case 'pending':
      break;
    case 'approved':
      await decide(APPROVE, 'approveRequest');
      break;
    case 'scheduled':
      await decide(APPROVE, 'approveRequest');
      await system(id, 'schedule');
      break;
    case 'rejected':
      await decide(REJECT, 'rejectRequest');
      break;
    case 'cancelled':
      fieldOf(await cloud.call('requester', CANCEL, { input: { requestId: id } }), 'cancelRequest');
      break;
    case 'expired':
      await system(id, 'expire');
      break;
  }
  return id;
}

/** The identity AppSync puts in a resolver event for a user-pool token, from its verified claims. */
export async function cognitoIdentityOf(
  cloud: LocalCloud,
  persona: Persona,
): Promise<AppSyncIdentityCognito> {
  const claims = await cloud.backend.auth.verifyToken(await cloud.token(persona));
  const groups = claims['cognito:groups'];
  return {
    sub: String(claims['sub']),
    issuer: String(claims['iss']),
    username: String(claims['username']),
    claims,
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    groups: Array.isArray(groups) ? groups.map(String) : null,
  };
}

/** An AppSync direct-Lambda resolver event. */
export function resolverEvent(
  typeName: 'Query' | 'Mutation' | 'Subscription',
  fieldName: string,
  args: Record<string, unknown>,
  identity: unknown,
) {
  return {
    arguments: args,
    identity,
    source: null,
    request: { headers: {}, domainName: null },
    info: {
      fieldName,
      parentTypeName: typeName,
      variables: {},
      selectionSetList: [],
      selectionSetGraphQL: '',
    },
    prev: null,
    stash: {},
  };
}

/** The identity AppSync gives IAM-signed calls (the backend). */
export const IAM_IDENTITY = {
  accountId: '123456789012',
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  sourceIp: ['127.0.0.1'],
  username: 'AKIALOCAL',
  userArn: 'arn:aws:sts::123456789012:assumed-role/team-router/local',
  cognitoIdentityAuthType: null,
  cognitoIdentityAuthProvider: null,
};

/** Expects the error of a response (type and message). */
export function expectError(response: GraphQLResponse, errorType: string, message?: RegExp): void {
  expect(response.errors?.[0], JSON.stringify(response)).toMatchObject({ errorType });
  if (message) expect(response.errors?.[0]?.message).toMatch(message);
}
