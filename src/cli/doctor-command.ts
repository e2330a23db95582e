import { promises as fs } from 'fs';
import * as path from 'path';
import { getHeapStatistics } from 'v8';
import type { BudgetField } from '../model';
import { DrainBudgetError } from '../plan';
import {
  describeProblem,
  diagnoseManifests,
  formatJson,
  formatSarif,
  formatText,
  parseDuration,
  resolveDoctorOptions,
  type DoctorOptions,
  type InputProblem,
  type ManifestSource,
} from '../doctor';
import { EXIT, UsageError, useColor, type CliIo } from './io';

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
  /** `--lbc-class`: the LBC's `--load-balancer-class`. */
  readonly lbcClass?: string;
  /** `--no-lbc-webhook` sets it to false. */
  readonly lbcWebhook?: boolean;
  /** `--max-input-size`: bound on the bytes read. */
  readonly maxInputSize?: string;
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

/** Doctor options that are not budget fields, as their flags are named. */
const OPTION_FLAG: Readonly<Record<string, string>> = { defaultNamespace: '--namespace', lbcClass: '--lbc-class' };

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

/**
 * Default bound on the bytes of input read in one run. Parsing holds the objects in memory
 * (several times the text); beyond a few hundred MiB Node's default heap runs out and V8
 * aborts the process instead of failing cleanly, so the doctor refuses such input first.
 */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Heap the doctor may need per byte of input, with margin (measured 12.5 by bench/doctor). */
const HEAP_BYTES_PER_INPUT_BYTE = 16;

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?$/i;
const SIZE_UNIT: Readonly<Record<string, number>> = { b: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2, g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3 };

/** `64MiB`, `500MB`, `1048576`: a size in bytes, or a usage error. */
export function sizeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = SIZE.exec(value.trim());
  const bytes = match ? Math.floor(Number(match[1]) * SIZE_UNIT[(match[2] ?? 'b').toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`${flag} must be a size such as 64MiB, 500MB or a number of bytes; got ${JSON.stringify(value)}.`);
  return bytes;
}

/** `200 MiB`, `1.5 KiB`, `512 bytes`. */
function mib(bytes: number): string {
  const [value, unit] = bytes >= 1024 ** 3 ? [bytes / 1024 ** 3, 'GiB'] : bytes >= 1024 ** 2 ? [bytes / 1024 ** 2, 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
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
    problems.push({ file, message: `${file === '-' ? 'stdin' : file} holds ${mib(bytes)}, which takes the input over the limit of ${mib(maxBytes)}: it is not read (raise the limit with --max-input-size)` });
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
      problems.push({ file, message: describeFsError(file, error).message });
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
    ...(flags.lbcClass !== undefined && { lbcClass: flags.lbcClass }),
    ...(flags.lbcWebhook === false && { lbcWebhook: false }),
  };
  try {
    resolveDoctorOptions(options, (field) => DOCTOR_FLAG[field] ?? field);
  } catch (error) {
    if (error instanceof DrainBudgetError) {
      // The namespace check is not labelled by the budget; name its flag here.
      throw budgetUsageError(
        new DrainBudgetError(error.violations.map((v) => (OPTION_FLAG[v.field] !== undefined ? { ...v, message: v.message.replace(v.field, OPTION_FLAG[v.field]!) } : v))),
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
  const maxBytes = sizeFlag('--max-input-size', flags.maxInputSize) ?? DEFAULT_MAX_INPUT_BYTES;
  // The doctor holds about 13 bytes of heap per byte of input (bench/doctor: 12.5 MiB per MiB);
  // beyond Node's heap limit V8 aborts the process, so a larger bound is refused up front.
  const heapBound = Math.floor(getHeapStatistics().heap_size_limit / HEAP_BYTES_PER_INPUT_BYTE);
  if (maxBytes > heapBound) {
    throw new UsageError(
      `--max-input-size ${mib(maxBytes)} needs about ${mib(maxBytes * HEAP_BYTES_PER_INPUT_BYTE)} of heap, more than Node's limit of ${mib(getHeapStatistics().heap_size_limit)}: raise the limit too (NODE_OPTIONS=--max-old-space-size=${Math.ceil((maxBytes * HEAP_BYTES_PER_INPUT_BYTE) / 1024 / 1024)}) or read less at once`,
    );
  }
  const { sources, problems } = await readSources(files, io, maxBytes);
  const report = diagnoseManifests(sources, options, problems);
  if (report.objectCount === 0) {
    // Nothing could be read: exit 2 with every reason.
    if (report.problems.length > 0) throw new UsageError(report.problems.map(describeProblem).join('\n'));
    throw new UsageError(`no Kubernetes objects in the input (${sources.map((s) => s.path).join(', ')}): nothing to diagnose`);
  }
  const output =
    format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report, { color: useColor(io, flags.color === false) });
  io.stdout.write(output);
  return report.errorCount > 0 ? EXIT.findings : EXIT.ok;
}
