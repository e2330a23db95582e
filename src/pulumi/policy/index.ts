/**
 * grpc-drain as a Pulumi policy pack (`@pulumi/policy`): the doctor's rules on the
 * Kubernetes resources of a stack.
 *
 * A policy pack is a small Pulumi program of its own (PulumiPolicy.yaml + index.ts):
 *
 * ```ts
 * import { createGrpcDrainPolicyPack } from 'grpc-drain/pulumi/policy';
 * createGrpcDrainPolicyPack('grpc-drain', { config: { kubernetesVersion: '1.31' } });
 * ```
 *
 * then `pulumi preview --policy-pack <dir>`. This module constructs nothing when imported:
 * `new PolicyPack` starts the policy analyzer server, so only the factory does it.
 */
import { PolicyPack, type PolicyPackArgs } from '@pulumi/policy';
import { grpcDrainPolicies, type GrpcDrainPoliciesOptions } from './policies';

export * from './policies';
export { isRelevantUnknown, kubernetesObject, plainCopy, stackObjects, type PolicyResourceLike, type StackObjects } from './resources';

/** Options of {@link createGrpcDrainPolicyPack}: the policies' options plus the pack's own. */
export interface GrpcDrainPolicyPackOptions extends GrpcDrainPoliciesOptions {
  /** @default - the pack's description in PulumiPolicy.yaml */
  readonly description?: string;
}

/** The policy pack's arguments (what {@link createGrpcDrainPolicyPack} passes to `new PolicyPack`). */
export function grpcDrainPolicyPackArgs(options: GrpcDrainPolicyPackOptions = {}): PolicyPackArgs {
  return {
    policies: grpcDrainPolicies(options),
    ...(options.description !== undefined && { description: options.description }),
    displayName: 'grpc-drain',
    provider: 'kubernetes',
    tags: ['kubernetes', 'eks', 'nlb', 'grpc'],
  };
}

/** Creates (and so starts serving) the grpc-drain policy pack. Call it from the pack's index.ts. */
export function createGrpcDrainPolicyPack(name = 'grpc-drain', options: GrpcDrainPolicyPackOptions = {}): PolicyPack {
  return new PolicyPack(name, grpcDrainPolicyPackArgs(options));
}
