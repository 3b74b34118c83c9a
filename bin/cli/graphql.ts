/**
 * A small GraphQL client for the TEAM API: the generated documents of graphql/operations (the
 * web app's own), the token in `Authorization` as AppSync's user-pool mode takes it (bare, no
 * `Bearer`), and the API's errors turned into exit codes with their messages.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { CliError, EXIT, exitCodeOfErrorType, type ExitCode } from './errors';

/** A generated document: its text, and the types of its data and variables. */
export type GraphqlDocument<TData, TVariables> = DocumentTypeDecoration<TData, TVariables> & {
  toString(): string;
};

/** A GraphQL error as the API returns it. */
export class ApiError extends CliError {
  constructor(
    exitCode: ExitCode,
    message: string,
    readonly errorType: string,
  ) {
    super(exitCode, message, errorType);
    this.name = 'ApiError';
  }
}

export interface GraphqlClientOptions {
  url: string;
  fetch: typeof fetch;
  /** The token to send; `force` asks for a new one after the API refused the last (HTTP 401). */
  token(force: boolean): Promise<string>;
  /** The error for a token the API refuses even when new (e.g. "run `team login`"). */
  refused(message: string): CliError;
}

interface GraphqlResponse {
  data?: unknown;
  errors?: { errorType?: unknown; message?: unknown }[];
}

function operationName(query: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'the operation';
}

export class GraphqlClient {
  constructor(private readonly options: GraphqlClientOptions) {}

  /** Runs one operation; resolves with its data or throws an ApiError (or CliError). */
  async run<TData, TVariables>(
    document: GraphqlDocument<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> {
    const query = document.toString();
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.options.token(attempt > 0);
      const response = await this.post(token, query, variables);
      if (response.status === 401) {
        const message = await this.unauthorizedMessage(response);
        if (attempt === 0) continue;
        throw this.options.refused(message);
      }
      return this.dataOf<TData>(response, query);
    }
  }

  private async post(token: string, query: string, variables: unknown): Promise<Response> {
    try {
      return await this.options.fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: token },
        body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new CliError(
        EXIT.other,
        `Cannot reach the TEAM API at ${new URL(this.options.url).origin}: ${(error as Error).message}`,
        'NetworkError',
      );
    }
  }

  private async unauthorizedMessage(response: Response): Promise<string> {
    try {
      const body = (await response.json()) as GraphqlResponse;
      const message = body.errors?.[0]?.message;
      return typeof message === 'string' ? message : 'Unauthorized';
    } catch {
      return 'Unauthorized';
    }
  }

  private async dataOf<TData>(response: Response, query: string): Promise<TData> {
    let body: GraphqlResponse;
    try {
      body = (await response.json()) as GraphqlResponse;
    } catch {
      throw new CliError(
        EXIT.other,
        `The TEAM API answered ${operationName(query)} with HTTP ${response.status} and no JSON.`,
        'InternalError',
      );
    }
    const error = body.errors?.[0];
    if (error) {
      const errorType = typeof error.errorType === 'string' ? error.errorType : 'InternalError';
      const message = typeof error.message === 'string' ? error.message : `${operationName(query)} failed.`;
      throw new ApiError(exitCodeOfErrorType(errorType), message, errorType);
    }
    if (!response.ok || typeof body.data !== 'object' || body.data === null) {
      throw new CliError(
        EXIT.other,
        `The TEAM API answered ${operationName(query)} with HTTP ${response.status} and no data.`,
        'InternalError',
      );
    }
    // The server checked the response against the schema the generated types come from.
    return body.data as TData;
  }
}
