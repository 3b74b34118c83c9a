/**
 * Requests: the lifecycle (which status changes are allowed, who causes each, the phases the
 * lists show), creating a request, people's decisions, the workflow's own status changes, reads
 * and lists, the request form, the realtime hint that a request changed, and the original TEAM's
 * history imported read-only.
 */
export * from './lifecycle';
export * from './status-change';
export * from './create-request-input';
export * from './create-request';
export * from './decision-input';
export * from './decisions';
export * from './system-transition';
export * from './read-requests';
export * from './list-requests';
export * from './request-form';
export * from './request-approvers';
export * from './realtime';
export * from './history-import';
export * from './approval-plan';
export * from './approval-timers';
export * from './extensions';
export * from './break-glass';
export * from './chat-decision';
