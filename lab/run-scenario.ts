/**
 * One scenario from start to finish: NLB, initial replicas, client load, N rolling restarts
 * back to back, the old pods' tails, teardown; and what the clients, the kubelet and the NLB
 * counted.
 */
import { CONTRACT_ENV, NLB_TCP_IDLE_TIMEOUT_SECONDS } from 'grpc-drain';
import { LATE_CONNECTIONS_ENV, type LateConnections, type PropagationReport } from 'grpc-drain/runtime';
import type { EngineBuild } from './build';
import { Deployment, rolloutBounds, type RolloutRecord } from './deployment';
import { EnginePool, type EngineOutputSink } from './engine-process';
import { LoadGenerator, type IdleLoad, type LoadCounts } from './load';
import { Nlb, type NlbCounts, type NodeTruth } from './nlb';
import { budgetSecondsReport, runPropagationCommand, runtimeLogLine, type PropagationCommandResult } from './runtime-report';
import type { Pod } from './pod';
import { fixedRange, type SecondsRange } from './ranges';
import type { LabHealthCheck, LabRollout, Scenario } from './scenarios';
import { TimeScale } from './time-scale';
import { Trace } from './trace';

/** The lab's knobs (the CLI's options). */
export interface LabOptions {
  /** Rolling restarts per scenario, back to back. */
  readonly restarts: number;
  readonly replicas: number;
  /** The budget's propagation (`derived`'s `propagationSeconds`), budget seconds. */
  readonly propagationSeconds: number;
  /** The NLB's true propagation, per node; undefined: `[P/4, P)` of the budget's P. */
  readonly nlbPropagation: SecondsRange | undefined;
  /** How long a node routes to a target it has judged unhealthy. */
  readonly unhealthyLag: SecondsRange;
  /** How long a registration takes to reach a node. */
  readonly registration: SecondsRange;
  /**
   * The budget's `registrationSeconds` (no-gate's minReadySeconds is it + Hc × I); undefined:
   * the upper end of `registration`, a budget that covers the NLB (see {@link budgetRegistrationSeconds}).
   */
  readonly budgetRegistrationSeconds: number | undefined;
  /** Zones the NLB nodes and the pods are spread over. */
  readonly zones: number;
  /** Cross-zone load balancing (off by default on an NLB). */
  readonly crossZone: boolean;
  /** `tcp.idle_timeout.seconds`. */
  readonly idleTimeoutSeconds: number;
  /** Run the idle clients (they lengthen the warm-up past the idle timeout). */
  readonly idleClients: boolean;
  readonly seed: number;
  /** Wall-clock milliseconds per budget second. */
  readonly scaleMs: number;
  /** NLB nodes. */
  readonly nodes: number;
  /** gRPC transparent retry of refused streams (see load.ts). */
  readonly transparentRetries: boolean;
  /** What ends a rollout: the old pods exited, or also forgotten by every NLB node. */
  readonly until: 'exited' | 'forgotten';
  /** One unary, stream and churn client per node at a fifth of the rate: for a machine busy with other work. */
  readonly lightLoad: boolean;
  /** `GRPC_DRAIN_LATE_CONNECTIONS` of the runtime's scenarios: what a connection after SIGTERM gets. */
  readonly lateConnections: LateConnections;
}

/**
 * The lower end of the NLB's default propagation range, as a share of its upper end: a change
 * reaches every node somewhere in [P/4, P). Field reports give spreads, not distributions.
 */
export const PROPAGATION_MIN_SHARE = 0.25;

/**
 * Defaults. The unhealthy lag is the 30–40 s of aws/containers-roadmap#470; registration the
 * low end of the 90–180 s LBC #1834 reports for ip targets (before the health checks).
 */
export const LAB_DEFAULTS: LabOptions = {
  restarts: 1,
  replicas: 3,
  propagationSeconds: 20,
  nlbPropagation: undefined,
  unhealthyLag: { minSeconds: 30, maxSeconds: 40 },
  registration: fixedRange(90),
  budgetRegistrationSeconds: undefined,
  zones: 1,
  crossZone: false,
  idleTimeoutSeconds: NLB_TCP_IDLE_TIMEOUT_SECONDS,
  idleClients: true,
  seed: 1,
  scaleMs: 50,
  nodes: 3,
  transparentRetries: true,
  until: 'forgotten',
  lightLoad: false,
  lateConnections: 'serve',
};

/** The NLB's propagation range in effect: `--nlb-propagation`, else `[P/4, P)` of the budget's. */
export function nlbPropagationRange(options: Pick<LabOptions, 'nlbPropagation' | 'propagationSeconds'>): SecondsRange {
  return options.nlbPropagation ?? { minSeconds: options.propagationSeconds * PROPAGATION_MIN_SHARE, maxSeconds: options.propagationSeconds };
}

/**
 * The budget's registration: `--budget-registration`, else the upper end of the NLB's
 * `--registration`, as `--propagation` is the budget and `--nlb-propagation` the NLB's truth.
 * A budget that covers every registration the NLB draws is what a user who measured theirs
 * would set; `--budget-registration` below it shows what an under-estimate costs no-gate.
 */
export function budgetRegistrationSeconds(options: Pick<LabOptions, 'budgetRegistrationSeconds' | 'registration'>): number {
  return options.budgetRegistrationSeconds ?? options.registration.maxSeconds;
}

/** The load: per NLB node, unary clients at a fixed rate and stream workers; churn and idle clients. */
export const LOAD_PROFILE = {
  unaryClientsPerNode: 2,
  streamClientsPerNode: 3,
  /** Wall-clock: a fixed rate whatever the time scale (100 calls/s per node). */
  unaryIntervalMs: 20,
  /** Wall-clock: each churn client (one per node) opens a fresh connection every 100 ms. */
  churnIntervalMs: 100,
  /** A resolver cache's TTL for the NLB's name (NLB guide, "Target group health": 60 s). */
  dnsTtlSeconds: 60,
  /** Budget seconds a Submit takes on the server (ENGINE_SUBMIT_DELAY_MS): the longest call in flight. */
  submitSeconds: 0.2,
  /** Budget seconds between two tasks on a stream (ENGINE_TICK_MS). */
  tickSeconds: 1,
  /** Budget seconds the example's cleanup hook takes (ENGINE_CLEANUP_MS), within every scenario's cleanup budget. */
  cleanupWorkSeconds: 1,
  /** Load before the first restart (at least, see {@link warmUpSeconds}) and after the last rollout's tail, budget seconds. */
  warmUpSeconds: 5,
  coolDownSeconds: 5,
} as const;

/**
 * `lightLoad`: the same kinds of client, fewer and slower (20 unary calls/s and 2 fresh
 * connections/s per node), so that a lab process sharing its cores with other work keeps up
 * with its own clients and proxies.
 */
export const LIGHT_LOAD = { unaryClientsPerNode: 1, streamClientsPerNode: 1, unaryIntervalMs: 50, churnIntervalMs: 500 } as const;

/** The idle clients' rhythm for an idle timeout: a silence 5 s past it, keepalives at half and twice it. */
export function idleLoad(idleTimeoutSeconds: number): IdleLoad {
  return { periodSeconds: idleTimeoutSeconds + 5, shortKeepaliveSeconds: idleTimeoutSeconds / 2, longKeepaliveSeconds: idleTimeoutSeconds * 2 };
}

/**
 * Load before the first restart: with idle clients, long enough for their first silence to
 * end on the initial pods (a rollout would close their connections first), with 10 s for
 * their first call.
 */
export function warmUpSeconds(options: Pick<LabOptions, 'idleClients' | 'idleTimeoutSeconds'>): number {
  return options.idleClients ? Math.max(LOAD_PROFILE.warmUpSeconds, idleLoad(options.idleTimeoutSeconds).periodSeconds + 10) : LOAD_PROFILE.warmUpSeconds;
}

/** What lowerBoundSeconds is computed from. */
export interface LowerBoundInput {
  readonly replicas: number;
  readonly rollout: Pick<LabRollout, 'maxSurge' | 'maxUnavailable'>;
  readonly healthCheck: Pick<LabHealthCheck, 'healthyThreshold' | 'intervalSeconds'>;
  readonly registration: SecondsRange;
  readonly propagation: SecondsRange;
  /** The longest call a terminating pod must finish. */
  readonly inFlightSeconds: number;
}

/**
 * The physical floor of one rollout, budget seconds from the restart until the old pods are
 * gone, for a rollout that loses no capacity and drops no connection (docs/lab.md, "Honest
 * times"). W = ⌈N / (maxSurge + maxUnavailable)⌉ waves; a new pod is routable no earlier than
 * R = registration (its lower end) + (healthy threshold − 1) × interval (checks in phase with
 * the registration, instant container start); a wave's old pods may go once its new pods are
 * routable, except the maxUnavailable ones, which go at its start; the last old pod must
 * keep serving until the last NLB node has stopped routing to it (P, the upper end of the
 * NLB's propagation: a setting cannot know which draw it gets) and finish its calls.
 *   floor = max(W × R, L × R + P + inFlight), L = W − 1 when maxUnavailable > 0, else W
 */
export function lowerBoundSeconds(input: LowerBoundInput): number {
  const { surge, unavailable } = rolloutBounds(input.rollout, input.replicas);
  const waves = Math.ceil(input.replicas / (surge + unavailable));
  const routable = input.registration.minSeconds + (input.healthCheck.healthyThreshold - 1) * input.healthCheck.intervalSeconds;
  const lastDeletion = (unavailable > 0 ? waves - 1 : waves) * routable;
  return Math.max(waves * routable, lastDeletion + input.propagation.maxSeconds + input.inFlightSeconds);
}

/** One terminated pod, with what every NLB node did to it (see {@link NodeTruth}). */
export interface Termination {
  readonly pod: Pod;
  readonly truth: readonly NodeTruth[];
  /** When each node's new connections to the pod arrived, trace clock (ms), node by node. */
  readonly connectionTimes: readonly (readonly number[])[];
  /** When each node's new connections that the pod refused arrived, trace clock (ms), node by node. */
  readonly refusedTimes: readonly (readonly number[])[];
  /** The runtime's own report, in budget seconds; undefined without one (naive, a SIGKILL). */
  readonly report: PropagationReport | undefined;
}

export interface RolloutRun {
  readonly record: RolloutRecord;
  readonly terminations: readonly Termination[];
}

export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly options: LabOptions;
  readonly rollouts: readonly RolloutRun[];
  readonly load: LoadCounts;
  readonly nlb: NlbCounts;
  readonly sigkills: number;
  /** The zone of each NLB node. */
  readonly nodeZones: readonly number[];
  readonly lowerBoundSeconds: number;
  readonly trace: Trace;
  /** The first pod deleted by the first restart. */
  readonly sample: Pod | undefined;
  /** The runtime log of this scenario: one rescaled report line per terminated pod that wrote one. */
  readonly runtimeLog: readonly string[];
  /** `grpc-drain propagation` on {@link runtimeLog}; undefined when no pod wrote a report. */
  readonly propagationCommand: PropagationCommandResult | undefined;
  readonly wallMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or an error naming `what` once `ms` have passed: a stuck model must not hang the lab. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A generous bound on one step (initial start-up, one rollout), budget seconds: ten times what
 * the slowest path of the model can take, so only a stuck run hits it.
 */
function stepLimitSeconds(scenario: Scenario, options: LabOptions): number {
  const hc = scenario.healthCheck;
  const propagation = nlbPropagationRange(options).maxSeconds;
  const becomeHealthy = options.registration.maxSeconds + (hc.healthyThreshold + 1) * hc.intervalSeconds + scenario.pod.readinessProbePeriodSeconds + scenario.rollout.minReadySeconds;
  const leave = Math.max(scenario.pod.terminationGracePeriodSeconds + 2, scenario.targetGroup.deregistrationDelaySeconds, propagation);
  return 10 * (options.replicas * becomeHealthy + leave) + 60;
}

/**
 * The server's environment: the GRPC_DRAIN_* contract with scaled durations (the preStop sleep
 * too, so the runtime dates the deletion as SIGTERM − the sleep it really had), what late
 * connections get, and the example's knobs. `ENGINE_TRACK_STREAMS=false` (naive) makes the
 * example bind gRPC itself: it reads no late-connections setting and writes no report.
 */
export function engineEnv(scenario: Scenario, scale: TimeScale, lateConnections: LateConnections): Record<string, string> {
  return {
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HEALTH_HOST: '127.0.0.1',
    [CONTRACT_ENV.preStop]: scale.goDuration(scenario.pod.preStopSleepSeconds),
    [LATE_CONNECTIONS_ENV]: lateConnections,
    [CONTRACT_ENV.drainTimeout]: scale.goDuration(scenario.pod.drainTimeoutSeconds),
    [CONTRACT_ENV.cleanup]: scale.goDuration(scenario.pod.cleanupSeconds),
    // 0: a free port, logged (src/runtime/options.ts); many pods share one loopback.
    [CONTRACT_ENV.healthPort]: '0',
    [CONTRACT_ENV.readinessPath]: '/ready',
    [CONTRACT_ENV.livenessPath]: '/live',
    ENGINE_SUBMIT_DELAY_MS: String(scale.ms(LOAD_PROFILE.submitSeconds)),
    ENGINE_TICK_MS: String(Math.max(1, scale.ms(LOAD_PROFILE.tickSeconds))),
    ENGINE_CLEANUP_MS: String(scale.ms(LOAD_PROFILE.cleanupWorkSeconds)),
    ENGINE_TRACK_STREAMS: String(scenario.pod.trackStreams),
  };
}

export async function runScenario(scenario: Scenario, options: LabOptions, build: EngineBuild, sink?: EngineOutputSink): Promise<ScenarioRun> {
  const started = Date.now();
  const scale = new TimeScale(options.scaleMs);
  const trace = new Trace();
  const propagation = nlbPropagationRange(options);
  const nlb = await Nlb.start({
    nodes: options.nodes,
    zones: options.zones,
    crossZone: options.crossZone,
    healthCheck: scenario.healthCheck,
    targetGroup: scenario.targetGroup,
    propagation,
    registration: options.registration,
    unhealthyLag: options.unhealthyLag,
    idleTimeoutSeconds: options.idleTimeoutSeconds,
    seed: options.seed,
    scale,
    trace,
  });
  const light = options.lightLoad ? LIGHT_LOAD : undefined;
  // Started ahead: a new pod's process already listens when the controller creates the pod.
  const pool = new EnginePool(build, engineEnv(scenario, scale, options.lateConnections), Math.min(options.replicas, 4), (ordinal) => `${scenario.name}-${ordinal}`, sink);
  const deployment = new Deployment({ replicas: options.replicas, zones: options.zones, seed: options.seed, scenario, nlb, pool, scale, trace, until: options.until });
  const load = new LoadGenerator({
    ports: nlb.ports,
    unaryClientsPerNode: light?.unaryClientsPerNode ?? LOAD_PROFILE.unaryClientsPerNode,
    streamClientsPerNode: light?.streamClientsPerNode ?? LOAD_PROFILE.streamClientsPerNode,
    unaryIntervalMs: light?.unaryIntervalMs ?? LOAD_PROFILE.unaryIntervalMs,
    churnClients: options.nodes,
    churnIntervalMs: light?.churnIntervalMs ?? LOAD_PROFILE.churnIntervalMs,
    dns: () => nlb.dnsAnswer(),
    dnsTtlSeconds: LOAD_PROFILE.dnsTtlSeconds,
    idle: options.idleClients ? idleLoad(options.idleTimeoutSeconds) : undefined,
    seed: options.seed,
    scale,
    trace,
    transparentRetries: options.transparentRetries,
  });
  const records: RolloutRecord[] = [];
  try {
    const limitMs = scale.ms(stepLimitSeconds(scenario, options)) + 10_000;
    await within(deployment.start(), limitMs, `lab: ${scenario.name}: the initial replicas becoming healthy on every NLB node`);
    load.start();
    await sleep(scale.ms(warmUpSeconds(options)));
    // Back to back: each restart starts the moment the previous rollout's old pods are gone,
    // so every deploy's errors are its own.
    for (let index = 1; index <= options.restarts; index += 1) {
      const rollout = await within(deployment.restart(index), limitMs, `lab: ${scenario.name}: rollout ${index} completing`);
      records.push(rollout);
      await within(rollout.ended, limitMs, `lab: ${scenario.name}: rollout ${index}'s old pods leaving`);
    }
    await sleep(scale.ms(LOAD_PROFILE.coolDownSeconds));
  } finally {
    await load.stop();
    deployment.stop();
    await pool.close();
    await nlb.close();
  }
  // Every engine's pipes have closed (pool.close()): every report line has been read.
  const rollouts: RolloutRun[] = records.map((record) => ({
    record,
    terminations: record.deleted.map((pod) => ({
      pod,
      truth: nlb.truth(pod.name),
      connectionTimes: nlb.connectionTimes(pod.name),
      refusedTimes: nlb.refusedTimes(pod.name),
      report: budgetSecondsReport(pod.report, options.scaleMs),
    })),
  }));
  const runtimeLog = rollouts.flatMap((r) => r.terminations.flatMap((t) => (t.report ? [runtimeLogLine(t.report)] : [])));
  return {
    scenario,
    options,
    rollouts,
    load: load.counts,
    nlb: { ...nlb.counts },
    sigkills: deployment.sigkills,
    nodeZones: nlb.nodeZones,
    lowerBoundSeconds: lowerBoundSeconds({
      replicas: options.replicas,
      rollout: scenario.rollout,
      healthCheck: scenario.healthCheck,
      registration: options.registration,
      propagation,
      inFlightSeconds: LOAD_PROFILE.submitSeconds,
    }),
    trace,
    sample: records[0]?.deleted[0],
    runtimeLog,
    propagationCommand: runtimeLog.length > 0 ? await runPropagationCommand(runtimeLog) : undefined,
    wallMs: Date.now() - started,
  };
}
