/**
 * The part of js-yaml 3.x (`node_modules/js-yaml`, MIT) the doctor uses: the safe loader and
 * dumper. No `@types/js-yaml` is in the offline npm cache, so this is a local declaration of
 * the documented API (https://github.com/nodeca/js-yaml/tree/3.x#api).
 */
declare module 'js-yaml' {
  /** A position in the input: 0-based line and column, character offset. */
  export interface Mark {
    readonly name: string | null;
    readonly position: number;
    readonly line: number;
    readonly column: number;
  }

  export class YAMLException extends Error {
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
    readonly onWarning?: (warning: YAMLException) => void;
  }

  export interface DumpOptions {
    readonly indent?: number;
    readonly noArrayIndent?: boolean;
    readonly skipInvalid?: boolean;
    /** -1: never fold long lines. */
    readonly lineWidth?: number;
    readonly noRefs?: boolean;
    readonly noCompatMode?: boolean;
    readonly sortKeys?: boolean;
  }

  export function safeLoadAll(input: string, iterator: (document: unknown) => void, options?: LoadOptions): void;
  export function safeLoadAll(input: string, iterator: undefined | null, options?: LoadOptions): unknown[];
  export function safeLoad(input: string, options?: LoadOptions): unknown;
  export function safeDump(value: unknown, options?: DumpOptions): string;
}
