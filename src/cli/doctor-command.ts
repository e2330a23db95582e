import { promises as fs } from 'fs';
import * as path from 'path';
import type { BudgetField } from '../model';
import { DrainBudgetError } from '../plan';
import {
  diagnoseManifests,
  formatJson,
  formatSarif,
  formatText,
  ManifestParseError,
  parseDuration,
  resolveDoctorOptions,
  type DoctorOptions,
  type ManifestSource,
} from '../doctor';
import { EXIT, readAll, UsageError, useColor, type CliIo } from './io';

/** Output formats of `grpc-drain doctor`. */
export const DOCTOR_FORMATS = ['text', 'json', 'sarif'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

/** The flags of `grpc-drain doctor`, as commander hands them over (strings, unparsed). */
export interface DoctorFlags {
  readonly format?: string;
  readonly propagation?: string;
  readonly drain?: string;
  readonly cleanup?: string;
  readonly headroom?: string;
  readonly kubernetesVersion?: string;
  readonly maxGrace?: string;
  readonly readinessGate?: boolean;
  readonly namespace?: string;
  readonly color?: boolean;
}

/** How the doctor's flags are named in messages. */
const DOCTOR_FLAG: Partial<Record<BudgetField | 'defaultNamespace', string>> = {
  propagationSeconds: '--propagation',
  drainTimeoutSeconds: '--drain',
  cleanupSeconds: '--cleanup',
  headroomSeconds: '--headroom',
  kubernetesVersion: '--kubernetes-version',
  maxTerminationGracePeriodSeconds: '--max-grace',
  readinessGate: '--readiness-gate',
};

/** A duration flag as seconds, or a usage error in the budget's words. */
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new UsageError(`[budget-valid] ${flag} must be a duration such as 20s, 1m30s, 500ms or a number of seconds; got ${JSON.stringify(value)}.`);
  }
  return seconds;
}

/** Turns budget violations into one usage error, one line per violation. */
export function budgetUsageError(error: DrainBudgetError): UsageError {
  return new UsageError(error.violations.map((v) => `[${v.rule}] ${v.message}`).join('\n'));
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
      const stat = await fs.stat(file);
      const paths = stat.isDirectory() ? await filesUnder(file) : [file];
      for (const p of paths) sources.push({ path: p, text: await fs.readFile(p, 'utf8') });
    } catch (error) {
      throw describeFsError(file, error);
    }
  }
  return sources;
}

/** Converts the flags, checking them with the budget's rules. */
export function doctorOptions(flags: DoctorFlags): DoctorOptions {
  const options: DoctorOptions = {
    ...(flags.propagation !== undefined && { propagationSeconds: durationFlag('--propagation', flags.propagation)! }),
    ...(flags.drain !== undefined && { drainTimeoutSeconds: durationFlag('--drain', flags.drain)! }),
    ...(flags.cleanup !== undefined && { cleanupSeconds: durationFlag('--cleanup', flags.cleanup)! }),
    ...(flags.headroom !== undefined && { headroomSeconds: durationFlag('--headroom', flags.headroom)! }),
    ...(flags.maxGrace !== undefined && { maxTerminationGracePeriodSeconds: durationFlag('--max-grace', flags.maxGrace)! }),
    ...(flags.kubernetesVersion !== undefined && { kubernetesVersion: flags.kubernetesVersion }),
    ...(flags.readinessGate !== undefined && { readinessGate: flags.readinessGate }),
    ...(flags.namespace !== undefined && { defaultNamespace: flags.namespace }),
  };
  try {
    resolveDoctorOptions(options, (field) => DOCTOR_FLAG[field] ?? field);
  } catch (error) {
    if (error instanceof DrainBudgetError) {
      // The namespace check is not labelled by the budget; name its flag here.
      throw budgetUsageError(
        new DrainBudgetError(error.violations.map((v) => (v.field === 'defaultNamespace' ? { ...v, message: v.message.replace('defaultNamespace', '--namespace') } : v))),
      );
    }
    throw error;
  }
  return options;
}

/** `grpc-drain doctor`: diagnoses the manifests, prints the report, returns the exit code. */
export async function runDoctor(files: readonly string[], flags: DoctorFlags, io: CliIo): Promise<number> {
  const format = flags.format ?? 'text';
  if (!(DOCTOR_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${DOCTOR_FORMATS.join(', ')}; got ${JSON.stringify(format)}`);
  }
  const options = doctorOptions(flags);
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
