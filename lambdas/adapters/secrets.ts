import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { Clock, SecretName, SecretStore } from '../core/ports';
import { awsCall, awsErrorName } from './errors';

const SERVICE = 'AWS Secrets Manager';

/** The secret's JSON: an object of strings by name. Keys TEAM does not know are kept as they are. */
type SecretRecord = Readonly<Record<string, unknown>>;
const secretRecord = z.record(z.string(), z.unknown());

export interface SecretsManagerStoreOptions {
  clock: Clock;
  /** How long a read is reused in this container (default 60 s; writes here refresh it at once). */
  cacheTtlMs?: number;
}

/**
 * TEAM's named secrets (Slack bot token and signing secret, Teams webhook URL) in one Secrets
 * Manager secret holding a JSON object keyed by name (`{"slackToken": "xoxb-…", …}`), so the
 * stack can create it empty (`{}`). Notifications read it for every message, so a read is kept
 * for a short while. A write reads the current object and writes it back with one name changed,
 * never dropping the others; deleting the last value writes `{}` rather than deleting the secret,
 * which belongs to the stack.
 */
export class SecretsManagerStore implements SecretStore {
  private cached: { value: Promise<SecretRecord>; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    /** Name or ARN of the secret. */
    private readonly secretId: string,
    private readonly options: SecretsManagerStoreOptions,
  ) {}

  async getSecret(name: SecretName): Promise<string | undefined> {
    return valueOf(await this.cachedRecord(), name);
  }

  async putSecret(name: SecretName, value: string): Promise<void> {
    await this.update((current) => ({ ...current, [name]: value }));
  }

  async deleteSecret(name: SecretName): Promise<void> {
    await this.update((current) => {
      const { [name]: _removed, ...rest } = current;
      return rest;
    });
  }

  private cachedRecord(): Promise<SecretRecord> {
    const now = this.options.clock.now().getTime();
    if (this.cached && this.cached.until > now) return this.cached.value;
    const value = this.read();
    const entry = { value, until: now + this.ttl() };
    this.cached = entry;
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }

  /**
   * Read-modify-write from the service itself, not the cache: another container may have stored
   * another name since this one last read.
   */
  private async update(change: (current: SecretRecord) => SecretRecord): Promise<void> {
    const next = change(await this.read());
    await this.write(JSON.stringify(next));
    this.cached = { value: Promise.resolve(next), until: this.options.clock.now().getTime() + this.ttl() };
  }

  private ttl(): number {
    return this.options.cacheTtlMs ?? 60_000;
  }

  private async read(): Promise<SecretRecord> {
    let text: string | undefined;
    try {
      const out = await awsCall(SERVICE, 'GetSecretValue', () =>
        this.client.send(new GetSecretValueCommand({ SecretId: this.secretId })),
      );
      text = out.SecretString;
    } catch (err) {
      // Missing, or scheduled for deletion: nothing is stored.
      const name = awsErrorName(err);
      if (name === 'ResourceNotFoundException' || name === 'InvalidRequestException') return {};
      throw err;
    }
    if (text === undefined) return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return {};
    }
    const parsed = secretRecord.safeParse(json);
    return parsed.success ? parsed.data : {};
  }

  /** Writes a new current version; creates the secret (or restores a deleted one) if needed. */
  private async write(secretString: string): Promise<void> {
    const put = () =>
      awsCall(SERVICE, 'PutSecretValue', () =>
        this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: secretString })),
      );
    try {
      await put();
      return;
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'InvalidRequestException') {
        await awsCall(SERVICE, 'RestoreSecret', () =>
          this.client.send(new RestoreSecretCommand({ SecretId: this.secretId })),
        );
        await put();
        return;
      }
      if (name !== 'ResourceNotFoundException') throw err;
    }
    if (this.secretId.startsWith('arn:')) {
      throw new Error(`The secret ${this.secretId} does not exist; it is created with the stack.`);
    }
    await awsCall(SERVICE, 'CreateSecret', () =>
      this.client.send(new CreateSecretCommand({ Name: this.secretId, SecretString: secretString })),
    );
  }
}

/** A name's value: a non-empty string, anything else counts as not stored. */
function valueOf(record: SecretRecord, name: SecretName): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
