/**
 * Domain errors. Each carries the `errorType` the API returns to clients; the one mapping to
 * GraphQL errors lives in the api handler and uses `errorType`, `message` and, for a
 * ValidationError, its `field` (the client's `errorInfo.field`).
 */
export abstract class DomainError extends Error {
  abstract readonly errorType: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Bad input: the message names the field and what is wrong with it; `field` is the input field
 * as the operation's GraphQL input type names it (`justification`, `principals.2.id`).
 */
export class ValidationError extends DomainError {
  readonly errorType = 'ValidationError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The caller may not do this (or may not know that the thing exists). */
export class ForbiddenError extends DomainError {
  readonly errorType = 'Unauthorized';
}

export class NotFoundError extends DomainError {
  readonly errorType = 'NotFound';
}

/** The stored state changed under the caller (stale version, concurrent decision). */
export class ConflictError extends DomainError {
  readonly errorType = 'Conflict';
}

/** A status change the lifecycle does not allow from the current status. */
export class IllegalTransitionError extends DomainError {
  readonly errorType = 'IllegalTransition';
  constructor(
    readonly from: string,
    readonly to: string,
    detail?: string,
  ) {
    super(`A request that is ${from} cannot become ${to}${detail ? `: ${detail}` : ''}.`);
  }
}

/** The caller is not eligible for the requested account and permission set, or duration. */
export class NotEligibleError extends DomainError {
  readonly errorType = 'NotEligible';
}

/** Approval is required but nobody other than the requester can approve. */
export class NoApproverError extends DomainError {
  readonly errorType = 'NoApprover';
}
