/**
 * What a request contributes to the dashboard's counters, derived from the request as it is now.
 *
 * Every contribution is an event with a key unique within its request (`created`, `granted`,
 * `extension:2`…) and a UTC day. The events of a request only grow as it moves along its
 * lifecycle, so "what to add" is always "the events of the request now, minus those already
 * counted" — which makes counting idempotent (a stream record delivered twice, a workflow step
 * run again) and lets the backfill rebuild every counter from the requests alone with the very
 * same function.
 */
import type { AccessRequest } from '../types';

/** Counters of one UTC day. */
export const DAY_COUNTERS = [
  'created',
  'breakGlass',
  'approved',
  'rejected',
  'autoApproved',
  'cancelled',
  'expired',
  'granted',
  'ended',
  'revoked',
  'failed',
  'extensions',
  'hoursGranted',
  'sensitiveSessions',
] as const;
export type DayCounter = (typeof DAY_COUNTERS)[number];

/** Durations kept as histograms per day. */
export const HISTOGRAMS = ['timeToDecision', 'timeToAccess'] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

/**
 * Upper bounds (seconds) of the histogram buckets; one more bucket holds everything longer.
 * From 10 s (access that needed no approval) to a day (a decision taken the next morning).
 */
export const BUCKET_BOUNDS_SECONDS: readonly number[] = [
  10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400,
];
export const BUCKET_COUNT = BUCKET_BOUNDS_SECONDS.length + 1;

/** Things the top lists rank, counted per day. */
export const DIMENSIONS = ['account', 'permissionSet', 'requester', 'approver'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Counts of "now", whatever the day. */
export const GAUGES = ['active', 'breakGlassReviews', 'sessionsToReview'] as const;
export type Gauge = (typeof GAUGES)[number];

export interface DimensionHit {
  dimension: Dimension;
  id: string;
  name: string;
}

/** One contribution to the counters. */
export interface AggregateEvent {
  /** Unique within its subject (the request): the idempotency key. */
  key: string;
  /** UTC date, YYYY-MM-DD. */
  day: string;
  counts?: Partial<Record<DayCounter, number>>;
  /** Bucket index per histogram. */
  histograms?: Partial<Record<HistogramName, number>>;
  dimensions?: DimensionHit[];
  gauges?: Partial<Record<Gauge, number>>;
}

/** The UTC day of an ISO timestamp. */
export function dayOf(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new Error(`Not a timestamp: ${iso}`);
  return new Date(time).toISOString().slice(0, 10);
}

/** The bucket a duration falls in (negative durations — clocks that disagree — count as 0). */
export function bucketOf(seconds: number): number {
  const s = Math.max(0, seconds);
  const index = BUCKET_BOUNDS_SECONDS.findIndex((bound) => s <= bound);
  return index < 0 ? BUCKET_BOUNDS_SECONDS.length : index;
}

const secondsBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

const nameOf = (actor: { name?: string; email: string; id: string }): string =>
  actor.name?.trim() || actor.email || actor.id;

/**
 * The events of a request as it is now. Imported history of the original TEAM counts like any
 * other request (its timestamps are the original's).
 */
export function eventsOfRequest(request: AccessRequest): AggregateEvent[] {
  const events: AggregateEvent[] = [];
  const breakGlass = request.breakGlass !== undefined;

  events.push({
    key: 'created',
    day: dayOf(request.createdAt),
    counts: { created: 1, ...(breakGlass && { breakGlass: 1 }) },
    dimensions: [
      { dimension: 'account', id: request.accountId, name: request.accountName },
      { dimension: 'permissionSet', id: request.permissionSetArn, name: request.permissionSetName },
      { dimension: 'requester', id: request.requester.id, name: nameOf(request.requester) },
    ],
  });

  // A person's decision (the last approval of a request, or a rejection).
  if (request.decidedBy !== undefined && request.decidedAt !== undefined) {
    const rejected = request.status === 'rejected';
    const deciders = new Map<string, string>();
    if (!rejected) for (const a of request.approvals ?? []) deciders.set(a.by.id, nameOf(a.by));
    deciders.set(request.decidedBy.id, nameOf(request.decidedBy));
    events.push({
      key: 'decided',
      day: dayOf(request.decidedAt),
      counts: rejected ? { rejected: 1 } : { approved: 1 },
      histograms: { timeToDecision: bucketOf(secondsBetween(request.createdAt, request.decidedAt)) },
      dimensions: [...deciders].map(([id, name]) => ({ dimension: 'approver' as const, id, name })),
    });
  } else if (!request.approvalRequired && !breakGlass && request.status !== 'pending') {
    // Scheduled by the workflow at once; whatever came after (access, a cancel, an error) keeps it so.
    events.push({ key: 'autoApproved', day: dayOf(request.createdAt), counts: { autoApproved: 1 } });
  }

  if (request.grantedAt !== undefined) {
    const couldStart = later(request.createdAt, request.startTime);
    events.push({
      key: 'granted',
      day: dayOf(request.grantedAt),
      counts: { granted: 1, hoursGranted: request.durationHours },
      histograms: { timeToAccess: bucketOf(secondsBetween(couldStart, request.grantedAt)) },
      gauges: { active: 1 },
    });
    const accessOver = request.endedAt ?? (request.status === 'error' ? failedAt(request) : undefined);
    if (accessOver !== undefined) {
      events.push({ key: 'accessOver', day: dayOf(accessOver), gauges: { active: -1 } });
    }
  }

  if (request.cancelledAt !== undefined) {
    events.push({ key: 'cancelled', day: dayOf(request.cancelledAt), counts: { cancelled: 1 } });
  }
  if (request.status === 'expired') {
    // A pending request expires at its expiry time, which is when the workflow's wait ran out.
    events.push({
      key: 'expired',
      day: dayOf(request.expiresAt ?? request.updatedAt),
      counts: { expired: 1 },
    });
  }
  if (request.revokedAt !== undefined) {
    events.push({ key: 'revoked', day: dayOf(request.revokedAt), counts: { revoked: 1 } });
  }
  if (request.status === 'ended') {
    events.push({ key: 'ended', day: dayOf(request.endedAt ?? request.updatedAt), counts: { ended: 1 } });
  }
  if (request.status === 'error') {
    events.push({ key: 'failed', day: dayOf(failedAt(request)), counts: { failed: 1 } });
  }

  for (const extension of request.extensions ?? []) {
    if (extension.status !== 'approved') continue;
    events.push({
      key: `extension:${extension.id}`,
      day: dayOf(extension.decidedAt ?? extension.requestedAt),
      counts: { extensions: 1, hoursGranted: extension.hours },
    });
  }

  if (request.review !== undefined) {
    events.push({ key: 'review:needed', day: dayOf(request.createdAt), gauges: { breakGlassReviews: 1 } });
    if (request.review.state !== 'needed') {
      events.push({
        key: 'review:done',
        day: dayOf(request.review.at ?? request.updatedAt),
        gauges: { breakGlassReviews: -1 },
      });
    }
  }
  return events;
}

/** When a request ended in error (requests stored before `failedAt` existed: their last change). */
function failedAt(request: AccessRequest): string {
  return request.failedAt ?? request.updatedAt;
}

/** What a session's activity review contributes (see the session summaries). */
export interface SessionReviewFacts {
  requestId: string;
  /** When the session's access ended. */
  endedAt: string;
  /** The session used sensitive actions. */
  flagged: boolean;
  /** When an auditor marked it reviewed. */
  reviewedAt?: string;
}

/** The events of a session's activity review, keyed apart from the request's own. */
export function eventsOfSessionReview(facts: SessionReviewFacts): AggregateEvent[] {
  if (!facts.flagged) return [];
  const events: AggregateEvent[] = [
    {
      key: 'session:flagged',
      day: dayOf(facts.endedAt),
      counts: { sensitiveSessions: 1 },
      gauges: { sessionsToReview: 1 },
    },
  ];
  if (facts.reviewedAt !== undefined) {
    events.push({ key: 'session:reviewed', day: dayOf(facts.reviewedAt), gauges: { sessionsToReview: -1 } });
  }
  return events;
}
