import {
  AwsServiceError,
  noFaults,
  startAwsJsonService,
  type FaultKnobs,
  type Operation,
  type RunningService,
} from '../common/aws-json-server';
import type { RandomSource } from './ids';

/** What every simulator shares: input checks, pagination, call counters, fault knobs. */

/** Reads request members, answering with the service's own validation error type. */
export class InputReader {
  constructor(
    private readonly input: Record<string, unknown>,
    private readonly errorType: string,
    private readonly details: Record<string, unknown> = {},
  ) {}

  fail(message: string): never {
    throw new AwsServiceError(this.errorType, message, 400, this.details);
  }

  /** A required string member, optionally checked against a pattern. */
  string(name: string, pattern?: RegExp): string {
    const value = this.input[name];
    if (value === undefined || value === null) {
      this.fail(
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (typeof value !== 'string') this.fail(`${name} must be a string`);
    if (pattern && !pattern.test(value)) {
      this.fail(
        `1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
      );
    }
    return value;
  }

  optionalString(name: string, pattern?: RegExp): string | undefined {
    const value = this.input[name];
    return value === undefined || value === null ? undefined : this.string(name, pattern);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.string(name);
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(
        `Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
    return value as T;
  }

  object(name: string): Record<string, unknown> {
    const value = this.input[name];
    if (!value || typeof value !== 'object' || Array.isArray(value)) this.fail(`${name} must be an object`);
    return value as Record<string, unknown>;
  }

  optionalObject(name: string): Record<string, unknown> | undefined {
    return this.input[name] === undefined || this.input[name] === null ? undefined : this.object(name);
  }

  stringArray(name: string, pattern?: RegExp, max = Infinity): string[] {
    const value = this.input[name];
    if (!Array.isArray(value)) this.fail(`${name} must be a list`);
    if (value.length === 0 || value.length > max) this.fail(`${name} must have between 1 and ${max} members`);
    return value.map((v, i) => {
      if (typeof v !== 'string' || (pattern && !pattern.test(v))) this.fail(`${name}[${i}] is not valid`);
      return v;
    });
  }

  /** A nested reader for a structure member, with the same error type. */
  nested(name: string): InputReader {
    return new InputReader(this.object(name), this.errorType, this.details);
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export interface PageOptions {
  /** The largest MaxResults the real operation accepts. */
  max: number;
  /** Page size when MaxResults is not given. */
  defaultSize?: number;
  /** Identifies the listing, so a token from another listing is refused. */
  scope: string;
  errorType: string;
  /** Extra error members, e.g. Organizations' `Reason`. */
  errorDetails?: Record<string, unknown>;
}

/**
 * One page of `items` from the position in NextToken. Tokens are opaque to callers (base64 of
 * the listing and offset) and bound to the listing they came from, like the real services'.
 */
export function paginate<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  options: PageOptions,
): { page: T[]; nextToken?: string } {
  const maxResults = input.MaxResults;
  let size = options.defaultSize ?? options.max;
  if (maxResults !== undefined && maxResults !== null) {
    if (
      typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 1 ||
      maxResults > options.max
    ) {
      throw new AwsServiceError(
        options.errorType,
        `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${options.max}`,
        400,
        options.errorDetails,
      );
    }
    size = maxResults;
  }
  let offset = 0;
  const token = input.NextToken;
  if (token !== undefined && token !== null) {
    const parsed = decodeToken(token);
    if (!parsed || parsed.scope !== options.scope) {
      throw new AwsServiceError(
        options.errorType,
        'The specified pagination token is not valid',
        400,
        options.errorDetails,
      );
    }
    offset = parsed.offset;
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { page, nextToken: encodeToken(options.scope, next) } : { page };
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

function decodeToken(token: unknown): { scope: string; offset: number } | undefined {
  if (typeof token !== 'string' || !token) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && 's' in value && 'o' in value) {
      const { s, o } = value as { s: unknown; o: unknown };
      if (typeof s === 'string' && typeof o === 'number' && Number.isInteger(o) && o >= 0)
        return { scope: s, offset: o };
    }
  } catch {
    // Falls through to "not valid".
  }
  return undefined;
}

/** Epoch seconds, the AWS JSON protocols' timestamp format. */
export const epochSeconds = (date: Date) => date.getTime() / 1000;

/** A running simulator: the shared server plus knobs and counters. */
export interface SimulatedService extends RunningService {
  /** Calls per operation since the start or the last resetCalls(), errors included. */
  calls(): Record<string, number>;
  /** Calls per operation that were answered with an error. */
  failedCalls(): Record<string, number>;
  resetCalls(): void;
  /** Changes some fault knobs; the others keep their values. */
  setFaults(knobs: Partial<FaultKnobs>): void;
  /** Back to no latency, no throttling, no errors. */
  resetFaults(): void;
}

export interface SimulatedServiceOptions {
  targetPrefix: string;
  operations: Record<string, Operation>;
  throttlingError: string;
  internalError: string;
  random: RandomSource;
  port?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Starts one simulator on the shared AWS JSON 1.1 server with counters and knobs. */
export async function startSimulatedService(options: SimulatedServiceOptions): Promise<SimulatedService> {
  const calls: Record<string, number> = {};
  const failed: Record<string, number> = {};
  const faults = noFaults();
  const service = await startAwsJsonService(
    {
      targetPrefix: options.targetPrefix,
      jsonVersion: '1.1',
      operations: options.operations,
      faults,
      throttlingError: options.throttlingError,
      internalError: options.internalError,
      random: options.random.random,
      sleep: options.sleep,
      onCall: (operation, outcome) => {
        calls[operation] = (calls[operation] ?? 0) + 1;
        if (outcome === 'error') failed[operation] = (failed[operation] ?? 0) + 1;
      },
    },
    options.port ?? 0,
  );
  return {
    ...service,
    calls: () => ({ ...calls }),
    failedCalls: () => ({ ...failed }),
    resetCalls: () => {
      for (const k of Object.keys(calls)) delete calls[k];
      for (const k of Object.keys(failed)) delete failed[k];
    },
    setFaults: (knobs) => {
      Object.assign(faults, knobs);
    },
    resetFaults: () => {
      Object.assign(faults, noFaults());
    },
  };
}
