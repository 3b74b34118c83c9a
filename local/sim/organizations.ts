import { AwsServiceError, type Operation } from '../common/aws-json-server';
import { PATTERNS } from './ids';
import { epochSeconds, InputReader, paginate } from './service-kit';
import type { OrgState, SimAccount, SimOu } from './state';

/** AWS Organizations API (`AWSOrganizationsV20161128`, AWS JSON 1.1), read-only. */

export const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128';
const INVALID = 'InvalidInputException';
/** Organizations' list operations accept at most 20 results per page. */
const PAGE_MAX = 20;

const parentPattern = new RegExp(`${PATTERNS.rootId.source}|${PATTERNS.ouId.source}`);
const childPattern = new RegExp(`${PATTERNS.accountId.source}|${PATTERNS.ouId.source}`);

/** The operations of the organizations simulator over `state`. */
export function organizationsOperations(state: OrgState): Record<string, Operation> {
  const reader = (input: Record<string, unknown>) =>
    new InputReader(input, INVALID, { Reason: 'INVALID_PATTERN' });
  const mgmt = state.organization.managementAccountId;
  const orgArn = () => `arn:aws:organizations::${mgmt}:organization/${state.organization.id}`;
  const accountOut = (a: SimAccount) => ({
    Id: a.id,
    Arn: `arn:aws:organizations::${mgmt}:account/${state.organization.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status === 'ACTIVE' ? 'ACTIVE' : a.status === 'SUSPENDED' ? 'SUSPENDED' : 'PENDING_CLOSURE',
    JoinedMethod: a.id === mgmt ? 'CREATED' : 'INVITED',
    JoinedTimestamp: epochSeconds(a.joinedAt),
  });
  const ouOut = (o: SimOu) => ({
    Id: o.id,
    Arn: `arn:aws:organizations::${mgmt}:ou/${state.organization.id}/${o.id}`,
    Name: o.name,
    Path: state.pathOf(o.id),
  });
  const page = <T>(items: readonly T[], input: Record<string, unknown>, scope: string) =>
    paginate(items, input, {
      max: PAGE_MAX,
      scope,
      errorType: INVALID,
      errorDetails: { Reason: 'INVALID_NEXT_TOKEN' },
    });
  const parentOf = (r: InputReader) => {
    const id = r.string('ParentId', parentPattern);
    if (!state.isParent(id)) {
      throw new AwsServiceError(
        'ParentNotFoundException',
        `We can't find a root or OU with the ParentId ${id}.`,
      );
    }
    return id;
  };
  const accountsUnder = (parentId: string) =>
    state.childrenOf(parentId, 'ACCOUNT').flatMap((id) => {
      const a = state.accounts.get(id);
      return a ? [a] : [];
    });
  const ousUnder = (parentId: string) =>
    state.childrenOf(parentId, 'ORGANIZATIONAL_UNIT').flatMap((id) => {
      const o = state.ous.get(id);
      return o ? [o] : [];
    });

  return {
    DescribeOrganization: () => ({
      Organization: {
        Id: state.organization.id,
        Arn: orgArn(),
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${mgmt}:account/${state.organization.id}/${mgmt}`,
        MasterAccountId: mgmt,
        MasterAccountEmail: state.organization.managementAccountEmail,
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    }),

    ListRoots: (input) => {
      const { page: items, nextToken } = page([state.root], input, 'roots');
      return {
        Roots: items.map((root) => ({
          Id: root.id,
          Arn: `arn:aws:organizations::${mgmt}:root/${state.organization.id}/${root.id}`,
          Name: root.name,
          PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        })),
        NextToken: nextToken,
      };
    },

    ListAccounts: (input) => {
      const { page: items, nextToken } = page([...state.accounts.values()], input, 'accounts');
      return { Accounts: items.map(accountOut), NextToken: nextToken };
    },

    DescribeAccount: (input) => {
      const id = reader(input).string('AccountId', PATTERNS.accountId);
      const account = state.accounts.get(id);
      if (!account) {
        throw new AwsServiceError('AccountNotFoundException', `You specified an account that doesn't exist.`);
      }
      return { Account: accountOut(account) };
    },

    ListOrganizationalUnitsForParent: (input) => {
      const parentId = parentOf(reader(input));
      const { page: items, nextToken } = page(ousUnder(parentId), input, `ous:${parentId}`);
      return { OrganizationalUnits: items.map(ouOut), NextToken: nextToken };
    },

    ListAccountsForParent: (input) => {
      const parentId = parentOf(reader(input));
      const { page: items, nextToken } = page(accountsUnder(parentId), input, `accounts:${parentId}`);
      return { Accounts: items.map(accountOut), NextToken: nextToken };
    },

    ListParents: (input) => {
      const childId = reader(input).string('ChildId', childPattern);
      const parentId = state.accounts.get(childId)?.parentId ?? state.ous.get(childId)?.parentId;
      if (!parentId) {
        throw new AwsServiceError(
          'ChildNotFoundException',
          `We can't find an organizational unit (OU) or AWS account with the ChildId ${childId}.`,
        );
      }
      const { page: items, nextToken } = page([parentId], input, `parents:${childId}`);
      return {
        Parents: items.map((id) => ({ Id: id, Type: id === state.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })),
        NextToken: nextToken,
      };
    },

    DescribeOrganizationalUnit: (input) => {
      const id = reader(input).string('OrganizationalUnitId', PATTERNS.ouId);
      const ou = state.ous.get(id);
      if (!ou) {
        throw new AwsServiceError(
          'OrganizationalUnitNotFoundException',
          `We can't find an organizational unit (OU) with the ID ${id}.`,
        );
      }
      return { OrganizationalUnit: ouOut(ou) };
    },

    ListChildren: (input) => {
      const r = new InputReader(input, INVALID, { Reason: 'INVALID_ENUM' });
      const childType = r.oneOf('ChildType', ['ACCOUNT', 'ORGANIZATIONAL_UNIT'] as const);
      const parentId = parentOf(reader(input));
      const ids = state.childrenOf(parentId, childType);
      const { page: items, nextToken } = page(ids, input, `children:${parentId}:${childType}`);
      return { Children: items.map((id) => ({ Id: id, Type: childType })), NextToken: nextToken };
    },
  };
}
