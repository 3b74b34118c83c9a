import type {
  Dashboard,
  DashboardCount,
  DashboardDay,
  DurationDistribution,
  Request,
} from '../../../web/src/api/model';

/** Bucket upper bounds of the in-memory distributions, in seconds; the last bucket has none. */
export const MEMORY_BUCKETS: readonly (number | null)[] = [60, 300, 900, 3600, 4 * 3600, 86_400, null];

const DAY_MS = 86_400_000;

export function emptyDay(date: string): DashboardDay {
  return {
    date,
    created: 0,
    breakGlass: 0,
    approved: 0,
    rejected: 0,
    autoApproved: 0,
    cancelled: 0,
    expired: 0,
    granted: 0,
    ended: 0,
    revoked: 0,
    failed: 0,
    extensions: 0,
    hoursGranted: 0,
    sensitiveSessions: 0,
  };
}

/** A distribution over MEMORY_BUCKETS; percentiles are the bound of the bucket they fall in. */
export function distributionOf(seconds: readonly number[]): DurationDistribution {
  const buckets = MEMORY_BUCKETS.map((upToSeconds) => ({ upToSeconds, count: 0 }));
  for (const s of seconds) {
    const bucket = buckets.find((b) => b.upToSeconds === null || s <= b.upToSeconds);
    if (bucket) bucket.count += 1;
  }
  const percentile = (p: number): number | null => {
    if (seconds.length === 0) return null;
    const rank = Math.ceil((p / 100) * seconds.length);
    let seen = 0;
    for (const [i, b] of buckets.entries()) {
      seen += b.count;
      // The open last bucket reports the bound below it.
      if (seen >= rank) return b.upToSeconds ?? MEMORY_BUCKETS[i - 1] ?? null;
    }
    return null;
  };
  return { count: seconds.length, p50Seconds: percentile(50), p95Seconds: percentile(95), buckets };
}

function top(entries: readonly { id: string; name: string | null }[]): DashboardCount[] {
  const counts = new Map<string, DashboardCount>();
  for (const e of entries) {
    const found = counts.get(e.id) ?? { id: e.id, name: e.name ?? e.id, count: 0 };
    found.count += 1;
    counts.set(e.id, found);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, 10);
}

/**
 * The dashboard of in-memory requests, roughly as the server counts them: each event on the UTC
 * day it happened, the top lists of the requests created in the range, the counters of now.
 */
export function dashboardOf(requests: readonly Request[], from: string, to: string): Dashboard {
  const days: DashboardDay[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS) {
    days.push(emptyDay(new Date(at).toISOString().slice(0, 10)));
  }
  const dayOf = (instant: string | null | undefined) =>
    instant ? days.find((d) => d.date === instant.slice(0, 10)) : undefined;
  const add = (instant: string | null | undefined, field: Exclude<keyof DashboardDay, 'date'>, by = 1) => {
    const day = dayOf(instant);
    if (day) day[field] += by;
  };
  const inRange = (instant: string | null | undefined) => dayOf(instant) !== undefined;
  const decisionSeconds: number[] = [];
  const accessSeconds: number[] = [];
  for (const r of requests) {
    add(r.createdAt, 'created');
    if (r.breakGlass) add(r.createdAt, 'breakGlass');
    if (!r.approvalRequired && !r.breakGlass) add(r.createdAt, 'autoApproved');
    if (r.decision && r.status !== 'REJECTED') add(r.decision.at, 'approved');
    if (r.decision && r.status === 'REJECTED') add(r.decision.at, 'rejected');
    if (r.decision && inRange(r.decision.at)) {
      decisionSeconds.push((Date.parse(r.decision.at) - Date.parse(r.createdAt)) / 1000);
    }
    add(r.cancelledAt, 'cancelled');
    if (r.status === 'EXPIRED') add(r.expiresAt ?? r.updatedAt, 'expired');
    if (r.status === 'ERROR') add(r.updatedAt, 'failed');
    add(r.grantedAt, 'granted');
    add(r.grantedAt, 'hoursGranted', r.durationHours);
    if (r.grantedAt && inRange(r.grantedAt)) {
      const could = Math.max(Date.parse(r.createdAt), Date.parse(r.startTime));
      accessSeconds.push(Math.max(0, (Date.parse(r.grantedAt) - could) / 1000));
    }
    if (r.status === 'ENDED') add(r.endedAt, 'ended');
    add(r.revoke?.at, 'revoked');
  }
  const created = requests.filter((r) => inRange(r.createdAt));
  const decided = requests.filter((r) => r.decision && inRange(r.decision.at));
  return {
    from,
    to,
    days,
    timeToDecision: distributionOf(decisionSeconds),
    timeToAccess: distributionOf(accessSeconds),
    topAccounts: top(created.map((r) => ({ id: r.account.id, name: r.account.name }))),
    topPermissionSets: top(created.map((r) => ({ id: r.permissionSet.arn, name: r.permissionSet.name }))),
    topRequesters: top(created.map((r) => ({ id: r.requester.id, name: r.requester.name }))),
    topApprovers: top(
      decided.flatMap((r) => (r.decision ? [{ id: r.decision.by.id, name: r.decision.by.name }] : [])),
    ),
    activeNow: requests.filter((r) => r.status === 'IN_PROGRESS').length,
    breakGlassReviewsPending: requests.filter((r) => r.breakGlass && r.review?.state === 'NEEDED').length,
    sessionsToReview: 0,
    updatedAt: requests.reduce<string | null>(
      (latest, r) => (!latest || r.updatedAt > latest ? r.updatedAt : latest),
      null,
    ),
  };
}
