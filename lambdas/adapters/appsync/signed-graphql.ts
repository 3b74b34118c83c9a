/**
 * A GraphQL client for the API's IAM-only mutations: each request a SigV4-signed HTTP POST to
 * the AppSync endpoint, signed with the function's credentials. AppSync's errors become
 * PublishError.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, Provider, SourceData } from '@smithy/types';

export interface AppSyncClientOptions {
  graphqlUrl: string;
  region: string;
  /** Default: the SDK's provider chain (the function's role in Lambda). */
  credentials?: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  fetch?: typeof fetch;
}

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (HMAC with a secret) on node:crypto, for the signer: native, unlike the JS fallback. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

/** A publish AppSync refused (the message carries its errors). */
export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/** Sends signed GraphQL requests to one AppSync endpoint. */
export class SignedGraphQLClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly fetch: typeof fetch;

  constructor(options: AppSyncClientOptions) {
    this.url = new URL(options.graphqlUrl);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: NodeSha256,
    });
  }

  /** One signed GraphQL request; AppSync's errors become PublishError. */
  async send(query: string, variables: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify({ query, variables });
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      query: {},
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let errors: unknown;
    try {
      errors = (JSON.parse(text) as { errors?: unknown }).errors;
    } catch {
      errors = text;
    }
    if (!response.ok || (Array.isArray(errors) && errors.length > 0)) {
      // A body without `errors` (a gateway's error page, an empty answer) still names the refusal.
      const detail = errors === undefined ? text : JSON.stringify(errors);
      throw new PublishError(
        `AppSync refused a realtime publish (HTTP ${response.status}): ${detail.slice(0, 500)}`,
      );
    }
  }
}
