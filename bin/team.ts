/**
 * The TEAM CDK app (`npx cdk synth|deploy`): loads the typed configuration (team.config.json,
 * -c teamConfig=<path>, -c team:<key>=<value>) and builds the stacks with cdk-nag checks.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildTeamApp } from '../lib/app';
import { loadTeamConfigFromContext, TeamConfigError } from '../lib/config';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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
