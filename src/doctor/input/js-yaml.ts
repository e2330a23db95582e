/**
 * js-yaml 3.x (`node_modules/js-yaml`, MIT), typed here for the part the doctor uses: the safe
 * loader and dumper (https://github.com/nodeca/js-yaml/tree/3.x#api). No `@types/js-yaml` is in
 * the offline npm cache, so the types are this module's: an ambient declaration would not
 * reach ts-node nor the declarations shipped in lib/.
 */

/** A position in the input: 0-based line and column, character offset. */
export interface Mark {
  readonly name: string | null;
  readonly position: number;
  readonly line: number;
  readonly column: number;
}

/** What js-yaml throws on input it cannot load (`name` is `YAMLException`). */
export interface YAMLException extends Error {
  readonly reason: string;
  readonly mark?: Mark;
}

/** The loader's state as its `listener` sees it. */
export interface LoaderState {
  readonly position: number;
  readonly line: number;
  readonly lineStart: number;
  readonly kind: 'scalar' | 'mapping' | 'sequence' | null;
  readonly result: unknown;
}

export interface LoadOptions {
  readonly filename?: string;
  /** Duplicate keys override earlier ones instead of failing (JSON.parse's rule). */
  readonly json?: boolean;
  /** Called when the loader opens and closes every node. */
  readonly listener?: (event: 'open' | 'close', state: LoaderState) => void;
}

export interface DumpOptions {
  readonly indent?: number;
  /** -1: never fold long lines. */
  readonly lineWidth?: number;
  readonly noRefs?: boolean;
  readonly sortKeys?: boolean;
}

interface JsYaml {
  safeLoadAll(input: string, iterator: null, options?: LoadOptions): unknown[];
  safeLoad(input: string, options?: LoadOptions): unknown;
  safeDump(value: unknown, options?: DumpOptions): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as JsYaml;

/** Every document of a stream, with the safe schema (no JavaScript types). */
export function safeLoadAll(input: string, options?: LoadOptions): unknown[] {
  return jsYaml.safeLoadAll(input, null, options);
}

/** One document, with the safe schema. */
export function safeLoad(input: string, options?: LoadOptions): unknown {
  return jsYaml.safeLoad(input, options);
}

/** Block-style YAML of plain data; strings that would read as another type are quoted. */
export function safeDump(value: unknown, options?: DumpOptions): string {
  return jsYaml.safeDump(value, options);
}

export function isYamlException(error: unknown): error is YAMLException {
  return error instanceof Error && error.name === 'YAMLException';
}
