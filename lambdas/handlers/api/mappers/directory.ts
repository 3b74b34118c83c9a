/** The admin pickers' items as the schema's `Account`, `User`, `Group`, `PermissionSet` and `OuNode`. */
import type {
  Account,
  Group,
  OuNode as GraphQLOuNode,
  PermissionSet,
  User,
} from '../../../../graphql/generated/schema';
import type { AccountInfo, DirectoryUser, GroupRef, OuNode, PermissionSetInfo } from '../../../core/types';

/** A GraphQL `Account`. */
export function accountToGraphQL(a: AccountInfo): Account {
  return { id: a.id, name: a.name, email: a.email ?? null };
}

/** A GraphQL `User`. */
export function userToGraphQL(u: DirectoryUser): User {
  return { id: u.id, userName: u.userName, displayName: u.displayName ?? null, email: u.email ?? null };
}

/** A GraphQL `Group`. */
export function groupToGraphQL(g: GroupRef): Group {
  return { id: g.id, name: g.name };
}

/** A GraphQL `PermissionSet`. */
export function permissionSetToGraphQL(p: PermissionSetInfo): PermissionSet {
  return {
    arn: p.arn,
    name: p.name,
    description: p.description ?? null,
    sessionDuration: p.sessionDuration ?? null,
  };
}

/** The tree as GraphQL `OuNode`s, breadth-first from the root, so parents come before children. */
export function flattenOuTree(root: OuNode): GraphQLOuNode[] {
  const out: GraphQLOuNode[] = [];
  const queue: { node: OuNode; parentId: string | null }[] = [{ node: root, parentId: null }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    out.push({ id: next.node.id, name: next.node.name, type: next.node.type, parentId: next.parentId });
    for (const child of next.node.children) queue.push({ node: child, parentId: next.node.id });
  }
  return out;
}
