/**
 * The AWS SDK clients of one function, each made on first use, so a composition root that never
 * needs a service never creates its client. Endpoints come from the SDK's own configuration (in
 * the local cloud, `AWS_ENDPOINT_URL_<SERVICE>`). `close()` releases the sockets of the clients
 * made here (the local cloud and tests; Lambda never needs it).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamodb/client';
import type { HandlerConfig } from './config';

interface Destroyable {
  destroy(): void;
}

export interface AwsClientsOptions {
  /** The DynamoDB client to use (tests pass an instrumented one; `close()` leaves it open). */
  dynamoDb?: DynamoDBClient;
}

/** The clients of one composition root. */
export class AwsClients {
  private readonly made = new Map<string, Destroyable>();
  private documents: DynamoDBDocumentClient | undefined;

  constructor(
    private readonly config: Pick<HandlerConfig, 'region' | 'identityCenter'>,
    private readonly options: AwsClientsOptions = {},
  ) {}

  /** DynamoDB's DocumentClient, as every repository is built with it. */
  documentClient(): DynamoDBDocumentClient {
    this.documents ??= createDocumentClient(
      this.options.dynamoDb ??
        this.once('dynamodb', () => new DynamoDBClient({ region: this.config.region })),
    );
    return this.documents;
  }

  identityStore(): IdentitystoreClient {
    return this.once(
      'identitystore',
      () => new IdentitystoreClient({ region: this.config.identityCenter.region }),
    );
  }

  ssoAdmin(): SSOAdminClient {
    return this.once('ssoadmin', () => new SSOAdminClient({ region: this.config.identityCenter.region }));
  }

  organizations(): OrganizationsClient {
    return this.once('organizations', () => new OrganizationsClient({ region: this.config.region }));
  }

  secretsManager(): SecretsManagerClient {
    return this.once('secretsmanager', () => new SecretsManagerClient({ region: this.config.region }));
  }

  sfn(): SFNClient {
    return this.once('sfn', () => new SFNClient({ region: this.config.region }));
  }

  lambda(): LambdaClient {
    return this.once('lambda', () => new LambdaClient({ region: this.config.region }));
  }

  /** Makes `close()` release a client made elsewhere (e.g. a session-log provider's). */
  track<T extends Destroyable>(client: T): T {
    this.made.set(`tracked-${this.made.size}`, client);
    return client;
  }

  /** Destroys every client made (or tracked) here. */
  close(): void {
    for (const client of this.made.values()) client.destroy();
    this.made.clear();
    this.documents = undefined;
  }

  private once<T extends Destroyable>(key: string, make: () => T): T {
    let client = this.made.get(key) as T | undefined;
    if (client === undefined) {
      client = make();
      this.made.set(key, client);
    }
    return client;
  }
}
