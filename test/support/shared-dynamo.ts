import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the run's shared DynamoDB Local (test/support/global-setup.ts). */
    sharedDynamoEndpoint: string;
  }
}

/** The run's shared DynamoDB Local, started once by the global setup. */
export function sharedDynamoEndpoint(): string {
  return inject('sharedDynamoEndpoint');
}

/**
 * The shared DynamoDB Local under the test runner; undefined elsewhere (the benchmarks reuse
 * test helpers and start a DynamoDB Local of their own).
 */
export function sharedDynamoEndpointIfAny(): string | undefined {
  try {
    return inject('sharedDynamoEndpoint');
  } catch {
    return undefined;
  }
}
