/**
 * Lambda event filtering for the local stream poller: a record reaches the function when it
 * matches at least one of the event source mapping's filter patterns (the `Pattern` strings of
 * its FilterCriteria, as CloudFormation holds them). Implements the rule syntax TEAM's stack uses
 * — exact values, `exists`, `anything-but`, `prefix` — and refuses any other operator, so a
 * pattern the local cloud cannot honour fails loudly instead of letting records through.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One rule of a leaf's list against the record's value there (undefined: absent). */
function matchesRule(rule: Json, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (!isObject(rule)) return value !== undefined && values.some((v) => v === rule);
  const [operator, ...others] = Object.keys(rule);
  if (operator === undefined || others.length > 0) {
    throw new Error(`Unsupported filter rule ${JSON.stringify(rule)}: one operator per rule`);
  }
  const operand = rule[operator];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new Error('Filter rule "exists" takes true or false');
      return operand ? value !== undefined : value === undefined;
    case 'anything-but': {
      const excluded: unknown[] = Array.isArray(operand) ? operand : [operand];
      return value !== undefined && values.every((v) => !excluded.includes(v));
    }
    case 'prefix':
      if (typeof operand !== 'string') throw new Error('Filter rule "prefix" takes a string');
      return values.some((v) => typeof v === 'string' && v.startsWith(operand));
    default:
      throw new Error(`Unsupported filter operator "${operator}" in the local event filter`);
  }
}

function matchesNode(pattern: Json, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((rule) => matchesRule(rule, value));
  if (!isObject(pattern)) throw new Error(`Invalid filter pattern node ${JSON.stringify(pattern)}`);
  const here = isObject(value) ? value : {};
  return Object.entries(pattern).every(([key, sub]) => matchesNode(sub, here[key]));
}

const OPERATORS = new Set(['exists', 'anything-but', 'prefix']);

/** Checks every rule now, not when the first record reaches it. */
function validate(pattern: Json): void {
  if (Array.isArray(pattern)) {
    for (const rule of pattern) {
      if (!isObject(rule)) continue;
      const keys = Object.keys(rule);
      if (keys.length !== 1 || !OPERATORS.has(keys[0] ?? '')) {
        throw new Error(`Unsupported filter rule ${JSON.stringify(rule)} in the local event filter`);
      }
    }
    return;
  }
  if (!isObject(pattern)) throw new Error(`Invalid filter pattern node ${JSON.stringify(pattern)}`);
  for (const sub of Object.values(pattern)) validate(sub);
}

/** Parses a pattern (as in `FilterCriteria.Filters[].Pattern`) into a matcher of records. */
export function eventFilter(pattern: string): (record: unknown) => boolean {
  const parsed = JSON.parse(pattern) as Json;
  if (!isObject(parsed)) throw new Error('A filter pattern is a JSON object');
  validate(parsed);
  return (record) => matchesNode(parsed, record);
}

/** Whether a record passes a set of patterns (any of them); no patterns lets everything through. */
export function passesFilters(matchers: readonly ((record: unknown) => boolean)[], record: unknown): boolean {
  return matchers.length === 0 || matchers.some((m) => m(record));
}
