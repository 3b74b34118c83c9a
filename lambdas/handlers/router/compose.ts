/**
 * The router function's composition root: what it drives (each request's workflow in Step
 * Functions), where it publishes (AppSync's realtime channels) and the dashboard's counters it
 * adds to. It reads no request: everything it acts on is in the stream record.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DashboardRecorder } from '../../core/dashboard';
import type { RealtimePublisher, RequestWorkflow } from '../../core/ports';
import { systemClock } from '../../adapters/clock';
import { StepFunctionsAdapter } from '../../adapters/step-functions/client';
import { StepFunctionsRequestWorkflow } from '../../adapters/step-functions/request-workflow';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import { dashboardRecorder, realtimePublisher } from '../shared-adapters';

/** What the router uses. */
export interface RouterDeps {
  /** Starts a new request's workflow and resumes the wait it is in after a person's decision. */
  workflow: RequestWorkflow;
  /** Absent where no GraphQL endpoint is configured (the router then fails its records). */
  realtime?: RealtimePublisher;
  /** Counts new requests and people's decisions for the dashboard (never throws). */
  dashboard?: DashboardRecorder;
}

/** What the environment cannot say about the router's composition (local cloud, tests). */
export interface RouterOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  /** Where the workflow's state machine ARN comes from (default: the configuration). */
  workflowStateMachineArn?: () => string | undefined;
  logger?: Logger;
}

/** Builds the router's adapters from the configuration. */
export function composeRouter(overrides: RouterOverrides = {}): RouterDeps & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clients = new AwsClients(config);
  const logger = overrides.logger ?? new Logger({ serviceName: 'team' });
  const arn = overrides.workflowStateMachineArn ?? (() => config.workflowStateMachineArn);
  const realtime = realtimePublisher(config);
  return {
    workflow: new StepFunctionsRequestWorkflow(new StepFunctionsAdapter(clients.sfn()), arn, logger),
    ...(realtime ? { realtime } : {}),
    dashboard: dashboardRecorder(clients, config, systemClock, logger),
    close: () => clients.close(),
  };
}

let fromEnvironment: RouterDeps | undefined;

/** The router's composition in Lambda: built from the environment on the first invocation. */
export function routerDepsFromEnvironment(): RouterDeps {
  fromEnvironment ??= composeRouter();
  return fromEnvironment;
}
