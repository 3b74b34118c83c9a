import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildTeamApp, type TeamApp } from '../../lib/app';
import { DEMO_CONFIG, parseTeamConfig, type TeamConfigInput } from '../../lib/config';
import type { TeamStack } from '../../lib/team-stack';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export interface Synthesized extends TeamApp {
  readonly template: Template;
  readonly outdir: string;
  /** Removes the cloud assembly directory. */
  cleanup(): void;
}

export interface SynthOptions {
  /** Bundle the Lambda code with esbuild (slow); off by default. */
  readonly bundling?: boolean;
  /** Adds to the stack before synthesis (e.g. a state machine). */
  readonly extend?: (stack: TeamStack) => void;
  readonly defaultRegion?: string;
}

/** The demo configuration with top-level overrides. */
export function demoConfig(overrides: Partial<TeamConfigInput> = {}): TeamConfigInput {
  return { ...structuredClone(DEMO_CONFIG), ...overrides };
}

/** Builds and synthesizes the TEAM app (cdk-nag included) once; tests share the result. */
export function synthTeam(overrides: Partial<TeamConfigInput> = {}, options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'team-cdk-'));
  let built: TeamApp;
  try {
    const config = parseTeamConfig(demoConfig(overrides), 'test');
    built = buildTeamApp({
      config,
      projectRoot: PROJECT_ROOT,
      defaultRegion: options.defaultRegion,
      appProps: {
        outdir,
        // Skipping esbuild keeps assertion tests fast; one test synthesizes with bundling.
        context: options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] },
      },
    });
    options.extend?.(built.stack);
    built.app.synth();
  } catch (err) {
    rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...built,
    template: Template.fromStack(built.stack),
    outdir,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const cfn = construct.node.defaultChild ?? construct;
  return stack.getLogicalId(cfn as Parameters<Stack['getLogicalId']>[0]);
}

/** Flattens a CloudFormation value to a readable string: `<Logical.Attr>`, `<Ref>`, joined strings. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flat).join(',');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flat).join(String(join[0]));
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${String(getAtt[0])}.${String(getAtt[1])}>`;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    if ('Fn::Sub' in node) return flat(node['Fn::Sub']);
  }
  return JSON.stringify(value);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of the default policy of a role, resources flattened. */
export function roleStatements(
  template: Template,
  roleLogicalId: string,
): { actions: string[]; resources: string[] }[] {
  // A role's inline policy, and the managed policies CDK adds when it outgrows the inline limit.
  const policies = {
    ...template.findResources('AWS::IAM::Policy'),
    ...template.findResources('AWS::IAM::ManagedPolicy'),
  };
  const out: { actions: string[]; resources: string[] }[] = [];
  for (const policy of Object.values(policies) as {
    Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } };
  }[]) {
    const roles = (policy.Properties.Roles ?? []).map(flat);
    if (!roles.includes(`<${roleLogicalId}>`)) continue;
    for (const s of policy.Properties.PolicyDocument.Statement) {
      out.push({
        actions: ([] as string[]).concat(s.Action),
        resources: ([] as unknown[]).concat(s.Resource).map(flat),
      });
    }
  }
  return out;
}
