import { promises as fs } from 'fs';
import * as path from 'path';
import { getHeapStatistics } from 'v8';
import type { Command } from 'commander';
import type { Finding } from '../model';
import { DrainBudgetError } from '../plan';
// The modules a text report needs, not the doctor's barrel: the JSON and SARIF formatters are
// loaded only when asked for (every module costs the CLI's start resolving and compiling it).
import { diagnoseManifests, diagnoseManifestsEach } from '../doctor/doctor';
import { describeProblem, TextReportWriter } from '../doctor/format/text';
import type { InputProblem, ManifestSource } from '../doctor/manifests';
import { resolveDoctorOptions, type DoctorOptions } from '../doctor/options';
import { budgetFlagLabel, budgetProblemLines, DEFAULT_MAX_INPUT_BYTES, readBudgetFlags, readManifestFlags, showSize } from './budget-flags';
import { EXIT, UsageError, useColor, type CliIo } from './io';
import { unknownFlagProblems } from './unknown-flags';

/** Output formats of `grpc-drain doctor`. */
export const DOCTOR_FORMATS = ['text', 'json', 'sarif'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

/** The flags of `grpc-drain doctor` that are not budget or manifest flags, as commander hands them over. */
export interface DoctorFlags {
  readonly output?: string;
  /** The old name of `--output`, kept as an alias. */
  readonly format?: string;
  /** `-f FILE`, as with kubectl. */
  readonly filename?: readonly string[];
  readonly namespace?: string;
  readonly color?: boolean;
}

/** `-o/--output` (or its alias `--format`): one of text, json, sarif. */
function outputFormat(flags: DoctorFlags, problems: string[]): DoctorFormat {
  if (flags.output !== undefined && flags.format !== undefined && flags.output !== flags.format) {
    problems.push(`-o/--output ${flags.output} and --format ${flags.format} disagree; give one of them (--format is the old name of --output).`);
  }
  const format = flags.output ?? flags.format ?? 'text';
  if (!(DOCTOR_FORMATS as readonly string[]).includes(format)) {
    problems.push(`-o/--output must be one of ${DOCTOR_FORMATS.join(', ')}; got ${JSON.stringify(format)}.`);
    return 'text';
  }
  return format as DoctorFormat;
}

/** Doctor options that are not budget fields, as their flags are named. */
const OPTION_FLAG: Readonly<Record<string, string>> = { defaultNamespace: '--namespace', lbcClass: '--lbc-class' };

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

function describeFsError(file: string, error: unknown): UsageError {
  const code = (error as { code?: unknown } | null)?.code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new UsageError(`cannot read ${file}: ${why}`);
}

/** Reads stdin up to `limit` bytes; `undefined` when it holds more. */
async function readStdin(stdin: CliIo['stdin'], limit: number): Promise<{ text: string } | { bytes: number }> {
  if (typeof stdin === 'string') return Buffer.byteLength(stdin) > limit ? { bytes: Buffer.byteLength(stdin) } : { text: stdin };
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    bytes += buffer.length;
    if (bytes > limit) return { bytes };
    chunks.push(buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}

/** The inputs that could be read, and the ones that could not (with why). */
export interface ReadSources {
  readonly sources: ManifestSource[];
  readonly problems: InputProblem[];
}

/**
 * Reads the inputs: `-` is stdin, a directory means its .yaml/.yml/.json files (recursively).
 * A file that cannot be read, or that would take the input over `maxBytes`, is a problem of
 * its own; the others are read.
 */
export async function readSources(files: readonly string[], io: CliIo, maxBytes: number = DEFAULT_MAX_INPUT_BYTES): Promise<ReadSources> {
  if (files.length === 0) {
    throw new UsageError('no input: pass manifest files or directories, or - to read stdin (helm template … | grpc-drain doctor -)');
  }
  if (files.filter((file) => file === '-').length > 1) throw new UsageError('- (stdin) is given more than once');
  const sources: ManifestSource[] = [];
  const problems: InputProblem[] = [];
  let total = 0;
  const over = (file: string, bytes: number) =>
    problems.push({ file, message: `${file === '-' ? 'stdin' : file} holds ${showSize(bytes)}, which takes the input over the limit of ${showSize(maxBytes)}: it is not read (raise the limit with --max-input-size)` });
  for (const file of files) {
    if (file === '-') {
      const read = await readStdin(io.stdin, maxBytes - total);
      if ('bytes' in read) over('-', read.bytes);
      else {
        total += Buffer.byteLength(read.text);
        sources.push({ path: '-', text: read.text });
      }
      continue;
    }
    let paths: string[];
    try {
      const stat = await fs.stat(file);
      paths = stat.isDirectory() ? await filesUnder(file) : [file];
    } catch (error) {
      // `-f json` read as kubectl reads it: a file named json, most likely meant as the output format.
      const hint = (DOCTOR_FORMATS as readonly string[]).includes(file) ? ` (-f names a file, as with kubectl; the output format is -o ${file})` : '';
      problems.push({ file, message: `${describeFsError(file, error).message}${hint}` });
      continue;
    }
    for (const p of paths) {
      try {
        const { size } = await fs.stat(p);
        if (total + size > maxBytes) {
          over(p, size);
          continue;
        }
        const text = await fs.readFile(p, 'utf8');
        total += size;
        sources.push({ path: p, text });
      } catch (error) {
        problems.push({ file: p, message: describeFsError(p, error).message });
      }
    }
  }
  return { sources, problems };
}

/**
 * The doctor options the flags describe, checked with the budget's rules, and the input bound;
 * every problem goes to `problems` (all at once), `undefined` when there is one.
 */
export function doctorOptions(command: Command, problems: string[]): { options: DoctorOptions; maxInputBytes: number } | undefined {
  const flags = command.opts<DoctorFlags>();
  const { budget, problems: flagProblems } = readBudgetFlags(command);
  const manifest = readManifestFlags(command, getHeapStatistics().heap_size_limit);
  const options: DoctorOptions = {
    ...(budget as DoctorOptions),
    ...(flags.namespace !== undefined && { defaultNamespace: flags.namespace }),
    ...(manifest.values.lbcClass !== undefined && { lbcClass: manifest.values.lbcClass }),
    ...(manifest.values.lbcWebhook !== undefined && { lbcWebhook: manifest.values.lbcWebhook }),
  };
  let violations: readonly Finding[] = [];
  try {
    resolveDoctorOptions(options, budgetFlagLabel);
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    // The options that are not budget fields are not labelled by the budget; name their flags here.
    violations = error.violations.map((v) => (OPTION_FLAG[v.field] !== undefined ? { ...v, message: v.message.replace(v.field, OPTION_FLAG[v.field]!) } : v));
  }
  problems.push(...budgetProblemLines(flagProblems, violations), ...manifest.problems);
  return problems.length > 0 ? undefined : { options, maxInputBytes: manifest.values.maxInputBytes };
}

/** `grpc-drain doctor`: diagnoses the manifests, prints the report, returns the exit code. */
export async function runDoctor(positional: readonly string[], command: Command, io: CliIo): Promise<number> {
  const flags = command.opts<DoctorFlags>();
  const problems = [...unknownFlagProblems(command)];
  const format = outputFormat(flags, problems);
  const resolved = doctorOptions(command, problems);
  if (problems.length > 0 || !resolved) throw new UsageError(problems.join('\n'));
  const { options, maxInputBytes } = resolved;
  const files = [...positional, ...(flags.filename ?? [])];
  const { sources, problems: unread } = await readSources(files, io, maxInputBytes);
  const nothingRead = (report: { objectCount: number; problems: readonly InputProblem[] }): void => {
    if (report.objectCount > 0) return;
    // Nothing could be read: exit 2 with every reason.
    if (report.problems.length > 0) throw new UsageError(report.problems.map(describeProblem).join('\n'));
    throw new UsageError(`no Kubernetes objects in the input (${sources.map((s) => s.path).join(', ')}): nothing to diagnose`);
  };
  if (format === 'text') {
    // Each workload is written as it is diagnosed and then let go (an input with no object has none).
    const writer = new TextReportWriter((chunk) => io.stdout.write(chunk), { color: useColor(io, flags.color === false) });
    const report = diagnoseManifestsEach(sources, options, unread, (diagnosis) => writer.workload(diagnosis));
    nothingRead(report);
    writer.end(report);
    return report.errorCount > 0 ? EXIT.findings : EXIT.ok;
  }
  const report = diagnoseManifests(sources, options, unread);
  nothingRead(report);
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (format === 'json') io.stdout.write((require('../doctor/format/json') as typeof import('../doctor/format/json')).formatJson(report));
  else io.stdout.write((require('../doctor/format/sarif') as typeof import('../doctor/format/sarif')).formatSarif(report));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return report.errorCount > 0 ? EXIT.findings : EXIT.ok;
}
