/** JSON values as Step Functions passes them between states. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns an arbitrary value (a Lambda result, an SDK output) into the JSON a state would see:
 * Dates become ISO strings, byte arrays base64, undefined members disappear — what a JSON
 * round trip through the real service does.
 */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJson(item)));
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'object': {
      const withToJson = value as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === 'function') return toJson(withToJson.toJSON());
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined && typeof item !== 'function') out[key] = toJson(item);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Parses JSON text, or returns undefined when it is not valid JSON. */
export function parseJson(text: string): Json | undefined {
  try {
    return toJson(JSON.parse(text));
  } catch {
    return undefined;
  }
}
