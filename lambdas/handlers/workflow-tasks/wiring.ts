/**
 * What the workflow-tasks and reconciler functions need beyond the shared backend: the grants
 * repository, Identity Center account assignments and the notifier. Built once per container
 * over the backend's ports (so the local cloud's clock and repositories are the ones used).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from '../../contract/env';
import type { DecisionWait, ReconcileDeps, WorkflowDeps } from '../../core/access';
import { makeSendNotifications } from '../../core/notifications/send';
import type { NotificationChannel } from '../../core/notifications/ports';
import type { AccountAssignments, GrantRepository } from '../../core/ports';
import { createDocumentClient } from '../../adapters/dynamodb/client';
import { RequestItemDecisionWait } from '../../adapters/decision-wait';
import { DynamoGrantRepository } from '../../adapters/dynamodb/grants';
import { StepFunctionsAdapter } from '../../adapters/step-functions';
import { IdentityCenterAssignments } from '../../adapters/identity-center';
import { createNotificationChannels } from '../../adapters/notify';
import { currentConfig, type HandlerConfig } from '../config';
import { getBackend, type Backend } from '../wiring';

/** Deep links need an absolute URL; without APP_URL they point here (and a warning is logged). */
const FALLBACK_APP_URL = 'http://localhost';

/** Everything both functions use: the workflow step's ports, which include the reconciler's. */
export type AccessPorts = WorkflowDeps & ReconcileDeps;

export interface AccessWiringOptions {
  /** Replaces the Identity Center adapter (tests). */
  assignments?: AccountAssignments;
  grants?: GrantRepository;
  decisionWait?: DecisionWait;
  /** The DynamoDB client of the grants and the decision wait (default: a new one). */
  dynamoDb?: DynamoDBClient;
  channels?: NotificationChannel[];
  pollDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** Reconciler grace period in ms. */
  graceMs?: number;
  logger?: Logger;
  /** Process environment (for the notification topic). */
  env?: Record<string, string | undefined>;
}

/** Builds the access ports over `backend` with AWS adapters from `config`. */
export function makeAccessPorts(
  config: HandlerConfig,
  backend: Backend,
  options: AccessWiringOptions = {},
): AccessPorts & { close(): void } {
  const { ports } = backend;
  const logger = options.logger ?? new Logger({ serviceName: 'team-workflow' });
  const env = options.env ?? process.env;
  const closers: (() => void)[] = [];

  let db: ReturnType<typeof createDocumentClient> | undefined;
  const documentClient = () => {
    if (db === undefined) {
      let dynamo = options.dynamoDb;
      if (dynamo === undefined) {
        const own = new DynamoDBClient({ region: config.region });
        closers.push(() => own.destroy());
        dynamo = own;
      }
      db = createDocumentClient(dynamo);
    }
    return db;
  };
  const grants = options.grants ?? new DynamoGrantRepository(documentClient(), config.tables.Grants);
  let decisionWait = options.decisionWait;
  if (decisionWait === undefined) {
    const sfn = new SFNClient({ region: config.region });
    closers.push(() => sfn.destroy());
    decisionWait = new RequestItemDecisionWait(
      documentClient(),
      config.tables.Requests,
      new StepFunctionsAdapter(sfn),
    );
  }
  let assignments = options.assignments;
  if (assignments === undefined) {
    const ssoAdmin = new SSOAdminClient({ region: config.identityCenter.region });
    closers.push(() => ssoAdmin.destroy());
    assignments = new IdentityCenterAssignments(ssoAdmin, config.identityCenter.instanceArn);
  }
  const topicArn = env[ENV.notificationTopicArn]?.trim() || undefined;
  const channels =
    options.channels ??
    createNotificationChannels({
      region: config.region,
      ...(topicArn ? { topicArn } : {}),
      secrets: ports.secrets,
      clock: ports.clock,
    });
  if (config.appUrl === undefined)
    logger.warn(`${ENV.appUrl} is not set: notification links point to ${FALLBACK_APP_URL}.`);
  const notifier = makeSendNotifications({
    channels,
    requests: ports.requests,
    clock: ports.clock,
    appUrl: config.appUrl ?? FALLBACK_APP_URL,
    logger,
  });

  return {
    requests: ports.requests,
    settings: ports.settings,
    ...(ports.fallback ? { fallback: ports.fallback } : {}),
    clock: ports.clock,
    grants,
    assignments,
    decisionWait,
    notifier,
    ...(ports.realtime ? { realtime: ports.realtime } : {}),
    logger,
    ...(options.pollDelaysMs ? { pollDelaysMs: options.pollDelaysMs } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    close: () => closers.forEach((close) => close()),
  };
}

let installed: AccessPorts | undefined;

/** The access ports of this process: installed ones, or built from the environment on first use. */
export function getAccessPorts(): AccessPorts {
  installed ??= makeAccessPorts(currentConfig(), getBackend());
  return installed;
}

/** Installs the access ports every workflow-tasks and reconciler call of this process uses (undefined: rebuild). */
export function setAccessPorts(ports: AccessPorts | undefined): void {
  installed = ports;
}
