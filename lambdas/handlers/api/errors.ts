/**
 * The one place where errors become GraphQL errors: `errorType`, a message written for people,
 * and `errorInfo` (`{ field }`: the input field the error is about, when the core named one).
 * In process the api handler throws the ApiError (the local AppSync and tests read its
 * `errorType`, `message` and `errorInfo`); the Lambda entry point returns it as data instead
 * (`failureResult`), which each field's resolver in AppSync raises with `util.error`, because a
 * failed direct Lambda invocation cannot carry `errorInfo`. The error's `name` is its
 * `errorType` too, as the Node.js runtime reports a thrown error's type from its name.
 */
import { randomUUID } from 'node:crypto';
import { RESOLVER_FAILURE_KEY, type ApiErrorInfo, type ResolverFailure } from '../../contract/api-errors';
import { DomainError, ValidationError } from '../../core/errors';

/** An error as clients see it. */
export class ApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly errorInfo: ApiErrorInfo | null = null,
  ) {
    super(message);
    this.name = errorType;
  }
}

/** The api function's result for a failed field: the failure under `RESOLVER_FAILURE_KEY`. */
export function failureResult(error: ApiError): { [RESOLVER_FAILURE_KEY]: ResolverFailure } {
  return {
    [RESOLVER_FAILURE_KEY]: {
      errorType: error.errorType,
      message: error.message,
      errorInfo: error.errorInfo,
    },
  };
}

/** What a client may read besides the message: the input field a ValidationError names. */
function errorInfoOf(error: DomainError): ApiErrorInfo | null {
  return error instanceof ValidationError && error.field !== undefined ? { field: error.field } : null;
}

/** Where unexpected errors are reported (Powertools Logger fits). */
export interface ErrorLog {
  error(message: string, ...extra: unknown[]): void;
}

/** Facts logged with an unexpected error. */
export interface ErrorContext {
  field: string;
  /** The Lambda request id when there is one; otherwise a new id is made. */
  correlationId?: string;
}

/**
 * Maps anything a resolver threw to what the client receives: a DomainError keeps its
 * `errorType` and message (and a ValidationError its field, as `errorInfo`); anything else is
 * logged with a correlation id and becomes an `InternalError` whose generic message ends with
 * that id.
 */
export function toApiError(error: unknown, log: ErrorLog, context: ErrorContext): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return new ApiError(error.errorType, error.message, errorInfoOf(error));
  const correlationId = context.correlationId ?? randomUUID();
  log.error('Unexpected error in a resolver', {
    correlationId,
    field: context.field,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return new ApiError(
    'InternalError',
    `Something went wrong on our side. If it keeps happening, give an administrator this reference: ${correlationId}`,
  );
}
