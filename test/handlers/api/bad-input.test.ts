/**
 * Bad input, at volume: a fast-check property sends 5,000 random argument sets, spread over
 * every mutation, to the api handler (called directly with AppSync-shaped events, against
 * DynamoDB Local and the simulators). Every answer must be a success or a typed error with a
 * message: never an InternalError or an untyped exception, and a call that fails must leave
 * the tables as they were.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableId } from '../../../lambdas/contract/tables';
import { makeApiHandler, type ApiHandler } from '../../../lambdas/handlers/api';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { composeApi } from '../../../lambdas/handlers/api/compose';
import { useLocalCloud, type Persona } from '../../support/local-cloud';
import {
  DEV_TOOLS_ACCOUNT,
  GROUPS,
  IAM_IDENTITY,
  NONPROD_OU,
  POWER_USER,
  PRODUCTION_ACCOUNT,
  READ_ONLY,
  SANDBOX_OU,
  STAGING_ACCOUNT,
  cognitoIdentityOf,
  requestIn,
  resolverEvent,
} from '../fixtures';

const cloud = useLocalCloud();

/** Error types a client may get for bad input; anything else (InternalError…) is a bug. */
const EXPECTED_ERRORS = new Set([
  'ValidationError',
  'Unauthorized',
  'NotFound',
  'Conflict',
  'IllegalTransition',
  'NotEligible',
  'NoApprover',
]);

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

let handler: ApiHandler;
let stateWrites = 0;
let stateTableNames: Set<string>;
let scanner: DynamoDBClient;
let identities: Record<Persona | 'iam', unknown>;
let requestIds: string[] = [];

/** Every item of the state tables, in a canonical order. */
async function snapshot(): Promise<string> {
  const tables = cloud.backend.tables;
  const out: string[] = [];
  for (const id of STATE_TABLES) {
    let start: Record<string, AttributeValue> | undefined;
    const items: string[] = [];
    do {
      const page = await scanner.send(
        new ScanCommand({ TableName: tables[id], ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
      start = page.LastEvaluatedKey;
    } while (start);
    out.push(`${id}:${items.sort().join('\n')}`);
  }
  return out.join('\n\n');
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
  scanner = backend.dynamo.client;
  const instrumented = composeApi({
    clock: { now: () => new Date(backend.clock.now()) },
    dynamoDb,
  });
  handler = makeApiHandler({ backend: () => instrumented });
  identities = {
    requester: await cognitoIdentityOf(cloud, 'requester'),
    otherRequester: await cognitoIdentityOf(cloud, 'otherRequester'),
    approver: await cognitoIdentityOf(cloud, 'approver'),
    otherApprover: await cognitoIdentityOf(cloud, 'otherApprover'),
    admin: await cognitoIdentityOf(cloud, 'admin'),
    auditor: await cognitoIdentityOf(cloud, 'auditor'),
    iam: IAM_IDENTITY,
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
/** Mostly plausible values, sometimes junk, sometimes missing. */
const maybe = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: plausible as fc.Arbitrary<unknown> },
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
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom(0, 8000, 8001, 2 ** 31 - 1),
  fc.double(),
);
const requestId = () => fc.oneof(fc.constantFrom(...requestIds), fc.uuid(), fc.constant(''));
const ticket = fc.oneof(fc.constantFrom('INC-1', 'CHG-9', '-bad', 'x'.repeat(51)), text);

type Call = { persona: Persona | 'iam'; field: string; args: unknown };

const input = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.record({ input: fc.record(fields, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: junk.map((j) => ({ input: j })) },
  );

function mutations(): Record<string, fc.Arbitrary<unknown>> {
  const commented = input({ requestId: maybe(requestId()), comment: maybe(text) });
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
      adminGroupName: maybe(fc.constantFrom('TEAM-Admins', 'No Such Group', '')),
      auditorGroupName: maybe(fc.constantFrom('TEAM-Auditors', '\u0007bell')),
      ouCacheEnabled: maybe(fc.boolean()),
      sensitiveActions: listOf(
        fc.constantFrom('iam.amazonaws.com:CreateUser', 'DeleteBucket', 'bad action!'),
      ),
      expectedVersion: maybe(fc.integer({ min: -1, max: 12 })),
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
    : /Request$|SessionLogQuery$/.test(field)
      ? fc.constantFrom<Persona>('requester', 'approver', 'auditor')
      : fc.constant('admin');
  return fc.oneof({ weight: 4, arbitrary: likely }, { weight: 1, arbitrary: anyone });
}

function calls(): fc.Arbitrary<Call> {
  return fc.oneof(
    ...Object.entries(mutations()).map(([field, args]) =>
      fc.record({ persona: callersOf(field), field: fc.constant(field), args }),
    ),
  );
}

// ------------------------------------------------------------------------------ the property

describe('random arguments to every mutation', () => {
  it('answer with success or a typed error, and failures write nothing', { timeout: 240_000 }, async () => {
    let before = await snapshot();
    const seen = { ok: 0, errors: new Map<string, number>() };
    const fields = new Set<string>();

    await fc.assert(
      fc.asyncProperty(calls(), async (call) => {
        fields.add(call.field);
        // What AppSync hands the function: JSON (undefined members dropped).
        const args = JSON.parse(JSON.stringify(call.args ?? {})) as Record<string, unknown>;
        const event = resolverEvent('Mutation', call.field, args, identities[call.persona]);
        stateWrites = 0;
        let failed = false;
        try {
          await handler(event);
          seen.ok += 1;
        } catch (error) {
          failed = true;
          if (!(error instanceof ApiError)) throw new Error(`Untyped failure: ${String(error)}`);
          expect(EXPECTED_ERRORS.has(error.errorType), `${error.errorType}: ${error.message}`).toBe(true);
          expect(error.name).toBe(error.errorType);
          expect(error.message.trim().length).toBeGreaterThan(0);
          seen.errors.set(error.errorType, (seen.errors.get(error.errorType) ?? 0) + 1);
        }
        if (stateWrites > 0) {
          const after = await snapshot();
          if (failed) expect(after, `${call.field} failed after writing`).toBe(before);
          before = after;
        }
      }),
      { numRuns: 5000, seed: 20261121, endOnFailure: true },
    );

    // The mix reached every mutation and both outcomes.
    expect([...fields].sort()).toEqual(Object.keys(mutations()).sort());
    expect(seen.ok).toBeGreaterThan(0);
    for (const type of ['ValidationError', 'Unauthorized', 'NotFound', 'IllegalTransition', 'Conflict']) {
      expect(seen.errors.get(type) ?? 0, type).toBeGreaterThan(0);
    }
  });
});
