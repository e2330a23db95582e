import type { Command } from 'commander';

/**
 * Commander stops at the first unknown option, and classifies everything after it as unknown
 * too. To report every bad flag at once, the arguments of a command are scanned first: the
 * unknown options are taken out (each with a suggestion when a known flag is close), and the
 * rest is parsed as usual; the command then reports the unknown ones with its own problems.
 */

const PROBLEMS = new WeakMap<Command, string[]>();

/** Levenshtein distance, for near-miss suggestions (`--propogation` → `--propagation`). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The known flag closest to `unknown`, when one is close enough to be what was meant. */
export function suggestFlag(unknown: string, known: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const d = distance(unknown, name);
    const prefix = unknown.length >= 5 && (name.startsWith(unknown) || unknown.startsWith(name));
    const score = prefix ? Math.min(d, 1) : d;
    if (score <= Math.max(2, Math.floor(name.length / 4)) && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}

interface KnownOption {
  readonly takesValue: 'required' | 'optional' | 'none';
}

function knownOptions(command: Command): Map<string, KnownOption> {
  const known = new Map<string, KnownOption>([
    ['-h', { takesValue: 'none' }],
    ['--help', { takesValue: 'none' }],
  ]);
  for (const option of command.options) {
    const takesValue = option.required ? 'required' : option.optional ? 'optional' : 'none';
    if (option.long) known.set(option.long, { takesValue });
    if (option.short) known.set(option.short, { takesValue });
  }
  return known;
}

/**
 * Takes the unknown options out of a command's arguments, as commander would read them (a
 * required value is the next argument, `--x=v` carries its own, `--` ends the options), and
 * remembers one problem line per unknown option for {@link unknownFlagProblems}.
 */
export function stripUnknownFlags(command: Command, args: readonly string[]): string[] {
  const known = knownOptions(command);
  const names = [...known.keys()].filter((name) => name.startsWith('--') && name !== '--help');
  const kept: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') {
      kept.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      kept.push(arg);
      continue;
    }
    const name = arg.startsWith('--') ? arg.split('=', 1)[0]! : arg.slice(0, 2);
    const option = known.get(name);
    if (option) {
      kept.push(arg);
      const inline = arg.startsWith('--') ? arg.includes('=') : arg.length > 2;
      if (option.takesValue === 'required' && !inline && i + 1 < args.length) kept.push(args[++i]!);
      continue;
    }
    const hint = arg.startsWith('--') ? suggestFlag(name, names) : undefined;
    problems.push(`unknown option '${name}'${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  PROBLEMS.set(command, problems);
  return kept;
}

/** The unknown options {@link stripUnknownFlags} took out of this command's arguments. */
export function unknownFlagProblems(command: Command): readonly string[] {
  return PROBLEMS.get(command) ?? [];
}
