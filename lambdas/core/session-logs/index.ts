/**
 * Session activity logs (audit): which activity belongs to a request's session, how each call
 * is classified, the CSV download, and the use cases over the provider and query-state ports.
 */
export * from './ports';
export * from './window';
export * from './classify';
export * from './csv';
export * from './queries';
export * from './query-store';
export * from './service';
export * from './follow';
