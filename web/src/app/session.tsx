import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from '../api/model';
import type { RuntimeConfig } from './config';

/** The deployment facts the shell shows (portal link, version, log provider, user-menu links). */
export type AppInfo = Pick<RuntimeConfig, 'idcStartUrl' | 'version' | 'sessionLogs' | 'links'>;

export interface SessionValue {
  /** The signed-in caller, from the `me` query (personas drive navigation only). */
  me: Me;
  app: AppInfo;
  signOut: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The signed-in session. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside a SessionProvider.');
  return value;
}

/** Shorthand for `useSession().me`. */
export function useMe(): Me {
  return useSession().me;
}

/** The signed-in caller, or undefined outside a session (components that also render without one). */
export function useOptionalMe(): Me | undefined {
  return useContext(SessionContext)?.me;
}
