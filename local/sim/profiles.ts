/**
 * How fast the simulated Identity Center is. `fast` (the default, for tests and `npm start`)
 * ends every account assignment 50 ms after it is asked for and never throttles. `realistic`
 * (the benchmarks' default) behaves as Identity Center does, as far as public sources and
 * measurements tell (docs/performance.md, "Identity Center at real speed"):
 *
 * - a create or delete ends after a delay drawn from a log-normal distribution with a median of
 *   3 s, clipped to 1–10 s;
 * - a creation that must first provision the permission set to the account (its IAM role does
 *   not exist there yet) takes 5–15 s longer;
 * - every sso-admin, Identity Store and Organizations call takes 50 ms (an in-region AWS API
 *   round trip);
 * - the sso-admin API accepts 20 calls per second in all and 15 create/delete operations in
 *   progress at once (the documented quotas); beyond either it answers ThrottlingException.
 */
import { seededRandom } from './ids';
import type { AssignmentKnobs, AssignmentOperationKind } from './state';
import type { SimulatedService } from './service-kit';

export type IdentityCenterProfileName = 'fast' | 'realistic';

export const IDENTITY_CENTER_PROFILES: readonly IdentityCenterProfileName[] = ['fast', 'realistic'];

/** The realistic profile's figures, named so the docs and the benchmark can print them. */
export const REALISTIC_IDENTITY_CENTER = {
  medianMs: 3000,
  /** Spread of the log-normal (σ of the natural logarithm). */
  sigma: 0.55,
  minMs: 1000,
  maxMs: 10_000,
  /** Extra time of a creation that provisions the permission set to the account first. */
  firstInAccountMs: [5000, 15_000],
  callLatencyMs: 50,
  /** sso-admin calls per second, all callers together. */
  ssoAdminCallsPerSecond: 20,
  /** Create/delete operations in progress at once. */
  maxInFlight: 15,
} as const;

/**
 * The status-check pauses the workflow tasks use against each profile: the deployed schedule
 * (`DEFAULT_POLL_DELAYS_MS`, tuned to Identity Center's seconds) for the realistic one, and a
 * schedule tuned to 50 ms for the fast one, so `npm start` and the tests do not wait seconds
 * for an assignment that ended long before.
 */
export const POLL_DELAYS_MS: Record<IdentityCenterProfileName, readonly number[] | undefined> = {
  fast: [100, 200, 400, 800, 1600, 3200],
  realistic: undefined,
};

/** A standard normal draw (Box–Muller) from a uniform source. */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The realistic profile's time for one operation, drawn from `random` (uniform in [0, 1)).
 * Exported for the distribution's own test and the benchmark's description of it.
 */
export function realisticAssignmentDelayMs(
  random: () => number,
  kind: AssignmentOperationKind,
  context: { firstInAccount: boolean },
): number {
  const r = REALISTIC_IDENTITY_CENTER;
  const base = Math.exp(Math.log(r.medianMs) + r.sigma * normal(random));
  const clipped = Math.min(r.maxMs, Math.max(r.minMs, base));
  if (kind !== 'CREATE' || !context.firstInAccount) return Math.round(clipped);
  const [low, high] = r.firstInAccountMs;
  return Math.round(clipped + low + random() * (high - low));
}

interface ProfileTargets {
  assignmentKnobs: AssignmentKnobs;
  ssoAdmin: SimulatedService;
  identityStore: SimulatedService;
  organizations: SimulatedService;
}

/**
 * Puts the simulators on a profile (their other fault knobs are left as they are). `seed` makes
 * the realistic draws reproducible.
 */
export function applyIdentityCenterProfile(
  targets: ProfileTargets,
  name: IdentityCenterProfileName,
  seed = 20261207,
): void {
  const services = [targets.ssoAdmin, targets.identityStore, targets.organizations];
  if (name === 'fast') {
    Object.assign(targets.assignmentKnobs, {
      completionDelayMs: 50,
      drawDelayMs: undefined,
      maxInFlight: undefined,
    } satisfies Partial<AssignmentKnobs>);
    for (const service of services) service.setFaults({ latencyMs: 0, callsPerSecond: 0 });
    return;
  }
  const random = seededRandom(seed);
  const r = REALISTIC_IDENTITY_CENTER;
  Object.assign(targets.assignmentKnobs, {
    drawDelayMs: (kind, context) => realisticAssignmentDelayMs(random, kind, context),
    maxInFlight: r.maxInFlight,
  } satisfies Partial<AssignmentKnobs>);
  for (const service of services) service.setFaults({ latencyMs: r.callLatencyMs });
  targets.ssoAdmin.setFaults({ callsPerSecond: r.ssoAdminCallsPerSecond });
}
