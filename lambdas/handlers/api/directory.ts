/**
 * Resolvers of the admin pickers (accounts, OU tree, users, groups, permission sets) and of the
 * OU cache invalidation. The management account and the permission sets provisioned to it are
 * never offered: nobody may request them.
 */
import { z } from 'zod';
import type {
  MutationInvalidateOuCacheArgs,
  QueryAccountsArgs,
  QueryGroupsArgs,
  QueryOuTreeArgs,
  QueryPermissionSetsArgs,
  QueryUsersArgs,
} from '../../../graphql/generated/schema';
import { authorize } from '../../core/authorization';
import { validateOuIds } from '../../core/settings/ou-cache-input';
import { argsOf, gqlIdList, gqlString, pageArgs, parseArgs, PICKER_PAGE } from './args';
import type { AreaResolvers } from './kit';
import {
  accountToGraphQL,
  flattenOuTree,
  groupToGraphQL,
  permissionSetToGraphQL,
  userToGraphQL,
} from './mappers/directory';
import { matches, pageInMemory } from './picker-paging';

const picker = z.object({
  ...pageArgs(PICKER_PAGE.max, PICKER_PAGE.default),
  filter: gqlString.nullish(),
});
const accountsArgs = argsOf<QueryAccountsArgs>()(picker);
const usersArgs = argsOf<QueryUsersArgs>()(picker);
const groupsArgs = argsOf<QueryGroupsArgs>()(picker);
const permissionSetsArgs = argsOf<QueryPermissionSetsArgs>()(picker);
const ouTreeArgs = argsOf<QueryOuTreeArgs>()(z.object(pageArgs(PICKER_PAGE.max, PICKER_PAGE.default)));
const invalidateArgs = argsOf<MutationInvalidateOuCacheArgs>()(
  z.object({ input: z.object({ ouIds: gqlIdList }) }),
);

/** Query and Mutation fields of the admin pickers. */
export const directoryResolvers: AreaResolvers = {
  Query: {
    accounts: async (ctx) => {
      const caller = await ctx.user();
      authorize('listAccounts', caller);
      const args = parseArgs(accountsArgs, ctx.args);
      const filter = args.filter ?? undefined;
      const [accounts, managementId] = await Promise.all([
        ctx.backend.pickers.accounts(),
        ctx.backend.ports.organization.managementAccountId(),
      ]);
      const items = accounts.filter((a) => a.id !== managementId && matches(filter, a.name, a.id));
      const page = pageInMemory(items, { op: 'accounts', filter, callerId: caller.userId, ...paging(args) });
      return { items: page.items.map(accountToGraphQL), nextToken: page.nextToken };
    },
    ouTree: async (ctx) => {
      const caller = await ctx.user();
      authorize('getOuTree', caller);
      const args = parseArgs(ouTreeArgs, ctx.args);
      const nodes = flattenOuTree(await ctx.backend.ports.organization.ouTree());
      return pageInMemory(nodes, { op: 'ouTree', callerId: caller.userId, ...paging(args) });
    },
    users: async (ctx) => {
      const caller = await ctx.user();
      authorize('listUsers', caller);
      const args = parseArgs(usersArgs, ctx.args);
      const filter = args.filter ?? undefined;
      const users = (await ctx.backend.pickers.users()).filter((u) =>
        matches(filter, u.userName, u.displayName, u.email),
      );
      const page = pageInMemory(users, { op: 'users', filter, callerId: caller.userId, ...paging(args) });
      return { items: page.items.map(userToGraphQL), nextToken: page.nextToken };
    },
    groups: async (ctx) => {
      const caller = await ctx.user();
      authorize('listGroups', caller);
      const args = parseArgs(groupsArgs, ctx.args);
      const filter = args.filter ?? undefined;
      const groups = (await ctx.backend.ports.directory.listGroups()).filter((g) => matches(filter, g.name));
      const page = pageInMemory(groups, { op: 'groups', filter, callerId: caller.userId, ...paging(args) });
      return { items: page.items.map(groupToGraphQL), nextToken: page.nextToken };
    },
    permissionSets: async (ctx) => {
      const caller = await ctx.user();
      authorize('listPermissionSets', caller);
      const args = parseArgs(permissionSetsArgs, ctx.args);
      const filter = args.filter ?? undefined;
      const { directory, organization } = ctx.backend.ports;
      const [all, excluded] = await Promise.all([
        directory.listPermissionSets(),
        organization.managementAccountId().then((id) => directory.permissionSetsProvisionedTo(id)),
      ]);
      const items = all.filter((p) => !excluded.includes(p.arn) && matches(filter, p.name));
      const page = pageInMemory(items, {
        op: 'permissionSets',
        filter,
        callerId: caller.userId,
        ...paging(args),
      });
      return { items: page.items.map(permissionSetToGraphQL), nextToken: page.nextToken };
    },
  },
  Mutation: {
    invalidateOuCache: async (ctx) => {
      const caller = await ctx.user();
      authorize('invalidateOuCache', caller);
      const { input } = parseArgs(invalidateArgs, ctx.args);
      const ouIds = validateOuIds(input.ouIds);
      const result = await ctx.backend.ports.ouCache.invalidate(ouIds);
      const count = (n: number) => `${n} OU${n === 1 ? '' : 's'}`;
      const message =
        result.failed.length === 0
          ? `${count(result.invalidated.length)} invalidated`
          : `${count(result.invalidated.length)} invalidated, ${result.failed.length} failed`;
      return { invalidated: result.invalidated, failed: result.failed, message };
    },
  },
};

function paging(args: { limit: number; nextToken?: string | undefined }) {
  return { limit: args.limit, nextToken: args.nextToken };
}
