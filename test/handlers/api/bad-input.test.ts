/**
 * Bad input, at volume, as a client sends it: for every mutation, a fast-check property sends
 * 2,500 random argument sets over HTTP to the local AppSync (`local/appsync`: the schema's own
 * checks first, then the real api handler, against DynamoDB Local and the simulators), signed in
 * as one of the demo personas or IAM-signed. Every answer must be a success or errors of a type a
 * client is told about, each with a message: never an InternalError, Lambda:Unhandled or an
 * untyped error; and a call that fails must not have written to any state table. The counts per
 * mutation are printed at the end.
 */
import http from 'node:http';
import fc from 'fast-check';
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableId } from '../../../lambdas/contract/tables';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { composeApi } from '../../../lambdas/handlers/api/compose';
import { buildAppSyncSchema, startAppSync, type RunningAppSync } from '../../../local/appsync';
import { SCHEMA_PATH } from '../../../local/backend';
import { useLocalCloud, type Persona } from '../../support/local-cloud';
import {
  DEV_TOOLS_ACCOUNT,
  GROUPS,
  NONPROD_OU,
  POWER_USER,
  PRODUCTION_ACCOUNT,
  READ_ONLY,
  SANDBOX_OU,
  STAGING_ACCOUNT,
  requestIn,
} from '../fixtures';

const cloud = useLocalCloud();

/** Random argument sets per mutation (23 mutations: about 58,000 calls, four minutes). */
const RUNS_PER_MUTATION = 2500;
const SEED = 20261121;

/**
 * Error types a client may get for bad input: the api's typed errors, and AppSync's own refusal
 * of arguments the schema rejects before any resolver runs. Anything else is a bug.
 */
const EXPECTED_ERRORS = new Set([
  'ValidationError',
  'Unauthorized',
  'NotFound',
  'Conflict',
  'IllegalTransition',
  'NotEligible',
  'NoApprover',
]);
/** AppSync's answer to variables the schema's types refuse. */
const SCHEMA_REFUSAL = new Set(['ValidationError', 'BadRequestException']);

/** The OU cache is a cache: a failed lookup may fill it. Every other table is state. */
const STATE_TABLES: readonly TableId[] = [
  'Requests',
  'RequestApprovers',
  'AuditEvents',
  'Policies',
  'Settings',
  'Grants',
  'SessionLogQueries',
];

const WRITE_COMMAND = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;

function tablesOf(input: Record<string, unknown>): string[] {
  const names: string[] = [];
  if (typeof input.TableName === 'string') names.push(input.TableName);
  if (Array.isArray(input.TransactItems)) {
    for (const item of input.TransactItems as Record<string, { TableName?: string } | undefined>[]) {
      for (const op of Object.values(item)) if (op?.TableName) names.push(op.TableName);
    }
  }
  if (typeof input.RequestItems === 'object' && input.RequestItems !== null)
    names.push(...Object.keys(input.RequestItems));
  return names;
}

/** Writes to a state table that DynamoDB carried out (refused conditional writes do not count). */
let stateWrites = 0;
let stateTableNames: Set<string>;
let appsync: RunningAppSync;
let schema: GraphQLSchema;
/** One keep-alive connection for every call. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let authorization: Record<Persona | 'iam', string>;
let requestIds: string[] = [];

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { errorType?: string | null; message?: string | null; path?: unknown[] | null }[];
}

/** POSTs one GraphQL operation to the local AppSync, as a client would. */
function post(body: string, auth: string): Promise<{ status: number; answer: Answer }> {
  const url = new URL(appsync.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: auth,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              answer: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer,
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The mutation's document with its arguments as variables of their schema types. */
function documentOf(field: string): string {
  const mutation = schema.getMutationType()?.getFields()[field];
  if (!mutation) throw new Error(`no mutation ${field}`);
  const variables = mutation.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = mutation.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isObjectType(getNamedType(mutation.type)) ? ' { __typename }' : '';
  return `mutation Fuzz${variables ? `(${variables})` : ''} { ${field}${args ? `(${args})` : ''}${selection} }`;
}

beforeAll(async () => {
  const backend = cloud.backend;
  const dynamoDb = new DynamoDBClient({});
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as Record<string, unknown>;
      if (
        WRITE_COMMAND.test(context.commandName ?? '') &&
        tablesOf(input).some((t) => stateTableNames.has(t))
      ) {
        stateWrites += 1;
      }
      return result;
    },
    { step: 'initialize', name: 'countStateWrites' },
  );
  stateTableNames = new Set(STATE_TABLES.map((id) => backend.tables[id]));
  const instrumented = composeApi({
    clock: { now: () => new Date(backend.clock.now()) },
    dynamoDb,
  });
  const handler = makeApiHandler({ backend: () => instrumented });
  // The local AppSync over the real api handler, its DynamoDB calls counted.
  appsync = await startAppSync({
    schemaPath: SCHEMA_PATH,
    verifyToken: (jwt) => backend.auth.verifyToken(jwt),
    resolve: (event) => handler(event),
  });
  schema = buildAppSyncSchema(readFileSync(SCHEMA_PATH, 'utf8'));
  const personas: Persona[] = [
    'requester',
    'otherRequester',
    'approver',
    'otherApprover',
    'admin',
    'auditor',
  ];
  authorization = {
    ...(Object.fromEntries(
      await Promise.all(personas.map(async (p) => [p, await cloud.token(p)] as const)),
    ) as Record<Persona, string>),
    // What the router and the session-logs function sign with (not verified locally).
    iam: 'AWS4-HMAC-SHA256 Credential=AKIALOCAL/20260101/us-east-1/appsync/aws4_request, SignedHeaders=host, Signature=0',
  };
  requestIds = [
    await requestIn(cloud, 'pending'),
    await requestIn(cloud, 'pending'),
    await requestIn(cloud, 'pending'),
    await requestIn(cloud, 'scheduled'),
    await requestIn(cloud, 'scheduled'),
    await requestIn(cloud, 'approved'),
    await requestIn(cloud, 'cancelled'),
  ];
});

afterAll(async () => {
  agent.destroy();
  await appsync?.stop();
});

// ------------------------------------------------------------------------------ arbitraries

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    '   ',
    'テスト用の正当な理由',
    'line\nbreak',
    'tab\there',
    'nul\u0000',
    'x'.repeat(2001),
  ),
);
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  text,
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);
/**
 * Mostly plausible values, sometimes junk, sometimes missing. Junk is rare per field: AppSync
 * refuses a value of the wrong type before the resolver runs, and most calls should reach it.
 */
const maybe = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 24, arbitrary: plausible as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const listOf = <T>(item: fc.Arbitrary<T>) => maybe(fc.array(maybe(item), { maxLength: 4 }));

const accountId = fc.constantFrom(
  STAGING_ACCOUNT,
  PRODUCTION_ACCOUNT,
  DEV_TOOLS_ACCOUNT,
  '118573649280',
  '210987654321',
  '000000000000',
  '12345',
);
const permissionSetArn = fc.constantFrom(
  READ_ONLY,
  POWER_USER,
  'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-6a32c3bb81e3c29b',
  'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000000',
  'not-an-arn',
);
const ouId = fc.constantFrom(
  NONPROD_OU,
  SANDBOX_OU,
  'ou-q7k2-8pd4m2ra',
  'r-q7k2',
  'ou-zzzz-00000000',
  'ou-bad',
);
/** Principals without a seeded policy (deleting the seeded ones would starve createRequest). */
const principalId = fc.constantFrom(
  GROUPS.auditors,
  GROUPS.approversProduction,
  GROUPS.approversNonProduction,
  '26a6fce484-aa399dac-946d-c59c-0996-daeee6f529a2',
  '26a6fce484-00000000-0000-0000-0000-000000000000',
  'not-an-id',
);
const groupId = fc.constantFrom(
  GROUPS.approversNonProduction,
  GROUPS.approversProduction,
  GROUPS.users,
  'nope',
);
const isoTime = fc.oneof(
  fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2030-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30T10:00:00Z', 'tomorrow', '2026-13-01T00:00:00Z'),
);
/** Start times around now: most within the allowed window, some just outside it. */
const soon = () =>
  fc
    .integer({ min: -10, max: 60 * 24 * 400 })
    .map((minutes) => new Date(Date.now() + minutes * 60_000).toISOString());
const hours = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -2, max: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(0, 8000, 8001, 2 ** 31 - 1) },
  { weight: 1, arbitrary: fc.double() },
);
const requestId = () => fc.oneof(fc.constantFrom(...requestIds), fc.uuid(), fc.constant(''));
const ticket = fc.oneof(fc.constantFrom('INC-1', 'CHG-9', '-bad', 'x'.repeat(51)), text);

const input = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    // Every key present: a value `maybe` leaves undefined is dropped, as JSON drops it.
    { weight: 19, arbitrary: fc.record({ input: fc.record(fields) }) },
    { weight: 1, arbitrary: junk.map((j) => ({ input: j })) },
  );

function mutations(): Record<string, fc.Arbitrary<unknown>> {
  const commented = input({ requestId: maybe(requestId()), comment: maybe(text) });
  const decidedExtension = input({
    requestId: maybe(requestId()),
    extensionId: maybe(fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double())),
    comment: maybe(text),
  });
  return {
    createRequest: input({
      accountId: maybe(accountId),
      permissionSetArn: maybe(permissionSetArn),
      startTime: maybe(soon()),
      durationHours: maybe(hours),
      justification: maybe(text),
      ticketNo: maybe(ticket),
    }),
    approveRequest: commented,
    rejectRequest: commented,
    revokeRequest: commented,
    cancelRequest: input({ requestId: maybe(requestId()) }),
    createBreakGlassRequest: input({
      accountId: maybe(accountId),
      permissionSetArn: maybe(permissionSetArn),
      durationHours: maybe(hours),
      justification: maybe(text),
      incident: maybe(ticket),
    }),
    extendRequest: input({ requestId: maybe(requestId()), hours: maybe(hours), reason: maybe(text) }),
    approveExtension: decidedExtension,
    rejectExtension: decidedExtension,
    reviewRequest: input({
      requestId: maybe(requestId()),
      state: maybe(fc.constantFrom('ACKNOWLEDGED', 'FLAGGED', 'NEEDED', 'BOGUS')),
      comment: maybe(text),
    }),
    createEligibilityPolicies: input({
      principals: listOf(
        fc.record({ id: maybe(principalId), type: maybe(fc.constantFrom('USER', 'GROUP', 'ROLE')) }),
      ),
      accountIds: listOf(accountId),
      ouIds: listOf(ouId),
      permissionSetArns: listOf(permissionSetArn),
      maxDurationHours: maybe(hours),
      approvalRequired: maybe(fc.boolean()),
      ticketNo: maybe(ticket),
    }),
    updateEligibilityPolicy: input({
      id: maybe(fc.oneof(principalId, fc.constant(GROUPS.users))),
      accountIds: listOf(accountId),
      ouIds: listOf(ouId),
      permissionSetArns: listOf(permissionSetArn),
      maxDurationHours: maybe(hours),
      approvalRequired: maybe(fc.boolean()),
      ticketNo: maybe(ticket),
      expectedUpdatedAt: maybe(isoTime),
    }),
    deleteEligibilityPolicies: input({ ids: listOf(principalId) }),
    createApproverPolicies: input({
      targets: listOf(fc.oneof(fc.constant(DEV_TOOLS_ACCOUNT), accountId, ouId)),
      approverGroupIds: listOf(groupId),
      ticketNo: maybe(ticket),
    }),
    updateApproverPolicy: input({
      id: maybe(fc.oneof(fc.constant(SANDBOX_OU), ouId, accountId)),
      approverGroupIds: listOf(groupId),
      ticketNo: maybe(ticket),
      expectedUpdatedAt: maybe(isoTime),
    }),
    // Seeded approver targets are left alone for the same reason as the seeded eligibility.
    deleteApproverPolicies: input({
      ids: listOf(fc.constantFrom(DEV_TOOLS_ACCOUNT, '000000000000', 'r-q7k2', 'x')),
    }),
    updateSettings: input({
      maxDurationHours: maybe(hours),
      expiryHours: maybe(hours),
      commentsRequired: maybe(fc.boolean()),
      ticketRequired: maybe(fc.boolean()),
      approvalWorkflow: maybe(fc.boolean()),
      sesEnabled: maybe(fc.boolean()),
      sesSourceEmail: maybe(fc.constantFrom('team@example.com', 'bad@', '')),
      sesSourceArn: maybe(
        fc.constantFrom('arn:aws:ses:us-east-1:123456789012:identity/example.com', 'arn:nope'),
      ),
      snsEnabled: maybe(fc.boolean()),
      slackEnabled: maybe(fc.boolean()),
      slackAuditChannel: maybe(fc.constantFrom('#team-audit', 'has space', '')),
      slackToken: maybe(fc.constantFrom('xoxb-1234-abcdefgh', 'xoxp-nope', '')),
      clearSlackToken: maybe(fc.boolean()),
      slackSigningSecret: maybe(
        fc.constantFrom('abcdef0123456789abcdef0123456789', 'short', 'has space here!', ''),
      ),
      clearSlackSigningSecret: maybe(fc.boolean()),
      teamsEnabled: maybe(fc.boolean()),
      teamsWebhookUrl: maybe(
        fc.constantFrom(
          'https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=x',
          'http://example.com/hook',
          'javascript:alert(1)',
          `https://example.com/${'a'.repeat(2100)}`,
          '',
        ),
      ),
      clearTeamsWebhookUrl: maybe(fc.boolean()),
      adminGroupName: maybe(fc.constantFrom('TEAM-Admins', 'No Such Group', '')),
      auditorGroupName: maybe(fc.constantFrom('TEAM-Auditors', '\u0007bell')),
      ouCacheEnabled: maybe(fc.boolean()),
      sensitiveActions: listOf(
        fc.constantFrom('iam.amazonaws.com:CreateUser', 'DeleteBucket', 'bad action!'),
      ),
      expectedVersion: maybe(fc.integer({ min: -1, max: 12 })),
    }),
    // A digest that is never the preview's: every import is refused, after the whole document
    // was read and checked (and a refused import must write nothing).
    importPolicies: input({
      document: maybe(
        fc.oneof(
          text,
          fc.constantFrom(
            'version: 1',
            '{ "version": 1, "approvers": [] }',
            '{ "version": 1, ',
            'version: 2',
            '[]',
            'version: 1\neligibility:\n  - principal: {type: GROUP, name: TEAM-Users}\n    maxDurationHours: 9000\n    approvalRequired: true\n',
            '{"eligibility": {"Items": [{"id": {"S": "x"}}]}, "settings": {"duration": "9"}}',
          ),
        ),
      ),
      format: maybe(fc.constantFrom('TEAM', 'ORIGINAL_TEAM', 'CSV')),
      expectedDigest: maybe(fc.constantFrom('0'.repeat(64), 'f'.repeat(64), 'abc', '')),
    }),
    // Original TEAM request items, mostly one bad field away from importable: a refused import
    // writes nothing (an accepted one writes its requests).
    importRequestHistory: input({
      items: maybe(
        fc.oneof(
          text,
          fc
            .record({
              id: maybe(fc.oneof(fc.uuid(), text)),
              username: maybe(fc.constantFrom('idc_alice@example.com', 'idc_', '')),
              accountId: maybe(accountId),
              roleId: maybe(permissionSetArn),
              startTime: maybe(isoTime),
              duration: maybe(fc.oneof(hours, text)),
              status: maybe(fc.constantFrom('ended', 'revoked', 'pending', 'in progress', 'BOGUS')),
              createdAt: maybe(fc.oneof(isoTime, text)),
            })
            .chain((item) =>
              fc.constantFrom(
                JSON.stringify([item]),
                JSON.stringify({ Items: [item, item] }),
                JSON.stringify(item),
              ),
            ),
        ),
      ),
    }),
    invalidateOuCache: input({ ouIds: listOf(ouId) }),
    startSessionLogQuery: input({ requestId: maybe(requestId()) }),
    publishRequestChange: input({
      channels: listOf(fc.constantFrom('AUDIT', 'someone', '')),
      requestId: maybe(requestId()),
      status: maybe(fc.constantFrom('PENDING', 'IN_PROGRESS', 'in progress', 'BOGUS')),
      updatedAt: maybe(isoTime),
    }),
    publishSessionLogQuery: input({
      requestId: maybe(requestId()),
      status: maybe(fc.constantFrom('QUEUED', 'RUNNING', 'NOPE')),
      progress: maybe(fc.integer({ min: -5, max: 200 })),
      updatedAt: maybe(isoTime),
    }),
  };
}

/** Mostly callers who may call the field (so calls get past authorization), sometimes anyone. */
function callersOf(field: string): fc.Arbitrary<Persona | 'iam'> {
  const anyone = fc.constantFrom<Persona | 'iam'>(
    'requester',
    'otherRequester',
    'approver',
    'admin',
    'auditor',
    'iam',
  );
  const likely: fc.Arbitrary<Persona | 'iam'> = field.startsWith('publish')
    ? fc.constant('iam')
    : /Request$|Extension$|SessionLogQuery$/.test(field)
      ? fc.constantFrom<Persona>('requester', 'approver', 'auditor')
      : fc.constant('admin');
  return fc.oneof({ weight: 4, arbitrary: likely }, { weight: 1, arbitrary: anyone });
}

// ------------------------------------------------------------------------------ the property

interface Tally {
  runs: number;
  ok: number;
  /** Refused by the schema's types before the resolver ran. */
  schema: number;
  errors: Map<string, number>;
}

describe('random arguments to every mutation, over HTTP', () => {
  const tallies = new Map<string, Tally>();

  afterAll(() => {
    const types = [...EXPECTED_ERRORS].filter((t) => [...tallies.values()].some((x) => x.errors.has(t)));
    const head = ['mutation'.padEnd(26), 'runs'.padStart(6), 'ok'.padStart(6), 'schema'.padStart(7)]
      .concat(types.map((t) => t.padStart(Math.max(t.length, 6))))
      .join(' ');
    const rows = [...tallies].map(([field, t]) =>
      [field.padEnd(26), String(t.runs).padStart(6), String(t.ok).padStart(6), String(t.schema).padStart(7)]
        .concat(types.map((ty) => String(t.errors.get(ty) ?? 0).padStart(Math.max(ty.length, 6))))
        .join(' '),
    );
    const total = [...tallies.values()].reduce((n, t) => n + t.runs, 0);
    console.log(
      `Random arguments per mutation (seed ${SEED}, ${total} calls):\n${[head, ...rows].join('\n')}`,
    );
  });

  it(
    `answer each of ${RUNS_PER_MUTATION} argument sets per mutation with success or a typed error, and failures write nothing`,
    { timeout: 900_000 },
    async () => {
      const all = mutations();
      const fields = Object.keys(all);
      expect(fields.sort()).toEqual(
        Object.keys(schema.getMutationType()?.getFields() ?? {})
          .filter((f) => fields.includes(f))
          .sort(),
      );
      for (const [index, field] of fields.entries()) {
        const document = documentOf(field);
        const tally: Tally = { runs: 0, ok: 0, schema: 0, errors: new Map() };
        tallies.set(field, tally);
        await fc.assert(
          fc.asyncProperty(callersOf(field), all[field]!, async (persona, rawArgs) => {
            tally.runs += 1;
            // JSON, as a client sends it (undefined members dropped).
            const body = JSON.stringify({ query: document, variables: rawArgs ?? {} });
            stateWrites = 0;
            const { status, answer } = await post(body, authorization[persona]);
            const errors = answer.errors ?? [];
            if (errors.length === 0) {
              expect(status).toBe(200);
              expect(answer.data?.[field], `${field} answered no data and no error`).toBeDefined();
              tally.ok += 1;
              return;
            }
            // An error without a path is AppSync refusing the variables before any resolver ran.
            const refusedBySchema = errors.every((e) => !Array.isArray(e.path) || e.path.length === 0);
            for (const e of errors) {
              const type = e.errorType ?? null;
              const known = refusedBySchema
                ? type === null || SCHEMA_REFUSAL.has(type)
                : type !== null && EXPECTED_ERRORS.has(type);
              expect(known, `${field} as ${persona}: ${String(type)}: ${e.message ?? ''}`).toBe(true);
              expect((e.message ?? '').trim().length, `${String(type)} without a message`).toBeGreaterThan(0);
            }
            if (refusedBySchema) tally.schema += 1;
            else {
              const type = errors[0]?.errorType ?? '';
              tally.errors.set(type, (tally.errors.get(type) ?? 0) + 1);
            }
            expect(stateWrites, `${field} failed after writing: ${JSON.stringify(errors)}`).toBe(0);
          }),
          { numRuns: RUNS_PER_MUTATION, seed: SEED + index, endOnFailure: true },
        );
        expect(tally.runs).toBe(RUNS_PER_MUTATION);
      }

      // The mix reached both outcomes and the api's typed refusals.
      const sum = (pick: (t: Tally) => number) => [...tallies.values()].reduce((n, t) => n + pick(t), 0);
      expect(sum((t) => t.ok)).toBeGreaterThan(0);
      for (const type of ['ValidationError', 'Unauthorized', 'NotFound', 'IllegalTransition', 'Conflict']) {
        expect(
          sum((t) => t.errors.get(type) ?? 0),
          type,
        ).toBeGreaterThan(0);
      }
    },
  );
});
