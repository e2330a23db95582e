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

/** go-yaml v2 resolve.go `yamlStyleFloat`, tried on the text without `_`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** A scalar starting with `.` that Go's ParseFloat takes (Go float literal: `_` between digits). */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;
/** Go's `strconv.ParseInt(s, 0, 64)` syntax (Go 1.13+), once every `_` is removed. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The tag go-yaml v2 gives a plain scalar ({@link resolveTag}); its value is left in {@link resolvedValue}. */
const STR = 0;
const NULL = 1;
const BOOL = 2;
const INT = 3;
const FLOAT = 4;
type GoTag = typeof STR | typeof NULL | typeof BOOL | typeof INT | typeof FLOAT;

/** The value of the last {@link resolveTag}: a module variable, so that resolving a scalar allocates nothing. */
let resolvedValue: unknown;

/**
 * The null and boolean spellings of go-yaml v2 (resolve.go `resolveMapList`: YAML 1.1's
 * y/yes/on/true, n/no/off/false in lower, capitalised and upper case; null). A map rather than a
 * `switch` on strings: that switch made resolveTag's TurboFan compile (on a V8 worker thread of
 * the doctor's process) about as costly as the reader's own hot functions.
 */
const WORDS = new Map<string, boolean | null>([
  ...['null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
]);

/**
 * go-yaml v2's resolution of a plain scalar: its tag, with its value in {@link resolvedValue}.
 * The first character decides which spellings can apply (resolve.go's own `resolveTable` hint),
 * so that an ordinary string (`apps/v1`, `nginx`) costs one comparison, or a length test when it
 * starts with a letter that begins a boolean or null spelling.
 */
function resolveTag(text: string): GoTag {
  const first = text.charCodeAt(0);
  switch (first) {
    case 0x7e: // ~
      return text.length === 1 ? ((resolvedValue = null), NULL) : ((resolvedValue = text), STR);
    case 0x6e: // n
    case 0x4e: // N
    case 0x79: // y
    case 0x59: // Y
    case 0x74: // t
    case 0x54: // T
    case 0x66: // f
    case 0x46: // F
    case 0x6f: // o
    case 0x4f: // O
      if (text.length <= 5) {
        const word = WORDS.get(text);
        if (word !== undefined) {
          resolvedValue = word;
          return word === null ? NULL : BOOL;
        }
      }
      resolvedValue = text;
      return STR;
    case 0x2e: // .
    case 0x2b: // +
    case 0x2d: // -
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39:
      return resolveNumber(text, first);
    default:
      // resolve.go: "" is null (reached only through an explicit tag: a plain scalar is never empty).
      if (text.length === 0) {
        resolvedValue = null;
        return NULL;
      }
      resolvedValue = text;
      return STR;
  }
}

/** {@link resolveTag} for a scalar that starts with a digit, a sign or `.`. */
function resolveNumber(text: string, first: number): GoTag {
  // The common case, a decimal integer without a leading zero (`8080`, `10001`) or `0`, without regex or allocation.
  const length = text.length;
  if (first === 0x30 && length === 1) {
    resolvedValue = 0;
    return INT;
  }
  if (first >= 0x31 && first <= 0x39 && length <= 15) {
    let value = first - 0x30;
    let i = 1;
    for (; i < length; i += 1) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
    }
    if (i === length) {
      resolvedValue = value;
      return INT;
    }
  }
  // A character no number has (`250m`, `256Mi`, an image name): a string, without the regexes below.
  for (let i = 1; i < length; i += 1) {
    const c = text.charCodeAt(i) | 0x20; // letters in lower case, `_` as 0x7f
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || c === 0x78 || c === 0x6f || c === 0x7f || c === 0x2e || c === 0x2b || c === 0x2d)) {
      // `.inf` and `.nan` (and their signed and capitalised forms) have such a character.
      if (length <= 5 && (first === 0x2e || text.charCodeAt(1) === 0x2e)) return resolveNumberRest(text, first);
      resolvedValue = text;
      return STR;
    }
  }
  return resolveNumberRest(text, first);
}

/**
 * {@link resolveNumber} for what may be a float, an integer in another base or with `_`, or one
 * of `.inf` / `.nan`. A function of its own: the doctor's reader calls resolveNumber for every
 * plain scalar that starts with a digit, and the switch, regexes and BigInt here made its
 * TurboFan compile (on a V8 worker thread, counted in the CLI's CPU) several times larger.
 */
function resolveNumberRest(text: string, first: number): GoTag {
  switch (text) {
    case '.nan':
    case '.NaN':
    case '.NAN':
      resolvedValue = NaN;
      return FLOAT;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      resolvedValue = Infinity;
      return FLOAT;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      resolvedValue = -Infinity;
      return FLOAT;
  }
  if (first === 0x2e) {
    if (!DOT_FLOAT.test(text)) return (resolvedValue = text), STR;
    resolvedValue = Number(text.replace(/_/g, ''));
    return FLOAT;
  }
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, oct, bin, leadingZero, dec] = int;
    const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : oct !== undefined ? BigInt(`0o${oct}`) : bin !== undefined ? BigInt(`0b${bin}`) : leadingZero !== undefined ? BigInt(`0o${leadingZero.slice(1) || '0'}`) : BigInt(dec!);
    // ParseInt takes -2^63..2^63-1; ParseUint (no sign) up to 2^64-1; beyond, a float if the text looks like one.
    const fits = sign === '-' ? magnitude <= INT64_MAX + 1n : sign === '+' ? magnitude <= INT64_MAX : magnitude <= UINT64_MAX;
    if (fits) {
      resolvedValue = Number(sign === '-' ? -magnitude : magnitude);
      return INT;
    }
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    resolvedValue = Number(plain);
    return FLOAT;
  }
  resolvedValue = text;
  return STR;
}

/**
 * The value go-yaml v2 (so Kubernetes) gives a plain scalar: `null`, a boolean, a number or the
 * text itself (the very string passed in). The one definition of the rules above: the js-yaml
 * schema's types below and the doctor's fast reader (`block-yaml.ts`) both call it.
 */
export function resolvePlain(text: string): unknown {
  resolveTag(text);
  return resolvedValue;
}

/*
 * js-yaml asks each implicit type in turn whether it `resolve`s a plain scalar, then the one that
 * does to `construct` it, always with the same string: the last resolution is kept so that the
 * text is classified once, whichever type asks.
 */
let lastText: string | undefined;
let lastTag: GoTag = STR;
let lastValue: unknown;

function tagOf(data: string): GoTag {
  if (data !== lastText) {
    lastTag = resolveTag(data);
    lastValue = resolvedValue;
    lastText = data;
  }
  return lastTag;
}

function valueOf(data: string): unknown {
  tagOf(data);
  return lastValue;
}

const GO_NULL = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  // `data` is null for a node with no content (`key:`, or an explicit `!!null` alone).
  resolve: (data) => data === null || tagOf(data) === NULL,
  construct: () => null,
});

const GO_BOOL = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data) => data !== null && tagOf(data) === BOOL,
  construct: valueOf,
});

const GO_INT_TYPE = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => data !== null && tagOf(data) === INT,
  construct: valueOf,
});

const GO_FLOAT = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  // Reached for plain scalars no int took, and for `!!float` (which go-yaml also grants an int).
  resolve: (data) => {
    if (data === null) return false;
    const tag = tagOf(data);
    return tag === FLOAT || tag === INT;
  },
  construct: valueOf,
});

/**
 * The schema Kubernetes reads manifests with, as far as the doctor sees it: go-yaml v2's
 * resolution of plain scalars (above, {@link resolvePlain}), merge keys (`<<`), the explicit `!!binary`, `!!omap`, `!!pairs` and `!!set` tags
 * js-yaml's default schema knows, and no timestamp type: a scalar such as `2024-01-01` stays
 * the string it is written as (with an explicit `!!timestamp` tag too). kubectl, Helm and the
 * API server decode YAML with sigs.k8s.io/yaml (`yaml.go`: `YAMLToJSON` unmarshals into
 * `interface{}` with go-yaml v2), and go-yaml v2.4.0 `decode.go` (`scalar`, case
 * `reflect.Interface`) sets a value resolved as a timestamp "as a string, so that code that
 * unmarshals timestamp-like values into interface{} will continue to see a string and not a
 * time.Time" (`n.value`, the text as written; go-yaml v3 keeps that rule, "TODO(v4) Drop
 * this"). js-yaml's default schema would make it a `Date`, which no label, annotation or
 * selector value is. The go-yaml types take the place of core's null, bool, int and float (same tag:
 * js-yaml's `extend` replaces a type of the same tag where it stood).
 */
const KUBERNETES_SCHEMA = jsYaml.CORE_SCHEMA.extend({
  implicit: [GO_NULL, GO_BOOL, GO_INT_TYPE, GO_FLOAT, jsYaml.types.merge],
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
