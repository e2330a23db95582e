import { ceilSeconds } from '../plan';

/**
 * How long an `exec` preStop hook holds SIGTERM back, read from its command as a shell would
 * run it. Only a foreground `sleep N` with literal durations counts as a delay: `echo sleep
 * 30` prints, `# sleep 30` is a comment, `timeout 1 sleep 60` is `timeout`'s business,
 * `sleep 30 &` does not wait. A command the doctor cannot know (an application's
 * `/wait-shutdown`, `nginx -s quit`) ends what it can count: the server may be stopping from
 * there on.
 */

/** What an exec hook does before SIGTERM. */
export type ExecDelay =
  /** It sleeps this long (seconds, rounded up) before anything that could stop the server. */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly then?: string }
  /** It runs only commands that return at once (`echo`, `true`, comments): no delay. */
  | { readonly kind: 'none' }
  /** Its delay cannot be read: what it runs, in words. */
  | { readonly kind: 'unknown'; readonly reason: string };

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
/** Commands that return at once and do not touch the server. */
const INSTANT = new Set(['echo', 'printf', 'true', ':', 'date', 'logger', 'set']);
/** Units of GNU and busybox `sleep` (`sleep 1m 30s` sums its arguments). */
const UNIT: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/;

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** A simple command of a script, and whether it runs in the background (`&`). */
interface SimpleCommand {
  readonly words: readonly string[];
  /** A word had a `$`, a backtick or a glob: not a literal. */
  readonly literal: readonly boolean[];
  readonly background: boolean;
}

/**
 * Splits a POSIX shell script into simple commands at `;`, `&&`, `||`, `|`, `&`, newlines and
 * parentheses, with quotes, backslashes and comments as `sh` reads them. Expansions (`$…`,
 * backticks) make a word non-literal.
 */
function commandsOf(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let literal: boolean[] = [];
  let word = '';
  let inWord = false;
  let isLiteral = true;
  const endWord = () => {
    if (inWord) {
      words.push(word);
      literal.push(isLiteral);
    }
    word = '';
    inWord = false;
    isLiteral = true;
  };
  const endCommand = (background: boolean) => {
    endWord();
    if (words.length > 0) commands.push({ words, literal, background });
    words = [];
    literal = [];
  };
  for (let i = 0; i < script.length; i += 1) {
    const c = script[i]!;
    if (c === '\\') {
      if (script[i + 1] === '\n') i += 1;
      else {
        word += script[i + 1] ?? '';
        inWord = true;
        i += 1;
      }
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end === -1 ? script.length : end);
      inWord = true;
      i = end === -1 ? script.length : end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j += 1) {
        if (script[j] === '\\' && j + 1 < script.length) {
          word += script[j + 1];
          j += 1;
        } else {
          if (script[j] === '$' || script[j] === '`') isLiteral = false;
          word += script[j];
        }
      }
      inWord = true;
      i = j;
    } else if (c === '#' && !inWord) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end - 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '(' || c === ')') {
      endCommand(false);
    } else if (c === '&') {
      if (script[i + 1] === '&') {
        endCommand(false);
        i += 1;
      } else endCommand(true);
    } else if (c === '|') {
      if (script[i + 1] === '|') i += 1;
      endCommand(false);
    } else {
      if (c === '$' || c === '`' || c === '*' || c === '?') isLiteral = false;
      word += c;
      inWord = true;
    }
  }
  endCommand(false);
  return commands;
}

/** Seconds of `sleep ARGS…`, or why they cannot be read. */
function sleepSeconds(args: readonly string[], literal: readonly boolean[]): number | string {
  if (args.length === 0) return 'sleep without a duration fails at once';
  let total = 0;
  for (let i = 0; i < args.length; i += 1) {
    const match = literal[i] ? DURATION.exec(args[i]!) : null;
    if (!match) return `sleep ${args.join(' ')} has no literal duration`;
    total += Number(match[1]) * UNIT[match[2]!]!;
  }
  return total;
}

/** The script of `sh -c SCRIPT` (flags may be grouped: `-ec`, `-xc`), when the command is one. */
function shellScript(command: readonly string[]): string | undefined {
  const start = basename(command[0] ?? '') === 'busybox' ? 1 : 0;
  if (!SHELLS.has(basename(command[start] ?? ''))) return undefined;
  for (let i = start + 1; i < command.length; i += 1) {
    const arg = command[i]!;
    if (/^-[a-z]*c[a-z]*$/.test(arg)) return command[i + 1] ?? '';
    if (!arg.startsWith('-')) return undefined;
  }
  return undefined;
}

function delayOf(commands: readonly SimpleCommand[]): ExecDelay {
  let seconds = 0;
  let slept = false;
  for (const command of commands) {
    let words = command.words;
    let literal = command.literal;
    // `exec sleep 5` and `busybox sleep 5` run sleep itself.
    while (words.length > 0 && (words[0] === 'exec' || basename(words[0]!) === 'busybox')) {
      words = words.slice(1);
      literal = literal.slice(1);
    }
    const program = basename(words[0] ?? '');
    if (INSTANT.has(program) || program === '') continue;
    if (program === 'sleep' && !command.background) {
      const read = sleepSeconds(words.slice(1), literal.slice(1));
      if (typeof read === 'string') return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds), then: read } : { kind: 'unknown', reason: read };
      seconds += read;
      slept = true;
      continue;
    }
    if (program === 'sleep') continue; // backgrounded: the hook does not wait for it
    const what = `runs ${words.join(' ')}`;
    return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds), then: what } : { kind: 'unknown', reason: `it ${what}, whose duration the doctor cannot know` };
  }
  return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds) } : { kind: 'none' };
}

/** Reads an exec hook's `command` (an argv, run without a shell unless it is `sh -c …`). */
export function execDelay(command: readonly string[]): ExecDelay {
  if (command.length === 0) return { kind: 'unknown', reason: 'the exec command is empty: the hook fails at once' };
  const script = shellScript(command);
  if (script !== undefined) return delayOf(commandsOf(script));
  return delayOf([{ words: command, literal: command.map(() => true), background: false }]);
}

/**
 * Seconds an exec hook's command sleeps before anything else can stop the server:
 * `undefined` when it cannot be read, 0 when it runs nothing that waits.
 */
export function execSleepSeconds(command: readonly string[]): number | undefined {
  const delay = execDelay(command);
  return delay.kind === 'sleep' ? delay.seconds : delay.kind === 'none' ? 0 : undefined;
}
