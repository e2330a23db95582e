/**
 * The three configurations the lab compares. Every number is in budget seconds; the lab
 * scales them all alike (see TimeScale).
 *
 * - `derived`: what `planDrain` derives from the propagation given (DESIGN.md §3).
 * - `naive`: what a cluster does when nobody set anything (Kubernetes, LBC and AWS
 *   defaults) with a server whose graceful stop waits on its streams forever.
 * - `seed`: the hand-set values of the article the project starts from.
 * - `no-gate`: `derived` for a namespace without the LBC's pod readiness gate, as
 *   `planDrain({ readinessGate: false })` derives it (minReadySeconds instead of the gate).
 */
import {
  DEREGISTRATION_DELAY,
  KUBERNETES_DEFAULT_GRACE_SECONDS,
  LBC_HEALTH_CHECK_DEFAULTS,
  TARGET_GROUP_ATTRIBUTE,
  planDrain,
  type DrainPlan,
} from 'grpc-drain';

export const SCENARIO_NAMES = ['derived', 'naive', 'seed', 'no-gate'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The NLB target group's health check. */
export interface LabHealthCheck {
  /** HTTP checks the health server's readiness path; TCP only opens a connection to the traffic (gRPC) port. */
  readonly protocol: 'HTTP' | 'TCP';
  /** HTTP only. */
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** The target-group attributes that govern connections of leaving and unhealthy targets. */
export interface LabTargetGroup {
  /** `deregistration_delay.timeout_seconds`. */
  readonly deregistrationDelaySeconds: number;
  /** `deregistration_delay.connection_termination.enabled`. */
  readonly connectionTermination: boolean;
  /** `target_health_state.unhealthy.connection_termination.enabled`. */
  readonly unhealthyConnectionTermination: boolean;
  /** `target_health_state.unhealthy.draining_interval_seconds`. */
  readonly unhealthyDrainingIntervalSeconds: number;
}

/** The pod template: the kubelet's side and the server's environment. */
export interface LabPodSpec {
  /** preStop sleep; 0 for no preStop hook. */
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  /** `GRPC_DRAIN_TIMEOUT_SECONDS`: the bound on the graceful stop. */
  readonly drainTimeoutSeconds: number;
  /** `GRPC_DRAIN_CLEANUP_SECONDS`: the cleanup hooks' budget. */
  readonly cleanupSeconds: number;
  /** `ENGINE_TRACK_STREAMS`: whether the server hangs up its Subscribe streams at SIGTERM. */
  readonly trackStreams: boolean;
  /** Period of the kubelet's readiness probe on `/ready`. */
  readonly readinessProbePeriodSeconds: number;
}

/** The Deployment's rollout strategy. */
export interface LabRollout {
  /** A count or a percentage of replicas, rounded up (Kubernetes `maxSurge`). */
  readonly maxSurge: number | string;
  /** A count or a percentage of replicas, rounded down (Kubernetes `maxUnavailable`). */
  readonly maxUnavailable: number | string;
  readonly minReadySeconds: number;
  /** The LBC's pod readiness gate: a new pod is Ready only once its target is healthy. */
  readonly readinessGate: boolean;
}

export interface Scenario {
  readonly name: ScenarioName;
  /** One line for the report. */
  readonly summary: string;
  readonly pod: LabPodSpec;
  readonly healthCheck: LabHealthCheck;
  readonly targetGroup: LabTargetGroup;
  readonly rollout: LabRollout;
}

/**
 * Kubernetes' rolling-update defaults (25% / 25%) and the kubelet probe's default period (10 s).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge
 */
const KUBERNETES_ROLLOUT_DEFAULTS = { maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0 } as const;
const KUBERNETES_PROBE_PERIOD_SECONDS = 10;

function booleanAttribute(plan: DrainPlan, key: string): boolean {
  const value = plan.targetGroupAttributes[key];
  if (value !== 'true' && value !== 'false') throw new Error(`lab: the plan's ${key} is ${JSON.stringify(value)}, expected true or false`);
  return value === 'true';
}

function numberAttribute(plan: DrainPlan, key: string): number {
  const value = Number(plan.targetGroupAttributes[key]);
  if (!Number.isFinite(value)) throw new Error(`lab: the plan's ${key} is ${JSON.stringify(plan.targetGroupAttributes[key])}, expected a number`);
  return value;
}

/** `derived`: every setting read from the plan, nothing restated here. */
export function derivedScenario(propagationSeconds: number): Scenario {
  const plan = planDrain({ propagationSeconds });
  return {
    ...planScenario(plan),
    name: 'derived',
    summary: `planDrain({ propagationSeconds: ${propagationSeconds} }): sleep ${plan.preStopSleepSeconds}, grace ${plan.terminationGracePeriodSeconds}, delay ${plan.deregistrationDelaySeconds}`,
  };
}

/**
 * `no-gate`: the plan for a namespace without the readiness gate. New pods count as available
 * after the plan's minReadySeconds (registration + Hc × I since issue 9), whether or not the
 * NLB routes to them yet: it covers the NLB only if the budget's registration does.
 */
export function noGateScenario(propagationSeconds: number, registrationSeconds: number): Scenario {
  const plan = planDrain({ propagationSeconds, registrationSeconds, readinessGate: false });
  return {
    ...planScenario(plan),
    name: 'no-gate',
    summary: `planDrain({ propagationSeconds: ${propagationSeconds}, registrationSeconds: ${registrationSeconds}, readinessGate: false }): no readiness gate, minReadySeconds ${plan.rollout.minReadySeconds}`,
  };
}

/** Every setting of a scenario read from `plan`. */
function planScenario(plan: DrainPlan): Omit<Scenario, 'name' | 'summary'> {
  return {
    pod: {
      preStopSleepSeconds: plan.preStopSleepSeconds,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      drainTimeoutSeconds: plan.budget.drainTimeoutSeconds,
      cleanupSeconds: plan.budget.cleanupSeconds,
      trackStreams: true,
      readinessProbePeriodSeconds: plan.readinessProbe.periodSeconds,
    },
    healthCheck: {
      protocol: plan.healthCheck.protocol,
      path: plan.healthCheck.path,
      intervalSeconds: plan.healthCheck.intervalSeconds,
      timeoutSeconds: plan.healthCheck.timeoutSeconds,
      healthyThreshold: plan.healthCheck.healthyThreshold,
      unhealthyThreshold: plan.healthCheck.unhealthyThreshold,
    },
    targetGroup: {
      deregistrationDelaySeconds: numberAttribute(plan, TARGET_GROUP_ATTRIBUTE.deregistrationDelay),
      connectionTermination: booleanAttribute(plan, TARGET_GROUP_ATTRIBUTE.connectionTermination),
      unhealthyConnectionTermination: booleanAttribute(plan, TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination),
      unhealthyDrainingIntervalSeconds: numberAttribute(plan, TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval),
    },
    rollout: {
      maxSurge: plan.rollout.maxSurge,
      maxUnavailable: plan.rollout.maxUnavailable,
      minReadySeconds: plan.rollout.minReadySeconds,
      readinessGate: plan.budget.readinessGate,
    },
  };
}

/**
 * `naive`: nothing set. No preStop; the default grace period (30 s, Kubernetes); the NLB
 * health check on the liveness path, as the article's was ("We had ours pointed at the
 * liveness endpoint"), with the LBC's default timing (interval 10, timeout 10, thresholds 3:
 * aws-load-balancer-controller `docs/guide/service/annotations.md`); AWS's target-group
 * defaults (deregistration delay 300 s without connection termination, unhealthy targets'
 * connections reset: ELB API `TargetGroupAttribute`); Kubernetes' rollout defaults and no
 * readiness gate. The server leaves its streams untracked and its graceful stop is bounded
 * by nothing the kubelet waits for (a drain timeout twice the grace period), like grpc-go's
 * unbounded `GracefulStop` in the article: the kubelet's SIGKILL ends it.
 */
export function naiveScenario(): Scenario {
  const grace = KUBERNETES_DEFAULT_GRACE_SECONDS;
  return {
    name: 'naive',
    summary: `no preStop, grace ${grace}, health check on /live, delay ${DEREGISTRATION_DELAY.awsDefault} without termination, streams hold the graceful stop`,
    pod: {
      preStopSleepSeconds: 0,
      terminationGracePeriodSeconds: grace,
      drainTimeoutSeconds: 2 * grace,
      cleanupSeconds: 5,
      trackStreams: false,
      readinessProbePeriodSeconds: KUBERNETES_PROBE_PERIOD_SECONDS,
    },
    healthCheck: {
      protocol: 'HTTP',
      path: '/live',
      intervalSeconds: LBC_HEALTH_CHECK_DEFAULTS.intervalSeconds,
      timeoutSeconds: LBC_HEALTH_CHECK_DEFAULTS.timeoutSeconds,
      healthyThreshold: LBC_HEALTH_CHECK_DEFAULTS.healthyThreshold,
      unhealthyThreshold: LBC_HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    },
    targetGroup: {
      deregistrationDelaySeconds: DEREGISTRATION_DELAY.awsDefault,
      connectionTermination: false,
      unhealthyConnectionTermination: true,
      unhealthyDrainingIntervalSeconds: 0,
    },
    rollout: { ...KUBERNETES_ROLLOUT_DEFAULTS, readinessGate: false },
  };
}

/**
 * `seed`: the article's hand-set values: preStop sleep 20, grace 75, health check HTTP on
 * `/ready` with interval 5 and thresholds 2, deregistration delay 60 with connection
 * termination, the server's drain bounded at 10 s. What the article leaves unset keeps its
 * default: health-check timeout (the LBC's 10 exceeds the interval, which grpc-drain's rules
 * reject, so 5 = the interval), unhealthy connection termination (AWS: on), cleanup (the
 * budget's 5). The article says nothing about the rollout, so it gets `derived`'s (readiness
 * gate, maxSurge 25%, maxUnavailable 0): the comparison is about the termination settings.
 */
export function seedScenario(rollout: LabRollout): Scenario {
  return {
    name: 'seed',
    summary: 'the article: sleep 20, grace 75, delay 60 with termination, HTTP /ready every 5 s, thresholds 2, drain 10',
    pod: {
      preStopSleepSeconds: 20,
      terminationGracePeriodSeconds: 75,
      drainTimeoutSeconds: 10,
      cleanupSeconds: 5,
      trackStreams: true,
      readinessProbePeriodSeconds: 5,
    },
    healthCheck: { protocol: 'HTTP', path: '/ready', intervalSeconds: 5, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
    targetGroup: {
      deregistrationDelaySeconds: 60,
      connectionTermination: true,
      unhealthyConnectionTermination: true,
      unhealthyDrainingIntervalSeconds: 0,
    },
    rollout,
  };
}

/** The budget inputs the lab varies: `--propagation` and `--budget-registration`. */
export interface LabBudget {
  readonly propagationSeconds: number;
  /** Only no-gate's plan reads it (minReadySeconds); with the readiness gate it changes nothing. */
  readonly registrationSeconds: number;
}

/** The scenario called `name`, with `derived`'s and `no-gate`'s plans built from `budget`. */
export function scenario(name: ScenarioName, budget: LabBudget): Scenario {
  switch (name) {
    case 'derived':
      return derivedScenario(budget.propagationSeconds);
    case 'naive':
      return naiveScenario();
    case 'seed':
      return seedScenario(derivedScenario(budget.propagationSeconds).rollout);
    case 'no-gate':
      return noGateScenario(budget.propagationSeconds, budget.registrationSeconds);
  }
}
