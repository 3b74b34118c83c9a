/**
 * The handlers' configuration: the environment the stack gives every function
 * (`lambdas/contract/env.ts`), parsed once with zod. A missing or malformed variable fails the cold
 * start with a message that names it. Local endpoints are not configuration: the AWS SDK reads
 * `AWS_ENDPOINT_URL_<SERVICE>` itself.
 */
import { z } from 'zod';
import { ENV, RECONCILER_FUNCTION_NAME_ENV } from '../contract/env';
import type { MachineClientName } from '../contract/machine-api';
import { TABLE_ENV, type TableId } from '../contract/tables';
import {
  SessionLogConfigError,
  sessionLogProviderConfigFromEnv,
  type SessionLogProviderConfig,
} from '../adapters/session-logs';

export const SESSION_LOG_PROVIDERS = ['cloudtrail-lake', 'athena', 'none'] as const;
export type SessionLogProvider = (typeof SESSION_LOG_PROVIDERS)[number];

/** What the handlers know about their deployment. */
export interface HandlerConfig {
  /** Region the function runs in (and of the tables). */
  region: string;
  /** Table names by table id. */
  tables: Record<TableId, string>;
  identityCenter: {
    instanceArn: string;
    identityStoreId: string;
    /** Region of the Identity Center instance (may differ from the function's). */
    region: string;
  };
  /** Group names that make a user a TEAM admin / auditor when Settings names none. */
  fallbackGroups: { admin: string; auditor: string };
  sessionLogProvider: SessionLogProvider;
  /** The provider's settings (event data store, Athena table); always set by `loadConfig`. */
  sessionLogs?: SessionLogProviderConfig;
  /** The session-logs function the api hands started queries to. */
  sessionLogsFunctionName?: string;
  /** The reconciler function the api starts when an admin asks (`reconcileNow`). */
  reconcilerFunctionName?: string;
  managementAccountId?: string;
  /** The web app URL (deep links). */
  appUrl?: string;
  /** AppSync GraphQL URL for the IAM-only publish mutations (router, session logs). */
  graphqlUrl?: string;
  /** Secret (name or ARN) holding the Slack bot token. */
  slackSecretId?: string;
  /** The request workflow's state machine, once the workflows are deployed. */
  workflowStateMachineArn?: string;
  /** api: the names of the machine app clients (what `updatedBy` shows for their changes). */
  machineClients?: MachineClientName[];
}

/** Variables that name something optional: the functions that need one check it on use. */
const OPTIONAL = {
  managementAccountId: ENV.managementAccountId,
  appUrl: ENV.appUrl,
  graphqlUrl: ENV.graphqlUrl,
  slackSecretId: ENV.slackSecretArn,
  workflowStateMachineArn: ENV.workflowStateMachineArn,
  sessionLogsFunctionName: ENV.sessionLogsFunctionName,
  reconcilerFunctionName: RECONCILER_FUNCTION_NAME_ENV,
} as const;
export type OptionalSetting = keyof typeof OPTIONAL;

/** The cold start failed because of the environment; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const required = (name: string) =>
  z
    .string({ error: `${name} is not set` })
    .trim()
    .min(1, `${name} is empty`);
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const url = (name: string) =>
  optional.refine((v) => v === undefined || URL.canParse(v), `${name} is not a URL`);

const TABLE_IDS = Object.keys(TABLE_ENV) as TableId[];

const machineClientList = z.array(
  z.object({ clientId: z.string().trim().min(1), name: z.string().trim().min(1).max(128) }),
);

/** `ENV.machineClients`: JSON text of a list of `{ clientId, name }`; unset or empty is none. */
const machineClients = optional.transform((text, ctx): MachineClientName[] => {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = machineClientList.safeParse(value);
  if (parsed.success) return parsed.data;
  ctx.addIssue({
    code: 'custom',
    message: `${ENV.machineClients} is not a JSON list of { clientId, name }`,
  });
  return z.NEVER;
});

const envSchema = z.object({
  AWS_REGION: optional,
  AWS_DEFAULT_REGION: optional,
  ...Object.fromEntries(TABLE_IDS.map((id) => [TABLE_ENV[id], required(TABLE_ENV[id])])),
  [ENV.idcInstanceArn]: required(ENV.idcInstanceArn).regex(
    /^arn:aws[\w-]*:sso:::instance\/ssoins-[0-9a-f]{16}$/,
    `${ENV.idcInstanceArn} is not an Identity Center instance ARN`,
  ),
  [ENV.identityStoreId]: required(ENV.identityStoreId),
  [ENV.idcRegion]: optional,
  [ENV.adminGroup]: required(ENV.adminGroup),
  [ENV.auditorGroup]: required(ENV.auditorGroup),
  [ENV.sessionLogProvider]: z.enum(SESSION_LOG_PROVIDERS).default('none'),
  [ENV.managementAccountId]: optional.refine(
    (v) => v === undefined || /^\d{12}$/.test(v),
    `${ENV.managementAccountId} is not a 12-digit account id`,
  ),
  [ENV.appUrl]: url(ENV.appUrl),
  [ENV.graphqlUrl]: url(ENV.graphqlUrl),
  [ENV.slackSecretArn]: optional,
  [ENV.sessionLogsFunctionName]: optional,
  [RECONCILER_FUNCTION_NAME_ENV]: optional,
  [ENV.workflowStateMachineArn]: optional.refine(
    (v) => v === undefined || /^arn:aws[\w-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(v),
    `${ENV.workflowStateMachineArn} is not a state machine ARN`,
  ),
  [ENV.machineClients]: machineClients,
});

/**
 * Parses the environment. Throws ConfigError listing every missing or malformed variable by
 * name (never their values).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): HandlerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))];
    throw new ConfigError(`TEAM handler configuration is incomplete: ${problems.join('; ')}.`);
  }
  const { [ENV.machineClients]: machines, ...strings } = parsed.data;
  const e = strings as Record<string, string | undefined>;
  const get = (name: string): string => e[name] ?? '';
  const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION;
  if (region === undefined)
    throw new ConfigError('TEAM handler configuration is incomplete: AWS_REGION is not set.');
  const config: HandlerConfig = {
    region,
    tables: Object.fromEntries(TABLE_IDS.map((id) => [id, get(TABLE_ENV[id])])) as Record<TableId, string>,
    identityCenter: {
      instanceArn: get(ENV.idcInstanceArn),
      identityStoreId: get(ENV.identityStoreId),
      region: e[ENV.idcRegion] ?? region,
    },
    fallbackGroups: { admin: get(ENV.adminGroup), auditor: get(ENV.auditorGroup) },
    sessionLogProvider: get(ENV.sessionLogProvider) as SessionLogProvider,
    sessionLogs: sessionLogSettings(env),
    machineClients: machines,
  };
  for (const [key, name] of Object.entries(OPTIONAL) as [OptionalSetting, string][]) {
    const value = e[name];
    if (value !== undefined) config[key] = value;
  }
  return config;
}

/** The provider's own variables, checked at the cold start like the rest. */
function sessionLogSettings(env: Record<string, string | undefined>): SessionLogProviderConfig {
  try {
    return sessionLogProviderConfigFromEnv(env);
  } catch (error) {
    if (error instanceof SessionLogConfigError) {
      throw new ConfigError(`TEAM handler configuration is incomplete: ${error.message}`);
    }
    throw error;
  }
}

/** An optional setting a function cannot work without; throws ConfigError naming its variable. */
export function requireSetting(config: HandlerConfig, key: OptionalSetting): string {
  const value = config[key];
  if (value === undefined) {
    throw new ConfigError(`TEAM handler configuration is incomplete: ${OPTIONAL[key]} is not set.`);
  }
  return value;
}
