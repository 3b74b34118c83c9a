import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { takeReturnPath, type AuthPort } from '../api/auth';
import { ApiProvider, useTeamApi } from '../api/context';
import { useAsync } from '../api/hooks';
import type { TeamApi } from '../api/team-api';
import { ClockProvider, systemClock, type Clock } from './clock';
import { FlashProvider } from './flash';
import { RouterProvider, useRouter, type AppHistory } from './router';
import { SessionProvider, type AppInfo } from './session';
import { Shell } from './shell';
import { LoadingPage, SplashPage } from './status-pages';
import { useT } from '../i18n';

const SessionErrorPage = lazy(() =>
  import('./error-pages').then((module) => ({ default: module.SessionErrorPage })),
);

export interface AppProps {
  auth: AuthPort;
  api: TeamApi;
  app: AppInfo;
  history: AppHistory;
  clock?: Clock;
}

type AuthState = 'checking' | 'signedOut' | 'signedIn';

/** Loads the caller (`me`), then shows the shell; personas come from `me`, not from tokens. */
function SignedIn({ app, onSignOut }: { app: AppInfo; onSignOut: () => void }) {
  const api = useTeamApi();
  const { navigate } = useRouter();
  const me = useAsync(() => api.me(), 'me');

  useEffect(() => {
    const returnTo = takeReturnPath();
    if (returnTo) navigate(returnTo, { replace: true });
  }, [navigate]);

  const session = useMemo(
    () => (me.data ? { me: me.data, app, signOut: onSignOut } : undefined),
    [me.data, app, onSignOut],
  );

  if (me.error) {
    return (
      <Suspense fallback={<LoadingPage />}>
        <SessionErrorPage message={me.error.message} onRetry={me.reload} onSignOut={onSignOut} />
      </Suspense>
    );
  }
  if (!session) return <LoadingPage />;
  return (
    <SessionProvider value={session}>
      <Shell />
    </SessionProvider>
  );
}

/**
 * The whole SPA for a configured deployment: sign-in gate, then the signed-in shell. The
 * LanguageProvider sits outside (main.tsx) so even the error pages are localized.
 */
export function App({ auth, api, app, history, clock }: AppProps) {
  const t = useT();
  const [state, setState] = useState<AuthState>('checking');
  const [signingIn, setSigningIn] = useState(false);
  const [signInError, setSignInError] = useState<string | undefined>();
  const appClock = useMemo(() => clock ?? systemClock(), [clock]);

  useEffect(
    () =>
      auth.onSignInFailure((message) => {
        setSignInError(message);
        setState('signedOut');
      }),
    [auth],
  );

  useEffect(() => {
    let live = true;
    auth.isSignedIn().then(
      (signedIn) => live && setState(signedIn ? 'signedIn' : 'signedOut'),
      () => live && setState('signedOut'),
    );
    return () => {
      live = false;
    };
  }, [auth]);

  const signIn = useCallback(() => {
    setSigningIn(true);
    setSignInError(undefined);
    auth.signIn(history.location()).catch((error: unknown) => {
      setSigningIn(false);
      setSignInError(error instanceof Error ? error.message : String(error));
    });
  }, [auth, history]);

  const signOut = useCallback(() => {
    auth.signOut().then(
      () => setState('signedOut'),
      () => setState('signedOut'),
    );
  }, [auth]);

  let body;
  if (state === 'checking') body = <LoadingPage />;
  else if (state === 'signedOut')
    body = <SplashPage onSignIn={signIn} signingIn={signingIn} error={signInError} />;
  else body = <SignedIn app={app} onSignOut={signOut} />;

  return (
    <ClockProvider clock={appClock}>
      <ApiProvider api={api}>
        <RouterProvider history={history}>
          <FlashProvider dismissLabel={t('common.dismiss')}>{body}</FlashProvider>
        </RouterProvider>
      </ApiProvider>
    </ClockProvider>
  );
}
