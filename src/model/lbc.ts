/**
 * Names of the AWS Load Balancer Controller's Service annotations and of the NLB
 * target-group attributes grpc-drain sets.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
 */

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
 * check on the traffic port, thresholds 3, interval 10, timeout 10.
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
