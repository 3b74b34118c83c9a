/**
 * API errors as the SPA shows them: the `errorType` the API contract defines (graphql/README.md)
 * and a message written for people. Anything unknown is treated like `InternalError`.
 */

export const KNOWN_ERROR_TYPES = [
  'ValidationError',
  'Unauthorized',
  'NotFound',
  'Conflict',
  'IllegalTransition',
  'NotEligible',
  'NoApprover',
  'InternalError',
  'NetworkError',
] as const;

export type KnownErrorType = (typeof KNOWN_ERROR_TYPES)[number];

/** An error from the API, ready for a Flashbar or a form field. */
export class ApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    /** The input field the server named, when it said which (`errorInfo.field`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True for the error types that mean "someone else changed this first". */
  get isConflict(): boolean {
    return this.errorType === 'Conflict' || this.errorType === 'IllegalTransition';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function fromEntry(entry: unknown): ApiError | undefined {
  if (!isRecord(entry)) return undefined;
  const message = stringField(entry, 'message') ?? stringField(entry, 'errorMessage');
  let errorType = stringField(entry, 'errorType');
  // aws-amplify wraps transport failures (no network, CORS, 5xx) in a GraphQLError without an
  // errorType; its originalError says what happened.
  const original = entry['originalError'];
  if (!errorType && isRecord(original)) {
    errorType = stringField(original, 'name') === 'UnauthorizedException' ? 'Unauthorized' : 'NetworkError';
  }
  if (!errorType && message === 'Unauthorized') errorType = 'Unauthorized';
  const info = entry['errorInfo'];
  const field = isRecord(info) ? stringField(info, 'field') : undefined;
  if (!message && !errorType) return undefined;
  return new ApiError(errorType ?? 'InternalError', message ?? errorType ?? 'Error', field);
}

/**
 * Turns whatever an API call threw (aws-amplify throws the whole `{ data, errors }` result, a
 * subscription errors with `{ errors }` or an Error) into one ApiError: the first error entry.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isRecord(error) && Array.isArray(error['errors'])) {
    for (const entry of error['errors']) {
      const mapped = fromEntry(entry);
      if (mapped) return mapped;
    }
  }
  if (error instanceof Error) {
    const mapped = fromEntry(error);
    if (mapped && mapped.errorType !== 'InternalError') return mapped;
    return new ApiError('InternalError', error.message || 'Error');
  }
  const mapped = fromEntry(error);
  if (mapped) return mapped;
  return new ApiError('InternalError', typeof error === 'string' ? error : 'Error');
}
