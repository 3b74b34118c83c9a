/**
 * Access: reference-counted grants and revokes of Identity Center account assignments, the
 * workflow's step, and the reconciler (scheduled, or started by an admin). Pure: Identity
 * Center, the tables and the reconciler function are ports.
 */
export * from './errors';
export * from './poll';
export * from './grants';
export * from './workflow';
export * from './reconcile';
export * from './reconcile-now-input';
export * from './reconcile-now';
