/**
 * Session activity logs (audit): which activity belongs to a request's session, how each call
 * is classified, the CSV download, and the use cases over the provider and query-state ports.
 */
export * from './session-logs/ports';
export * from './session-logs/window';
export * from './session-logs/classify';
export * from './session-logs/csv';
export * from './session-logs/usecases';
