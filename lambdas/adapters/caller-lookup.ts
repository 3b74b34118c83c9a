/**
 * Finding a caller by Identity Center user name on the server, for tokens that lack the TEAM
 * claims (a trigger that failed open, a token issued before the trigger existed), remembering
 * answers for a short while.
 */
import type { Clock, Directory } from '../core/ports';
import type { DirectoryUser } from '../core/types';
import { TtlCache } from './cache';

/** A user found by name, with their groups. */
export interface LookedUpUser {
  user: DirectoryUser;
  groupIds: string[];
}

/** Finds users by Identity Center user name through the directory, with a short cache. */
export class CallerLookup {
  private readonly cache: TtlCache<LookedUpUser | undefined>;

  constructor(
    private readonly directory: Pick<Directory, 'findUserByUserName' | 'groupIdsOfUser'>,
    clock: Clock,
    ttlMs = 60_000,
  ) {
    this.cache = new TtlCache(ttlMs, clock, 500);
  }

  find(userName: string): Promise<LookedUpUser | undefined> {
    return this.cache.get(userName, async () => {
      const user = await this.directory.findUserByUserName(userName);
      if (user === undefined) return undefined;
      return { user, groupIds: await this.directory.groupIdsOfUser(user.id) };
    });
  }
}
