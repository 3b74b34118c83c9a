/**
 * A workflow error as Step Functions sees it: `name` is the error name that `Retry` and `Catch`
 * match (`States.Timeout`, `SsoAdmin.ThrottlingException`, a Lambda's error type), `message`
 * is the cause.
 */
export class StatesError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }

  /** Read by aws-local-stepfunctions: `States.Runtime` is never retried… */
  get isRetryable(): boolean {
    return this.name !== 'States.Runtime';
  }

  /** …nor caught, as in the real service. */
  get isCatchable(): boolean {
    return this.name !== 'States.Runtime';
  }
}

/** The definition cannot run locally (invalid ASL, JSONata, an unsupported resource). */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDefinition';
  }
}

/** Normalises anything thrown into a StatesError, keeping a name Retry/Catch can match. */
export function toStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  if (err instanceof Error) return new StatesError(err.name || 'Error', err.message);
  return new StatesError('Error', typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err)));
}

/** Thrown into aborted waits; never reaches a workflow because the run is already over. */
export class AbortedError extends Error {
  constructor() {
    super('execution stopped');
    this.name = 'Local.Aborted';
  }
}
