export { startAppSync, type AppSyncOptions, type RunningAppSync } from './server';
export { awsPrelude, awsScalarNames, buildAppSyncSchema } from './prelude';
export { AppSyncError } from './errors';
export type { AppSyncResponse, AppSyncStats, RequestRecord, Resolve, ResolverEvent } from './engine';
export type { IamIdentityOptions, VerifyToken } from './identity';
export {
  hostOf,
  injectRealtimeShim,
  installNodeRealtimeShim,
  realtimeShimCspSource,
  realtimeShimScript,
  toPlainLocalUrl,
} from './realtime-shim';
export {
  FilterError,
  matchesFilter,
  toSubscriptionFilter,
  type FilterCondition,
  type SubscriptionFilter,
} from './filters';
