import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import {
  checkSubscriptionFilters,
  SUBSCRIPTION_FILTERS,
  type SubscriptionFilters,
} from '../../graphql/subscription-filters';
import { API_LIMITS, type ApiLimits } from '../../lambdas/contract/api-limits';
import { readBody, sizeInWords } from '../common/http-body';
import {
  AppSyncEngine,
  readRequestBody,
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
  /**
   * Query depth and resolver count limits; default the deployed API's
   * (`lambdas/contract/api-limits.ts`). An operation beyond them is refused before it runs.
   */
  limits?: ApiLimits;
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
/** The largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

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
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    ...headers,
  });
  res.end(payload);
}

/** A request refused as a whole (4xx): AppSync's `{ errors: [...] }` with the type as a header too. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(req, res, status, { errors: [{ errorType, message }] }, errorType, headers);
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
    options.limits ?? API_LIMITS,
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
      await readBody(req, 0);
      refuse(req, res, 404, 'NotFoundException', 'Not found.');
      return;
    }
    if (req.method === 'OPTIONS') {
      await readBody(req, 0);
      res.writeHead(204, corsHeaders(req));
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      await readBody(req, 0);
      refuse(req, res, 405, 'MethodNotAllowed', 'Use POST.');
      return;
    }
    const read = await readBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      refuse(
        req,
        res,
        413,
        'PayloadTooLarge',
        `The request body is larger than ${sizeInWords(MAX_BODY_BYTES)}.`,
        read.keepAlive ? {} : { connection: 'close' },
      );
      return;
    }
    let caller;
    try {
      caller = await authenticate(req.headers.authorization, req.socket.remoteAddress, options.verifyToken);
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) throw error;
      engine.recordUnauthorized('http');
      refuse(req, res, 401, 'UnauthorizedException', error.message);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      body = undefined;
    }
    const parsed = readRequestBody(body);
    if ('problem' in parsed) {
      refuse(req, res, 400, 'MalformedHttpRequestException', parsed.problem);
      return;
    }
    const { request } = parsed;
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
