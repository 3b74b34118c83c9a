import { AwsServiceError, type Operation } from '../common/aws-json-server';
import { PATTERNS } from './ids';
import { epochSeconds, InputReader, paginate } from './service-kit';
import type { OrgState, SimGroup, SimMembership, SimUser } from './state';

/** Identity Store API (`AWSIdentityStore`, AWS JSON 1.1): users, groups, memberships. */

export const IDENTITY_STORE_TARGET = 'AWSIdentityStore';
const VALIDATION = 'ValidationException';
const PAGE_MAX = 100;

type ResourceType = 'USER' | 'GROUP' | 'GROUP_MEMBERSHIP' | 'IDENTITY_STORE';

const notFound = (type: ResourceType, id: string, what: string) =>
  new AwsServiceError('ResourceNotFoundException', `${what} not found`, 400, {
    ResourceType: type,
    ResourceId: id,
  });

/** The operations of the identitystore simulator over `state`. */
export function identityStoreOperations(state: OrgState): Record<string, Operation> {
  const reader = (input: Record<string, unknown>) => new InputReader(input, VALIDATION);
  const storeOf = (r: InputReader) => {
    const id = r.string('IdentityStoreId', PATTERNS.identityStoreId);
    if (id !== state.instance.identityStoreId) throw notFound('IDENTITY_STORE', id, `Identity store ${id}`);
    return id;
  };
  const userOut = (u: SimUser) => ({
    IdentityStoreId: state.instance.identityStoreId,
    UserId: u.id,
    UserName: u.userName,
    DisplayName: u.displayName,
    Name: {
      Formatted: u.displayName,
      ...(u.givenName ? { GivenName: u.givenName } : {}),
      ...(u.familyName ? { FamilyName: u.familyName } : {}),
    },
    ...(u.email ? { Emails: [{ Value: u.email, Type: 'work', Primary: true }] } : {}),
    UserStatus: 'ENABLED',
    CreatedAt: epochSeconds(u.createdAt),
    UpdatedAt: epochSeconds(u.createdAt),
  });
  const groupOut = (g: SimGroup) => ({
    IdentityStoreId: state.instance.identityStoreId,
    GroupId: g.id,
    DisplayName: g.displayName,
    ...(g.description ? { Description: g.description } : {}),
    CreatedAt: epochSeconds(g.createdAt),
    UpdatedAt: epochSeconds(g.createdAt),
  });
  const membershipOut = (m: SimMembership) => ({
    IdentityStoreId: state.instance.identityStoreId,
    MembershipId: m.membershipId,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
    CreatedAt: epochSeconds(m.createdAt),
  });
  const page = <T>(items: readonly T[], input: Record<string, unknown>, scope: string) =>
    paginate(items, input, { max: PAGE_MAX, scope, errorType: VALIDATION });
  const userOf = (id: string) => {
    const user = state.users.get(id);
    if (!user) throw notFound('USER', id, `User ${id}`);
    return user;
  };
  const groupOf = (id: string) => {
    const group = state.groups.get(id);
    if (!group) throw notFound('GROUP', id, `Group ${id}`);
    return group;
  };
  const memberOf = (r: InputReader) => r.nested('MemberId').string('UserId', PATTERNS.principalId);

  /** The value of a `UniqueAttribute` alternate identifier for one of the allowed paths. */
  const uniqueAttribute = (r: InputReader, paths: Record<string, (value: string) => string | undefined>) => {
    const alt: InputReader = r.nested('AlternateIdentifier');
    const unique = alt.optionalObject('UniqueAttribute');
    if (!unique) {
      // External ids come from SCIM provisioning, which the local directory does not have.
      return undefined;
    }
    const u: InputReader = alt.nested('UniqueAttribute');
    const path = u.string('AttributePath');
    const value = (unique as { AttributeValue?: unknown }).AttributeValue;
    if (typeof value !== 'string') u.fail('AttributeValue must be a string');
    const lookup = Object.entries(paths).find(([p]) => p.toLowerCase() === path.toLowerCase())?.[1];
    if (!lookup) u.fail(`AttributePath ${path} is not a unique attribute`);
    return lookup(value);
  };

  /** The deprecated `Filters` of ListUsers/ListGroups: one exact match on one attribute. */
  const filterOf = (input: Record<string, unknown>, allowed: string) => {
    const filters = input.Filters;
    if (filters === undefined || filters === null) return undefined;
    if (!Array.isArray(filters) || filters.length > 1) {
      throw new AwsServiceError(VALIDATION, 'Filters must contain at most one filter');
    }
    if (filters.length === 0) return undefined;
    const f = new InputReader(filters[0] as Record<string, unknown>, VALIDATION);
    const path = f.string('AttributePath');
    if (path !== allowed) f.fail(`Filtering by ${path} is not supported; use ${allowed}`);
    return f.string('AttributeValue');
  };

  return {
    GetUserId: (input) => {
      const r = reader(input);
      const storeId = storeOf(r);
      const id = uniqueAttribute(r, {
        userName: (v) => state.userByName(v)?.id,
        'emails.value': (v) => [...state.users.values()].find((u) => u.email === v)?.id,
      });
      if (!id) throw notFound('USER', '', 'User');
      return { IdentityStoreId: storeId, UserId: id };
    },

    DescribeUser: (input) => {
      const r = reader(input);
      storeOf(r);
      return userOut(userOf(r.string('UserId', PATTERNS.principalId)));
    },

    ListUsers: (input) => {
      storeOf(reader(input));
      const userName = filterOf(input, 'UserName');
      const users = [...state.users.values()].filter(
        (u) => userName === undefined || u.userName === userName,
      );
      const { page: items, nextToken } = page(users, input, `users:${userName ?? ''}`);
      return { Users: items.map(userOut), NextToken: nextToken };
    },

    GetGroupId: (input) => {
      const r = reader(input);
      const storeId = storeOf(r);
      const id = uniqueAttribute(r, { displayName: (v) => state.groupByName(v)?.id });
      if (!id) throw notFound('GROUP', '', 'Group');
      return { IdentityStoreId: storeId, GroupId: id };
    },

    DescribeGroup: (input) => {
      const r = reader(input);
      storeOf(r);
      return groupOut(groupOf(r.string('GroupId', PATTERNS.principalId)));
    },

    ListGroups: (input) => {
      storeOf(reader(input));
      const displayName = filterOf(input, 'DisplayName');
      const groups = [...state.groups.values()].filter(
        (g) => displayName === undefined || g.displayName === displayName,
      );
      const { page: items, nextToken } = page(groups, input, `groups:${displayName ?? ''}`);
      return { Groups: items.map(groupOut), NextToken: nextToken };
    },

    ListGroupMemberships: (input) => {
      const r = reader(input);
      storeOf(r);
      const group = groupOf(r.string('GroupId', PATTERNS.principalId));
      const { page: items, nextToken } = page(state.membersOf(group.id), input, `members:${group.id}`);
      return { GroupMemberships: items.map(membershipOut), NextToken: nextToken };
    },

    ListGroupMembershipsForMember: (input) => {
      const r = reader(input);
      storeOf(r);
      const user = userOf(memberOf(r));
      const { page: items, nextToken } = page(state.membershipsOf(user.id), input, `memberships:${user.id}`);
      return { GroupMemberships: items.map(membershipOut), NextToken: nextToken };
    },

    IsMemberInGroups: (input) => {
      const r = reader(input);
      storeOf(r);
      const userId = memberOf(r);
      const groupIds = r.stringArray('GroupIds', PATTERNS.principalId, 100);
      return {
        Results: groupIds.map((groupId) => ({
          GroupId: groupId,
          MemberId: { UserId: userId },
          MembershipExists: state.membership(groupId, userId) !== undefined,
        })),
      };
    },

    GetGroupMembershipId: (input) => {
      const r = reader(input);
      const storeId = storeOf(r);
      const groupId = r.string('GroupId', PATTERNS.principalId);
      const userId = memberOf(r);
      const m = state.membership(groupId, userId);
      if (!m) throw notFound('GROUP_MEMBERSHIP', '', 'Group membership');
      return { IdentityStoreId: storeId, MembershipId: m.membershipId };
    },
  };
}
