import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { Clock, SecretStore } from '../core/ports';
import { awsCall, awsErrorName } from './errors';

const SERVICE = 'AWS Secrets Manager';

/** The secret's value: JSON, so the stack can create it empty (`{}`) and the token is optional. */
const secretValue = z.looseObject({ slackToken: z.string().min(1).optional() });

export interface SecretsManagerStoreOptions {
  clock: Clock;
  /** How long a read is reused in this container (default 60 s; writes here refresh it at once). */
  cacheTtlMs?: number;
}

/**
 * The Slack bot token in one Secrets Manager secret (`{"slackToken": "xoxb-…"}`). Notifications
 * read it for every message, so a read is kept for a short while; deleting the token writes `{}`
 * rather than deleting the secret, which belongs to the stack.
 */
export class SecretsManagerStore implements SecretStore {
  private cached: { value: Promise<string | undefined>; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    /** Name or ARN of the secret. */
    private readonly secretId: string,
    private readonly options: SecretsManagerStoreOptions,
  ) {}

  getSlackToken(): Promise<string | undefined> {
    const now = this.options.clock.now().getTime();
    if (this.cached && this.cached.until > now) return this.cached.value;
    const value = this.read();
    const entry = { value, until: now + (this.options.cacheTtlMs ?? 60_000) };
    this.cached = entry;
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }

  async putSlackToken(token: string): Promise<void> {
    await this.write(JSON.stringify({ slackToken: token }));
    this.remember(token);
  }

  async deleteSlackToken(): Promise<void> {
    await this.write('{}');
    this.remember(undefined);
  }

  private remember(token: string | undefined): void {
    this.cached = {
      value: Promise.resolve(token),
      until: this.options.clock.now().getTime() + (this.options.cacheTtlMs ?? 60_000),
    };
  }

  private async read(): Promise<string | undefined> {
    let text: string | undefined;
    try {
      const out = await awsCall(SERVICE, 'GetSecretValue', () =>
        this.client.send(new GetSecretValueCommand({ SecretId: this.secretId })),
      );
      text = out.SecretString;
    } catch (err) {
      // Missing, or scheduled for deletion: no token is configured.
      const name = awsErrorName(err);
      if (name === 'ResourceNotFoundException' || name === 'InvalidRequestException') return undefined;
      throw err;
    }
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = secretValue.safeParse(json);
    return parsed.success ? parsed.data.slackToken : undefined;
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
