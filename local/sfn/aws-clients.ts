import { toJson, type JsonObject } from './json';

/**
 * Real AWS SDK v3 clients for the `aws-sdk:*` and optimized integrations, pointed at local
 * endpoints. Client modules are imported on first use (each weighs a few hundred ms).
 */

/** Services reachable through `arn:aws:states:::aws-sdk:<service>:<action>`. */
export type AwsSdkService =
  | 'ssoadmin'
  | 'identitystore'
  | 'organizations'
  | 'dynamodb'
  | 'sns'
  | 'sesv2'
  | 'cloudtrail'
  | 'sfn'
  | 'secretsmanager'
  | 'athena';

type ModuleLoader = () => Promise<object>;

interface ServiceSpec {
  load: ModuleLoader;
  client: string;
  /** Error name prefix of the aws-sdk integration (`SsoAdmin.ConflictException`). */
  errorPrefix: string;
  /** Service name inside causes, like the real service writes it. */
  displayName: string;
}

const SERVICES: Record<AwsSdkService, ServiceSpec> = {
  ssoadmin: {
    load: () => import('@aws-sdk/client-sso-admin'),
    client: 'SSOAdminClient',
    errorPrefix: 'SsoAdmin',
    displayName: 'SsoAdmin',
  },
  identitystore: {
    load: () => import('@aws-sdk/client-identitystore'),
    client: 'IdentitystoreClient',
    errorPrefix: 'IdentityStore',
    displayName: 'Identitystore',
  },
  organizations: {
    load: () => import('@aws-sdk/client-organizations'),
    client: 'OrganizationsClient',
    errorPrefix: 'Organizations',
    displayName: 'Organizations',
  },
  dynamodb: {
    load: () => import('@aws-sdk/client-dynamodb'),
    client: 'DynamoDBClient',
    errorPrefix: 'DynamoDb',
    displayName: 'DynamoDb',
  },
  sns: {
    load: () => import('@aws-sdk/client-sns'),
    client: 'SNSClient',
    errorPrefix: 'Sns',
    displayName: 'Sns',
  },
  sesv2: {
    load: () => import('@aws-sdk/client-sesv2'),
    client: 'SESv2Client',
    errorPrefix: 'SesV2',
    displayName: 'SesV2',
  },
  cloudtrail: {
    load: () => import('@aws-sdk/client-cloudtrail'),
    client: 'CloudTrailClient',
    errorPrefix: 'CloudTrail',
    displayName: 'CloudTrail',
  },
  sfn: {
    load: () => import('@aws-sdk/client-sfn'),
    client: 'SFNClient',
    errorPrefix: 'Sfn',
    displayName: 'Sfn',
  },
  secretsmanager: {
    load: () => import('@aws-sdk/client-secrets-manager'),
    client: 'SecretsManagerClient',
    errorPrefix: 'SecretsManager',
    displayName: 'SecretsManager',
  },
  athena: {
    load: () => import('@aws-sdk/client-athena'),
    client: 'AthenaClient',
    errorPrefix: 'Athena',
    displayName: 'Athena',
  },
};

/** Whether `service` is one the local runner can call. */
export function isAwsSdkService(service: string): service is AwsSdkService {
  return Object.prototype.hasOwnProperty.call(SERVICES, service);
}

/** The `<Service>.` prefix the aws-sdk integration puts in front of error names. */
export function sdkErrorPrefix(service: AwsSdkService): string {
  return SERVICES[service].errorPrefix;
}

export interface AwsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Endpoint per service (e.g. `{ ssoadmin: 'http://127.0.0.1:4010' }`). */
  endpoints?: Partial<Record<AwsSdkService, string>>;
}

/** A failed SDK call: the service's error code, or `SdkClientException` when nothing answered. */
export class SdkCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number | undefined,
    readonly requestId: string | undefined,
    readonly serviceName: string,
  ) {
    super(message);
    this.name = code;
  }

  /** The cause text, shaped like the real service's (`… (Service: X, Status Code: 400, …)`). */
  describe(): string {
    const parts = [`Service: ${this.serviceName}`];
    if (this.statusCode !== undefined) parts.push(`Status Code: ${this.statusCode}`);
    parts.push(`Error Code: ${this.code}`);
    if (this.requestId) parts.push(`Request ID: ${this.requestId}`);
    return `${this.message} (${parts.join(', ')})`;
  }
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}

type Constructor<T> = new (input: object) => T;

function constructorOf<T>(module: object, name: string): Constructor<T> | undefined {
  const value: unknown = (module as Record<string, unknown>)[name];
  return typeof value === 'function' ? (value as Constructor<T>) : undefined;
}

function upperFirst(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function metadataOf(err: object): { httpStatusCode?: number; requestId?: string } | undefined {
  const meta: unknown = (err as { $metadata?: unknown }).$metadata;
  return typeof meta === 'object' && meta !== null
    ? (meta as { httpStatusCode?: number; requestId?: string })
    : undefined;
}

/** The SDK's classes of a failed attempt. */
export type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

/**
 * An SDK retry strategy (its interface, structurally): up to `maxAttempts` tries of a call whose
 * failure `retries` accepts, `delayMs` apart.
 */
export function fixedRetryStrategy(options: {
  maxAttempts: number;
  delayMs: number;
  retries: (errorType: RetryErrorType) => boolean;
}) {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => options.delayMs });
  return {
    mode: 'standard',
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (
      previous: { getRetryCount(): number },
      info: { errorType: RetryErrorType },
    ) => {
      const count = previous.getRetryCount() + 1;
      if (count >= options.maxAttempts || !options.retries(info.errorType)) {
        return Promise.reject(new Error('not retried'));
      }
      return Promise.resolve(token(count));
    },
    recordSuccess: () => undefined,
  };
}

/**
 * The retry strategy of the pool's clients: a call whose connection failed before the service
 * answered (reset, refused, timed out: the SDK's `TRANSIENT` class) is made again at once, up to
 * three tries, as the real service's own network would; anything the service answered,
 * throttling and server errors included, goes to the state machine's Retry and Catch unchanged.
 */
const connectionRetry = fixedRetryStrategy({
  maxAttempts: 3,
  delayMs: 0,
  retries: (errorType) => errorType === 'TRANSIENT',
});

/** Holds one client per service and calls operations by name. */
export class AwsClientPool {
  private readonly clients = new Map<AwsSdkService, SdkClient>();
  private readonly modules = new Map<AwsSdkService, Promise<object>>();

  constructor(private readonly options: AwsClientOptions) {}

  /** Whether a local endpoint is configured for `service`. */
  hasEndpoint(service: AwsSdkService): boolean {
    return Boolean(this.options.endpoints?.[service]);
  }

  /**
   * Calls `action` (camelCase as in the ASL resource, or PascalCase) on `service` with `input`
   * (PascalCase members, as in ASL). Resolves with the SDK output without `$metadata`, as JSON.
   */
  async call(
    service: AwsSdkService,
    action: string,
    input: JsonObject,
    signal?: AbortSignal,
  ): Promise<JsonObject> {
    const spec = SERVICES[service];
    const endpoint = this.options.endpoints?.[service];
    if (!endpoint) {
      throw new SdkCallError(
        'SdkClientException',
        `no local endpoint is configured for ${service}`,
        undefined,
        undefined,
        spec.displayName,
      );
    }
    let loading = this.modules.get(service);
    if (!loading) {
      loading = spec.load();
      this.modules.set(service, loading);
    }
    const module = await loading;
    const Command = constructorOf<object>(module, `${upperFirst(action)}Command`);
    if (!Command) {
      throw new SdkCallError(
        'SdkClientException',
        `${service} has no action ${action}`,
        undefined,
        undefined,
        spec.displayName,
      );
    }
    let client = this.clients.get(service);
    if (!client) {
      const Client = constructorOf<SdkClient>(module, spec.client);
      if (!Client) throw new Error(`${spec.client} missing from its module`);
      client = new Client({
        region: this.options.region ?? 'us-east-1',
        endpoint,
        credentials: this.options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
        // Step Functions surfaces the service's error to Retry/Catch; SDK retries would hide it.
        retryStrategy: connectionRetry,
      });
      this.clients.set(service, client);
    }
    try {
      const output = await client.send(new Command(input), signal ? { abortSignal: signal } : undefined);
      const json = toJson(output);
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
      delete json['$metadata'];
      return json;
    } catch (err) {
      throw toSdkCallError(err, spec.displayName);
    }
  }

  /** Closes every client's sockets. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

function toSdkCallError(err: unknown, serviceName: string): SdkCallError {
  if (err instanceof Error) {
    const meta = metadataOf(err);
    if (meta?.httpStatusCode !== undefined) {
      return new SdkCallError(err.name, err.message, meta.httpStatusCode, meta.requestId, serviceName);
    }
    return new SdkCallError('SdkClientException', err.message, undefined, undefined, serviceName);
  }
  return new SdkCallError('SdkClientException', String(err), undefined, undefined, serviceName);
}

/** Adds `Exception` to error codes that lack it, as Step Functions does for aws-sdk errors. */
export function withExceptionSuffix(code: string): string {
  return code.endsWith('Exception') ? code : `${code}Exception`;
}
