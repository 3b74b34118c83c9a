import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackNameOf, type TeamConfig } from './config';
import { TeamStack } from './team-stack';
import { TeamWafStack } from './waf-stack';

export interface BuildTeamAppOptions {
  readonly config: TeamConfig;
  /** Project root (package.json, lambdas/, graphql/, web/). */
  readonly projectRoot: string;
  /** An existing app (bin/team.ts); tests pass AppProps instead. */
  readonly app?: App;
  readonly appProps?: AppProps;
  /** Run the cdk-nag AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
  /** Deployment account/region when the config has none (default: CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION). */
  readonly defaultAccount?: string;
  readonly defaultRegion?: string;
}

export interface TeamApp {
  readonly app: App;
  readonly stack: TeamStack;
  /** The us-east-1 WAF stack, when the config asks for WAF and TEAM is deployed elsewhere. */
  readonly wafStack?: TeamWafStack;
}

/** Reads the version of TEAM from package.json. */
export function teamVersion(projectRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * Builds the TEAM CDK app from a validated configuration: the TEAM stack, the us-east-1 WAF
 * stack when needed, tags, and the cdk-nag AwsSolutions checks (v3 validation plugin).
 */
export function buildTeamApp(options: BuildTeamAppOptions): TeamApp {
  const { config, projectRoot } = options;
  const app = options.app ?? new App(options.appProps);
  const account = config.account ?? options.defaultAccount;
  const region = config.region ?? options.defaultRegion;
  const stackName = stackNameOf(config);

  let wafStack: TeamWafStack | undefined;
  if (config.waf && region !== 'us-east-1') {
    if (!region) {
      throw new Error(
        'The config asks for WAF: set "region" in team.config.json (or deploy with a CLI region) so the us-east-1 WAF stack can be wired to the TEAM stack.',
      );
    }
    wafStack = new TeamWafStack(app, `${stackName}-Waf`, {
      env: { account, region: 'us-east-1' },
      crossRegionReferences: true,
      allowedCidrs: config.waf.allowedCidrs,
      namePrefix: stackName,
      description: 'TEAM web app WAF (CloudFront web ACLs live in us-east-1)',
    });
  }

  const stack = new TeamStack(app, stackName, {
    stackName,
    env: account || region ? { account, region } : undefined,
    crossRegionReferences: wafStack !== undefined,
    description: `TEAM for IAM Identity Center (${config.environment})`,
    config,
    projectRoot,
    version: teamVersion(projectRoot),
    webAclArn: wafStack?.webAclArn,
  });
  if (wafStack) stack.addStackDependency(wafStack, 'the web ACL ARN comes from the WAF stack');

  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, wafStack };
}
