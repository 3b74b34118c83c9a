/**
 * Enhanced subscription filters of the TEAM API, declared once. AppSync pushes a published event
 * to a subscription only when the filter its subscription resolver set holds for the event
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html).
 *
 * Two consumers read this description, so the cloud and the local cloud cannot drift:
 * - `lib/api.ts` generates the APPSYNC_JS response handler of each filtered subscription field
 *   (`extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(...))`);
 * - the local AppSync emulator (`local/appsync`) builds the same filter when a client subscribes
 *   and applies it to every event it pushes.
 *
 * A rule compares a field of the published event with the value of one of the subscription's
 * arguments, the argument the api handler authorized when the client subscribed. All rules of a
 * field must hold (AND). With an enhanced filter set, AppSync no longer filters on the
 * subscription's arguments by name: the filter alone decides.
 */
import {
  Kind,
  parse,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from 'graphql';

/** The operators this API uses; the emulator implements exactly these and refuses any other. */
export const FILTER_OPERATORS = ['eq', 'contains'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One condition: `<event field> <operator> <value of subscription argument>`. */
export interface FilterRule {
  /** A field of the subscription's return type; nested fields are dotted (`a.b`). */
  readonly fieldName: string;
  readonly operator: FilterOperator;
  /** The subscription argument whose (authorized) value the event field is compared with. */
  readonly argument: string;
}

/** Subscription field name → the rules that must all hold for an event to be pushed. */
export type SubscriptionFilters = Readonly<Record<string, readonly FilterRule[]>>;

/**
 * The API's filters. `onRequestChange(channel)`: one `publishRequestChange` carries every
 * interested channel in `channels`; a subscriber receives it when its channel is among them.
 */
export const SUBSCRIPTION_FILTERS: SubscriptionFilters = {
  onRequestChange: [{ fieldName: 'channels', operator: 'contains', argument: 'channel' }],
};

/** AppSync nests filter fields at most this deep. */
export const MAX_FILTER_FIELD_DEPTH = 5;

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

function isListTypeNode(type: TypeNode): boolean {
  if (type.kind === Kind.LIST_TYPE) return true;
  return type.kind === Kind.NON_NULL_TYPE && type.type.kind === Kind.LIST_TYPE;
}

/** Fields of every object type (definitions and `extend type` blocks merged). */
function objectFieldsOf(sdl: string): { fields: Map<string, FieldDefinitionNode[]>; subscription: string } {
  const document = parse(sdl);
  const fields = new Map<string, FieldDefinitionNode[]>();
  let subscription = 'Subscription';
  for (const def of document.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      const op = def.operationTypes?.find((o) => o.operation === 'subscription');
      if (op) subscription = op.type.name.value;
    }
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const node: ObjectNode = def;
      fields.set(node.name.value, [...(fields.get(node.name.value) ?? []), ...(node.fields ?? [])]);
    }
  }
  return { fields, subscription };
}

function problemsOfRule(
  subscriptionField: FieldDefinitionNode,
  rule: FilterRule,
  fields: Map<string, FieldDefinitionNode[]>,
): string[] {
  const where = `${subscriptionField.name.value}: ${rule.fieldName} ${rule.operator} $${rule.argument}`;
  const problems: string[] = [];
  if (!(FILTER_OPERATORS as readonly string[]).includes(rule.operator)) {
    problems.push(`${where}: unknown operator (known: ${FILTER_OPERATORS.join(', ')})`);
  }
  const argument = subscriptionField.arguments?.find((a) => a.name.value === rule.argument);
  if (!argument) problems.push(`${where}: the subscription has no argument "${rule.argument}"`);
  else if (argument.type.kind !== Kind.NON_NULL_TYPE || isListTypeNode(argument.type)) {
    // An omitted argument would leave the filter without a value; a list is no filter value.
    problems.push(`${where}: the argument must be a required single value`);
  }
  const path = rule.fieldName.split('.');
  if (path.length > MAX_FILTER_FIELD_DEPTH || path.some((p) => p.length === 0)) {
    problems.push(`${where}: a field path has 1 to ${MAX_FILTER_FIELD_DEPTH} non-empty parts`);
    return problems;
  }
  let typeName = namedTypeOf(subscriptionField.type);
  let target: FieldDefinitionNode | undefined;
  for (const part of path) {
    target = fields.get(typeName)?.find((f) => f.name.value === part);
    if (!target) {
      problems.push(`${where}: type ${typeName} has no field "${part}"`);
      return problems;
    }
    typeName = namedTypeOf(target.type);
  }
  if (target && rule.operator === 'eq' && isListTypeNode(target.type)) {
    problems.push(`${where}: eq compares single values, and ${rule.fieldName} is a list`);
  }
  return problems;
}

/**
 * Checks filters against a schema (SDL in the AppSync dialect): each described subscription
 * field exists, its rules name a known operator, a required argument of the field and a field
 * of its return type. Returns the names of the filtered subscription fields present in the
 * schema; throws listing every problem. `allowMissing` skips fields the schema does not have
 * (the emulator serves other schemas too); the deployed API allows none.
 */
export function checkSubscriptionFilters(
  sdl: string,
  filters: SubscriptionFilters,
  options: { allowMissing?: boolean } = {},
): string[] {
  const { fields, subscription } = objectFieldsOf(sdl);
  const problems: string[] = [];
  const present: string[] = [];
  for (const [name, rules] of Object.entries(filters)) {
    const field = fields.get(subscription)?.find((f) => f.name.value === name);
    if (!field) {
      if (!options.allowMissing) problems.push(`${name}: no such field on ${subscription}`);
      continue;
    }
    if (rules.length === 0) problems.push(`${name}: a filter needs at least one rule`);
    const seen = new Set<string>();
    for (const rule of rules) {
      const key = `${rule.fieldName} ${rule.operator}`;
      if (seen.has(key)) problems.push(`${name}: ${key} appears twice`);
      seen.add(key);
      problems.push(...problemsOfRule(field, rule, fields));
    }
    present.push(name);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid subscription filters:\n- ${problems.join('\n- ')}`);
  }
  return present;
}

/**
 * The object the generated handler passes to `util.transform.toSubscriptionFilter`:
 * `{ <field>: { <operator>: <argument value> } }`, rules on one field sharing its entry.
 */
export function filterInputOf(
  rules: readonly FilterRule[],
  args: Readonly<Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const input: Record<string, Record<string, unknown>> = {};
  for (const rule of rules) {
    input[rule.fieldName] = { ...input[rule.fieldName], [rule.operator]: args[rule.argument] };
  }
  return input;
}
