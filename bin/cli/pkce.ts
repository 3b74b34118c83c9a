/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, and the `state` that ties a
 * redirect to the sign-in that started it.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A code verifier: 32 random bytes as base64url, 43 characters of the unreserved set. */
export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636, section 4.2). */
export function codeChallengeS256(verifier: string): string {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
    throw new Error('A code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~.');
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` value. */
export function newState(): string {
  return randomBytes(24).toString('base64url');
}

/** A verifier, its challenge and a state: what one sign-in needs. */
export function newPkcePair(): { verifier: string; challenge: string; state: string } {
  const verifier = newCodeVerifier();
  return { verifier, challenge: codeChallengeS256(verifier), state: newState() };
}
