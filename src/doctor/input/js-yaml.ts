/**
 * js-yaml 4.x (`node_modules/js-yaml`, MIT), typed here for the part the doctor uses: the
 * loader, with a schema of the doctor's own (https://github.com/nodeca/js-yaml#api).
 * No `@types/js-yaml` is in the offline npm cache, so the types are this module's: an ambient
 * declaration would not reach ts-node nor the declarations shipped in lib/.
 *
 * js-yaml 4 rather than 3: js-yaml 3's loader always builds its `default_full` schema, whose
 * `!!js/function` type requires esprima (280 KB of JavaScript compiled on every start of the
 * CLI, whatever the input); js-yaml 4 has no JavaScript types and is safe by default.
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

/** A js-yaml type: how a tag resolves and constructs its value. */
interface JsYamlType {
  resolve(data: string): boolean;
}

interface JsYamlSchema {
  extend(definition: { readonly implicit?: readonly JsYamlType[]; readonly explicit?: readonly JsYamlType[] }): JsYamlSchema;
}

interface JsYaml {
  loadAll(input: string, iterator: null, options?: LoadOptions & { readonly schema?: JsYamlSchema }): unknown[];
  load(input: string, options?: LoadOptions & { readonly schema?: JsYamlSchema }): unknown;
  readonly CORE_SCHEMA: JsYamlSchema;
  readonly Type: new (tag: string, options: { readonly kind: 'scalar'; resolve(data: string | null): boolean; construct(data: string): unknown }) => JsYamlType;
  readonly types: Readonly<Record<'merge' | 'timestamp' | 'binary' | 'omap' | 'pairs' | 'set', JsYamlType>>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as JsYaml;

/*
 * Plain scalars resolved as Kubernetes resolves them. kubectl, Helm and the API server decode
 * YAML with sigs.k8s.io/yaml over go-yaml v2, a YAML 1.1 resolver: go-yaml v2.4.0 `resolve.go`
 * (`resolveMapList`, `resolve`). Its rules, for a plain scalar (quoted ones are always strings):
 * - a table of exact spellings: booleans `y Y yes Yes YES true True TRUE on On ON` and
 *   `n N no No NO false False FALSE off Off OFF`, nulls `'' ~ null Null NULL`, floats
 *   `.nan .NaN .NAN`, `[+-].inf .Inf .INF`;
 * - a scalar that starts with a digit or a sign: a timestamp first (see the schema below: it
 *   stays a string), else an int: `strconv.ParseInt(plain, 0, 64)` on the text with every `_`
 *   removed (Go's base 0: `0x`/`0X` hex, `0o`/`0O` and a leading `0` octal, `0b`/`0B` binary,
 *   a sign; so `0644` is 420 and `1_000` is 1000), else `ParseUint` (up to 2^64-1), else a float
 *   when `yamlStyleFloat` (`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`) matches the
 *   text without `_` (so `09`, which no octal parse takes, is the float 9);
 * - a scalar that starts with `.`: a float when Go's `strconv.ParseFloat` takes it (`.5`);
 * - anything else is a string (no base-60 numbers: resolve.go drops them on purpose).
 * YAML 1.2's core schema, which js-yaml 4 implements, reads `0644` as 644 and `yes` as a
 * string: the doctor and the retrofit would not see what the cluster sees.
 */

const GO_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const GO_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const GO_FLOAT_WORDS: ReadonlyMap<string, number> = new Map([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
]);
/** go-yaml v2 resolve.go `yamlStyleFloat`, tried on the text without `_`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** A scalar starting with `.` that Go's ParseFloat takes (Go float literal: `_` between digits). */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;
/** Go's `strconv.ParseInt(s, 0, 64)` syntax (Go 1.13+), once every `_` is removed. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** What go-yaml v2 resolves a plain scalar to when it is a number (its tag and value), or undefined. */
function goNumber(data: string): { readonly int: boolean; readonly value: number } | undefined {
  const word = GO_FLOAT_WORDS.get(data);
  if (word !== undefined) return { int: false, value: word };
  const first = data.charCodeAt(0);
  if (first === 0x2e) return DOT_FLOAT.test(data) ? { int: false, value: Number(data.replace(/_/g, '')) } : undefined;
  if (!(first >= 0x30 && first <= 0x39) && first !== 0x2b && first !== 0x2d) return undefined;
  const plain = data.replace(/_/g, '');
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, oct, bin, leadingZero, dec] = int;
    const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : oct !== undefined ? BigInt(`0o${oct}`) : bin !== undefined ? BigInt(`0b${bin}`) : leadingZero !== undefined ? BigInt(`0o${leadingZero.slice(1) || '0'}`) : BigInt(dec!);
    // ParseInt takes -2^63..2^63-1; ParseUint (no sign) up to 2^64-1; beyond, a float if the text looks like one.
    const fits = sign === '-' ? magnitude <= INT64_MAX + 1n : sign === '+' ? magnitude <= INT64_MAX : magnitude <= UINT64_MAX;
    if (fits) return { int: true, value: Number(sign === '-' ? -magnitude : magnitude) };
  }
  return YAML_STYLE_FLOAT.test(plain) ? { int: false, value: Number(plain) } : undefined;
}

const GO_BOOL = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data) => data !== null && (GO_TRUE.has(data) || GO_FALSE.has(data)),
  construct: (data) => GO_TRUE.has(data),
});

const GO_INT_TYPE = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => data !== null && goNumber(data)?.int === true,
  construct: (data) => goNumber(data)!.value,
});

const GO_FLOAT = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  // Reached for plain scalars no int took, and for `!!float` (which go-yaml also grants an int).
  resolve: (data) => data !== null && goNumber(data) !== undefined,
  construct: (data) => goNumber(data)!.value,
});

/**
 * The schema Kubernetes reads manifests with, as far as the doctor sees it: go-yaml v2's
 * resolution of plain scalars (above; js-yaml's core null type already has go-yaml's null
 * spellings), merge keys (`<<`), the explicit `!!binary`, `!!omap`, `!!pairs` and `!!set` tags
 * js-yaml's default schema knows, and no timestamp type: a scalar such as `2024-01-01` stays
 * the string it is written as (with an explicit `!!timestamp` tag too). kubectl, Helm and the
 * API server decode YAML with sigs.k8s.io/yaml (`yaml.go`: `YAMLToJSON` unmarshals into
 * `interface{}` with go-yaml v2), and go-yaml v2.4.0 `decode.go` (`scalar`, case
 * `reflect.Interface`) sets a value resolved as a timestamp "as a string, so that code that
 * unmarshals timestamp-like values into interface{} will continue to see a string and not a
 * time.Time" (`n.value`, the text as written; go-yaml v3 keeps that rule, "TODO(v4) Drop
 * this"). js-yaml's default schema would make it a `Date`, which no label, annotation or
 * selector value is. The go-yaml types take the place of core's bool, int and float (same tag:
 * js-yaml's `extend` replaces a type of the same tag where it stood).
 */
const KUBERNETES_SCHEMA = jsYaml.CORE_SCHEMA.extend({
  implicit: [GO_BOOL, GO_INT_TYPE, GO_FLOAT, jsYaml.types.merge],
  explicit: [
    new jsYaml.Type('tag:yaml.org,2002:timestamp', {
      kind: 'scalar',
      resolve: (data) => data !== null && jsYaml.types.timestamp.resolve(data),
      construct: (data) => data,
    }),
    jsYaml.types.binary,
    jsYaml.types.omap,
    jsYaml.types.pairs,
    jsYaml.types.set,
  ],
});

/** Every document of a stream, with {@link KUBERNETES_SCHEMA} (no JavaScript types, no timestamps). */
export function safeLoadAll(input: string, options?: LoadOptions): unknown[] {
  return jsYaml.loadAll(input, null, { ...options, schema: KUBERNETES_SCHEMA });
}

/** One document, with {@link KUBERNETES_SCHEMA}. */
export function safeLoad(input: string, options?: LoadOptions): unknown {
  return jsYaml.load(input, { ...options, schema: KUBERNETES_SCHEMA });
}

export function isYamlException(error: unknown): error is YAMLException {
  return error instanceof Error && error.name === 'YAMLException';
}
