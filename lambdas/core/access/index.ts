/**
 * Access: reference-counted grants and revokes of Identity Center account assignments, the
 * workflow's step, and the reconciler. Pure: Identity Center and the tables are ports.
 */
export * from './errors';
export * from './poll';
export * from './grants';
export * from './workflow';
export * from './reconcile';
