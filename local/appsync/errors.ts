import type { GraphQLError } from 'graphql';

/**
 * An error that reaches the client the way AppSync reports resolver errors: `errorType` and
 * `message`, plus optional `errorInfo` and `data` (what `util.error` would carry).
 */
export class AppSyncError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly errorInfo: unknown = null,
    readonly data: unknown = null,
  ) {
    super(message);
    this.name = errorType;
  }
}

/** The field-level denial AppSync returns (HTTP 200, field null). */
export function notAuthorized(fieldName: string, typeName: string): AppSyncError {
  return new AppSyncError('Unauthorized', `Not Authorized to access ${fieldName} on type ${typeName}`);
}

/** One entry of the `errors` array of an AppSync response. */
export interface AppSyncErrorEntry {
  path: ReadonlyArray<string | number> | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: Array<{ line: number; column: number; sourceName: null }> | null;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Turns whatever a resolver threw into an AppSyncError, like AppSync does with a Lambda
 * error: `errorType` is the Lambda error type (the error's `errorType`, else its name),
 * `message` its message.
 */
export function fromResolverError(error: unknown): AppSyncError {
  if (error instanceof AppSyncError) return error;
  if (isRecord(error)) {
    const errorType =
      typeof error['errorType'] === 'string'
        ? error['errorType']
        : typeof error['name'] === 'string'
          ? error['name']
          : 'Lambda:Unhandled';
    const message =
      typeof error['message'] === 'string'
        ? error['message']
        : typeof error['errorMessage'] === 'string'
          ? error['errorMessage']
          : 'Error';
    return new AppSyncError(errorType, message, error['errorInfo'] ?? null, error['data'] ?? null);
  }
  return new AppSyncError('Lambda:Unhandled', String(error));
}

const lambdaErrorKeys = new Set(['errorType', 'errorMessage', 'trace', 'errorInfo', 'data', 'stackTrace']);

/**
 * A Lambda invocation that failed returns `{ errorType, errorMessage, trace }` as its payload;
 * a resolver that passes such a payload through is treated as having thrown. Only objects
 * made of exactly those keys qualify, so ordinary results are never mistaken for errors.
 */
export function asReturnedLambdaError(value: unknown): AppSyncError | undefined {
  if (!isRecord(value) || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (typeof value['errorType'] !== 'string' || typeof value['errorMessage'] !== 'string') return undefined;
  if (!keys.every((k) => lambdaErrorKeys.has(k))) return undefined;
  return new AppSyncError(
    value['errorType'],
    value['errorMessage'],
    value['errorInfo'] ?? null,
    value['data'] ?? null,
  );
}

/** Formats a graphql-js error in AppSync's response shape. */
export function formatError(error: GraphQLError): AppSyncErrorEntry {
  const original = error.originalError;
  const appSync = original instanceof AppSyncError ? original : undefined;
  return {
    path: error.path ?? null,
    data: appSync?.data ?? null,
    errorType: appSync?.errorType ?? null,
    errorInfo: appSync?.errorInfo ?? null,
    locations: error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null })) ?? null,
    message: error.message,
  };
}
