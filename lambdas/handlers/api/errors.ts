/**
 * The one place where errors become GraphQL errors. AppSync's direct Lambda resolvers report a
 * failed invocation with the Lambda error's type as `errorType`; the Node.js runtime takes that
 * type from the error's `name`. So the error we throw carries the `errorType` as its name (and
 * as an `errorType` property, which the local emulator reads first): both give clients the
 * same `errorType`.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../core/errors';

/** An error as clients see it: `errorType` and a message written for people. */
export class ApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
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
 * `errorType` and message; anything else is logged with a correlation id and becomes an
 * `InternalError` whose generic message ends with that id.
 */
export function toApiError(error: unknown, log: ErrorLog, context: ErrorContext): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return new ApiError(error.errorType, error.message);
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
