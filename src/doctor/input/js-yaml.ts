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

/**
 * The schema Kubernetes reads manifests with, as far as the doctor sees it: YAML's core schema
 * (null, booleans, integers, floats), merge keys (`<<`), the explicit `!!binary`, `!!omap`,
 * `!!pairs` and `!!set` tags js-yaml's default schema knows, and no timestamp type: a scalar
 * such as `2024-01-01` stays the string it is written as (with an explicit `!!timestamp` tag
 * too). kubectl, Helm and the API server decode YAML with sigs.k8s.io/yaml (`yaml.go`:
 * `YAMLToJSON` unmarshals into `interface{}` with go-yaml v2), and go-yaml v2 `decode.go`
 * (`scalar`, case `reflect.Interface`) sets a value resolved as a timestamp "as a string, so
 * that code that unmarshals timestamp-like values into interface{} will continue to see a
 * string and not a time.Time" (go-yaml v3 keeps that rule, "TODO(v4) Drop this"). js-yaml's
 * default schema would make it a `Date`, which no label, annotation or selector value is.
 */
const KUBERNETES_SCHEMA = jsYaml.CORE_SCHEMA.extend({
  implicit: [jsYaml.types.merge],
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
