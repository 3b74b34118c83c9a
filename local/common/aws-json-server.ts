import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_JSON_DEPTH, nestedDeeperThan, readBody, sizeInWords } from './http-body';

/**
 * A minimal server for AWS services that speak the AWS JSON 1.0 / 1.1 protocols
 * (`X-Amz-Target: <Prefix>.<Operation>`), so the real AWS SDK v3 clients can be pointed at a
 * local simulator with `endpoint`. Signatures are not checked: everything runs on 127.0.0.1.
 */

/** An error the simulator answers with, shaped like the service's own (`__type` + message). */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    /** Extra members of the error shape (e.g. `Reason`, `ResourceType`), sent next to `__type`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** Fault knobs shared by every simulator; settable at any time, e.g. per test. */
export interface FaultKnobs {
  /** Added before every call, in milliseconds. */
  latencyMs: number;
  /** Share of calls (0–1) answered with the service's throttling error. */
  throttleRate: number;
  /** Share of calls (0–1) answered with the service's internal error. */
  errorRate: number;
  /** Operations the knobs apply to; all when empty. */
  operations: string[];
  /**
   * Calls per second the service accepts, all callers together (a token bucket holding one
   * second's worth); calls beyond it get the throttling error. 0: no limit.
   */
  callsPerSecond: number;
}

export const noFaults = (): FaultKnobs => ({
  latencyMs: 0,
  throttleRate: 0,
  errorRate: 0,
  operations: [],
  callsPerSecond: 0,
});

/**
 * A token bucket of `perSecond()` tokens refilled continuously. The limit may change at any
 * time; a new limit starts with a full bucket.
 */
function tokenBucket(perSecond: () => number, now: () => number = () => performance.now()) {
  let rate = 0;
  let tokens = 0;
  let last = now();
  return (): boolean => {
    const t = now();
    if (perSecond() !== rate) {
      rate = perSecond();
      tokens = rate;
      last = t;
    }
    if (rate <= 0) return true;
    tokens = Math.min(rate, tokens + ((t - last) / 1000) * rate);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export type Operation = (input: Record<string, unknown>) => unknown;

export interface AwsJsonServiceOptions {
  /** The X-Amz-Target prefix, e.g. `SWBExternalService` for sso-admin. */
  targetPrefix: string;
  /** `application/x-amz-json-1.1` or `application/x-amz-json-1.0`. */
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, Operation>;
  faults?: FaultKnobs;
  /** Error types used when a fault knob fires. */
  throttlingError?: string;
  internalError?: string;
  /** Seeded random source for fault decisions; Math.random by default. */
  random?: () => number;
  /** Called for every call, after faults are decided (for counting calls in benchmarks). */
  onCall?: (operation: string, outcome: 'ok' | 'error') => void;
  /** Waits the injected latency; a fake lets tests observe latency without timing. */
  sleep?: (ms: number) => Promise<void>;
  /** The largest request body accepted (413 above it); default `MAX_REQUEST_BYTES`. */
  maxBodyBytes?: number;
}

/**
 * The largest request body by default: well above what TEAM sends any of these services (a state
 * machine definition is at most 1 MB).
 */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface RunningService {
  url: string;
  port: number;
  server: Server;
  faults: FaultKnobs;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  errorType?: string,
  close = false,
) {
  const payload = JSON.stringify(body ?? {});
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (close) headers['connection'] = 'close';
  res.writeHead(status, headers);
  res.end(payload);
}

/** Handles one AWS JSON request; exported so several services can share one HTTP server. */
export function makeAwsJsonHandler(options: AwsJsonServiceOptions, faults: FaultKnobs) {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  const random = options.random ?? Math.random;
  const withinRate = tokenBucket(() => faults.callsPerSecond);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, operationName = ''] = target.split('.');
    const maxBytes = options.maxBodyBytes ?? MAX_REQUEST_BYTES;
    const read = await readBody(req, maxBytes);
    const fail = (err: AwsServiceError, close = false) => {
      options.onCall?.(operationName, 'error');
      const body = { ...err.details, __type: err.type, message: err.message, Message: err.message };
      send(res, err.statusCode, contentType, body, err.type, close);
    };
    if (!read.ok) {
      const message = `Request body is larger than ${sizeInWords(maxBytes)}`;
      fail(new AwsServiceError('RequestEntityTooLargeException', message, 413), !read.keepAlive);
      return;
    }
    const raw = read.text;
    if (req.method !== 'POST' || prefix !== options.targetPrefix) {
      fail(new AwsServiceError('UnknownOperationException', `Unknown target ${target || '(none)'}`));
      return;
    }
    const operation = options.operations[operationName];
    if (!operation) {
      fail(new AwsServiceError('UnknownOperationException', `${operationName} is not implemented locally`));
      return;
    }
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : {};
    } catch {
      fail(new AwsServiceError('SerializationException', 'Request body is not valid JSON'));
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      fail(new AwsServiceError('SerializationException', 'Request body must be a JSON object'));
      return;
    }
    if (nestedDeeperThan(parsed, MAX_JSON_DEPTH)) {
      fail(
        new AwsServiceError(
          'SerializationException',
          `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
        ),
      );
      return;
    }
    const input = parsed as Record<string, unknown>;
    const applies = faults.operations.length === 0 || faults.operations.includes(operationName);
    // The limit counts calls as they arrive; the answer then takes the service's time.
    const throttled = applies && faults.callsPerSecond > 0 && !withinRate();
    if (applies && faults.latencyMs > 0) await (options.sleep ?? sleep)(faults.latencyMs);
    if (throttled) {
      fail(new AwsServiceError(options.throttlingError ?? 'ThrottlingException', 'Rate exceeded'));
      return;
    }
    if (applies && faults.throttleRate > 0 && random() < faults.throttleRate) {
      fail(new AwsServiceError(options.throttlingError ?? 'ThrottlingException', 'Rate exceeded'));
      return;
    }
    if (applies && faults.errorRate > 0 && random() < faults.errorRate) {
      fail(
        new AwsServiceError(
          options.internalError ?? 'InternalServerException',
          'Injected internal error',
          500,
        ),
      );
      return;
    }
    try {
      const output = await operation(input);
      options.onCall?.(operationName, 'ok');
      send(res, 200, contentType, output ?? {});
    } catch (err) {
      if (err instanceof AwsServiceError) fail(err);
      else fail(new AwsServiceError(options.internalError ?? 'InternalServerException', String(err), 500));
    }
  };
}

/** Starts a service on 127.0.0.1 (port 0 = any free port). */
export async function startAwsJsonService(options: AwsJsonServiceOptions, port = 0): Promise<RunningService> {
  const faults = options.faults ?? noFaults();
  const handle = makeAwsJsonHandler(options, faults);
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const type = options.internalError ?? 'InternalServerException';
      send(res, 500, contentType, { __type: type, message: String(err), Message: String(err) }, type);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    server,
    faults,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
