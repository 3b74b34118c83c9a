/**
 * The request workflow's state machine in the local cloud: the ASL the CDK stack synthesizes (not
 * a copy), with its references resolved to the local services, run by the local Step Functions
 * runner with the real workflow-tasks handler.
 *
 * Synthesizing the stack takes seconds, so the state machine's resource is kept under the data
 * directory, keyed by a hash of the sources that shape it, and reused while they are unchanged.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdtempSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { makeWorkflowTasksHandler } from '../lambdas/handlers/workflow-tasks';
import { composeWorkflowTasks } from '../lambdas/handlers/workflow-tasks/compose';
import { buildTeamApp } from '../lib/app';
import { DEMO_CONFIG, parseTeamConfig } from '../lib/config';
import type { LocalBackend } from './backend';
import { resolveDefinition, type CfnTemplate } from './sfn';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The function name the state machine's tasks invoke locally. */
export const LOCAL_TASKS_FUNCTION = 'team-workflow-tasks';
/** The state machine's name in the local runner. */
export const LOCAL_STATE_MACHINE = 'team-request-workflow';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

interface SynthesizedRequestWorkflow {
  /** Only the resources the definition refers to are kept. */
  template: CfnTemplate;
  machine: string;
  tasksFunction: string;
  requestsTable: string;
  /** The filter patterns of the router's event source mapping on the Requests stream. */
  routerFilters: string[];
}

function logicalIdOf(construct: IConstruct): string {
  const cfn = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(cfn as Parameters<Stack['getLogicalId']>[0]);
}

/** The filter patterns of the event source mapping that feeds function `router`. */
export function routerFiltersOf(template: CfnTemplate, router: string): string[] {
  const mappings = Object.values(template.Resources ?? {}).filter((r) => {
    const props = r.Properties ?? {};
    const fn = props['FunctionName'] as { Ref?: string } | undefined;
    return r.Type === 'AWS::Lambda::EventSourceMapping' && fn?.Ref === router;
  });
  if (mappings.length !== 1)
    throw new Error(`Expected one event source mapping of the router, found ${mappings.length}`);
  const criteria = mappings[0]?.Properties?.['FilterCriteria'] as
    { Filters?: { Pattern?: string }[] } | undefined;
  return (criteria?.Filters ?? []).flatMap((f) => (f.Pattern ? [f.Pattern] : []));
}

/** Every file under the folders whose content shapes the synthesized state machine. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(PROJECT_ROOT, 'lib'));
  hash.update(readFileSync(join(PROJECT_ROOT, 'package.json')));
  return hash.digest('hex').slice(0, 16);
}

function synthesize(): SynthesizedRequestWorkflow {
  const outdir = mkdtempSync(join(tmpdir(), 'team-local-synth-'));
  try {
    const { app, stack } = buildTeamApp({
      config: parseTeamConfig(structuredClone(DEMO_CONFIG), 'the local cloud'),
      projectRoot: PROJECT_ROOT,
      // The local cloud runs the handlers in-process: no bundling needed.
      appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } },
    });
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    const router = logicalIdOf(stack.functions.router.function);
    return {
      routerFilters: routerFiltersOf(template, router),
      template,
      machine: logicalIdOf(stack.requestWorkflow.stateMachine),
      tasksFunction: logicalIdOf(stack.functions.workflowTasks.function),
      requestsTable: logicalIdOf(stack.data.tables.requests),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Cache files of earlier sources (`lifecycle-…`: what they were called before). */
const CACHE_FILE = /^(workflow|lifecycle)-[0-9a-f]{16}\.json$/;

/** The synthesized state machine, from the cache under `cacheDir` when its sources did not change. */
export function synthesizedRequestWorkflow(cacheDir: string | undefined): SynthesizedRequestWorkflow {
  const file = cacheDir ? join(cacheDir, `workflow-${sourceHash()}.json`) : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedRequestWorkflow;
  const synthesized = synthesize();
  if (file && cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    for (const old of readdirSync(cacheDir).filter((n) => CACHE_FILE.test(n))) {
      rmSync(join(cacheDir, old), { force: true });
    }
    const resources = synthesized.template.Resources ?? {};
    const kept = { Resources: { [synthesized.machine]: resources[synthesized.machine] } } as CfnTemplate;
    writeFileSync(file, JSON.stringify({ ...synthesized, template: kept }));
  }
  return synthesized;
}

/**
 * Registers the synthesized request workflow on a local backend as the state machine the router
 * starts, with the real workflow-tasks handler behind its tasks.
 */
export function registerRequestWorkflow(
  local: LocalBackend,
  cacheDir: string | undefined,
): { stateMachineArn: string; close(): void } {
  const { template, machine, tasksFunction, requestsTable, routerFilters } =
    synthesizedRequestWorkflow(cacheDir);
  const requests = local.tables.Requests;
  const definition = resolveDefinition(template, machine, {
    [`${tasksFunction}.Arn`]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${LOCAL_TASKS_FUNCTION}`,
    [requestsTable]: requests,
    [`${requestsTable}.Arn`]: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${requests}`,
  });
  // Slack posts go to the outbox's stub: nothing the local cloud sends leaves the machine.
  const ports = composeWorkflowTasks({
    clock: local.backend.ports.clock,
    slackApiUrl: local.outbox.slackApiUrl,
    ...(local.pollDelaysMs ? { pollDelaysMs: local.pollDelaysMs } : {}),
  });
  local.stepFunctions.registerLambda(LOCAL_TASKS_FUNCTION, makeWorkflowTasksHandler({ deps: () => ports }));
  const stateMachineArn = local.registerStateMachine(LOCAL_STATE_MACHINE, definition, {
    requestWorkflow: true,
    routerFilters,
  });
  return { stateMachineArn, close: () => ports.close() };
}
