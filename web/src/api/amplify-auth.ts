import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signInWithRedirect, signOut } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import type { RuntimeConfig } from '../../../lambdas/contract/runtime-config';
import { rememberReturnPath, type AuthPort } from './auth';

/** The identity provider the Cognito hosted UI federates to (the IdC SAML application). */
export const DEFAULT_IDENTITY_PROVIDER = 'IdentityCenter';

/**
 * Configures aws-amplify from the runtime config: Cognito user pool with the hosted UI (OAuth
 * code flow with PKCE) and the AppSync endpoint with user-pool auth. Call once, before anything
 * else touches amplify: configuring also completes a sign-in redirect that just came back.
 */
export function configureAmplify(config: RuntimeConfig): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        // Deployed: Cognito's regional endpoint; the local cloud names its stand-in.
        ...(config.userPoolEndpoint ? { userPoolEndpoint: config.userPoolEndpoint } : {}),
        loginWith: {
          oauth: {
            domain: config.oauthDomain,
            scopes: ['openid', 'email', 'profile'],
            redirectSignIn: [config.redirectSignIn],
            redirectSignOut: [config.redirectSignOut],
            responseType: 'code',
          },
        },
      },
    },
    API: {
      GraphQL: {
        endpoint: config.graphqlUrl,
        region: config.region,
        defaultAuthMode: 'userPool',
      },
    },
  });
}

function messageOf(data: unknown): string {
  if (data instanceof Error) return data.message;
  if (typeof data === 'object' && data !== null && 'error' in data && data.error instanceof Error) {
    return data.error.message;
  }
  return 'Sign-in failed.';
}

/** AuthPort over aws-amplify v6 (tokens are stored and refreshed by amplify). */
export function createAmplifyAuth(config: RuntimeConfig): AuthPort {
  return {
    async isSignedIn() {
      try {
        const session = await fetchAuthSession();
        return Boolean(session.tokens?.idToken);
      } catch {
        return false;
      }
    },
    async signIn(returnTo) {
      if (returnTo) rememberReturnPath(returnTo);
      await signInWithRedirect({
        provider: { custom: config.identityProvider ?? DEFAULT_IDENTITY_PROVIDER },
      });
    },
    async signOut() {
      await signOut({ global: false });
    },
    onSignInFailure(listener) {
      return Hub.listen('auth', ({ payload }) => {
        if (payload.event === 'signInWithRedirect_failure') listener(messageOf(payload.data));
      });
    },
  };
}
