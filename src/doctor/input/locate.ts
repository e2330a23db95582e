import { GIVE_UP, scanLines, scanLocate, type Lines } from './scan';
import type { DocumentChunk } from './documents';

/**
 * Where a field of a document is, found only when a finding asks for it: first by scanning the
 * document's lines (block YAML as tools print it, microseconds), else, for that one document,
 * with the position-aware `yaml` library, whose ranges are exact for flow collections, anchors
 * and merge keys too. (A tree of node positions from js-yaml's listener was tried first before:
 * it put the first key of a nested flow mapping at its parent's key.)
 */

/** 1-based line and column in the source file. */
export interface LinePosition {
  readonly line: number;
  readonly column: number;
}

/** A path of mapping keys and sequence indexes, as `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = readonly (string | number)[];

/** Finds fields of one document chunk; the parse happens on the first call. */
export class DocumentLocator {
  /**
   * The document's lines, scanned on the first call (most documents are never located): what
   * the scan walks, and the index of offset → line/column for the scan and the parse alike.
   */
  private lines: Lines | undefined;
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

  /** Through the `yaml` library only: what the scan is checked against in the tests. */
  parsedOffsetOf(path: FieldPath): number | undefined {
    this.fallback ??= yamlLibraryLocator(this.chunk.text);
    return this.fallback(path);
  }
}

/** The `yaml` library's CST positions, for the documents the line scan cannot walk. */
function yamlLibraryLocator(text: string): (path: FieldPath) => number | undefined {
  // Loaded only here: it is several times slower than the readers and most inputs never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isAlias, isMap, isScalar, isSeq, parseDocument } = require('yaml') as typeof import('yaml');
  type Ranged = { range?: [number, number, number] | null } | null | undefined;
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(text, { uniqueKeys: false, merge: true, logLevel: 'silent' });
  } catch {
    return () => undefined;
  }
  const document = doc;
  return (path) => {
    let node: unknown = document.contents;
    let offset = (document.contents as Ranged)?.range?.[0];
    for (const segment of path) {
      // An alias is walked through its anchored node (where the value is written).
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node) && typeof segment === 'string') {
        // With `merge: true` a merge key's value is a symbol; its source is `<<`.
        const keyOf = (p: { key: unknown }) => (isScalar(p.key) ? (typeof p.key.value === 'symbol' ? p.key.source : String(p.key.value)) : p.key);
        const pairs = node.items.filter((p) => keyOf(p) === segment);
        // The last occurrence of a duplicate key is the one Kubernetes and Helm keep.
        const pair = pairs[pairs.length - 1];
        if (!pair) {
          // A key that came from a merge (`<<: *base`): the merge key is the closest place.
          const merge = node.items.find((p) => keyOf(p) === '<<');
          if (merge) offset = (merge.key as Ranged)?.range?.[0] ?? offset;
          break;
        }
        offset = (pair.key as Ranged)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Ranged;
        if (item === undefined) break;
        offset = item?.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return offset;
  };
}
