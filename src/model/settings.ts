/**
 * DrainSettings: the termination-related numbers of one gRPC workload behind an NLB,
 * normalized. The plan derives them from a budget; the doctor extracts them from manifests.
 * The rules (src/rules) read nothing else.
 *
 * A field left `undefined` is **unknown** (the doctor could not see it, or the budget field
 * it derives from is invalid); a rule that needs it does not fire. Settings that have a
 * Kubernetes or AWS default are never unknown merely for being unset: the extractor fills
 * in the default (30 s grace, TCP health check, 300 s deregistration delay, ...).
 */

/** What runs before SIGTERM. */
export type PreStopHook =
  /** No preStop hook: SIGTERM arrives at t=0. */
  | { readonly kind: 'none' }
  /** Native `lifecycle.preStop.sleep` (run by the kubelet, no binary needed). */
  | { readonly kind: 'sleep'; readonly seconds: number }
  /** `exec` hook; `seconds` is the `sleep N` it runs, when one could be read. */
  | { readonly kind: 'exec'; readonly command: readonly string[]; readonly seconds?: number }
  /** `httpGet` hook: how long it delays SIGTERM is up to the endpoint. */
  | { readonly kind: 'httpGet'; readonly path?: string; readonly port?: number | string };

/** A Kubernetes probe, reduced to what the rules compare; kind `none`: the container has no such probe. */
export interface ProbeSettings {
  readonly kind: 'httpGet' | 'tcpSocket' | 'grpc' | 'exec' | 'none';
  /** Port number, or the container port's name when it could not be resolved. */
  readonly port?: number | string;
  readonly path?: string;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

/** The NLB target-group health check. */
export interface HealthCheckSettings {
  /** TCP is the LBC default. */
  readonly protocol?: 'TCP' | 'HTTP' | 'HTTPS';
  /** A port number, or `traffic-port` (the LBC default: the port traffic goes to). */
  readonly port?: number | 'traffic-port';
  readonly path?: string;
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly healthyThreshold?: number;
  readonly unhealthyThreshold?: number;
}

/** Rollout settings of the workload. */
export interface RolloutSettings {
  readonly strategy?: 'RollingUpdate' | 'Recreate' | 'OnDelete';
  /** An absolute number or a percentage such as `"25%"`. */
  readonly maxUnavailable?: number | string;
  readonly maxSurge?: number | string;
  readonly minReadySeconds?: number;
}

export interface DrainSettings {
  // --- what the workload needs (budget inputs) ---
  /** Time for the NLB to stop opening new connections to a terminating pod. */
  readonly propagationSeconds?: number;
  /** Bound on the server's graceful stop after SIGTERM. */
  readonly drainTimeoutSeconds?: number;
  /** Work after the drain before exit. */
  readonly cleanupSeconds?: number;
  /** Margin wanted before SIGKILL. */
  readonly headroomSeconds?: number;
  /** `"1.30"`; picks which preStop actions exist. */
  readonly kubernetesVersion?: string;
  /** A cap the cluster puts on the grace period; `undefined`: none known. */
  readonly maxTerminationGracePeriodSeconds?: number;

  // --- the pod ---
  readonly preStop?: PreStopHook;
  readonly terminationGracePeriodSeconds?: number;
  readonly readinessProbe?: ProbeSettings;
  readonly livenessProbe?: ProbeSettings;

  // --- rollout and disruption ---
  readonly rollout?: RolloutSettings;
  /** The LBC injects its pod readiness gate (namespace label). */
  readonly readinessGate?: boolean;
  /** Some PodDisruptionBudget selects the pods. */
  readonly podDisruptionBudget?: boolean;

  // --- the NLB ---
  readonly healthCheck?: HealthCheckSettings;
  readonly targetType?: 'ip' | 'instance';
  /** `deregistration_delay.timeout_seconds` in effect (300 when unset). */
  readonly deregistrationDelaySeconds?: number;
  /** Whether the deregistration delay was set, or AWS's 300 s default applies. */
  readonly deregistrationDelaySource?: 'explicit' | 'aws-default';
  /** `deregistration_delay.connection_termination.enabled` (false by default for TCP). */
  readonly connectionTermination?: boolean;
  /** `target_health_state.unhealthy.connection_termination.enabled` (true by default). */
  readonly unhealthyConnectionTermination?: boolean;
  /** `target_health_state.unhealthy.draining_interval_seconds` (0 by default). */
  readonly unhealthyDrainingIntervalSeconds?: number;
}

/**
 * Seconds the preStop hook delays SIGTERM: 0 without a hook, the sleep's seconds,
 * `undefined` when unknown (an httpGet hook, an exec without a readable sleep).
 */
export function preStopDelaySeconds(preStop: PreStopHook | undefined): number | undefined {
  if (!preStop) return undefined;
  switch (preStop.kind) {
    case 'none':
      return 0;
    case 'sleep':
      return preStop.seconds;
    case 'exec':
      return preStop.seconds;
    case 'httpGet':
      return undefined;
  }
}
