/**
 * Access: reference-counted grants and revokes of Identity Center account assignments, the
 * lifecycle workflow's step, and the reconciler. Pure: Identity Center and the tables are ports.
 */
export * from './access/errors';
export * from './access/poll';
export * from './access/grants';
export * from './access/workflow';
export * from './access/reconcile';
