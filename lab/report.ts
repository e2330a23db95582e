/**
 * The lab's output: a Markdown table (readable in a terminal, pasted as is into docs/lab.md)
 * or, with `--json`, one JSON object.
 */
import type { ScenarioName } from './scenarios';
import { PROPAGATION_MIN_SHARE, type ScenarioResult, type ScenarioRun } from './run-scenario';

/** `--json`'s shape. */
export interface LabJson {
  readonly scenarios: { readonly [name in ScenarioName]?: ScenarioResult };
}

export function toJson(runs: readonly ScenarioRun[]): LabJson {
  const scenarios: { [name in ScenarioName]?: ScenarioResult } = {};
  for (const run of runs) {
    const r = run.result;
    scenarios[run.scenario.name] = {
      rpcs: r.rpcs,
      failed: { ...r.failed },
      refused: r.refused,
      streamsReset: r.streamsReset,
      streamsEnded: r.streamsEnded,
      sigkills: r.sigkills,
      rolloutSeconds: r.rolloutSeconds,
    };
  }
  return { scenarios };
}

function failedText(failed: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failed).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '0';
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return `${total} (${entries.map(([name, n]) => `${name} ${n}`).join(', ')})`;
}

/** The table of results, one row per scenario. */
export function formatTable(runs: readonly ScenarioRun[]): string {
  const header = ['scenario', 'RPCs sent', 'failed RPCs', 'refused conns', 'streams reset', 'streams ended cleanly', 'SIGKILLs', 'rollout (budget s)'];
  const rows = runs.map((run) => {
    const r = run.result;
    return [run.scenario.name, String(r.rpcs), failedText(r.failed), String(r.refused), String(r.streamsReset), String(r.streamsEnded), String(r.sigkills), r.rolloutSeconds.toFixed(1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function topDetails(record: Readonly<Record<string, number>>, limit = 4): string[] {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([detail, n]) => `${n} × ${detail.length > 140 ? `${detail.slice(0, 137)}...` : detail}`);
}

/** What each scenario ran with and, when something failed, why. */
export function formatDetails(runs: readonly ScenarioRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const { options, nlb, load, rollouts } = run;
    lines.push(`${run.scenario.name}: ${run.scenario.summary}`);
    lines.push(
      `  ${options.restarts} restart(s) of ${options.replicas} replicas behind ${options.nodes} NLB nodes, propagation [${options.propagationSeconds * PROPAGATION_MIN_SHARE}, ${options.propagationSeconds}) s, seed ${options.seed}, 1 s = ${options.scaleMs} ms; ${(run.wallMs / 1000).toFixed(1)} s wall`,
    );
    lines.push(`  rollouts (budget s, restart → old pods gone from Kubernetes and the NLB): ${rollouts.map((r) => ((r.endedAt - r.startedAt) / options.scaleMs).toFixed(1)).join(', ')}`);
    lines.push(`  NLB: refused ${nlb.refusedNoTarget} with no usable target, ${nlb.refusedByTarget} by the target; reset ${nlb.resetDeregistered} at the deregistration delay's end, ${nlb.resetUnhealthy} as unhealthy`);
    for (const detail of topDetails(load.failedDetails)) lines.push(`  failed: ${detail}`);
    for (const detail of topDetails(load.streamResetDetails)) lines.push(`  stream reset: ${detail}`);
  }
  return lines.join('\n');
}
