import type { FieldPath } from './locate';

/**
 * A locator that reads lines instead of parsing, for the documents whose positions the fast
 * reader did not record (input/locate.ts): for the block-style YAML that Helm, kustomize and
 * kubectl print, a field is found by its key's indentation, at a cost of a few microseconds per
 * document. It answers only when the way is plain (block mappings and
 * sequences, plain or quoted keys, scalars that stay on their lines or continue more
 * indented); anything else (a flow collection on the way, a merge key, an alias, a tag, an
 * explicit key, a tab) makes it give up, and the caller parses the document instead.
 */

/** Gave up: the text needs a real parse to be located. */
export const GIVE_UP = -1;

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"\-?:,[\]{}&*!|>%@`][^#]*?|-[^\s#][^#]*?))[ \t]*:(?=[ \t]|$)/;

/**
 * The lines of a document, scanned once and shared by every walk of its locator (a document is
 * located once per finding and for the workload itself) when the positions the fast reader
 * records cannot answer (input/locate.ts). One typed array per field rather than an object per
 * line: a located document keeps its table.
 */
export class Lines {
  readonly count: number;
  /** Offset of each line's first character. */
  readonly start: Int32Array;
  /** Offset of its first non-blank character. */
  readonly content: Int32Array;
  /** Where its text ends (before `\r\n` or `\n`). */
  readonly end: Int32Array;
  /** 1 when blank or comment only. */
  readonly empty: Uint8Array;
  /**
   * The key at each line's content, parsed on first use (`null`: no plain key there; its value's
   * offset in {@link keyValues}): each walk of the document passes the same lines. Strings and
   * numbers in two arrays made with the table, not an object per key kept in one made on first
   * use: V8 compiled scanLocate against both (the object's allocation site, the lazily written
   * field), and when they changed, threw the ~60 ms compile away and did it again
   * (`--trace-deopt`: "code dependencies", Node 20).
   */
  private readonly keyNames: (string | null | undefined)[];
  private readonly keyValues: Int32Array;

  constructor(private readonly text: string) {
    // As `text.split('\n')`: a text ending with a line break has an empty last line, which no
    // walk stops at and which gives the offset after that break its line.
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
    this.count = count;
    this.start = new Int32Array(count);
    this.content = new Int32Array(count);
    this.end = new Int32Array(count);
    this.empty = new Uint8Array(count);
    this.keyNames = new Array<string | null | undefined>(count);
    this.keyValues = new Int32Array(count);
    let start = 0;
    for (let line = 0; line < count; line += 1) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      let content = start;
      while (content < end && text.charCodeAt(content) === 0x20) content += 1;
      // Not past the end: reading there made V8 deoptimize this loop ("out of bounds").
      const c = content < end ? text.charCodeAt(content) : -1;
      this.start[line] = start;
      this.content[line] = content;
      this.end[line] = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
      // Blank, a comment, or a line break (`\r`).
      this.empty[line] = content >= end || c === 0x23 || c === 0x0d ? 1 : 0;
      start = end + 1;
    }
  }

  indent(line: number): number {
    return this.content[line]! - this.start[line]!;
  }

  /** {@link keyAt} of a line's content, once per line: the key, or `undefined`. */
  key(line: number): string | undefined {
    let name = this.keyNames[line];
    if (name === undefined) {
      const key = keyAt(this.text, this.content[line]!, this.end[line]!);
      this.keyNames[line] = name = key ? key.key : null;
      if (key) this.keyValues[line] = key.value;
    }
    return name ?? undefined;
  }

  /** Where the value of the line's key starts (after {@link key} found one). */
  keyValue(line: number): number {
    return this.keyValues[line]!;
  }
}

/** Lines of a text, computed once per document. */
export function scanLines(text: string): Lines {
  return new Lines(text);
}

/** The key at `offset` (on its line) and where its value starts, or `undefined` when the text there is no plain key. */
function keyAt(text: string, offset: number, end: number): { key: string; value: number } | undefined {
  const c = text.charCodeAt(offset);
  // A key that starts with a letter or digit (nearly all of them): what KEY's plain branch
  // matches, found with indexOf rather than a regex match (an array and three strings per line
  // of every located document): the first `:` followed by a blank or the line's end, with no
  // `#` before it; the key is the text before it, trailing blanks removed.
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
    let colon = text.indexOf(':', offset + 1);
    while (colon !== -1 && colon < end) {
      const next = colon + 1 < end ? text.charCodeAt(colon + 1) : -1;
      if (next === -1 || next === 0x20 || next === 0x09) break;
      colon = text.indexOf(':', colon + 1);
    }
    if (colon === -1 || colon >= end) return undefined;
    const hash = text.indexOf('#', offset + 1);
    if (hash !== -1 && hash < colon) return undefined;
    return { key: text.slice(offset, colon).trimEnd(), value: colon + 1 };
  }
  return quotedOrOddKeyAt(text, offset, end);
}

/**
 * {@link keyAt} for the rest (quoted keys, keys starting with a sign or punctuation), by KEY: a
 * function of its own, so that the regex and JSON paths are not compiled into every walk.
 */
function quotedOrOddKeyAt(text: string, offset: number, end: number): { key: string; value: number } | undefined {
  const rest = text.slice(offset, end);
  const match = KEY.exec(rest);
  if (!match) return undefined;
  let key: string;
  try {
    key = match[1] !== undefined ? (JSON.parse(`"${match[1]}"`) as string) : match[2] !== undefined ? match[2].replace(/''/g, "'") : match[3]!.trimEnd();
  } catch {
    return undefined; // a YAML escape JSON does not have
  }
  return { key, value: offset + match[0].length };
}

/** What follows a key on its line: nothing (a block value below), or an inline value. */
function inlineValue(text: string, from: number, end: number): 'block' | 'scalar' | 'unsupported' {
  let pos = from;
  while (pos < end && (text[pos] === ' ' || text[pos] === '\t')) pos += 1;
  const c = text[pos];
  if (pos >= end || c === '#' || c === '\r') return 'block';
  if (c === '{' || c === '[' || c === '*' || c === '&' || c === '!') return 'unsupported';
  return 'scalar';
}

/**
 * Offset of the deepest part of `path` in a block-style document (its key, or its item's
 * content), or {@link GIVE_UP}.
 */
export function scanLocate(text: string, lines: Lines, path: FieldPath): number {
  const { count, start: starts, content: contents, end: ends, empty } = lines;
  const indent = (line: number): number => contents[line]! - starts[line]!;
  // The root mapping: the document's first content line (after a `---` marker line).
  let first = 0;
  while (first < count && (empty[first] || text.startsWith('%', contents[first]!))) first += 1;
  if (first < count && text.startsWith('---', contents[first]!)) {
    // Content on the marker line (`--- {…}`, `--- |`) needs a parser.
    if (inlineValue(text, contents[first]! + 3, ends[first]!) !== 'block') return GIVE_UP;
    first += 1;
    while (first < count && empty[first]) first += 1;
  }
  if (first >= count) return GIVE_UP;
  // The region holding the current node: lines [from, to), its content at column `column`.
  let from = first;
  let to = count;
  let column = indent(first);
  let offset = contents[first]!;
  // The first entry of a mapping inside a sequence item sits on the dash line.
  let firstAt = contents[first]!;
  for (const segment of path) {
    if (typeof segment === 'string') {
      let found = -1;
      let foundAt = 0;
      let foundValue = 0;
      for (let i = from; i < to; i += 1) {
        const at = i === from ? firstAt : contents[i]!;
        const col = at - starts[i]!;
        if (empty[i] || col > column) continue;
        if (col < column || (col === 0 && text.startsWith('...', at))) break;
        if (text.startsWith('<<', at) || text[at] === '?' || text[at] === '-') return GIVE_UP;
        let name: string | undefined;
        let value = 0;
        if (at === contents[i]) {
          name = lines.key(i);
          if (name !== undefined) value = lines.keyValue(i);
        } else {
          const key = keyAt(text, at, ends[i]!);
          if (key) {
            name = key.key;
            value = key.value;
          }
        }
        if (name === undefined) return GIVE_UP;
        if (name === segment) {
          found = i;
          foundAt = at;
          foundValue = value;
        }
      }
      if (found === -1) break;
      offset = foundAt;
      const kind = inlineValue(text, foundValue, ends[found]!);
      if (kind === 'unsupported') return GIVE_UP;
      if (kind === 'scalar') {
        // A scalar: nothing below it to walk into.
        from = found + 1;
        to = from;
        continue;
      }
      // A block value: the lines below that are more indented, or a sequence at the same column.
      let next = found + 1;
      while (next < to && empty[next]) next += 1;
      if (next >= to) {
        from = to;
        continue;
      }
      const child = contents[next]!;
      const keyColumn = foundAt - starts[found]!;
      const isSeq = text[child] === '-' && (text[child + 1] === ' ' || text[child + 1] === '\n' || text[child + 1] === '\r');
      if (indent(next) < keyColumn || (indent(next) === keyColumn && !isSeq)) {
        from = to = next;
        continue;
      }
      let end = next;
      while (end < to && (empty[end] || indent(end) > keyColumn || (indent(end) === keyColumn && isSeq && text[contents[end]!] === '-'))) end += 1;
      from = next;
      to = end;
      column = indent(next);
      firstAt = child;
    } else {
      // A sequence: items are the `- ` lines at the region's column.
      let index = -1;
      let item = -1;
      let itemContent = 0;
      for (let i = from; i < to && index < segment; i += 1) {
        if (empty[i] || indent(i) > column) continue;
        if (indent(i) < column || text[contents[i]!] !== '-') return GIVE_UP;
        index += 1;
        if (index === segment) {
          let content = contents[i]! + 1;
          while (content < ends[i]! && text[content] === ' ') content += 1;
          item = i;
          itemContent = content;
        }
      }
      if (item === -1) break;
      const end = ends[item]!;
      const c = text[itemContent];
      if (c === '-' || c === '{' || c === '[' || c === '*' || c === '&' || c === '!' || c === '?') return GIVE_UP;
      offset = itemContent;
      const itemColumn = itemContent - starts[item]!;
      let last = item + 1;
      while (last < to && (empty[last] || indent(last) >= itemColumn)) last += 1;
      if (itemContent >= end || text[itemContent] === '#') {
        // `-` alone on its line: the item's content is below.
        let next = item + 1;
        while (next < last && empty[next]) next += 1;
        if (next >= last) break;
        from = next;
        to = last;
        column = indent(next);
        firstAt = contents[next]!;
        offset = firstAt;
        continue;
      }
      from = item;
      to = last;
      column = itemColumn;
      firstAt = itemContent;
    }
  }
  return offset;
}
