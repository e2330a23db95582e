/**
 * The smallest RFC 6902 patch that turns one JSON document into another, for `retrofit` to
 * write the retrofit layer's result back onto an `ApiObject` (`addJsonPatch`) without
 * replacing what it did not change: a chart's field the plan does not own is never
 * rewritten, so a later `addJsonPatch` of the user's, or a lazy value, still lands on it.
 *
 * Framework-free on purpose (plain operations, no cdk8s types): ./retrofit.ts maps them onto
 * `JsonPatch.add/replace/remove`, and the tests apply them with cdk8s' own `JsonPatch.apply`.
 */
import { isDeepStrictEqual } from 'node:util';

/** One RFC 6902 operation (only the three a diff needs). */
export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One JSON Pointer reference token (RFC 6901 §3): `~` is written `~0` and `/` is written
 * `~1`, so an annotation key such as `grpc-drain.dev/budget` stays one token.
 * @see https://www.rfc-editor.org/rfc/rfc6901#section-3
 */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Operations that, applied in order to `before`, give `after` (both plain JSON: objects,
 * arrays, strings, numbers, booleans, null). Objects are compared key by key; arrays are
 * aligned on their longest common subsequence of equal elements, and an element changed in
 * place (a container that gained a preStop) is patched inside rather than replaced. The
 * documents themselves are never modified; values in the operations are the `after` values.
 */
export function diffJson(before: unknown, after: unknown): JsonPatchOperation[] {
  if (!isObject(before) || !isObject(after)) {
    throw new TypeError('diffJson compares two JSON objects (a Kubernetes object each).');
  }
  const operations: JsonPatchOperation[] = [];
  diffObjects('', before, after, operations);
  return operations;
}

function diffValues(path: string, before: unknown, after: unknown, operations: JsonPatchOperation[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isObject(before) && isObject(after)) diffObjects(path, before, after, operations);
  else if (Array.isArray(before) && Array.isArray(after)) diffArrays(path, before, after, operations);
  else operations.push({ op: 'replace', path, value: after });
}

function diffObjects(path: string, before: JsonObject, after: JsonObject, operations: JsonPatchOperation[]): void {
  for (const key of Object.keys(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) operations.push({ op: 'remove', path: `${path}/${pointerToken(key)}` });
  }
  for (const [key, value] of Object.entries(after)) {
    const child = `${path}/${pointerToken(key)}`;
    if (!Object.prototype.hasOwnProperty.call(before, key)) operations.push({ op: 'add', path: child, value });
    else diffValues(child, before[key], value, operations);
  }
}

/** Pairs of indexes (before, after) of a longest common subsequence of equal elements. */
function commonSubsequence(before: readonly unknown[], after: readonly unknown[]): Array<[number, number]> {
  // Manifest arrays are short (containers, env, ports): the O(n·m) table is cheap and exact.
  const rows = before.length + 1;
  const columns = after.length + 1;
  const lengths = new Array<number>(rows * columns).fill(0);
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      lengths[i * columns + j] = isDeepStrictEqual(before[i], after[j])
        ? lengths[(i + 1) * columns + j + 1] + 1
        : Math.max(lengths[(i + 1) * columns + j], lengths[i * columns + j + 1]);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (isDeepStrictEqual(before[i], after[j])) pairs.push([i++, j++]);
    else if (lengths[(i + 1) * columns + j] >= lengths[i * columns + j + 1]) i++;
    else j++;
  }
  return pairs;
}

/**
 * Between two kept elements, the dropped and the inserted ones: as many as possible are
 * paired and patched in place (the same container, changed), the rest removed or added.
 * `index` walks the array as the operations so far have left it.
 */
function diffArrays(path: string, before: readonly unknown[], after: readonly unknown[], operations: JsonPatchOperation[]): void {
  let index = 0;
  let i = 0;
  let j = 0;
  for (const [keptBefore, keptAfter] of [...commonSubsequence(before, after), [before.length, after.length] as [number, number]]) {
    const dropped = keptBefore - i;
    const inserted = keptAfter - j;
    const paired = Math.min(dropped, inserted);
    for (let k = 0; k < paired; k++) diffValues(`${path}/${index++}`, before[i + k], after[j + k], operations);
    for (let k = paired; k < dropped; k++) operations.push({ op: 'remove', path: `${path}/${index}` });
    for (let k = paired; k < inserted; k++) operations.push({ op: 'add', path: `${path}/${index++}`, value: after[j + k] });
    i = keptBefore + 1;
    j = keptAfter + 1;
    index++; // the kept element
  }
}
