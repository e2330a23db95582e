import type { DrainSettings, RolloutSettings } from '../model';
import type { ReadHealthCheck } from './lbc/target-group';

/**
 * The settings the doctor extracts: `DrainSettings` plus the fields that the rules of
 * issue 9 read (`lbc-supports`, `healthcheck-success-codes`, `target-type-ip` by traffic
 * policy, `rollout-waits-for-lb` with percentages resolved against the replicas). The names
 * are those of DESIGN.md §2/§4 and issue 9; until src/model's `DrainSettings` has them the
 * current rules ignore them.
 */
export interface DoctorSettings extends DrainSettings {
  /** The AWS Load Balancer Controller version: gates what it honours. */
  readonly lbcVersion?: string;
  /** `spec.externalTrafficPolicy` of the Service (Cluster by default for LoadBalancer and NodePort). */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly healthCheck?: ReadHealthCheck;
  /** A `target-group-attributes.<port>` annotation applies to the target group (LBC ≥ 2.14.0). */
  readonly perPortTargetGroupAttributes?: boolean;
  readonly rollout?: RolloutSettings & {
    /** `spec.replicas` (1 when unset); `undefined` when an autoscaler owns it. */
    readonly replicas?: number;
    /** A HorizontalPodAutoscaler or KEDA ScaledObject of the input scales the workload. */
    readonly autoscaled?: boolean;
  };
}
