/**
 * Session review: when access ends its session becomes due (`makeSessionEndedSink`, called by
 * the workflow), a scheduled run summarizes the session's logs and flags it when it used
 * sensitive actions (`makeProcessSessionSummaries`), and auditors list, read and mark flagged
 * sessions reviewed (`review.ts`). `storeSessionSummary` and `recordSessionReview` are the only
 * two places a summary becomes final or reviewed.
 */
export * from './ports';
export * from './summarize';
export * from './timing';
export * from './store';
export * from './mark-due';
export * from './process';
export * from './mark-session-reviewed-input';
export * from './review';
