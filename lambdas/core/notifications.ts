/**
 * Notifications: events, who is told, the channel-neutral message, the channel ports and the
 * fan-out use case. Pure: channels live in lambdas/adapters/notify.
 */
export * from './notifications/events';
export * from './notifications/recipients';
export * from './notifications/text';
export * from './notifications/message';
export * from './notifications/ports';
export * from './notifications/send';
