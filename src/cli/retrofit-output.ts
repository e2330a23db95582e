import { isDeepStrictEqual } from 'util';
import { isMap, isSeq, parseDocument, stringify, type Document } from 'yaml';
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

/** Applies the difference between `before` and `after` to the YAML node at `path`. */
function applyDiff(doc: Document, path: readonly (string | number)[], before: unknown, after: unknown): void {
  if (before === after) return;
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isRecord(before) && isRecord(after) && isMap(node)) {
    for (const key of Object.keys(after)) {
      if (Object.prototype.hasOwnProperty.call(before, key)) applyDiff(doc, [...path, key], before[key], after[key]);
      else doc.setIn([...path, key], doc.createNode(after[key]));
    }
    for (const key of Object.keys(before)) if (!Object.prototype.hasOwnProperty.call(after, key)) doc.deleteIn([...path, key]);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && before.length <= after.length) {
    before.forEach((item, i) => applyDiff(doc, [...path, i], item, after[i]));
    for (const item of after.slice(before.length)) doc.addIn(path, doc.createNode(item));
    return;
  }
  if (isDeepStrictEqual(before, after)) return;
  doc.setIn(path, doc.createNode(after));
}

const NO_FOLD = { lineWidth: 0 } as const;

/** The document's text with `after` in place of `before`, its comments and untouched nodes kept. */
function editDocument(text: string, before: unknown, after: unknown): string {
  // Anchors, aliases and merge keys: a node may stand for several places, so the document is re-written whole.
  if (!/(^|[\s[{,:-])[&*][^\s]|<<\s*:/m.test(text)) {
    const doc = parseDocument(text, { keepSourceTokens: false });
    if (doc.errors.length === 0) {
      applyDiff(doc, [], before, after);
      const edited = doc.toString(NO_FOLD);
      // What Kubernetes will read is what was meant, or the document is re-written whole.
      if (isDeepStrictEqual(loadChunk(edited), JSON.parse(JSON.stringify(after)))) return edited;
    }
  }
  const marker = /^---[^\n]*\n/.exec(text)?.[0] ?? '';
  return `${marker}${stringify(after, NO_FOLD)}`;
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
        for (const extra of added.get(manifest.object) ?? []) push(`---\n# Added by grpc-drain retrofit\n${stringify(extra, NO_FOLD)}`);
      }
    }
    push(text.slice(end));
  }
  const out = parts.join('');
  return out === '' || out.endsWith('\n') ? out : `${out}\n`;
}
