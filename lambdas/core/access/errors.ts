/**
 * Which failures of a grant or revoke are worth trying again (the workflow retries them with
 * backoff) and which are final (the request ends in `error` with the reason).
 */
import { ConflictError, DomainError } from '../errors';

/** AWS error names that say "busy or broken for a moment", whatever the service. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ThrottledError',
  'ConflictException',
  'TransactionConflictException',
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node's socket errors: the service did not answer, the call may be repeated. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * True for failures that may go away when tried again later: throttling, another operation on
 * the same assignment (ConflictError), internal or unavailable services, lost connections.
 * Validation, not-found and access-denied errors, FAILED statuses and bugs are final.
 */
export function isRetryableAccessError(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  if (field(error, 'retryable') === true) return true;
  if (error instanceof DomainError) return false;
  const name = field(error, 'name');
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  const code = field(error, 'code');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (field(error, '$fault') === 'server') return true;
  const retryable = field(error, '$retryable');
  if (typeof retryable === 'object' && retryable !== null) return true;
  const cause = field(error, 'cause');
  return cause !== undefined && cause !== error && isRetryableAccessError(cause);
}

/** "Name: message" of anything thrown, on one line, bounded. */
export function accessErrorReason(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}`
      : String(error);
  const line = text.replace(/\s+/g, ' ').trim() || 'Unknown error';
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
