/**
 * Items read from an original TEAM deployment's DynamoDB tables, as `aws dynamodb scan` prints
 * them (DynamoDB JSON: `{"id": {"S": "…"}}`) or as plain JSON objects: both read the same.
 */

export type Item = Record<string, unknown>;

const DESCRIPTORS = new Set(['S', 'N', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS', 'B']);

export const isObject = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{"S": "x"}`, `{"N": "1"}`, …: one DynamoDB attribute value. */
function isAttributeValue(value: unknown): value is Item {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && DESCRIPTORS.has(keys[0] ?? '');
}

/** A plain value from a DynamoDB attribute value (binary values stay base64 text). */
function unmarshal(value: Item): unknown {
  const [type = '', inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
    case 'B':
      return inner;
    case 'N':
      return typeof inner === 'string' ? Number(inner) : inner;
    case 'BOOL':
      return inner;
    case 'NULL':
      return null;
    case 'L':
      return Array.isArray(inner) ? inner.map((v) => (isAttributeValue(v) ? unmarshal(v) : v)) : [];
    case 'M':
      return isObject(inner) ? plainItem(inner) : {};
    case 'SS':
    case 'BS':
      return Array.isArray(inner) ? [...inner] : [];
    case 'NS':
      return Array.isArray(inner) ? inner.map((v) => Number(v)) : [];
    default:
      return inner;
  }
}

/** An item as plain values, whether it came as DynamoDB JSON or plain JSON. */
export function plainItem(item: Item): Item {
  const values = Object.values(item);
  if (values.length === 0 || !values.every(isAttributeValue)) return item;
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, unmarshal(v as Item)]));
}

export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
