/** Items as the original TEAM's DynamoDB tables hold them, and as `aws dynamodb scan` prints them. */

/** DynamoDB JSON of a plain value, as `aws dynamodb scan` prints items. */
export function marshal(value: unknown): Record<string, unknown> {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshal) };
  return { M: item(value as Record<string, unknown>) };
}
export const item = (plain: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, marshal(v)]));
export const scan = (items: Record<string, unknown>[]) => ({
  Items: items.map(item),
  Count: items.length,
  ScannedCount: items.length,
  ConsumedCapacity: null,
});
