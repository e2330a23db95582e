import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { isObject, own, type JsonObject } from './json';

/** A manifest file (or stdin) to read. */
export interface ManifestSource {
  /** How the source is named in reports: a file path, or `-` for stdin. */
  readonly path: string;
  /** Its text: multi-document YAML, or JSON (JSON is YAML 1.2). */
  readonly text: string;
}

/** Where an object (or one of its fields) is in the input. */
export interface SourceLocation {
  /** The file path (`-` for stdin; a URN for Pulumi resources). */
  readonly file: string;
  /** 1-based index of the YAML document in the file. */
  readonly document: number;
  /** 0-based index in the `items` of a `kind: List` document. */
  readonly item?: number;
  /** 1-based line, when the source text is known. */
  readonly line?: number;
  /** 1-based column, when the source text is known. */
  readonly column?: number;
}

/** A Kubernetes object read from the input. */
export interface ManifestObject {
  readonly object: JsonObject;
  readonly location: SourceLocation;
  /**
   * Where a field path of the object (`['spec', 'template', ...]`) is in the source: the
   * deepest part of the path that exists. `undefined` when the source text is unknown.
   */
  readonly locate?: (path: readonly (string | number)[]) => SourceLocation | undefined;
}

/** The input is not usable as manifests: unparsable YAML, or nothing but non-objects. */
export class ManifestParseError extends Error {
  override readonly name = 'ManifestParseError';

  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${detail}`);
  }
}

/** The first line of a yaml error message, without the code frame the library appends. */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/:\s*$/, '');
}

/** Finds the YAML node for a path, remembering the position of the deepest key or item found. */
function locator(doc: Document, lineCounter: LineCounter, file: string, documentIndex: number, prefix: readonly (string | number)[]) {
  return (path: readonly (string | number)[]): SourceLocation | undefined => {
    let node: unknown = doc.contents;
    let offset: number | undefined = (doc.contents as YamlNode | null)?.range?.[0];
    for (const segment of [...prefix, ...path]) {
      if (isMap(node) && typeof segment === 'string') {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === segment);
        if (!pair) break;
        offset = (pair.key as YamlNode | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = (item as YamlNode | null)?.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { file, document: documentIndex, line: pos.line, column: pos.col };
  };
}

/** Is this a Kubernetes object: a map with a string `kind`. */
function isKubernetesObject(value: unknown): value is JsonObject {
  return isObject(value) && typeof own(value, 'kind') === 'string';
}

/** `kind: List` (and `DeploymentList`, ... as `kubectl get -o yaml` prints them). */
function listItems(value: JsonObject): readonly unknown[] | undefined {
  const kind = own(value, 'kind');
  const items = own(value, 'items');
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items) ? items : undefined;
}

/**
 * Reads every Kubernetes object of a multi-document YAML or JSON text, `kind: List` items
 * included, each with its location. Documents that are empty or not Kubernetes objects are
 * skipped. Throws {@link ManifestParseError} on YAML the library cannot parse (syntax
 * errors, duplicate keys, alias bombs): the doctor does not guess around broken input.
 */
export function parseManifestText(source: ManifestSource): ManifestObject[] {
  const lineCounter = new LineCounter();
  let docs: Document[];
  try {
    // logLevel 'error': the yaml library would otherwise print warnings (collection keys…) to
    // stderr; the doctor reports what it cannot read itself.
    const parsed = parseAllDocuments(source.text, { lineCounter, logLevel: 'error' });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    throw new ManifestParseError(source.path, `cannot parse YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  const objects: ManifestObject[] = [];
  docs.forEach((doc, index) => {
    const documentIndex = index + 1;
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      throw new ManifestParseError(source.path, `invalid YAML in document ${documentIndex}: ${firstLine(error.message)}`, pos?.line, pos?.col);
    }
    let value: unknown;
    try {
      // maxAliasCount guards against "billion laughs" documents (the library's default is 100).
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      throw new ManifestParseError(source.path, `cannot read document ${documentIndex}: ${firstLine(cause instanceof Error ? cause.message : String(cause))}`);
    }
    const push = (object: unknown, prefix: readonly (string | number)[], item?: number): void => {
      if (!isKubernetesObject(object)) return;
      const locate = locator(doc, lineCounter, source.path, documentIndex, prefix);
      const start = locate([]);
      objects.push({
        object,
        location: { file: source.path, document: documentIndex, ...(item !== undefined && { item }), ...(start?.line !== undefined && { line: start.line, column: start.column }) },
        locate: (path) => {
          const found = locate(path);
          return found && item !== undefined ? { ...found, item } : found;
        },
      });
    };
    if (!isObject(value)) return;
    const items = listItems(value);
    if (items) items.forEach((item, i) => push(item, ['items', i], i));
    else push(value, []);
  });
  return objects;
}

/**
 * Objects that are already parsed (cdk8s `toJson()`, Pulumi resource inputs): `kind: List`
 * expanded, non-objects skipped, located by `file` and position.
 */
export function manifestObjects(values: readonly unknown[], file: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  values.forEach((value, index) => {
    if (!isObject(value)) return;
    const items = listItems(value);
    const push = (object: unknown, item?: number): void => {
      if (isKubernetesObject(object)) objects.push({ object, location: { file, document: index + 1, ...(item !== undefined && { item }) } });
    };
    if (items) items.forEach((item, i) => push(item, i));
    else push(value);
  });
  return objects;
}
