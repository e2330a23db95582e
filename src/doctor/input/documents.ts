/**
 * A YAML stream cut into its documents without parsing it.
 *
 * A line that starts with `---` or `...` followed by a space, a tab or the end of the line is
 * a document marker wherever it appears: YAML 1.2 forbids such a line inside any content, block
 * and quoted scalars included (§9.1.2 `c-forbidden`, https://yaml.org/spec/1.2.2/#912-document-markers).
 * Cutting there lets each document be parsed, reported and located on its own: one broken
 * document does not hide the others, and a finding's location only needs its own document.
 */

/** One document of a stream: its text and where it starts. */
export interface DocumentChunk {
  /** 1-based index of the document in the stream (documents that are only comments are not counted). */
  readonly index: number;
  /** Offset of the chunk in the source text (after a byte-order mark). */
  readonly start: number;
  /** 1-based line of the chunk's first character in the source. */
  readonly line: number;
  /** The chunk: from its `---` marker (when it has one) to the next document's. */
  readonly text: string;
}

const MARKER_FOLLOW = new Set([' ', '\t', '\r', '\n']);

/** `---` or `...` at `pos` (a line start), followed by blank or end of line. */
function markerAt(text: string, pos: number): '---' | '...' | undefined {
  const c = text.charCodeAt(pos);
  if (c !== 0x2d && c !== 0x2e) return undefined;
  const three = text.slice(pos, pos + 3);
  if (three !== '---' && three !== '...') return undefined;
  const next = text[pos + 3];
  return next === undefined || MARKER_FOLLOW.has(next) ? three : undefined;
}

/** Whether a chunk without a `---` marker holds anything but blank lines, comments and directives. */
function hasContent(text: string): boolean {
  // Line by line without splitting the text into an array of lines.
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const trimmed = text.slice(start, end).trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('%') && trimmed !== '...') return true;
    start = end + 1;
  }
  return false;
}

/** Cuts a YAML stream (a byte-order mark is dropped) into its documents. */
export function splitDocuments(source: string): DocumentChunk[] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const chunks: DocumentChunk[] = [];
  let chunkStart = 0;
  let chunkLine = 1;
  let explicit = false;
  const close = (end: number) => {
    const body = text.slice(chunkStart, end);
    if (explicit || hasContent(body)) chunks.push({ index: chunks.length + 1, start: chunkStart, line: chunkLine, text: body });
  };
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const next = newline === -1 ? text.length : newline + 1;
    const marker = markerAt(text, pos);
    if (marker === '---') {
      if (pos > chunkStart) close(pos);
      chunkStart = pos;
      chunkLine = line;
      explicit = true;
    } else if (marker === '...') {
      // The end marker belongs to its document; what follows starts a new one.
      close(next);
      chunkStart = next;
      chunkLine = line + 1;
      explicit = false;
    }
    pos = next;
    line += 1;
  }
  if (chunkStart < text.length) close(text.length);
  return chunks;
}
