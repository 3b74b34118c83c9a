/**
 * API errors as the SPA shows them: the `errorType` the API contract defines (graphql/README.md),
 * a message written for people, and the input field the error is about when the server names it
 * (`errorInfo.field`, lambdas/contract/api-errors.ts). Anything unknown is treated like
 * `InternalError`.
 */
import type { ApiErrorInfo } from '../../../lambdas/contract/api-errors';

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
    /**
     * The input field the server named, when it said which (`errorInfo.field`): a field name of
     * the operation's input type, with `.`-separated item indexes for lists (`principals.2.id`).
     */
    readonly field?: ApiErrorInfo['field'],
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

/**
 * For each field of an operation's input type, the form field that shows the server's errors
 * about it, or null when the form has no place for them (they go to the form as a whole). Every
 * input field must be listed, so a field the schema adds fails the build until a form places it.
 */
export type InputFieldMap<Input, FormField extends string> = {
  readonly [K in keyof Input]-?: FormField | null;
};

/**
 * The form field a server error belongs on: the input field the server named (`errorInfo.field`;
 * for a list item such as `principals.2.id`, the list) through the form's map. Undefined when
 * the server named no field, or one the form has no place for: the form shows the error itself.
 */
export function formFieldOf<FormField extends string>(
  error: ApiError,
  fields: { readonly [inputField: string]: FormField | null },
): FormField | undefined {
  const inputField = error.field?.split('.')[0];
  if (inputField === undefined || !Object.hasOwn(fields, inputField)) return undefined;
  return fields[inputField] ?? undefined;
}
