import { loadDemoOrg, type DemoOrg } from './demo-org';
import { identityStoreOperations, IDENTITY_STORE_TARGET } from './identity-store';
import { organizationsOperations, ORGANIZATIONS_TARGET } from './organizations';
import { startSimulatedService, type SimulatedService } from './service-kit';
import { SSO_ADMIN_TARGET, ssoAdminOperations } from './sso-admin';
import { applyIdentityCenterProfile, type IdentityCenterProfileName } from './profiles';
import { defaultAssignmentKnobs, OrgState, type AssignmentKnobs } from './state';

/**
 * The IAM Identity Center (sso-admin), Identity Store and Organizations simulators: three
 * AWS JSON 1.1 servers on 127.0.0.1 over one shared `OrgState`, so the real SDK v3 clients
 * and TEAM's adapters run against them unchanged.
 */

export interface SsoAdminService extends SimulatedService {
  /** Completion delay and FAILED share of create/delete operations; mutable at any time. */
  assignmentKnobs: AssignmentKnobs;
  /** The next `n` create/delete operations end FAILED with `reason`. */
  failNextAssignments(n: number, reason?: string): void;
  /** Resolves once no create/delete operation is IN_PROGRESS. */
  settled(): Promise<void>;
}

export interface Simulators {
  ssoAdmin: SsoAdminService;
  identityStore: SimulatedService;
  organizations: SimulatedService;
  state: OrgState;
  /** Re-seeds the random source used for fault decisions and minted ids. */
  reseed(seed?: number): void;
  /** Sums of calls per service and operation. */
  calls(): Record<'ssoAdmin' | 'identityStore' | 'organizations', Record<string, number>>;
  resetCalls(): void;
  /** Clears every fault knob and the assignment knobs back to their defaults (the fast profile). */
  resetKnobs(): void;
  /** Puts the simulators on an Identity Center profile (`local/sim/profiles.ts`); `seed` fixes its draws. */
  useProfile(name: IdentityCenterProfileName, seed?: number): void;
  stop(): Promise<void>;
}

export interface StartSimulatorsOptions {
  /** The organization to start from (default: `local/demo-org.json`). */
  org?: DemoOrg;
  ports?: { ssoAdmin?: number; identityStore?: number; organizations?: number };
  /** Seed for reproducible fault decisions and ids; Math.random when omitted. */
  seed?: number;
  /** Waits the injected latency; tests can pass a fake to observe latency without timing. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** How fast Identity Center is (default `fast`: 50 ms per assignment, no throttling). */
  profile?: IdentityCenterProfileName;
}

/** Starts the three simulators on free loopback ports (or the given ones). */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Simulators> {
  const org = options.org ?? loadDemoOrg();
  const state = new OrgState(org, { seed: options.seed, now: options.now });
  const common = { random: state.random, sleep: options.sleep };
  const started: SimulatedService[] = [];
  try {
    const sso = await startSimulatedService({
      ...common,
      targetPrefix: SSO_ADMIN_TARGET,
      operations: ssoAdminOperations(state),
      throttlingError: 'ThrottlingException',
      internalError: 'InternalServerException',
      port: options.ports?.ssoAdmin,
    });
    started.push(sso);
    const identityStore = await startSimulatedService({
      ...common,
      targetPrefix: IDENTITY_STORE_TARGET,
      operations: identityStoreOperations(state),
      throttlingError: 'ThrottlingException',
      internalError: 'InternalServerException',
      port: options.ports?.identityStore,
    });
    started.push(identityStore);
    const organizations = await startSimulatedService({
      ...common,
      targetPrefix: ORGANIZATIONS_TARGET,
      operations: organizationsOperations(state),
      throttlingError: 'TooManyRequestsException',
      internalError: 'ServiceException',
      port: options.ports?.organizations,
    });
    started.push(organizations);

    const ssoAdmin: SsoAdminService = Object.assign(sso, {
      assignmentKnobs: state.assignmentKnobs,
      failNextAssignments: (n: number, reason?: string) => state.failNextAssignments(n, reason),
      settled: () => state.assignmentsSettled(),
    });
    const useProfile = (name: IdentityCenterProfileName, seed?: number) =>
      applyIdentityCenterProfile(
        { assignmentKnobs: state.assignmentKnobs, ssoAdmin, identityStore, organizations },
        name,
        seed,
      );
    if (options.profile) useProfile(options.profile, options.seed);
    return {
      ssoAdmin,
      identityStore,
      organizations,
      state,
      reseed: (seed) => state.random.reseed(seed),
      calls: () => ({
        ssoAdmin: ssoAdmin.calls(),
        identityStore: identityStore.calls(),
        organizations: organizations.calls(),
      }),
      resetCalls: () => started.forEach((s) => s.resetCalls()),
      resetKnobs: () => {
        started.forEach((s) => s.resetFaults());
        Object.assign(state.assignmentKnobs, defaultAssignmentKnobs());
        state.clearForcedFailures();
      },
      useProfile,
      stop: async () => {
        state.dispose();
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (err) {
    state.dispose();
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}

/** SDK v3 client configuration for a simulator URL (tests and the local cloud). */
export function sdkClientConfig(url: string) {
  return {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}

export { OrgState } from './state';
export {
  IDENTITY_CENTER_PROFILES,
  POLL_DELAYS_MS,
  REALISTIC_IDENTITY_CENTER,
  realisticAssignmentDelayMs,
  type IdentityCenterProfileName,
} from './profiles';
export type {
  Assignment,
  AssignmentFault,
  AssignmentFaultPlan,
  AssignmentKnobs,
  AssignmentOperation,
  SimAccount,
  SimGroup,
  SimMembership,
  SimOu,
  SimPermissionSet,
  SimUser,
} from './state';
export type { SimulatedService } from './service-kit';
export {
  DEFAULT_DEMO_ORG_PATH,
  demoOrgSchema,
  loadDemoOrg,
  parseDemoOrg,
  type DemoApproverPolicy,
  type DemoEligibilityPolicy,
  type DemoOrg,
} from './demo-org';
