import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
} from '@aws-sdk/client-organizations';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOrg, sdkClientConfig, startSimulators, type Simulators } from '../../../local/sim';

const org = loadDemoOrg();
const ouId = (name: string) => org.ous.find((o) => o.name === name)?.id ?? '';
const rootId = org.organization.root.id;

let sims: Simulators;
let client: OrganizationsClient;
const sleeps: number[] = [];

beforeAll(async () => {
  sims = await startSimulators({ seed: 3, sleep: async (ms) => void sleeps.push(ms) });
  client = new OrganizationsClient(sdkClientConfig(sims.organizations.url));
});

afterEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
  sleeps.length = 0;
});

afterAll(async () => {
  client?.destroy();
  await sims?.stop();
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { Reason?: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

describe('organization tree', () => {
  it('describes the organization and its root', async () => {
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({
      Id: org.organization.id,
      MasterAccountId: org.organization.managementAccountId,
      FeatureSet: 'ALL',
      Arn: `arn:aws:organizations::${org.organization.managementAccountId}:organization/${org.organization.id}`,
    });
    const roots = await client.send(new ListRootsCommand({}));
    expect(roots.Roots).toEqual([expect.objectContaining({ Id: rootId, Name: 'Root' })]);
    expect(rootId).toMatch(/^r-[0-9a-z]{4}$/);
  });

  it('walks OUs and accounts; OU listings are direct children only', async () => {
    const top = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    expect(top.OrganizationalUnits?.map((o) => o.Name)).toEqual([
      'Security',
      'Production',
      'NonProduction',
      'Sandbox',
    ]);
    for (const o of top.OrganizationalUnits ?? []) expect(o.Id).toMatch(/^ou-[0-9a-z]{4}-[0-9a-z]{8}$/);

    const nonProd = ouId('NonProduction');
    const nested = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: nonProd }));
    expect(nested.OrganizationalUnits?.map((o) => o.Name)).toEqual(['Development']);
    expect(nested.OrganizationalUnits?.[0]?.Path).toBe(
      `${org.organization.id}/${rootId}/${nonProd}/${ouId('Development')}/`,
    );

    const direct = await client.send(new ListAccountsForParentCommand({ ParentId: nonProd }));
    expect(direct.Accounts?.map((a) => a.Name)).toEqual(['Payments Staging', 'Customer Portal Staging']);

    const children = await client.send(
      new ListChildrenCommand({ ParentId: nonProd, ChildType: 'ORGANIZATIONAL_UNIT' }),
    );
    expect(children.Children).toEqual([{ Id: ouId('Development'), Type: 'ORGANIZATIONAL_UNIT' }]);
    const accountChildren = await client.send(
      new ListChildrenCommand({ ParentId: rootId, ChildType: 'ACCOUNT' }),
    );
    expect(accountChildren.Children).toEqual([{ Id: org.organization.managementAccountId, Type: 'ACCOUNT' }]);
  });

  it('describes accounts and OUs and lists parents', async () => {
    const devTools = org.accounts.find((a) => a.name === 'Developer Tools');
    const { Account } = await client.send(new DescribeAccountCommand({ AccountId: devTools?.id }));
    expect(Account).toMatchObject({
      Id: devTools?.id,
      Name: 'Developer Tools',
      Email: devTools?.email,
      Status: 'ACTIVE',
      JoinedTimestamp: expect.any(Date),
    });
    const parents = await client.send(new ListParentsCommand({ ChildId: devTools?.id }));
    expect(parents.Parents).toEqual([{ Id: ouId('Development'), Type: 'ORGANIZATIONAL_UNIT' }]);
    const ouParents = await client.send(new ListParentsCommand({ ChildId: ouId('Production') }));
    expect(ouParents.Parents).toEqual([{ Id: rootId, Type: 'ROOT' }]);

    const { OrganizationalUnit } = await client.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId('Sandbox') }),
    );
    expect(OrganizationalUnit).toMatchObject({ Id: ouId('Sandbox'), Name: 'Sandbox' });
  });

  it('answers with the real error types', async () => {
    expect((await errorOf(client.send(new DescribeAccountCommand({ AccountId: '999999999999' })))).name).toBe(
      'AccountNotFoundException',
    );
    expect(
      (await errorOf(client.send(new ListAccountsForParentCommand({ ParentId: 'ou-q7k2-zzzzzzzz' })))).name,
    ).toBe('ParentNotFoundException');
    expect((await errorOf(client.send(new ListParentsCommand({ ChildId: '999999999999' })))).name).toBe(
      'ChildNotFoundException',
    );
    expect(
      (
        await errorOf(
          client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-q7k2-zzzzzzzz' })),
        )
      ).name,
    ).toBe('OrganizationalUnitNotFoundException');
    const invalid = await errorOf(client.send(new DescribeAccountCommand({ AccountId: 'abc' })));
    expect(invalid.name).toBe('InvalidInputException');
    expect(invalid.Reason).toBe('INVALID_PATTERN');
    const tooMany = await errorOf(client.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.name).toBe('InvalidInputException');
  });

  it('sees accounts and OUs added or moved through the state', async () => {
    const ou = sims.state.addOu({ name: 'Experiments', parentId: ouId('Sandbox') });
    const acct = sims.state.addAccount({ name: 'Experiment One', parentId: ou.id });
    try {
      expect(ou.id).toMatch(/^ou-q7k2-[0-9a-z]{8}$/);
      expect(acct.id).toMatch(/^\d{12}$/);
      const listed = await client.send(new ListAccountsForParentCommand({ ParentId: ou.id }));
      expect(listed.Accounts?.map((a) => a.Id)).toEqual([acct.id]);
      sims.state.moveAccount(acct.id, ouId('Sandbox'));
      const parents = await client.send(new ListParentsCommand({ ChildId: acct.id }));
      expect(parents.Parents?.[0]?.Id).toBe(ouId('Sandbox'));
    } finally {
      sims.state.removeAccount(acct.id);
      sims.state.removeOu(ou.id);
    }
  });
});

describe('pagination', () => {
  it('pages 250+ accounts 20 at a time', async () => {
    const ou = sims.state.addOu({ name: 'Bulk' });
    const added = Array.from({ length: 255 }, (_, i) =>
      sims.state.addAccount({ name: `Bulk ${i}`, parentId: ou.id }),
    );
    try {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListAccounts({ client }, {})) {
        pages++;
        expect(page.Accounts?.length).toBeLessThanOrEqual(20);
        seen.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
      }
      const total = org.accounts.length + 255;
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect(pages).toBe(Math.ceil(total / 20));

      const underOu: string[] = [];
      for await (const page of paginateListAccountsForParent({ client, pageSize: 7 }, { ParentId: ou.id })) {
        underOu.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
      }
      expect(underOu).toEqual(added.map((a) => a.id));

      const bad = await errorOf(client.send(new ListAccountsCommand({ NextToken: 'bm9wZQ' })));
      expect(bad.name).toBe('InvalidInputException');
      expect(bad.Reason).toBe('INVALID_NEXT_TOKEN');
    } finally {
      for (const a of added) sims.state.removeAccount(a.id);
      sims.state.removeOu(ou.id);
    }
  });
});

describe('fault knobs', () => {
  it('throttles with TooManyRequestsException', async () => {
    sims.organizations.setFaults({ throttleRate: 1 });
    expect((await errorOf(client.send(new ListRootsCommand({})))).name).toBe('TooManyRequestsException');
  });

  it('fails with ServiceException at the error rate', async () => {
    sims.organizations.setFaults({ errorRate: 1, operations: ['ListAccounts'] });
    const err = await errorOf(client.send(new ListAccountsCommand({})));
    expect(err.name).toBe('ServiceException');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    await client.send(new ListRootsCommand({}));
  });

  it('applies latency per call', async () => {
    sims.organizations.setFaults({ latencyMs: 40 });
    await client.send(new ListRootsCommand({}));
    await client.send(new DescribeOrganizationCommand({}));
    expect(sleeps).toEqual([40, 40]);
    expect(sims.organizations.calls()).toEqual({ ListRoots: 1, DescribeOrganization: 1 });
  });
});
