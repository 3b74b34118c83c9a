/**
 * The deployment configuration of TEAM: one typed object, validated once at synth.
 *
 * Sources, in order: the file named by the CDK context key `teamConfig`
 * (`-c teamConfig=path/to/file.json`), else `team.config.json` in the project root. Without
 * either the app stops with a message naming the file and how to create it: a deployment must
 * never fall back to placeholder values silently. Only an explicit
 * `-c teamConfigFallback=demo` (what `npm run synth` passes, so it works offline on a fresh
 * clone) lets a missing file mean the clearly-named demo configuration, with a warning.
 * Individual keys can then be overridden with `-c team:<dotted.path>=<value>` (JSON values are
 * parsed, anything else is taken as a string), e.g. `-c team:identityCenter.region=eu-west-1`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

const ACCOUNT_ID = /^\d{12}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const PARTITION = 'arn:aws(-[a-z]+)*';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The commercial regions CloudTrail writes to; the Athena table projects one partition per region. */
export const DEFAULT_TRAIL_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;

function parseIPv4(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : undefined;
}

/** 8 groups of 16 bits, or undefined (embedded IPv4 notation is refused: write it in hex). */
function parseIPv6(address: string): number[] | undefined {
  if (!isIPv6(address) || address.includes('.') || address.includes('%')) return undefined;
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined && missing !== 0) return undefined;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined;
}

/** Whether every bit after the prefix is zero (WAF IP sets want network addresses). */
function hostBitsZero(words: number[], bitsPerWord: number, prefix: number): boolean {
  return words.every((word, i) => {
    const keep = Math.min(Math.max(prefix - i * bitsPerWord, 0), bitsPerWord);
    const hostMask = (1 << (bitsPerWord - keep)) - 1;
    return (word & hostMask) === 0;
  });
}

/**
 * Checks one CIDR for a WAF IP set: IPv4 `a.b.c.d/1-32` or IPv6 `x:x::/1-128` (WAF refuses /0),
 * written as a network address. Returns an error message, or undefined when valid.
 */
export function cidrProblem(cidr: string): string | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) return `"${cidr}" is not a CIDR (address/prefix)`;
  const [, address = '', prefixText = ''] = match;
  const prefix = Number(prefixText);
  const v4 = parseIPv4(address);
  if (v4) {
    if (prefix < 1 || prefix > 32) return `"${cidr}": an IPv4 prefix must be 1-32`;
    return hostBitsZero(v4, 8, prefix) ? undefined : `"${cidr}" has host bits set; use the network address`;
  }
  const v6 = parseIPv6(address);
  if (v6) {
    if (prefix < 1 || prefix > 128) return `"${cidr}": an IPv6 prefix must be 1-128`;
    return hostBitsZero(v6, 16, prefix) ? undefined : `"${cidr}" has host bits set; use the network address`;
  }
  return `"${cidr}" is neither an IPv4 nor an IPv6 CIDR`;
}

/** Whether a validated CIDR is IPv6. */
export function isIPv6Cidr(cidr: string): boolean {
  return cidr.includes(':');
}

const cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

/** Where the project is published: its documentation, issues and releases. */
export const PROJECT_REPOSITORY_URL = 'https://github.com/team-idc/team-idc';

/** The placeholder a release-notes URL may hold for TEAM's version (`.../releases/tag/v{version}`). */
export const VERSION_PLACEHOLDER = '{version}';

/** The links of the web app's user menu when the configuration names none: the project's own. */
export const DEFAULT_SUPPORT_LINKS = {
  documentationUrl: `${PROJECT_REPOSITORY_URL}/tree/main/docs`,
  feedbackUrl: `${PROJECT_REPOSITORY_URL}/issues/new?labels=feedback`,
  bugReportUrl: `${PROJECT_REPOSITORY_URL}/issues/new?labels=bug`,
  releaseNotesUrl: `${PROJECT_REPOSITORY_URL}/releases/tag/v${VERSION_PLACEHOLDER}`,
} as const;

const support = z
  .strictObject({
    /** The user menu's Documentation link. */
    documentationUrl: httpsUrl.default(DEFAULT_SUPPORT_LINKS.documentationUrl),
    /** The user menu's Feedback link. */
    feedbackUrl: httpsUrl.default(DEFAULT_SUPPORT_LINKS.feedbackUrl),
    /** The user menu's Report a bug link. */
    bugReportUrl: httpsUrl.default(DEFAULT_SUPPORT_LINKS.bugReportUrl),
    /** Where the version in the user menu links to; `{version}` is replaced by TEAM's version. */
    releaseNotesUrl: httpsUrl.default(DEFAULT_SUPPORT_LINKS.releaseNotesUrl),
  })
  // prefault: an absent section is parsed as {}, so each link gets its default.
  .prefault({});

const cloudTrailLake = z
  .strictObject({
    type: z.literal('cloudtrail-lake'),
    /** Use this existing (organization) event data store. */
    eventDataStoreArn: z
      .string()
      .regex(
        new RegExp(`^${PARTITION}:cloudtrail:[a-z0-9-]+:\\d{12}:eventdatastore/[A-Za-z0-9-]+$`),
        'must be a CloudTrail Lake event data store ARN (arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>)',
      )
      .optional(),
    /** Or create an organization event data store with these settings. */
    create: z
      .strictObject({
        retentionDays: z
          .number()
          .int()
          .min(7, 'must be at least 7 days')
          .max(3653, 'must be at most 3653 days')
          .default(365),
        selectors: z.enum(['read_write', 'read', 'write']).default('read_write'),
      })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.eventDataStoreArn === undefined) === (value.create === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of eventDataStoreArn (use an existing store) or create (make one)',
        path: ['eventDataStoreArn'],
      });
    }
  });

const athena = z.strictObject({
  type: z.literal('athena'),
  trailBucketName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case characters)'),
  /** Prefix the organization trail writes under (empty when it writes at the bucket root). */
  trailPrefix: z
    .string()
    .regex(
      /^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/,
      'must be an S3 key prefix without slashes at either end',
    )
    .default(''),
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id (o-xxxxxxxxxx)'),
  /** Name of the Glue database TEAM creates (default `team_<environment>_audit`). */
  glueDatabase: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'must be 1-64 lower-case letters, digits or underscores')
    .optional(),
  /** Name of the Athena workgroup TEAM creates (default `team-<environment>`). */
  workgroup: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1-128 letters, digits, dots, underscores or hyphens')
    .optional(),
  /** KMS key that encrypts the trail's objects, if any (the session-log function needs Decrypt). */
  trailKmsKeyArn: z
    .string()
    .regex(new RegExp(`^${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$`), 'must be a KMS key ARN')
    .optional(),
  /** Regions projected as partitions (default: every commercial region). */
  regions: z.array(z.string().regex(AWS_REGION, 'must be an AWS region name')).min(1).optional(),
});

const none = z.strictObject({ type: z.literal('none') });

const sessionLogs = z.discriminatedUnion('type', [cloudTrailLake, athena, none], {
  error: () => 'type must be "cloudtrail-lake", "athena" or "none"',
});

const domainName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a lower-case DNS name such as team.example.com',
  );

/** The zod schema of `team.config.json`; `TeamConfig` is its output type. */
export const teamConfigSchema = z.strictObject({
  /** Short name of this deployment; part of resource names and the default stack name. */
  environment: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,19}$/,
      'must be 1-20 lower-case letters, digits or hyphens, starting with a letter',
    )
    .refine(
      (v) => !/aws|amazon|cognito/.test(v),
      'must not contain "aws", "amazon" or "cognito" (Cognito domain rule)',
    ),
  /** CloudFormation stack name (default `Team-<environment>`). */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'must be a CloudFormation stack name')
    .optional(),
  /** Deployment account and region (default: the CLI's, from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION). */
  account: z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id').optional(),
  region: z.string().regex(AWS_REGION, 'must be an AWS region name such as eu-west-1').optional(),
  identityCenter: z.strictObject({
    /** Region of the IAM Identity Center instance. */
    region: z.string().regex(AWS_REGION, 'must be an AWS region name such as eu-west-1'),
    instanceArn: z
      .string()
      .regex(
        new RegExp(`^${PARTITION}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`),
        'must be an IAM Identity Center instance ARN (arn:aws:sso:::instance/ssoins-xxxxxxxxxxxxxxxx)',
      ),
    identityStoreId: z
      .string()
      .regex(
        /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
        'must be an identity store id (d-xxxxxxxxxx)',
      ),
    /** The organization management account, which owns the Identity Center instance and identity store. */
    managementAccountId: z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id'),
    /** AWS access portal URL, e.g. https://d-xxxxxxxxxx.awsapps.com/start. */
    startUrl: httpsUrl,
    /** IAM Identity Center SAML metadata URL of the TEAM custom application. */
    samlMetadataUrl: httpsUrl,
  }),
  /** Display names of the IdC groups whose members are TEAM admins and auditors. */
  groups: z.strictObject({
    admin: z.string().trim().min(1, 'must not be empty').max(1024),
    auditor: z.string().trim().min(1, 'must not be empty').max(1024),
  }),
  notifications: z
    .strictObject({
      /** Sender address of TEAM emails (an SES-verified email or domain identity). */
      senderEmail: z.email('must be an email address').optional(),
      /** SES identity ARN to send from (e.g. a domain identity), when not the sender email itself. */
      sesIdentityArn: z
        .string()
        .regex(
          new RegExp(`^${PARTITION}:ses:[a-z0-9-]+:\\d{12}:identity/.+$`),
          'must be an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<identity>)',
        )
        .optional(),
    })
    .default({}),
  sessionLogs: sessionLogs.default({ type: 'none' }),
  customDomain: z
    .strictObject({
      /** Domain name of the web app, e.g. team.example.com. */
      domainName,
      /** ACM certificate for domainName (and authDomainName); CloudFront requires it in us-east-1. */
      certificateArn: z
        .string()
        .regex(
          new RegExp(`^${PARTITION}:acm:us-east-1:\\d{12}:certificate/[A-Za-z0-9-]+$`),
          'must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)',
        ),
      /** Route 53 hosted zone to create the alias records in; without it, create them yourself. */
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id (Z...)')
        .optional(),
      /** Custom domain of the Cognito sign-in pages, e.g. auth.team.example.com (default: a Cognito prefix domain). */
      authDomainName: domainName.optional(),
    })
    .optional(),
  /** Restricts the web app to these CIDRs with an AWS WAF web ACL (IPv4 and IPv6). */
  waf: z
    .strictObject({
      allowedCidrs: z.array(cidr).min(1, 'must list at least one CIDR'),
    })
    .optional(),
  /** Prefix of the Cognito hosted-UI domain (default `team-<environment>-<account id>`). */
  cognitoDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and hyphens')
    .refine((v) => !/aws|amazon|cognito/.test(v), 'must not contain "aws", "amazon" or "cognito"')
    .optional(),
  /** Links of the web app's user menu (documentation, feedback, bug reports, release notes). */
  support,
  /** Tags applied to every resource. */
  tags: z
    .record(z.string().min(1).max(128), z.string().max(256, 'tag values are at most 256 characters'))
    .default({}),
  /** What happens to stateful resources (tables, buckets, user pool, event data store) on stack deletion. */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** DynamoDB encryption: AWS-managed key, or a customer-managed key created by the stack. */
  dataEncryption: z.enum(['aws-managed', 'customer-managed']).default('aws-managed'),
  /** Retention of the Lambda, API and state-machine logs. */
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(365),
  /** Adds http://127.0.0.1:5173 to the sign-in callback URLs (SPA development against this stack). */
  dev: z.boolean().default(false),
  /**
   * Deploy into the organization management account (the owner of the Identity Center instance)
   * instead of a delegated-administrator member account. Off by default and not recommended:
   * docs/deployment.md says what it costs. With it on, `account` (when given) must be the
   * management account; without it, deploying there is refused.
   */
  deployInManagementAccount: z.boolean().default(false),
});

/**
 * Why TEAM may not be deployed to `account` with this configuration, or undefined when it may:
 * the management account only with `deployInManagementAccount`, and that flag only there.
 */
export function deploymentAccountProblem(
  config: Pick<TeamConfig, 'deployInManagementAccount' | 'identityCenter'>,
  account: string,
): string | undefined {
  const management = config.identityCenter.managementAccountId;
  if (account === management && !config.deployInManagementAccount) {
    return (
      `TEAM is being deployed to ${account}, the organization management account ` +
      '(identityCenter.managementAccountId), which owns the Identity Center instance. Choose one: ' +
      '(1) recommended: deploy TEAM to a dedicated member account and make it a delegated administrator ' +
      "with bin/management-account.ts (docs/deployment.md, section 2), then deploy with that account's " +
      'credentials (or "account" set to it); or (2) deploy into the management account on purpose: set ' +
      '"deployInManagementAccount": true in the configuration (docs/deployment.md, section 14 explains ' +
      'the security trade-off).'
    );
  }
  if (account !== management && config.deployInManagementAccount) {
    return (
      `"deployInManagementAccount" is true, but TEAM is being deployed to ${account}, not to the ` +
      `management account ${management} (identityCenter.managementAccountId). Remove ` +
      '"deployInManagementAccount" to deploy to this member account as a delegated administrator ' +
      "(recommended), or deploy with the management account's credentials."
    );
  }
  return undefined;
}

/** The check of `deploymentAccountProblem` when the configuration names its account. */
function configuredAccountIssue(config: TeamConfig): { path: string; message: string } | undefined {
  if (config.account === undefined) return undefined;
  const problem = deploymentAccountProblem(config, config.account);
  if (problem === undefined) return undefined;
  return {
    path: config.deployInManagementAccount ? 'deployInManagementAccount' : 'account',
    message: problem,
  };
}

export type TeamConfigInput = z.input<typeof teamConfigSchema>;
export type TeamConfig = z.output<typeof teamConfigSchema>;
export type SessionLogsConfig = TeamConfig['sessionLogs'];

/** A configuration that failed validation; the message names every bad field by its path. */
export class TeamConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'TeamConfigError';
  }
}

/**
 * The demo configuration used when no config file exists: every value is a placeholder that
 * synthesizes but does not point at a real Identity Center.
 */
export const DEMO_CONFIG: TeamConfigInput = {
  environment: 'demo',
  identityCenter: {
    region: 'us-east-1',
    instanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
    identityStoreId: 'd-0000000000',
    managementAccountId: '000000000000',
    startUrl: 'https://d-0000000000.awsapps.com/start',
    samlMetadataUrl: 'https://portal.sso.us-east-1.amazonaws.com/saml/metadata/DEMO-PLACEHOLDER',
  },
  groups: { admin: 'TEAM-Admins', auditor: 'TEAM-Auditors' },
  notifications: { senderEmail: 'team-demo@example.com' },
  sessionLogs: { type: 'none' },
  tags: { project: 'team', environment: 'demo' },
};

/** Validates raw config; throws TeamConfigError naming each bad field (`identityCenter.startUrl: ...`). */
export function parseTeamConfig(input: unknown, source = 'config'): TeamConfig {
  const result = teamConfigSchema.safeParse(input);
  let issues: { path: string; message: string }[];
  if (result.success) {
    const accountIssue = configuredAccountIssue(result.data);
    if (accountIssue === undefined) return result.data;
    issues = [accountIssue];
  } else {
    issues = result.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
      message: issue.message,
    }));
  }
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
  throw new TeamConfigError(`Invalid TEAM configuration (${source}):\n${lines.join('\n')}`, issues);
}

/** Sets `value` at a dotted path inside `target`, creating objects on the way. */
function setPath(target: Record<string, unknown>, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split('.');
  let node: Record<string, unknown> = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  });
}

function contextValue(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export interface LoadTeamConfigOptions {
  /** Path from `-c teamConfig=<path>` (relative to cwd). */
  configPath?: string;
  /**
   * Use the demo configuration when there is no config file (`-c teamConfigFallback=demo`:
   * offline synthesis and tests only). @default false: a missing file is an error
   */
  demoFallback?: boolean;
  /** Individual overrides: dotted path → value (from `-c team:<path>=<value>`). */
  overrides?: Record<string, unknown>;
  /** Directory holding `team.config.json` (default: process.cwd()). */
  cwd?: string;
  /** Where warnings go (default: console.warn). */
  warn?: (message: string) => void;
}

export interface LoadedTeamConfig {
  config: TeamConfig;
  /** Where it came from: a file path or 'demo'. */
  source: string;
  isDemo: boolean;
}

/** The name of the configuration file in the project root. */
export const CONFIG_FILE_NAME = 'team.config.json';

/** Context key and value that let a missing config file mean the demo configuration. */
export const DEMO_FALLBACK_CONTEXT = { key: 'teamConfigFallback', value: 'demo' } as const;

/** How to create the configuration file, for every message about a missing one. */
export function howToCreateConfig(path: string): string {
  return (
    `Create it from the example: cp team.config.example.json ${CONFIG_FILE_NAME} and fill in your ` +
    `Identity Center instance, groups and account (docs/deployment.md, section 4), then run the command again. ` +
    `The file must be at ${path}, or pass another path with -c teamConfig=<path>.`
  );
}

/** Loads, overrides and validates the configuration (see the module comment for the sources). */
export function loadTeamConfig(options: LoadTeamConfigOptions = {}): LoadedTeamConfig {
  const cwd = options.cwd ?? process.cwd();
  const warn = options.warn ?? ((m: string) => console.warn(m));
  let raw: unknown;
  let source: string;
  let isDemo = false;
  // An explicit path is relative to where the command runs; the default file lives in `cwd`.
  const explicit = options.configPath ? resolve(process.cwd(), options.configPath) : undefined;
  const defaultPath = resolve(cwd, CONFIG_FILE_NAME);
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new TeamConfigError(
        `TEAM configuration file not found: ${explicit} (from -c teamConfig). ${howToCreateConfig(defaultPath)}`,
      );
    }
    source = explicit;
  } else if (existsSync(defaultPath)) {
    source = defaultPath;
  } else if (options.demoFallback) {
    source = 'demo';
  } else {
    throw new TeamConfigError(
      `No TEAM configuration: ${defaultPath} does not exist, and TEAM will not deploy the demo ` +
        `configuration's placeholder values. ${howToCreateConfig(defaultPath)}`,
    );
  }
  if (source === 'demo') {
    isDemo = true;
    raw = structuredClone(DEMO_CONFIG);
    warn(
      `[TEAM] WARNING: no ${CONFIG_FILE_NAME} found, synthesizing with the DEMO configuration ` +
        '(placeholder Identity Center values that cannot be deployed usefully), as ' +
        `-c ${DEMO_FALLBACK_CONTEXT.key}=${DEMO_FALLBACK_CONTEXT.value} asks. Copy ` +
        `team.config.example.json to ${CONFIG_FILE_NAME} and edit it, or pass -c teamConfig=<path>.`,
    );
  } else {
    try {
      raw = JSON.parse(readFileSync(source, 'utf8')) as unknown;
    } catch (err) {
      throw new TeamConfigError(
        `TEAM configuration file ${source} is not valid JSON: ${(err as Error).message}`,
      );
    }
  }
  const overrides = Object.entries(options.overrides ?? {});
  if (overrides.length) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new TeamConfigError(`TEAM configuration (${source}) must be a JSON object`);
    }
    for (const [path, value] of overrides) setPath(raw as Record<string, unknown>, path, contextValue(value));
  }
  return { config: parseTeamConfig(raw, source), source, isDemo };
}

/** Context key prefix for individual overrides: `-c team:identityCenter.region=eu-west-1`. */
export const CONTEXT_OVERRIDE_PREFIX = 'team:';

/**
 * Reads the `teamConfig`, `teamConfigFallback` and `team:*` keys from a CDK context lookup and
 * loads the configuration.
 */
export function loadTeamConfigFromContext(
  tryGetContext: (key: string) => unknown,
  allContext: Record<string, unknown>,
  options: Omit<LoadTeamConfigOptions, 'configPath' | 'overrides' | 'demoFallback'> = {},
): LoadedTeamConfig {
  const path = tryGetContext('teamConfig');
  const fallback = tryGetContext(DEMO_FALLBACK_CONTEXT.key);
  if (fallback !== undefined && fallback !== DEMO_FALLBACK_CONTEXT.value) {
    throw new TeamConfigError(
      `-c ${DEMO_FALLBACK_CONTEXT.key} only accepts "${DEMO_FALLBACK_CONTEXT.value}" (got ${JSON.stringify(fallback)}).`,
    );
  }
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(allContext)) {
    if (key.startsWith(CONTEXT_OVERRIDE_PREFIX)) overrides[key.slice(CONTEXT_OVERRIDE_PREFIX.length)] = value;
  }
  return loadTeamConfig({
    ...options,
    configPath: typeof path === 'string' && path !== '' ? path : undefined,
    demoFallback: fallback === DEMO_FALLBACK_CONTEXT.value,
    overrides,
  });
}

/** The user menu's links as the web app's runtime config carries them (`links` of config.json). */
export interface SupportLinks {
  documentation: string;
  feedback: string;
  bugReport: string;
  releaseNotes: string;
}

/** The configured support links for TEAM `version` (its placeholder in the release-notes URL filled in). */
export function supportLinksOf(support: TeamConfig['support'], version: string): SupportLinks {
  return {
    documentation: support.documentationUrl,
    feedback: support.feedbackUrl,
    bugReport: support.bugReportUrl,
    releaseNotes: support.releaseNotesUrl.replaceAll(VERSION_PLACEHOLDER, encodeURIComponent(version)),
  };
}

/** The stack name a configuration deploys to. */
export function stackNameOf(config: TeamConfig): string {
  return config.stackName ?? `Team-${config.environment}`;
}
