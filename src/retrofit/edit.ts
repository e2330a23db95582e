import { isDeepStrictEqual } from 'util';

/**
 * Copy-on-write edits of one plain-JSON object: the input is never mutated, only the nodes on
 * the path of a change are copied (every other node stays `===` the input's), and an object
 * nothing was written to is returned as it was given.
 */

export type Path = readonly (string | number)[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of own properties, `undefined` where the path does not exist. */
export function valueAt(root: unknown, path: Path): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(current) : !isRecord(current)) return undefined;
    const container = current as Record<string | number, unknown>;
    if (!Object.prototype.hasOwnProperty.call(container, key)) return undefined;
    current = container[key];
  }
  return current;
}

export function showPath(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('');
}

/** The edits of one object, applied lazily on a copy. */
export class ObjectEditor {
  private root: Record<string, unknown>;
  private readonly copies = new Set<unknown>();
  /** Values this run wrote, by path, to tell a second writer of the same field (a Service shared by two workloads). */
  private readonly written = new Map<string, unknown>();

  constructor(readonly original: Record<string, unknown>) {
    this.root = original;
  }

  get changed(): boolean {
    return this.root !== this.original;
  }

  get result(): Record<string, unknown> {
    return this.root;
  }

  get(path: Path): unknown {
    return valueAt(this.root, path);
  }

  /** What this run already wrote at `path`, if anything. */
  writtenAt(path: Path): { value: unknown } | undefined {
    const key = JSON.stringify(path);
    return this.written.has(key) ? { value: this.written.get(key) } : undefined;
  }

  /**
   * Sets `path` to `value` when it differs, creating missing objects on the way. Returns
   * `'same'` when nothing needed to change, `'blocked'` (and changes nothing) when a node on
   * the way exists but is not an object (or an array, for a numeric key).
   */
  set(path: Path, value: unknown): 'set' | 'same' | 'blocked' {
    const current = this.get(path);
    if (current !== undefined && isDeepStrictEqual(current, value)) return 'same';
    // Check the way first: nothing is copied for a write that cannot happen.
    let probe: unknown = this.root;
    for (let i = 0; i < path.length - 1; i += 1) {
      const next = valueAt(probe, [path[i]!]);
      if (next === undefined) break;
      if (typeof path[i + 1] === 'number' ? !Array.isArray(next) : !isRecord(next)) return 'blocked';
      probe = next;
    }
    this.root = this.copy(this.root) as Record<string, unknown>;
    let node: Record<string | number, unknown> = this.root;
    for (let i = 0; i < path.length - 1; i += 1) {
      const key = path[i]!;
      const existing = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      const child = existing === undefined ? (typeof path[i + 1] === 'number' ? [] : {}) : this.copy(existing);
      if (existing === undefined) this.copies.add(child);
      node[key] = child;
      node = child as Record<string | number, unknown>;
    }
    node[path[path.length - 1]!] = value;
    this.written.set(JSON.stringify(path), value);
    return 'set';
  }

  private copy(value: unknown): unknown {
    if (this.copies.has(value)) return value;
    const copy = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
    this.copies.add(copy);
    return copy;
  }
}
