/**
 * What one createRequest costs in Identity Center, Identity Store and Organizations calls, with
 * the real adapters against the simulators (repositories in memory): the figure the workflow
 * benchmark adds to every request.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { approverPolicyFrom, eligibilityPolicyFrom } from '../../lambdas/core/policies/stored-policies';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdentityCenterDirectory } from '../../lambdas/adapters/identity-center';
import { AwsOrganization } from '../../lambdas/adapters/organizations';
import { makeCreateRequest } from '../../lambdas/core/requests/create-request';
import type { CallerIdentity } from '../../lambdas/core/types';
import { loadDemoOrg, sdkClientConfig, startSimulators, type Simulators } from '../../local/sim';
import { FixedClock, SequentialIds } from '../fakes/clock';
import { InMemoryPolicyRepository } from '../fakes/policies';
import { InMemoryRequestRepository } from '../fakes/requests';
import { InMemorySettingsRepository } from '../fakes/settings';

const demo = loadDemoOrg();
const STAGING = '745240316957'; // NonProduction: TEAM-Users' OU policy, NonProduction approvers
const SANDBOX_A = '118573649280'; // named in Hiroshi's own policy
const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-82575ec87a171ac8';
const POWER_USER = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-62179273c8eb5bb6';
const FORM = { durationHours: 1, justification: 'Counting calls', ticketNo: 'CALLS-1' };

let sims: Simulators;
let clients: {
  identityStore: IdentitystoreClient;
  ssoAdmin: SSOAdminClient;
  organizations: OrganizationsClient;
};

beforeAll(async () => {
  sims = await startSimulators({ seed: 5 });
  clients = {
    identityStore: new IdentitystoreClient(sdkClientConfig(sims.identityStore.url)),
    ssoAdmin: new SSOAdminClient(sdkClientConfig(sims.ssoAdmin.url)),
    organizations: new OrganizationsClient(sdkClientConfig(sims.organizations.url)),
  };
});

afterAll(async () => {
  clients.identityStore.destroy();
  clients.ssoAdmin.destroy();
  clients.organizations.destroy();
  await sims.stop();
});

beforeEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
});

function caller(userName: string): CallerIdentity {
  const user = demo.users.find((u) => u.userName === userName);
  if (!user) throw new Error(`no demo user ${userName}`);
  return {
    userId: user.id,
    userName,
    email: user.email ?? userName,
    displayName: user.displayName,
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
  };
}

/** A warm api container: the adapters as the handlers wire them, policies from the demo org. */
function container(options: { managementAccountId?: string } = {}) {
  const clock = new FixedClock();
  const policies = new InMemoryPolicyRepository();
  const stamp = { updatedAt: clock.iso(), updatedBy: 'admin@example.com' };
  policies.seed({
    eligibility: demo.policies.eligibility.map((p) => eligibilityPolicyFrom({ ...p, ...stamp })),
    approvers: demo.policies.approvers.map((p) => approverPolicyFrom({ ...p, ...stamp })),
  });
  const create = makeCreateRequest({
    requests: new InMemoryRequestRepository(),
    policies,
    settings: new InMemorySettingsRepository(),
    directory: new IdentityCenterDirectory(clients, {
      instanceArn: demo.identityCenter.instanceArn,
      identityStoreId: demo.identityCenter.identityStoreId,
      clock,
    }),
    organization: new AwsOrganization(clients.organizations, { clock, ...options }),
    clock,
    ids: new SequentialIds(),
  });
  return { clock, create };
}

describe('createRequest against the simulators', () => {
  it('costs 9 calls for a request covered by an OU policy in a cold container: one ListParents for the OU above the account', async () => {
    const { create } = container({ managementAccountId: demo.organization.managementAccountId });
    const request = await create(caller('alice.nguyen@example.com'), {
      accountId: STAGING,
      permissionSetArn: READ_ONLY,
      ...FORM,
    });
    expect(request).toMatchObject({ accountName: 'Payments Staging', approvalRequired: true });
    expect(request.approvers).toHaveLength(3);
    expect(sims.calls()).toEqual({
      identityStore: { ListGroupMembershipsForMember: 1, ListGroupMemberships: 1, DescribeUser: 3 },
      ssoAdmin: { ListPermissionSetsProvisionedToAccount: 1, DescribePermissionSet: 1 },
      // The listing of NonProduction also says where the account sits; where NonProduction sits
      // (for approver policies of OUs above it) is asked once and remembered.
      organizations: { ListAccountsForParent: 1, ListParents: 1 },
    });
  });

  it('asks only what must be live for the next request in the same warm container', async () => {
    const { clock, create } = container({ managementAccountId: demo.organization.managementAccountId });
    const alice = caller('alice.nguyen@example.com');
    await create(alice, { accountId: STAGING, permissionSetArn: READ_ONLY, ...FORM });
    sims.resetCalls();
    clock.advance({ minutes: 1 });

    await create(alice, { accountId: STAGING, permissionSetArn: READ_ONLY, ...FORM });
    expect(sims.calls()).toEqual({
      // The requester's groups and the approver group's members, always live.
      identityStore: { ListGroupMembershipsForMember: 1, ListGroupMemberships: 1 },
      ssoAdmin: {},
      organizations: { ListAccountsForParent: 1 },
    });
  });

  it('asks for the parent once when a policy names the account, and once where that OU sits', async () => {
    const { create } = container();
    const request = await create(caller('hiroshi.sato@example.com'), {
      accountId: SANDBOX_A,
      permissionSetArn: POWER_USER,
      ...FORM,
    });
    expect(request).toMatchObject({ accountName: 'Sandbox Team A', approvalRequired: false });
    expect(request.approvers.map((a) => a.email).sort()).toEqual([
      'bob.martin@example.com',
      'carol.smith@example.com',
      'ivan.petrov@example.com',
    ]);
    expect(sims.calls().organizations).toEqual({ DescribeOrganization: 1, ListParents: 2 });
  });
});
