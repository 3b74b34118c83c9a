/**
 * The request workflow running for real on one machine: the TEAM stack synthesized as deployed,
 * its state machine definition taken from the template and run by the local Step
 * Functions runner on a ManualClock, against DynamoDB Local and the Identity Center simulator,
 * with the real workflow-tasks handler, the real router on the Requests stream and the real
 * core use cases for people's decisions.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Logger } from '@aws-lambda-powertools/logger';
import { IdentityCenterAssignments } from '../../lambdas/adapters/identity-center';
import { auditEventId } from '../../lambdas/core/audit';
import { DEFAULT_SETTINGS } from '../../lambdas/core/settings';
import type { WorkflowDeps } from '../../lambdas/core/access';
import type { RealtimePublisher, RequestChangeEvent } from '../../lambdas/core/ports';
import type {
  AccessRequest,
  Actor,
  AuditAction,
  AuditEvent,
  CallerIdentity,
  Settings,
} from '../../lambdas/core/types';
import { composeApi, type ApiBackend } from '../../lambdas/handlers/api/compose';
import { loadConfig } from '../../lambdas/handlers/config';
import { makeReconcilerHandler } from '../../lambdas/handlers/reconciler';
import { composeReconciler } from '../../lambdas/handlers/reconciler/compose';
import type { RouterDeps } from '../../lambdas/handlers/router/compose';
import { makeWorkflowTasksHandler } from '../../lambdas/handlers/workflow-tasks';
import { composeWorkflowTasks } from '../../lambdas/handlers/workflow-tasks/compose';
import { startLocalBackend, timed, type InvocationObserver, type LocalBackend } from '../../local/backend';
import { routerFiltersOf } from '../../local/workflow';
import { ManualClock, resolveDefinition, type CfnTemplate, type ExecutionDescription } from '../../local/sfn';
import { fixedRetryStrategy } from '../../local/sfn/aws-clients';
import type { DemoOrg, IdentityCenterProfileName } from '../../local/sim';
import { logicalIdOf, synthTeam } from '../cdk/support';
import { sharedDynamoEndpointIfAny } from '../support/shared-dynamo';

/** A Monday morning, UTC, far from any real date. */
export const T0 = Date.UTC(2031, 0, 6, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const TASKS_FUNCTION = 'team-workflow-tasks';
const TASKS_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${TASKS_FUNCTION}`;

export interface RequestWorkflowDefinition {
  /** The ASL as synthesized, every reference resolved for the local cloud. */
  resolve(requestsTable: string): Record<string, unknown>;
  /** The filter patterns of the router's event source mapping. */
  routerFilters: string[];
}

let synthesized:
  { template: CfnTemplate; machine: string; fn: string; table: string; routerFilters: string[] } | undefined;

/**
 * Synthesizes the TEAM stack (cdk-nag included) once per test file and takes the definition of
 * its own request workflow state machine (`stack.requestWorkflow`).
 */
export function requestWorkflowDefinition(): RequestWorkflowDefinition {
  if (!synthesized) {
    const synth = synthTeam();
    try {
      const machine = synth.stack.requestWorkflow.stateMachine;
      synthesized = {
        template: synth.template.toJSON() as CfnTemplate,
        machine: logicalIdOf(machine),
        fn: logicalIdOf(synth.stack.functions.workflowTasks.function),
        table: logicalIdOf(synth.stack.data.tables.requests),
        routerFilters: [],
      };
      synthesized.routerFilters = routerFiltersOf(
        synthesized.template,
        logicalIdOf(synth.stack.functions.router.function),
      );
    } finally {
      synth.cleanup();
    }
  }
  const { template, machine, fn, table, routerFilters } = synthesized;
  return {
    routerFilters,
    resolve: (requestsTable) =>
      resolveDefinition(template, machine, {
        [`${fn}.Arn`]: TASKS_ARN,
        [table]: requestsTable,
        [`${table}.Arn`]: `arn:aws:dynamodb:us-east-1:123456789012:table/${requestsTable}`,
      }),
  };
}

export interface HarnessOptions {
  /** Pauses before each assignment status poll inside a task (ms). */
  pollDelaysMs?: readonly number[];
  /** Switch email notifications on (their audit events show who was told what). */
  email?: boolean;
  /** Reconciler grace period (ms); default 15 minutes. */
  graceMs?: number;
  /**
   * Drop the router's realtime hints instead of publishing them through AppSync (load tests:
   * the workflow does not depend on them, and hundreds of requests would spend most of their
   * time there).
   */
  quietRealtime?: boolean;
  /** Sees every realtime hint as it is published (the change is stored by then). */
  onRealtime?: (event: RequestChangeEvent) => void;
  /**
   * How the sso-admin client retries (default: the SDK's standard strategy, 3 attempts with
   * real-time backoff). Short fixed pauses keep load tests fast; what the client gives up on
   * reaches the workflow's own retries, which back off on the ManualClock.
   */
  ssoAdminRetry?: { maxAttempts: number; delayMs: number };
  /**
   * Run the DynamoDB calls of people's actions (the api's use cases), the workflow tasks and the
   * reconciler through the client this makes for DynamoDB Local's endpoint, e.g. one that
   * records consumed capacity (benchmarks). Default: each composition's own client.
   */
  dynamoDb?: (endpoint: string) => DynamoDBClient;
  /** How fast the simulated Identity Center is (default `fast`). */
  identityCenterProfile?: IdentityCenterProfileName;
  /** Told of every router and workflow-tasks invocation with its wall-clock and CPU time. */
  onInvocation?: InvocationObserver;
  /** The pause between status checks inside a task (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

export interface Person {
  id: string;
  userName: string;
  email: string;
  displayName: string;
}

export interface Harness {
  local: LocalBackend;
  /** The api's composition people's actions go through (the local backend's, or one over `dynamoDb`). */
  backend: ApiBackend;
  /** The router's composition (the local backend's): the workflow it starts, the realtime publisher. */
  router: RouterDeps;
  clock: ManualClock;
  /** The workflow tasks' ports. */
  ports: WorkflowDeps & { close(): void };
  stateMachineArn: string;
  org: DemoOrg;
  person(userName: string): Person;
  /** A request (not stored yet) from `requester` for ReadOnlyAccess in Payments Staging, starting now, 2 h. */
  newRequest(requester: Person, overrides?: Partial<AccessRequest>): AccessRequest;
  /** Stores the request as the api would: the router starts its workflow from the stream. */
  submit(request: AccessRequest): Promise<AccessRequest>;
  approve(requestId: string, by: Person): Promise<AccessRequest>;
  reject(requestId: string, by: Person): Promise<AccessRequest>;
  cancel(requestId: string, by: Person): Promise<AccessRequest>;
  revoke(requestId: string, by: Person): Promise<AccessRequest>;
  get(requestId: string): Promise<AccessRequest>;
  trail(requestId: string): Promise<AuditEvent[]>;
  /** Whether the simulator holds the request's account assignment. */
  hasAssignment(request: Pick<AccessRequest, 'requester' | 'accountId' | 'permissionSetArn'>): boolean;
  execution(requestId: string): ExecutionDescription;
  /** The states the request's execution waits in for a task token (none while it runs or once done). */
  waitingIn(requestId: string): string[];
  /** Every state the request's execution entered so far, in order. */
  statesEntered(requestId: string): Promise<string[]>;
  /** The person as the api sees them once signed in: their groups read from the directory. */
  caller(person: Person): Promise<CallerIdentity>;
  reconcile(): ReturnType<ReturnType<typeof makeReconcilerHandler>>;
  /** Stream delivered, router done, every workflow waiting on the clock or a token. */
  settle(): Promise<void>;
  /** Moves the clock forward and lets everything due run. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const silent = () => new Logger({ logLevel: 'SILENT' });

function callerOf(person: Person): CallerIdentity {
  return {
    userId: person.id,
    userName: person.userName,
    email: person.email,
    displayName: person.displayName,
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
  };
}

const actorOf = (p: Person): Actor => ({ id: p.id, email: p.email, name: p.displayName });

/** Starts the local backend on a ManualClock with the synthesized request workflow registered. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const definition = requestWorkflowDefinition();
  const clock = new ManualClock(T0);
  const local = await startLocalBackend({
    clock,
    sessionActivity: false,
    dynamoEndpoint: sharedDynamoEndpointIfAny(),
    ...(options.identityCenterProfile ? { identityCenterProfile: options.identityCenterProfile } : {}),
    ...(options.onInvocation ? { onInvocation: options.onInvocation } : {}),
  });
  try {
    const config = loadConfig();
    const stateMachineArn = local.registerStateMachine(
      'team-request-workflow',
      definition.resolve(local.tables.Requests),
      { requestWorkflow: true, routerFilters: definition.routerFilters },
    );
    const coreClock = { now: () => new Date(clock.now()) };
    const dynamoDb = options.dynamoDb?.(local.urls.dynamodb);
    const backend: ApiBackend = dynamoDb ? composeApi({ config, clock: coreClock, dynamoDb }) : local.backend;
    const { router } = local;
    const retry = options.ssoAdminRetry;
    const ssoAdmin = retry
      ? new SSOAdminClient({
          region: config.identityCenter.region,
          retryStrategy: fixedRetryStrategy({
            ...retry,
            retries: (errorType) => errorType !== 'CLIENT_ERROR',
          }),
        })
      : undefined;
    // The router and the workflow steps publish through the same publisher, as both functions
    // do with AppSync.
    let realtime: RealtimePublisher | undefined = options.quietRealtime
      ? { publishRequestChange: () => Promise.resolve() }
      : router.realtime;
    const observe = options.onRealtime;
    if (observe) {
      const inner = realtime;
      realtime = {
        publishRequestChange: async (event) => {
          observe(event);
          await inner?.publishRequestChange(event);
        },
      };
    }
    if (realtime) router.realtime = realtime;
    const assignments = ssoAdmin
      ? { assignments: new IdentityCenterAssignments(ssoAdmin, config.identityCenter.instanceArn) }
      : {};
    const shared = {
      clock: coreClock,
      ...assignments,
      ...(dynamoDb ? { dynamoDb } : {}),
      pollDelaysMs: options.pollDelaysMs ?? [60, 120, 240, 480],
      ...(options.sleep ? { sleep: options.sleep } : {}),
      logger: silent(),
      // Slack, when a test turns it on, is the outbox's stub: nothing leaves the machine.
      slackApiUrl: local.outbox.slackApiUrl,
    };
    const ports = composeWorkflowTasks({ config, ...shared, realtime: realtime ?? null });
    const tasks = makeWorkflowTasksHandler({ deps: () => ports, logger: silent() });
    const onInvocation = options.onInvocation;
    local.stepFunctions.registerLambda(
      TASKS_FUNCTION,
      onInvocation ? (event) => timed(TASKS_FUNCTION, onInvocation, () => tasks(event)) : tasks,
    );
    const reconcilerPorts = composeReconciler({
      config,
      ...shared,
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    });
    const reconciler = makeReconcilerHandler({ deps: () => reconcilerPorts, logger: silent() });

    const { requests, settings } = backend.ports;
    // The local cloud seeds email, Slack and Teams on; here email is on only when asked, Slack and
    // Teams off.
    const current = await settings.get();
    const next: Settings = {
      ...(current ?? DEFAULT_SETTINGS),
      sesEnabled: options.email === true,
      ...(options.email ? { sesSourceEmail: 'team@example.com' } : {}),
      slackEnabled: false,
      teamsEnabled: false,
      version: (current?.version ?? 0) + 1,
    };
    await settings.put(next, current?.version ?? 0);

    const people = new Map(local.org.users.map((u) => [u.userName, u]));
    const person = (userName: string): Person => {
      const u = people.get(userName);
      if (!u) throw new Error(`no demo user ${userName}`);
      return { id: u.id, userName: u.userName, email: u.email ?? u.userName, displayName: u.displayName };
    };
    const ps = (name: string) => {
      const found = local.org.permissionSets.find((p) => p.name === name);
      if (!found) throw new Error(`no permission set ${name}`);
      return found;
    };
    const readOnly = ps('ReadOnlyAccess');
    const usecases = backend.usecases;
    let counter = 0;

    const harness: Harness = {
      local,
      backend,
      router,
      clock,
      ports,
      stateMachineArn,
      org: local.org,
      person,
      newRequest(requester, overrides = {}) {
        counter += 1;
        const now = new Date(clock.now()).toISOString();
        const approver = person(
          requester.userName === 'carol.smith@example.com'
            ? 'ivan.petrov@example.com'
            : 'carol.smith@example.com',
        );
        return {
          id: `00000000-0000-4000-8000-${(Date.now() % 1e6).toString().padStart(6, '0')}${counter.toString().padStart(6, '0')}`,
          requester: actorOf(requester),
          accountId: '745240316957',
          accountName: 'Payments Staging',
          permissionSetArn: readOnly.arn,
          permissionSetName: readOnly.name,
          sessionDuration: readOnly.sessionDuration,
          startTime: now,
          durationHours: 2,
          justification: 'Investigate the failing deployment',
          ticketNo: 'INC-42',
          status: 'pending',
          approvalRequired: true,
          approvers: [actorOf(approver)],
          expiresAt: new Date(clock.now() + 3 * HOUR).toISOString(),
          createdAt: now,
          updatedAt: now,
          version: 1,
          ...overrides,
        };
      },
      async submit(request) {
        await requests.create(request, {
          requestId: request.id,
          id: auditEventId(request.createdAt, request.version),
          at: request.createdAt,
          action: 'created',
          actor: request.requester,
          toStatus: request.status,
        });
        return request;
      },
      approve: (requestId, by) =>
        usecases.approveRequest(callerOf(by), { requestId, comment: 'Approved for the incident' }),
      reject: (requestId, by) => usecases.rejectRequest(callerOf(by), { requestId, comment: 'Not needed' }),
      cancel: (requestId, by) => usecases.cancelRequest(callerOf(by), { requestId }),
      revoke: (requestId, by) => usecases.revokeRequest(callerOf(by), { requestId, comment: 'Done early' }),
      async get(requestId) {
        const request = await requests.get(requestId);
        if (!request) throw new Error(`no request ${requestId}`);
        return request;
      },
      async trail(requestId) {
        const events: AuditEvent[] = [];
        let cursor: string | undefined;
        do {
          const page = await requests.listEvents(requestId, { limit: 100, ...(cursor ? { cursor } : {}) });
          events.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return events;
      },
      hasAssignment: (r) =>
        local.simulators.state.hasAssignment({
          accountId: r.accountId,
          permissionSetArn: r.permissionSetArn,
          principalType: 'USER',
          principalId: r.requester.id,
        }),
      execution: (requestId) =>
        local.stepFunctions.describeExecution(
          `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${requestId}`,
        ),
      waitingIn: (requestId) =>
        local.stepFunctions
          .pendingTaskTokens(harness.execution(requestId).executionArn)
          .map((t) => t.stateName),
      async statesEntered(requestId) {
        const entered: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await local.stepFunctions.getExecutionHistory({
            executionArn: harness.execution(requestId).executionArn,
            includeExecutionData: false,
            ...(nextToken ? { nextToken } : {}),
          });
          for (const event of page.events) {
            const name = event.stateEnteredEventDetails?.['name'];
            if (event.type.endsWith('StateEntered') && typeof name === 'string') entered.push(name);
          }
          nextToken = page.nextToken;
        } while (nextToken);
        return entered;
      },
      caller: async (p) => ({ ...callerOf(p), groupIds: await backend.ports.directory.groupIdsOfUser(p.id) }),
      reconcile: () => reconciler({}),
      settle: () => local.settle(),
      async advance(ms) {
        await clock.advance(ms);
        await local.settle();
      },
      async stop() {
        ports.close();
        reconcilerPorts.close();
        if (backend !== local.backend) backend.close();
        dynamoDb?.destroy();
        ssoAdmin?.destroy();
        await local.stop();
      },
    };
    return harness;
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** The status changes of a trail, in order (`from→to`). */
export function statusChanges(trail: readonly AuditEvent[]): string[] {
  return trail
    .filter((e) => e.toStatus !== undefined && e.action !== 'notified')
    .map((e) => `${e.action}:${e.toStatus}`);
}

/** The notification types a trail says were sent (`notified` events). */
export function notified(trail: readonly AuditEvent[]): string[] {
  return trail
    .filter((e) => e.action === 'notified')
    .map((e) => /: (\w[\w -]*) sent to/.exec(e.detail ?? '')?.[1] ?? '?');
}

/** What happened to the request, in order, without the notifications' own events. */
export function actions(trail: readonly AuditEvent[]): AuditAction[] {
  return trail
    .filter((e) => e.action !== 'notified' && e.action !== 'notification-failed')
    .map((e) => e.action);
}
