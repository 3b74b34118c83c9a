/**
 * Rebuilding the counters from the requests (and the session reviews): for data stored before
 * the counters existed, and after a bug. It reads every request through the index of all
 * requests, derives each one's events with the same function the incremental path uses, and
 * replaces every counter and mark at once. Counting that happens while it runs may be lost or
 * doubled; run it at a quiet moment (the result says how many requests it read).
 */
import type { Clock, RequestRepository } from '../ports';
import { eventsOfRequest, eventsOfSessionReview, type SessionReviewFacts } from './events';
import { SnapshotBuilder } from './fold';
import type { AggregateSnapshot, AggregateStore } from './ports';

/** Every session review with its facts, page by page (absent where session logs are off). */
export interface SessionReviewSource {
  listAllFacts(cursor?: string): Promise<{ items: SessionReviewFacts[]; nextCursor?: string }>;
}

export interface RebuildDeps {
  requests: Pick<RequestRepository, 'listAll'>;
  sessionReviews?: SessionReviewSource;
  aggregates: AggregateStore;
  clock: Clock;
}

export interface RebuildReport {
  requestsRead: number;
  sessionReviewsRead: number;
  daysWritten: number;
  rebuiltAt: string;
}

const PAGE = 100;

/** The counters the stored requests and session reviews add up to (nothing written). */
export async function computeSnapshot(deps: Omit<RebuildDeps, 'aggregates'>): Promise<{
  snapshot: AggregateSnapshot;
  requestsRead: number;
  sessionReviewsRead: number;
}> {
  const builder = new SnapshotBuilder();
  let requestsRead = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.requests.listAll({ limit: PAGE, ...(cursor !== undefined && { cursor }) });
    for (const request of page.items) builder.add(request.id, eventsOfRequest(request));
    requestsRead += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  let sessionReviewsRead = 0;
  if (deps.sessionReviews) {
    let next: string | undefined;
    do {
      const page = await deps.sessionReviews.listAllFacts(next);
      for (const facts of page.items) builder.add(facts.requestId, eventsOfSessionReview(facts));
      sessionReviewsRead += page.items.length;
      next = page.nextCursor;
    } while (next !== undefined);
  }
  return { snapshot: builder.build(deps.clock.now().toISOString()), requestsRead, sessionReviewsRead };
}

/** Rebuilds every counter from the stored data. */
export function makeRebuildDashboard(deps: RebuildDeps): () => Promise<RebuildReport> {
  return async () => {
    const { snapshot, requestsRead, sessionReviewsRead } = await computeSnapshot(deps);
    await deps.aggregates.replaceAll(snapshot);
    return {
      requestsRead,
      sessionReviewsRead,
      daysWritten: snapshot.days.length,
      rebuiltAt: snapshot.updatedAt,
    };
  };
}
