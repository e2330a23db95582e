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
  /** TCP is the LBC default. `undefined`: unknown. */
  readonly protocol?: 'TCP' | 'HTTP' | 'HTTPS';
  /**
   * A port number, or `traffic-port` (the LBC default: the port traffic goes to), resolved to a
   * number where it can be. `undefined`: unknown.
   */
  readonly port?: number | 'traffic-port';
  /**
   * The Service port name given as `healthcheck-port` (needs LBC ≥ 2.6.2; older releases fail
   * to reconcile the Service), whether or not it could be resolved into `port`.
   * `undefined`: the health-check port is not a name (or unknown).
   */
  readonly portName?: string;
  readonly path?: string;
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly healthyThreshold?: number;
  readonly unhealthyThreshold?: number;
  /**
   * HTTP codes the NLB counts as healthy, as AWS writes them (`"200-399"`, `"200,202"`): the
   * `healthcheck-success-codes` annotation as written (LBC ≥ 2.4.6 honours it), else the
   * default 200-399.
   * `undefined`: unknown (the rule `healthcheck-success-codes` stays silent).
   */
  readonly successCodes?: string;
}

/** Rollout settings of the workload. */
export interface RolloutSettings {
  readonly strategy?: 'RollingUpdate' | 'Recreate' | 'OnDelete';
  /** An absolute number or a percentage such as `"25%"`. `undefined`: unknown. */
  readonly maxUnavailable?: number | string;
  /** An absolute number or a percentage such as `"25%"`. `undefined`: unknown. */
  readonly maxSurge?: number | string;
  readonly minReadySeconds?: number;
  /**
   * `spec.progressDeadlineSeconds` (600 when unset on a Deployment); `minReadySeconds` must be
   * below it. `undefined`: unknown, or a StatefulSet (which has none).
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * `spec.replicas`, the count percentages resolve against (maxUnavailable rounds down, maxSurge
   * up). `undefined`: unknown (not set: Kubernetes' default is 1, the extractor fills it in).
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler (or another autoscaler) owns `replicas`, so percentages cannot be
   * resolved. `undefined`: unknown, treated as not autoscaled.
   */
  readonly autoscaled?: boolean;
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
  /**
   * Time for a new pod to be registered and healthy in the NLB without the readiness gate;
   * `undefined`: unknown (the minReadySeconds part of `rollout-waits-for-lb` stays silent).
   */
  readonly registrationSeconds?: number;
  /**
   * The AWS Load Balancer Controller's version (`"2.7"`, `"2.4.6"`); `undefined`: unknown
   * (`lbc-supports` stays silent).
   */
  readonly lbcVersion?: string;

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
  /**
   * NLB targets: pod IPs or nodes. On `instance` the pod-level rules (health check on
   * readiness, per-pod deregistration, connection termination, unhealthy drain, readiness gate)
   * do not apply and `target-type-ip` is the finding. `undefined`: unknown (no NLB in view).
   */
  readonly targetType?: 'ip' | 'instance';
  /**
   * The Service's `spec.externalTrafficPolicy` (Kubernetes' default for LoadBalancer and
   * NodePort Services is `Cluster`): with instance targets, `Local` makes the NLB check each
   * node's kube-proxy on `healthCheckNodePort` `/healthz`. `undefined`: unknown.
   */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  /**
   * How the Service asks for the LBC: `aws-load-balancer-type: external` (+ `nlb-target-type`,
   * LBC ≥ 2.2), `nlb-ip`, or `spec.loadBalancerClass`. `undefined`: unknown.
   */
  readonly loadBalancerType?: 'external' | 'nlb-ip' | 'class';
  /**
   * The target-group attributes come from a per-port `target-group-attributes.<port>`
   * annotation (LBC ≥ 2.14; older releases ignore it and apply the Service-wide one).
   * `undefined`: unknown, treated as not per-port.
   */
  readonly perPortTargetGroupAttributes?: boolean;
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
