import { TARGET_GROUP_ATTRIBUTE } from '../model';
import type { DrainPlan } from '../plan';

/**
 * The drain-related arguments of an `aws.lb.TargetGroup` (@pulumi/aws 6–7), field names as in
 * `node_modules/@pulumi/aws/lb/targetGroup.d.ts`: the same settings the LBC path writes into
 * the Service's annotations.
 */
export interface TargetGroupDrainSettings {
  /** `deregistration_delay.timeout_seconds` (0–3600). */
  readonly deregistrationDelay: number;
  /** `deregistration_delay.connection_termination.enabled`. */
  readonly connectionTermination: boolean;
  /** The NLB health check, on the readiness endpoint of the health port. */
  readonly healthCheck: {
    readonly enabled: true;
    readonly protocol: 'HTTP';
    /** A string in the provider's schema (`traffic-port` or a number). */
    readonly port: string;
    readonly path: string;
    readonly interval: number;
    readonly timeout: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  /** `target_health_state.unhealthy.*`: a target seen unhealthy keeps its connections for the drain. */
  readonly targetHealthStates: readonly [{ readonly enableUnhealthyConnectionTermination: boolean; readonly unhealthyDrainingInterval: number }];
}

function attribute(plan: DrainPlan, key: string): string {
  const value = plan.targetGroupAttributes[key];
  if (value === undefined) throw new Error(`grpc-drain internal error: the plan has no target-group attribute ${key}`);
  return value;
}

/**
 * Plan → target-group arguments. The values are read from `plan.targetGroupAttributes`, the
 * record the LBC annotation is formatted from, so a Pulumi-owned target group and an
 * LBC-owned one get the same settings by construction; only types are converted.
 */
export function targetGroupDrainSettings(plan: DrainPlan): TargetGroupDrainSettings {
  const hc = plan.healthCheck;
  return {
    deregistrationDelay: Number(attribute(plan, TARGET_GROUP_ATTRIBUTE.deregistrationDelay)),
    connectionTermination: attribute(plan, TARGET_GROUP_ATTRIBUTE.connectionTermination) === 'true',
    healthCheck: {
      enabled: true,
      protocol: hc.protocol,
      port: String(hc.port),
      path: hc.path,
      interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    },
    targetHealthStates: [
      {
        enableUnhealthyConnectionTermination: attribute(plan, TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination) === 'true',
        unhealthyDrainingInterval: Number(attribute(plan, TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval)),
      },
    ],
  };
}
