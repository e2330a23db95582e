/**
 * When Pulumi owns the NLB (created here or elsewhere in your stack): the target group's
 * health check, deregistration delay and connection-termination settings come from the
 * engine's plan, and the LBC only registers the pods' IPs through a TargetGroupBinding.
 * Use it instead of NlbGrpcService in index.ts:
 *
 * ```ts
 * const tg = engineTargetGroup(engine, vpcId, nlbArn);
 * export const targetGroupArn = tg.targetGroupArn;
 * ```
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { GrpcDeployment } from 'grpc-drain/pulumi';
import { NlbTargetGroup } from 'grpc-drain/pulumi/aws';

export function engineTargetGroup(engine: GrpcDeployment, vpcId: pulumi.Input<string>, loadBalancerArn: pulumi.Input<string>): NlbTargetGroup {
  return new NlbTargetGroup('engine-tg', {
    deployment: engine,
    vpcId,
    // A TCP listener on 7070 forwarding to the target group; leave both out to attach it yourself.
    loadBalancerArn,
    listenerPort: 7070,
    tags: { app: 'engine' },
  });
}

/** An internet-facing NLB for the target group, in the cluster's public subnets. */
export function engineLoadBalancer(subnetIds: pulumi.Input<pulumi.Input<string>[]>): aws.lb.LoadBalancer {
  return new aws.lb.LoadBalancer('engine', { loadBalancerType: 'network', internal: false, subnets: subnetIds });
}
