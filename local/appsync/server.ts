import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import {
  checkSubscriptionFilters,
  SUBSCRIPTION_FILTERS,
  type SubscriptionFilters,
} from '../../graphql/subscription-filters';
import {
  AppSyncEngine,
  parseRequestBody,
  type AppSyncStats,
  type RequestRecord,
  type Resolve,
} from './engine';
import {
  authenticate,
  sourceIpOf,
  UnauthorizedException,
  type IamIdentityOptions,
  type VerifyToken,
} from './identity';
import { buildAppSyncSchema } from './prelude';
import { RealtimeServer, REALTIME_PATH_SUFFIX } from './realtime';

/** Options of `startAppSync`. Give `schemaPath` or `schemaSdl`. */
export interface AppSyncOptions {
  /** Path of the AppSync-dialect schema file, loaded unchanged. */
  schemaPath?: string;
  /** The schema text itself, instead of a file. */
  schemaSdl?: string;
  /** The backend, called with an AppSync direct-Lambda event for every root field. */
  resolve: Resolve;
  /** Verifies Cognito user-pool JWTs (e.g. the sign-in stand-in's `verifyToken`). */
  verifyToken: VerifyToken;
  /** Identity reported for SigV4-signed (IAM) requests. */
  iam?: IamIdentityOptions;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Interval of realtime `ka` messages, default 30 s (amplify flags a gap over 65 s). */
  keepAliveMs?: number;
  /** Announced to realtime clients, default 300 000 ms like AppSync. */
  connectionTimeoutMs?: number;
  /** Called once per operation, after it ran (counting, tracing). */
  onRequest?: (record: RequestRecord) => void;
  /**
   * The enhanced subscription filters the deployed API's subscription resolvers set; default:
   * the API's (`graphql/subscription-filters.ts`). Fields the schema lacks are skipped; a filter
   * on a field it has is checked against it and refused loudly when wrong.
   */
  subscriptionFilters?: SubscriptionFilters;
}

/** A running emulator. */
export interface RunningAppSync {
  /** `http://127.0.0.1:<port>/graphql`, the value for amplify's `API.GraphQL.endpoint`. */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql/realtime`; amplify derives `wss://…` from `url` itself. */
  realtimeUrl: string;
  port: number;
  schema: GraphQLSchema;
  /** Live counters. */
  stats: AppSyncStats;
  /** Pushes `result` to subscribers as if mutation `mutationFieldName` returned it. */
  publish(mutationFieldName: string, result: unknown): Promise<number>;
  /** Number of live subscriptions. */
  subscriptionCount(): number;
  stop(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';
const MAX_BODY_BYTES = 1024 * 1024;

class PayloadTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  // AppSync answers browsers from any origin; the SPA is served from another port locally.
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ??
      'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-user-agent, x-api-key',
    'access-control-max-age': '86400',
    vary: 'Origin',
  };
}

function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  errorType?: string,
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(payload);
}

function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Starts the local AppSync: GraphQL over HTTP at `/graphql` and the realtime protocol at
 * `/graphql/realtime`, both on 127.0.0.1. See `realtime-shim.ts` for how browsers reach the
 * realtime endpoint although amplify insists on `wss://`.
 */
export async function startAppSync(options: AppSyncOptions): Promise<RunningAppSync> {
  const sdl =
    options.schemaSdl ?? (options.schemaPath ? readFileSync(options.schemaPath, 'utf8') : undefined);
  if (sdl === undefined) throw new Error('startAppSync needs schemaPath or schemaSdl');
  const schema = buildAppSyncSchema(sdl);
  const described = options.subscriptionFilters ?? SUBSCRIPTION_FILTERS;
  const filtered = checkSubscriptionFilters(sdl, described, { allowMissing: true });
  const engine = new AppSyncEngine(
    schema,
    options.resolve,
    options.iam,
    options.onRequest,
    Object.fromEntries(filtered.flatMap((name) => (described[name] ? [[name, described[name]]] : []))),
  );
  const realtime = new RealtimeServer(GRAPHQL_PATH + REALTIME_PATH_SUFFIX, {
    engine,
    verifyToken: options.verifyToken,
    keepAliveMs: options.keepAliveMs ?? 30_000,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 300_000,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== GRAPHQL_PATH) {
      sendJson(req, res, 404, { errors: [{ errorType: 'NotFoundException', message: 'Not found.' }] });
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHeaders(req));
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      sendJson(req, res, 405, { errors: [{ errorType: 'MethodNotAllowed', message: 'Use POST.' }] });
      return;
    }
    let text: string;
    try {
      text = await readBody(req);
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        sendJson(req, res, 413, {
          errors: [{ errorType: 'PayloadTooLarge', message: 'Request is too large.' }],
        });
        return;
      }
      throw error;
    }
    let caller;
    try {
      caller = await authenticate(req.headers.authorization, req.socket.remoteAddress, options.verifyToken);
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) throw error;
      engine.recordUnauthorized('http');
      sendJson(
        req,
        res,
        401,
        { errors: [{ errorType: 'UnauthorizedException', message: error.message }] },
        'UnauthorizedException',
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const request = parseRequestBody(body);
    if (!request) {
      sendJson(
        req,
        res,
        400,
        {
          errors: [
            {
              errorType: 'MalformedHttpRequestException',
              message: 'The request body is not a GraphQL request.',
            },
          ],
        },
        'MalformedHttpRequestException',
      );
      return;
    }
    const response = await engine.execute(request, {
      caller,
      headers: headerRecord(req),
      sourceIp: sourceIpOf(req.socket.remoteAddress),
    });
    sendJson(req, res, 200, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(req, res, 500, {
          errors: [
            { errorType: 'InternalFailure', message: error instanceof Error ? error.message : String(error) },
          ],
        });
      } else {
        res.destroy();
      }
    });
  });
  server.on('upgrade', (req, socket, head) => realtime.handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${GRAPHQL_PATH}`;

  return {
    url,
    realtimeUrl: `ws://127.0.0.1:${port}${GRAPHQL_PATH}${REALTIME_PATH_SUFFIX}`,
    port,
    schema,
    stats: engine.stats,
    publish: (mutationFieldName, result) => engine.publish(mutationFieldName, result),
    subscriptionCount: () => engine.subscriptionCount,
    async stop() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
