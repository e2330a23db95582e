/**
 * Reading termination reports back out of logs: `kubectl logs` (with or without `--prefix`
 * and `--timestamps`), a log export with one JSON object per line, the lab's runtime log.
 * A line counts when it holds a JSON object whose `event` is `propagation` and whose fields
 * have the report's types; every other line is skipped and counted.
 */
import { PROPAGATION_EVENT, type PropagationReport } from './propagation-report';

/** Why lines were skipped. */
export interface SkippedLines {
  /** No JSON object on the line (prefix and timestamp allowed). */
  readonly notJson: number;
  /** JSON, but another event (the runtime's other lifecycle lines, the application's logs). */
  readonly otherEvents: number;
  /** A `propagation` line whose fields are missing or of the wrong type. */
  readonly invalid: number;
  /** The same report twice (same pod and SIGTERM time), e.g. two overlapping exports. */
  readonly duplicates: number;
}

/** What {@link readPropagationReports} found. */
export interface ReadReports {
  readonly reports: PropagationReport[];
  readonly lines: number;
  readonly skipped: SkippedLines;
  /** The first invalid lines, `source:line: why`, to show the user. */
  readonly problems: string[];
}

/** One input: where it came from (a file name, `-`) and its text. */
export interface LogSource {
  readonly path: string;
  readonly text: string;
}

const MAX_PROBLEMS = 5;
// `kubectl logs --prefix`: "[pod/engine-7d9f/engine] "; RFC 3339 timestamps of `--timestamps`.
const KUBECTL_PREFIX = /^\[pod\/([^/\]]+)\/[^\]]*\]\s*/;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isCount = (value: unknown): value is number => isNumber(value) && Number.isInteger(value) && value >= 0;

/** Why `value` is not a report, or undefined when it is one. */
function problemWith(value: { readonly [key: string]: unknown }): string | undefined {
  const wrong: string[] = [];
  if (!isNumber(value['preStopSeconds']) || value['preStopSeconds'] < 0) wrong.push('preStopSeconds');
  const last = value['lastNewConnectionAfterDeletionSeconds'];
  if (last !== null && !isNumber(last)) wrong.push('lastNewConnectionAfterDeletionSeconds');
  if (!isCount(value['connectionsAfterSigterm'])) wrong.push('connectionsAfterSigterm');
  const late = value['lateConnectionSeconds'];
  if (!Array.isArray(late) || !late.every(isNumber)) wrong.push('lateConnectionSeconds');
  const recommended = value['recommendedPropagationSeconds'];
  if (recommended !== undefined && recommended !== null && !isNumber(recommended)) wrong.push('recommendedPropagationSeconds');
  return wrong.length === 0 ? undefined : `${wrong.join(', ')} missing or not of the report's type`;
}

/** The report lines of `sources`, every other line counted by why it was skipped. */
export function readPropagationReports(sources: readonly LogSource[]): ReadReports {
  const reports: PropagationReport[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  let lines = 0;
  const skipped = { notJson: 0, otherEvents: 0, invalid: 0, duplicates: 0 };
  for (const source of sources) {
    const texts = source.text.split(/\r?\n/);
    for (const [index, raw] of texts.entries()) {
      const line = raw.trim();
      if (line === '') continue;
      lines += 1;
      const prefix = KUBECTL_PREFIX.exec(line);
      const start = line.indexOf('{');
      let parsed: unknown;
      try {
        parsed = start < 0 ? undefined : JSON.parse(line.slice(start));
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        skipped.notJson += 1;
        continue;
      }
      const object = parsed as { readonly [key: string]: unknown };
      if (object['event'] !== PROPAGATION_EVENT) {
        skipped.otherEvents += 1;
        continue;
      }
      const problem = problemWith(object);
      if (problem !== undefined) {
        skipped.invalid += 1;
        if (problems.length < MAX_PROBLEMS) problems.push(`${source.path}:${index + 1}: ${problem}`);
        continue;
      }
      const pod = typeof object['pod'] === 'string' ? object['pod'] : prefix?.[1];
      const report = { ...(object as unknown as PropagationReport), ...(pod !== undefined && { pod }) };
      const key = `${report.pod ?? ''}\u0000${String(object['sigtermAt'] ?? `${source.path}:${index}`)}`;
      if (seen.has(key)) {
        skipped.duplicates += 1;
        continue;
      }
      seen.add(key);
      reports.push(report);
    }
  }
  return { reports, lines, skipped, problems };
}
