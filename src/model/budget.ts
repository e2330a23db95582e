/**
 * The drain budget: the few durations a user knows or estimates, from which every
 * termination-related setting is derived (DESIGN.md §2). Plain data, seconds, every field
 * optional.
 */
import {
  BUDGET_DURATION,
  DEREGISTRATION_DELAY,
  INT32_MAX,
  NLB_HEALTH_CHECK,
  PORT,
  type Limit,
} from './limits';

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
 * Every number has a range ({@link BUDGET_LIMITS}); only own properties are read.
 */
export interface DrainBudget {
  /**
   * Seconds until every NLB node stops opening new connections to a terminating pod: the
   * preStop sleep, 1–3600. Field reports range from ~10 s of refused connections after the
   * target turned `draining` (kubernetes-sigs/cluster-api-provider-aws#6254) to tens of seconds
   * (aws/containers-roadmap#470): measure yours (the runtime reports it at every termination).
   * @default 20
   */
  readonly propagationSeconds?: number;
  /**
   * Seconds until a new pod's IP is registered and healthy in the NLB, 0–3600: without the pod
   * readiness gate, `minReadySeconds` = registration + healthy threshold × interval. Reports:
   * 90–180 s plus the health checks, up to ~5 min (aws-load-balancer-controller#1834).
   * @default 120
   */
  readonly registrationSeconds?: number;
  /**
   * Bound on the graceful stop after SIGTERM: streams hung up, in-flight RPCs finish, 0–3600.
   * 0 cancels every in-flight call at SIGTERM (a warning).
   * @default 10
   */
  readonly drainTimeoutSeconds?: number;
  /**
   * Work after the drain, before the process exits, 0–3600.
   * @default 5
   */
  readonly cleanupSeconds?: number;
  /**
   * Margin before SIGKILL, 0–3600.
   * @default 10
   */
  readonly headroomSeconds?: number;
  /** The NLB health check. */
  readonly healthCheck?: HealthCheckBudget;
  /**
   * Overrides the derived grace period (sleep + drain + cleanup + headroom), 0–14400; checked.
   * @default - derived
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Overrides the derived `deregistration_delay.timeout_seconds` (the grace period); 0–3600, checked.
   * @default - derived
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * A cap the cluster puts on the grace period: a policy engine, Cluster Autoscaler's
   * `--max-graceful-termination-sec` (600 s by default), a Karpenter NodePool's
   * `terminationGracePeriod`, an EC2 Spot interruption notice (120 s for the whole node):
   * see {@link NODE_GRACE_CAPS}.
   * @default - no cap
   */
  readonly maxTerminationGracePeriodSeconds?: number;
  /**
   * The cluster's Kubernetes version, `"1.30"` (1.21–1.99): picks the preStop action (native
   * sleep needs 1.30, a zero-second sleep 1.33).
   * @default "1.30"
   */
  readonly kubernetesVersion?: string;
  /**
   * The AWS Load Balancer Controller's version, `"2.7"` or `"2.4.6"`: what it honours of the
   * plan (rule `lbc-supports`; e.g. before 2.4.6 it drops the NLB health-check timeout).
   * @default "2.7"
   */
  readonly lbcVersion?: string;
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
   * Path that answers 200 while the pod takes new connections and 503 from SIGTERM on:
   * `/` then letters, digits and `-._~!$&'()*+,;=:@/` (what the kubelet sends unchanged).
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
  readonly registrationSeconds: number;
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
  readonly lbcVersion: string;
  readonly readinessGate: boolean;
  readonly healthPort: number;
  readonly readinessPath: string;
  readonly livenessPath: string;
}

/**
 * Defaults of DESIGN.md §2. The health-check timeout defaults to min(6, interval): 6 s is what
 * AWS applies to an HTTP check when none is sent (AWS_DEFAULT_HEALTH_CHECK_TIMEOUT), so the
 * plan means the same on a controller that drops the timeout. Propagation 20 s is the seed
 * article's measurement; registration 120 s is within the reports of REGISTRATION_REPORTS;
 * LBC 2.7 is the oldest release that honours everything the default plan emits.
 */
export const BUDGET_DEFAULTS = {
  propagationSeconds: 20,
  registrationSeconds: 120,
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
  lbcVersion: '2.7',
  readinessGate: true,
  healthPort: 8080,
  readinessPath: '/ready',
  livenessPath: '/live',
} as const;

/** The budget fields whose value is a duration in seconds (rounded up when fractional). */
export type DurationField =
  | 'propagationSeconds'
  | 'registrationSeconds'
  | 'drainTimeoutSeconds'
  | 'cleanupSeconds'
  | 'headroomSeconds'
  | 'terminationGracePeriodSeconds'
  | 'deregistrationDelaySeconds'
  | 'maxTerminationGracePeriodSeconds'
  | 'healthCheck.intervalSeconds'
  | 'healthCheck.timeoutSeconds';

/** The budget fields that are whole numbers (no rounding). */
export type CountField = 'healthCheck.healthyThreshold' | 'healthCheck.unhealthyThreshold' | 'healthPort';

/** Every budget field, as a dotted path. */
export type BudgetField =
  | DurationField
  | CountField
  | 'healthCheck'
  | 'kubernetesVersion'
  | 'lbcVersion'
  | 'readinessGate'
  | 'readinessPath'
  | 'livenessPath';

/** A budget input's range, and why it is that. */
export interface BudgetLimit extends Limit {
  readonly why: string;
}

const durationBound = (min: number, why: string): BudgetLimit => ({ min, max: BUDGET_DURATION.max, why, source: BUDGET_DURATION.source, since: BUDGET_DURATION.since });
const awsRange = (range: Limit): BudgetLimit => ({ ...range, why: "the NLB's range" });

/**
 * The range of every numeric budget input: the one table the budget validation, the renderers
 * (which never see a value outside it), the doctor (budget annotations, options) and the
 * runtime's option parser (which accepts every value the plan renders into the env) share.
 */
export const BUDGET_LIMITS: { readonly [F in DurationField | CountField]: BudgetLimit } = {
  propagationSeconds: durationBound(1, 'a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep'),
  registrationSeconds: durationBound(0, 'the bound of every budget duration: the longest deregistration delay'),
  drainTimeoutSeconds: durationBound(0, 'the deregistration delay, at most 3600s, must cover the drain'),
  cleanupSeconds: durationBound(0, 'the bound of every budget duration: the longest deregistration delay'),
  headroomSeconds: durationBound(0, 'the bound of every budget duration: the longest deregistration delay'),
  terminationGracePeriodSeconds: {
    min: 0,
    max: 4 * BUDGET_DURATION.max,
    why: 'the longest grace period in-range inputs derive: sleep + drain + cleanup + headroom of 3600s each',
    source: BUDGET_DURATION.source,
    since: BUDGET_DURATION.since,
  },
  deregistrationDelaySeconds: { ...DEREGISTRATION_DELAY, why: "AWS's range for deregistration_delay.timeout_seconds" },
  maxTerminationGracePeriodSeconds: { min: 1, max: INT32_MAX.value, why: 'a cap is compared only, never rendered; it stays a 32-bit number', source: INT32_MAX.source, since: INT32_MAX.since },
  'healthCheck.intervalSeconds': awsRange(NLB_HEALTH_CHECK.intervalSeconds),
  'healthCheck.timeoutSeconds': awsRange(NLB_HEALTH_CHECK.timeoutSeconds),
  'healthCheck.healthyThreshold': awsRange(NLB_HEALTH_CHECK.healthyThreshold),
  'healthCheck.unhealthyThreshold': awsRange(NLB_HEALTH_CHECK.unhealthyThreshold),
  healthPort: { ...PORT, why: 'TCP port numbers' },
};

/** `object[key]` when `key` is the object's own property: a polluted `Object.prototype` is never read. */
export function ownField(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}
