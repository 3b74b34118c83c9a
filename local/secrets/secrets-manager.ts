import { randomBytes } from 'node:crypto';
import { AwsServiceError, noFaults, startAwsJsonService, type FaultKnobs } from '../common/aws-json-server';

/**
 * A local AWS Secrets Manager (AWS JSON 1.1, target prefix `secretsmanager`) holding the Slack bot
 * token: create, read by name or ARN, new versions with AWSCURRENT/AWSPREVIOUS staging, describe,
 * list, scheduled and forced deletion, restore.
 */

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

interface SecretVersion {
  id: string;
  secretString?: string;
  /** Base64, as the JSON protocol carries blobs. */
  secretBinary?: string;
  stages: Set<string>;
  created: Date;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key?: string; Value?: string }[];
  versions: Map<string, SecretVersion>;
  created: Date;
  changed: Date;
  accessed?: Date;
  deletedAt?: Date;
  deletionDate?: Date;
}

export interface SeedSecret {
  name: string;
  value: string;
  description?: string;
}

export interface StartSecretsManagerOptions {
  port?: number;
  accountId?: string;
  region?: string;
  secrets?: SeedSecret[];
  faults?: FaultKnobs;
  now?: () => Date;
}

export interface RunningSecretsManager {
  url: string;
  faults: FaultKnobs;
  /** The current value of a secret by name (for tests), or undefined. */
  peek(name: string): string | undefined;
  stop(): Promise<void>;
}

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const seconds = (date: Date) => date.getTime() / 1000;
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const suffix = () => [...randomBytes(6)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');

const notFound = () =>
  new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const invalidParameter = (message: string) => new AwsServiceError('InvalidParameterException', message);

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string.`);
  return value;
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startSecretsManager(
  options: StartSecretsManagerOptions = {},
): Promise<RunningSecretsManager> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? (() => new Date());
  const faults = options.faults ?? noFaults();
  const secrets = new Map<string, Secret>();

  const find = (secretId: string): Secret | undefined => {
    const byName = secrets.get(secretId);
    if (byName) return byName;
    for (const secret of secrets.values()) {
      // A partial ARN leaves out the random suffix.
      if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
    }
    return undefined;
  };
  const requireSecret = (input: Record<string, unknown>) => {
    const id = optionalString(input, 'SecretId');
    if (!id) throw invalidParameter('SecretId is required.');
    const secret = find(id);
    if (!secret) throw notFound();
    return secret;
  };
  const requireLive = (secret: Secret) => {
    if (secret.deletedAt)
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
  };

  const readValue = (input: Record<string, unknown>) => {
    const secretString = optionalString(input, 'SecretString');
    const secretBinary = optionalString(input, 'SecretBinary');
    if (secretString !== undefined && secretBinary !== undefined)
      throw invalidParameter(
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    return { secretString, secretBinary };
  };

  /** Adds a version; `stages` move from whichever version held them, AWSCURRENT leaves AWSPREVIOUS behind. */
  const addVersion = (
    secret: Secret,
    id: string,
    value: { secretString?: string; secretBinary?: string },
    stages: string[],
  ): SecretVersion => {
    const existing = secret.versions.get(id);
    if (existing) {
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary)
        return existing;
      throw new AwsServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create new versions.",
      );
    }
    const version: SecretVersion = { id, ...value, stages: new Set(), created: now() };
    for (const stage of stages) {
      for (const other of secret.versions.values()) {
        if (!other.stages.delete(stage) || stage !== CURRENT) continue;
        for (const older of secret.versions.values()) older.stages.delete(PREVIOUS);
        other.stages.add(PREVIOUS);
      }
      version.stages.add(stage);
    }
    secret.versions.set(id, version);
    secret.changed = now();
    return version;
  };

  const versionsToStages = (secret: Secret) =>
    Object.fromEntries(
      [...secret.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages]]),
    );

  const describe = (secret: Secret) => ({
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    LastChangedDate: seconds(secret.changed),
    LastAccessedDate: secret.accessed ? seconds(secret.accessed) : undefined,
    DeletedDate: secret.deletedAt ? seconds(secret.deletedAt) : undefined,
    Tags: secret.tags.length > 0 ? secret.tags : undefined,
    VersionIdsToStages: versionsToStages(secret),
    CreatedDate: seconds(secret.created),
    PrimaryRegion: region,
  });

  const createSecret = (input: Record<string, unknown>) => {
    const name = optionalString(input, 'Name');
    if (!name || !NAME.test(name))
      throw invalidParameter(
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    const existing = secrets.get(name);
    if (existing?.deletedAt)
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    if (existing)
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    const value = readValue(input);
    const created = now();
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix()}`,
      name,
      description: optionalString(input, 'Description'),
      kmsKeyId: optionalString(input, 'KmsKeyId'),
      tags: Array.isArray(input.Tags) ? (input.Tags as { Key?: string; Value?: string }[]) : [],
      versions: new Map(),
      created,
      changed: created,
    };
    secrets.set(name, secret);
    let versionId: string | undefined;
    if (value.secretString !== undefined || value.secretBinary !== undefined) {
      versionId = optionalString(input, 'ClientRequestToken') ?? crypto.randomUUID();
      addVersion(secret, versionId, value, [CURRENT]);
    }
    return { ARN: secret.arn, Name: name, VersionId: versionId };
  };

  for (const seed of options.secrets ?? []) {
    createSecret({ Name: seed.name, SecretString: seed.value, Description: seed.description });
  }

  const service = await startAwsJsonService(
    {
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      faults,
      throttlingError: 'ThrottlingException',
      internalError: 'InternalServiceError',
      operations: {
        CreateSecret: createSecret,
        GetSecretValue: (input) => {
          const secret = requireSecret(input);
          requireLive(secret);
          const versionId = optionalString(input, 'VersionId');
          const stage = optionalString(input, 'VersionStage') ?? (versionId ? undefined : CURRENT);
          let version: SecretVersion | undefined;
          if (versionId) {
            version = secret.versions.get(versionId);
            if (!version)
              throw new AwsServiceError(
                'ResourceNotFoundException',
                `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
              );
            if (stage && !version.stages.has(stage))
              throw new AwsServiceError(
                'InvalidRequestException',
                `The version ${versionId} does not have the staging label ${stage}.`,
              );
          } else {
            version = [...secret.versions.values()].find((v) => stage !== undefined && v.stages.has(stage));
            if (!version)
              throw new AwsServiceError(
                'ResourceNotFoundException',
                `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
              );
          }
          secret.accessed = new Date(new Date(now()).setUTCHours(0, 0, 0, 0));
          return {
            ARN: secret.arn,
            Name: secret.name,
            VersionId: version.id,
            SecretString: version.secretString,
            SecretBinary: version.secretBinary,
            VersionStages: [...version.stages],
            CreatedDate: seconds(version.created),
          };
        },
        PutSecretValue: (input) => {
          const secret = requireSecret(input);
          requireLive(secret);
          const value = readValue(input);
          if (value.secretString === undefined && value.secretBinary === undefined)
            throw invalidParameter('You must provide either SecretString or SecretBinary.');
          const stages = Array.isArray(input.VersionStages)
            ? input.VersionStages.filter((s): s is string => typeof s === 'string')
            : [CURRENT];
          const version = addVersion(
            secret,
            optionalString(input, 'ClientRequestToken') ?? crypto.randomUUID(),
            value,
            stages,
          );
          return {
            ARN: secret.arn,
            Name: secret.name,
            VersionId: version.id,
            VersionStages: [...version.stages],
          };
        },
        UpdateSecret: (input) => {
          const secret = requireSecret(input);
          requireLive(secret);
          const description = optionalString(input, 'Description');
          if (description !== undefined) secret.description = description;
          const kmsKeyId = optionalString(input, 'KmsKeyId');
          if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId || undefined;
          const value = readValue(input);
          let versionId: string | undefined;
          if (value.secretString !== undefined || value.secretBinary !== undefined) {
            versionId = optionalString(input, 'ClientRequestToken') ?? crypto.randomUUID();
            addVersion(secret, versionId, value, [CURRENT]);
          }
          secret.changed = now();
          return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
        },
        DescribeSecret: (input) => describe(requireSecret(input)),
        ListSecrets: (input) => ({
          SecretList: [...secrets.values()]
            .filter((s) => !s.deletedAt || input.IncludePlannedDeletion === true)
            .map((s) => {
              const { VersionIdsToStages, ...rest } = describe(s);
              return { ...rest, SecretVersionsToStages: VersionIdsToStages };
            }),
        }),
        DeleteSecret: (input) => {
          const id = optionalString(input, 'SecretId');
          const force = input.ForceDeleteWithoutRecovery === true;
          const window = input.RecoveryWindowInDays;
          if (force && window !== undefined)
            throw invalidParameter(
              "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
            );
          if (window !== undefined && (typeof window !== 'number' || window < 7 || window > 30))
            throw invalidParameter(
              'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
            );
          const secret = id ? find(id) : undefined;
          if (!secret) {
            // Forced deletion of a missing secret succeeds, like the real service.
            if (force && id) return { ARN: id, Name: id, DeletionDate: seconds(now()) };
            throw notFound();
          }
          if (secret.deletedAt && !force)
            throw new AwsServiceError(
              'InvalidRequestException',
              "You can't perform this operation on the secret because it was already scheduled for deletion.",
            );
          const at = now();
          if (force) {
            secrets.delete(secret.name);
            return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(at) };
          }
          secret.deletedAt = at;
          secret.deletionDate = new Date(
            at.getTime() + (typeof window === 'number' ? window : 30) * 86_400_000,
          );
          return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(secret.deletionDate) };
        },
        RestoreSecret: (input) => {
          const secret = requireSecret(input);
          secret.deletedAt = undefined;
          secret.deletionDate = undefined;
          return { ARN: secret.arn, Name: secret.name };
        },
      },
    },
    options.port ?? 0,
  );

  return {
    url: service.url,
    faults,
    peek: (name) => {
      const secret = secrets.get(name);
      return secret && [...secret.versions.values()].find((v) => v.stages.has(CURRENT))?.secretString;
    },
    stop: () => service.stop(),
  };
}
