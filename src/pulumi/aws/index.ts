/**
 * grpc-drain for Pulumi programs that own their NLB: `NlbTargetGroup` (an `aws.lb.TargetGroup`
 * whose health check and attributes come from a `GrpcDeployment`'s plan, and the LBC's
 * TargetGroupBinding). A subpath of its own because its types refer to `@pulumi/aws`, an
 * optional peer that `grpc-drain/pulumi` users need not install.
 */
export * from './nlb-target-group';
export { targetGroupDrainSettings, type TargetGroupDrainSettings } from '../target-group-settings';
