import { describe, expect, it } from 'vitest';
import { codeChallengeS256, newCodeVerifier, newPkcePair, newState } from '../../bin/cli/pkce';

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the verifier in appendix B', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 43-character verifiers of the unreserved set, new each time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => newCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
  });

  it('refuses verifiers the RFC does not allow', () => {
    expect(() => codeChallengeS256('too-short')).toThrow(/43 to 128/);
    expect(() => codeChallengeS256('x'.repeat(129))).toThrow(/43 to 128/);
    expect(() => codeChallengeS256(`${'x'.repeat(42)}+`)).toThrow(/43 to 128/);
  });

  it('pairs a verifier with its challenge and an unguessable state', () => {
    const pair = newPkcePair();
    expect(pair.challenge).toBe(codeChallengeS256(pair.verifier));
    expect(pair.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newState()).not.toBe(pair.state);
  });
});
