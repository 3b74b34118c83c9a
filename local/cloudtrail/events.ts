import { createHash } from 'node:crypto';

/**
 * CloudTrail records as CloudTrail Lake stores them, and a generator of realistic API activity for
 * an IAM Identity Center session (a user working through an `AWSReservedSSO_<PermissionSet>_…` role).
 */

export interface SessionIssuer {
  type: string;
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface UserIdentity {
  type: string;
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId?: string;
  sessionContext?: {
    sessionIssuer: SessionIssuer;
    attributes: { creationDate: string; mfaAuthenticated: string };
  };
}

/** One management event as CloudTrail delivers it (the fields TEAM and auditors look at). */
export interface CloudTrailEvent {
  eventVersion: string;
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  eventType: string;
  eventCategory: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  readOnly: boolean;
  managementEvent: boolean;
  requestID: string;
  recipientAccountId: string;
  userIdentity: UserIdentity;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
}

/** What `addEvents` accepts: the name and time are required, everything else gets a sensible default. */
export type CloudTrailEventInput = Partial<Omit<CloudTrailEvent, 'eventTime'>> & {
  eventName: string;
  eventTime: string | Date;
};

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

const hex = (input: string, length: number) =>
  createHash('sha256').update(input).digest('hex').slice(0, length);

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Deterministic upper-case id characters, like the ones in IAM unique ids. */
const idChars = (input: string, length: number) => {
  const digest = createHash('sha256').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ID_ALPHABET[(digest[i % digest.length] ?? 0) % ID_ALPHABET.length];
  return out;
};

/** The role IAM Identity Center provisions for a permission set in an account. */
export function ssoRoleName(accountId: string, permissionSetName: string): string {
  return `AWSReservedSSO_${permissionSetName}_${hex(`${accountId}/${permissionSetName}`, 16)}`;
}

/** ARN of that role (IdC roles live under the `aws-reserved/sso.amazonaws.com/<region>/` path). */
export function ssoRoleArn(accountId: string, permissionSetName: string, region = DEFAULT_REGION): string {
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/${region}/${ssoRoleName(accountId, permissionSetName)}`;
}

/** The identity CloudTrail records for a user's IdC session in an account. */
export function ssoUserIdentity(options: {
  userName: string;
  accountId: string;
  permissionSetName: string;
  region?: string;
  sessionStart?: Date;
}): UserIdentity {
  const { userName, accountId, permissionSetName } = options;
  const roleName = ssoRoleName(accountId, permissionSetName);
  const roleId = `AROA${idChars(`role/${accountId}/${permissionSetName}`, 17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${userName}`,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${userName}`,
    accountId,
    accessKeyId: `ASIA${idChars(`key/${accountId}/${permissionSetName}/${userName}`, 16)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: ssoRoleArn(accountId, permissionSetName, options.region),
        accountId,
        userName: roleName,
      },
      attributes: {
        creationDate: (options.sessionStart ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        mfaAuthenticated: 'false',
      },
    },
  };
}

/** CloudTrail writes times with second precision and a `Z`. */
export const cloudTrailTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Fills the defaults of an event given with only some fields. */
export function completeEvent(input: CloudTrailEventInput): CloudTrailEvent {
  const accountId = input.recipientAccountId ?? input.userIdentity?.accountId ?? DEFAULT_ACCOUNT_ID;
  const eventTime = input.eventTime instanceof Date ? cloudTrailTime(input.eventTime) : input.eventTime;
  const { eventTime: _ignored, ...rest } = input;
  return {
    eventVersion: '1.09',
    eventID: crypto.randomUUID(),
    eventSource: 'sts.amazonaws.com',
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    awsRegion: DEFAULT_REGION,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.30',
    readOnly: true,
    managementEvent: true,
    requestID: crypto.randomUUID(),
    recipientAccountId: accountId,
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${idChars(accountId, 17)}`,
      arn: `arn:aws:iam::${accountId}:user/local`,
      accountId,
    },
    requestParameters: null,
    responseElements: null,
    ...rest,
    eventTime,
  };
}

/** A small seeded generator (mulberry32) so generated activity is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedFrom = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0);

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const rngUuid = (rng: Rng) => {
  const h = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const rngHex = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');

interface ApiCall {
  source: string;
  name: string;
  readOnly: boolean;
  /** The error code the service answers an unauthorised call with. */
  deniedCode: string;
  params: (rng: Rng, accountId: string) => Record<string, unknown> | null;
}

const BUCKETS = ['team-audit-logs', 'payments-artifacts', 'data-lake-raw', 'web-static-assets'];
const INSTANCE_TYPES = ['t3.micro', 't3.medium', 'm6i.large', 'c7g.xlarge'];
const DB_INSTANCES = ['orders-db', 'reporting-replica', 'legacy-mysql'];

const READ_CALLS: readonly ApiCall[] = [
  {
    source: 'ec2.amazonaws.com',
    name: 'DescribeInstances',
    readOnly: true,
    deniedCode: 'Client.UnauthorizedOperation',
    params: () => ({ instancesSet: {}, filterSet: {} }),
  },
  {
    source: 's3.amazonaws.com',
    name: 'ListBuckets',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => ({ Host: 's3.amazonaws.com' }),
  },
  {
    source: 'sts.amazonaws.com',
    name: 'GetCallerIdentity',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => null,
  },
  {
    source: 'iam.amazonaws.com',
    name: 'ListRoles',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => ({ maxItems: 100 }),
  },
  {
    source: 's3.amazonaws.com',
    name: 'GetBucketPolicy',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: (rng) => ({ bucketName: pick(rng, BUCKETS), Host: 's3.amazonaws.com', policy: '' }),
  },
  {
    source: 'rds.amazonaws.com',
    name: 'DescribeDBInstances',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => null,
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'DescribeSecurityGroups',
    readOnly: true,
    deniedCode: 'Client.UnauthorizedOperation',
    params: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }),
  },
  {
    source: 'logs.amazonaws.com',
    name: 'DescribeLogGroups',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => ({ limit: 50 }),
  },
  {
    source: 'lambda.amazonaws.com',
    name: 'ListFunctions20150331',
    readOnly: true,
    deniedCode: 'AccessDenied',
    params: () => null,
  },
];

const WRITE_CALLS: readonly ApiCall[] = [
  {
    source: 'ec2.amazonaws.com',
    name: 'RunInstances',
    readOnly: false,
    deniedCode: 'Client.UnauthorizedOperation',
    params: (rng) => ({
      instancesSet: { items: [{ imageId: `ami-${rngHex(rng, 17)}`, minCount: 1, maxCount: 1 }] },
      instanceType: pick(rng, INSTANCE_TYPES),
    }),
  },
  {
    source: 's3.amazonaws.com',
    name: 'PutBucketPolicy',
    readOnly: false,
    deniedCode: 'AccessDenied',
    params: (rng) => ({ bucketName: pick(rng, BUCKETS), Host: 's3.amazonaws.com', policy: '' }),
  },
  {
    source: 'iam.amazonaws.com',
    name: 'CreateAccessKey',
    readOnly: false,
    deniedCode: 'AccessDenied',
    params: (rng) => ({ userName: pick(rng, ['ci-deployer', 'backup-agent', 'legacy-integration']) }),
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'AuthorizeSecurityGroupIngress',
    readOnly: false,
    deniedCode: 'Client.UnauthorizedOperation',
    params: (rng) => ({
      groupId: `sg-${rngHex(rng, 17)}`,
      ipPermissions: {
        items: [
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
        ],
      },
    }),
  },
  {
    source: 'rds.amazonaws.com',
    name: 'DeleteDBInstance',
    readOnly: false,
    deniedCode: 'AccessDenied',
    params: (rng) => ({ dBInstanceIdentifier: pick(rng, DB_INSTANCES), skipFinalSnapshot: false }),
  },
  {
    source: 'iam.amazonaws.com',
    name: 'AttachRolePolicy',
    readOnly: false,
    deniedCode: 'AccessDenied',
    params: (rng, accountId) => ({
      roleName: pick(rng, ['app-runtime', 'etl-job']),
      policyArn: pick(rng, [
        'arn:aws:iam::aws:policy/AdministratorAccess',
        `arn:aws:iam::${accountId}:policy/app-extra`,
      ]),
    }),
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'TerminateInstances',
    readOnly: false,
    deniedCode: 'Client.UnauthorizedOperation',
    params: (rng) => ({ instancesSet: { items: [{ instanceId: `i-${rngHex(rng, 17)}` }] } }),
  },
];

const USER_AGENTS = [
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8',
  'aws-sdk-js/3.600.0 ua/2.1 os/darwin#23.4.0 lang/js md/nodejs#20.12.2',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'AWS Internal',
];

/**
 * What a permission set lets its sessions do, judged from its name the way AWS names its
 * job-function permission sets: read-only sets read (their writes are denied), power users write
 * everywhere but IAM, administrators write everywhere. A name that says neither is treated as a
 * power user.
 */
export type AccessProfile = 'read-only' | 'power-user' | 'administrator';

export function accessProfileOf(permissionSetName: string): AccessProfile {
  if (/read.?only|view.?only|security.?audit|audit|billing|support/i.test(permissionSetName))
    return 'read-only';
  if (/admin/i.test(permissionSetName)) return 'administrator';
  return 'power-user';
}

/** Whether IAM would refuse the call to a session of this profile (besides random denials). */
function refusedByPolicy(profile: AccessProfile, call: ApiCall): boolean {
  if (call.readOnly) return false;
  if (profile === 'read-only') return true;
  return profile === 'power-user' && call.source === 'iam.amazonaws.com';
}

/** Read-only sessions rarely try to write; this scales their share of write attempts. */
const READ_ONLY_WRITE_ATTEMPTS = 0.3;

export interface SessionActivityOptions {
  /** The IdC user name; it is the role session name, so it appears in the principal id and ARN. */
  userName: string;
  accountId: string;
  permissionSetName: string;
  from: Date;
  to: Date;
  count: number;
  /**
   * Share (0–1) of write (mutating) calls; 0.25 by default, a third of that for a read-only
   * permission set (whose writes are all denied).
   */
  writeShare?: number;
  /** Share (0–1) of the calls the permission set allows that are denied anyway; 0.08 by default. */
  deniedShare?: number;
  seed?: number;
  region?: string;
}

/**
 * Generates `count` events of one user's session, spread over [from, to), sorted by time, as the
 * permission set allows them (`accessProfileOf`). The same options (and seed) always give the
 * same events.
 */
export function generateSessionActivity(options: SessionActivityOptions): CloudTrailEvent[] {
  const { userName, accountId, permissionSetName, from, to, count } = options;
  const region = options.region ?? DEFAULT_REGION;
  const profile = accessProfileOf(permissionSetName);
  const writeShare = options.writeShare ?? (profile === 'read-only' ? 0.25 * READ_ONLY_WRITE_ATTEMPTS : 0.25);
  const deniedShare = options.deniedShare ?? 0.08;
  const rng = seededRandom(
    options.seed ?? seedFrom(`${userName}|${accountId}|${permissionSetName}|${from.toISOString()}`),
  );
  const identity = ssoUserIdentity({ userName, accountId, permissionSetName, region, sessionStart: from });
  const sourceIPAddress = `198.51.100.${1 + Math.floor(rng() * 254)}`;
  const agent = pick(rng, USER_AGENTS.slice(0, 3));
  const span = Math.max(1, to.getTime() - from.getTime());
  const times = Array.from({ length: count }, () => from.getTime() + Math.floor(rng() * span)).sort(
    (a, b) => a - b,
  );
  return times.map((time) => {
    const call = rng() < writeShare ? pick(rng, WRITE_CALLS) : pick(rng, READ_CALLS);
    const denied = rng() < deniedShare || refusedByPolicy(profile, call);
    const event: CloudTrailEvent = {
      eventVersion: '1.09',
      eventID: rngUuid(rng),
      eventTime: cloudTrailTime(new Date(time)),
      eventName: call.name,
      eventSource: call.source,
      eventType: 'AwsApiCall',
      eventCategory: 'Management',
      awsRegion: call.source === 'iam.amazonaws.com' ? 'us-east-1' : region,
      sourceIPAddress: call.source === 's3.amazonaws.com' && rng() < 0.1 ? 'AWS Internal' : sourceIPAddress,
      userAgent: rng() < 0.1 ? 'AWS Internal' : agent,
      readOnly: call.readOnly,
      managementEvent: true,
      requestID: rngUuid(rng),
      recipientAccountId: accountId,
      userIdentity: identity,
      requestParameters: call.params(rng, accountId),
      responseElements: null,
    };
    if (denied) {
      const service = call.source.split('.')[0] ?? 'sts';
      event.errorCode = call.deniedCode;
      event.errorMessage =
        `User: ${identity.arn} is not authorized to perform: ${service}:${call.name} ` +
        `because no identity-based policy allows the ${service}:${call.name} action`;
    } else if (call.name === 'RunInstances') {
      event.responseElements = { instancesSet: { items: [{ instanceId: `i-${rngHex(rng, 17)}` }] } };
    } else if (call.name === 'CreateAccessKey') {
      event.responseElements = { accessKey: { accessKeyId: `AKIA${idChars(rngHex(rng, 8), 16)}` } };
    }
    return event;
  });
}
