import { promises as fs } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import type { Finding } from '../model';
import { DrainBudgetError } from '../plan';
import {
  diagnoseManifests,
  formatJson,
  formatSarif,
  formatText,
  ManifestParseError,
  resolveDoctorOptions,
  type DoctorOptions,
  type ManifestSource,
} from '../doctor';
import { budgetFlagLabel, budgetProblemLines, readBudgetFlags } from './budget-flags';
import { EXIT, readAll, UsageError, useColor, type CliIo } from './io';
import { unknownFlagProblems } from './unknown-flags';

/** Output formats of `grpc-drain doctor`. */
export const DOCTOR_FORMATS = ['text', 'json', 'sarif'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

/** The flags of `grpc-drain doctor` that are not budget inputs, as commander hands them over. */
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

/** Reads the inputs: `-` is stdin, a directory means its .yaml/.yml/.json files (recursively). */
export async function readSources(files: readonly string[], io: CliIo): Promise<ManifestSource[]> {
  if (files.length === 0) {
    throw new UsageError('no input: pass manifest files or directories, or - to read stdin (helm template … | grpc-drain doctor -)');
  }
  const sources: ManifestSource[] = [];
  let stdinRead = false;
  for (const file of files) {
    if (file === '-') {
      if (stdinRead) throw new UsageError('- (stdin) is given more than once');
      stdinRead = true;
      sources.push({ path: '-', text: await readAll(io.stdin) });
      continue;
    }
    try {
      if ((DOCTOR_FORMATS as readonly string[]).includes(file) && !(await exists(file))) {
        throw new UsageError(`cannot read ${file}: no such file or directory (-f names a file, as with kubectl; the output format is -o ${file})`);
      }
      const stat = await fs.stat(file);
      const paths = stat.isDirectory() ? await filesUnder(file) : [file];
      for (const p of paths) sources.push({ path: p, text: await fs.readFile(p, 'utf8') });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw describeFsError(file, error);
    }
  }
  return sources;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The doctor options the flags describe, checked with the budget's rules; every problem at once. */
export function doctorOptions(command: Command, problems: string[]): DoctorOptions | undefined {
  const flags = command.opts<DoctorFlags>();
  const { budget, problems: flagProblems } = readBudgetFlags(command);
  const options: DoctorOptions = { ...(budget as DoctorOptions), ...(flags.namespace !== undefined && { defaultNamespace: flags.namespace }) };
  let violations: readonly Finding[] = [];
  try {
    resolveDoctorOptions(options, budgetFlagLabel);
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    // The namespace check is not labelled by the budget; name its flag here.
    violations = error.violations.map((v) => (v.field === 'defaultNamespace' ? { ...v, message: v.message.replace('defaultNamespace', '--namespace') } : v));
  }
  problems.push(...budgetProblemLines(flagProblems, violations));
  return problems.length > 0 ? undefined : options;
}

/** `grpc-drain doctor`: diagnoses the manifests, prints the report, returns the exit code. */
export async function runDoctor(positional: readonly string[], command: Command, io: CliIo): Promise<number> {
  const flags = command.opts<DoctorFlags>();
  const problems = [...unknownFlagProblems(command)];
  const format = outputFormat(flags, problems);
  const options = doctorOptions(command, problems);
  if (problems.length > 0 || !options) throw new UsageError(problems.join('\n'));
  const files = [...positional, ...(flags.filename ?? [])];
  const sources = await readSources(files, io);
  let report;
  try {
    report = diagnoseManifests(sources, options);
  } catch (error) {
    if (error instanceof ManifestParseError) throw new UsageError(error.message);
    throw error;
  }
  if (report.objectCount === 0) {
    throw new UsageError(`no Kubernetes objects in the input (${sources.map((s) => s.path).join(', ')}): nothing to diagnose`);
  }
  const output =
    format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report, { color: useColor(io, flags.color === false) });
  io.stdout.write(output);
  return report.errorCount > 0 ? EXIT.findings : EXIT.ok;
}
