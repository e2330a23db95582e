/**
 * Names of the AWS Load Balancer Controller's Service annotations and of the NLB
 * target-group attributes grpc-drain sets.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
 */

import type { Fact } from './limits';

const PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-';

/** Service annotations read by the LBC (all values are strings). */
export const LBC_ANNOTATION = {
  type: `${PREFIX}type`,
  targetType: `${PREFIX}nlb-target-type`,
  scheme: `${PREFIX}scheme`,
  healthCheckProtocol: `${PREFIX}healthcheck-protocol`,
  healthCheckPort: `${PREFIX}healthcheck-port`,
  healthCheckPath: `${PREFIX}healthcheck-path`,
  healthCheckInterval: `${PREFIX}healthcheck-interval`,
  healthCheckTimeout: `${PREFIX}healthcheck-timeout`,
  healthCheckHealthyThreshold: `${PREFIX}healthcheck-healthy-threshold`,
  healthCheckUnhealthyThreshold: `${PREFIX}healthcheck-unhealthy-threshold`,
  targetGroupAttributes: `${PREFIX}target-group-attributes`,
} as const;

/** `spec.loadBalancerClass` that hands a Service to the LBC instead of the in-tree controller. */
export const LBC_LOAD_BALANCER_CLASS = 'service.k8s.aws/nlb';

/** Namespace label that makes the LBC inject its pod readiness gate. */
export const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/**
 * LBC defaults when an annotation is absent (`pkg/service/model_builder.go`): TCP health
 * check on the traffic port, thresholds 3, interval 10, timeout 10. Its source is
 * {@link LBC_HEALTH_CHECK_DEFAULTS_FACT} (kept apart: the doctor spreads this object into settings).
 */
export const LBC_HEALTH_CHECK_DEFAULTS = {
  protocol: 'TCP',
  port: 'traffic-port',
  path: '/',
  intervalSeconds: 10,
  timeoutSeconds: 10,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
} as const;

/**
 * The LBC's health check for instance targets of a Service with `externalTrafficPolicy: Local`:
 * HTTP `/healthz` on `spec.healthCheckNodePort` (kube-proxy's), interval 10 s, timeout 6 s,
 * thresholds 2 and 2.
 */
export const LBC_LOCAL_HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  path: '/healthz',
  intervalSeconds: 10,
  timeoutSeconds: 6,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

export const LBC_HEALTH_CHECK_DEFAULTS_FACT: Fact<typeof LBC_HEALTH_CHECK_DEFAULTS> = {
  value: LBC_HEALTH_CHECK_DEFAULTS,
  source: 'kubernetes-sigs/aws-load-balancer-controller:pkg/service/model_builder.go@v2.2.0..v3.5.0 (defaultHealthCheck*)',
  since: 'LBC 2.2.0',
};

export const LBC_LOCAL_HEALTH_CHECK_DEFAULTS_FACT: Fact<typeof LBC_LOCAL_HEALTH_CHECK_DEFAULTS> = {
  value: LBC_LOCAL_HEALTH_CHECK_DEFAULTS,
  source: 'kubernetes-sigs/aws-load-balancer-controller:pkg/service/model_builder.go@v2.2.0..v3.5.0 (defaultHealthCheck*ForInstanceModeLocal)',
  since: 'LBC 2.2.0',
};

/** Target-group attribute keys, in the order grpc-drain writes them. */
export const TARGET_GROUP_ATTRIBUTE = {
  deregistrationDelay: 'deregistration_delay.timeout_seconds',
  connectionTermination: 'deregistration_delay.connection_termination.enabled',
  unhealthyConnectionTermination: 'target_health_state.unhealthy.connection_termination.enabled',
  unhealthyDrainingInterval: 'target_health_state.unhealthy.draining_interval_seconds',
} as const;

export const TARGET_GROUP_ATTRIBUTE_ORDER: readonly string[] = [
  TARGET_GROUP_ATTRIBUTE.deregistrationDelay,
  TARGET_GROUP_ATTRIBUTE.connectionTermination,
  TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination,
  TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval,
];
