import { Duration } from 'cdk8s';
import type { BudgetField, DrainBudget, Finding } from '../model';
import { describeValue } from '../plan';

/** The NLB target-group health check; times are `Duration`s. */
export interface HealthCheckProps {
  /**
   * Time between two checks of one target, 5–300 s.
   * @default Duration.seconds(5)
   */
  readonly interval?: Duration;
  /**
   * Time without a response before a check fails, 2–120 s and at most `interval`.
   * @default - min(6 s, interval)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes before a target is healthy, 2–10.
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
 * The drain budget of a {@link GrpcDeployment}: a few durations you know or estimate, from
 * which grpc-drain derives the preStop sleep, grace period, probes, NLB health check and
 * target-group attributes. A fractional second is rounded up.
 */
export interface DrainBudgetProps {
  /**
   * Time until every NLB node stops opening new connections to a terminating pod; it
   * becomes the preStop sleep. Field reports for NLB ip targets range from tens of seconds
   * to several minutes: measure yours (see the README).
   * @default Duration.seconds(20)
   */
  readonly propagation?: Duration;
  /**
   * Time for a new pod's IP to be registered and healthy in the NLB; without the readiness
   * gate new pods wait `minReadySeconds` = registration + healthyThreshold × interval.
   * @default Duration.seconds(120)
   */
  readonly registration?: Duration;
  /**
   * Bound on the graceful stop after SIGTERM (streams hung up, in-flight RPCs finish);
   * passed to the server as `GRPC_DRAIN_TIMEOUT_SECONDS`.
   * @default Duration.seconds(10)
   */
  readonly drainTimeout?: Duration;
  /**
   * Work after the drain before the process exits (`GRPC_DRAIN_CLEANUP_SECONDS`).
   * @default Duration.seconds(5)
   */
  readonly cleanup?: Duration;
  /**
   * Margin before SIGKILL.
   * @default Duration.seconds(10)
   */
  readonly headroom?: Duration;
  /**
   * The NLB health check (it always targets the readiness endpoint).
   * @default - interval 5 s, timeout 5 s, thresholds 2 and 2
   */
  readonly healthCheck?: HealthCheckProps;
  /**
   * Overrides the derived grace period; checked against sleep + drain + cleanup (+ headroom).
   * @default - propagation + drainTimeout + cleanup + headroom
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Overrides the derived `deregistration_delay.timeout_seconds` (0–3600 s); checked.
   * @default - the grace period
   */
  readonly deregistrationDelay?: Duration;
  /**
   * A cap your cluster puts on the grace period (policy engine, node shutdown).
   * @default - no cap
   */
  readonly maxTerminationGracePeriod?: Duration;
  /**
   * The cluster's Kubernetes version: from 1.30 the preStop uses the kubelet's native sleep,
   * before that `exec sleep` (the image then needs a sleep binary).
   * @default "1.30"
   */
  readonly kubernetesVersion?: string;
  /**
   * The AWS Load Balancer Controller's version ("2.7", "2.4.6"): what it honours of the plan
   * is checked (rule `lbc-supports`).
   * @default "2.7"
   */
  readonly lbcVersion?: string;
  /**
   * The namespace is labelled `elbv2.k8s.aws/pod-readiness-gate-inject: enabled`; without it
   * new pods wait `minReadySeconds` = registration + healthyThreshold × interval instead.
   * @default true
   */
  readonly readinessGate?: boolean;
  /**
   * Answers 200 while the pod takes new connections, 503 from SIGTERM on.
   * @default "/ready"
   */
  readonly readinessPath?: string;
  /**
   * Answers 200 while the process lives, through the whole drain.
   * @default "/live"
   */
  readonly livenessPath?: string;
}

const DURATION_FIELDS = [
  ['propagation', 'propagationSeconds'],
  ['registration', 'registrationSeconds'],
  ['drainTimeout', 'drainTimeoutSeconds'],
  ['cleanup', 'cleanupSeconds'],
  ['headroom', 'headroomSeconds'],
  ['terminationGracePeriod', 'terminationGracePeriodSeconds'],
  ['deregistrationDelay', 'deregistrationDelaySeconds'],
  ['maxTerminationGracePeriod', 'maxTerminationGracePeriodSeconds'],
] as const;
const PLAIN_FIELDS = ['kubernetesVersion', 'lbcVersion', 'readinessGate', 'readinessPath', 'livenessPath'] as const;
const HEALTH_CHECK_DURATIONS = [
  ['interval', 'intervalSeconds'],
  ['timeout', 'timeoutSeconds'],
] as const;
const HEALTH_CHECK_COUNTS = ['healthyThreshold', 'unhealthyThreshold'] as const;

const LABELS: { readonly [F in BudgetField]: string } = {
  propagationSeconds: 'budget.propagation',
  registrationSeconds: 'budget.registration',
  drainTimeoutSeconds: 'budget.drainTimeout',
  cleanupSeconds: 'budget.cleanup',
  headroomSeconds: 'budget.headroom',
  terminationGracePeriodSeconds: 'budget.terminationGracePeriod',
  deregistrationDelaySeconds: 'budget.deregistrationDelay',
  maxTerminationGracePeriodSeconds: 'budget.maxTerminationGracePeriod',
  healthCheck: 'budget.healthCheck',
  'healthCheck.intervalSeconds': 'budget.healthCheck.interval',
  'healthCheck.timeoutSeconds': 'budget.healthCheck.timeout',
  'healthCheck.healthyThreshold': 'budget.healthCheck.healthyThreshold',
  'healthCheck.unhealthyThreshold': 'budget.healthCheck.unhealthyThreshold',
  kubernetesVersion: 'budget.kubernetesVersion',
  lbcVersion: 'budget.lbcVersion',
  readinessGate: 'budget.readinessGate',
  healthPort: 'healthPort',
  readinessPath: 'budget.readinessPath',
  livenessPath: 'budget.livenessPath',
};

/** Names a core budget field as a cdk8s user wrote it. */
export function cdk8sFieldLabel(field: BudgetField): string {
  return LABELS[field];
}

/**
 * `Duration`s → the core's seconds. A value that is not a `Duration` is a violation here
 * (the core would take a bare number as seconds, which is not what the type promised).
 */
export function toDrainBudget(props: DrainBudgetProps = {}, healthPort?: number): { budget: DrainBudget; violations: Finding[] } {
  const violations: Finding[] = [];
  const budget: Record<string, unknown> = {};
  if (healthPort !== undefined) budget.healthPort = healthPort;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    // `null` is not "the defaults": say so rather than plan on them.
    const message = `budget must be an object of Durations such as { propagation: Duration.seconds(20) } (leave it out for the defaults); got ${describeValue(props)}.`;
    return { budget: budget as DrainBudget, violations: [{ rule: 'budget-valid', severity: 'error', field: 'budget', message }] };
  }
  const seconds = (label: string, value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    // Duck-typed: a second copy of cdk8s in node_modules would defeat instanceof.
    if (value instanceof Duration || (typeof value === 'object' && value !== null && typeof (value as Duration).toMilliseconds === 'function')) {
      return (value as Duration).toMilliseconds({ integral: false }) / 1000;
    }
    violations.push({ rule: 'budget-valid', severity: 'error', field: label, message: `${label} must be a cdk8s Duration such as Duration.seconds(20); got ${describeValue(value)}.` });
    return undefined;
  };
  const raw = props as Record<string, unknown>;
  for (const [prop, field] of DURATION_FIELDS) {
    const value = seconds(`budget.${prop}`, raw[prop]);
    if (value !== undefined) budget[field] = value;
  }
  for (const field of PLAIN_FIELDS) if (raw[field] !== undefined) budget[field] = raw[field];
  const known = new Set<string>([...DURATION_FIELDS.map(([prop]) => prop), ...PLAIN_FIELDS, 'healthCheck']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) violations.push({ rule: 'budget-valid', severity: 'error', field: `budget.${key}`, message: `budget.${key} is not a budget field; use one of ${[...known].join(', ')}.` });
  }
  if (raw.healthCheck !== undefined) {
    const hc = raw.healthCheck as Record<string, unknown>;
    const healthCheck: Record<string, unknown> = {};
    for (const [prop, field] of HEALTH_CHECK_DURATIONS) {
      const value = seconds(`budget.healthCheck.${prop}`, hc?.[prop]);
      if (value !== undefined) healthCheck[field] = value;
    }
    for (const field of HEALTH_CHECK_COUNTS) if (hc?.[field] !== undefined) healthCheck[field] = hc[field];
    const knownHealthCheck = new Set<string>([...HEALTH_CHECK_DURATIONS.map(([prop]) => prop), ...HEALTH_CHECK_COUNTS]);
    for (const key of typeof hc === 'object' && hc !== null ? Object.keys(hc) : []) {
      if (!knownHealthCheck.has(key)) {
        violations.push({ rule: 'budget-valid', severity: 'error', field: `budget.healthCheck.${key}`, message: `budget.healthCheck.${key} is not a health-check field; use one of ${[...knownHealthCheck].join(', ')}.` });
      }
    }
    budget.healthCheck = typeof hc === 'object' && hc !== null ? healthCheck : hc;
  }
  return { budget: budget as DrainBudget, violations };
}
