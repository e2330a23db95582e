/**
 * The runtime judged by the lab (issue 14, DESIGN.md §7): each terminated pod's own
 * `propagation` report, read as `grpc-drain propagation` reads it, rescaled from the wall-clock
 * seconds the process measured to budget seconds, set beside the NLB's ground truth; and the
 * real `grpc-drain propagation` command run on the reports of a scenario.
 */
import type { PropagationReport, PropagationSummary } from 'grpc-drain/runtime';
import { readPropagationReports, rescalePropagationReport } from 'grpc-drain/runtime';
import { main } from '../src/cli/program';
import type { EngineLogLine } from './engine-process';

/**
 * How far the runtime's "last new connection after deletion" may be from the truth, in budget
 * seconds: the criterion. The runtime dates the deletion as SIGTERM − preStop, so it
 * is late by however late the kubelet's SIGTERM and the process's signal handler ran (the
 * lab's preStop timer, the child's event loop), and each arrival by the accept's own delay.
 */
export const MEASUREMENT_TOLERANCE_SECONDS = 1;

/**
 * A pod's report line, checked by the reader `grpc-drain propagation` uses (a line it would
 * skip is no report), rescaled to budget seconds: `rescalePropagationReport(line, 1000 /
 * msPerSecond)` also recomputes the recommendation with the 5 s margin in budget seconds.
 * @returns undefined when the pod wrote no report, or one the reader rejects
 */
export function budgetSecondsReport(line: EngineLogLine | undefined, msPerSecond: number): PropagationReport | undefined {
  if (line === undefined) return undefined;
  const [report] = readPropagationReports([{ path: 'engine', text: JSON.stringify(line) }]).reports;
  return report === undefined ? undefined : rescalePropagationReport(report, 1000 / msPerSecond);
}

/**
 * One line of the runtime log (`--runtime-log`): the rescaled report as the logger wrote it,
 * without `msg`, whose sentence quotes the wall-clock seconds.
 */
export function runtimeLogLine(report: PropagationReport): string {
  const { msg: _msg, ...fields } = report as PropagationReport & { msg?: unknown };
  return JSON.stringify(fields);
}

/** The runtime's value beside the truth's. */
export interface MeasurementComparison {
  /** Runtime − truth, budget seconds; null when either side saw nothing after the deletion. */
  readonly differenceSeconds: number | null;
  /**
   * Within {@link MEASUREMENT_TOLERANCE_SECONDS}: |difference| ≤ 1; both null (nothing after the
   * deletion, on either side); or one null and the other under 1 s (null means "at or before
   * the deletion", which a connection in the first second is, give or take the dating).
   */
  readonly within: boolean;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Compares the runtime's last new connection after the deletion with the truth's (null: none after it). */
export function compareMeasurement(runtimeSeconds: number | null, truthSeconds: number | null, toleranceSeconds = MEASUREMENT_TOLERANCE_SECONDS): MeasurementComparison {
  if (runtimeSeconds === null && truthSeconds === null) return { differenceSeconds: null, within: true };
  if (runtimeSeconds === null || truthSeconds === null) {
    const seen = (runtimeSeconds ?? truthSeconds) as number;
    return { differenceSeconds: null, within: seen < toleranceSeconds };
  }
  const difference = round2(runtimeSeconds - truthSeconds);
  // Compared on the rounded difference: the truth is kept to hundredths.
  return { differenceSeconds: difference, within: Math.abs(difference) <= toleranceSeconds };
}

/** What `grpc-drain propagation - -o json` printed on a scenario's runtime log. */
export interface PropagationCommandResult {
  readonly exitCode: number;
  /** Its JSON, when it printed one (exit 0). */
  readonly summary: PropagationSummary | undefined;
  /** Its stderr (a usage error: no report in the input). */
  readonly stderr: string;
}

/**
 * Runs the real CLI in-process (`main` of src/cli/program.ts, as `grpc-drain propagation - -o
 * json`) on the runtime log's lines, fed through its stdin.
 */
export async function runPropagationCommand(lines: readonly string[]): Promise<PropagationCommandResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(['propagation', '-', '-o', 'json'], {
    stdin: lines.map((line) => `${line}\n`).join(''),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  const summary = exitCode === 0 ? (JSON.parse(stdout) as PropagationSummary) : undefined;
  return { exitCode, summary, stderr };
}
