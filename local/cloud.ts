/**
 * The whole product on one machine: the local backend (every AWS piece and the real handlers),
 * the request workflow's state machine synthesized from the CDK stack, and the web app with the
 * runtime config pointing at all of it. `npm start` runs it; the end-to-end tests start it too.
 */
import { fileURLToPath } from 'node:url';
import { ENV } from '../lambdas/contract/env';
import { cliRedirectUri } from '../lambdas/contract/runtime-config';
import { teamVersion } from '../lib/app';
import { DEFAULT_SUPPORT_LINKS, supportLinksOf, type SupportLinks } from '../lib/config';
import { hostOf } from './appsync';
import {
  LOCAL_CLI_CLIENT_ID,
  LOCAL_CLIENT_ID,
  LOCAL_REGION,
  startLocalBackend,
  type LocalBackend,
  type LocalBackendOptions,
} from './backend';
import { outboxPage } from './outbox/page';
import { registerRequestWorkflow } from './workflow';
import { portalPage } from './portal-page';
import { startWebHost, type RunningWebHost } from './web-host';

export interface LocalCloudOptions extends LocalBackendOptions {
  /** How the web app is served: Vite's dev server, the production build, or not at all. */
  web: 'dev' | 'dist' | 'none';
  /** Port of the web app (0: any free port). */
  webPort?: number;
  /** Where the synthesized state machine is cached (default: `<dataDir>/cache`, none in memory). */
  cacheDir?: string;
}

/** How often the local cloud runs the session summaries (the stack: every 5 minutes). */
export const LOCAL_SUMMARY_EVERY_MS = 2_000;

/** The project root (package.json): the release notes the local web app links to are its version's. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalCloud {
  backend: LocalBackend;
  /** The web app's URL (undefined when `web` is `none`). */
  appUrl: string | undefined;
  stateMachineArn: string;
  /** Requests whose workflow was picked up again from kept data. */
  resumed: string[];
  stop(): Promise<void>;
}

/**
 * The runtime config (`/config.json`) of a web app at `appUrl` served against `backend`: the same
 * fields the CDK stack writes, pointing at the local services.
 */
export function localRuntimeConfig(
  backend: LocalBackend,
  appUrl: string,
  options: { version: string; sessionLogs: string; links?: SupportLinks },
): Record<string, unknown> {
  return {
    region: LOCAL_REGION,
    userPoolId: backend.auth.userPoolId,
    userPoolClientId: LOCAL_CLIENT_ID,
    // The `team` command line signs in with its own public client, as in AWS.
    cliClientId: LOCAL_CLI_CLIENT_ID,
    cliRedirectUri: cliRedirectUri(),
    oauthDomain: hostOf(backend.urls.auth),
    // Sign-out revokes the refresh token and token renewal goes to the stand-in, not to Cognito.
    userPoolEndpoint: backend.urls.auth,
    redirectSignIn: `${appUrl}/`,
    redirectSignOut: `${appUrl}/`,
    graphqlUrl: backend.urls.graphql,
    appUrl,
    idcStartUrl: `${appUrl}/local/portal`,
    version: options.version,
    sessionLogs: options.sessionLogs,
    // The user menu's links: a deployment's defaults, the release notes those of this code's version.
    links: options.links ?? supportLinksOf(DEFAULT_SUPPORT_LINKS, teamVersion(PROJECT_ROOT)),
  };
}

/** Starts the local cloud; `stop()` closes everything. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const backend = await startLocalBackend({
    ...options,
    // Ended sessions are summarized (session review) within seconds, for the demo and the
    // end-to-end tests alike.
    sessionSummaryEveryMs: options.sessionSummaryEveryMs ?? LOCAL_SUMMARY_EVERY_MS,
  });
  let web: RunningWebHost | undefined;
  let workflow: { stateMachineArn: string; close(): void } | undefined;
  let resumed: string[] = [];
  try {
    if (options.web !== 'none') {
      web = await startWebHost({
        mode: options.web,
        port: options.webPort ?? 0,
        shimHosts: () => [hostOf(backend.urls.graphql), hostOf(backend.urls.auth)],
        pages: {
          '/local/portal': () => portalPage(backend.simulators.state.assignments(), backend.org),
          '/local/outbox': () => outboxPage({ outboxUrl: backend.urls.outbox }),
        },
        runtimeConfig: (appUrl) =>
          localRuntimeConfig(backend, appUrl, {
            // "local" says where the app runs (the team command line shows it).
            version: 'local',
            sessionLogs: options.sessionLogProvider ?? 'cloudtrail-lake',
          }),
      });
      backend.auth.registerRedirectUri(`${web.url}/`);
      // Deep links in notifications point at the local web app, as APP_URL does in Lambda.
      process.env[ENV.appUrl] = web.url;
    }
    const cacheDir = options.cacheDir ?? (options.dataDir ? `${options.dataDir}/cache` : undefined);
    workflow = registerRequestWorkflow(backend, cacheDir);
    resumed = options.dataDir ? await backend.resumeWorkflows() : [];
  } catch (err) {
    workflow?.close();
    await web?.stop();
    await backend.stop();
    throw err;
  }
  return {
    backend,
    appUrl: web?.url,
    stateMachineArn: workflow.stateMachineArn,
    resumed,
    stop: async () => {
      await web?.stop();
      workflow?.close();
      await backend.stop();
    },
  };
}
