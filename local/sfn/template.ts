import { applySubstitutions } from './definition';
import { isJsonObject, type Json, type JsonObject } from './json';

/**
 * Reads state machine definitions out of a synthesized CloudFormation template (`cdk.out`).
 * CDK writes `DefinitionString` as `Fn::Join` over literal ASL fragments and references
 * (`Ref`, `Fn::GetAtt`) to functions, tables and other state machines; the local cloud knows
 * the concrete value behind each logical id and passes them in as `refs`.
 */

/** The parts of a CloudFormation template we read. */
export interface CfnTemplate {
  Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
}

/**
 * Concrete values: `refs[logicalId]` answers `Ref`, `refs['LogicalId.Attr']` answers
 * `Fn::GetAtt`. Pseudo parameters (`AWS::Region`, …) come from the options unless given here.
 */
export type TemplateRefs = Record<string, string>;

export interface ResolveOptions {
  region?: string;
  accountId?: string;
  partition?: string;
  stackName?: string;
  urlSuffix?: string;
}

/** A reference the caller gave no value for. */
export class UnresolvedReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`no value given for ${reference}`);
    this.name = 'UnresolvedReferenceError';
  }
}

function pseudo(name: string, options: ResolveOptions): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return options.region ?? 'us-east-1';
    case 'AWS::AccountId':
      return options.accountId ?? '123456789012';
    case 'AWS::Partition':
      return options.partition ?? 'aws';
    case 'AWS::URLSuffix':
      return options.urlSuffix ?? 'amazonaws.com';
    case 'AWS::StackName':
      return options.stackName ?? 'local';
    case 'AWS::NoValue':
      return '';
    default:
      return undefined;
  }
}

function lookupRef(name: string, refs: TemplateRefs, options: ResolveOptions): string {
  const given = refs[name];
  if (given !== undefined) return given;
  const value = pseudo(name, options);
  if (value === undefined) throw new UnresolvedReferenceError(`Ref ${name}`);
  return value;
}

function lookupAtt(logicalId: string, attribute: string, refs: TemplateRefs): string {
  const key = `${logicalId}.${attribute}`;
  const given = refs[key];
  if (given !== undefined) return given;
  // Most resources' Arn attribute is what their Ref-value map holds when that is an ARN.
  const ref = refs[logicalId];
  if (attribute === 'Arn' && ref?.startsWith('arn:')) return ref;
  throw new UnresolvedReferenceError(`Fn::GetAtt ${key}`);
}

function asString(value: Json, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${what} must resolve to a string, got ${JSON.stringify(value)}`);
}

function substitute(template: string, vars: JsonObject, refs: TemplateRefs, options: ResolveOptions): string {
  return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    if (Object.prototype.hasOwnProperty.call(vars, inner))
      return asString(vars[inner] ?? '', `Fn::Sub variable ${inner}`);
    const dot = inner.indexOf('.');
    if (dot > 0 && !inner.startsWith('AWS::'))
      return lookupAtt(inner.slice(0, dot), inner.slice(dot + 1), refs);
    return lookupRef(inner, refs, options);
  });
}

/**
 * Resolves CloudFormation intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`) inside `value`. Throws UnresolvedReferenceError for unknown ids.
 */
export function resolveIntrinsics(value: unknown, refs: TemplateRefs, options: ResolveOptions = {}): Json {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, refs, options));
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? value
      : null;
  }
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    const [fn, arg] = first;
    switch (fn) {
      case 'Ref':
        return lookupRef(asString(resolveIntrinsics(arg, refs, options), 'Ref'), refs, options);
      case 'Fn::GetAtt': {
        const resolved = resolveIntrinsics(arg, refs, options);
        const [logicalId, ...attribute] = Array.isArray(resolved)
          ? resolved.map((p) => asString(p, 'Fn::GetAtt'))
          : asString(resolved, 'Fn::GetAtt').split('.');
        return lookupAtt(logicalId ?? '', attribute.join('.'), refs);
      }
      case 'Fn::Join': {
        const resolved = resolveIntrinsics(arg, refs, options);
        if (!Array.isArray(resolved) || !Array.isArray(resolved[1]))
          throw new Error('Fn::Join needs [delimiter, list]');
        const delimiter = asString(resolved[0] ?? '', 'Fn::Join delimiter');
        return resolved[1].map((part) => asString(part, 'Fn::Join part')).join(delimiter);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return substitute(arg, {}, refs, options);
        if (!Array.isArray(arg) || typeof arg[0] !== 'string')
          throw new Error('Fn::Sub needs a string or [string, vars]');
        const vars = resolveIntrinsics(arg[1] ?? {}, refs, options);
        return substitute(arg[0], isJsonObject(vars) ? vars : {}, refs, options);
      }
      case 'Fn::Select': {
        const resolved = resolveIntrinsics(arg, refs, options);
        if (!Array.isArray(resolved) || !Array.isArray(resolved[1]))
          throw new Error('Fn::Select needs [index, list]');
        return resolved[1][Number(resolved[0])] ?? null;
      }
      case 'Fn::Split': {
        const resolved = resolveIntrinsics(arg, refs, options);
        if (!Array.isArray(resolved)) throw new Error('Fn::Split needs [delimiter, string]');
        return asString(resolved[1] ?? '', 'Fn::Split string').split(
          asString(resolved[0] ?? '', 'Fn::Split delimiter'),
        );
      }
      default:
        throw new Error(`${fn} is not supported in state machine definitions`);
    }
  }
  const out: JsonObject = {};
  for (const [key, item] of entries) out[key] = resolveIntrinsics(item, refs, options);
  return out;
}

/** State machines declared in a template, with the name they get (`StateMachineName` or the id). */
export function listTemplateStateMachines(template: CfnTemplate): Array<{ logicalId: string; name: string }> {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, resource]) => {
      const name = resource.Properties?.['StateMachineName'];
      return { logicalId, name: typeof name === 'string' ? name : logicalId };
    });
}

/**
 * The concrete ASL of state machine `logicalId` in `template`: `DefinitionString` (or
 * `Definition`) with every reference resolved from `refs` and `DefinitionSubstitutions` applied.
 */
export function resolveDefinition(
  template: CfnTemplate,
  logicalId: string,
  refs: TemplateRefs,
  options: ResolveOptions = {},
): JsonObject {
  const resource = template.Resources?.[logicalId];
  if (!resource || resource.Type !== 'AWS::StepFunctions::StateMachine') {
    throw new Error(`${logicalId} is not an AWS::StepFunctions::StateMachine in this template`);
  }
  const properties = resource.Properties ?? {};
  let text: string;
  if (properties['DefinitionString'] !== undefined) {
    text = asString(resolveIntrinsics(properties['DefinitionString'], refs, options), 'DefinitionString');
  } else if (properties['Definition'] !== undefined) {
    text = JSON.stringify(resolveIntrinsics(properties['Definition'], refs, options));
  } else {
    throw new Error(
      `${logicalId} has no DefinitionString or Definition (DefinitionS3Location is not supported)`,
    );
  }
  const substitutions: Record<string, string> = {};
  const rawSubstitutions = resolveIntrinsics(properties['DefinitionSubstitutions'] ?? {}, refs, options);
  if (isJsonObject(rawSubstitutions)) {
    for (const [key, value] of Object.entries(rawSubstitutions))
      substitutions[key] = asString(value, `substitution ${key}`);
  }
  const parsed: unknown = JSON.parse(applySubstitutions(text, substitutions));
  if (!isJsonObject(parsed)) throw new Error(`${logicalId}: definition is not a JSON object`);
  return parsed;
}

/** What `registerTemplateStateMachines` needs from the service. */
export interface StateMachineRegistrar {
  stateMachineArn(name: string): string;
  createStateMachine(input: { name: string; definition: unknown; roleArn?: string }): {
    stateMachineArn: string;
  };
}

/**
 * Registers every state machine of `template` with `service`. References between state
 * machines of the same template (`Ref`, `Fn::GetAtt …Arn/Name`) are filled in automatically;
 * everything else must be in `refs`. Returns the ARN by logical id.
 */
export function registerTemplateStateMachines(
  service: StateMachineRegistrar,
  template: CfnTemplate,
  refs: TemplateRefs,
  options: ResolveOptions = {},
): Record<string, string> {
  const machines = listTemplateStateMachines(template);
  const allRefs: TemplateRefs = {};
  for (const { logicalId, name } of machines) {
    const arn = service.stateMachineArn(name);
    allRefs[logicalId] = arn;
    allRefs[`${logicalId}.Arn`] = arn;
    allRefs[`${logicalId}.Name`] = name;
  }
  Object.assign(allRefs, refs);
  const arns: Record<string, string> = {};
  for (const { logicalId, name } of machines) {
    const definition = resolveDefinition(template, logicalId, allRefs, options);
    arns[logicalId] = service.createStateMachine({ name, definition }).stateMachineArn;
  }
  return arns;
}
