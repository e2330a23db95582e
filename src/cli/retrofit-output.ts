import { isDeepStrictEqual } from 'util';
import { isMap, isSeq, parseDocument, stringify, visit, type Document, type Node, type DocumentOptions, type SchemaOptions, type ToStringOptions } from 'yaml';
import { splitDocuments } from '../doctor/input/documents';
import { safeLoadAll } from '../doctor/input/js-yaml';
import type { ManifestObject } from '../doctor/internal';
import type { ManifestSource } from '../doctor';

/**
 * Writes the retrofit's objects back as YAML the way a Helm or kustomize user expects a
 * post-renderer to: a document nothing was changed in comes out byte for byte as it came in
 * (comments, `# Source:` lines, quoting, key order); a changed document is edited in place
 * (only the changed nodes are rewritten, its comments stay), or re-written whole when it uses
 * anchors or merge keys; an added object follows the document of its workload.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type CreateNode = (doc: Document, value: unknown) => Node;

const plainNode: CreateNode = (doc, value) => doc.createNode(value);

/** A new node with every string in it (keys too) double-quoted: a string to any YAML resolver. */
const quotedNode: CreateNode = (doc, value) => {
  const node = doc.createNode(value);
  visit(node, {
    Scalar(_key, scalar) {
      if (typeof scalar.value === 'string') scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return node;
};

/** Applies the difference between `before` and `after` to the YAML node at `path`, new nodes made by `create`. */
function applyDiff(doc: Document, path: readonly (string | number)[], before: unknown, after: unknown, create: CreateNode): void {
  if (before === after) return;
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isRecord(before) && isRecord(after) && isMap(node)) {
    for (const key of Object.keys(after)) {
      if (Object.prototype.hasOwnProperty.call(before, key)) applyDiff(doc, [...path, key], before[key], after[key], create);
      else doc.setIn([...path, key], create(doc, after[key]));
    }
    for (const key of Object.keys(before)) if (!Object.prototype.hasOwnProperty.call(after, key)) doc.deleteIn([...path, key]);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && before.length <= after.length) {
    before.forEach((item, i) => applyDiff(doc, [...path, i], item, after[i], create));
    for (const item of after.slice(before.length)) doc.addIn(path, create(doc, item));
    return;
  }
  if (isDeepStrictEqual(before, after)) return;
  doc.setIn(path, create(doc, after));
}

/**
 * The `yaml` package (eemeli/yaml 2.x) in its YAML 1.1 mode, the family of the resolver
 * Kubernetes reads with (go-yaml v2 `resolve.go`, see src/doctor/input/js-yaml.ts): a string
 * it writes is quoted when a 1.1 tag would take it plain (`yes`, `on`, `y`, `0644`, `1_000`,
 * `~`), and a number read as octal (`0644`) is written back in its form. In the default 1.2 mode
 * `0644` was read as 644 and written `644` (another, invalid file mode), and the string `yes`
 * came out plain, a boolean to the API server.
 *
 * A document edited in place is parsed without two 1.1 tags, because go-yaml v2 keeps those
 * scalars strings and an untouched scalar must keep its text: timestamps (decode.go keeps a
 * timestamp decoded into interface{} as its text) and base-60 numbers (`1:30`; resolve.go
 * "purposefully unsupported"). Read as 1.1 values, an untouched `2024-1-2` would be re-written
 * `2024-01-02`, and `01:30` as `1:30`: other strings. A value written whole keeps them, so that
 * a string such as `2024-01-01` is quoted for any YAML 1.1 reader (Kubernetes reads it the same
 * quoted or not).
 *
 * Where eemeli's 1.1 schema and go-yaml v2 still differ, every output is read back with the
 * doctor's go-yaml-like reader (the check in {@link writeYaml} and {@link editDocument}):
 * eemeli's booleans are go-yaml's table (`y`/`n` included), but go-yaml also reads Go's
 * `0o17`, `0X1F`, `0B1` as ints (ParseInt base 0), which eemeli's 1.1 ints leave plain strings.
 */
const YAML_11: DocumentOptions & SchemaOptions = { version: '1.1' };

/** {@link YAML_11} without the tags go-yaml v2 reads as strings, for a document edited in place. */
const YAML_11_IN_PLACE: DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) => tags.filter((tag) => typeof tag !== 'object' || (tag.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in tag && tag.format === 'TIME'))),
};

const NO_FOLD: ToStringOptions = { lineWidth: 0 };

/** Every string scalar double-quoted, keys too: read as a string by any YAML resolver. */
const ALL_QUOTED: ToStringOptions = { ...NO_FOLD, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' };

/** Whether `text` reads, as Kubernetes will read it, as `value` (a JSON value). */
function readsAs(text: string, value: unknown): boolean {
  return isDeepStrictEqual(loadChunk(text), JSON.parse(JSON.stringify(value)));
}

/**
 * `value` written whole in YAML 1.1 mode, or, where the go-yaml-like reader reads that back as
 * something else (a form only go-yaml resolves, above), with every string quoted, which always
 * reads back as written.
 */
export function writeYaml(value: unknown): string {
  const text = stringify(value, { ...YAML_11, ...NO_FOLD });
  return readsAs(text, value) ? text : stringify(value, { ...YAML_11, ...ALL_QUOTED });
}

/** The document's text with `after` in place of `before`, its comments and untouched nodes kept. */
function editDocument(text: string, before: unknown, after: unknown): string {
  // Anchors, aliases and merge keys: a node may stand for several places, so the document is re-written whole.
  if (!/(^|[\s[{,:-])[&*][^\s]|<<\s*:/m.test(text)) {
    // New nodes as YAML 1.1 writes them, else with their strings quoted (a form only go-yaml
    // resolves, such as `0o17`): either way the document keeps its comments.
    for (const create of [plainNode, quotedNode]) {
      const doc = parseDocument(text, { ...YAML_11_IN_PLACE, keepSourceTokens: false });
      if (doc.errors.length > 0) break;
      applyDiff(doc, [], before, after, create);
      const edited = doc.toString(NO_FOLD);
      // What Kubernetes will read is what was meant, or the document is re-written whole.
      if (readsAs(edited, after)) return edited;
    }
  }
  const marker = /^---[^\n]*\n/.exec(text)?.[0] ?? '';
  return `${marker}${writeYaml(after)}`;
}

/** The one document of a chunk, read as the doctor read it (a key given twice keeps its last value). */
function loadChunk(text: string): Json {
  let values: unknown[];
  try {
    values = safeLoadAll(text, {});
  } catch {
    values = safeLoadAll(text, { json: true });
  }
  return (values.find(isRecord) ?? {}) as Json;
}

/**
 * The YAML stream of the retrofit's output. `objects` are the retrofit's input objects (the
 * documents' objects in order), `replaced` maps each changed one to its copy, and `added`
 * the objects to write after the document of an input object.
 */
export function renderOutput(sources: readonly ManifestSource[], manifests: readonly ManifestObject[], replaced: ReadonlyMap<unknown, unknown>, added: ReadonlyMap<unknown, readonly unknown[]>): string {
  const parts: string[] = [];
  const push = (text: string) => {
    if (text === '') return;
    const previous = parts[parts.length - 1];
    if (previous !== undefined && !previous.endsWith('\n')) parts.push('\n');
    parts.push(text);
  };
  const bySpan = new Map<string, ManifestObject[]>();
  for (const manifest of manifests) {
    if (!manifest.span) continue;
    const key = `${manifest.span.file}\u0000${manifest.span.start}`;
    const list = bySpan.get(key);
    if (list) list.push(manifest);
    else bySpan.set(key, [manifest]);
  }
  for (const source of sources) {
    const text = source.text.charCodeAt(0) === 0xfeff ? source.text.slice(1) : source.text;
    // Files are written as one stream: each starts a document of its own.
    if (parts.length > 0 && !/^---[ \t\r\n]/.test(splitDocuments(text)[0]?.text ?? '')) push('---\n');
    let end = 0;
    for (const chunk of splitDocuments(source.text)) {
      // What lies between documents (comments of an empty document) is kept as it was.
      push(text.slice(end, chunk.start));
      end = chunk.start + chunk.text.length;
      const objects = bySpan.get(`${source.path}\u0000${chunk.start}`) ?? [];
      const changed = objects.some((m) => replaced.has(m.object));
      if (!changed) push(chunk.text);
      else {
        const root = loadChunk(chunk.text);
        const items = Array.isArray(root['items']) ? (root['items'] as unknown[]) : undefined;
        if (!items) push(editDocument(chunk.text, root, replaced.get(objects[0]!.object)));
        else {
          // A List: its Kubernetes items in order, the changed ones replaced.
          let at = 0;
          const next = items.map((item) => {
            if (at >= objects.length || !isRecord(item) || typeof item['kind'] !== 'string') return item;
            const object = objects[at++]!.object;
            return replaced.get(object) ?? item;
          });
          push(editDocument(chunk.text, root, { ...root, items: next }));
        }
      }
      for (const manifest of objects) {
        for (const extra of added.get(manifest.object) ?? []) push(`---\n# Added by grpc-drain retrofit\n${writeYaml(extra)}`);
      }
    }
    push(text.slice(end));
  }
  const out = parts.join('');
  return out === '' || out.endsWith('\n') ? out : `${out}\n`;
}
