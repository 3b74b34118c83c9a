/** What every resolver of the api handler receives, and how an area lists its resolvers. */
import { ForbiddenError } from '../../core/errors';
import type { CallerIdentity } from '../../core/types';
import type { ApiBackend } from './compose';
import type { Caller } from './identity';

export interface ResolverContext {
  /** The field's arguments, untrusted: parse them with `parseArgs`. */
  args: Record<string, unknown>;
  backend: ApiBackend;
  /** The signed-in user; ForbiddenError for the backend's IAM identity or anyone unknown. */
  user(): Promise<CallerIdentity>;
  /** Resolves only for the backend's IAM identity. */
  backendOnly(): Promise<void>;
}

export type FieldResolver = (ctx: ResolverContext) => Promise<unknown>;

export type RootType = 'Query' | 'Mutation' | 'Subscription';

/** An area's resolvers by root type and field name. */
export type AreaResolvers = Partial<Record<RootType, Record<string, FieldResolver>>>;

/** Builds the caller accessors of a context from a lazily resolved caller. */
export function callerAccessors(
  caller: () => Promise<Caller>,
): Pick<ResolverContext, 'user' | 'backendOnly'> {
  return {
    async user() {
      const c = await caller();
      if (c.kind !== 'user') throw new ForbiddenError('This operation is for signed-in users.');
      return c.identity;
    },
    async backendOnly() {
      const c = await caller();
      if (c.kind !== 'iam') throw new ForbiddenError('This operation is for the TEAM backend only.');
    },
  };
}
