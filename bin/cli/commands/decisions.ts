/**
 * Acting on a request: `team approve`, `team reject`, `team cancel`, `team revoke`, `team extend`.
 */
import {
  ApproveRequestDocument,
  CancelRequestDocument,
  ExtendRequestDocument,
  GetRequestDocument,
  RejectRequestDocument,
  RevokeRequestDocument,
} from '../../../graphql/generated/operations';
import { stringOf, type CommandSpec, type OptionValues } from '../args';
import { required, type Context } from '../context';
import { usageError } from '../errors';
import { actorName, formatHours, formatTime, statusLabel } from '../format';
import { parseHours } from '../inputs';
import { standing, whatOf, type Request } from '../render';

const COMMENT = {
  comment: {
    type: 'string',
    value: 'TEXT',
    description: 'A comment for the record (required when TEAM says comments are).',
  },
} as const;

function commentOf(values: OptionValues): string | undefined {
  const comment = stringOf(values, 'comment')?.trim();
  if (comment !== undefined && comment.length > 2000)
    throw usageError('--comment may be at most 2000 characters.');
  return comment || undefined;
}

function idOf(positionals: string[]): string {
  const id = positionals[0]?.trim() ?? '';
  if (id === '') throw usageError('The request id is required.');
  return id;
}

function report(ctx: Context, request: Request, done: string): void {
  ctx.result(
    { request },
    () => `${done}\n${statusLabel(request.status)}: ${standing(request, ctx.timeZone)}`,
  );
}

export const approve: CommandSpec = {
  name: 'approve',
  summary: 'Approve a pending request you are an approver of.',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: COMMENT,
  examples: ['team approve 5b0c2f4e-… --comment "OK for INC-42"'],
  async run(ctx, values, positionals) {
    const comment = commentOf(values);
    const { approveRequest } = await ctx.api().run(ApproveRequestDocument, {
      input: { requestId: idOf(positionals), ...(comment ? { comment } : {}) },
    });
    const recorded = approveRequest.status === 'PENDING';
    report(
      ctx,
      approveRequest,
      recorded
        ? `Your approval of ${whatOf(approveRequest)} for ${actorName(approveRequest.requester)} is recorded.`
        : `Approved ${whatOf(approveRequest)} for ${actorName(approveRequest.requester)}.`,
    );
  },
};

export const reject: CommandSpec = {
  name: 'reject',
  summary: 'Reject a pending request you are an approver of.',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: COMMENT,
  examples: ['team reject 5b0c2f4e-… --comment "Use ReadOnlyAccess"'],
  async run(ctx, values, positionals) {
    const comment = commentOf(values);
    const { rejectRequest } = await ctx.api().run(RejectRequestDocument, {
      input: { requestId: idOf(positionals), ...(comment ? { comment } : {}) },
    });
    report(
      ctx,
      rejectRequest,
      `Rejected ${whatOf(rejectRequest)} for ${actorName(rejectRequest.requester)}.`,
    );
  },
};

export const cancel: CommandSpec = {
  name: 'cancel',
  summary: 'Withdraw your own pending or scheduled request.',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: {},
  async run(ctx, _values, positionals) {
    const { cancelRequest } = await ctx.api().run(CancelRequestDocument, {
      input: { requestId: idOf(positionals) },
    });
    report(ctx, cancelRequest, `Cancelled your request for ${whatOf(cancelRequest)}.`);
  },
};

export const revoke: CommandSpec = {
  name: 'revoke',
  summary: 'End scheduled or active access early (the requester or an approver).',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: COMMENT,
  examples: ['team revoke 5b0c2f4e-… --comment "Done"'],
  async run(ctx, values, positionals) {
    const comment = commentOf(values);
    const { revokeRequest } = await ctx.api().run(RevokeRequestDocument, {
      input: { requestId: idOf(positionals), ...(comment ? { comment } : {}) },
    });
    report(ctx, revokeRequest, `Revoked ${whatOf(revokeRequest)} of ${actorName(revokeRequest.requester)}.`);
  },
};

export const extend: CommandSpec = {
  name: 'extend',
  summary: 'Ask for more hours on scheduled or active access.',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: {
    hours: { type: 'string', value: 'N', description: 'Hours to add.' },
    reason: { type: 'string', value: 'TEXT', description: "Why (default: the request's justification)." },
  },
  examples: ['team extend 5b0c2f4e-… --hours 2 --reason "The migration runs longer"'],
  async run(ctx, values, positionals) {
    const id = idOf(positionals);
    const hours = parseHours(stringOf(values, 'hours'));
    const api = ctx.api();
    let reason = stringOf(values, 'reason')?.trim();
    if (!reason) {
      reason = required(
        (await api.run(GetRequestDocument, { id })).getRequest,
        `Request ${id}`,
      ).justification;
    }
    if (reason.length > 2000) throw usageError('--reason may be at most 2000 characters.');
    const { extendRequest } = await api.run(ExtendRequestDocument, {
      input: { requestId: id, hours, reason },
    });
    const latest = extendRequest.extensions.at(-1);
    const waiting = latest?.status === 'PENDING';
    ctx.result({ request: extendRequest, extension: latest ?? null }, () =>
      waiting
        ? `Asked for ${formatHours(hours)} more on ${whatOf(extendRequest)}; the extension waits for approval.`
        : `Extended ${whatOf(extendRequest)} by ${formatHours(hours)}: access now ends ${formatTime(extendRequest.endTime, ctx.timeZone)}.`,
    );
  },
};
