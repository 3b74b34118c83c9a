/**
 * AppSync's enhanced subscription filters, for the operators the TEAM API uses. A filter is
 * AppSync's filter JSON: `filterGroup` is a list of alternatives (OR), each a list of `filters`
 * that must all hold (AND); a filter compares one field of the pushed event (dotted for nested
 * fields) with a value. Operators this emulator does not implement are refused when the filter
 * is set, never silently treated as "match" or "no match".
 */
import { FILTER_OPERATORS, type FilterOperator } from '../../graphql/subscription-filters';

/** One condition of a filter group. */
export interface FilterCondition {
  fieldName: string;
  operator: FilterOperator;
  value: string | number | boolean;
}

/** AppSync's filter JSON, as `util.transform.toSubscriptionFilter` returns it. */
export interface SubscriptionFilter {
  filterGroup: Array<{ filters: FilterCondition[] }>;
}

/** A filter the emulator cannot apply (unknown operator, value of the wrong type). */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

function isOperator(value: string): value is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(value);
}

function checkedValue(fieldName: string, operator: FilterOperator, value: unknown): FilterCondition['value'] {
  // AppSync's value types: eq takes a number, string or Boolean; contains a number or string.
  const ok =
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (operator === 'eq' && typeof value === 'boolean');
  if (!ok) {
    throw new FilterError(
      `Subscription filter ${fieldName} ${operator}: ${JSON.stringify(value) ?? 'undefined'} is not a valid value.`,
    );
  }
  return value as FilterCondition['value'];
}

/**
 * `util.transform.toSubscriptionFilter` for the shape the API generates:
 * `{ <field>: { <operator>: <value>, … }, … }`, every condition in one group (AND).
 */
export function toSubscriptionFilter(
  input: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): SubscriptionFilter {
  const filters: FilterCondition[] = [];
  for (const [fieldName, conditions] of Object.entries(input)) {
    if (fieldName === 'and' || fieldName === 'or') {
      throw new FilterError(`Subscription filter: "${fieldName}" groups are not emulated.`);
    }
    for (const [operator, value] of Object.entries(conditions)) {
      if (!isOperator(operator)) {
        throw new FilterError(
          `Subscription filter ${fieldName}: operator "${operator}" is not emulated (known: ${FILTER_OPERATORS.join(', ')}).`,
        );
      }
      filters.push({ fieldName, operator, value: checkedValue(fieldName, operator, value) });
    }
  }
  if (filters.length === 0) throw new FilterError('Subscription filter: no condition.');
  return { filterGroup: [{ filters }] };
}

/** The event's value at a dotted path; undefined when a step is missing or not an object. */
function valueAt(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function holds(condition: FilterCondition, payload: unknown): boolean {
  const actual = valueAt(payload, condition.fieldName);
  switch (condition.operator) {
    case 'eq':
      // Same type and value; a list or object never equals a single value.
      return actual === condition.value;
    case 'contains':
      // "Checks for a subsequence or value in a set": an element of a list, or a substring.
      if (Array.isArray(actual)) return actual.some((element) => element === condition.value);
      if (typeof actual === 'string' && typeof condition.value === 'string') {
        return actual.includes(condition.value);
      }
      return false;
    default: {
      const unknown: never = condition.operator;
      throw new FilterError(`Subscription filter: operator "${String(unknown)}" is not emulated.`);
    }
  }
}

/** Whether AppSync would push `payload` (the mutation's selected result) under `filter`. */
export function matchesFilter(filter: SubscriptionFilter, payload: unknown): boolean {
  return filter.filterGroup.some((group) => group.filters.every((condition) => holds(condition, payload)));
}
