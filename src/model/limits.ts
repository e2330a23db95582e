/**
 * Limits that AWS and Kubernetes impose on the settings grpc-drain emits.
 * Every number carries its source; the rules and the budget validation read them
 * from here so a correction lands in one place.
 */

/** An inclusive range of whole numbers. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * NLB target-group health-check ranges.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 */
export const NLB_HEALTH_CHECK = {
  intervalSeconds: { min: 5, max: 300 },
  timeoutSeconds: { min: 2, max: 120 },
  healthyThreshold: { min: 2, max: 10 },
  unhealthyThreshold: { min: 2, max: 10 },
  /**
   * No AWS page states timeout ≤ interval for NLB target groups; AWS CDK enforces it and
   * accepts equality, so grpc-drain enforces ≤.
   */
} as const satisfies Record<string, Range>;

/**
 * `deregistration_delay.timeout_seconds`: 0–3600, default 300.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
 */
export const DEREGISTRATION_DELAY: Range & { readonly awsDefault: number } = { min: 0, max: 3600, awsDefault: 300 };

/**
 * `target_health_state.unhealthy.draining_interval_seconds`: 0–360000, default 0.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
 */
export const UNHEALTHY_DRAINING_INTERVAL: Range = { min: 0, max: 360000 };

/**
 * Kubernetes' default `terminationGracePeriodSeconds` when a pod spec leaves it unset.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export const KUBERNETES_DEFAULT_GRACE_SECONDS = 30;

/**
 * Native `lifecycle.preStop.sleep` (KEP-3960): beta and on by default in 1.30, GA in 1.34.
 * A zero-second sleep (KEP-4818) is accepted from 1.33.
 * @see https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/3960-pod-lifecycle-sleep-action
 * @see https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/4818-allow-zero-value-for-sleep-action-of-prestop-hook
 */
export const NATIVE_SLEEP_MIN_MINOR = 30;
export const ZERO_SLEEP_MIN_MINOR = 33;

/**
 * NLB TCP idle timeout default (350 s): how long a connection nobody closes stays open.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#connection-idle-timeout
 */
export const NLB_TCP_IDLE_TIMEOUT_SECONDS = 350;

/** TCP/UDP port numbers. */
export const PORT: Range = { min: 1, max: 65535 };

/** Upper bound for the budget's durations: AWS caps the deregistration delay, which must cover sleep + drain. */
export const BUDGET_DURATION: Range = { min: 0, max: DEREGISTRATION_DELAY.max };
