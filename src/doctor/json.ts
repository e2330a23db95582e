/**
 * Safe reads of untrusted manifest data. The doctor reads whatever YAML it is given, so no
 * field is trusted to exist or to have the right type: every read goes through these
 * helpers, which return `undefined` instead of throwing.
 */

/** A plain object as parsed from YAML or JSON. */
export type JsonObject = { readonly [key: string]: unknown };

/** A plain object (not an array, not a `Map`/`Set` from a `!!omap`/`!!set` tag, not null). */
export function isObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own property (never one inherited from `Object.prototype`, such as `__proto__` or `constructor`). */
export function own(object: JsonObject | undefined, key: string): unknown {
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** The value at a path of own properties. */
export function at(object: unknown, ...path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = own(current, key);
  }
  return current;
}

export function objectAt(object: unknown, ...path: readonly string[]): JsonObject | undefined {
  const value = at(object, ...path);
  return isObject(value) ? value : undefined;
}

export function stringAt(object: unknown, ...path: readonly string[]): string | undefined {
  const value = at(object, ...path);
  return typeof value === 'string' ? value : undefined;
}

export function arrayAt(object: unknown, ...path: readonly string[]): readonly unknown[] | undefined {
  const value = at(object, ...path);
  return Array.isArray(value) ? value : undefined;
}

/** The plain objects of an array (anything else in it is skipped). */
export function objectsAt(object: unknown, ...path: readonly string[]): JsonObject[] {
  return (arrayAt(object, ...path) ?? []).filter(isObject);
}

/**
 * A `map[string]string` such as labels or annotations. Kubernetes rejects non-string values;
 * numbers and booleans are kept as their text so that matching stays lenient, anything else
 * is dropped.
 */
export function stringMapAt(object: unknown, ...path: readonly string[]): Record<string, string> {
  const value = at(object, ...path);
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === 'string') result[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') result[key] = String(v);
  }
  return result;
}

/** How a read of a whole-number field went: unset, a valid integer, or present but unusable. */
export type IntRead = { readonly kind: 'unset' } | { readonly kind: 'int'; readonly value: number } | { readonly kind: 'invalid'; readonly raw: unknown };

/** Reads an integer field; a string such as `"45"` is invalid (the API server rejects it). */
export function readInt(value: unknown): IntRead {
  if (value === undefined || value === null) return { kind: 'unset' };
  if (typeof value === 'number' && Number.isInteger(value)) return { kind: 'int', value };
  return { kind: 'invalid', raw: value };
}

/** An `IntOrString` such as a port or `maxUnavailable`. */
export function intOrString(value: unknown): number | string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

/** `45`, `"45"` (a string), `an object`: how a bad value is named in a note. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value === 'object' ? 'map' : typeof value}`;
}
