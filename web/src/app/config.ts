import { runtimeConfigSchema, type RuntimeConfig } from '../../../lambdas/contract/runtime-config';

export { runtimeConfigSchema, type RuntimeConfig } from '../../../lambdas/contract/runtime-config';

/** Why the configuration could not be used. */
export type ConfigProblem =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'http'; status: number }
  | { kind: 'json'; detail: string }
  | { kind: 'invalid'; issues: string[] };

export type ConfigResult = { ok: true; config: RuntimeConfig } | { ok: false; problem: ConfigProblem };

/** What the signed-in app shows of the configuration: portal link, version, log provider, user-menu links. */
export function appInfoOf(
  config: RuntimeConfig,
): Pick<RuntimeConfig, 'idcStartUrl' | 'version' | 'sessionLogs' | 'links'> {
  const { idcStartUrl, version, sessionLogs, links } = config;
  return links ? { idcStartUrl, version, sessionLogs, links } : { idcStartUrl, version, sessionLogs };
}

/** Validates a parsed config.json; the issues name the offending keys. */
export function parseRuntimeConfig(value: unknown): ConfigResult {
  const result = runtimeConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    // Our messages already start with the key; zod's generic ones get it prefixed.
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  return { ok: false, problem: { kind: 'invalid', issues } };
}

/** Fetches and validates `/config.json` (never cached: a redeploy applies at once). */
export async function loadRuntimeConfig(
  fetchImpl: typeof fetch = fetch,
  url = '/config.json',
): Promise<ConfigResult> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (error) {
    return {
      ok: false,
      problem: { kind: 'unreachable', detail: error instanceof Error ? error.message : String(error) },
    };
  }
  if (!response.ok) return { ok: false, problem: { kind: 'http', status: response.status } };
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return {
      ok: false,
      problem: { kind: 'json', detail: error instanceof Error ? error.message : String(error) },
    };
  }
  return parseRuntimeConfig(body);
}
