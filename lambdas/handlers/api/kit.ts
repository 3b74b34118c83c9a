/** What every resolver of the api handler receives, and how an area lists its resolvers. */
import type { Mutation, Query, Subscription } from '../../../graphql/generated/schema';
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

/** The result type of every root field, generated from the schema. */
interface RootFields {
  Query: Query;
  Mutation: Mutation;
  Subscription: Subscription;
}

export type RootType = keyof RootFields;

/** A resolver of a field whose result type is `Result`. */
export type FieldResolver<Result = unknown> = (ctx: ResolverContext) => Promise<Result>;

/**
 * An area's resolvers by root type and field name, each returning its field's type from the
 * schema (a subscription's resolver returns null to accept the subscriber).
 */
export type AreaResolvers = {
  [Type in RootType]?: { [Field in keyof RootFields[Type]]?: FieldResolver<RootFields[Type][Field]> };
};

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
