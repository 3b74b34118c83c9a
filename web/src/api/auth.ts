/**
 * Sign-in as the SPA needs it. The app uses the aws-amplify implementation
 * (`amplify-auth.ts`); tests pass a fake.
 */
export interface AuthPort {
  /** Whether a user is signed in; waits for a sign-in redirect that is being completed. */
  isSignedIn(): Promise<boolean>;
  /** Sends the browser to the hosted sign-in page; `returnTo` is the app path to come back to. */
  signIn(returnTo?: string): Promise<void>;
  /** Signs out everywhere (the hosted UI session too) and returns to the app. */
  signOut(): Promise<void>;
  /** Reports a sign-in that failed on the way back from the hosted UI. */
  onSignInFailure(listener: (message: string) => void): () => void;
}

const RETURN_TO_KEY = 'team.returnTo';

/** A same-app path worth returning to after sign-in ("/requests/123"), else undefined. */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Only absolute in-app paths: no scheme, no protocol-relative "//host", no backslashes.
  if (!/^\/(?![/\\])[\w\-./~%]*$/.test(value)) return undefined;
  return value;
}

/** Remembers where the user was going before the sign-in redirect. */
export function rememberReturnPath(
  path: string,
  storage: Storage | undefined = globalThis.sessionStorage,
): void {
  const safe = safeReturnPath(path);
  if (!storage || !safe || safe === '/') return;
  try {
    storage.setItem(RETURN_TO_KEY, safe);
  } catch {
    // Storage may be disabled (private mode): the user lands on the home page instead.
  }
}

/** Takes (and forgets) the path remembered before the sign-in redirect. */
export function takeReturnPath(storage: Storage | undefined = globalThis.sessionStorage): string | undefined {
  if (!storage) return undefined;
  try {
    const value = storage.getItem(RETURN_TO_KEY);
    storage.removeItem(RETURN_TO_KEY);
    return safeReturnPath(value);
  } catch {
    return undefined;
  }
}
