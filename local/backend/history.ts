/**
 * A few weeks of past requests for the demo organization, so the dashboard and the audit pages
 * have something to show on the first start. Every request goes through the real use cases —
 * created by an eligible requester, decided by one of its approvers (each stage of a staged
 * approval), extended, revoked, cancelled, rejected — with the clock set to when it happened,
 * and the workflow's own transitions (scheduled, in progress, ended, expired, error) are the
 * ones its steps apply. Only Identity Center is left alone: this access is long over. The
 * dashboard counts each request as it moves, as the router and the workflow would.
 *
 * It runs before the router reads the stream (whose reader then starts at its end), so no
 * workflow starts for the past.
 */
import {
  composeApi,
  makeApplySystemTransition,
  makeDashboardRecorder,
  type AccessRequest,
  type ApiBackend,
  type ApiOverrides,
  type CallerIdentity,
  type EligibleAccount,
} from '../../lambdas/handlers/api/compose';
import type { DemoOrg } from '../sim';
import { seededRandom } from '../sim/ids';

/** A clock the generator moves (the use cases read it). */
export class HistoryClock {
  constructor(private time: number) {}
  now(): Date {
    return new Date(this.time);
  }
  set(time: number): void {
    this.time = time;
  }
}

/** What else happens to a past request (its session's activity and summary). */
export interface HistoryHooks {
  /** Told of each request whose access ended (time up or revoked), once it is over. */
  sessionEnded?(request: AccessRequest): Promise<void>;
}

export interface HistoryOptions {
  /** Days of history, ending yesterday (default 21). */
  days?: number;
  /** Seed of the pseudo-random choices (the same seed gives the same history). */
  seed?: number;
  /** "Now": history ends before it. */
  now: Date;
}

export interface HistoryReport {
  requests: number;
  byOutcome: Record<string, number>;
}

/** Requests lived side by side while generating (DynamoDB Local and the simulators do the work). */
const HISTORY_WORKERS = 8;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const JUSTIFICATIONS = [
  'Investigate elevated 5xx rates on the checkout API',
  'Rotate the database credentials after the vendor change',
  'Apply the approved change CHG-{n}: security group update',
  'Debug the failing nightly batch job',
  'Review CloudWatch alarms after the deployment',
  '本番環境の障害調査 (INC-{n})',
  'Update the S3 bucket lifecycle rules',
  'Scale the ECS service for the campaign',
  '月次のコスト確認と不要リソースの削除',
  'Restore a table from a point-in-time backup',
];

const COMMENTS = [
  'Approved, go ahead.',
  'OK for the change window.',
  '承認します。',
  'Fine, please post a summary after.',
];
const REJECTIONS = [
  'Please use the read-only role for this.',
  'Not during the freeze.',
  'チケットが未承認です。',
];

/** One request of the history as planned: who asks for what, when, and how it goes. */
interface Plan {
  n: number;
  created: number;
  requester: Requester;
  account: EligibleAccount;
  permissionSet: EligibleAccount['permissionSets'][number];
  /** Draws the request's own choices (decision delay, outcome, approvers). */
  seed: number;
}

interface Requester {
  caller: CallerIdentity;
  accounts: EligibleAccount[];
  ticketRequired: boolean;
}

/** Where one worker runs its share of the history: use cases over its own clock. */
export interface HistoryWorker {
  backend: ApiBackend;
  clock: HistoryClock;
}

/**
 * Generates the history: plans every request first (one seeded sequence, so the same seed gives
 * the same history), then runs the plans on the workers side by side (each its own clock), and
 * counts each request for the dashboard once it is over (its counters derive from its state).
 */
export async function generateDemoHistory(
  org: DemoOrg,
  workers: readonly HistoryWorker[],
  aggregates: ApiBackend['ports']['aggregates'],
  options: HistoryOptions,
  hooks: HistoryHooks = {},
): Promise<HistoryReport> {
  const rand = seededRandom(options.seed ?? 20_261_208);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;
  const days = options.days ?? 21;
  const first = workers[0];
  if (!first) return { requests: 0, byOutcome: {} };
  const callers = await callersOf(org, first.backend);

  // Who may request what (from the seeded eligibility policies).
  const requesters: Requester[] = [];
  for (const caller of callers.values()) {
    const form = await first.backend.usecases.getRequestFormOptions(caller);
    if (form.accounts.length > 0) {
      requesters.push({ caller, accounts: form.accounts, ticketRequired: form.ticketRequired });
    }
  }
  const plans: Plan[] = [];
  const firstDay = Math.floor(options.now.getTime() / DAY) * DAY - days * DAY;
  for (let d = 0; d < days && requesters.length > 0; d += 1) {
    const dayStart = firstDay + d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const perDay = weekday === 0 || weekday === 6 ? 1 + Math.floor(rand() * 3) : 5 + Math.floor(rand() * 8);
    for (let i = 0; i < perDay; i += 1) {
      const requester = pick(requesters);
      const account = pick(requester.accounts);
      plans.push({
        n: 1000 + plans.length,
        // Office hours in Tokyo and Europe: 00:00–17:00 UTC.
        created: dayStart + Math.floor(rand() * 17 * HOUR),
        requester,
        account,
        permissionSet: pick(account.permissionSets),
        seed: Math.floor(rand() * 2 ** 32),
      });
    }
  }

  const report: HistoryReport = { requests: 0, byOutcome: {} };
  const recorder = (clock: HistoryClock) => makeDashboardRecorder({ aggregates, clock });
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      const count = recorder(worker.clock);
      for (let i = next++; i < plans.length; i = next++) {
        const outcome = await live(plans[i]!, worker, callers);
        if (outcome === undefined) continue;
        await count.recordRequest(outcome.request);
        const { request } = outcome;
        if (request.grantedAt !== undefined && request.endedAt !== undefined)
          await hooks.sessionEnded?.(request);
        report.requests += 1;
        report.byOutcome[outcome.name] = (report.byOutcome[outcome.name] ?? 0) + 1;
      }
    }),
  );
  return report;
}

/** The demo users as callers (people, never admins or auditors here), by user id. */
async function callersOf(org: DemoOrg, backend: ApiBackend): Promise<Map<string, CallerIdentity>> {
  const callers = new Map<string, CallerIdentity>();
  for (const { userName } of org.users) {
    const user = await backend.ports.directory.findUserByUserName(userName);
    if (!user) continue;
    callers.set(user.id, {
      userId: user.id,
      userName: user.userName,
      email: user.email ?? '',
      ...(user.displayName !== undefined && { displayName: user.displayName }),
      groupIds: await backend.ports.directory.groupIdsOfUser(user.id),
      isAdmin: false,
      isAuditor: false,
    });
  }
  return callers;
}

/** Lives one planned request through the use cases; its final state and how it ended. */
async function live(
  plan: Plan,
  { backend, clock }: HistoryWorker,
  callers: ReadonlyMap<string, CallerIdentity>,
): Promise<{ request: AccessRequest; name: string } | undefined> {
  const rand = seededRandom(plan.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;
  const { usecases, ports } = backend;
  const transition = makeApplySystemTransition({ requests: ports.requests, clock });
  const at = <T>(time: number, work: () => Promise<T>): Promise<T> => {
    clock.set(time);
    return work();
  };
  const expire = async (pending: AccessRequest) => ({
    request: await at(Date.parse(pending.expiresAt ?? pending.createdAt), () =>
      transition(pending, 'expire'),
    ),
    name: 'expired',
  });
  const { caller, ticketRequired } = plan.requester;
  const { account, permissionSet, created, n } = plan;
  const hours = Math.max(1, Math.min(permissionSet.maxDurationHours, pick([1, 1, 2, 2, 4, 8])));
  const justification = pick(JUSTIFICATIONS).replace('{n}', String(n));
  const roll = rand();
  let request =
    permissionSet.breakGlass && roll < 0.04
      ? await at(created, () =>
          usecases.createBreakGlassRequest(caller, {
            accountId: account.id,
            permissionSetArn: permissionSet.arn,
            durationHours: 1,
            justification,
            incident: `INC-${n}`,
          }),
        )
      : await at(created, () =>
          usecases.createRequest(caller, {
            accountId: account.id,
            permissionSetArn: permissionSet.arn,
            durationHours: hours,
            justification,
            ...((ticketRequired || rand() < 0.3) && { ticketNo: `CHG-${n}` }),
          }),
        );
  let time = created;

  if (request.status === 'pending' && request.approvalRequired) {
    const decisionDelay = pick([2, 4, 6, 10, 15, 30, 45, 90, 180]) * MINUTE + Math.floor(rand() * MINUTE);
    // Decided before it would expire (the demo's expiry may be short).
    const expires = request.expiresAt ? Date.parse(request.expiresAt) : Infinity;
    time = Math.min(time + decisionDelay, created + Math.floor((expires - created) * 0.8));
    if (roll < 0.07) return expire(request);
    if (roll < 0.13) {
      const cancelled = await at(time, () => usecases.cancelRequest(caller, { requestId: request.id }));
      return { request: cancelled, name: 'cancelled' };
    }
    const approvers = request.approvers
      .map((a) => callers.get(a.id))
      .filter((c): c is CallerIdentity => c !== undefined);
    if (approvers.length === 0) return expire(request);
    if (roll < 0.23) {
      const rejected = await at(time, () =>
        usecases.rejectRequest(pick(approvers), { requestId: request.id, comment: pick(REJECTIONS) }),
      );
      return { request: rejected, name: 'rejected' };
    }
    // Each approver in turn until the approval is complete (staged approvals need several).
    for (const approver of approvers) {
      if (request.status !== 'pending') break;
      try {
        request = await at(time, () =>
          usecases.approveRequest(approver, { requestId: request.id, comment: pick(COMMENTS) }),
        );
      } catch {
        // Not an approver of the stage open now: the next one is.
        continue;
      }
      time += pick([1, 3, 8]) * MINUTE;
    }
    // Nobody who could approve its open stage: it expired, as it would have.
    if (request.status === 'pending') return expire(request);
  }

  // The workflow: scheduled at once, granted a few seconds later (Identity Center), ended at its
  // time — or revoked, extended, failed.
  request = await at(time + 500, () => transition(request, 'schedule'));
  const grantedAt = time + (4 + Math.floor(rand() * 30)) * 1000;
  if (roll > 0.985) {
    const failed = await at(grantedAt, () =>
      transition(request, 'fail', {
        errorReason: 'Identity Center could not grant the access: ConflictException',
      }),
    );
    return { request: failed, name: 'error' };
  }
  request = await at(grantedAt, () =>
    transition(request, 'start', { at: new Date(grantedAt).toISOString() }),
  );
  let end = grantedAt + request.durationHours * HOUR;
  const firstApprover = request.approvers[0] ? callers.get(request.approvers[0].id) : undefined;
  if (roll > 0.9 && roll <= 0.95 && (permissionSet.maxTotalHours ?? 0) > request.durationHours) {
    const extendAt = grantedAt + Math.floor(request.durationHours * HOUR * 0.7);
    request = await at(extendAt, () =>
      usecases.extendRequest(caller, {
        requestId: request.id,
        hours: 1,
        reason: 'Need one more hour to finish',
      }),
    );
    const extension = request.extensions?.at(-1);
    if (extension?.status === 'pending' && firstApprover) {
      request = await at(extendAt + 5 * MINUTE, () =>
        usecases.approveExtension(firstApprover, {
          requestId: request.id,
          extensionId: extension.id,
          comment: 'OK',
        }),
      );
    }
    if (request.extensions?.at(-1)?.status === 'approved') end += HOUR;
  }
  if (roll > 0.95 && roll <= 0.985) {
    const revokeAt = grantedAt + Math.floor((end - grantedAt) * 0.4);
    request = await at(revokeAt, () =>
      usecases.revokeRequest(caller, { requestId: request.id, comment: 'Done early.' }),
    );
    const ended = await at(revokeAt + 3000, () =>
      transition(request, 'end', { at: new Date(revokeAt + 3000).toISOString() }),
    );
    return { request: ended, name: 'revoked' };
  }
  request = await at(end, () => transition(request, 'end', { at: new Date(end).toISOString() }));
  if (
    request.breakGlass !== undefined &&
    request.review?.state === 'needed' &&
    roll < 0.02 &&
    firstApprover
  ) {
    request = await at(end + 2 * HOUR, () =>
      usecases.reviewRequest(firstApprover, {
        requestId: request.id,
        state: 'acknowledged',
        comment: 'Checked the session log.',
      }),
    );
  }
  return { request, name: request.breakGlass ? 'break-glass' : 'ended' };
}

/**
 * Generates `days` of history ending before `now` through an api composed over its own clock
 * (the same tables and services as the local cloud's), and says how long it took.
 */
export async function pastRequests(
  org: DemoOrg,
  days: number,
  now: number,
  overrides: Pick<ApiOverrides, 'sessionLogFollower' | 'reconciler'>,
  hooks: HistoryHooks = {},
  parallel = HISTORY_WORKERS,
): Promise<HistoryReport> {
  const workers = Array.from({ length: parallel }, () => {
    const clock = new HistoryClock(now);
    return { clock, backend: composeApi({ ...overrides, clock }) };
  });
  try {
    const started = performance.now();
    const report = await generateDemoHistory(
      org,
      workers,
      workers[0]!.backend.ports.aggregates,
      {
        days,
        now: new Date(now),
      },
      hooks,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Demo history: ${report.requests} requests over ${days} days (${seconds} s).`);
    return report;
  } finally {
    for (const worker of workers) worker.backend.close();
  }
}
