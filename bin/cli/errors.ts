/**
 * Exit codes scripts can rely on (docs/cli.md), and the one error type commands throw to end
 * with one of them.
 */
export const EXIT = {
  ok: 0,
  /** Bad arguments, or input the API refused as invalid (ValidationError). */
  usage: 1,
  /** Not configured, not signed in, or the session expired: run `team login`. */
  notSignedIn: 2,
  /** Not allowed: not eligible, not an approver, bad client credentials. */
  forbidden: 3,
  notFound: 4,
  /** The request's status does not allow this (or it changed meanwhile). */
  conflict: 5,
  /** `--wait` (or the sign-in) gave up before it was done. */
  timedOut: 6,
  /** `--wait`: the request was rejected. */
  rejected: 7,
  /** `--wait`: the request expired, was cancelled, or ended before access began. */
  ended: 8,
  /** `--wait`: granting access failed (the request is in error). */
  failed: 9,
  /** Anything else: the API's internal errors, network failures, unexpected answers. */
  other: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with its exit code and a message for people; `type` names it in `--json` output. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly type: string = 'Error',
    /** Extra data for `--json` output (e.g. what the caller may request instead). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error: wrong or missing arguments. */
export function usageError(message: string): CliError {
  return new CliError(EXIT.usage, message, 'UsageError');
}

/** Where the profile is not configured or the session is gone: the message says what to run. */
export function sessionExpired(profile: string): CliError {
  return new CliError(
    EXIT.notSignedIn,
    `Your session has expired: run \`team login${profileFlag(profile)}\`.`,
    'SessionExpired',
  );
}

export function notSignedIn(profile: string): CliError {
  return new CliError(
    EXIT.notSignedIn,
    `You are not signed in: run \`team login${profileFlag(profile)}\`.`,
    'NotSignedIn',
  );
}

export function notConfigured(profile: string): CliError {
  return new CliError(
    EXIT.notSignedIn,
    `TEAM is not configured${profile === 'default' ? '' : ` for profile ${profile}`}: run \`team configure --url <web app URL>${profileFlag(profile)}\`.`,
    'NotConfigured',
  );
}

/** ` --profile NAME` unless it is the default profile. */
export function profileFlag(profile: string): string {
  return profile === 'default' ? '' : ` --profile ${profile}`;
}

/**
 * The exit code of a GraphQL `errorType` (lambdas/core/errors.ts, graphql/README.md#errors);
 * an unknown type is treated like InternalError.
 */
export function exitCodeOfErrorType(errorType: string): ExitCode {
  switch (errorType) {
    case 'ValidationError':
      return EXIT.usage;
    case 'Unauthorized':
    case 'NotEligible':
    case 'NoApprover':
      return EXIT.forbidden;
    case 'NotFound':
      return EXIT.notFound;
    case 'Conflict':
    case 'IllegalTransition':
      return EXIT.conflict;
    case 'UnauthorizedException':
      return EXIT.notSignedIn;
    default:
      return EXIT.other;
  }
}
