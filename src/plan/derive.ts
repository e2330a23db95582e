import {
  DEPLOYMENT_PROGRESS_DEADLINE,
  DEREGISTRATION_DELAY,
  NLB_DEFAULT_SUCCESS_CODES,
  isAtLeastMinor,
  NATIVE_SLEEP_MIN_MINOR,
  parseKubernetesVersion,
  type DrainSettings,
  type PreStopHook,
  type ProbeSettings,
} from '../model';
import type { CheckedBudget } from './resolve-budget';

/**
 * Kubelet probes (DESIGN.md §3). Readiness: a 503 is acted on within 2 × 5 s; it only
 * gates new pods (a terminating pod is already not-ready), so it can stay cheap.
 * Liveness: 3 × 10 s, slow enough never to restart a server that is draining.
 */
export const READINESS_PROBE_TIMING = { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 } as const;
export const LIVENESS_PROBE_TIMING = { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 } as const;

/** New pods first, old ones only once replaced: no capacity gap on a rollout. */
export const ROLLOUT_SURGE = { maxSurge: '25%', maxUnavailable: 0 } as const;

/** One pod at a time may be evicted voluntarily (node drains). */
export const PDB_MAX_UNAVAILABLE = 1;

const add = (...terms: Array<number | undefined>): number | undefined =>
  terms.every((t): t is number => t !== undefined) ? terms.reduce((a, b) => a + b, 0) : undefined;
const mul = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? a * b : undefined);

/**
 * The preStop action for a cluster version: the kubelet's native sleep from 1.30, `exec sleep`
 * before (the image then needs a sleep binary). With an unknown version the native action is
 * assumed, so the rules still see the sleep's length.
 */
/** An httpGet probe the plan derives: its endpoint, then its timing. */
function httpProbe(port: number | undefined, path: string | undefined, timing: typeof READINESS_PROBE_TIMING | typeof LIVENESS_PROBE_TIMING): ProbeSettings {
  return { kind: 'httpGet', port, path, periodSeconds: timing.periodSeconds, timeoutSeconds: timing.timeoutSeconds, failureThreshold: timing.failureThreshold };
}

function preStopFor(sleepSeconds: number | undefined, kubernetesVersion: string | undefined): PreStopHook | undefined {
  if (sleepSeconds === undefined) return undefined;
  const version = kubernetesVersion !== undefined ? parseKubernetesVersion(kubernetesVersion) : undefined;
  if (version && !isAtLeastMinor(version, NATIVE_SLEEP_MIN_MINOR)) {
    return { kind: 'exec', command: ['sleep', String(sleepSeconds)], seconds: sleepSeconds };
  }
  return { kind: 'sleep', seconds: sleepSeconds };
}

/**
 * Budget → settings (DESIGN.md §3). Pure arithmetic; an unknown input makes everything
 * computed from it unknown.
 */
export function deriveSettings(budget: CheckedBudget): DrainSettings {
  const sleep = budget.propagationSeconds;
  const drain = budget.drainTimeoutSeconds;
  const hc = budget.healthCheck;
  const grace = budget.terminationGracePeriodSeconds ?? add(sleep, drain, budget.cleanupSeconds, budget.headroomSeconds);
  // The NLB forgets the pod when the kubelet would kill it; AWS caps the delay at 3600 s.
  const derivedDelay = grace !== undefined ? Math.min(grace, DEREGISTRATION_DELAY.max) : undefined;
  const deregistrationDelay = budget.deregistrationDelaySeconds ?? derivedDelay;
  const gate = budget.readinessGate;
  // Without the gate a new pod counts as available minReadySeconds after Ready: long enough
  // for its IP to be registered and pass the healthy threshold (DESIGN.md §3).
  const minReadySeconds = gate === undefined ? undefined : gate ? 0 : add(budget.registrationSeconds, mul(hc.healthyThreshold, hc.intervalSeconds));

  return {
    propagationSeconds: budget.propagationSeconds,
    drainTimeoutSeconds: drain,
    cleanupSeconds: budget.cleanupSeconds,
    headroomSeconds: budget.headroomSeconds,
    kubernetesVersion: budget.kubernetesVersion,
    maxTerminationGracePeriodSeconds: budget.maxTerminationGracePeriodSeconds,
    registrationSeconds: budget.registrationSeconds,
    lbcVersion: budget.lbcVersion,
    preStop: preStopFor(sleep, budget.kubernetesVersion),
    terminationGracePeriodSeconds: grace,
    // Members written out rather than spread (V8 11 makes a spread in a literal, and every member
    // after it, a runtime call; this runs for every plan): the same members, in the same order.
    readinessProbe: httpProbe(budget.healthPort, budget.readinessPath, READINESS_PROBE_TIMING),
    livenessProbe: httpProbe(budget.healthPort, budget.livenessPath, LIVENESS_PROBE_TIMING),
    // renderDeployment sets no progressDeadlineSeconds: the API default applies.
    rollout: {
      strategy: 'RollingUpdate',
      maxSurge: ROLLOUT_SURGE.maxSurge,
      maxUnavailable: ROLLOUT_SURGE.maxUnavailable,
      minReadySeconds,
      progressDeadlineSeconds: DEPLOYMENT_PROGRESS_DEADLINE.value,
    },
    readinessGate: gate,
    podDisruptionBudget: true,
    healthCheck: {
      protocol: 'HTTP',
      port: budget.healthPort,
      path: budget.readinessPath,
      intervalSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
      // The plan sets no success codes: the LBC sends its default, which fails a 503.
      successCodes: NLB_DEFAULT_SUCCESS_CODES.value,
    },
    targetType: 'ip',
    // renderService sets no externalTrafficPolicy: Kubernetes' default for LoadBalancer Services.
    externalTrafficPolicy: 'Cluster',
    loadBalancerType: 'external',
    perPortTargetGroupAttributes: false,
    deregistrationDelaySeconds: deregistrationDelay,
    deregistrationDelaySource: 'explicit',
    connectionTermination: true,
    // A target seen unhealthy while it drains keeps its connections for the whole drain.
    unhealthyConnectionTermination: false,
    unhealthyDrainingIntervalSeconds: drain,
  };
}
