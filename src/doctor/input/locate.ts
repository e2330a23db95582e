import { fastLoadWithPositions, type RecordedPositions } from './block-yaml';
import { GIVE_UP, scanLines, scanLocate, type Lines } from './scan';
import type { DocumentChunk } from './documents';

/**
 * Where a field of a document is, found only when a finding asks for it: first from the
 * positions the fast reader records as it reads (block YAML as tools print it), else by
 * scanning the document's lines, else, for that one document, with the position-aware `yaml`
 * library, whose ranges are exact for flow collections, anchors and merge keys too. The first
 * two are held to the third in the tests. (A tree of node positions from js-yaml's listener was
 * tried first: it put the first key of a nested flow mapping at its parent's key. The line scan
 * alone cost a tenth of the doctor's CPU on the bench's workloads input: building each
 * located document's line table, walking it, and V8 compiling the walk.)
 */

/** 1-based line and column in the source file. */
export interface LinePosition {
  readonly line: number;
  readonly column: number;
}

/** A path of mapping keys and sequence indexes, as `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = readonly (string | number)[];

/**
 * Finds fields of one document chunk, from the positions the fast reader recorded: handed over
 * by whoever read the document ({@link usePositions}: readManifestText for the objects it keeps
 * whole, a workload's `whole()`), else recorded by reading the document again on the first call.
 * What that record cannot answer (a document the fast reader gives up on, a path into a flow
 * collection) is found by the line scan, and what the scan cannot walk by the parse.
 */
export class DocumentLocator {
  /** Recorded positions; `null` once the fast reader has given up on the document. */
  private positions: RecordedPositions | null | undefined;
  /** Offset of each line's start, made on the first answer: the index of offset → line/column. */
  private lineStarts: Int32Array | undefined;
  /** The document's lines, scanned only when the record cannot answer: what the scan walks. */
  private lines: Lines | undefined;
  private fallback: ((path: FieldPath) => number | undefined) | undefined;
  /** Answers by path: a workload's findings and its own location ask for the same fields. */
  private found: Map<string, LinePosition | undefined> | undefined;

  constructor(private readonly chunk: DocumentChunk) {}

  /** Positions the fast reader recorded while reading this document (offsets in the chunk's text). */
  usePositions(positions: RecordedPositions): void {
    this.positions = positions;
  }

  /** The position of the deepest part of `path` present in the document (its key, or its item). */
  locate(path: FieldPath): LinePosition | undefined {
    const key = JSON.stringify(path);
    const found = (this.found ??= new Map());
    if (found.has(key)) return found.get(key);
    const offset = this.offsetOf(path);
    let position: LinePosition | undefined;
    if (offset !== undefined) {
      const starts = (this.lineStarts ??= lineStarts(this.chunk.text));
      const line = lineOf(starts, offset);
      position = { line: this.chunk.line + line, column: offset - starts[line]! + 1 };
    }
    found.set(key, position);
    return position;
  }

  /** The recorded positions where they answer; else the line scan; else the parse, once per document. */
  private offsetOf(path: FieldPath): number | undefined {
    if (this.positions === undefined) this.positions = fastLoadWithPositions(this.chunk.text)?.positions ?? null;
    if (this.positions !== null) {
      const recorded = recordedOffsetOf(this.positions, path);
      if (recorded !== undefined) return recorded;
    }
    return this.scannedOffsetOf(path);
  }

  /** Through the line scan (or the parse where it gives up): what the record is checked against in the tests. */
  scannedOffsetOf(path: FieldPath): number | undefined {
    this.lines ??= scanLines(this.chunk.text);
    const scanned = scanLocate(this.chunk.text, this.lines, path);
    if (scanned !== GIVE_UP) return scanned;
    return this.parsedOffsetOf(path);
  }

  /** Through the `yaml` library only: what the scan is checked against in the tests. */
  parsedOffsetOf(path: FieldPath): number | undefined {
    this.fallback ??= yamlLibraryLocator(this.chunk.text);
    return this.fallback(path);
  }
}

/**
 * The offset of the deepest part of `path` in a recorded document, walked as the `yaml`
 * library's positions are (below), or `undefined` when the way goes into what is not recorded
 * (a flow collection).
 */
export function recordedOffsetOf(positions: RecordedPositions, path: FieldPath): number | undefined {
  const { data, names } = positions;
  let offset = positions.at;
  let flow = positions.rootFlow;
  // The entries of the node reached so far: from `from` to `to`, its keys or items and theirs.
  let from = 0;
  let to = positions.count;
  for (const segment of path) {
    if (flow) return undefined;
    let found = -1;
    // Its own keys or items, each followed by its value's entries (none for a scalar).
    // (The entry after an entry's value is always past it; the loop moves on regardless.)
    for (let entry = from, index = 0; entry < to; entry = Math.max(data[2 * entry + 1]!, entry + 1), index += 1) {
      if (typeof segment === 'string' ? names[entry] === segment : names[entry] === undefined && index === segment) {
        found = entry;
        break;
      }
    }
    if (found === -1) break;
    const at = data[2 * found]!;
    flow = at < 0;
    offset = flow ? -at - 1 : at;
    from = found + 1;
    to = data[2 * found + 1]!;
  }
  return offset;
}

/** Offset of each line's first character (a text ending with a line break has an empty last line). */
function lineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  const starts = new Int32Array(count);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts;
}

/** The 0-based line of an offset. */
function lineOf(starts: Int32Array, offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
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
