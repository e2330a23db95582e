import { promises as fs } from 'fs';
import type { Command } from 'commander';
import { parseDuration } from '../model';
// Types only at the top: the report reader is loaded when the command runs, not on every start of the CLI.
import type { LogSource, PropagationSummary, ReadReports } from '../runtime/report';
import { EXIT, readAll, UsageError, type CliIo } from './io';
import { unknownFlagProblems } from './unknown-flags';

/** Output formats of `grpc-drain propagation`. */
export const PROPAGATION_OUTPUTS = ['text', 'json'] as const;

export const PROPAGATION_HELP = `
Each process on grpc-drain/runtime that owns its gRPC listener logs one "propagation" line
when it terminates: when the load balancer last opened a new connection to it, in seconds
after the pod's deletion (dated SIGTERM − GRPC_DRAIN_PRESTOP_SECONDS), and how many
connections still arrived after SIGTERM. This command reads those lines wherever they are
(other lines, kubectl's --prefix and --timestamps are skipped or stripped, and counted),
prints p50 / p95 / max over the terminations, and recommends the propagation to budget:
the largest observed value plus a margin (default 5 s), rounded up to whole seconds.

Exit codes: 0 a recommendation printed; 2 unusable input (no report, unreadable file, bad flag).

Examples:
  $ kubectl logs -l app=engine --previous --tail=-1 --prefix | grpc-drain propagation -
  $ grpc-drain propagation engine-*.log -o json
`;

/** The flags of `grpc-drain propagation`, as commander hands them over. */
export interface PropagationFlags {
  readonly output?: string;
  readonly json?: boolean;
  readonly margin?: string;
}

async function readLogs(files: readonly string[], io: CliIo): Promise<LogSource[]> {
  if (files.length === 0) {
    throw new UsageError('no input: pass log files, or - to read stdin (kubectl logs -l app=engine --previous --tail=-1 | grpc-drain propagation -)');
  }
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('- (stdin) is given more than once');
  const sources: LogSource[] = [];
  for (const file of files) {
    if (file === '-') {
      sources.push({ path: '-', text: await readAll(io.stdin) });
      continue;
    }
    try {
      sources.push({ path: file, text: await fs.readFile(file, 'utf8') });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a log file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
      throw new UsageError(`cannot read ${file}: ${why}`);
    }
  }
  return sources;
}

const s = (seconds: number): string => `${seconds} s`;

function skippedLine(read: ReadReports): string | undefined {
  const { notJson, otherEvents, invalid, duplicates } = read.skipped;
  const total = notJson + otherEvents + invalid + duplicates;
  if (total === 0) return undefined;
  const parts = [
    otherEvents > 0 && `${otherEvents} other log lines`,
    notJson > 0 && `${notJson} not JSON`,
    invalid > 0 && `${invalid} malformed reports`,
    duplicates > 0 && `${duplicates} duplicate reports`,
  ].filter((p): p is string => typeof p === 'string');
  return `skipped ${total} of ${read.lines} lines (${parts.join(', ')})`;
}

/** The text report, e.g. "14 terminations: last new connection after deletion p50 6.1 s, …". */
export function formatPropagationText(summary: PropagationSummary, read: ReadReports): string {
  const lines: string[] = [];
  const stats = summary.lastNewConnectionAfterDeletionSeconds;
  const terminations = `${summary.terminations} termination${summary.terminations === 1 ? '' : 's'}`;
  if (stats === null) {
    lines.push(`${terminations}: no new connection arrived after any deletion`);
  } else {
    const over = summary.terminationsWithConnectionAfterDeletion === summary.terminations ? '' : ` (over the ${summary.terminationsWithConnectionAfterDeletion} with a connection after the deletion)`;
    lines.push(`${terminations}: last new connection after deletion p50 ${s(stats.p50)}, p95 ${s(stats.p95)}, max ${s(stats.max)}${over}`);
  }
  const late = `${summary.connectionsAfterSigterm} connection${summary.connectionsAfterSigterm === 1 ? '' : 's'} arrived after SIGTERM (preStop ${s(summary.preStopSeconds)})`;
  if (summary.verdict === 'no-evidence') {
    lines.push(`${late}: no evidence to size the propagation on; keep the budget and measure again under traffic`);
  } else {
    const basis = `max ${s(stats?.max ?? 0)} + margin ${s(summary.marginSeconds)}, rounded up`;
    lines.push(
      summary.verdict === 'raise'
        ? `${late}: raise propagation to ≥ ${s(summary.recommendedPropagationSeconds ?? 0)} (${basis})`
        : `${late}: the preStop sleep covers what was observed; ${s(summary.recommendedPropagationSeconds ?? 0)} would be enough on this evidence (${basis})`,
    );
  }
  for (const warning of summary.warnings) lines.push(`note: ${warning}`);
  const skipped = skippedLine(read);
  if (skipped) lines.push(skipped);
  for (const problem of read.problems) lines.push(`  ${problem}`);
  return `${lines.join('\n')}\n`;
}

/** `grpc-drain propagation`: reads termination reports, prints the budget to use, returns the exit code. */
export async function runPropagation(files: readonly string[], command: Command, io: CliIo): Promise<number> {
  const flags = command.opts<PropagationFlags>();
  // Every bad flag at once, as plan and doctor report them.
  const problems = [...unknownFlagProblems(command)];
  const output = flags.json === true ? 'json' : (flags.output ?? 'text');
  if (!(PROPAGATION_OUTPUTS as readonly string[]).includes(output)) {
    problems.push(`-o/--output must be one of ${PROPAGATION_OUTPUTS.join(', ')}; got ${JSON.stringify(output)}.`);
  }
  const margin = flags.margin === undefined ? undefined : parseDuration(flags.margin);
  if (flags.margin !== undefined && margin === undefined) {
    problems.push(`--margin must be a duration such as 5s, 1m30s, 500ms, .5s or a number of seconds; got ${JSON.stringify(flags.margin)}.`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readPropagationReports, summarizePropagation } = require('../runtime/report') as typeof import('../runtime/report');
  const read = readPropagationReports(await readLogs(files, io));
  if (read.reports.length === 0) {
    const skipped = skippedLine(read);
    throw new UsageError(`no propagation report in the input (${skipped ?? 'it is empty'}): feed it the runtime's log, e.g. kubectl logs -l app=engine --previous --tail=-1`);
  }
  const summary = summarizePropagation(read.reports, margin);
  io.stdout.write(output === 'json' ? `${JSON.stringify({ ...summary, skippedLines: read.skipped, problems: read.problems }, null, 2)}\n` : formatPropagationText(summary, read));
  return EXIT.ok;
}
