import type { FieldPath } from './locate';

/**
 * A locator that reads lines instead of parsing: for the block-style YAML that Helm,
 * kustomize and kubectl print, a field is found by its key's indentation, at a cost of a few
 * microseconds per document. It answers only when the way is plain (block mappings and
 * sequences, plain or quoted keys, scalars that stay on their lines or continue more
 * indented); anything else (a flow collection on the way, a merge key, an alias, a tag, an
 * explicit key, a tab) makes it give up, and the caller parses the document instead.
 */

/** Gave up: the text needs a real parse to be located. */
export const GIVE_UP = -1;

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"\-?:,[\]{}&*!|>%@`][^#]*?|-[^\s#][^#]*?))[ \t]*:(?=[ \t]|$)/;

interface Line {
  readonly start: number;
  /** Offset of the first non-blank character. */
  readonly content: number;
  readonly indent: number;
  /** Blank or comment only. */
  readonly empty: boolean;
  /** Where the line's text ends (before `\r\n` or `\n`). */
  readonly textEnd: number;
  /**
   * The key at the line's content, parsed on first use: a document is located several times
   * (one finding each), and each walk passes the same lines.
   */
  key?: { key: string; value: number } | null;
}

function lineAt(text: string, start: number): Line & { readonly end: number } {
  const newline = text.indexOf('\n', start);
  const end = newline === -1 ? text.length : newline;
  let content = start;
  while (content < end && text.charCodeAt(content) === 0x20) content += 1;
  const c = text[content];
  const empty = content >= end || c === '#' || c === '\r';
  const textEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
  return { start, content, indent: content - start, empty, end, textEnd };
}

/** Lines of a text, computed once per document. */
export function scanLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0; start < text.length; ) {
    const line = lineAt(text, start);
    if (text.slice(line.start, line.content).includes('\t')) return [];
    lines.push(line);
    start = line.end + 1;
  }
  return lines;
}

/** The key at `offset` (on its line) and where its value starts, or `undefined` when the text there is no plain key. */
function keyAt(text: string, offset: number, end: number): { key: string; value: number } | undefined {
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

/** Where the line's text ends (before `\r\n` or `\n`). */
function lineEnd(_text: string, line: Line): number {
  return line.textEnd;
}

/** {@link keyAt} of a line's content, once per line. */
function lineKey(text: string, line: Line): { key: string; value: number } | undefined {
  if (line.key === undefined) line.key = keyAt(text, line.content, line.textEnd) ?? null;
  return line.key ?? undefined;
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
export function scanLocate(text: string, lines: readonly Line[], path: FieldPath): number {
  if (lines.length === 0) return GIVE_UP;
  // The root mapping: the document's first content line (after a `---` marker line).
  let first = 0;
  while (first < lines.length && (lines[first]!.empty || text.startsWith('%', lines[first]!.content))) first += 1;
  if (first < lines.length && text.startsWith('---', lines[first]!.content)) {
    // Content on the marker line (`--- {…}`, `--- |`) needs a parser.
    if (inlineValue(text, lines[first]!.content + 3, lineEnd(text, lines[first]!)) !== 'block') return GIVE_UP;
    first += 1;
    while (first < lines.length && lines[first]!.empty) first += 1;
  }
  if (first >= lines.length) return GIVE_UP;
  // The region holding the current node: lines [from, to), its content at column `column`.
  let from = first;
  let to = lines.length;
  let column = lines[first]!.indent;
  let offset = lines[first]!.content;
  // The first entry of a mapping inside a sequence item sits on the dash line.
  let firstAt = lines[first]!.content;
  for (const segment of path) {
    if (typeof segment === 'string') {
      let found: { line: number; at: number; value: number } | undefined;
      for (let i = from; i < to; i += 1) {
        const line = lines[i]!;
        const at = i === from ? firstAt : line.content;
        const col = at - line.start;
        if (line.empty || col > column) continue;
        if (col < column || (col === 0 && text.startsWith('...', at))) break;
        const end = lineEnd(text, line);
        if (text.startsWith('<<', at) || text[at] === '?' || text[at] === '-') return GIVE_UP;
        const key = at === line.content ? lineKey(text, line) : keyAt(text, at, end);
        if (!key) return GIVE_UP;
        if (key.key === segment) found = { line: i, at, value: key.value };
      }
      if (!found) break;
      offset = found.at;
      const line = lines[found.line]!;
      const kind = inlineValue(text, found.value, lineEnd(text, line));
      if (kind === 'unsupported') return GIVE_UP;
      if (kind === 'scalar') {
        // A scalar: nothing below it to walk into.
        from = found.line + 1;
        to = from;
        continue;
      }
      // A block value: the lines below that are more indented, or a sequence at the same column.
      let next = found.line + 1;
      while (next < to && lines[next]!.empty) next += 1;
      if (next >= to) {
        from = to;
        continue;
      }
      const child = lines[next]!;
      const keyColumn = found.at - line.start;
      const isSeq = text[child.content] === '-' && (text[child.content + 1] === ' ' || text[child.content + 1] === '\n' || text[child.content + 1] === '\r');
      if (child.indent < keyColumn || (child.indent === keyColumn && !isSeq)) {
        from = to = next;
        continue;
      }
      let end = next;
      while (end < to && (lines[end]!.empty || lines[end]!.indent > keyColumn || (lines[end]!.indent === keyColumn && isSeq && text[lines[end]!.content] === '-'))) end += 1;
      from = next;
      to = end;
      column = child.indent;
      firstAt = child.content;
    } else {
      // A sequence: items are the `- ` lines at the region's column.
      let index = -1;
      let item: { line: number; content: number } | undefined;
      for (let i = from; i < to && index < segment; i += 1) {
        const line = lines[i]!;
        if (line.empty || line.indent > column) continue;
        if (line.indent < column || text[line.content] !== '-') return GIVE_UP;
        index += 1;
        if (index === segment) {
          let content = line.content + 1;
          while (content < lineEnd(text, line) && text[content] === ' ') content += 1;
          item = { line: i, content };
        }
      }
      if (!item) break;
      const line = lines[item.line]!;
      const end = lineEnd(text, line);
      const c = text[item.content];
      if (c === '-' || c === '{' || c === '[' || c === '*' || c === '&' || c === '!' || c === '?') return GIVE_UP;
      offset = item.content;
      const itemColumn = item.content - line.start;
      let last = item.line + 1;
      while (last < to && (lines[last]!.empty || lines[last]!.indent >= itemColumn)) last += 1;
      if (item.content >= end || text[item.content] === '#') {
        // `-` alone on its line: the item's content is below.
        let next = item.line + 1;
        while (next < last && lines[next]!.empty) next += 1;
        if (next >= last) break;
        from = next;
        to = last;
        column = lines[next]!.indent;
        firstAt = lines[next]!.content;
        offset = firstAt;
        continue;
      }
      from = item.line;
      to = last;
      column = itemColumn;
      firstAt = item.content;
    }
  }
  return offset;
}
