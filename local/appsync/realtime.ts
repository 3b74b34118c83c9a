import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Caller } from './auth-rules';
import type { AppSyncEngine, AppSyncResponse, CallContext, Subscriber } from './engine';
import { readRequestBody } from './engine';
import { authenticate, sourceIpOf, UnauthorizedException, type VerifyToken } from './identity';

/**
 * AppSync's realtime WebSocket protocol for GraphQL subscriptions, as aws-amplify v6's
 * AWSAppSyncRealTimeProvider speaks it:
 *
 * - URL `<graphql endpoint>/realtime` (amplify's rule for non-AppSync host names), auth in a
 *   `header-<base64url JSON>` subprotocol next to `graphql-ws`, or in the older `?header=`
 *   (base64 JSON) query parameter;
 * - client `connection_init` → server `connection_ack { connectionTimeoutMs }`, then `ka`
 *   keep-alives; `start` (payload.data = JSON {query, variables}, per-subscription auth in
 *   payload.extensions.authorization) → `start_ack` or `error`; `data` pushes; `stop` →
 *   `complete`; bad connection auth → `connection_error` with errorCode 401 (amplify does
 *   not retry 401s).
 */

export const REALTIME_PATH_SUFFIX = '/realtime';
const GRAPHQL_WS = 'graphql-ws';
const EVENTS_WS = 'aws-appsync-event-ws';

const authHeaders = z.record(z.string(), z.unknown());
const startMessage = z.object({
  type: z.literal('start'),
  id: z.string().min(1),
  payload: z.object({
    data: z.string(),
    extensions: z.object({ authorization: authHeaders }).partial().optional(),
  }),
});
const clientMessage = z.object({ type: z.string(), id: z.string().optional() });

/** Options of the realtime endpoint. */
export interface RealtimeOptions {
  engine: AppSyncEngine;
  verifyToken: VerifyToken;
  /** Interval of `ka` messages; AppSync sends one about every minute. */
  keepAliveMs: number;
  /** Announced in `connection_ack`; the client drops the socket after this long without `ka`. */
  connectionTimeoutMs: number;
}

function decodeHeader(value: string, urlSafe: boolean): Record<string, unknown> | undefined {
  try {
    const text = Buffer.from(value, urlSafe ? 'base64url' : 'base64').toString('utf8');
    const parsed = authHeaders.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function authorizationOf(headers: Record<string, unknown> | undefined): string | undefined {
  if (!headers) return undefined;
  const value = headers['Authorization'] ?? headers['authorization'];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function lowerCased(
  ...sources: Array<Record<string, unknown> | undefined>
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const source of sources) {
    for (const [k, v] of Object.entries(source ?? {})) {
      if (typeof v === 'string') out[k.toLowerCase()] = v;
      else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
    }
  }
  return out;
}

class Connection {
  private initialized = false;
  private caller: Caller | UnauthorizedException | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions = new Map<string, Subscriber | 'starting'>();
  private readonly stopped = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    private readonly request: IncomingMessage,
    private readonly connectionHeader: Record<string, unknown> | undefined,
    private readonly options: RealtimeOptions,
  ) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      void this.onMessage(data.toString());
    });
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(id: string | undefined, errorType: string, message: string): void {
    this.send({ type: 'error', ...(id ? { id } : {}), payload: { errors: [{ errorType, message }] } });
  }

  private async authenticateConnection(): Promise<Caller | UnauthorizedException> {
    try {
      return await authenticate(
        authorizationOf(this.connectionHeader),
        this.request.socket.remoteAddress,
        this.options.verifyToken,
      );
    } catch (error) {
      return error instanceof UnauthorizedException ? error : new UnauthorizedException(String(error));
    }
  }

  private async onMessage(text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.sendError(undefined, 'MalformedMessage', 'Message is not valid JSON.');
      return;
    }
    const message = clientMessage.safeParse(json);
    if (!message.success) {
      this.sendError(undefined, 'MalformedMessage', 'Message has no type.');
      return;
    }
    const { type, id } = message.data;
    switch (type) {
      case 'connection_init':
        return this.onInit();
      case 'start':
        return this.onStart(json);
      case 'stop':
        if (id) this.onStop(id);
        return;
      case 'subscribe':
      case 'publish':
        this.send({
          type: `${type}_error`,
          id,
          errors: [{ errorType: 'UnsupportedOperation', message: 'AppSync Events is not emulated locally.' }],
        });
        return;
      default:
        this.sendError(id, 'UnsupportedOperation', `Unknown message type ${type}.`);
    }
  }

  private async onInit(): Promise<void> {
    this.caller = await this.authenticateConnection();
    if (this.caller instanceof UnauthorizedException) {
      this.options.engine.recordUnauthorized('realtime');
      this.send({
        type: 'connection_error',
        payload: {
          errors: [{ errorType: 'UnauthorizedException', message: this.caller.message, errorCode: 401 }],
        },
      });
      this.socket.close(1000);
      return;
    }
    this.initialized = true;
    this.send({ type: 'connection_ack', payload: { connectionTimeoutMs: this.options.connectionTimeoutMs } });
    this.send({ type: 'ka' });
    this.keepAlive ??= setInterval(() => this.send({ type: 'ka' }), this.options.keepAliveMs);
    this.keepAlive.unref();
  }

  private async onStart(json: unknown): Promise<void> {
    const parsed = startMessage.safeParse(json);
    const id = parsed.success ? parsed.data.id : undefined;
    if (!this.initialized) {
      this.sendError(id, 'ConnectionNotInitialized', 'Send connection_init first.');
      return;
    }
    if (!parsed.success || !id) {
      this.sendError(id, 'MalformedMessage', 'A start message needs an id and payload.data.');
      return;
    }
    if (this.subscriptions.has(id)) {
      this.sendError(id, 'DuplicatedOperationError', `Subscription ${id} already exists.`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(parsed.data.payload.data);
    } catch {
      body = undefined;
    }
    const read = readRequestBody(body, 'payload.data');
    if ('problem' in read) {
      this.sendError(id, 'MalformedMessage', read.problem);
      return;
    }
    const { request } = read;
    const authorization = parsed.data.payload.extensions?.authorization;
    let caller: Caller;
    try {
      caller = await authenticate(
        authorizationOf(authorization),
        this.request.socket.remoteAddress,
        this.options.verifyToken,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.engine.recordUnauthorized('realtime');
      this.sendError(id, 'UnauthorizedException', message);
      return;
    }
    const call: CallContext = {
      caller,
      headers: lowerCased(this.request.headers, authorization),
      sourceIp: sourceIpOf(this.request.socket.remoteAddress),
    };
    this.subscriptions.set(id, 'starting');
    const outcome = await this.options.engine.subscribe(request, call, id, (payload: AppSyncResponse) =>
      this.send({ type: 'data', id, payload }),
    );
    if ('errors' in outcome) {
      this.subscriptions.delete(id);
      this.send({ type: 'error', id, payload: { errors: outcome.errors } });
      return;
    }
    if (this.stopped.has(id) || this.socket.readyState !== this.socket.OPEN) {
      this.stopped.delete(id);
      this.subscriptions.delete(id);
      this.options.engine.unsubscribe(outcome.subscriber);
      return;
    }
    this.subscriptions.set(id, outcome.subscriber);
    this.send({ type: 'start_ack', id });
  }

  private onStop(id: string): void {
    const entry = this.subscriptions.get(id);
    if (entry === 'starting') {
      this.stopped.add(id);
    } else if (entry) {
      this.options.engine.unsubscribe(entry);
      this.subscriptions.delete(id);
    }
    this.send({ type: 'complete', id });
  }

  dispose(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    for (const entry of this.subscriptions.values()) {
      if (entry !== 'starting') this.options.engine.unsubscribe(entry);
    }
    this.subscriptions.clear();
  }

  terminate(): void {
    this.dispose();
    this.socket.terminate();
  }
}

/** The realtime endpoint; attach `handleUpgrade` to the HTTP server's `upgrade` event. */
export class RealtimeServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) =>
      protocols.has(GRAPHQL_WS) ? GRAPHQL_WS : protocols.has(EVENTS_WS) ? EVENTS_WS : false,
  });
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly path: string,
    private readonly options: RealtimeOptions,
  ) {}

  /** Takes over an upgrade request for the realtime path; refuses any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== this.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const fromProtocol = protocols.find((p) => p.startsWith('header-'));
    const fromQuery = url.searchParams.get('header');
    const header = fromProtocol
      ? decodeHeader(fromProtocol.slice('header-'.length), true)
      : fromQuery
        ? decodeHeader(fromQuery, false)
        : undefined;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(ws, request, header, this.options);
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
    });
  }

  /** Open realtime connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Closes every connection and the WebSocket server. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
