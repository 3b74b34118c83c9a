/**
 * Counting as work happens: the router (a request created or decided by people) and the
 * workflow's steps (everything the workflow does) hand over the request as it now is, and the
 * events not counted yet are added. Counting never stands in the way of access: a failure is
 * logged and the next change of the request (or the backfill) counts what was missed.
 */
import { ConflictError } from '../errors';
import type { Clock } from '../ports';
import type { AccessRequest } from '../types';
import {
  eventsOfRequest,
  eventsOfSessionReview,
  type AggregateEvent,
  type SessionReviewFacts,
} from './events';
import type { AggregateStore } from './ports';

/** Attempts against another writer counting the same request at the same moment. */
const MAX_ATTEMPTS = 3;

export interface DashboardRecorder {
  /** Counts what `request` adds since it was last counted; resolves to the number of events added. */
  recordRequest(request: AccessRequest): Promise<number>;
  /** Counts what a session's activity review adds. */
  recordSessionReview(facts: SessionReviewFacts): Promise<number>;
}

export interface RecorderDeps {
  aggregates: AggregateStore;
  clock: Clock;
  logger?: { warn(message: string, detail: Record<string, unknown>): void };
}

/** Adds the events of `subjectId` not counted yet; the number added. */
export async function countNewEvents(
  deps: RecorderDeps,
  subjectId: string,
  events: readonly AggregateEvent[],
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const applied = await deps.aggregates.appliedEvents(subjectId);
    const fresh = events.filter((e) => !applied.has(e.key));
    if (fresh.length === 0) return 0;
    try {
      await deps.aggregates.apply(subjectId, fresh, deps.clock.now().toISOString());
      return fresh.length;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** The recorder; with `safe`, failures are logged and reported as 0 events instead of thrown. */
export function makeDashboardRecorder(
  deps: RecorderDeps,
  options: { safe?: boolean } = {},
): DashboardRecorder {
  const run = async (subjectId: string, events: () => AggregateEvent[]): Promise<number> => {
    if (!options.safe) return countNewEvents(deps, subjectId, events());
    try {
      return await countNewEvents(deps, subjectId, events());
    } catch (error) {
      deps.logger?.warn('Dashboard counters not updated; the next change or a rebuild counts it', {
        requestId: subjectId,
        error: error instanceof Error ? error.message : String(error),
      });
      return 0;
    }
  };
  return {
    recordRequest: (request) => run(request.id, () => eventsOfRequest(request)),
    recordSessionReview: (facts) => run(facts.requestId, () => eventsOfSessionReview(facts)),
  };
}
