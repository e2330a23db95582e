/**
 * One scenario from start to finish: NLB, initial replicas, client load, N rolling restarts
 * back to back, the old pods' tails, teardown; and what the clients and the kubelet counted.
 */
import { CONTRACT_ENV } from 'grpc-drain';
import type { EngineBuild } from './build';
import { Deployment, type RolloutRecord } from './deployment';
import { EnginePool } from './engine-process';
import { LoadGenerator, type LoadCounts } from './load';
import { Nlb, type NlbCounts } from './nlb';
import type { Pod } from './pod';
import type { Scenario } from './scenarios';
import { TimeScale } from './time-scale';
import { Trace } from './trace';

/** The lab's knobs (the CLI's options). */
export interface LabOptions {
  /** Rolling restarts per scenario, back to back. */
  readonly restarts: number;
  readonly replicas: number;
  /** Upper end of the propagation range, budget seconds; also `derived`'s budget. */
  readonly propagationSeconds: number;
  readonly seed: number;
  /** Wall-clock milliseconds per budget second. */
  readonly scaleMs: number;
  /** NLB nodes. */
  readonly nodes: number;
  /** gRPC transparent retry of refused streams (see load.ts). */
  readonly transparentRetries: boolean;
}

export const LAB_DEFAULTS: LabOptions = {
  restarts: 1,
  replicas: 3,
  propagationSeconds: 20,
  seed: 1,
  scaleMs: 50,
  nodes: 3,
  transparentRetries: true,
};

/**
 * The lower end of the propagation range, as a share of its upper end: a change reaches
 * every node somewhere in [P/4, P). Field reports give spreads, not distributions.
 */
export const PROPAGATION_MIN_SHARE = 0.25;

/** The load: per NLB node, unary clients at a fixed rate and stream workers. */
export const LOAD_PROFILE = {
  unaryClientsPerNode: 2,
  streamClientsPerNode: 3,
  /** Wall-clock: a fixed rate whatever the time scale (100 calls/s per node). */
  unaryIntervalMs: 20,
  /** Budget seconds a Submit takes on the server (ENGINE_SUBMIT_DELAY_MS). */
  submitSeconds: 0.2,
  /** Budget seconds between two tasks on a stream (ENGINE_TICK_MS). */
  tickSeconds: 1,
  /** Budget seconds the example's cleanup hook takes (ENGINE_CLEANUP_MS), within every scenario's cleanup budget. */
  cleanupWorkSeconds: 1,
  /** Load before the first restart and after the last rollout's tail, budget seconds. */
  warmUpSeconds: 5,
  coolDownSeconds: 5,
} as const;

/** The numbers of the report (`--json`'s shape). */
export interface ScenarioResult {
  /** Unary calls sent. */
  readonly rpcs: number;
  /** Failed unary calls by status name. */
  readonly failed: Readonly<Record<string, number>>;
  /** Connections the NLB refused (no usable target, or the target refused). */
  readonly refused: number;
  readonly streamsReset: number;
  readonly streamsEnded: number;
  readonly sigkills: number;
  /** Mean rollout duration, budget seconds: restart → old pods exited and forgotten by every NLB node. */
  readonly rolloutSeconds: number;
}

export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly options: LabOptions;
  readonly result: ScenarioResult;
  readonly rollouts: readonly RolloutRecord[];
  readonly load: LoadCounts;
  readonly nlb: NlbCounts;
  readonly trace: Trace;
  /** The first pod deleted by the first restart. */
  readonly sample: Pod | undefined;
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
  const becomeHealthy = options.propagationSeconds + (hc.healthyThreshold + 1) * hc.intervalSeconds + scenario.pod.readinessProbePeriodSeconds + scenario.rollout.minReadySeconds;
  const leave = Math.max(scenario.pod.terminationGracePeriodSeconds + 2, scenario.targetGroup.deregistrationDelaySeconds, options.propagationSeconds);
  return 10 * (options.replicas * becomeHealthy + leave) + 60;
}

/** The server's environment: the GRPC_DRAIN_* contract with scaled durations, and the example's knobs. */
export function engineEnv(scenario: Scenario, scale: TimeScale): Record<string, string> {
  return {
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HEALTH_HOST: '127.0.0.1',
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

export async function runScenario(scenario: Scenario, options: LabOptions, build: EngineBuild): Promise<ScenarioRun> {
  const started = Date.now();
  const scale = new TimeScale(options.scaleMs);
  const trace = new Trace();
  const nlb = await Nlb.start({
    nodes: options.nodes,
    healthCheck: scenario.healthCheck,
    targetGroup: scenario.targetGroup,
    propagation: { minSeconds: options.propagationSeconds * PROPAGATION_MIN_SHARE, maxSeconds: options.propagationSeconds },
    seed: options.seed,
    scale,
    trace,
  });
  // Started ahead: a new pod's process already listens when the controller creates the pod.
  const pool = new EnginePool(build, engineEnv(scenario, scale), Math.min(options.replicas, 4), (ordinal) => `${scenario.name}-${ordinal}`);
  const deployment = new Deployment({ replicas: options.replicas, scenario, nlb, pool, scale, trace });
  const load = new LoadGenerator({
    ports: nlb.ports,
    unaryClientsPerNode: LOAD_PROFILE.unaryClientsPerNode,
    streamClientsPerNode: LOAD_PROFILE.streamClientsPerNode,
    unaryIntervalMs: LOAD_PROFILE.unaryIntervalMs,
    scale,
    trace,
    transparentRetries: options.transparentRetries,
  });
  const rollouts: RolloutRecord[] = [];
  try {
    const limitMs = scale.ms(stepLimitSeconds(scenario, options)) + 10_000;
    await within(deployment.start(), limitMs, `lab: ${scenario.name}: the initial replicas becoming healthy on every NLB node`);
    load.start();
    await sleep(scale.ms(LOAD_PROFILE.warmUpSeconds));
    // Back to back: each restart starts the moment the previous rollout has ended (old pods
    // exited and forgotten by every NLB node), so every deploy's errors are its own.
    for (let index = 1; index <= options.restarts; index += 1) {
      const rollout = await within(deployment.restart(index), limitMs, `lab: ${scenario.name}: rollout ${index} completing`);
      rollouts.push(rollout);
      await within(rollout.ended, limitMs, `lab: ${scenario.name}: rollout ${index}'s old pods leaving`);
    }
    await sleep(scale.ms(LOAD_PROFILE.coolDownSeconds));
  } finally {
    await load.stop();
    deployment.stop();
    await pool.close();
    await nlb.close();
  }
  const durations = rollouts.map((r) => scale.seconds(r.endedAt - r.startedAt));
  const mean = durations.length === 0 ? 0 : durations.reduce((a, b) => a + b, 0) / durations.length;
  const result: ScenarioResult = {
    rpcs: load.counts.rpcs,
    failed: { ...load.counts.failed },
    refused: nlb.refused,
    streamsReset: load.counts.streamsReset,
    streamsEnded: load.counts.streamsEnded,
    sigkills: deployment.sigkills,
    rolloutSeconds: Math.round(mean * 10) / 10,
  };
  return {
    scenario,
    options,
    result,
    rollouts,
    load: load.counts,
    nlb: { ...nlb.counts },
    trace,
    sample: rollouts[0]?.deleted[0],
    wallMs: Date.now() - started,
  };
}
