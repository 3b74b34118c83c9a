/**
 * Decisions taken in a chat app (Slack): the person is the Identity Center user whose email the
 * chat app verified, and everything else is the web app's decision — the same authorization
 * (a listed approver of the open stage, never the requester), quorum, stages and comment rules.
 */
import { ForbiddenError } from '../errors';
import type { Directory } from '../ports';
import type { AccessRequest, CallerIdentity } from '../types';
import { makeApproveRequest, makeRejectRequest } from './decisions';

export interface ChatDecisionInput {
  /** The email address the chat app verified for the person who clicked. */
  email: string;
  requestId: string;
  decision: 'approve' | 'reject';
  comment?: string | null;
}

type ChatDecisionDeps = Parameters<typeof makeApproveRequest>[0] & {
  directory: Pick<Directory, 'findUserByEmail' | 'groupIdsOfUser'>;
};

/**
 * The caller a verified chat email stands for: the Identity Center user with that email (as
 * written, else in lower case) and their groups, never an admin or auditor (those personas come
 * from the web app's sign-in only). ForbiddenError when no user has it.
 */
export async function chatCaller(
  directory: ChatDecisionDeps['directory'],
  email: string,
): Promise<CallerIdentity> {
  const address = email.trim();
  const user =
    (await directory.findUserByEmail(address)) ??
    (address !== address.toLowerCase() ? await directory.findUserByEmail(address.toLowerCase()) : undefined);
  if (user === undefined) {
    throw new ForbiddenError(
      `No IAM Identity Center user has the email address ${address}, so TEAM cannot tell who you are. Decide in the TEAM web app, or ask an administrator to use the same email in Slack and Identity Center.`,
    );
  }
  const caller: CallerIdentity = {
    userId: user.id,
    userName: user.userName,
    email: user.email ?? address,
    groupIds: await directory.groupIdsOfUser(user.id),
    isAdmin: false,
    isAuditor: false,
  };
  if (user.displayName) caller.displayName = user.displayName;
  return caller;
}

/** Approves or rejects a request as the person a chat app identified by their verified email. */
export function makeChatDecision(
  deps: ChatDecisionDeps,
): (input: ChatDecisionInput) => Promise<AccessRequest> {
  const approve = makeApproveRequest(deps);
  const reject = makeRejectRequest(deps);
  return async (input) => {
    const caller = await chatCaller(deps.directory, input.email);
    const action = input.decision === 'approve' ? approve : reject;
    return action(caller, { requestId: input.requestId, comment: input.comment ?? null });
  };
}
