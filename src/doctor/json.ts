/**
 * Safe reads of untrusted manifest data. The doctor reads whatever YAML it is given, so no
 * field is trusted to exist or to have the right type: every read goes through these
 * helpers, which return `undefined` instead of throwing.
 */

/** A readonly type's object while it is built, member by member. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A plain object as parsed from YAML or JSON. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * A plain object (not an array, not a `Map`/`Set` from a `!!omap`/`!!set` tag, not null), of
 * this realm or another (an object made in a `vm` context or by jest's `structuredClone` has
 * that realm's `Object.prototype`: its prototype has none, and is no class's).
 */
export function isObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || isOtherRealmObjectPrototype(proto);
}

function isOtherRealmObjectPrototype(proto: unknown): boolean {
  if (typeof proto !== 'object' || proto === null || Object.getPrototypeOf(proto) !== null) return false;
  const constructor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  return typeof constructor === 'function' && constructor.name === 'Object' && Object.getOwnPropertyDescriptor(constructor, 'prototype')?.value === proto;
}

/** An own property (never one inherited from `Object.prototype`, such as `__proto__` or `constructor`). */
export function own(object: JsonObject | undefined, key: string): unknown {
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * The value at a path of own properties (up to four keys: the deepest the doctor reads).
 * Fixed parameters rather than a rest array: these run for every field of every object.
 */
export function at(object: unknown, k1: string, k2?: string, k3?: string, k4?: string): unknown {
  if (!isObject(object)) return undefined;
  let current = own(object, k1);
  if (k2 === undefined) return current;
  if (!isObject(current)) return undefined;
  current = own(current, k2);
  if (k3 === undefined) return current;
  if (!isObject(current)) return undefined;
  current = own(current, k3);
  if (k4 === undefined) return current;
  if (!isObject(current)) return undefined;
  return own(current, k4);
}

export function objectAt(object: unknown, k1: string, k2?: string, k3?: string, k4?: string): JsonObject | undefined {
  const value = at(object, k1, k2, k3, k4);
  return isObject(value) ? value : undefined;
}

export function stringAt(object: unknown, k1: string, k2?: string, k3?: string, k4?: string): string | undefined {
  const value = at(object, k1, k2, k3, k4);
  return typeof value === 'string' ? value : undefined;
}

export function arrayAt(object: unknown, k1: string, k2?: string, k3?: string, k4?: string): readonly unknown[] | undefined {
  const value = at(object, k1, k2, k3, k4);
  return Array.isArray(value) ? value : undefined;
}

/** The plain objects of an array (anything else in it is skipped). */
export function objectsAt(object: unknown, k1: string, k2?: string, k3?: string, k4?: string): JsonObject[] {
  const array = arrayAt(object, k1, k2, k3, k4);
  return array ? array.filter(isObject) : [];
}

/**
 * A `map[string]string` such as labels or annotations. Kubernetes rejects non-string values;
 * numbers and booleans are kept as their text so that matching stays lenient, anything else
 * is dropped.
 */
export function stringMapAt(object: unknown, k1?: string, k2?: string, k3?: string, k4?: string): Record<string, string> {
  const value = k1 === undefined ? object : at(object, k1, k2, k3, k4);
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
