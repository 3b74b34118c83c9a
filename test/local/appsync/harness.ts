import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { AppSyncError, startAppSync, type ResolverEvent, type RunningAppSync } from '../../../local/appsync';
import {
  startAuth,
  type DemoIdentity,
  type PreTokenGenerationHook,
  type RunningAuth,
} from '../../../local/auth';

export const fixtureSchemaPath = fileURLToPath(new URL('./fixtures/schema.graphql', import.meta.url));

export const CLIENT_ID = 'team_local_web';

/** Demo identities: IdC groups decide the Cognito groups through the trigger, like TEAM. */
export const users: DemoIdentity[] = [
  {
    userName: 'alice',
    displayName: 'Alice Admin',
    email: 'alice@example.com',
    groups: ['TEAM-Admins', 'TEAM-Users'],
  },
  { userName: 'bob', displayName: 'Bob Builder', email: 'bob@example.com', groups: ['TEAM-Users'] },
  { userName: 'carol', displayName: 'Carol Auditor', email: 'carol@example.com', groups: ['TEAM-Auditors'] },
];

/** A TEAM-like trigger: IdC admin/auditor groups become the `Admin`/`Auditors` Cognito groups. */
export const teamLikeTrigger: PreTokenGenerationHook = (event) => {
  const user = users.find((u) => `IdentityCenter_${u.userName}` === event.userName);
  const groups: string[] = [];
  if (user?.groups?.includes('TEAM-Admins')) groups.push('Admin');
  if (user?.groups?.includes('TEAM-Auditors')) groups.push('Auditors');
  event.response = { claimsAndScopeOverrideDetails: { groupOverrideDetails: { groupsToOverride: groups } } };
  return event;
};

export type Handler = (event: ResolverEvent) => unknown;

const baseRequest = {
  id: 'r-1',
  owner: 'IdentityCenter_alice',
  accountId: '111122223333',
  status: 'pending',
  createdAt: '2026-01-02T03:04:05.000Z',
  startDate: '2026-01-02',
  details: { justification: 'deploy', hours: 2 },
  email: 'alice@example.com',
  expireAt: 1767322800,
  link: 'https://example.com/requests/r-1',
  internalNote: 'for IAM eyes only',
};

/** Handlers of the fixture schema's root fields; tests may replace entries. */
export function defaultHandlers(): Record<string, Handler> {
  return {
    getRequest: (e) => ({ ...baseRequest, id: e.arguments['id'] }),
    listRequests: () => [baseRequest, { ...baseRequest, id: 'r-2', owner: 'IdentityCenter_bob' }],
    getSettings: () => ({ duration: 9, ticketRequired: false }),
    adminReport: () => ({ total: 3, summary: 'three requests' }),
    adminOnly: () => 'admin secret',
    auditorsOrAdmins: () => 'audit view',
    iamOnly: () => 'iam data',
    either: () => 'either way',
    whoAmI: (e) => e.identity,
    failing: () => {
      class ValidationError extends Error {
        override name = 'ValidationError';
      }
      throw new ValidationError('Justification is required');
    },
    createRequest: (e) => {
      const input = e.arguments['input'] as Record<string, unknown>;
      const identity = e.identity as { username: string };
      return { ...baseRequest, ...input, id: 'r-new', owner: identity.username };
    },
    updateRequest: (e) => ({
      ...baseRequest,
      id: e.arguments['id'],
      owner: e.arguments['id'] === 'r-2' ? 'IdentityCenter_bob' : 'IdentityCenter_alice',
      status: e.arguments['status'],
    }),
    publishPolicy: (e) => ({ username: e.arguments['username'], policy: e.arguments['policy'] }),
    onPublishPolicy: (e) => {
      const identity = e.identity as { username?: string };
      if (e.arguments['username'] !== identity.username) {
        throw new AppSyncError('Unauthorized', 'You can only follow your own policy.');
      }
      return null;
    },
  };
}

export interface Stack {
  auth: RunningAuth;
  appsync: RunningAppSync;
  handlers: Record<string, Handler>;
  events: ResolverEvent[];
  tokens: Record<string, string>;
  gql(
    authorization: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult>;
  stop(): Promise<void>;
}

export interface GqlResult {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ errorType: string | null; message: string; path?: unknown; errorInfo?: unknown }>;
  };
}

/** A fake SigV4 Authorization value: accepted from loopback as the IAM identity. */
export const IAM_AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIALOCALTEST/20260101/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

/** Starts the sign-in stand-in and the emulator on the fixture schema, with ID tokens per user. */
export async function startStack(options: { now?: () => number } = {}): Promise<Stack> {
  const auth = await startAuth({
    users,
    clientId: CLIENT_ID,
    redirectUris: ['http://127.0.0.1:9/'],
    preTokenGeneration: teamLikeTrigger,
    now: options.now,
  });
  const handlers = defaultHandlers();
  const events: ResolverEvent[] = [];
  const appsync = await startAppSync({
    schemaPath: fixtureSchemaPath,
    verifyToken: auth.verifyToken,
    resolve: (event) => {
      events.push(event);
      const handler = handlers[event.info.fieldName];
      return handler ? handler(event) : null;
    },
  });
  const tokens: Record<string, string> = {};
  for (const u of users) tokens[u.userName] = (await auth.tokensFor(u.userName)).idToken;
  return {
    auth,
    appsync,
    handlers,
    events,
    tokens,
    async gql(authorization, query, variables) {
      const response = await fetch(appsync.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GqlResult['body'] };
    },
    async stop() {
      await appsync.stop();
      await auth.stop();
    },
  };
}

export interface RealtimeMessage {
  type: string;
  id?: string;
  payload?: {
    data?: unknown;
    errors?: Array<{ errorType?: string; message?: string; errorCode?: number }>;
    connectionTimeoutMs?: number;
  };
}

/** A raw realtime client speaking the AppSync protocol, for protocol-level tests. */
export class RealtimeClient {
  private readonly queue: RealtimeMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()) as RealtimeMessage);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  /** Opens a socket with the connection auth in the `header-` subprotocol (or `?header=`). */
  static async open(
    realtimeUrl: string,
    header: Record<string, string>,
    via: 'subprotocol' | 'query' = 'subprotocol',
  ): Promise<RealtimeClient> {
    const json = JSON.stringify(header);
    const socket =
      via === 'subprotocol'
        ? new WebSocket(realtimeUrl, ['graphql-ws', `header-${Buffer.from(json).toString('base64url')}`])
        : new WebSocket(
            `${realtimeUrl}?header=${encodeURIComponent(Buffer.from(json).toString('base64'))}&payload=e30=`,
            ['graphql-ws'],
          );
    const client = new RealtimeClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message (not `ka`) matching `predicate`, removing it and earlier skipped `ka`s. */
  async next(predicate: (m: RealtimeMessage) => boolean = () => true): Promise<RealtimeMessage> {
    for (;;) {
      const index = this.queue.findIndex((m) => m.type !== 'ka' && predicate(m));
      if (index >= 0) return this.queue.splice(index, 1)[0] as RealtimeMessage;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** All messages received so far, without consuming them. */
  peek(): readonly RealtimeMessage[] {
    return this.queue;
  }

  async init(): Promise<RealtimeMessage> {
    this.send({ type: 'connection_init' });
    return this.next((m) => m.type === 'connection_ack' || m.type === 'connection_error');
  }

  /** Sends `start` with per-subscription auth and waits for `start_ack` or `error`. */
  async start(
    id: string,
    query: string,
    variables: Record<string, unknown>,
    authorization: Record<string, string>,
  ): Promise<RealtimeMessage> {
    this.send({
      id,
      type: 'start',
      payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } },
    });
    return this.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'));
  }

  close(): void {
    this.socket.close();
  }
}
