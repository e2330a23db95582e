/**
 * How long an `exec` preStop hook holds SIGTERM back, read from its command the way the kubelet
 * and a shell run it: the one exec-sleep parser of grpc-drain (the doctor, the retrofit and the
 * rules read hooks through it).
 *
 * The kubelet runs `exec.command` as an argv, without a shell
 * (https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations):
 * `["sleep 30"]` names a binary that does not exist, and `["sh", "-c", "sleep", "30"]` runs
 * `sleep` with no argument (30 becomes `$0`). Inside `sh -c SCRIPT`, only a foreground
 * `sleep N` with literal durations counts as a delay: `echo sleep 30` prints, `# sleep 30` is a
 * comment, `sleep 30 &` does not wait, `timeout 1 sleep 60` is `timeout`'s business. A command
 * whose duration cannot be known (an application's `/wait-shutdown`, `nginx -s quit`) ends what
 * can be counted: the server may be stopping from there on, so `sleep 20; stop.sh` delays 20 s.
 *
 * Several arguments are added up (`sleep 1m 30s` = 90 s), as GNU coreutils `sleep` and busybox
 * `sleep` with FEATURE_FANCY_SLEEP (its default) do.
 */

/** What an exec hook does before SIGTERM. */
export type ExecDelay =
  /** It sleeps this long (seconds, rounded up) before anything that could stop the server; `then`: what it runs next, in words. */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly then?: string }
  /** It runs only commands that return at once (`echo`, `true`, comments, a backgrounded sleep): no delay. */
  | { readonly kind: 'none' }
  /** Its delay cannot be read: why, in words. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** A program by name or by absolute path (`sleep`, `/bin/sleep`); a relative path (`./sleep`) is some other binary. */
function programName(word: string): string {
  if (!word.startsWith('/')) return word;
  return word.slice(word.lastIndexOf('/') + 1);
}

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
/** Commands that return at once and do not touch the server. */
const INSTANT: ReadonlySet<string> = new Set(['echo', 'printf', 'true', ':', 'date', 'logger', 'set']);
/** Units of GNU and busybox `sleep`. */
const UNIT_SECONDS: { readonly [unit: string]: number } = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
/** A non-negative decimal with an optional unit: no sign, no exponent, no `infinity`. */
const SLEEP_ARGUMENT = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/;

/** Rounded up to whole seconds like a budget duration (0.5 s sleeps into the next second); the epsilon absorbs float noise. */
function ceilSeconds(value: number): number {
  return Math.max(0, Math.ceil(value - 1e-9));
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
 * backticks) and globs make a word non-literal.
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

/** Seconds of `sleep ARGS…` (added up), or why they cannot be read. */
function sleepSeconds(args: readonly string[], literal: readonly boolean[]): number | string {
  if (args.length === 0) return 'sleep without a duration fails at once';
  let total = 0;
  for (let i = 0; i < args.length; i += 1) {
    const match = literal[i] ? SLEEP_ARGUMENT.exec(args[i]!) : null;
    if (!match) return `sleep ${args.join(' ')} has no literal duration`;
    total += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  }
  return total;
}

/** The script of `sh -c SCRIPT` (flags may be grouped: `-ec`, `-xc`; `busybox sh -c`), when the command is one. */
function shellScript(command: readonly string[]): string | undefined {
  const start = programName(command[0] ?? '') === 'busybox' ? 1 : 0;
  if (!SHELLS.has(programName(command[start] ?? ''))) return undefined;
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
    while (words.length > 0 && (words[0] === 'exec' || programName(words[0]!) === 'busybox')) {
      words = words.slice(1);
      literal = literal.slice(1);
    }
    const program = programName(words[0] ?? '');
    if (program === '' || INSTANT.has(program)) continue;
    if (program === 'sleep' && !command.background) {
      const read = sleepSeconds(words.slice(1), literal.slice(1));
      if (typeof read === 'string') return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds), then: read } : { kind: 'unknown', reason: read };
      seconds += read;
      slept = true;
      continue;
    }
    if (program === 'sleep') continue; // backgrounded: the hook does not wait for it
    const what = `runs ${words.join(' ')}`;
    return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds), then: what } : { kind: 'unknown', reason: `it ${what}, whose duration cannot be known from the manifest` };
  }
  return slept ? { kind: 'sleep', seconds: ceilSeconds(seconds) } : { kind: 'none' };
}

/** Reads an exec hook's `command` (an argv, run without a shell unless it is `sh -c …`). */
export function execDelay(command: readonly unknown[]): ExecDelay {
  if (command.length === 0) return { kind: 'unknown', reason: 'the exec command is empty: the hook fails at once' };
  if (command.some((part) => typeof part !== 'string')) return { kind: 'unknown', reason: 'the exec command holds a value that is not a string: the API server rejects it' };
  const argv = command as readonly string[];
  const script = shellScript(argv);
  if (script !== undefined) return delayOf(commandsOf(script));
  return delayOf([{ words: argv, literal: argv.map(() => true), background: false }]);
}

/**
 * Seconds an exec hook sleeps before anything else can stop the server: 0 when it runs nothing
 * that waits (`echo sleep 30`, `# sleep 30`), `undefined` when it cannot be read
 * (`timeout 1 sleep 60`, `/wait-shutdown`, `sleep $DELAY`).
 */
export function parseExecSleep(command: readonly unknown[]): number | undefined {
  const delay = execDelay(command);
  return delay.kind === 'sleep' ? delay.seconds : delay.kind === 'none' ? 0 : undefined;
}
