/**
 * grpc-drain for Pulumi: `GrpcDeployment`, `NlbGrpcService`, `NlbTargetGroup` and the
 * `drainTransform` retrofit for Helm charts and YAML. Needs @pulumi/pulumi and
 * @pulumi/kubernetes; @pulumi/aws only for `NlbTargetGroup` (loaded when one is built).
 * The policy pack is a separate entry point, `grpc-drain/pulumi/policy`.
 */
export * from './drain-transform';
export * from './grpc-deployment';
export * from './nlb-grpc-service';
export * from './nlb-target-group';
export * from './retrofit';
export * from './target-group-settings';
export type { ContractEnvOptions, DrainBudget, HealthCheckBudget } from '../model';
export { DrainBudgetError, type DrainPlan } from '../plan';
export type { LoadBalancerScheme } from '../render';
