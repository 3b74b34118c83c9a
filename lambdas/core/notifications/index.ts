/**
 * Notifications: events, who is told, the channel-neutral message, the channel ports and the
 * fan-out use case. Pure: channels live in lambdas/adapters/notify.
 */
export * from './events';
export * from './recipients';
export * from './text';
export * from './message';
export * from './ports';
export * from './send';
