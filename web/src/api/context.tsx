import { createContext, useContext, type ReactNode } from 'react';
import type { TeamApi } from './team-api';

const ApiContext = createContext<TeamApi | null>(null);

/** Makes a TeamApi implementation available to every page. */
export function ApiProvider({ api, children }: { api: TeamApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The TeamApi of the enclosing ApiProvider. */
export function useTeamApi(): TeamApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useTeamApi must be used inside an ApiProvider.');
  return api;
}
