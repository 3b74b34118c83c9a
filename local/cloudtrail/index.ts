export {
  startCloudTrailLake,
  type LakeKnobs,
  type QueryStatus,
  type RunningCloudTrailLake,
  type StartCloudTrailLakeOptions,
} from './lake';
export { CloudTrailEventStore } from './store';
export {
  completeEvent,
  generateSessionActivity,
  ssoRoleArn,
  ssoRoleName,
  ssoUserIdentity,
  type CloudTrailEvent,
  type CloudTrailEventInput,
  type SessionActivityOptions,
} from './events';
export { compileQuery, InvalidQueryError, quoteLiteral } from './sql';
