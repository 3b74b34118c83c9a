import type { CallerIdentity, SettingsFallback } from '../../lambdas/core/types';
import { FixedClock, SequentialIds } from './clock';
import { DEMO, demoOrg, demoPolicies, type OrgDescription } from './demo-org';
import { FakeDirectory, FakeOrganization } from './directory';
import { InMemoryGrantRepository } from './grants';
import { InMemoryPolicyRepository } from './policies';
import { InMemoryRequestRepository } from './requests';
import { InMemorySecretStore, InMemorySettingsRepository } from './settings';

export type Persona = keyof typeof DEMO.users;

/** Every port faked, wired over one org, plus a signed-in caller per demo persona. */
export interface TestWorld {
  clock: FixedClock;
  ids: SequentialIds;
  requests: InMemoryRequestRepository;
  policies: InMemoryPolicyRepository;
  settings: InMemorySettingsRepository;
  secrets: InMemorySecretStore;
  directory: FakeDirectory;
  organization: FakeOrganization;
  grants: InMemoryGrantRepository;
  /** Deployment-config fallback for the admin and auditor group names. */
  fallback: SettingsFallback;
  org: OrgDescription;
  callers: Record<Persona, CallerIdentity>;
  /** A caller for any persona as the token would describe them at sign-in. */
  callerFor(persona: Persona): CallerIdentity;
}

export interface TestWorldOptions {
  /** Seed the starter eligibility and approver policies (default true). */
  seedPolicies?: boolean;
  start?: Date | string;
  org?: OrgDescription;
}

/**
 * A fresh world of fakes over the demo organization (see demoOrg.ts for who is who). Settings
 * start unsaved, so the defaults apply (approval on, comments and ticket required, 9 h max).
 */
export function makeTestWorld(options: TestWorldOptions = {}): TestWorld {
  const org = options.org ?? demoOrg();
  const policies = new InMemoryPolicyRepository();
  if (options.seedPolicies ?? true) policies.seed(demoPolicies());
  const fallback: SettingsFallback = { ...DEMO.deployment };

  const callerFor = (persona: Persona): CallerIdentity => {
    const user = DEMO.users[persona];
    // Like the pre-token-generation trigger: groups and personas from the directory at sign-in.
    const groupIds = Object.entries(org.memberships)
      .filter(([, members]) => members.includes(user.id))
      .map(([groupId]) => groupId);
    return {
      userId: user.id,
      userName: user.userName,
      email: user.email,
      displayName: user.displayName,
      groupIds,
      isAdmin: groupIds.includes(DEMO.groups.admins.id),
      isAuditor: groupIds.includes(DEMO.groups.auditors.id),
    };
  };
  const personas = Object.keys(DEMO.users) as Persona[];

  return {
    clock: new FixedClock(options.start),
    ids: new SequentialIds(),
    requests: new InMemoryRequestRepository(),
    policies,
    settings: new InMemorySettingsRepository(),
    secrets: new InMemorySecretStore(),
    directory: new FakeDirectory(org),
    organization: new FakeOrganization(org),
    grants: new InMemoryGrantRepository(),
    fallback,
    org,
    callers: Object.fromEntries(personas.map((p) => [p, callerFor(p)])) as Record<Persona, CallerIdentity>,
    callerFor,
  };
}
