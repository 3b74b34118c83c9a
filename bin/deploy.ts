/**
 * `npm run deploy [-- <cdk deploy options>]`: checks the configuration first, then builds the
 * web app and deploys every stack the configuration needs, so a deployment never starts on the
 * demo configuration or without the SPA. Options after `--` go to `cdk deploy` unchanged
 * (`-c teamConfig=<path>`, `-c team:<key>=<value>`, `--require-approval never`, `--profile`...);
 * the context ones are also read here, so the check sees the configuration the app will see.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEMO_FALLBACK_CONTEXT,
  loadTeamConfigFromContext,
  stackNameOf,
  TeamConfigError,
  type TeamConfig,
} from '../lib/config';

/** Runs a command with inherited output; resolves with its exit code. */
export type CommandRunner = (command: string, args: readonly string[], cwd: string) => Promise<number>;

export interface DeployOptions {
  /** Arguments after `npm run deploy --`, forwarded to `cdk deploy`. */
  readonly argv: readonly string[];
  /** Where cdk.json, package.json and team.config.json are. */
  readonly projectRoot: string;
  readonly run?: CommandRunner;
  readonly log?: { info(message: string): void; error(message: string): void };
}

/** The `-c key=value` / `--context key=value` pairs among the forwarded arguments. */
export function contextOf(argv: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  const add = (pair: string | undefined) => {
    if (pair === undefined) return;
    const at = pair.indexOf('=');
    if (at > 0) context[pair.slice(0, at)] = pair.slice(at + 1);
  };
  argv.forEach((arg, i) => {
    if (arg === '-c' || arg === '--context') add(argv[i + 1]);
    else if (arg.startsWith('--context=')) add(arg.slice('--context='.length));
  });
  return context;
}

/**
 * What `cdk deploy` is given: the TEAM stack alone, or `--all` when the configuration asks for a
 * WAF allow-list, because then the app may hold a second stack in us-east-1 (CloudFront only
 * takes web ACLs from there, lib/app.ts) that must be deployed first; `--all` follows the stack
 * dependency, and is the same as the TEAM stack alone when TEAM itself is in us-east-1.
 */
export function stacksToDeploy(config: TeamConfig): string[] {
  return config.waf ? ['--all'] : [stackNameOf(config)];
}

const defaultRun: CommandRunner = (command, args, cwd) =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });

/** The deploy script; resolves with the exit code (0: deployed). */
export async function deploy(options: DeployOptions): Promise<number> {
  const run = options.run ?? defaultRun;
  const log = options.log ?? { info: (m) => console.log(m), error: (m) => console.error(m) };
  const context = contextOf(options.argv);
  if (DEMO_FALLBACK_CONTEXT.key in context) {
    log.error(
      `npm run deploy never deploys the demo configuration: remove -c ${DEMO_FALLBACK_CONTEXT.key} and create team.config.json (docs/deployment.md, section 4).`,
    );
    return 1;
  }
  let config: TeamConfig;
  try {
    ({ config } = loadTeamConfigFromContext((key) => context[key], context, { cwd: options.projectRoot }));
  } catch (error) {
    if (!(error instanceof TeamConfigError)) throw error;
    log.error(error.message);
    return 1;
  }

  log.info('[TEAM] Building the web app (web/dist)...');
  const built = await run('npm', ['run', 'build:web'], options.projectRoot);
  if (built !== 0) {
    log.error('[TEAM] The web app did not build; nothing was deployed.');
    return built;
  }
  const stacks = stacksToDeploy(config);
  log.info(`[TEAM] Deploying ${stacks.join(' ')}...`);
  return run('npx', ['cdk', 'deploy', ...stacks, ...options.argv], options.projectRoot);
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  process.exitCode = await deploy({ argv: process.argv.slice(2), projectRoot });
}
