/**
 * `npm start`: the whole product on this machine. Prints the web app's URL, every local endpoint,
 * the demo identities and the demo machine client, then one line per notification as the outbox receives it. The
 * handlers' JSON logs go to `.team-local/logs/handlers.log`. Ctrl-C stops everything; data
 * (requests, policies, settings) is kept under `.team-local/` for the next start unless `--reset`
 * is given.
 *
 * Options: `--reset` (start from fresh data), `--port N` (web app port, default 3000),
 * `--dist` (serve the production build from web/dist instead of Vite's dev server; built first
 * when it is missing or older than its sources), `--logs` (show the handlers' JSON logs in the
 * console too, instead of the log file).
 *
 * The time printed is the time since the command started (`npm start`, measured from the npm
 * process), so tsx's start, the loading of the modules and a production build count. With `--dist`
 * that build runs beside the loading of the local cloud's modules.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { divertJsonLogs } from './logs';
import { ensureWebBuild, prepareDevServer } from './web-host';

/** /proc reports start times in clock ticks of 1/100 s (USER_HZ, fixed on Linux). */
const TICK_MS = 10;

/**
 * When the command the person typed started, in milliseconds since the epoch. `npm start` runs
 * `sh -c "tsx local/start.ts"` and tsx's command line runs this file in another Node process, so
 * the wait began with the oldest of those ancestors. Their start times come from /proc (Linux,
 * in steps of 10 ms); elsewhere the count starts with this process.
 */
function commandStartedAt(): number {
  const self = procStat('self');
  if (!self) return performance.timeOrigin;
  let oldest = self.startTicks;
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth += 1) {
    const cmdline = readProc(`${pid}/cmdline`)?.split('\0').join(' ') ?? '';
    if (!/\b(?:npm|npx|tsx)\b|local\/start\.ts/.test(cmdline)) break;
    const parent = procStat(String(pid));
    // A process that started long before this one is a shell or an editor, not this command.
    if (!parent || (self.startTicks - parent.startTicks) * TICK_MS > 10 * 60 * 1000) break;
    oldest = parent.startTicks;
    pid = parent.ppid;
  }
  return performance.timeOrigin - (self.startTicks - oldest) * TICK_MS;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(`/proc/${path}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The parent and start time of a process, from /proc/<pid>/stat (fields 4 and 22). */
function procStat(pid: string): { ppid: number; startTicks: number } | undefined {
  const stat = readProc(`${pid}/stat`);
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields?.[1]);
  const startTicks = Number(fields?.[19]);
  return Number.isFinite(ppid) && Number.isFinite(startTicks) ? { ppid, startTicks } : undefined;
}

const started = commandStartedAt();
// The local cloud synthesizes the stack only for the request workflow's state machine. CDK's
// built-in CloudFormation validation (a WebAssembly validator compiled on every synthesis, about
// four of the five seconds that synthesis takes, whose findings are warnings in a report nobody
// reads here) is skipped for it; the cdk-nag checks still run. `npm run synth` keeps it.
process.env.CDK_VALIDATION ??= 'false';
const DATA_DIR = fileURLToPath(new URL('../.team-local', import.meta.url));

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    dist: { type: 'boolean', default: false },
    logs: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not "${values.port}".`);
  process.exit(2);
}
if (values.reset) rmSync(DATA_DIR, { recursive: true, force: true });
const LOG_FILE = join(DATA_DIR, 'logs', 'handlers.log');
// The console keeps the banner and one line per notification; `--logs` shows the JSON logs too.
if (!values.logs) divertJsonLogs(LOG_FILE);

// Caught at once so a failed build does not end the process before it can say so.
const webBuildFailure = values.dist
  ? ensureWebBuild().then(
      () => undefined,
      (err: unknown) => err,
    )
  : undefined;
const [{ startLocalCloud }, { printNotifications }] = await Promise.all([
  import('./cloud'),
  import('./outbox'),
]);
const failure = await webBuildFailure;
if (failure !== undefined) {
  console.error(
    `The web app's production build failed: ${failure instanceof Error ? failure.message : String(failure)}`,
  );
  process.exit(1);
}

// Vite's dev server is made while the backend starts (most of that is waiting for DynamoDB Local).
if (!values.dist) prepareDevServer();
const cloud = await startLocalCloud({
  dataDir: DATA_DIR,
  web: values.dist ? 'dist' : 'dev',
  webPort: port,
  // As the stack's schedule: access left behind or held past its end is repaired within minutes.
  reconcileEveryMs: 15 * 60 * 1000,
  // As the stack's daily schedule, and once at start so the admin pages have a report.
  checkPoliciesEveryMs: 24 * 60 * 60 * 1000,
  // Three weeks of past requests on the first start, so the dashboard has something to show.
  demoHistoryDays: 21,
}).catch((err: unknown) => {
  console.error(`The local cloud did not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
const { backend } = cloud;
const seconds = ((Date.now() - started) / 1000).toFixed(1);

const line = (label: string, value: string) => console.log(`  ${label.padEnd(30)}${value}`);
console.log(`\nTEAM is running locally (started in ${seconds} s).\n`);
line('Web app', cloud.appUrl ?? '(not served)');
line('Access portal', `${cloud.appUrl ?? ''}/local/portal`);
line('Outbox (Slack, Teams, email)', `${cloud.appUrl ?? ''}/local/outbox`);
line('Outbox (JSON)', `${backend.urls.outbox}/outbox`);
line('Slack interactivity', backend.urls.slackInteractions);
line('GraphQL (AppSync)', backend.urls.graphql);
line('Sign-in (Cognito)', backend.urls.auth);
line('Step Functions', backend.urls.stepFunctions);
line('DynamoDB', backend.urls.dynamodb);
line('IAM Identity Center', backend.urls.ssoAdmin);
line('Identity Store', backend.urls.identityStore);
line('Organizations', backend.urls.organizations);
line('CloudTrail Lake', backend.urls.cloudTrail);
line('Secrets Manager', backend.urls.secretsManager);
line('Data', values.reset ? `${DATA_DIR} (fresh)` : DATA_DIR);
line('Handler logs', values.logs ? 'this console (--logs)' : `${LOG_FILE} (--logs: this console)`);
if (cloud.resumed.length > 0) {
  line('Resumed', `${cloud.resumed.length} request${cloud.resumed.length === 1 ? '' : 's'} still under way`);
}

console.log('\nDemo identities (pick one on the sign-in page):');
for (const identity of backend.identities) {
  const groups = identity.groups?.length ? identity.groups.join(', ') : '(no groups)';
  console.log(
    `  ${(identity.displayName ?? identity.userName).padEnd(18)}${identity.email.padEnd(34)}${groups}`,
  );
}
const machine = backend.machineClient;
console.log('\nMachine API (client credentials; docs/machine-api.md):');
line('Token endpoint', backend.auth.tokenEndpoint);
line('Client id', machine.clientId);
line('Client secret', machine.clientSecret);
line('Scopes', machine.scopes.join(' '));
if (cloud.appUrl) {
  console.log('\nCommand line (docs/cli.md):');
  line('Configure', `npx team configure --url ${cloud.appUrl}`);
  line('Sign in', 'npx team login');
}
console.log(
  '\nNotifications (email and Slack, into the outbox) appear below, one line each. Ctrl-C stops everything.\n',
);

printNotifications(backend.outbox.outbox, (text) => {
  console.log(`[${new Date().toLocaleTimeString()}] ${text}`);
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the local cloud…');
  await cloud.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
