/**
 * The local Step Functions runner: aws-local-stepfunctions on a controllable clock, with
 * in-process Lambda handlers, real SDK clients for service integrations, task tokens, nested
 * executions, an execution registry and the Step Functions API over AWS JSON 1.0.
 */
export { ManualClock, WallClock, type SchedulingClock, type Settler } from './clock';
export { createStepFunctionsService, StepFunctionsService } from './server';
export type {
  CreateStateMachineInput,
  ExecutionCounters,
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  PendingTaskToken,
  StartExecutionInput,
  StepFunctionsServiceOptions,
} from './types';
export { startStepFunctionsEndpoint, makeSfnOperations } from './endpoint';
export {
  listTemplateStateMachines,
  registerTemplateStateMachines,
  resolveDefinition,
  resolveIntrinsics,
  UnresolvedReferenceError,
  type CfnTemplate,
  type ResolveOptions,
  type StateMachineRegistrar,
  type TemplateRefs,
} from './template';
export { applySubstitutions, prepareDefinition, type PreparedDefinition } from './definition';
export { functionNameOf, type LambdaHandler } from './lambdas';
export type { AwsClientOptions, AwsSdkService } from './aws-clients';
export { StatesError } from './errors';
export type { Json, JsonObject } from './json';
