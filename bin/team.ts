/**
 * The TEAM CDK app (`npx cdk synth|deploy`): loads the typed configuration (team.config.json,
 * -c teamConfig=<path>, -c team:<key>=<value>) and builds the stacks with cdk-nag checks.
 *
 * The Lambda functions are bundled first, by esbuild in its own process, while this one loads the
 * CDK libraries (lib/bundling.ts); the stack's function assets then copy finished bundles.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunctions } from '../lib/bundling';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Whether this synthesis bundles assets: the CDK CLI passes the stacks to bundle in the context
 * (none for `cdk ls` or `cdk destroy`); run without the CLI, every stack is bundled.
 */
function bundlingRequested(): boolean {
  try {
    const overflow = process.env.CONTEXT_OVERFLOW_LOCATION_ENV;
    const json = overflow ? readFileSync(overflow, 'utf8') : process.env.CDK_CONTEXT_JSON;
    const stacks = (json ? (JSON.parse(json) as Record<string, unknown>) : {})['aws:cdk:bundling-stacks'];
    return !Array.isArray(stacks) || stacks.length > 0;
  } catch {
    return true;
  }
}

const bundled = bundlingRequested() ? bundleFunctions(projectRoot) : undefined;
// Caught here so a failed build does not end the process before the CDK libraries are loaded;
// esbuild has printed its errors, and the synthesis stops below.
const bundling = bundled?.then(
  () => undefined,
  (err: unknown) => err,
);

const [{ App }, { buildTeamApp }, { loadTeamConfigFromContext, TeamConfigError }] = await Promise.all([
  import('aws-cdk-lib'),
  import('../lib/app'),
  import('../lib/config'),
]);

const failure = await bundling;
if (failure !== undefined) {
  console.error(
    `Bundling the Lambda functions failed: ${failure instanceof Error ? failure.message : String(failure)}`,
  );
  process.exit(1);
}

const app = new App();
try {
  const { config } = loadTeamConfigFromContext(
    (key) => app.node.tryGetContext(key) as unknown,
    app.node.getAllContext() as Record<string, unknown>,
    { cwd: projectRoot },
  );
  buildTeamApp({
    app,
    config,
    projectRoot,
    defaultAccount: process.env.CDK_DEFAULT_ACCOUNT,
    defaultRegion: process.env.CDK_DEFAULT_REGION,
  });
} catch (err) {
  if (err instanceof TeamConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
app.synth();
