/**
 * Realtime: the subscription resolvers decide who may listen (they run when a client
 * subscribes; returning null accepts), and the IAM-only publish mutations echo their input,
 * which AppSync then fans out to matching subscribers. A request change is published once for
 * all its channels; the enhanced filter of `onRequestChange` (graphql/subscription-filters.ts),
 * set after this resolver accepted the channel, delivers it to the subscribers of each.
 */
import { z } from 'zod';
import type {
  MutationPublishRequestChangeArgs,
  MutationPublishSessionLogQueryArgs,
  RequestStatus,
  SessionLogQueryStatus,
  SubscriptionOnRequestChangeArgs,
  SubscriptionOnSessionLogQueryArgs,
} from '../../../graphql/generated/schema';
import { machineOf } from '../../core/authorization';
import { ForbiddenError } from '../../core/errors';
import { MAX_APPROVERS } from '../../core/policies/approvers';
import { AUDIT_CHANNEL } from '../../core/requests/realtime';
import { REQUEST_STATUSES } from '../../core/types';
import { statusToGraphQL } from '../../adapters/appsync/graphql-values';
import { argsOf, gqlInt, gqlString, parseArgs } from './args';
import type { AreaResolvers } from './kit';
import { readableSessionOf } from './session-logs';

/** Channels one request change may name: the requester, every listed approver and `AUDIT`. */
export const MAX_CHANGE_CHANNELS = MAX_APPROVERS + 2;

const channels = z
  .array(z.string().min(1, 'a channel is never empty.').max(256, 'a channel has at most 256 characters.'))
  .min(1, 'name at least one channel.')
  .max(MAX_CHANGE_CHANNELS, `name at most ${MAX_CHANGE_CHANNELS} channels.`)
  .refine((list) => new Set(list).size === list.length, 'name each channel once.');

const requestStatus = z.enum(REQUEST_STATUSES.map(statusToGraphQL) as [RequestStatus, ...RequestStatus[]]);
const SESSION_STATUSES = [
  'QUEUED',
  'RUNNING',
  'FINISHED',
  'FAILED',
  'DISABLED',
] as const satisfies readonly SessionLogQueryStatus[];
const sessionStatus = z.enum(SESSION_STATUSES);

const publishRequestChange = argsOf<MutationPublishRequestChangeArgs>()(
  z.object({
    input: z.object({ channels, requestId: gqlString, status: requestStatus, updatedAt: gqlString }),
  }),
);

const publishSessionLogQuery = argsOf<MutationPublishSessionLogQueryArgs>()(
  z.object({
    input: z.object({
      requestId: gqlString,
      status: sessionStatus,
      progress: gqlInt.nullish(),
      error: gqlString.nullish(),
      windowStart: gqlString.nullish(),
      windowEnd: gqlString.nullish(),
      rowCount: gqlInt.nullish(),
      updatedAt: gqlString,
    }),
  }),
);

const onRequestChangeArgs = argsOf<SubscriptionOnRequestChangeArgs>()(z.object({ channel: gqlString }));
const onSessionLogQueryArgs = argsOf<SubscriptionOnSessionLogQueryArgs>()(z.object({ requestId: gqlString }));

/** Subscription fields and the backend's publish mutations. */
export const realtimeResolvers: AreaResolvers = {
  Subscription: {
    onRequestChange: async (ctx) => {
      const caller = await ctx.user();
      const { channel } = parseArgs(onRequestChangeArgs, ctx.args);
      if (machineOf(caller)) throw new ForbiddenError('Machine clients may not subscribe.');
      const allowed = channel === caller.userId || (channel === AUDIT_CHANNEL && caller.isAuditor);
      if (!allowed) {
        throw new ForbiddenError(
          channel === AUDIT_CHANNEL
            ? 'Only auditors may listen to every request.'
            : 'You may only listen to your own channel (your user id).',
        );
      }
      return null;
    },
    onSessionLogQuery: async (ctx) => {
      const { requestId } = parseArgs(onSessionLogQueryArgs, ctx.args);
      // Realtime is for people's browsers; a machine client polls what its scopes let it read.
      if (machineOf(await ctx.user())) throw new ForbiddenError('Machine clients may not subscribe.');
      await readableSessionOf(ctx, requestId, 'getSessionLogs');
      return null;
    },
  },
  Mutation: {
    publishRequestChange: async (ctx) => {
      await ctx.backendOnly();
      return parseArgs(publishRequestChange, ctx.args).input;
    },
    publishSessionLogQuery: async (ctx) => {
      await ctx.backendOnly();
      const { input } = parseArgs(publishSessionLogQuery, ctx.args);
      return {
        ...input,
        progress: input.progress ?? null,
        error: input.error ?? null,
        windowStart: input.windowStart ?? null,
        windowEnd: input.windowEnd ?? null,
        rowCount: input.rowCount ?? null,
      };
    },
  },
};
