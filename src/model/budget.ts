/**
 * The drain budget: the few durations a user knows or estimates, from which every
 * termination-related setting is derived (DESIGN.md §2). Plain data, seconds, every field
 * optional.
 */

/** The NLB target-group health check the plan configures. */
export interface HealthCheckBudget {
  /**
   * Seconds between two health checks of one target, 5–300.
   * @default 5
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds without a response before a check fails, 2–120 and at most `intervalSeconds`.
   * @default min(6, intervalSeconds)
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive successes before an unhealthy target is healthy again, 2–10.
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a target is unhealthy, 2–10.
   * @default 2
   */
  readonly unhealthyThreshold?: number;
}

/**
 * Inputs of {@link planDrain}. Durations are seconds; a fractional duration is rounded up.
 */
export interface DrainBudget {
  /**
   * Seconds until every NLB node stops opening new connections to a terminating pod:
   * the preStop sleep. Field reports for NLB ip targets range from tens of seconds to
   * several minutes (aws-load-balancer-controller #1834, #2366, #3270).
   * @default 20
   */
  readonly propagationSeconds?: number;
  /**
   * Bound on the graceful stop after SIGTERM: streams hung up, in-flight RPCs finish.
   * @default 10
   */
  readonly drainTimeoutSeconds?: number;
  /**
   * Work after the drain, before the process exits.
   * @default 5
   */
  readonly cleanupSeconds?: number;
  /**
   * Margin before SIGKILL.
   * @default 10
   */
  readonly headroomSeconds?: number;
  /** The NLB health check. */
  readonly healthCheck?: HealthCheckBudget;
  /**
   * Overrides the derived grace period (sleep + drain + cleanup + headroom); checked.
   * @default - derived
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Overrides the derived `deregistration_delay.timeout_seconds` (the grace period); 0–3600, checked.
   * @default - derived
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * A cap the cluster puts on the grace period (a policy engine, node graceful shutdown).
   * @default - no cap
   */
  readonly maxTerminationGracePeriodSeconds?: number;
  /**
   * The cluster's Kubernetes version, `"1.30"`: picks the preStop action (native sleep
   * needs 1.30, a zero-second sleep 1.33).
   * @default "1.30"
   */
  readonly kubernetesVersion?: string;
  /**
   * The namespace carries `elbv2.k8s.aws/pod-readiness-gate-inject: enabled`, so a new pod
   * is Ready only once its NLB target is healthy.
   * @default true
   */
  readonly readinessGate?: boolean;
  /**
   * Port of the HTTP health server (the NLB checks it directly on ip targets).
   * @default 8080
   */
  readonly healthPort?: number;
  /**
   * Path that answers 200 while the pod takes new connections and 503 from SIGTERM on.
   * @default "/ready"
   */
  readonly readinessPath?: string;
  /**
   * Path that answers 200 while the process is alive, through the whole drain.
   * @default "/live"
   */
  readonly livenessPath?: string;
}

/** The budget with every default applied and every duration a whole number of seconds. */
export interface ResolvedBudget {
  readonly propagationSeconds: number;
  readonly drainTimeoutSeconds: number;
  readonly cleanupSeconds: number;
  readonly headroomSeconds: number;
  readonly healthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  readonly terminationGracePeriodSeconds?: number;
  readonly deregistrationDelaySeconds?: number;
  readonly maxTerminationGracePeriodSeconds?: number;
  readonly kubernetesVersion: string;
  readonly readinessGate: boolean;
  readonly healthPort: number;
  readonly readinessPath: string;
  readonly livenessPath: string;
}

/** Defaults of DESIGN.md §2. The health-check timeout defaults to min(6, interval). */
export const BUDGET_DEFAULTS = {
  propagationSeconds: 20,
  drainTimeoutSeconds: 10,
  cleanupSeconds: 5,
  headroomSeconds: 10,
  healthCheck: {
    intervalSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  },
  /** Upper bound of the default health-check timeout; the default is min(this, interval). */
  healthCheckTimeoutCapSeconds: 6,
  kubernetesVersion: '1.30',
  readinessGate: true,
  healthPort: 8080,
  readinessPath: '/ready',
  livenessPath: '/live',
} as const;

/** The budget fields whose value is a duration in seconds (rounded up when fractional). */
export type DurationField =
  | 'propagationSeconds'
  | 'drainTimeoutSeconds'
  | 'cleanupSeconds'
  | 'headroomSeconds'
  | 'terminationGracePeriodSeconds'
  | 'deregistrationDelaySeconds'
  | 'maxTerminationGracePeriodSeconds'
  | 'healthCheck.intervalSeconds'
  | 'healthCheck.timeoutSeconds';

/** Every budget field, as a dotted path. */
export type BudgetField =
  | DurationField
  | 'healthCheck'
  | 'healthCheck.healthyThreshold'
  | 'healthCheck.unhealthyThreshold'
  | 'kubernetesVersion'
  | 'readinessGate'
  | 'healthPort'
  | 'readinessPath'
  | 'livenessPath';
