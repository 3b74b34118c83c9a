/**
 * The local cloud with the request workflow running, for the latency and throughput benchmarks: the
 * workflows' harness (test/workflows/harness.ts: `startLocalBackend` with the synthesized
 * request workflow state machine, the real workflow-tasks handler and router) with the production
 * assignment-status poll delays, plus what the benchmarks add: enough accounts for every request
 * to need its own assignment, and a request driven from creation to access.
 *
 * When `startLocalBackend` registers the workflow itself, only `startBenchCloud` changes.
 */
import { DEFAULT_POLL_DELAYS_MS } from '../../lambdas/core/access/poll';
import type { AccessRequest } from '../../lambdas/core/types';
import { POLL_DELAYS_MS, type IdentityCenterProfileName } from '../../local/sim';
import { startHarness, type Harness, type Person } from '../../test/workflows/harness';

export interface BenchCloud {
  harness: Harness;
  /** Request number `i`: a (user, account, permission set) no other request of this run uses. */
  newRequest(i: number): { request: AccessRequest; requester: Person; approver: Person };
  /** Stores the request and resolves once its workflow waits for a decision. */
  submitAndWait(request: AccessRequest): Promise<void>;
  /** Resolves once the simulator holds the request's account assignment. */
  waitForAccess(request: AccessRequest): Promise<void>;
  /** When (`performance.now()`) Identity Center was first asked to create the request's assignment. */
  grantCalledAt(request: AccessRequest): number | undefined;
  /** When (`performance.now()`) the request was first stored as `in progress`. */
  inProgressAt(request: AccessRequest): number | undefined;
  /** Resolves once the request is stored as `in progress`. */
  waitForInProgress(request: AccessRequest): Promise<void>;
  /** Resolves once the workflow waits for the end of the request's access. */
  waitForSession(request: AccessRequest): Promise<void>;
  /** Resolves once the simulator no longer holds the request's account assignment. */
  waitForRemoval(request: AccessRequest): Promise<void>;
  /** How often a stalled wait moved the manual clock on (see `nudge`). */
  clockNudges(): number;
  /** Sets the added latency of the Identity Center, Identity Store and Organizations simulators. */
  setAwsLatency(ms: number): void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface UntilOptions {
  /** Where things stand, for the error when the wait times out. */
  state?: () => Promise<string>;
  /** Called each time `STALL_MS` pass without `check` holding. */
  onStall?: () => void;
}

/** How long a wait may see no progress before the manual clock is moved on (see `nudge`). */
const STALL_MS = 3000;
/** How far a nudge moves the clock: past the workflow's first retry pause (2 s, jittered). */
const NUDGE_MS = 5000;

/** Polls `check` every 10 ms until it holds, failing after two minutes with `what`. */
async function until(check: () => boolean, what: string, options: UntilOptions = {}): Promise<void> {
  const started = performance.now();
  let stalls = 0;
  while (!check()) {
    const waited = performance.now() - started;
    if (waited > 120_000) {
      const detail = options.state ? ` (${await options.state().catch((e: unknown) => String(e))})` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    if (options.onStall && waited > (stalls + 1) * STALL_MS) {
      stalls += 1;
      options.onStall();
    }
    await sleep(10);
  }
}

/**
 * Starts the local cloud with the request workflow and `extraAccounts` more accounts in the
 * organization. Identity Center is fast (50 ms per assignment) unless `identityCenterProfile`
 * says `realistic`; its status is checked on the schedule made for that profile (the deployed
 * one for the realistic profile).
 */
export async function startBenchCloud(
  options: {
    extraAccounts?: number;
    quietRealtime?: boolean;
    identityCenterProfile?: IdentityCenterProfileName;
  } = {},
): Promise<BenchCloud> {
  const inProgress = new Map<string, number>();
  const profile = options.identityCenterProfile ?? 'fast';
  const harness = await startHarness({
    identityCenterProfile: profile,
    pollDelaysMs: POLL_DELAYS_MS[profile] ?? DEFAULT_POLL_DELAYS_MS,
    ...(options.quietRealtime ? { quietRealtime: true } : {}),
    onRealtime: (event) => {
      if (event.status === 'in progress' && !inProgress.has(event.requestId))
        inProgress.set(event.requestId, performance.now());
    },
  });
  try {
    const state = harness.local.simulators.state;
    const target = (a: { principalId: string; accountId: string; permissionSetArn: string }) =>
      `${a.principalId}|${a.accountId}|${a.permissionSetArn}`;
    const grantCalls = new Map<string, number>();
    state.watchOperations((op) => {
      if (op.kind === 'CREATE' && !grantCalls.has(target(op))) grantCalls.set(target(op), performance.now());
    });
    // The workflow runs on a manual clock the benchmark does not move: a workflow retry (a
    // pause of seconds on that clock, e.g. after a dropped connection) would wait forever. A wait
    // that sees no progress for a while moves the clock on by a retry's pause, as time would.
    let nudges = 0;
    const nudge = () => {
      nudges += 1;
      harness.clock.skip(NUDGE_MS);
    };
    const targetOf = (r: AccessRequest) =>
      target({ principalId: r.requester.id, accountId: r.accountId, permissionSetArn: r.permissionSetArn });
    const accounts = Array.from({ length: options.extraAccounts ?? 60 }, (_, i) =>
      state.addAccount({ id: String(900_000_000_000 + i), name: `Bench Workload ${i + 1}` }),
    );
    const users = harness.org.users.map((u) => harness.person(u.userName));
    const byId = new Map(users.map((u) => [u.id, u]));
    const permissionSets = harness.org.permissionSets.filter(
      (p) => !p.provisionedTo.includes(harness.org.organization.managementAccountId),
    );
    const capacity = users.length * accounts.length * permissionSets.length;
    const executionArn = (id: string) =>
      `${harness.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
    /** Whether the request's workflow waits in `state` (any wait when omitted). */
    const waitingIn = (id: string, state?: string) => {
      try {
        return harness.local.stepFunctions
          .pendingTaskTokens(executionArn(id))
          .some((t) => state === undefined || t.stateName === state);
      } catch {
        return false;
      }
    };
    return {
      harness,
      newRequest(i) {
        if (i >= capacity) throw new Error(`only ${capacity} distinct requests available`);
        const user = users[i % users.length];
        const account = accounts[Math.floor(i / users.length) % accounts.length];
        const ps = permissionSets[Math.floor(i / (users.length * accounts.length)) % permissionSets.length];
        if (!user || !account || !ps) throw new Error('no user, account or permission set');
        const request = harness.newRequest(user, {
          accountId: account.id,
          accountName: account.name,
          permissionSetArn: ps.arn,
          permissionSetName: ps.name,
          sessionDuration: ps.sessionDuration,
        });
        const approver = byId.get(request.approvers[0]?.id ?? '');
        if (!approver) throw new Error('the harness gave the request no known approver');
        return { request, requester: user, approver };
      },
      async submitAndWait(request) {
        await harness.submit(request);
        await until(() => waitingIn(request.id), `the workflow of ${request.id} to wait for a decision`, {
          onStall: nudge,
        });
      },
      waitForAccess: (request) =>
        until(() => harness.hasAssignment(request), `access for ${request.id}`, { onStall: nudge }),
      grantCalledAt: (request) => grantCalls.get(targetOf(request)),
      inProgressAt: (request) => inProgress.get(request.id),
      waitForInProgress: (request) =>
        until(() => inProgress.has(request.id), `${request.id} to be in progress`, { onStall: nudge }),
      waitForSession: (request) =>
        until(() => waitingIn(request.id, 'AwaitEnd'), `the session of ${request.id} to be under way`, {
          onStall: nudge,
          state: async () => {
            const stored = await harness.ports.requests.get(request.id);
            const execution = harness.execution(request.id);
            const history = await harness.local.stepFunctions.getExecutionHistory({
              executionArn: execution.executionArn,
              maxResults: 1000,
            });
            const steps = history.events.map((e) => e.type).slice(-12);
            return `request ${stored?.status ?? 'missing'}, execution ${execution.status}, last events ${steps.join(' ')}`;
          },
        }),
      waitForRemoval: (request) =>
        until(() => !harness.hasAssignment(request), `access for ${request.id} to be removed`, {
          onStall: nudge,
        }),
      clockNudges: () => nudges,
      setAwsLatency(ms) {
        const sims = harness.local.simulators;
        for (const s of [sims.ssoAdmin, sims.identityStore, sims.organizations])
          s.setFaults({ latencyMs: ms });
      },
      stop: () => harness.stop(),
    };
  } catch (error) {
    await harness.stop();
    throw error;
  }
}

/** Runs `worker(i)` for i = 0 … n-1 with at most `concurrency` in flight. */
export async function pool(
  n: number,
  concurrency: number,
  worker: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    for (;;) {
      const i = next;
      next += 1;
      if (i >= n) return;
      await worker(i);
    }
  });
  await Promise.all(lanes);
}
