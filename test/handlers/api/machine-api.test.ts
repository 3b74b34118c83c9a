/**
 * The machine API end to end, over HTTP through the local cloud: a token from the sign-in
 * stand-in's token endpoint (client-credentials grant, HTTP Basic), the local AppSync verifying
 * it, and the real api handler deciding from its scopes.
 *
 * AppSync checks `cognito_groups` on a field against the token's `cognito:groups`, which a
 * client-credentials token never has; so the fields a machine may reach carry no group
 * restriction and the api decides alone (docs/machine-api.md). `MACHINE_REACHABLE` lists them.
 */
import { parse, visit } from 'graphql';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAppSync } from '../../../local/appsync';
import { useLocalCloud, type GraphQLResponse } from '../../support/local-cloud';
import {
  APPROVE,
  CREATE_REQUEST,
  SCHEMA_SDL,
  createRequestAs,
  fieldOf,
  stagingRequestInput,
} from '../fixtures';

/** Root fields a machine client may call whose schema directive restricts them to a group. */
const MACHINE_REACHABLE: Readonly<Record<'Query' | 'Mutation', readonly string[]>> = {
  Query: [
    'auditRequests',
    'auditSessions',
    'eligibilityPolicies',
    'approverPolicies',
    'accounts',
    'ouTree',
    'users',
    'groups',
    'permissionSets',
    'exportPolicies',
    'previewPolicyImport',
  ],
  Mutation: [
    'createEligibilityPolicies',
    'updateEligibilityPolicy',
    'deleteEligibilityPolicies',
    'createApproverPolicies',
    'updateApproverPolicy',
    'deleteApproverPolicies',
    'updateSettings',
    'importPolicies',
  ],
};

const cloud = useLocalCloud({ sessionLogProvider: 'none' });

/** A client-credentials token of the demo machine client, for `scope` (all its scopes if omitted). */
async function machineToken(scope?: string): Promise<string> {
  const { machineClient, auth } = cloud.backend;
  const basic = Buffer.from(`${machineClient.clientId}:${machineClient.clientSecret}`).toString('base64');
  const response = await fetch(auth.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }).toString(),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; token_type: string };
  expect(body.token_type).toBe('Bearer');
  return body.access_token;
}

/** Runs a GraphQL operation with `token` as the Authorization header, like curl would. */
async function call(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse> {
  const response = await fetch(cloud.backend.urls.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

const refusal = (response: GraphQLResponse) => ({
  status: response.status,
  errorType: response.errors?.[0]?.errorType,
  message: response.errors?.[0]?.message,
});

const MACHINE_NEVER = /^Machine clients may not do this/;
const SETTINGS_FIELDS =
  'maxDurationHours expiryHours commentsRequired ticketRequired approvalWorkflow sesEnabled snsEnabled slackEnabled ouCacheEnabled sensitiveActions version updatedBy';
type SettingsRead = Record<string, unknown> & { version: number };

let reader = '';
let pendingId = '';

beforeAll(async () => {
  reader = await machineToken('team/policies.read');
  pendingId = await createRequestAs(cloud, 'requester');
});

describe('a policies.read token', () => {
  it('is a client-credentials token for the demo machine client with only that scope', () => {
    expect(decodeJwt(reader)).toMatchObject({
      sub: cloud.backend.machineClient.clientId,
      client_id: cloud.backend.machineClient.clientId,
      token_use: 'access',
      scope: 'team/policies.read',
    });
  });

  it('lists eligibility and approver policies, the settings and the pickers', async () => {
    const policies = fieldOf<{ items: { id: string }[] }>(
      await call(reader, '{ eligibilityPolicies { items { id } nextToken } }'),
      'eligibilityPolicies',
    );
    expect(policies.items.length).toBeGreaterThan(0);
    for (const field of ['approverPolicies', 'accounts', 'users', 'groups', 'ouTree']) {
      const page = fieldOf<{ items: unknown[] }>(await call(reader, `{ ${field} { items { id } } }`), field);
      expect(page.items.length, field).toBeGreaterThan(0);
    }
    expect(fieldOf(await call(reader, '{ settings { version } }'), 'settings')).toHaveProperty('version');
  });

  it('cannot create or approve a request', async () => {
    const created = await call(reader, CREATE_REQUEST, { input: stagingRequestInput() });
    expect(refusal(created)).toMatchObject({
      status: 200,
      errorType: 'Unauthorized',
      message: MACHINE_NEVER,
    });
    expect(created.data?.createRequest ?? null).toBeNull();
    const approved = await call(reader, APPROVE, { input: { requestId: pendingId, comment: 'automated' } });
    expect(refusal(approved)).toMatchObject({ errorType: 'Unauthorized', message: MACHINE_NEVER });
    expect((await cloud.backend.backend.ports.requests.get(pendingId))?.status).toBe('pending');
  });

  it('cannot write policies or settings: that needs policies.write', async () => {
    const create = await call(
      reader,
      'mutation($input: CreateEligibilityPoliciesInput!) { createEligibilityPolicies(input: $input) { id } }',
      {
        input: {
          principals: [{ id: '26a6fce484-b5359309-cc62-7393-1bdb-2a0df3dbe4d5', type: 'GROUP' }],
          accountIds: ['118573649280'],
          ouIds: [],
          permissionSetArns: [],
          maxDurationHours: 1,
          approvalRequired: true,
        },
      },
    );
    expect(refusal(create)).toEqual({
      status: 200,
      errorType: 'Unauthorized',
      message: 'This needs a token with the team/policies.write scope.',
    });
    const settings = fieldOf<SettingsRead>(
      await call(reader, `{ settings { ${SETTINGS_FIELDS} } }`),
      'settings',
    );
    const update = await call(
      reader,
      'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { version } }',
      { input: settingsInput(settings) },
    );
    expect(refusal(update)).toMatchObject({ errorType: 'Unauthorized', message: /team\/policies\.write/ });
  });

  it('reads nothing of the audit trail and has no TEAM user', async () => {
    expect(refusal(await call(reader, '{ auditRequests { items { id } } }'))).toMatchObject({
      errorType: 'Unauthorized',
      message: 'This needs a token with the team/audit.read scope.',
    });
    expect(refusal(await call(reader, '{ me { userId } }'))).toMatchObject({ errorType: 'Unauthorized' });
    expect(refusal(await call(reader, '{ myRequests { items { id } } }'))).toMatchObject({
      errorType: 'Unauthorized',
      message: MACHINE_NEVER,
    });
  });
});

describe('other scopes', () => {
  it('policies.read with policies.write saves settings, as the client’s name', async () => {
    const editor = await machineToken('team/policies.read team/policies.write');
    const before = fieldOf<SettingsRead>(
      await call(editor, `{ settings { ${SETTINGS_FIELDS} } }`),
      'settings',
    );
    const saved = fieldOf<{ version: number; updatedBy: string }>(
      await call(
        editor,
        'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { version updatedBy } }',
        {
          input: settingsInput(before),
        },
      ),
      'updateSettings',
    );
    expect(saved).toEqual({ version: before.version + 1, updatedBy: 'machine' });
  });

  it('policies.read exports a document and previews an import; importing needs policies.write', async () => {
    const exported = fieldOf<string>(await call(reader, '{ exportPolicies }'), 'exportPolicies');
    const doc = JSON.parse(exported) as { settings: { expiryHours: number } };
    doc.settings.expiryHours = doc.settings.expiryHours === 4 ? 5 : 4;
    const document = JSON.stringify(doc, null, 2);
    const preview = fieldOf<{ digest: string; settings: { field: string }[] }>(
      await call(
        reader,
        'query($input: PreviewPolicyImportInput!) { previewPolicyImport(input: $input) { digest settings { field before after } } }',
        { input: { document } },
      ),
      'previewPolicyImport',
    );
    expect(preview.settings.map((change) => change.field)).toEqual(['expiryHours']);

    const IMPORT =
      'mutation($input: ImportPoliciesInput!) { importPolicies(input: $input) { settingsChanged } }';
    const input = { document, expectedDigest: preview.digest };
    expect(refusal(await call(reader, IMPORT, { input }))).toMatchObject({
      errorType: 'Unauthorized',
      message: 'This needs a token with the team/policies.write scope.',
    });
    const writer = await machineToken('team/policies.write');
    expect(fieldOf(await call(writer, IMPORT, { input }), 'importPolicies')).toEqual({
      settingsChanged: true,
    });
    const settings = fieldOf<SettingsRead>(
      await call(reader, `{ settings { ${SETTINGS_FIELDS} } }`),
      'settings',
    );
    expect(settings).toMatchObject({ expiryHours: doc.settings.expiryHours, updatedBy: 'machine' });
  });

  it('audit.read reads every request and its history, and still decides nothing', async () => {
    const auditor = await machineToken('team/audit.read');
    const ids = fieldOf<{ items: { id: string }[] }>(
      await call(auditor, '{ auditRequests(limit: 100) { items { id } } }'),
      'auditRequests',
    ).items.map((r) => r.id);
    expect(ids).toContain(pendingId);
    expect(
      fieldOf(
        await call(auditor, 'query($id: ID!) { getRequest(id: $id) { id status } }', { id: pendingId }),
        'getRequest',
      ),
    ).toEqual({ id: pendingId, status: 'PENDING' });
    const events = fieldOf<{ items: { action: string }[] }>(
      await call(auditor, 'query($id: ID!) { requestEvents(requestId: $id) { items { action } } }', {
        id: pendingId,
      }),
      'requestEvents',
    );
    expect(events.items.map((e) => e.action)).toContain('CREATED');
    expect(refusal(await call(auditor, '{ eligibilityPolicies { items { id } } }'))).toMatchObject({
      errorType: 'Unauthorized',
    });
  });

  it('every scope together never approves, rejects, cancels or revokes', async () => {
    const everything = await machineToken();
    expect(decodeJwt(everything).scope).toBe(cloud.backend.machineClient.scopes.join(' '));
    for (const [field, verb] of [
      ['approveRequest', 'Approve'],
      ['rejectRequest', 'Reject'],
      ['cancelRequest', 'Cancel'],
      ['revokeRequest', 'Revoke'],
    ] as const) {
      const response = await call(
        everything,
        `mutation($input: ${verb}RequestInput!) { ${field}(input: $input) { id status } }`,
        { input: { requestId: pendingId, ...(field === 'cancelRequest' ? {} : { comment: 'automated' }) } },
      );
      expect(refusal(response), field).toMatchObject({ errorType: 'Unauthorized', message: MACHINE_NEVER });
    }
    expect((await cloud.backend.backend.ports.requests.get(pendingId))?.status).toBe('pending');
  });

  it('audit.read lists and reads session summaries; no scope marks a session reviewed', async () => {
    const auditor = await machineToken('team/audit.read');
    const page = fieldOf<{ items: unknown[] }>(
      await call(auditor, '{ sessionsToReview(state: REVIEWED) { items { requestId } nextToken } }'),
      'sessionsToReview',
    );
    expect(page.items).toEqual([]);
    const none = await call(auditor, 'query($r: ID!) { sessionSummary(requestId: $r) { requestId } }', {
      r: pendingId,
    });
    expect(none.errors).toBeUndefined();
    const everything = await machineToken();
    const marked = await call(
      everything,
      'mutation($input: MarkSessionReviewedInput!) { markSessionReviewed(input: $input) { reviewState } }',
      { input: { requestId: pendingId, comment: 'automated' } },
    );
    expect(refusal(marked)).toMatchObject({ errorType: 'Unauthorized', message: MACHINE_NEVER });
  });

  it('a token that is not the pool’s is refused before any resolver runs', async () => {
    const [header, , signature] = reader.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...decodeJwt(reader), scope: 'team/policies.write' }),
    ).toString('base64url');
    const response = await call(`${header}.${forged}.${signature}`, '{ settings { version } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });
});

describe('the identity the local AppSync hands the resolver', () => {
  it('is AppSync’s user-pool identity: the client as subject, no user name, no groups', async () => {
    const seen: unknown[] = [];
    const appsync = await startAppSync({
      schemaSdl: 'type Query { whoAmI: String @aws_cognito_user_pools }',
      verifyToken: (jwt) => cloud.backend.auth.verifyToken(jwt),
      resolve: (event) => {
        seen.push(event.identity);
        return 'ok';
      },
    });
    try {
      const response = await fetch(appsync.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: reader },
        body: JSON.stringify({ query: '{ whoAmI }' }),
      });
      expect(response.status).toBe(200);
    } finally {
      await appsync.stop();
    }
    const { machineClient } = cloud.backend;
    expect(seen).toEqual([
      {
        sub: machineClient.clientId,
        issuer: cloud.backend.auth.issuer,
        username: '',
        claims: decodeJwt(reader),
        sourceIp: ['127.0.0.1'],
        defaultAuthStrategy: 'ALLOW',
        groups: null,
      },
    ]);
  });

  it('no machine-reachable field is kept to a group in AppSync; the people-only ones are', () => {
    const restricted = (sdl: string) => {
      const out: string[] = [];
      let type = '';
      visit(parse(sdl), {
        ObjectTypeDefinition: { enter: (node) => void (type = node.name.value) },
        FieldDefinition(node) {
          const groups = node.directives?.some(
            (d) =>
              d.name.value === 'aws_cognito_user_pools' &&
              d.arguments?.some((a) => a.name.value === 'cognito_groups'),
          );
          if (groups && (type === 'Query' || type === 'Mutation')) out.push(`${type}.${node.name.value}`);
        },
      });
      return out;
    };
    const served = restricted(SCHEMA_SDL);
    const reachable = Object.entries(MACHINE_REACHABLE).flatMap(([type, fields]) =>
      fields.map((field) => `${type}.${field}`),
    );
    expect(served.filter((field) => reachable.includes(field))).toEqual([]);
    // What stays for people only, e.g. the admin's cache refresh and reconciler run.
    expect(served).toEqual(expect.arrayContaining(['Mutation.invalidateOuCache', 'Mutation.reconcileNow']));
  });
});

/** The settings as they are, as an UpdateSettingsInput (saving changes nothing but the version). */
function settingsInput(s: SettingsRead): Record<string, unknown> {
  return {
    maxDurationHours: s['maxDurationHours'],
    expiryHours: s['expiryHours'],
    commentsRequired: s['commentsRequired'],
    ticketRequired: s['ticketRequired'],
    approvalWorkflow: s['approvalWorkflow'],
    sesEnabled: s['sesEnabled'],
    snsEnabled: s['snsEnabled'],
    slackEnabled: s['slackEnabled'],
    ouCacheEnabled: s['ouCacheEnabled'],
    sensitiveActions: s['sensitiveActions'],
    expectedVersion: s.version,
  };
}
