import { safeLoadAll } from './js-yaml';
import { GIVE_UP, scanLines, scanLocate, type Lines } from './scan';
import type { DocumentChunk } from './documents';

/**
 * Where a field of a document is, found only when a finding asks for it: first by scanning the
 * document's lines (block YAML as tools print it, microseconds), else by parsing the document
 * again with js-yaml's node listener into a tree of node positions (about the cost of the first
 * parse, for that one document). A tree that does not line up with the YAML (a mapping key
 * without a value, which the listener does not report) falls back to the position-aware `yaml`
 * library for that document.
 */

/** 1-based line and column in the source file. */
export interface LinePosition {
  readonly line: number;
  readonly column: number;
}

/** A node of the position tree: where it starts and, for mappings and sequences, its children. */
interface PositionNode {
  start: number;
  kind: 'scalar' | 'mapping' | 'sequence' | null;
  scalar?: unknown;
  readonly children: PositionNode[];
}

/** A path of mapping keys and sequence indexes, as `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = readonly (string | number)[];

function buildTree(text: string): PositionNode | undefined {
  const stack: PositionNode[] = [];
  let root: PositionNode | undefined;
  safeLoadAll(text, {
    json: true,
    listener(event, state) {
      if (event === 'open') {
        stack.push({ start: state.position, kind: null, children: [] });
        return;
      }
      const node = stack.pop();
      if (!node) return;
      node.kind = state.kind;
      if (state.kind === 'scalar') node.scalar = state.result;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root ??= node;
    },
  });
  return root;
}

/** Whether every mapping of the tree has a value node for each key node. */
function aligned(node: PositionNode): boolean {
  if (node.kind === 'mapping' && node.children.length % 2 !== 0) return false;
  return node.children.every(aligned);
}

/** Skips blanks, line breaks and comments: a value node opens before its separating space. */
function contentStart(text: string, offset: number): number {
  let pos = offset;
  while (pos < text.length) {
    const c = text[pos];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') pos += 1;
    else if (c === '#') {
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? text.length : end + 1;
    } else break;
  }
  return pos;
}

/** Finds fields of one document chunk; the parse happens on the first call. */
export class DocumentLocator {
  /**
   * The document's lines, scanned on the first call (most documents are never located): what
   * the scan walks, and the index of offset → line/column for the scan and the parse alike.
   */
  private lines: Lines | undefined;
  private tree: PositionNode | null | undefined;
  private fallback: ((path: FieldPath) => number | undefined) | undefined;
  /** Answers by path: a workload's findings and its own location ask for the same fields. */
  private found: Map<string, LinePosition | undefined> | undefined;

  constructor(private readonly chunk: DocumentChunk) {}

  /** The position of the deepest part of `path` present in the document (its key, or its item). */
  locate(path: FieldPath): LinePosition | undefined {
    const key = JSON.stringify(path);
    const found = (this.found ??= new Map());
    if (found.has(key)) return found.get(key);
    const offset = this.offsetOf(path);
    let position: LinePosition | undefined;
    if (offset !== undefined) {
      const lines = this.scanned();
      const line = lines.lineOf(offset);
      position = { line: this.chunk.line + line, column: offset - lines.start[line]! + 1 };
    }
    found.set(key, position);
    return position;
  }

  private scanned(): Lines {
    this.lines ??= scanLines(this.chunk.text);
    return this.lines;
  }

  /** The line scan where it can answer; else the parse, once per document. */
  private offsetOf(path: FieldPath): number | undefined {
    const scanned = scanLocate(this.chunk.text, this.scanned(), path);
    if (scanned !== GIVE_UP) return scanned;
    return this.parsedOffsetOf(path);
  }

  /** Through the position tree (or the `yaml` library) only: what the scan is checked against in the tests. */
  parsedOffsetOf(path: FieldPath): number | undefined {
    if (this.tree === undefined) {
      try {
        const tree = buildTree(this.chunk.text);
        this.tree = tree && aligned(tree) ? tree : null;
      } catch {
        this.tree = null;
      }
    }
    if (this.tree === null) {
      this.fallback ??= yamlLibraryLocator(this.chunk.text);
      return this.fallback(path);
    }
    return walk(this.tree, path, this.chunk.text);
  }
}

function walk(root: PositionNode, path: FieldPath, text: string): number {
  let node = root;
  let offset = contentStart(text, root.start);
  for (const segment of path) {
    if (node.kind === 'mapping' && typeof segment === 'string') {
      let found: PositionNode | undefined;
      let merge: PositionNode | undefined;
      // The last occurrence of a duplicate key is the one Kubernetes and Helm keep.
      for (let i = 0; i < node.children.length; i += 2) {
        const key = node.children[i]!;
        if (String(key.scalar) === segment) {
          found = node.children[i + 1];
          offset = contentStart(text, key.start);
        } else if (key.scalar === '<<') merge = key;
      }
      if (!found) {
        // A key that came from a merge (`<<: *base`): the merge key is the closest place.
        if (merge) offset = contentStart(text, merge.start);
        break;
      }
      node = found;
    } else if (node.kind === 'sequence' && typeof segment === 'number') {
      const item = node.children[segment];
      if (!item) break;
      offset = contentStart(text, item.start);
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** The `yaml` library's CST positions, for the rare document the listener tree cannot map. */
function yamlLibraryLocator(text: string): (path: FieldPath) => number | undefined {
  // Loaded only here: it is several times slower than js-yaml and most inputs never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMap, isScalar, isSeq, parseDocument } = require('yaml') as typeof import('yaml');
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(text, { uniqueKeys: false, merge: true, logLevel: 'silent' });
  } catch {
    return () => undefined;
  }
  return (path) => {
    let node: unknown = doc!.contents;
    let offset = (doc!.contents as { range?: [number, number, number] } | null)?.range?.[0];
    for (const segment of path) {
      if (isMap(node) && typeof segment === 'string') {
        const pairs = node.items.filter((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === segment);
        const pair = pairs[pairs.length - 1];
        if (!pair) break;
        offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (item === undefined) break;
        offset = item?.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return offset;
  };
}
