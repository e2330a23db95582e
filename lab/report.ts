/**
 * The lab's output: a Markdown table (readable in a terminal, pasted as is into docs/lab.md)
 * and details, or, with `--json`, one JSON object. Every field of the JSON is documented in
 * docs/lab.md ("The JSON"); `test/lab/cli.test.ts` checks that the two agree.
 *
 * Times in the JSON are budget seconds, rounded to a tenth (a hundredth for the truth):
 * rollout times from the restart, a termination's times from the pod's deletion.
 */
import { CLIENT_KINDS, type CallCounts, type ClientKind } from './load';
import type { NodeTruth, NlbCounts } from './nlb';
import type { Pod } from './pod';
import type { SecondsRange } from './ranges';
import { formatRange } from './ranges';
import { budgetRegistrationSeconds, nlbPropagationRange, type RolloutRun, type ScenarioRun, type Termination } from './run-scenario';
import { compareMeasurement } from './runtime-report';
import type { ScenarioName } from './scenarios';
import type { ZoneTraceEvent } from './trace';

/** One value per NLB node (null: it never happened on that node), and the latest of them. */
export interface PerNode<T extends number | null> {
  readonly perNode: readonly T[];
  readonly max: T | null;
}

/** The ground truth of one terminated pod, relative to its deletion (docs/lab.md, "The JSON"). */
export interface TruthJson {
  /** When each node last opened a new connection to the pod (negative: before the deletion). */
  readonly lastNewConnectionSeconds: PerNode<number | null>;
  /** When each node last opened a new connection that the pod accepted (its process listened): what the runtime can see. */
  readonly lastAcceptedConnectionSeconds: PerNode<number | null>;
  /** When each node stopped opening new connections to it: the deregistration's arrival, or the end of the unhealthy lag if that came first. */
  readonly stoppedRoutingSeconds: PerNode<number | null>;
  /** When the deregistration reached each node. */
  readonly deregisteredSeconds: PerNode<number | null>;
  /** When each node's verdict turned unhealthy (null: never). */
  readonly unhealthySeconds: PerNode<number | null>;
  /** When each node forgot the pod (the deregistration delay's end). */
  readonly forgottenSeconds: PerNode<number | null>;
  /** New connections each node opened to the pod after its deletion, and after its SIGTERM. */
  readonly newConnectionsAfterDeletion: { readonly perNode: readonly number[]; readonly total: number };
  readonly newConnectionsAfterSigterm: { readonly perNode: readonly number[]; readonly total: number };
  /** New connections after the deletion that the pod refused (it had exited, or closed its listener): no runtime sees those. */
  readonly newConnectionsRefused: { readonly perNode: readonly number[]; readonly total: number };
  /** New connections after the process exited (all refused): what no late-connections mode can help. */
  readonly newConnectionsAfterExit: { readonly perNode: readonly number[]; readonly total: number };
}

/**
 * The runtime's own report of one terminated pod (its `propagation` line, in budget seconds)
 * beside the truth (docs/lab.md, "The runtime, judged").
 */
export interface RuntimeTerminationJson {
  /** What late connections got (`GRPC_DRAIN_LATE_CONNECTIONS`). */
  readonly lateConnections: string;
  /** The runtime's last new connection after its estimated deletion (SIGTERM − preStop); null: none after it. */
  readonly lastNewConnectionAfterDeletionSeconds: number | null;
  readonly connectionsAfterDeletion: number;
  readonly connectionsAfterSigterm: number;
  /** Until when it watched, from its estimated deletion. */
  readonly observedUntilSeconds: number;
  /** ⌈last + 5⌉ for this pod alone. */
  readonly recommendedPropagationSeconds: number | null;
  /** `truth.lastNewConnectionSeconds.max` when after the deletion, else null. */
  readonly truthSeconds: number | null;
  /** runtime − truth; null when either is null. */
  readonly differenceSeconds: number | null;
  /** Within 1 budget second of the truth (see `compareMeasurement`). */
  readonly withinOneSecond: boolean;
  /** `truth.lastAcceptedConnectionSeconds.max` when after the deletion, else null: the last connection the pod could see. */
  readonly acceptedTruthSeconds: number | null;
  /** runtime − the accepted truth: the measurement's own error, without what the pod refused. */
  readonly acceptedDifferenceSeconds: number | null;
  readonly withinOneSecondOfAccepted: boolean;
}

/** The runtime's reports of a scenario, judged, and `grpc-drain propagation` on them. */
export interface RuntimeScenarioJson {
  /** Terminated pods that wrote a report. */
  readonly reports: number;
  /** Of those, how many were within 1 budget second of the truth. */
  readonly withinOneSecond: number;
  /** The largest |runtime − truth| where both saw a connection after the deletion; null: none. */
  readonly maxAbsDifferenceSeconds: number | null;
  /** Of the reports, how many were within 1 budget second of the last connection the pod accepted. */
  readonly withinOneSecondOfAccepted: number;
  /** The largest |runtime − accepted truth|: the measurement's own error. */
  readonly maxAbsAcceptedDifferenceSeconds: number | null;
  /** The latest `truth.lastNewConnectionSeconds.max` of any terminated pod: the true maximum. */
  readonly truthMaxSeconds: number | null;
  /** The latest `truth.stoppedRoutingSeconds.max`: the NLB's true propagation in this run. */
  readonly routingStoppedMaxSeconds: number | null;
  /** What `grpc-drain propagation - -o json` said on the scenario's runtime log. */
  readonly propagationCommand: {
    readonly exitCode: number;
    readonly recommendedPropagationSeconds: number | null;
    readonly verdict: string | null;
    readonly lastNewConnectionAfterDeletionMaxSeconds: number | null;
    readonly connectionsAfterSigterm: number | null;
    readonly warnings: readonly string[];
  };
  /** The recommendation ≥ `truthMaxSeconds` (true when nothing arrived after any deletion). */
  readonly recommendationCoversTruth: boolean;
}

export interface TerminationJson {
  readonly pod: string;
  readonly zone: string;
  /** From the deletion; null when it never happened (no SIGTERM sent, or no exit seen). */
  readonly sigtermSeconds: number | null;
  readonly exitSeconds: number | null;
  readonly sigkilled: boolean;
  readonly truth: TruthJson;
  /** The runtime's report beside the truth; null when the pod wrote none (naive binds gRPC itself; a SIGKILLed process writes none). */
  readonly runtime: RuntimeTerminationJson | null;
}

export interface RolloutJson {
  readonly index: number;
  readonly rolloutCompleteSeconds: number;
  readonly oldPodsGoneSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly minRoutableTargets: number;
  readonly terminations: readonly TerminationJson[];
}

export interface ClientJson {
  readonly rpcs: number;
  readonly ok: number;
  readonly failed: Readonly<Record<string, number>>;
}

export interface ZoneJson {
  readonly zone: string;
  readonly nodes: readonly number[];
  /** Budget seconds some node of the zone had no healthy target to route to. */
  readonly darkSeconds: number;
  /** Budget seconds the zone was out of the NLB's DNS answer. */
  readonly outOfDnsSeconds: number;
}

export interface ConditionsJson {
  readonly replicas: number;
  readonly nodes: number;
  readonly zones: number;
  readonly crossZone: boolean;
  readonly restarts: number;
  readonly seed: number;
  readonly scaleMs: number;
  readonly budgetPropagationSeconds: number;
  readonly nlbPropagationSeconds: SecondsRange;
  readonly registrationSeconds: SecondsRange;
  readonly budgetRegistrationSeconds: number;
  readonly unhealthyLagSeconds: SecondsRange;
  readonly idleTimeoutSeconds: number;
  readonly idleClients: boolean;
  readonly transparentRetries: boolean;
  readonly until: 'exited' | 'forgotten';
  readonly lightLoad: boolean;
  readonly lateConnections: string;
}

export interface ScenarioJson {
  readonly summary: string;
  readonly conditions: ConditionsJson;
  readonly rpcs: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly refused: number;
  readonly streamsReset: number;
  readonly streamsEnded: number;
  readonly sigkills: number;
  readonly rolloutCompleteSeconds: number;
  readonly oldPodsGoneSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly minRoutableTargets: number;
  readonly clients: { readonly [K in ClientKind]: ClientJson };
  readonly nlb: Readonly<NlbCounts>;
  readonly zones: readonly ZoneJson[];
  readonly rollouts: readonly RolloutJson[];
  /** The runtime judged against the truth; null when no terminated pod wrote a report (naive). */
  readonly runtime: RuntimeScenarioJson | null;
  readonly wallSeconds: number;
}

/** `--json`'s shape. */
export interface LabJson {
  /** The lab process's timer lag when the run began (see `measureTimerLagMs`). */
  readonly machine: { readonly timerLagP99Ms: number };
  readonly scenarios: { readonly [name in ScenarioName]?: ScenarioJson };
}

/** Zone 0 → "a". */
export function zoneName(zone: number): string {
  return String.fromCharCode(97 + zone);
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (run: ScenarioRun, ms: number): number => ms / run.options.scaleMs;

function perNode(values: readonly (number | null)[]): PerNode<number | null> {
  const present = values.filter((v): v is number => v !== null);
  return { perNode: values, max: present.length === 0 ? null : Math.max(...present) };
}

function counted(values: readonly number[]): { perNode: readonly number[]; total: number } {
  return { perNode: values, total: values.reduce((a, b) => a + b, 0) };
}

/** The truth of one termination, relative to the deletion, in budget seconds (hundredths). */
export function truthJson(run: ScenarioRun, termination: Termination): TruthJson {
  const deletedAt = termination.pod.at.deleted ?? 0;
  const sigtermAt = termination.pod.at.sigterm;
  const exitedAt = termination.pod.at.exited;
  const since = (at: number | undefined): number | null => (at === undefined ? null : round(seconds(run, at - deletedAt), 2));
  const stopped = (t: NodeTruth): number | undefined => {
    // A node of another zone never routes to the pod with cross-zone load balancing off.
    if (!run.options.crossZone && t.zone !== termination.pod.zone) return undefined;
    const times = [t.deregisteredAt, t.unroutedAt !== undefined && t.unroutedAt >= deletedAt ? t.unroutedAt : undefined].filter((x): x is number => x !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  };
  return {
    lastNewConnectionSeconds: perNode(termination.truth.map((t) => since(t.lastNewConnectionAt))),
    lastAcceptedConnectionSeconds: perNode(termination.truth.map((t) => since(t.lastAcceptedConnectionAt))),
    stoppedRoutingSeconds: perNode(termination.truth.map((t) => since(stopped(t)))),
    deregisteredSeconds: perNode(termination.truth.map((t) => since(t.deregisteredAt))),
    unhealthySeconds: perNode(termination.truth.map((t) => since(t.unhealthyAt !== undefined && t.unhealthyAt >= deletedAt ? t.unhealthyAt : undefined))),
    forgottenSeconds: perNode(termination.truth.map((t) => since(t.forgottenAt))),
    newConnectionsAfterDeletion: counted(termination.connectionTimes.map((times) => times.filter((at) => at >= deletedAt).length)),
    newConnectionsAfterSigterm: counted(termination.connectionTimes.map((times) => (sigtermAt === undefined ? 0 : times.filter((at) => at >= sigtermAt).length))),
    newConnectionsRefused: counted(termination.refusedTimes.map((times) => times.filter((at) => at >= deletedAt).length)),
    newConnectionsAfterExit: counted(termination.connectionTimes.map((times) => (exitedAt === undefined ? 0 : times.filter((at) => at >= exitedAt).length))),
  };
}

/** The runtime's report of `termination` beside its truth; null without a report. */
export function runtimeTerminationJson(termination: Termination, truth: TruthJson): RuntimeTerminationJson | null {
  const { report } = termination;
  if (!report) return null;
  const afterDeletion = (max: number | null): number | null => (max !== null && max >= 0 ? max : null);
  const truthSeconds = afterDeletion(truth.lastNewConnectionSeconds.max);
  const acceptedTruthSeconds = afterDeletion(truth.lastAcceptedConnectionSeconds.max);
  const runtime = report.lastNewConnectionAfterDeletionSeconds;
  const { differenceSeconds, within } = compareMeasurement(runtime, truthSeconds);
  const accepted = compareMeasurement(runtime, acceptedTruthSeconds);
  return {
    lateConnections: report.lateConnections,
    lastNewConnectionAfterDeletionSeconds: runtime === null ? null : round(runtime, 2),
    connectionsAfterDeletion: report.connectionsAfterDeletion,
    connectionsAfterSigterm: report.connectionsAfterSigterm,
    observedUntilSeconds: round(report.observedUntilSeconds, 2),
    recommendedPropagationSeconds: report.recommendedPropagationSeconds,
    truthSeconds,
    differenceSeconds,
    withinOneSecond: within,
    acceptedTruthSeconds,
    acceptedDifferenceSeconds: accepted.differenceSeconds,
    withinOneSecondOfAccepted: accepted.within,
  };
}

/** The scenario's reports judged, and what `grpc-drain propagation` made of them; null without any report. */
export function runtimeScenarioJson(run: ScenarioRun, rollouts: readonly RolloutJson[]): RuntimeScenarioJson | null {
  const terminations = rollouts.flatMap((r) => r.terminations);
  const judged = terminations.flatMap((t) => (t.runtime ? [t.runtime] : []));
  if (judged.length === 0) return null;
  const latest = (values: readonly (number | null)[]): number | null => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : Math.max(...present);
  };
  const largest = (values: readonly (number | null)[]): number | null => {
    const present = values.filter((v): v is number => v !== null).map(Math.abs);
    return present.length === 0 ? null : round(Math.max(...present), 2);
  };
  const truthMaxSeconds = latest(terminations.map((t) => t.truth.lastNewConnectionSeconds.max));
  const command = run.propagationCommand;
  const summary = command?.summary;
  const recommended = summary?.recommendedPropagationSeconds ?? null;
  return {
    reports: judged.length,
    withinOneSecond: judged.filter((j) => j.withinOneSecond).length,
    maxAbsDifferenceSeconds: largest(judged.map((j) => j.differenceSeconds)),
    withinOneSecondOfAccepted: judged.filter((j) => j.withinOneSecondOfAccepted).length,
    maxAbsAcceptedDifferenceSeconds: largest(judged.map((j) => j.acceptedDifferenceSeconds)),
    truthMaxSeconds,
    routingStoppedMaxSeconds: latest(terminations.map((t) => t.truth.stoppedRoutingSeconds.max)),
    propagationCommand: {
      exitCode: command?.exitCode ?? 2,
      recommendedPropagationSeconds: recommended,
      verdict: summary?.verdict ?? null,
      lastNewConnectionAfterDeletionMaxSeconds: summary?.lastNewConnectionAfterDeletionSeconds?.max ?? null,
      connectionsAfterSigterm: summary?.connectionsAfterSigterm ?? null,
      warnings: summary?.warnings ?? [],
    },
    // Nothing after any deletion is nothing to cover.
    recommendationCoversTruth: truthMaxSeconds === null || truthMaxSeconds < 0 || (recommended !== null && recommended >= truthMaxSeconds),
  };
}

function terminationJson(run: ScenarioRun, termination: Termination): TerminationJson {
  const pod: Pod = termination.pod;
  const deletedAt = pod.at.deleted ?? 0;
  const since = (at: number | undefined): number | null => (at === undefined ? null : round(seconds(run, at - deletedAt), 2));
  const truth = truthJson(run, termination);
  return {
    pod: pod.name,
    zone: zoneName(pod.zone),
    sigtermSeconds: since(pod.at.sigterm),
    exitSeconds: since(pod.at.exited),
    sigkilled: pod.sigkilled,
    truth,
    runtime: runtimeTerminationJson(termination, truth),
  };
}

function rolloutJson(run: ScenarioRun, rollout: RolloutRun): RolloutJson {
  const { record } = rollout;
  return {
    index: record.index,
    rolloutCompleteSeconds: round(seconds(run, record.completedAt - record.startedAt)),
    oldPodsGoneSeconds: round(seconds(run, record.endedAt - record.startedAt)),
    lowerBoundSeconds: round(run.lowerBoundSeconds),
    minRoutableTargets: record.minRoutableTargets,
    terminations: rollout.terminations.map((t) => terminationJson(run, t)),
  };
}

/**
 * Budget seconds each zone spent dark and out of DNS, counted from the moment the initial
 * replicas were healthy (before that nothing routes anywhere) to the run's last event.
 */
export function zoneTimes(run: ScenarioRun): ZoneJson[] {
  const { trace } = run;
  const end = Math.max(0, ...trace.pods.map((p) => p.at), ...trace.views.map((v) => v.at), ...trace.zones.map((z) => z.at));
  const ready = trace.pods.filter((p) => p.event === 'available').map((p) => p.at);
  const from = ready.length === 0 ? end : Math.min(...ready);
  const zones = Math.max(1, ...run.nodeZones.map((z) => z + 1));
  return Array.from({ length: zones }, (_, zone) => {
    const events: ZoneTraceEvent[] = trace.zones.filter((z) => z.zone === zone);
    let dark = 0;
    let out = 0;
    events.forEach((event, i) => {
      const span = Math.max(0, Math.min(events[i + 1]?.at ?? end, end) - Math.max(event.at, from));
      if (event.routableTargets === 0) dark += span;
      if (!event.inDns) out += span;
    });
    return {
      zone: zoneName(zone),
      nodes: run.nodeZones.flatMap((z, node) => (z === zone ? [node] : [])),
      darkSeconds: round(seconds(run, dark)),
      outOfDnsSeconds: round(seconds(run, out)),
    };
  });
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : round(values.reduce((a, b) => a + b, 0) / values.length));

function clientJson(counts: CallCounts): ClientJson {
  return { rpcs: counts.rpcs, ok: counts.ok, failed: { ...counts.failed } };
}

export function scenarioJson(run: ScenarioRun): ScenarioJson {
  const { options } = run;
  const rollouts = run.rollouts.map((r) => rolloutJson(run, r));
  const clients = Object.fromEntries(CLIENT_KINDS.map((kind) => [kind, clientJson(run.load.byClient[kind])])) as { [K in ClientKind]: ClientJson };
  return {
    summary: run.scenario.summary,
    conditions: {
      replicas: options.replicas,
      nodes: options.nodes,
      zones: options.zones,
      crossZone: options.crossZone,
      restarts: options.restarts,
      seed: options.seed,
      scaleMs: options.scaleMs,
      budgetPropagationSeconds: options.propagationSeconds,
      nlbPropagationSeconds: nlbPropagationRange(options),
      registrationSeconds: options.registration,
      budgetRegistrationSeconds: budgetRegistrationSeconds(options),
      unhealthyLagSeconds: options.unhealthyLag,
      idleTimeoutSeconds: options.idleTimeoutSeconds,
      idleClients: options.idleClients,
      transparentRetries: options.transparentRetries,
      until: options.until,
      lightLoad: options.lightLoad,
      lateConnections: options.lateConnections,
    },
    rpcs: run.load.total.rpcs,
    failed: { ...run.load.total.failed },
    refused: run.nlb.refusedNoTarget + run.nlb.refusedByTarget,
    streamsReset: run.load.streamsReset,
    streamsEnded: run.load.streamsEnded,
    sigkills: run.sigkills,
    rolloutCompleteSeconds: mean(rollouts.map((r) => r.rolloutCompleteSeconds)),
    oldPodsGoneSeconds: mean(rollouts.map((r) => r.oldPodsGoneSeconds)),
    lowerBoundSeconds: round(run.lowerBoundSeconds),
    minRoutableTargets: Math.min(...rollouts.map((r) => r.minRoutableTargets)),
    clients,
    nlb: { ...run.nlb },
    zones: zoneTimes(run),
    rollouts,
    runtime: runtimeScenarioJson(run, rollouts),
    wallSeconds: round(run.wallMs / 1000),
  };
}

export function toJson(runs: readonly ScenarioRun[], timerLagP99Ms: number): LabJson {
  const scenarios: { [name in ScenarioName]?: ScenarioJson } = {};
  for (const run of runs) scenarios[run.scenario.name] = scenarioJson(run);
  return { machine: { timerLagP99Ms }, scenarios };
}

/** Failed calls in all. */
export function failedTotal(failed: Readonly<Record<string, number>>): number {
  return Object.values(failed).reduce((a, b) => a + b, 0);
}

function failedText(failed: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failed).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '0';
  return `${failedTotal(failed)} (${entries.map(([name, n]) => `${name} ${n}`).join(', ')})`;
}

/** The table of results, one row per scenario. */
export function formatTable(runs: readonly ScenarioRun[]): string {
  const header = [
    'scenario',
    'RPCs sent',
    'failed RPCs',
    'refused conns',
    'streams reset',
    'SIGKILLs',
    'rollout complete (s)',
    'old pods gone (s)',
    'floor (s)',
    'min targets',
    'idle calls failed (short / long keepalive)',
  ];
  const rows = runs.map((run) => {
    const j = scenarioJson(run);
    const idle = (kind: ClientKind): string => `${failedTotal(j.clients[kind].failed)}/${j.clients[kind].rpcs}`;
    return [
      run.scenario.name,
      String(j.rpcs),
      failedText(j.failed),
      String(j.refused),
      String(j.streamsReset),
      String(j.sigkills),
      j.rolloutCompleteSeconds.toFixed(1),
      j.oldPodsGoneSeconds.toFixed(1),
      j.lowerBoundSeconds.toFixed(1),
      String(j.minRoutableTargets),
      `${idle('idle-short-keepalive')} / ${idle('idle-long-keepalive')}`,
    ];
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

const fmt = (n: number | null): string => (n === null ? '–' : n.toFixed(1));
const signed = (n: number | null): string => (n === null ? 'no difference to take' : `${n >= 0 ? '+' : ''}${n.toFixed(2)} s`);

/** What each scenario ran with and, when something failed, why. */
export function formatDetails(runs: readonly ScenarioRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const { options, nlb, load } = run;
    const j = scenarioJson(run);
    lines.push(`${run.scenario.name}: ${run.scenario.summary}`);
    lines.push(
      `  ${options.restarts} restart(s) of ${options.replicas} replicas behind ${options.nodes} NLB nodes in ${options.zones} zone(s)${options.crossZone ? ', cross-zone on' : ''}; ` +
        `NLB propagation ${formatRange(nlbPropagationRange(options))} s (budget ${options.propagationSeconds}), registration ${formatRange(options.registration)} s (budget ${budgetRegistrationSeconds(options)}), ` +
        `unhealthy lag ${formatRange(options.unhealthyLag)} s, idle timeout ${options.idleTimeoutSeconds} s; late connections ${options.lateConnections}; seed ${options.seed}, 1 s = ${options.scaleMs} ms; ${j.wallSeconds.toFixed(1)} s wall`,
    );
    for (const r of j.rollouts) {
      lines.push(
        `  rollout ${r.index}: complete ${r.rolloutCompleteSeconds.toFixed(1)} s, old pods gone ${r.oldPodsGoneSeconds.toFixed(1)} s, floor ${r.lowerBoundSeconds.toFixed(1)} s, fewest routable targets ${r.minRoutableTargets}`,
      );
      for (const t of r.terminations) {
        lines.push(
          `    ${t.pod} (zone ${t.zone}): SIGTERM ${fmt(t.sigtermSeconds)}, exit ${fmt(t.exitSeconds)}${t.sigkilled ? ' (SIGKILL)' : ''}; ` +
            `last new connection ${fmt(t.truth.lastNewConnectionSeconds.max)}, routing stopped ${fmt(t.truth.stoppedRoutingSeconds.max)} (per node ${t.truth.stoppedRoutingSeconds.perNode.map(fmt).join(', ')}), ` +
            `${t.truth.newConnectionsAfterSigterm.total} new connection(s) after SIGTERM, ${t.truth.newConnectionsRefused.total} refused by the pod (${t.truth.newConnectionsAfterExit.total} after its exit)` +
            (t.runtime
              ? `; runtime (${t.runtime.lateConnections}): last ${fmt(t.runtime.lastNewConnectionAfterDeletionSeconds)}, ${t.runtime.connectionsAfterSigterm} after SIGTERM, ` +
                `${signed(t.runtime.differenceSeconds)} (${t.runtime.withinOneSecond ? 'within' : 'NOT within'} 1 s), ${signed(t.runtime.acceptedDifferenceSeconds)} from the last accepted`
              : '; no runtime report'),
        );
      }
    }
    if (j.runtime) {
      const r = j.runtime;
      const command = r.propagationCommand;
      lines.push(
        `  runtime: ${r.withinOneSecond}/${r.reports} report(s) within 1 s of the truth, max |difference| ${fmt(r.maxAbsDifferenceSeconds)} s ` +
          `(${r.withinOneSecondOfAccepted}/${r.reports} within 1 s of the last accepted connection, max ${fmt(r.maxAbsAcceptedDifferenceSeconds)} s); ` +
          `grpc-drain propagation recommends ${command.recommendedPropagationSeconds ?? '–'} s (exit ${command.exitCode}, ${command.verdict ?? 'no verdict'}), true max ${fmt(r.truthMaxSeconds)} s` +
          `${r.recommendationCoversTruth ? '' : ' (NOT covered)'}, routing stopped ≤ ${fmt(r.routingStoppedMaxSeconds)} s`,
      );
    }
    for (const z of j.zones) if (options.zones > 1 || z.darkSeconds > 0) lines.push(`  zone ${z.zone} (nodes ${z.nodes.map((n) => n + 1).join(', ')}): dark ${z.darkSeconds} s, out of DNS ${z.outOfDnsSeconds} s`);
    lines.push(
      `  NLB: refused ${nlb.refusedNoTarget} with no target, ${nlb.refusedByTarget} by the target; reset ${nlb.resetDeregistered} at the deregistration delay's end, ${nlb.resetUnhealthy} as unhealthy; ` +
        `${nlb.failOpenConnections} failed open; ${nlb.idleDropped} idle flows forgotten, ${nlb.idleResets} RSTs on them`,
    );
    for (const kind of ['unary', 'churn'] as const) for (const detail of topDetails(load.byClient[kind].failedDetails)) lines.push(`  ${kind} failed: ${detail}`);
    for (const detail of topDetails(load.streamResetDetails)) lines.push(`  stream reset: ${detail}`);
  }
  return lines.join('\n');
}
