/** The query-state store as the api and the follower share it, and the ports of a deployment without logs. */
import type { SessionLogPorts, SessionLogQueryStore } from './ports';

/**
 * The query store as both the api and the follower use it: a look taken before the query ended
 * (so QUEUED or RUNNING) is not stored over the FINISHED or FAILED someone else stored meanwhile.
 * The repository's write is conditional on the query id only, so a look that lands between this
 * read and that write can still go back a state; the next look puts it right (states only move
 * forward at the provider).
 */
export function forwardOnly(store: SessionLogQueryStore): SessionLogQueryStore {
  return {
    get: (requestId) => store.get(requestId),
    start: (record, replacing) => store.start(record, replacing),
    async update(requestId, queryId, changes) {
      if (changes.status === 'QUEUED' || changes.status === 'RUNNING') {
        const current = await store.get(requestId);
        const ended = current?.status === 'FINISHED' || current?.status === 'FAILED';
        if (current?.queryId === queryId && ended) return;
      }
      await store.update(requestId, queryId, changes);
    },
  };
}

/** No provider: nothing is ever stored, every state is DISABLED. */
export function disabledSessionLogs(): SessionLogPorts {
  const refuse = async (): Promise<never> => {
    throw new Error('No session-log provider is configured, so no session-log query is stored.');
  };
  return { queries: { get: async () => undefined, start: refuse, update: refuse } };
}
