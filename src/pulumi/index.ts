/**
 * grpc-drain for Pulumi: `GrpcDeployment`, `NlbGrpcService` and the `drainTransform`
 * retrofit for Helm charts and YAML. Needs @pulumi/pulumi and @pulumi/kubernetes, and
 * nothing here (types included) refers to @pulumi/aws: `NlbTargetGroup`, for an NLB that
 * Pulumi owns, is `grpc-drain/pulumi/aws`. The policy pack is `grpc-drain/pulumi/policy`.
 */
export * from './drain-transform';
export * from './grpc-deployment';
export * from './nlb-grpc-service';
export * from './target-group-settings';
export type { ContractEnvOptions, DrainBudget, HealthCheckBudget } from '../model';
export { DrainBudgetError, type DrainPlan } from '../plan';
export type { LoadBalancerScheme } from '../render';
