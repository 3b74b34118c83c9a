import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** Where the app is and how to move: the browser's history, or memory in tests. */
export interface AppHistory {
  /** The current path with its query string ("/requests?x=1"). */
  location(): string;
  push(path: string): void;
  replace(path: string): void;
  /** Calls the listener when the location changes from outside (back/forward). */
  listen(listener: () => void): () => void;
}

/** History API routing: CloudFront serves index.html for every unknown path. */
export function browserHistory(): AppHistory {
  return {
    location: () => `${window.location.pathname}${window.location.search}`,
    push: (path) => window.history.pushState(null, '', path),
    replace: (path) => window.history.replaceState(null, '', path),
    listen: (listener) => {
      window.addEventListener('popstate', listener);
      return () => window.removeEventListener('popstate', listener);
    },
  };
}

/** A history kept in memory (tests, previews). */
export function memoryHistory(initial = '/'): AppHistory & { entries: string[] } {
  const entries = [initial];
  return {
    entries,
    location: () => entries[entries.length - 1] ?? '/',
    push: (path) => {
      entries.push(path);
    },
    replace: (path) => {
      entries[entries.length - 1] = path;
    },
    listen: () => () => undefined,
  };
}

interface RouterValue {
  /** Path without the query string. */
  path: string;
  search: URLSearchParams;
  navigate: (path: string, options?: { replace?: boolean }) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

/** Provides the current location and `navigate` to the app. */
export function RouterProvider({ history, children }: { history: AppHistory; children: ReactNode }) {
  const [location, setLocation] = useState(() => history.location());

  useEffect(() => history.listen(() => setLocation(history.location())), [history]);

  const navigate = useCallback(
    (path: string, options?: { replace?: boolean }) => {
      if (options?.replace) history.replace(path);
      else history.push(path);
      setLocation(history.location());
      if (typeof window !== 'undefined' && typeof window.scrollTo === 'function') {
        try {
          window.scrollTo(0, 0);
        } catch {
          // jsdom does not implement scrolling.
        }
      }
    },
    [history],
  );

  const value = useMemo<RouterValue>(() => {
    const [path = '/', query = ''] = location.split('?', 2);
    return { path, search: new URLSearchParams(query), navigate };
  }, [location, navigate]);

  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

/** The router of the enclosing RouterProvider. */
export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter must be used inside a RouterProvider.');
  return value;
}

/** Cloudscape's onFollow event, with the modifiers that mean "open elsewhere". */
interface FollowEvent {
  preventDefault(): void;
  detail: { href?: string; external?: boolean };
}

/**
 * An `onFollow` handler for Cloudscape links, navigation and breadcrumbs: in-app links move
 * without a page load; external links and modified clicks keep the browser's behaviour.
 */
export function useFollow(): (event: FollowEvent) => void {
  const { navigate } = useRouter();
  return useCallback(
    (event: FollowEvent) => {
      const href = event.detail.href;
      if (!href || event.detail.external || !href.startsWith('/')) return;
      event.preventDefault();
      navigate(href);
    },
    [navigate],
  );
}
