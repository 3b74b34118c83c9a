/**
 * Approver resolution: who may approve a request for an account, snapshotted on the request
 * when it is created.
 */
import { NoApproverError, ValidationError } from '../errors';
import type { AccountRef, Actor, ApproverPolicy, DirectoryUser, ParentRef } from '../types';

export interface ResolveApproversInput {
  accountId: string;
  /** Removed from the result: nobody approves their own request. */
  requesterId: string;
  getApproverPolicy: (targetId: string) => Promise<ApproverPolicy | undefined>;
  /** The account's direct parent: an OU or the root (grandparents are not consulted). */
  parentOf: (accountId: string) => Promise<ParentRef>;
  membersOfGroup: (groupId: string) => Promise<readonly string[]>;
  getUser: (userId: string) => Promise<DirectoryUser | undefined>;
}

export interface ResolvedApprovers {
  /** Everyone who may approve, requester excluded, in the order found. */
  approvers: Actor[];
  /** The approver groups that applied (account's policy first, then the parent's), de-duplicated. */
  groupIds: string[];
}

/**
 * The approvers of a request for `accountId`: members of the approver groups of the account's
 * approver policy and of its direct parent's (OU or root), de-duplicated, minus the requester.
 * Each group and each user is looked up once; users missing from the directory are skipped;
 * users without an email are still listed (empty email, named by display or user name).
 */
export async function resolveApprovers(input: ResolveApproversInput): Promise<ResolvedApprovers> {
  const [accountPolicy, parent] = await Promise.all([
    input.getApproverPolicy(input.accountId),
    input.parentOf(input.accountId),
  ]);
  const parentPolicy = await input.getApproverPolicy(parent.id);

  const groupIds = [
    ...new Set(
      [...(accountPolicy?.approverGroups ?? []), ...(parentPolicy?.approverGroups ?? [])].map((g) => g.id),
    ),
  ];
  const memberLists = await Promise.all(groupIds.map((groupId) => input.membersOfGroup(groupId)));
  const userIds = [...new Set(memberLists.flat())].filter((userId) => userId !== input.requesterId);
  const users = await Promise.all(userIds.map((userId) => input.getUser(userId)));

  const approvers: Actor[] = [];
  for (const user of users) {
    if (!user || user.id === input.requesterId) continue;
    approvers.push({ id: user.id, email: user.email ?? '', name: user.displayName ?? user.userName });
  }
  return { approvers, groupIds };
}

/**
 * The most approvers a request can list: each one is an index item rewritten in the same
 * DynamoDB transaction as the request's status (100 items at most, with room for the request
 * and its audit event).
 */
export const MAX_APPROVERS = 90;

/**
 * Returns the approvers, or throws NoApproverError when there is nobody other than the
 * requester (call it only when the request needs approval).
 */
export function requireApprovers(result: Pick<ResolvedApprovers, 'approvers'>, account: AccountRef): Actor[] {
  if (result.approvers.length === 0) {
    throw new NoApproverError(
      `No one other than you can approve access to ${account.name} (${account.id}); ask an administrator to add an approver policy.`,
    );
  }
  if (result.approvers.length > MAX_APPROVERS) {
    throw new ValidationError(
      `${result.approvers.length} people could approve access to ${account.name} (${account.id}); a request can list at most ${MAX_APPROVERS}. Ask an administrator to use narrower approver groups.`,
      'accountId',
    );
  }
  return result.approvers;
}
