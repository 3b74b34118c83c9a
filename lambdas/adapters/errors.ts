import { DomainError } from '../core/errors';

/**
 * Errors the AWS adapters raise instead of raw SDK exceptions, so callers (use cases, workflow
 * tasks, the api's error mapping) can tell "try again later" from a bug.
 */

/** An AWS service refused the call for rate (after the SDK's own retries). Retry later. */
export class ThrottledError extends DomainError {
  readonly errorType = 'Throttled';
  readonly retryable = true;
  constructor(
    readonly service: string,
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} is busy (${operation} was throttled); try again in a moment.`);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** The AWS error name (`ThrottlingException`, `ResourceNotFoundException`…), if any. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** True for the throttling errors of any AWS service. */
export function isThrottling(err: unknown): boolean {
  const name = awsErrorName(err);
  if (name !== undefined && THROTTLING.has(name)) return true;
  const retryable = (err as { $retryable?: { throttling?: boolean } } | null)?.$retryable;
  return retryable?.throttling === true;
}

/** Runs one AWS call (or a whole pagination) and turns throttling into ThrottledError. */
export async function awsCall<T>(service: string, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isThrottling(err)) throw new ThrottledError(service, operation, { cause: err });
    throw err;
  }
}

/** Runs `run` and returns `fallback` when it fails with one of the named AWS errors. */
export async function unlessAwsError<T, F>(
  names: readonly string[],
  fallback: F,
  run: () => Promise<T>,
): Promise<T | F> {
  try {
    return await run();
  } catch (err) {
    const name = awsErrorName(err);
    if (name !== undefined && names.includes(name)) return fallback;
    throw err;
  }
}
