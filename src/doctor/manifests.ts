import { fastLoadWithPositions, fastRead, type FastRead } from './input/block-yaml';
import { isYamlException, safeLoadAll } from './input/js-yaml';
import { splitDocuments, type DocumentChunk } from './input/documents';
import { DocumentLocator, type FieldPath } from './input/locate';
import { at, isObject, own, type JsonObject } from './json';

/**
 * Reading manifests the way Kubernetes and Helm do (both decode YAML with sigs.k8s.io/yaml, a
 * fork of go-yaml v2, non-strict): merge keys (`<<`) are honoured, a key given twice keeps its
 * last value (reported as a note: `kubectl apply` with field validation Strict rejects such an
 * object, Helm applies the last value), and one broken document or file does not stop the
 * others from being read.
 *
 * Speed: the block-style YAML that charts and kustomize print is read by a one-pass reader
 * (`fastLoad`, input/block-yaml.ts), and everything it gives up on by js-yaml's loader (several
 * times faster than the position-aware `yaml` library), with the same go-yaml v2 resolution;
 * positions are worked out only for the fields a finding points at ({@link DocumentLocator}).
 */

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

/** The text of the YAML document an object was read from, for tools that edit it in place. */
export interface DocumentSpan {
  readonly file: string;
  /** 1-based index of the document in the file. */
  readonly document: number;
  /** Offset of the document's text in the file's text (after a byte-order mark). */
  readonly start: number;
  /** 1-based line where the document's text starts. */
  readonly line: number;
  readonly text: string;
}

/** A Kubernetes object read from the input. */
export interface ManifestObject {
  readonly object: JsonObject;
  readonly location: SourceLocation;
  /**
   * Where a field path of the object (`['spec', 'template', ...]`) is in the source: the
   * deepest part of the path that exists. `undefined` when the source text is unknown.
   */
  readonly locate?: (path: FieldPath) => SourceLocation | undefined;
  /** The document it comes from, when it was read from text. */
  readonly span?: DocumentSpan;
  /**
   * The whole object, read again from its document, when `object` was kept reduced
   * ({@link ReadOptions.readOnDemand}); otherwise `object` itself. Not cached: the caller keeps it.
   */
  whole?(): JsonObject;
}

/** Part of the input that could not be used, and why. */
export interface InputProblem {
  readonly file: string;
  /** The document, when only it is unusable (the rest of the file was read). */
  readonly document?: number;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** Something about the input the reader worked around, with where it is. */
export interface InputNote {
  readonly location: SourceLocation;
  readonly message: string;
}

/** What one source gave. */
export interface ReadManifests {
  readonly objects: ManifestObject[];
  readonly problems: InputProblem[];
  readonly notes: InputNote[];
  /** YAML documents in the source (empty ones included). */
  readonly documents: number;
}

/** The input is not usable as manifests (thrown by the strict {@link parseManifestText}). */
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

/** Is this a Kubernetes object: a map with a string `kind`. */
function isKubernetesObject(value: unknown): value is JsonObject {
  return isObject(value) && typeof own(value, 'kind') === 'string';
}

/** `kind: List` (and `DeploymentList`, ... as `kubectl get -o yaml` prints them). */
export function listItems(value: JsonObject): readonly unknown[] | undefined {
  const kind = own(value, 'kind');
  const items = own(value, 'items');
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items) ? items : undefined;
}

/**
 * Aliases beyond this count in one document make it unusable, as go-yaml v2 refuses
 * "excessive aliasing" (its guard against alias bombs, yaml.v2 ≥ 2.2.8 `decode.go`); js-yaml
 * would share the nodes instead, so the guard is applied here.
 */
const MAX_ALIASES = 100;
const ALIAS = /(?:^|[\s[{,:-])\*[^\s[\]{},]/g;

/** Duplicate keys of a document, from the position-aware parser (the slow path, taken only for them). */
function duplicateKeys(chunk: DocumentChunk): Duplicate[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(chunk.text, { uniqueKeys: true, merge: true, lineCounter, logLevel: 'silent' });
  return doc.errors
    .filter((error) => error.code === 'DUPLICATE_KEY')
    .map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      // The key as written: from its first character to the `:` that ends it.
      const rest = chunk.text.slice(error.pos[0], chunk.text.indexOf('\n', error.pos[0]) >>> 0);
      const key = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#]*?)\s*:/.exec(rest)?.[1]?.trim() ?? rest.trim();
      return { line: chunk.line + pos.line - 1, column: pos.col, key };
    });
}

interface Duplicate {
  readonly line: number;
  readonly column: number;
  readonly key: string;
}

/** A chunk's values; `fast` when the fast reader read it (what it recorded of the positions). */
type ChunkRead = { readonly values: unknown[]; readonly duplicates: Duplicate[]; readonly fast?: FastRead } | { readonly error: InputProblem };

/** Why a chunk cannot be read (a function, not a closure made for every chunk read). */
function chunkProblem(file: string, chunk: DocumentChunk, error: unknown): InputProblem {
  if (isYamlException(error) && error.mark) {
    return { file, document: chunk.index, line: chunk.line + error.mark.line, column: error.mark.column + 1, message: `document ${chunk.index} is not valid YAML (${error.reason}), so it is skipped` };
  }
  return { file, document: chunk.index, line: chunk.line, message: `document ${chunk.index} cannot be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}), so it is skipped` };
}

function readChunk(file: string, chunk: DocumentChunk): ChunkRead {
  const aliases = chunk.text.includes('*') ? (chunk.text.match(ALIAS)?.length ?? 0) : 0;
  if (aliases > MAX_ALIASES) {
    return { error: { file, document: chunk.index, line: chunk.line, message: `document ${chunk.index} uses ${aliases} aliases; Kubernetes' YAML decoder refuses more than ${MAX_ALIASES} (excessive aliasing), so this document is skipped` } };
  }
  try {
    // The block-style subset most manifests are written in is read without js-yaml; the rest by js-yaml.
    const fast = fastRead(chunk.text);
    return fast ? { values: fast.values, duplicates: [], fast } : { values: safeLoadAll(chunk.text, { filename: file }), duplicates: [] };
  } catch (error) {
    if (!isYamlException(error) || !/duplicated mapping key/.test(error.reason)) return { error: chunkProblem(file, chunk, error) };
  }
  // Duplicate keys: the last value wins, as in Helm and kubectl (go-yaml v2, non-strict).
  try {
    const values = safeLoadAll(chunk.text, { filename: file, json: true });
    return { values, duplicates: duplicateKeys(chunk) };
  } catch (error) {
    return { error: chunkProblem(file, chunk, error) };
  }
}

/**
 * An object read from text. Its location is worked out only when asked for (most objects
 * never appear in a report), through its document's locator; a class rather than closures,
 * since a large input holds thousands.
 */
class TextManifestObject implements ManifestObject {
  private start: SourceLocation | undefined;

  constructor(
    readonly object: JsonObject,
    readonly span: DocumentSpan,
    private readonly locator: DocumentLocator,
    /** Index in a `kind: List`'s items. */
    private readonly item: number | undefined,
    /**
     * Index of the value among its document's values when `object` is reduced and {@link whole}
     * reads it again; -1 when `object` is whole (a number either way: one field representation
     * for every object, so V8 does not throw away the code that builds them).
     */
    private readonly reduced: number,
  ) {}

  whole(): JsonObject {
    if (this.reduced < 0) return this.object;
    const span = this.span;
    // The document was read once already: the same reader reads it the same way again. The fast
    // reader also records where each field starts, which is what the findings about this
    // workload are located by.
    const fast = fastLoadWithPositions(span.text);
    if (fast?.positions) this.locator.usePositions(fast.positions);
    const read = fast ?? readChunk(span.file, { index: span.document, start: span.start, line: span.line, text: span.text });
    const value = 'values' in read ? read.values[this.reduced] : undefined;
    const whole = this.item === undefined ? value : isObject(value) ? listItems(value)?.[this.item] : undefined;
    return isKubernetesObject(whole) ? whole : this.object;
  }

  get location(): SourceLocation {
    this.start ??= this.locate([]) ?? { file: this.span.file, document: this.span.document, ...(this.item !== undefined && { item: this.item }) };
    return this.start;
  }

  locate(path: FieldPath): SourceLocation | undefined {
    const found = this.locator.locate(this.item !== undefined ? ['items', this.item, ...path] : path);
    if (!found) return undefined;
    return this.item !== undefined
      ? { file: this.span.file, document: this.span.document, item: this.item, line: found.line, column: found.column }
      : { file: this.span.file, document: this.span.document, line: found.line, column: found.column };
  }
}

/** How {@link readManifestText} keeps what it parsed. */
export interface ReadOptions {
  /**
   * Kinds whose objects are kept whole (default: all). Any other object keeps only its
   * identity (`apiVersion`, `kind`, `metadata.name` and `metadata.namespace` when they are
   * strings) so that its tree can be collected as soon as its document is read: a chart's
   * CRDs, ConfigMaps and Secrets are most of its bytes and the doctor reads none of them.
   * Every document is still parsed, so what is not valid YAML is still reported.
   */
  readonly keepWhole?: (kind: string) => boolean;
  /**
   * Kinds (Deployments and StatefulSets, for the doctor) whose objects keep their identity and
   * their pod template's labels and annotations (what pairing reads of every workload), and
   * whose whole object {@link ManifestObject.whole} reads again from the document when one is
   * paired: most workloads of a large input sit behind no load balancer, and none needs its
   * tree kept from the first read to the last. Takes precedence over `keepWhole`.
   */
  readonly readOnDemand?: (kind: string) => boolean;
}

/** An object reduced to the fields that tell it apart (see {@link ReadOptions.keepWhole}). */
function identityOf(object: JsonObject): JsonObject {
  const metadata = own(object, 'metadata');
  const apiVersion = own(object, 'apiVersion');
  // Member by member, not as a literal of conditional spreads (which V8 11 builds with a runtime
  // call per member: 10–20 µs an object, and this runs for most objects of a large input).
  const identity: Record<string, unknown> = {};
  if (typeof apiVersion === 'string') identity['apiVersion'] = apiVersion;
  identity['kind'] = own(object, 'kind');
  if (isObject(metadata)) {
    const kept: Record<string, unknown> = {};
    const name = own(metadata, 'name');
    const namespace = own(metadata, 'namespace');
    if (typeof name === 'string') kept['name'] = name;
    if (typeof namespace === 'string') kept['namespace'] = namespace;
    identity['metadata'] = kept;
  }
  return identity;
}

/**
 * A workload reduced to its identity and its pod template's labels and annotations (see
 * {@link ReadOptions.readOnDemand}); the maps are the parsed ones, whatever they hold.
 */
function skeletonOf(object: JsonObject): JsonObject {
  const reduced = identityOf(object);
  const metadata = at(object, 'spec', 'template', 'metadata');
  if (!isObject(metadata)) return reduced;
  const kept: Record<string, unknown> = {};
  const labels = own(metadata, 'labels');
  const annotations = own(metadata, 'annotations');
  if (labels !== undefined) kept['labels'] = labels;
  if (annotations !== undefined) kept['annotations'] = annotations;
  (reduced as Record<string, unknown>)['spec'] = { template: { metadata: kept } };
  return reduced;
}

/**
 * Reads every Kubernetes object of a multi-document YAML or JSON text, `kind: List` items
 * included, each with its location. Documents that are empty or not Kubernetes objects are
 * skipped; documents that do not parse are reported in `problems` and the others are read.
 * Never throws.
 */
export function readManifestText(source: ManifestSource, options: ReadOptions = {}): ReadManifests {
  const keepWhole = options.keepWhole;
  const onDemand = options.readOnDemand;
  const objects: ManifestObject[] = [];
  const problems: InputProblem[] = [];
  const notes: InputNote[] = [];
  if (source.text.includes('\u0000')) {
    return { objects, problems: [{ file: source.path, message: 'the file holds NUL bytes: it is not a YAML or JSON text' }], notes, documents: 0 };
  }
  const chunks = splitDocuments(source.text);
  for (const chunk of chunks) {
    const read = readChunk(source.path, chunk);
    if ('error' in read) {
      problems.push(read.error);
      continue;
    }
    const locator = new DocumentLocator(chunk);
    const span: DocumentSpan = { file: source.path, document: chunk.index, start: chunk.start, line: chunk.line, text: chunk.text };
    for (const duplicate of read.duplicates) {
      notes.push({
        location: { file: source.path, document: chunk.index, line: duplicate.line, column: duplicate.column },
        message: `key ${duplicate.key} appears twice in one mapping: the last value is used, as Helm and kubectl's decoder do; kubectl apply with field validation Strict (--validate=strict) rejects the object`,
      });
    }
    const values = read.values;
    // Whether an object of the document is kept whole (and so may be located from now on).
    let kept = false;
    for (let index = 0; index < values.length; index += 1) {
      const value = values[index];
      if (!isObject(value)) continue;
      const items = listItems(value);
      const add = (object: JsonObject, item: number | undefined): void => {
        const kind = own(object, 'kind') as string;
        const later = onDemand !== undefined && onDemand(kind);
        const whole = !later && (keepWhole === undefined || keepWhole(kind));
        if (whole) kept = true;
        objects.push(new TextManifestObject(later ? skeletonOf(object) : whole ? object : identityOf(object), span, locator, item, later ? index : -1));
      };
      if (items) {
        items.forEach((item, i) => {
          if (isKubernetesObject(item)) add(item, i);
        });
      } else if (isKubernetesObject(value)) add(value, undefined);
    }
    // Where its fields start, as the fast reader recorded them (nothing when js-yaml read it).
    const positions = kept ? read.fast?.positions() : undefined;
    if (positions) locator.usePositions(positions);
  }
  return { objects, problems, notes, documents: chunks.length };
}

/**
 * Strict reading: every Kubernetes object of the text, or {@link ManifestParseError} for the
 * first document that does not parse (for synthesized manifests, which must always parse).
 */
export function parseManifestText(source: ManifestSource): ManifestObject[] {
  const read = readManifestText(source);
  const problem = read.problems[0];
  if (problem) throw new ManifestParseError(problem.file, problem.message.replace(/, so it is skipped$/, ''), problem.line, problem.column);
  return read.objects;
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
