/**
 * Cold start of the pre-token-generation trigger, measured locally: the entry file
 * (`lambdas/handlers/pre-token.ts`) bundled as the stack bundles it (esbuild, minified ESM with a
 * source map, AWS SDK included), then, in a fresh Node process per run with source maps enabled
 * as the functions run, the bundle's module load and its first
 * invocation (SDK clients made, settings read from DynamoDB Local, the user and their groups
 * looked up in the Identity Store simulator), and a second, warm invocation for comparison.
 * Cognito gives the trigger 5 seconds; docs/performance.md reports these figures.
 *
 *   npx tsx bench/pre-token-cold-start.ts [--runs 15] [--user erin.walsh@example.com]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startLocalBackend } from '../local/backend';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    user: { type: 'string', default: 'erin.walsh@example.com' },
  },
});
const runs = Number(values.runs);

interface Run {
  load: number;
  first: number;
  warm: number;
  claims: number;
}

/** What one fresh process does: load the bundle, invoke it twice, print the timings. */
const CHILD = `
const bundle = process.argv[2];
const userName = process.argv[3];
const t0 = performance.now();
const { handler } = await import(bundle);
const t1 = performance.now();
const event = () => ({
  version: '2', triggerSource: 'TokenGeneration_HostedAuth', region: 'us-east-1',
  userPoolId: 'us-east-1_local', userName: 'IdentityCenter_' + userName,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'team_local_web' },
  request: { userAttributes: { email: userName }, groupConfiguration: { groupsToOverride: [] }, scopes: [] },
  response: { claimsAndScopeOverrideDetails: {} },
});
const out = await handler(event());
const t2 = performance.now();
await handler(event());
const t3 = performance.now();
const claims = Object.keys(out.response.claimsAndScopeOverrideDetails?.idTokenGeneration?.claimsToAddOrOverride ?? {}).length;
console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1, warm: t3 - t2, claims }));
`;

function runOnce(child: string, bundle: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done, fail) => {
    // As in Lambda (NODE_OPTIONS of every TEAM function): stack traces through the source map.
    const proc = spawn(process.execPath, ['--enable-source-maps', child, bundle, values.user], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', fail);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) fail(new Error(`run failed (${String(code)}): ${err || out}`));
      else done(JSON.parse(line) as Run);
    });
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const ms = (n: number) => `${n.toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'team-pre-token-'));
const backend = await startLocalBackend({ sessionLogProvider: 'none', sessionActivity: false });
try {
  const bundle = join(dir, 'index.mjs');
  // As lib/function.ts bundles it (target lowered to the Node that runs this script).
  await build({
    entryPoints: [join(root, 'lambdas/handlers/pre-token.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __teamCreateRequire } from 'node:module'; const require = __teamCreateRequire(import.meta.url);",
    },
  });
  const child = join(dir, 'child.mjs');
  writeFileSync(child, CHILD);
  const env = { ...process.env, POWERTOOLS_SERVICE_NAME: 'team-preToken', POWERTOOLS_LOG_LEVEL: 'INFO' };

  const results: Run[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await runOnce(child, bundle, env);
    if (run.claims === 0) throw new Error(`no TEAM claims for ${values.user}: is it a demo user?`);
    results.push(run);
    process.stderr.write('.');
  }
  process.stderr.write('\n');

  const row = (name: string, pick: (r: Run) => number) => {
    const sorted = results.map(pick).sort((a, b) => a - b);
    return `| ${name} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 90))} | ${ms(sorted.at(-1) ?? NaN)} |`;
  };
  console.log(
    `pre-token bundle: ${(statSync(bundle).size / 1000).toFixed(0)} kB minified; ${runs} fresh processes; ` +
      `Node ${process.versions.node}; user ${values.user}\n`,
  );
  console.log('| | p50 | p90 | max |\n|---|---|---|---|');
  console.log(row('module load (import of the bundle)', (r) => r.load));
  console.log(row('first invocation (clients, settings, user and groups)', (r) => r.first));
  console.log(row('cold start: load + first invocation', (r) => r.load + r.first));
  console.log(row('warm invocation', (r) => r.warm));
} finally {
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}
