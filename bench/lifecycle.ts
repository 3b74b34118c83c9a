/**
 * Lifecycle cost per request and path: state transitions, executions, Lambda invocations,
 * Identity Center / Identity Store / Organizations calls (assignment status polling included),
 * DynamoDB capacity, AppSync publishes and notifications, from the request's creation (the real
 * api use case, eligibility included) to its final status, beside the original TEAM's figures.
 * Besides the original's paths: a quorum of two, two stages, an extension while in progress and
 * break-glass access with its review (docs/approvals.md), which the original does not have.
 *
 * Everything runs for real on one machine (test/workflows/harness.ts): the synthesized lifecycle
 * state machine in the local runner on a ManualClock, the real workflow-tasks handler, router and
 * api use cases, DynamoDB Local and the Identity Center simulator with the production poll
 * delays. Requests run one after the other so every call is attributed to one request.
 *
 *   npx tsx bench/run.ts lifecycle     (prints the tables, bill included; writes bench/results.json)
 *   npx tsx bench/lifecycle.ts         (the same)
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLL_DELAYS_MS, realSleep } from '../lambdas/core/access/poll';
import { timed } from '../local/backend';
import { approverPolicyFrom, eligibilityPolicyFrom } from '../lambdas/core/policies/stored-policies';
import type { RealtimePublisher } from '../lambdas/core/ports';
import type { CallerIdentity } from '../lambdas/core/types';
import {
  HOUR,
  MINUTE,
  startHarness,
  TASKS_FUNCTION,
  type Harness,
  type Person,
} from '../test/workflows/harness';
import { ORIGINAL_PATHS } from './lib/baseline';
import { DynamoRecorder } from './lib/dynamo';
import { billedMs, MEMORY_MB } from './lib/prices';
import {
  isOriginalPath,
  type Cell,
  type Figure,
  type FigureGroup,
  type LifecycleExtraPath,
  type LifecyclePath,
  type LifecyclePathCounts,
  type RunOptions,
  type Section,
  type Table,
} from './lib/section';

const TOKEN_WAIT = 'arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken';
/** A real Step Functions task token is several hundred characters; the local one is shorter. */
const REAL_TOKEN_LENGTH = 700;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** What a scenario can do: the api's use cases as the people would call them, and time. */
interface Actions {
  create(by: Person, input: Record<string, unknown>): Promise<string>;
  approve(id: string, by: Person): Promise<void>;
  reject(id: string, by: Person): Promise<void>;
  cancel(id: string, by: Person): Promise<void>;
  revoke(id: string, by: Person): Promise<void>;
  /** Asks for more hours (the requester, or an approver). */
  extend(id: string, by: Person, hours: number): Promise<void>;
  approveExtension(id: string, by: Person): Promise<void>;
  /** Takes break-glass access; returns the request id. */
  breakGlass(by: Person, input: Record<string, unknown>): Promise<string>;
  /** Reviews break-glass access after the fact (acknowledged). */
  review(id: string, by: Person): Promise<void>;
  advance(ms: number): Promise<void>;
  failNextAssignments(n: number, reason: string): void;
}

type PathId = LifecyclePath | LifecycleExtraPath | 'revoke-failure';

interface Scenario {
  path: PathId;
  /** Drives one request through the path; returns its id. */
  drive(a: Actions, people: People): Promise<string>;
}

interface People {
  alice: Person;
  carol: Person;
  hiroshi: Person;
  /** Requester of the extended and break-glass paths (a policy of his own, see `pinPolicies`). */
  dan: Person;
  /** The second approver of the quorum. */
  ivan: Person;
  /** The second stage of the two-stage path. */
  frank: Person;
}

/** ReadOnlyAccess in Payments Staging (NonProduction: approval by TEAM-Approvers-NonProduction). */
const STAGING = {
  accountId: '745240316957',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-82575ec87a171ac8',
};
/** PowerUserAccess in Sandbox Team A: Hiroshi's own policy needs no approval. */
const SANDBOX = {
  accountId: '118573649280',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-62179273c8eb5bb6',
};
const FORM = { durationHours: 1, justification: 'Benchmark run', ticketNo: 'BENCH-1' };
const READ_ONLY = STAGING.permissionSetArn;
/** ReadOnlyAccess in Customer Portal Staging: its account policy asks two approvals. */
const PORTAL = { accountId: '836351427068', permissionSetArn: READ_ONLY };
/** ReadOnlyAccess in Sandbox Team B: its account policy adds a second stage (security). */
const SANDBOX_B = { accountId: '229684750391', permissionSetArn: READ_ONLY };
const NON_PRODUCTION_APPROVERS = 'TEAM-Approvers-NonProduction';

/**
 * The approver and eligibility policies the paths are measured under, whatever the demo
 * organization seeds: Payments Staging has no account policy (its OU's decides: one approval
 * from TEAM-Approvers-NonProduction, as path (a) of the baseline); Customer Portal Staging needs
 * two approvals from that group; Sandbox Team B needs one from it, then one from Frank
 * (security); Dan may take break-glass access to Payments Staging and extend his access there to
 * 4 hours in all. Only the new paths' requests read the policies written here.
 */
async function pinPolicies(h: Harness, people: People): Promise<void> {
  const { policies } = h.backend.ports;
  const stamp = { updatedAt: new Date(h.clock.now()).toISOString(), updatedBy: 'bench' };
  const group = h.org.groups.find((g) => g.displayName === NON_PRODUCTION_APPROVERS);
  if (!group) throw new Error(`the demo organization has no ${NON_PRODUCTION_APPROVERS}`);
  const approvers = [{ id: group.id, name: group.displayName }];
  if (await policies.getApproverPolicy(STAGING.accountId))
    await policies.deleteApproverPolicy(STAGING.accountId);
  const put = async (policy: Parameters<typeof policies.putApproverPolicy>[0]) =>
    policies.putApproverPolicy(policy, (await policies.getApproverPolicy(policy.id))?.updatedAt);
  await put(
    approverPolicyFrom({
      id: PORTAL.accountId,
      targetType: 'ACCOUNT',
      targetName: 'Customer Portal Staging',
      approverGroups: approvers,
      approvalsRequired: 2,
      ...stamp,
    }),
  );
  await put(
    approverPolicyFrom({
      id: SANDBOX_B.accountId,
      targetType: 'ACCOUNT',
      targetName: 'Sandbox Team B',
      approverGroups: approvers,
      nextStages: [
        {
          name: 'security',
          approverGroups: [],
          approverUsers: [{ id: people.frank.id, name: people.frank.userName }],
          approvalsRequired: 1,
        },
      ],
      ...stamp,
    }),
  );
  const dan = people.dan;
  const id = `${dan.id}#bench`;
  await policies.putEligibility(
    eligibilityPolicyFrom({
      id,
      principalId: dan.id,
      principalType: 'USER',
      principalName: dan.userName,
      name: 'bench',
      accounts: [{ id: STAGING.accountId, name: 'Payments Staging' }],
      permissionSets: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }],
      maxDurationHours: 2,
      maxTotalHours: 4,
      approvalRequired: true,
      breakGlass: true,
      breakGlassMaxHours: 1,
      ...stamp,
    }),
    (await policies.getEligibility(id))?.updatedAt,
  );
}

const SCENARIOS: Scenario[] = [
  {
    path: 'approved-ended',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...STAGING, ...FORM });
      await a.approve(id, p.carol);
      await a.advance(HOUR);
      return id;
    },
  },
  {
    path: 'no-approval',
    async drive(a, p) {
      const id = await a.create(p.hiroshi, { ...SANDBOX, ...FORM });
      await a.advance(HOUR);
      return id;
    },
  },
  {
    path: 'rejected',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...STAGING, ...FORM });
      await a.reject(id, p.carol);
      return id;
    },
  },
  {
    path: 'cancelled',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...STAGING, ...FORM });
      await a.cancel(id, p.alice);
      return id;
    },
  },
  {
    path: 'expired',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...STAGING, ...FORM });
      await a.advance(3 * HOUR);
      return id;
    },
  },
  {
    path: 'revoked-early',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...STAGING, ...FORM, durationHours: 4 });
      await a.approve(id, p.carol);
      await a.advance(HOUR);
      await a.revoke(id, p.alice);
      return id;
    },
  },
  {
    path: 'grant-failure',
    async drive(a, p) {
      a.failNextAssignments(1, 'Injected: the permission set could not be provisioned');
      return a.create(p.hiroshi, { ...SANDBOX, ...FORM });
    },
  },
  {
    path: 'revoke-failure',
    async drive(a, p) {
      const id = await a.create(p.hiroshi, { ...SANDBOX, ...FORM });
      a.failNextAssignments(1, 'Injected: the assignment could not be deleted');
      await a.advance(HOUR);
      return id;
    },
  },
  {
    path: 'quorum-2',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...PORTAL, ...FORM });
      await a.approve(id, p.carol);
      await a.approve(id, p.ivan);
      await a.advance(HOUR);
      return id;
    },
  },
  {
    path: 'two-stage',
    async drive(a, p) {
      const id = await a.create(p.alice, { ...SANDBOX_B, ...FORM });
      await a.approve(id, p.carol);
      await a.approve(id, p.frank);
      await a.advance(HOUR);
      return id;
    },
  },
  {
    path: 'extended',
    async drive(a, p) {
      const id = await a.create(p.dan, { ...STAGING, ...FORM });
      await a.approve(id, p.carol);
      await a.advance(30 * MINUTE);
      await a.extend(id, p.dan, 1);
      await a.approveExtension(id, p.carol);
      await a.advance(90 * MINUTE);
      return id;
    },
  },
  {
    path: 'break-glass',
    async drive(a, p) {
      const id = await a.breakGlass(p.dan, {
        ...STAGING,
        durationHours: 1,
        justification: 'Benchmark incident',
        incident: 'BENCH-INC-1',
      });
      await a.advance(HOUR);
      await a.review(id, p.carol);
      return id;
    },
  },
];

/** What each path does, for the tables' notes and docs/performance.md. */
const EXTRA_PATH_NOTES: Record<LifecycleExtraPath, string> = {
  'quorum-2':
    'quorum-2: an account policy asks two approvals; the first is recorded (the workflow keeps waiting), the second approves, then scheduled → in progress → ended.',
  'two-stage':
    'two-stage: a team lead approves (the step is resumed to tell the second stage), then security approves, then access runs to its end.',
  extended:
    'extended: approved, half an hour in the requester asks one more hour and an approver approves it (each resumes the wait for the end), access ends at the new end.',
  'break-glass':
    'break-glass: taken at once without approval (alert to the approvers and the audit channels), ended after its hour, then the execution waits for the review; an approver reviews it before the daily reminder.',
};

interface Sample extends Omit<LifecyclePathCounts, 'path' | 'requests'> {
  apiInvocations: number;
  lambdaBilledMs: number;
  apiBilledMs: number;
  creationIdcCalls: number;
  routerInvocations: number;
  tasksInvocations: number;
  tokenWrites: number;
}

const callerOf = (p: Person): CallerIdentity => ({
  userId: p.id,
  userName: p.userName,
  email: p.email,
  displayName: p.displayName,
  groupIds: [],
  isAdmin: false,
  isAuditor: false,
});

/**
 * Realtime publishing: AppSync operations (one `publishRequestChange` per change, whatever the
 * number of channels) and messages (one per channel it names, as if each had one subscriber).
 */
interface Publishes {
  /** Publishes seen by the counting ports (the router's and the workflow steps'). */
  seen: number;
  messages: number;
}

const PUBLISH_FIELD = 'Mutation.publishRequestChange';

/** One function invocation seen during a sample: its wall-clock and process CPU time (ms). */
interface Invocation {
  fn: string;
  wall: number;
  cpu: number;
}

/** `publishRequestChange` operations the local AppSync has run, whoever sent them. */
const appsyncPublishes = (h: Harness): number => h.local.appsync.stats.byField[PUBLISH_FIELD] ?? 0;

/**
 * Counts every request-change publish: the router publishes through its composition's port, the
 * workflow steps through theirs, which took the same publisher when the harness started. Both
 * get the counting wrapper.
 */
function countPublishes(h: Harness, publishes: Publishes): void {
  const wrap = (realtime: RealtimePublisher): RealtimePublisher => ({
    publishRequestChange: (event) => {
      publishes.seen += 1;
      publishes.messages += event.channels.length;
      return realtime.publishRequestChange(event);
    },
  });
  if (h.router.realtime) h.router.realtime = wrap(h.router.realtime);
  if (h.ports.realtime) h.ports.realtime = wrap(h.ports.realtime);
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((n, v) => n + v, 0);
}

/** Runs one request through `scenario` and counts everything it caused. */
async function measure(
  h: Harness,
  recorder: DynamoRecorder,
  scenario: Scenario,
  people: People,
  publishes: Publishes,
  invocations: Invocation[],
): Promise<Sample> {
  const sim = h.local.simulators;
  const { usecases } = h.backend;
  await h.settle();
  sim.resetCalls();
  recorder.reset();
  publishes.seen = 0;
  publishes.messages = 0;
  const publishesBefore = appsyncPublishes(h);
  const routerBefore = h.local.poller.stats().invocations;
  const mailBefore = h.local.outbox.outbox.list({ channel: 'email' }).length;
  let api = 0;
  /** Identity Center, Identity Store and Organizations calls of the api's createRequest (eligibility, approvers). */
  let atCreation = 0;
  // Each people's call is one api Lambda invocation; the caller's groups come from the directory.
  const caller = async (p: Person): Promise<CallerIdentity> => ({
    ...callerOf(p),
    groupIds: await h.backend.ports.directory.groupIdsOfUser(p.id),
  });
  const callers = new Map<string, CallerIdentity>();
  for (const p of Object.values(people)) callers.set(p.id, await caller(p));
  sim.resetCalls(); // the group lookups above stand for the token's claims, not for the lifecycle
  invocations.length = 0;
  const as = (p: Person) => callers.get(p.id) ?? callerOf(p);
  /** One api invocation: the use case timed as the api function would be billed for it. */
  const apiCall = <T>(body: () => Promise<T>): Promise<T> => {
    api += 1;
    return timed('api', (fn, wall, cpu) => invocations.push({ fn, wall, cpu }), body);
  };
  const comment = { comment: 'Benchmark' };
  const actions: Actions = {
    async create(by, input) {
      const created = await apiCall(() => usecases.createRequest(as(by), input));
      const calls = sim.calls();
      atCreation = sum(calls.ssoAdmin) + sum(calls.identityStore) + sum(calls.organizations);
      await h.settle();
      return created.id;
    },
    async approve(id, by) {
      await apiCall(() => usecases.approveRequest(as(by), { requestId: id, ...comment }));
      await h.settle();
    },
    async reject(id, by) {
      await apiCall(() => usecases.rejectRequest(as(by), { requestId: id, ...comment }));
      await h.settle();
    },
    async cancel(id, by) {
      await apiCall(() => usecases.cancelRequest(as(by), { requestId: id }));
      await h.settle();
    },
    async revoke(id, by) {
      await apiCall(() => usecases.revokeRequest(as(by), { requestId: id, ...comment }));
      await h.settle();
    },
    async extend(id, by, hours) {
      await apiCall(() => usecases.extendRequest(as(by), { requestId: id, hours, reason: 'Benchmark' }));
      await h.settle();
    },
    async approveExtension(id, by) {
      await apiCall(() => usecases.approveExtension(as(by), { requestId: id, extensionId: 1, ...comment }));
      await h.settle();
    },
    async breakGlass(by, input) {
      const created = await apiCall(() => usecases.createBreakGlassRequest(as(by), input));
      const calls = sim.calls();
      atCreation = sum(calls.ssoAdmin) + sum(calls.identityStore) + sum(calls.organizations);
      await h.settle();
      return created.id;
    },
    async review(id, by) {
      await apiCall(() =>
        usecases.reviewRequest(as(by), { requestId: id, state: 'acknowledged', comment: 'Benchmark' }),
      );
      await h.settle();
    },
    advance: (ms) => h.advance(ms),
    failNextAssignments: (n, reason) => sim.ssoAdmin.failNextAssignments(n, reason),
  };

  const id = await scenario.drive(actions, people);
  await h.settle();
  const counters = h.local.stepFunctions.executionCounters(h.execution(id).executionArn);
  const final = await h.get(id);
  const calls = sim.calls();
  const router = h.local.poller.stats().invocations - routerBefore;
  const tasks = counters.lambdaInvocations[TASKS_FUNCTION] ?? 0;
  const tokenWrites = counters.taskInvocations[TOKEN_WAIT] ?? 0;
  const dynamo = recorder.stats();
  const mails = h.local.outbox.outbox.list({ channel: 'email' }).slice(mailBefore);
  const tokenUnits = tokenWrites > 0 ? await tokenWriteUnits(h, id, final.status) : 0;
  const billed = (which: (fn: string) => boolean) =>
    invocations
      .filter((i) => which(i.fn))
      .reduce((n, i) => n + billedMs(i.wall, i.cpu, i.fn === 'api' ? MEMORY_MB.api : MEMORY_MB.router), 0);
  const operations = appsyncPublishes(h) - publishesBefore;
  if (operations !== publishes.seen) {
    throw new Error(
      `${scenario.path}: AppSync ran ${operations} ${PUBLISH_FIELD}, the counting ports saw ${publishes.seen}: a publisher escaped the count.`,
    );
  }
  return {
    finalStatus: final.status,
    transitions: counters.stateTransitions,
    executions: 1,
    lambdaInvocations: router + tasks,
    lambdaInvocationsByFunction: { router, 'workflow-tasks': tasks },
    ssoAdminCalls: sum(calls.ssoAdmin),
    identityStoreCalls: sum(calls.identityStore),
    organizationsCalls: sum(calls.organizations),
    dynamoReadUnits: dynamo.readUnits,
    dynamoWriteUnits: dynamo.writeUnits + tokenWrites * tokenUnits,
    appsyncOps: operations,
    realtimeMessages: publishes.messages,
    notifications: mails.reduce((n, m) => n + m.to.length + m.cc.length + m.bcc.length, 0),
    apiInvocations: api,
    lambdaBilledMs: billed((fn) => fn !== 'api'),
    apiBilledMs: billed((fn) => fn === 'api'),
    creationIdcCalls: atCreation,
    routerInvocations: router,
    tasksInvocations: tasks,
    tokenWrites,
  };
}

/**
 * What one wait's token write costs: the same UpdateItem the state machine sends (its own
 * DynamoDB client is not instrumented), with a token as long as a real one, on the request.
 */
async function tokenWriteUnits(h: Harness, requestId: string, status: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint: h.local.urls.dynamodb, ...LOCAL });
  try {
    const out = await client.send(
      new UpdateItemCommand({
        TableName: h.local.tables.Requests,
        Key: { id: { S: requestId } },
        UpdateExpression: 'SET #token = :token',
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
        ExpressionAttributeValues: {
          ':token': { S: 'T'.repeat(REAL_TOKEN_LENGTH) },
          ':status': { S: status },
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return out.ConsumedCapacity?.CapacityUnits ?? 1;
  } finally {
    client.destroy();
    await h.settle();
  }
}

function average(samples: Sample[]): Sample {
  const [first] = samples;
  if (!first) throw new Error('no samples');
  const avg = (pick: (s: Sample) => number) =>
    Math.round((samples.reduce((n, s) => n + pick(s), 0) / samples.length) * 100) / 100;
  return {
    finalStatus: first.finalStatus,
    transitions: avg((s) => s.transitions),
    executions: avg((s) => s.executions),
    lambdaInvocations: avg((s) => s.lambdaInvocations),
    lambdaInvocationsByFunction: {
      router: avg((s) => s.routerInvocations),
      'workflow-tasks': avg((s) => s.tasksInvocations),
    },
    ssoAdminCalls: avg((s) => s.ssoAdminCalls),
    identityStoreCalls: avg((s) => s.identityStoreCalls),
    organizationsCalls: avg((s) => s.organizationsCalls),
    dynamoReadUnits: avg((s) => s.dynamoReadUnits),
    dynamoWriteUnits: avg((s) => s.dynamoWriteUnits),
    appsyncOps: avg((s) => s.appsyncOps ?? 0),
    realtimeMessages: avg((s) => s.realtimeMessages ?? 0),
    notifications: avg((s) => s.notifications ?? 0),
    apiInvocations: avg((s) => s.apiInvocations),
    lambdaBilledMs: avg((s) => s.lambdaBilledMs),
    apiBilledMs: avg((s) => s.apiBilledMs),
    creationIdcCalls: avg((s) => s.creationIdcCalls),
    routerInvocations: avg((s) => s.routerInvocations),
    tasksInvocations: avg((s) => s.tasksInvocations),
    tokenWrites: avg((s) => s.tokenWrites),
  };
}

/** The original's costs of a path: the baseline's, path (h) for revoke-failure, none for the new paths. */
function originalOf(
  path: PathId,
): { transitions: number; lambdaInvocations: number; awsCalls: number; idcOrgCalls?: number } | undefined {
  if (isOriginalPath(path)) return ORIGINAL_PATHS[path];
  if (path === 'revoke-failure') return { transitions: 24, lambdaInvocations: 8 + 3 + 4, awsCalls: 54 + 2 };
  return undefined;
}

const ratio = (ours: number, original: number | undefined): Cell =>
  original === undefined || original === 0 ? null : `${(ours / original).toFixed(2)}×`;

/** Runs every scenario `repeat` times and reports per-request averages. */
export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  const repeat = options.quick ? 1 : 3;
  const recorder = new DynamoRecorder();
  const invocations: Invocation[] = [];
  // The process's CPU time while a task pauses between status checks is other work (the stream
  // poller, the simulators): it is taken off the task's CPU time, which the bill scales.
  let pausedCpuMs = 0;
  const h = await startHarness({
    sleep: async (ms) => {
      const before = process.cpuUsage();
      await realSleep(ms);
      const used = process.cpuUsage(before);
      pausedCpuMs += (used.user + used.system) / 1000;
    },
    email: true,
    // Identity Center as slow as it is (local/sim/profiles.ts), polled as the deployed function polls it.
    identityCenterProfile: 'realistic',
    pollDelaysMs: DEFAULT_POLL_DELAYS_MS,
    onInvocation: (fn, wall, cpu) => {
      invocations.push({ fn, wall, cpu: fn === TASKS_FUNCTION ? Math.max(0, cpu - pausedCpuMs) : cpu });
      if (fn === TASKS_FUNCTION) pausedCpuMs = 0;
    },
    dynamoDb: (endpoint) => {
      const client = new DynamoDBClient({ endpoint, ...LOCAL });
      recorder.attach(client);
      return client;
    },
  });
  try {
    const publishes: Publishes = { seen: 0, messages: 0 };
    countPublishes(h, publishes);
    const people: People = {
      alice: h.person('alice.nguyen@example.com'),
      carol: h.person('carol.smith@example.com'),
      hiroshi: h.person('hiroshi.sato@example.com'),
      dan: h.person('dan.okafor@example.com'),
      ivan: h.person('ivan.petrov@example.com'),
      frank: h.person('frank.lee@example.com'),
    };
    await pinPolicies(h, people);
    // As in an organization where these permission sets are in use: their roles exist in the
    // accounts. A first use in an account (Identity Center provisions the set: 5–15 s more) is
    // a one-off per account and permission set, left out of the per-request figures.
    const { state } = h.local.simulators;
    for (const target of [STAGING, SANDBOX, PORTAL, SANDBOX_B])
      state.permissionSets.get(target.permissionSetArn)?.provisionedTo.add(target.accountId);
    const results = new Map<PathId, Sample>();
    for (const scenario of SCENARIOS) {
      options.log(`lifecycle: ${scenario.path} × ${repeat}`);
      const samples: Sample[] = [];
      for (let i = 0; i < repeat; i += 1)
        samples.push(await measure(h, recorder, scenario, people, publishes, invocations));
      results.set(scenario.path, average(samples));
    }

    const perPath: FigureGroup = {
      title:
        'Per request and path (ids in results.json: lifecycle.transitions.<path>, lifecycle.lambdaInvocations.<path>, lifecycle.idcCalls.<path>)',
      figures: [...results].flatMap(([path, s]): Figure[] => {
        const o = originalOf(path);
        const baselineSource = isOriginalPath(path)
          ? `baseline §1/§2.2, path (${ORIGINAL_PATHS[path].letter})`
          : 'baseline §2.2, path (h)';
        const versusOriginal = (value: number | undefined): Pick<Figure, 'original' | 'originalSource'> =>
          value === undefined ? {} : { original: value, originalSource: baselineSource };
        return [
          {
            id: `lifecycle.transitions.${path}`,
            label: `${path}: state transitions (entered + retries)`,
            unit: 'transitions',
            value: s.transitions,
            ...versusOriginal(o?.transitions),
          },
          {
            id: `lifecycle.lambdaInvocations.${path}`,
            label: `${path}: Lambda invocations (router + workflow tasks)`,
            unit: 'invocations',
            value: s.lambdaInvocations,
            ...versusOriginal(o?.lambdaInvocations),
          },
          {
            id: `lifecycle.idcCalls.${path}`,
            label: `${path}: IdC + Identity Store + Organizations calls (creation and polling included)`,
            unit: 'calls',
            value: s.ssoAdminCalls + s.identityStoreCalls + s.organizationsCalls,
            ...versusOriginal(o?.idcOrgCalls),
          },
        ];
      }),
      notes: [
        "The original's figures where it has the path; its IdC calls like for like (only its IdC, Identity Store and Organizations calls, not every AWS call of its router).",
      ],
    };

    const lifecycle: LifecyclePathCounts[] = [];
    for (const [path, s] of results) {
      if (path === 'revoke-failure') continue;
      const {
        routerInvocations: _r,
        tasksInvocations: _t,
        tokenWrites: _w,
        creationIdcCalls: _c,
        ...counts
      } = s;
      lifecycle.push({ path, requests: repeat, ...counts });
    }

    const comparison: Table = {
      title: 'Per request, ours beside the original TEAM (baseline §1/§2.2) and the ratio',
      columns: [
        'path',
        'final status',
        'transitions',
        'orig',
        'ratio',
        'Lambda invocations (router + tasks)',
        'orig',
        'ratio',
        'IdC + IdStore + Orgs calls',
        'orig, like for like',
        'ratio',
        'orig, every AWS call of its router',
      ],
      rows: [...results].map(([path, s]) => {
        const o = originalOf(path);
        const idc = s.ssoAdminCalls + s.identityStoreCalls + s.organizationsCalls;
        return [
          path,
          s.finalStatus,
          s.transitions,
          o?.transitions ?? null,
          ratio(s.transitions, o?.transitions),
          s.lambdaInvocations,
          o?.lambdaInvocations ?? null,
          ratio(s.lambdaInvocations, o?.lambdaInvocations),
          idc,
          o?.idcOrgCalls ?? null,
          ratio(idc, o?.idcOrgCalls),
          o?.awsCalls ?? null,
        ];
      }),
      notes: [
        "revoke-failure is the baseline's extra path (h): 24 transitions, router 8 + teamStatus 3 + teamNotifications 4, 54 router AWS calls + 2 sso-admin.",
        'quorum-2, two-stage, extended and break-glass have no counterpart in the original (—).',
        ...Object.values(EXTRA_PATH_NOTES),
        "IdC calls like for like: the original's Identity Center, Identity Store and Organizations calls beside ours (the api's eligibility check at creation and every status check included). The last column is every AWS call of the original's router (it re-runs eligibility on each write, DynamoDB, Cognito and AppSync included), for reference only.",
      ],
    };
    const detail: Table = {
      title: 'Per request, where the calls go',
      columns: [
        'path',
        'api calls',
        'router',
        'workflow-tasks',
        'sso-admin',
        'Identity Store',
        'Organizations',
        'of which at creation',
        'of which lifecycle',
        'token writes',
        'RRU',
        'WRU',
        'AppSync publishes (ops)',
        'realtime messages',
        'e-mail recipients',
      ],
      rows: [...results].map(([path, s]) => [
        path,
        s.apiInvocations,
        s.routerInvocations,
        s.tasksInvocations,
        s.ssoAdminCalls,
        s.identityStoreCalls,
        s.organizationsCalls,
        s.creationIdcCalls,
        Math.round(
          (s.ssoAdminCalls + s.identityStoreCalls + s.organizationsCalls - s.creationIdcCalls) * 100,
        ) / 100,
        s.tokenWrites,
        s.dynamoReadUnits,
        s.dynamoWriteUnits,
        s.appsyncOps ?? 0,
        s.realtimeMessages ?? 0,
        s.notifications ?? 0,
      ]),
      notes: [
        "api calls: the people's createRequest / approve / reject / cancel / revoke (api Lambda, not counted as lifecycle invocations, like the original's AppSync resolvers).",
        "router: stream batches the local poller delivered after the router's filters (as deployed: a new request, and changes into approved, rejected, cancelled or revoked; the workflow's own writes and token writes never invoke it).",
        'AppSync publishes: publishRequestChange mutations, one per status change for all its channels (enhanced subscription filter); realtime messages: one per channel it names (requester, each approver, AUDIT), as if each had one subscriber.',
        `token writes: the later waits' conditional UpdateItem from Step Functions itself; their WRU are measured with a ${REAL_TOKEN_LENGTH}-character token and included in WRU. The first wait's token is written by the Begin step through the recorded client (with the local runner's shorter token).`,
        "at creation: the api's createRequest (eligibility with live group membership, approver resolution, the permission set); lifecycle: the workflow's ListAccountAssignments (standing access check), Create/DeleteAccountAssignment and the Describe…Status polls.",
      ],
    };

    return {
      id: 'lifecycle',
      title: 'Lifecycle cost per request and path',
      figures: [perPath],
      tables: [comparison, detail],
      notes: [
        `Each path ran ${repeat} time(s), one request at a time, from createRequest (real use case) to the final status; figures are per-request averages.`,
        'One standard state machine per request: transitions are states entered plus retries, as the baseline counts them.',
        `Identity Center runs on the realistic profile (local/sim/profiles.ts): an assignment ends after a log-normal delay (median 3 s, 1–10 s; 5–15 s more when the permission set is first provisioned to the account), 50 ms per call, throttled at 20 calls/s and 15 operations in progress; its status is checked with the deployed pauses (${DEFAULT_POLL_DELAYS_MS.map((d) => d / 1000).join(', ')} s).`,
        `Lambda time is measured per invocation (router, workflow tasks, api): wall-clock time, with the process CPU time meanwhile scaled to Lambda's CPU share at the function's memory (api ${MEMORY_MB.api} MB, router and workflow tasks ${MEMORY_MB.router} MB); the status-check pauses are billed as they are. The process CPU time includes the simulators' share, so the figure is an upper bound.`,
        'The permission sets are already provisioned to the accounts the paths use (their roles exist, as where they are in use); the first use of a permission set in an account takes Identity Center 5–15 s more, once.',
        'Policies are pinned for the run (see pinPolicies): Payments Staging is decided by its OU policy alone (one approval), whatever the demo organization seeds for the account.',
      ],
      lifecycle,
      data: { repeat, paths: Object.fromEntries(results) },
    };
  } finally {
    await h.stop();
  }
}

// Run directly: the same as `npx tsx bench/run.ts lifecycle` (in a child process: run.ts loads
// this module itself, and importing it from here would wait on itself).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runner = fileURLToPath(new URL('./run.ts', import.meta.url));
  const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
  const child = spawnSync(process.execPath, [...process.execArgv, runner, 'lifecycle', ...flags], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}
