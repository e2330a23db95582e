import { resolvePlain } from './js-yaml';

/**
 * A fast reader for the block-style YAML that Helm, kustomize, kubectl and cdk8s print, used
 * before js-yaml and giving way to it ({@link fastLoad} returns `undefined`, "give up") on
 * anything outside the subset below or anything it is not sure of. Whatever it returns is what
 * `safeLoadAll` (js-yaml 4 with the go-yaml v2 schema, `js-yaml.ts`) returns for the same text:
 * the same values, types and key order. It never accepts what js-yaml rejects: invalid YAML is
 * left to js-yaml, which reports it.
 *
 * Why: js-yaml's loader allocates far more than the objects it builds (a state object per node,
 * `result` strings rebuilt by concatenation, a snapshot per property), and the doctor reads whole
 * charts. This reader makes one pass with `charCodeAt`, slices each string out of the text once,
 * resolves plain scalars with the schema's own {@link resolvePlain}, and allocates only the result.
 *
 * The subset (YAML 1.2.2, https://yaml.org/spec/1.2.2/, as js-yaml 4.3 reads it: its
 * `lib/loader.js` is the reference where the two differ):
 * - an optional `---` line (nothing but a comment after it), one block mapping or block sequence,
 *   an optional `...` line with only comments after it; comments and blank lines anywhere;
 * - block mappings whose keys are plain (resolving to a string: not `true`, `1`, `null`, ...) or
 *   quoted on one line; block sequences, a sequence at the same indentation as its parent key
 *   (§8.2.1 "compact" form), `- key: v` opening a mapping on the dash line, `- - x`;
 * - plain scalars on one line (ending at ` #`), single- and double-quoted scalars on one line with
 *   YAML's escapes (§5.7), literal and folded block scalars with any chomping (§8.1.1.2) but no
 *   explicit indentation indicator, empty values (null), flow sequences and mappings of scalars on
 *   one line (`[]`, `{}`, `[a, "b"]`, `{name: grpc, port: 80}`);
 * - `\r\n` line ends.
 * It gives up on anchors, aliases, tags, merge keys (`<<`), `__proto__`, explicit keys (`?`),
 * directives, tabs outside quoted and block scalars, multi-line plain and quoted scalars, a key
 * given twice (js-yaml then reports it, and the reader notes it), characters js-yaml refuses in a
 * scalar (non-printable ones, lone surrogates), nesting deeper than {@link MAX_DEPTH}, and a chunk
 * that holds no node.
 */

/** What the reader throws to give up; never escapes {@link fastLoad}. Not an Error: no stack trace to build. */
const GIVE_UP: unknown = Object.freeze({ giveUp: true });

const TAB = 0x09;
const LF = 0x0a;
const SPACE = 0x20;
const DQUOTE = 0x22;
const HASH = 0x23;
const SQUOTE = 0x27;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/**
 * Nesting beyond which the reader gives up: js-yaml refuses more than 100 nested nodes
 * (`maxDepth`, loader.js `composeNode`), counted differently from collections here; half of it
 * keeps clear of that limit, far beyond any manifest.
 */
const MAX_DEPTH = 50;

/** How a node starts: after `key: `, after `- `, or alone on its line. */
const AFTER_KEY = 0;
const AFTER_DASH = 1;
const OWN_LINE = 2;
type Place = typeof AFTER_KEY | typeof AFTER_DASH | typeof OWN_LINE;

/** Block scalar chomping (§8.1.1.2). */
const CLIP = 0;
const STRIP = 1;
const KEEP = 2;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The documents `safeLoadAll(text)` returns for one chunk of {@link splitDocuments} (an optional
 * `---` line, one document, an optional `...`), or `undefined` when the text uses anything this
 * reader does not implement: then js-yaml must read it.
 */
export function fastLoad(source: string): unknown[] | undefined {
  return fastRead(source)?.values;
}

/**
 * Where each key and item of a document read by the fast reader starts, in pre-order: entry `i`
 * is a mapping key (`names[i]`) or a sequence item (`names[i]` undefined); `data[2i]` is its
 * offset, or `-offset - 1` when its value is a flow collection (whose contents are not
 * recorded), and `data[2i + 1]` the entry after its value's entries (its own `i + 1` for a
 * scalar). The root's own entries are 0 to `count`.
 */
export interface RecordedPositions {
  /** Offset of the document's node. */
  readonly at: number;
  /** Whether the document's node is a flow collection. */
  readonly rootFlow: boolean;
  readonly count: number;
  readonly data: readonly number[];
  readonly names: readonly (string | undefined)[];
}

/**
 * A document the fast reader read: its values and, until the next read, where its keys and items
 * start (the reader's shared arrays hold that record; {@link positions} copies it out). It keeps
 * no reference to the text: a long-lived process that read a large input keeps nothing of it.
 */
export class FastRead {
  constructor(
    readonly values: unknown[],
    /** Which read this was (the shared arrays hold the last one's record only). */
    private readonly read: number,
    /** Whether offsets in the text read are offsets in the text given (no byte order mark, no `\r\n`). */
    private readonly exact: boolean,
    private readonly entries: number,
    private readonly rootAt: number,
    private readonly rootFlow: boolean,
  ) {}

  /**
   * Where its keys and items start, as offsets in the text given; `undefined` when the offsets
   * would not be that text's, when the document holds no node, or after another read.
   */
  positions(): RecordedPositions | undefined {
    if (this.read !== reads || !this.exact || this.rootAt < 0) return undefined;
    const count = this.entries;
    // Plain arrays: V8 slices them several times faster than typed arrays (each of which gets a
    // buffer of its own), and a large input copies one record per Service.
    return { at: this.rootAt, rootFlow: this.rootFlow, count, data: recordData.slice(0, 2 * count), names: recordNames.slice(0, count) };
  }
}

/** {@link fastLoad}, also giving where each key and item starts (see {@link FastRead.positions}). */
export function fastLoadWithPositions(source: string): { values: unknown[]; positions: RecordedPositions | undefined } | undefined {
  const read = fastRead(source);
  return read && { values: read.values, positions: read.positions() };
}

/*
 * The reader always records where keys and items start, in these arrays shared by every read
 * (it is not reentrant): a store or two per key, and the same code for reads that keep the
 * record and reads that do not (when only some reads recorded, V8 threw away the reader's
 * compiled code the first time one did, and compiled it again). Let go of after a very large
 * document.
 */
const RECORD_KEPT_MAX = 1 << 16;
let recordData: number[] = [];
let recordNames: (string | undefined)[] = [];

function resetRecord(): void {
  if (recordNames.length <= RECORD_KEPT_MAX) return;
  recordData = [];
  recordNames = [];
}

/** Reads so far: the shared arrays hold the record of the last one. */
let reads = 0;

/** {@link fastLoad}, with what it recorded ({@link FastRead}). */
export function fastRead(source: string): FastRead | undefined {
  reads += 1;
  // Whether offsets in the text read are offsets in `source`.
  let exact = source.charCodeAt(0) !== 0xfeff;
  let text = exact ? source : source.slice(1);
  if (text.length === 0 || text.includes('\u0000')) return undefined;
  if (text.includes('\r')) {
    exact = false;
    // js-yaml reads `\r\n` as one line break and keeps no `\r` in any scalar that fits on one
    // line or in a block scalar, so the text without them reads the same; a lone `\r` (a line
    // break to js-yaml) is not worth a case.
    if (/\r(?!\n)/.test(text)) return undefined;
    text = text.replace(/\r\n/g, '\n');
  }
  // As js-yaml does: every line, the last one too, ends with a line feed.
  if (text.charCodeAt(text.length - 1) !== LF) text += '\n';
  resetRecord();
  let values: unknown[];
  const reader = new BlockReader(text);
  try {
    values = reader.document();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
  return new FastRead(values, reads, exact, reader.entries, reader.rootAt, reader.rootFlow);
}

/** Is `c` a space, a line feed or the end of the text (NaN), as after `-`, `:` or `---`. */
function isBlank(c: number): boolean {
  return c === SPACE || c === LF || c !== c;
}

/** Is `c` a flow indicator (`,[]{}`). */
function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * Characters that cannot start a plain scalar (§7.3.3 `ns-plain-first`, js-yaml
 * `readPlainScalar`), with `?`, `:` and `-` (valid before a non-space, given up here but for `-`,
 * which `--flag` and `-1` need), and a tab.
 */
function cannotStartPlain(c: number): boolean {
  switch (c) {
    case TAB:
    case SPACE:
    case LF:
    case 0x21: // !
    case DQUOTE:
    case HASH:
    case 0x25: // %
    case 0x26: // &
    case SQUOTE:
    case 0x2a: // *
    case COMMA:
    case COLON:
    case 0x3e: // >
    case 0x3f: // ?
    case 0x40: // @
    case LBRACKET:
    case RBRACKET:
    case 0x60: // `
    case LBRACE:
    case 0x7c: // |
    case RBRACE:
      return true;
    default:
      return c !== c;
  }
}

const NEWLINES = ['', '\n', '\n\n', '\n\n\n'];
function newlines(count: number): string {
  return count < NEWLINES.length ? NEWLINES[count]! : '\n'.repeat(count);
}

/**
 * Short scalar values, one string each across documents (`TCP`, `http`, `app`, label values):
 * V8 copies a slice shorter than 13 characters into a string of its own, and every such copy
 * in a kept object survives two scavenges (copied each time) before it reaches the old space.
 * Strings are values, so sharing one is invisible to the caller. Bounded: cleared when full.
 */
const SHORT = 13;
const SHARED_MAX = 4096;
let sharedStrings = new Map<string, string>();
function shared(value: string): string {
  if (value.length >= SHORT) return value;
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size >= SHARED_MAX) sharedStrings = new Map();
  sharedStrings.set(value, value);
  return value;
}

/**
 * Plain keys already read (so known to resolve to themselves), each as the internalized string
 * V8 keeps for a property name. A fresh slice used as a key makes every keyed load and store
 * (the duplicate check, then the store) look it up in V8's string table: about a third of the
 * main thread's reading time in a cold profile of the 2 MiB workloads input. A manifest has a
 * few hundred distinct keys; bounded anyway (cleared when full).
 */
const PLAIN_KEYS_MAX = 4096;
const plainKeys = new Map<string, string>();
function rememberPlainKey(key: string): string {
  if (plainKeys.size >= PLAIN_KEYS_MAX) plainKeys.clear();
  const name = internalized(key);
  plainKeys.set(name, name);
  return name;
}

/**
 * The string V8 keeps for a property name (Object.keys gives it back): a copy of its own, where
 * a slice of 13 characters or more would keep the whole input text alive for as long as the
 * reader's record holds the key.
 */
function internalized(key: string): string {
  return Object.keys({ [key]: null })[0] ?? key;
}

class BlockReader {
  private pos = 0;
  /** Offset of the line {@link indent} describes. */
  private lineStart = 0;
  /** Column of the content line the reader stands on (`pos` at its first character), or -1 at the end of the document. */
  private indent = -1;
  private depth = 0;
  /** Whether the document has its `---` line; {@link atStart} until its first content line. */
  private explicit = false;
  private atStart = true;
  /** End (exclusive, trailing spaces left out) of the plain scalar {@link scanPlain} read. */
  private plainEnd = 0;
  private readonly length: number;
  /** Entries recorded so far ({@link RecordedPositions}). */
  entries = 0;
  /** Offset of the document's node (-1: none). */
  rootAt = -1;
  rootFlow = false;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  document(): unknown[] {
    this.nextLine();
    if (this.indent === -1) {
      // Only comments: js-yaml gives `[null]` after a `---` line, and without one `[]` or `[null]`
      // depending on how the blank lines fall; splitDocuments never cuts such a chunk.
      if (this.explicit) return [null];
      throw GIVE_UP;
    }
    this.rootAt = this.pos;
    const root = this.node(-1, OWN_LINE);
    if (this.indent !== -1) throw GIVE_UP;
    return [root];
  }

  /**
   * From a line start, past blank and comment lines to the next content line (sets
   * {@link indent}, `pos` on its first character), or to the end of the document: the end of the
   * text or a `...` line, after which only comments may follow. The document's `---` line is
   * taken before its first content line; any other `---` line gives up.
   */
  private nextLine(): void {
    const text = this.text;
    let p = this.pos;
    for (;;) {
      if (p >= this.length) {
        this.pos = p;
        this.indent = -1;
        return;
      }
      const start = p;
      let c = text.charCodeAt(p);
      while (c === SPACE) c = text.charCodeAt(++p);
      if (c === LF) {
        p += 1;
        continue;
      }
      if (c === HASH) {
        p = text.indexOf('\n', p) + 1;
        continue;
      }
      if (c === TAB) throw GIVE_UP;
      if (p === start && (c === DASH || c === DOT) && text.charCodeAt(p + 1) === c && text.charCodeAt(p + 2) === c && isBlank(text.charCodeAt(p + 3))) {
        this.pos = p + 3;
        this.endOfLine();
        if (c === DASH) {
          if (!this.atStart || this.explicit) throw GIVE_UP;
          this.explicit = true;
          p = this.pos;
          continue;
        }
        this.onlyComments();
        this.indent = -1;
        return;
      }
      // js-yaml takes `---` at the start of a document as its marker even when content follows
      // without a space (`---apiVersion: v1`), and then fails.
      if (this.atStart && p === start && c === DASH && text.charCodeAt(p + 1) === DASH && text.charCodeAt(p + 2) === DASH) throw GIVE_UP;
      this.atStart = false;
      this.lineStart = start;
      this.pos = p;
      this.indent = p - start;
      return;
    }
  }

  /** After a node or a marker: spaces, an optional comment, the line feed; `pos` goes to the next line. */
  private endOfLine(): void {
    const text = this.text;
    let p = this.pos;
    let c = text.charCodeAt(p);
    while (c === SPACE) c = text.charCodeAt(++p);
    if (c === HASH) {
      p = text.indexOf('\n', p);
      c = LF;
    }
    if (c !== LF) throw GIVE_UP;
    this.pos = p + 1;
  }

  /** After `...`: nothing but blank and comment lines (js-yaml would read what else follows as another document). */
  private onlyComments(): void {
    const text = this.text;
    let p = this.pos;
    while (p < this.length) {
      let c = text.charCodeAt(p);
      while (c === SPACE) c = text.charCodeAt(++p);
      if (c === LF) p += 1;
      else if (c === HASH) p = text.indexOf('\n', p) + 1;
      else throw GIVE_UP;
    }
    this.pos = p;
  }

  /** Records a key or an item starting at `offset` (its value's entries follow it). */
  private entry(offset: number, name: string | undefined): number {
    const entry = this.entries;
    this.entries = entry + 1;
    // Both members at once: the arrays grow by appending, without holes.
    recordData[2 * entry] = offset;
    recordData[2 * entry + 1] = entry + 1;
    recordNames[entry] = name;
    return entry;
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw GIVE_UP;
  }

  /**
   * The node at `pos`, in a collection at column `parent` (-1 for the document), starting at
   * `place`; returns with {@link indent} on the line after it.
   */
  private node(parent: number, place: Place): unknown {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === DASH && isBlank(text.charCodeAt(this.pos + 1))) {
      // `key: - a` is not YAML; `- - a` and a sequence on its own line are.
      if (place === AFTER_KEY) throw GIVE_UP;
      return this.sequence(this.pos - this.lineStart);
    }
    if (c === DQUOTE || c === SQUOTE) {
      const column = this.pos - this.lineStart;
      const value = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
      let p = this.pos;
      while (text.charCodeAt(p) === SPACE) p += 1;
      if (text.charCodeAt(p) === COLON && isBlank(text.charCodeAt(p + 1))) {
        if (place === AFTER_KEY || value === '__proto__' || value === '<<') throw GIVE_UP;
        this.pos = p + 1;
        return this.mapping(column, internalized(value), column + this.lineStart);
      }
      this.endOfLine();
      this.nextLine();
      return shared(value);
    }
    if (c === LBRACKET || c === LBRACE) {
      // The entry of the key or item this value belongs to is the last one recorded.
      if (this.entries > 0) recordData[2 * (this.entries - 1)] = -recordData[2 * (this.entries - 1)]! - 1;
      else this.rootFlow = true;
      const value = this.flow();
      this.endOfLine();
      this.nextLine();
      return value;
    }
    if (c === 0x7c || c === 0x3e) {
      // `|` or `>`: a block scalar alone on its line is not worth a case.
      if (place === OWN_LINE) throw GIVE_UP;
      return this.blockScalar(parent, c === 0x3e);
    }
    if (cannotStartPlain(c)) throw GIVE_UP;
    const column = this.pos - this.lineStart;
    const start = this.pos;
    if (this.scanPlain()) {
      if (place === AFTER_KEY) throw GIVE_UP;
      return this.mapping(column, this.plainKey(start), start);
    }
    const value = resolvePlain(text.slice(start, this.plainEnd));
    this.endOfLine();
    this.nextLine();
    return typeof value === 'string' ? shared(value) : value;
  }

  /** A plain key: the text as written, which must resolve to itself (js-yaml makes `true:` the key `'true'`, `1:` the key `'1'`). */
  private plainKey(start: number): string {
    const key = this.text.slice(start, this.plainEnd);
    const known = plainKeys.get(key);
    if (known !== undefined) return known;
    if (resolvePlain(key) !== key || key === '__proto__' || key === '<<') throw GIVE_UP;
    return rememberPlainKey(key);
  }

  /** A block mapping at `column` whose first key, at `firstAt`, has been read (`pos` after its `:`). */
  private mapping(column: number, firstKey: string, firstAt: number): Record<string, unknown> {
    this.enter();
    const text = this.text;
    const result: Record<string, unknown> = {};
    let key = firstKey;
    let entry = this.entry(firstAt, firstKey);
    for (;;) {
      if (result[key] !== undefined && hasOwn.call(result, key)) throw GIVE_UP;
      // The value after the key's `:`: on the same line, or on the lines below. Written out here
      // rather than in a method of its own: V8 inlined such a method into this one and also
      // compiled it on its own, one more TurboFan compile (on a worker thread) of the same code.
      let at = this.pos;
      let next = text.charCodeAt(at);
      while (next === SPACE) next = text.charCodeAt(++at);
      this.pos = at;
      let value: unknown = null;
      if (next !== LF && next !== HASH) value = this.node(column, AFTER_KEY);
      else {
        this.endOfLine();
        this.nextLine();
        if (this.indent > column) value = this.node(column, OWN_LINE);
        // A sequence may sit at its key's indentation (js-yaml composeNode: "block sequences are
        // allowed to have same indentation level as the parent").
        else if (this.indent === column && text.charCodeAt(this.pos) === DASH && isBlank(text.charCodeAt(this.pos + 1))) value = this.sequence(column);
      }
      result[key] = value;
      recordData[2 * entry + 1] = this.entries;
      if (this.indent !== column) {
        if (this.indent > column) throw GIVE_UP;
        break;
      }
      // The next key, at the start of its line.
      const keyAt = this.pos;
      const c = text.charCodeAt(keyAt);
      if (c === DQUOTE || c === SQUOTE) {
        key = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
        let p = this.pos;
        while (text.charCodeAt(p) === SPACE) p += 1;
        if (text.charCodeAt(p) !== COLON || !isBlank(text.charCodeAt(p + 1)) || key === '__proto__' || key === '<<') throw GIVE_UP;
        key = internalized(key);
        this.pos = p + 1;
      } else {
        if (c === DASH || cannotStartPlain(c)) throw GIVE_UP;
        const start = this.pos;
        if (!this.scanPlain()) throw GIVE_UP;
        key = this.plainKey(start);
      }
      entry = this.entry(keyAt, key);
    }
    this.depth -= 1;
    return result;
  }

  /** A block sequence whose first `-` is at `pos`, column `column`. */
  private sequence(column: number): unknown[] {
    this.enter();
    const text = this.text;
    const result: unknown[] = [];
    for (;;) {
      let p = this.pos + 1;
      let c = text.charCodeAt(p);
      while (c === SPACE) c = text.charCodeAt(++p);
      this.pos = p;
      let entry: number;
      if (c === LF || c === HASH) {
        this.endOfLine();
        this.nextLine();
        // The item's content is on the lines below; with none, where the `-` line's text ends.
        if (this.indent > column) {
          entry = this.entry(this.pos, undefined);
          result.push(this.node(column, OWN_LINE));
        } else {
          entry = this.entry(p, undefined);
          result.push(null);
        }
      } else {
        entry = this.entry(p, undefined);
        result.push(this.node(column, AFTER_DASH));
      }
      recordData[2 * entry + 1] = this.entries;
      if (this.indent !== column) {
        if (this.indent > column) throw GIVE_UP;
        break;
      }
      // Another entry, or (for a sequence at its key's indentation) the parent mapping's next key.
      if (text.charCodeAt(this.pos) !== DASH || !isBlank(text.charCodeAt(this.pos + 1))) break;
    }
    this.depth -= 1;
    return result;
  }

  /**
   * A plain scalar on one line in block context, from `pos`: ends at a line feed, at ` #` or at
   * a `:` before a space or line feed (then it is a key: returns true with `pos` after the `:`).
   * Sets {@link plainEnd}; gives up on a tab or a character js-yaml refuses.
   */
  private scanPlain(): boolean {
    const text = this.text;
    let p = this.pos;
    let end = p;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === SPACE) {
        p += 1;
        continue;
      }
      if (c === LF) break;
      if (c === COLON) {
        const next = text.charCodeAt(p + 1);
        if (next === SPACE || next === LF) {
          this.plainEnd = end;
          this.pos = p + 1;
          return true;
        }
        if (next === TAB) throw GIVE_UP;
      } else if (c === HASH) {
        if (text.charCodeAt(p - 1) === SPACE) break;
      } else if (c < 0x20) {
        throw GIVE_UP;
      } else if (c >= 0x7f) {
        p = this.wide(p);
        end = p;
        continue;
      }
      p += 1;
      end = p;
    }
    this.plainEnd = end;
    this.pos = p;
    return false;
  }

  /**
   * Past a character from U+007F at `p`, in a plain or block scalar, giving up where js-yaml
   * would refuse it (loader.js `PATTERN_NON_PRINTABLE`: C1 controls but NEL, U+FFFE, U+FFFF,
   * lone surrogates).
   */
  private wide(p: number): number {
    const c = this.text.charCodeAt(p);
    if (c <= 0x9f) {
      if (c !== 0x85) throw GIVE_UP;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = this.text.charCodeAt(p + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) throw GIVE_UP;
      return p + 2;
    } else if (c >= 0xfffe) {
      throw GIVE_UP;
    }
    return p + 1;
  }

  /** `'...'` on one line, `''` for a quote (§7.3.2). */
  private singleQuoted(): string {
    const text = this.text;
    let p = this.pos + 1;
    let start = p;
    let value = '';
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === SQUOTE) {
        if (text.charCodeAt(p + 1) !== SQUOTE) break;
        value += text.slice(start, p + 1);
        p += 2;
        start = p;
        continue;
      }
      // A line feed (a multi-line scalar folds: not implemented) or a control js-yaml refuses.
      if (c < 0x20 && c !== TAB) throw GIVE_UP;
      p += 1;
    }
    this.pos = p + 1;
    return value === '' ? text.slice(start, p) : value + text.slice(start, p);
  }

  /** `"..."` on one line with the escapes of §5.7, as js-yaml decodes them (`simpleEscapeSequence`, `charFromCodepoint`). */
  private doubleQuoted(): string {
    const text = this.text;
    let p = this.pos + 1;
    let start = p;
    let value = '';
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === DQUOTE) break;
      if (c === BACKSLASH) {
        value += text.slice(start, p);
        const e = text.charCodeAt(p + 1);
        const simple = escaped(e);
        if (simple !== undefined) {
          value += simple;
          p += 2;
        } else {
          const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : e === 0x55 ? 8 : 0;
          if (digits === 0) throw GIVE_UP;
          let code = 0;
          for (let i = 0; i < digits; i += 1) {
            const h = hexValue(text.charCodeAt(p + 2 + i));
            if (h < 0) throw GIVE_UP;
            code = code * 16 + h;
          }
          if (code > 0x10ffff) throw GIVE_UP;
          value += code <= 0xffff ? String.fromCharCode(code) : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
          p += 2 + digits;
        }
        start = p;
        continue;
      }
      if (c < 0x20 && c !== TAB) throw GIVE_UP;
      p += 1;
    }
    this.pos = p + 1;
    return value === '' ? text.slice(start, p) : value + text.slice(start, p);
  }

  /** A flow sequence or mapping (`pos` on `[` or `{`) that ends on its line, of scalars and flow collections. */
  private flow(): unknown {
    this.enter();
    const text = this.text;
    const mapping = text.charCodeAt(this.pos) === LBRACE;
    const close = mapping ? RBRACE : RBRACKET;
    this.pos += 1;
    this.flowSpace();
    let result: unknown;
    if (mapping) {
      const object: Record<string, unknown> = {};
      result = object;
      while (text.charCodeAt(this.pos) !== close) {
        const key = this.flowKey();
        this.flowSpace();
        if (text.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
        this.pos += 1;
        this.flowSpace();
        const value = this.flowNode();
        if (object[key] !== undefined && hasOwn.call(object, key)) throw GIVE_UP;
        object[key] = value;
        if (this.flowNext(close)) break;
      }
    } else {
      const array: unknown[] = [];
      result = array;
      while (text.charCodeAt(this.pos) !== close) {
        array.push(this.flowNode());
        if (this.flowNext(close)) break;
      }
    }
    this.pos += 1;
    this.depth -= 1;
    return result;
  }

  /** After a flow entry: `,` (true when the closing bracket follows it or the entry) or the closing bracket. */
  private flowNext(close: number): boolean {
    this.flowSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c === close) return true;
    if (c !== COMMA) throw GIVE_UP;
    this.pos += 1;
    this.flowSpace();
    return false;
  }

  /** Spaces inside a flow collection; a line end or a comment (the collection goes on below) gives up. */
  private flowSpace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    while (c === SPACE) c = text.charCodeAt(++this.pos);
    if (c === LF || c === HASH || c === TAB) throw GIVE_UP;
  }

  private flowKey(): string {
    const c = this.text.charCodeAt(this.pos);
    if (c === DQUOTE || c === SQUOTE) {
      const key = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
      if (key === '__proto__' || key === '<<') throw GIVE_UP;
      return key;
    }
    if (c === DASH || cannotStartPlain(c)) throw GIVE_UP;
    const start = this.pos;
    this.scanFlowPlain();
    return this.plainKey(start);
  }

  private flowNode(): unknown {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === LBRACKET || c === LBRACE) return this.flow();
    if (c === DQUOTE) return this.doubleQuoted();
    if (c === SQUOTE) return this.singleQuoted();
    if (cannotStartPlain(c) || (c === DASH && (isBlank(text.charCodeAt(this.pos + 1)) || isFlowIndicator(text.charCodeAt(this.pos + 1))))) throw GIVE_UP;
    const start = this.pos;
    this.scanFlowPlain();
    return resolvePlain(text.slice(start, this.plainEnd));
  }

  /** A plain scalar inside a flow collection: ends at a flow indicator or a `:` before a space or one (js-yaml `readPlainScalar`). */
  private scanFlowPlain(): void {
    const text = this.text;
    let p = this.pos;
    let end = p;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === SPACE) {
        p += 1;
        continue;
      }
      if (isFlowIndicator(c)) break;
      if (c === COLON) {
        const next = text.charCodeAt(p + 1);
        if (next === SPACE || isFlowIndicator(next)) break;
        if (next === LF || next === TAB) throw GIVE_UP;
      } else if (c === HASH) {
        if (text.charCodeAt(p - 1) === SPACE) throw GIVE_UP;
      } else if (c < 0x20) {
        throw GIVE_UP;
      } else if (c >= 0x7f) {
        p = this.wide(p);
        end = p;
        continue;
      }
      p += 1;
      end = p;
    }
    this.plainEnd = end;
    this.pos = p;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar, `pos` on its indicator, in a collection at
   * column `parent`: js-yaml's `readBlockScalar` step by step (its content is indented more
   * than `parent`, by as much as its first non-empty line or any empty line before it; §8.1.1.2
   * chomping; §8.1.3 folding, more-indented lines kept), for headers without an indentation
   * indicator.
   */
  private blockScalar(parent: number, folded: boolean): string {
    const text = this.text;
    let p = this.pos + 1;
    let chomping = CLIP;
    let c = text.charCodeAt(p);
    if (c === 0x2b || c === DASH) {
      chomping = c === 0x2b ? KEEP : STRIP;
      c = text.charCodeAt(++p);
    }
    if (c === SPACE) {
      while (c === SPACE) c = text.charCodeAt(++p);
      if (c === HASH) {
        p = text.indexOf('\n', p);
        c = LF;
      }
    }
    // An indentation indicator, a second chomping indicator, anything else on the header line.
    if (c !== LF) throw GIVE_UP;

    let textIndent = parent + 1;
    let detected = false;
    let emptyLines = 0;
    let didRead = false;
    let moreIndented = false;
    let value = '';
    let lineStart: number;
    for (;;) {
      p += 1; // past the line feed
      lineStart = p;
      if (p >= this.length) break;
      let lineIndent = 0;
      c = text.charCodeAt(p);
      while ((!detected || lineIndent < textIndent) && c === SPACE) {
        lineIndent += 1;
        c = text.charCodeAt(++p);
      }
      if (!detected && lineIndent > textIndent) textIndent = lineIndent;
      if (c === LF) {
        emptyLines += 1;
        continue;
      }
      if (lineIndent < textIndent) {
        // The scalar ends; a tab there would be in the indentation.
        if (c === TAB) throw GIVE_UP;
        break;
      }
      if (folded) {
        if (c === SPACE || c === TAB) {
          moreIndented = true;
          value += newlines(didRead ? 1 + emptyLines : emptyLines);
        } else if (moreIndented) {
          moreIndented = false;
          value += newlines(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didRead) value += ' ';
        } else {
          value += newlines(emptyLines);
        }
      } else {
        value += newlines(didRead ? 1 + emptyLines : emptyLines);
      }
      didRead = true;
      detected = true;
      emptyLines = 0;
      const start = p;
      for (;;) {
        if (c === LF) break;
        if (c < 0x20) {
          if (c !== TAB) throw GIVE_UP;
        } else if (c >= 0x7f) {
          p = this.wide(p);
          c = text.charCodeAt(p);
          continue;
        }
        c = text.charCodeAt(++p);
      }
      value += text.slice(start, p);
    }
    if (chomping === KEEP) value += newlines(didRead ? 1 + emptyLines : emptyLines);
    else if (chomping === CLIP && didRead) value += '\n';
    this.pos = lineStart;
    this.nextLine();
    return value;
  }
}

/** js-yaml's `simpleEscapeSequence`: the one-character escapes of §5.7. */
function escaped(c: number): string | undefined {
  switch (c) {
    case 0x30:
      return '\x00';
    case 0x61:
      return '\x07';
    case 0x62:
      return '\x08';
    case 0x74:
    case TAB:
      return '\t';
    case 0x6e:
      return '\n';
    case 0x76:
      return '\x0b';
    case 0x66:
      return '\x0c';
    case 0x72:
      return '\r';
    case 0x65:
      return '\x1b';
    case SPACE:
      return ' ';
    case DQUOTE:
      return '"';
    case 0x2f:
      return '/';
    case BACKSLASH:
      return '\\';
    case 0x4e:
      return '\x85';
    case 0x5f:
      return '\xa0';
    case 0x4c:
      return '\u2028';
    case 0x50:
      return '\u2029';
    default:
      return undefined;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
