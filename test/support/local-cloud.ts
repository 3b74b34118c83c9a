/**
 * The local backend for handler tests: started once per test file (beforeAll) and stopped after
 * it, with the demo personas signed in through the sign-in stand-in (the real pre-token trigger)
 * and a GraphQL `call(persona, query, variables)` over plain HTTP to the AppSync emulator.
 */
import { afterAll, beforeAll } from 'vitest';
import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../local/backend';
import { sharedDynamoEndpoint } from './shared-dynamo';

/** The demo personas of the authorization matrix, by the demo org's user names. */
export const PERSONAS = {
  /** TEAM-Users: may request NonProduction and Sandbox accounts. */
  requester: 'alice.nguyen@example.com',
  /** TEAM-Users with a personal policy: another requester. */
  otherRequester: 'hiroshi.sato@example.com',
  /** TEAM-Approvers-NonProduction: approves NonProduction and Sandbox accounts. */
  approver: 'bob.martin@example.com',
  /** TEAM-Approvers-Production: approves only Production accounts. */
  otherApprover: 'dan.okafor@example.com',
  /** TEAM-Admins (and TEAM-Users). */
  admin: 'erin.walsh@example.com',
  /** TEAM-Auditors only. */
  auditor: 'frank.lee@example.com',
} as const;

export type Persona = keyof typeof PERSONAS;

export interface GraphQLError {
  errorType: string | null;
  message: string;
  path?: readonly (string | number)[] | null;
}

export interface GraphQLResponse {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

export interface LocalCloud {
  /** The running backend (available inside tests and hooks). */
  readonly backend: LocalBackend;
  /** The persona's access token (what amplify sends), cached for the file. */
  token(persona: Persona): Promise<string>;
  /** The persona's IAM Identity Center user id. */
  userId(persona: Persona): string;
  /** Runs a GraphQL operation as the persona (null: without a token). */
  call(persona: Persona | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
}

/** Starts the local backend before the file's tests and stops it after them. */
export function useLocalCloud(options: LocalBackendOptions = {}): LocalCloud {
  let backend: LocalBackend | undefined;
  const tokens = new Map<Persona, Promise<string>>();
  const need = (): LocalBackend => {
    if (!backend) throw new Error('useLocalCloud: the backend is available once beforeAll has run');
    return backend;
  };

  beforeAll(async () => {
    backend = await startLocalBackend({ dynamoEndpoint: sharedDynamoEndpoint(), ...options });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const token = (persona: Persona): Promise<string> => {
    let pending = tokens.get(persona);
    if (!pending) {
      pending = need()
        .tokensFor(PERSONAS[persona])
        .then((t) => t.accessToken);
      tokens.set(persona, pending);
    }
    return pending;
  };

  return {
    get backend() {
      return need();
    },
    token,
    userId(persona) {
      const user = need().org.users.find((u) => u.userName === PERSONAS[persona]);
      if (!user) throw new Error(`No demo user ${PERSONAS[persona]}`);
      return user.id;
    },
    async call(persona, query, variables = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (persona !== null) headers.authorization = await token(persona);
      const response = await fetch(need().urls.graphql, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body };
    },
  };
}
