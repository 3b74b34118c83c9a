/**
 * Queries and mutations over HTTP, sent the way aws-amplify's GraphQL client sends them with
 * user-pool auth: a JSON POST of `{ query, variables }` with the access token as Authorization,
 * up to three attempts with jittered exponential backoff when the network fails, the API is
 * throttled or answers 5xx, and AppSync's `{ data, errors }` answer. A few hundred bytes instead of
 * the client's graphql-js, realtime provider and rxjs, which load only with the first
 * subscription (`amplify-api.ts`): the signed-in first screen does without them.
 */
import { ApiError } from './errors';

/** What AppSync answers a query or mutation (HTTP 200). */
export interface GraphQLResult {
  data?: unknown;
  errors?: unknown[];
}

export interface GraphQLHttpOptions {
  /** The AppSync GraphQL URL (`config.json`'s `graphqlUrl`). */
  endpoint: string;
  /** The signed-in user's access token, refreshed when due; rejects or is undefined when signed out. */
  accessToken: () => Promise<string | undefined>;
  fetch?: typeof fetch;
  /** Waits between attempts (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_ATTEMPTS = 3;

/** Error codes worth another attempt (throttling, clock skew, timeouts), as aws-amplify retries them. */
const RETRYABLE_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
  'BadRequestException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** The message aws-amplify gives a request that never reached the API. */
const NETWORK_ERROR_MESSAGE = 'A network error has occurred.';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 200–300 ms before the second attempt, 400–500 ms before the third. */
const backoff = (attempt: number) => 2 ** attempt * 100 + 100 * Math.random();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface HttpRefusal {
  /** The error code: the `x-amzn-errortype` header (up to `:` or `,`), else the body's code. */
  code: string;
  message: string;
}

/** What a non-2xx answer says, read like an AWS JSON error. */
async function refusalOf(response: Response): Promise<HttpRefusal> {
  let body: unknown = {};
  try {
    body = JSON.parse(await response.text());
  } catch {
    // Not JSON: an unknown error.
  }
  const record = isRecord(body) ? body : {};
  const raw =
    response.headers.get('x-amzn-errortype') ?? record['code'] ?? record['__type'] ?? 'UnknownError';
  const head = String(raw).split(/[,:]+/)[0] ?? '';
  const code = head.includes('#') ? (head.split('#')[1] ?? head) : head;
  const message = record['message'] ?? record['Message'];
  return { code, message: typeof message === 'string' ? message : 'Unknown error' };
}

/** An answer that was refused as a whole, as the SPA shows it. */
function refusalError(refusal: HttpRefusal): ApiError {
  return refusal.code.startsWith('UnauthorizedException')
    ? new ApiError('Unauthorized', 'Unauthorized')
    : new ApiError('NetworkError', refusal.message);
}

/**
 * Returns `post(query, variables)`: resolves AppSync's answer when it carries no errors, rejects
 * with the whole `{ data, errors }` answer when it does (`toApiError` reads it), and with an
 * ApiError when there is no answer to read (no token, no network, HTTP refusal).
 */
export function createGraphQLHttp(options: GraphQLHttpOptions) {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;

  return async function post(query: string, variables: object): Promise<GraphQLResult> {
    let token: string | undefined;
    try {
      token = await options.accessToken();
    } catch {
      throw new ApiError('InternalError', 'No current user');
    }
    if (!token) throw new ApiError('InternalError', 'No federated jwt');
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', authorization: token },
      body: JSON.stringify({ query, variables }),
    };

    for (let attempt = 1; ; attempt += 1) {
      let failure: ApiError;
      let retryable: boolean;
      try {
        const response = await fetchImpl(options.endpoint, init);
        if (response.ok) {
          let result: unknown;
          try {
            result = await response.json();
          } catch (error) {
            throw new ApiError('NetworkError', error instanceof Error ? error.message : String(error));
          }
          // No result object: no data, which the caller reports for its operation.
          if (!isRecord(result)) return {};
          if (Array.isArray(result['errors']) && result['errors'].length > 0) throw result;
          return result;
        }
        const refusal = await refusalOf(response);
        failure = refusalError(refusal);
        retryable = RETRYABLE_STATUSES.has(response.status) || RETRYABLE_CODES.has(refusal.code);
      } catch (error) {
        // fetch rejects with a TypeError when the request never got an answer (offline, CORS).
        if (!(error instanceof TypeError)) throw error;
        failure = new ApiError('NetworkError', NETWORK_ERROR_MESSAGE);
        retryable = true;
      }
      if (!retryable || attempt >= MAX_ATTEMPTS) throw failure;
      await sleep(backoff(attempt));
    }
  };
}
