import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Finding } from '../model';
import { argViolation, describeResource } from './component-args';
import { GrpcDeployment } from './grpc-deployment';

/**
 * The violation when `value` is not a {@link GrpcDeployment} (duck-typed as well, so a second
 * copy of grpc-drain in node_modules still works); `undefined` when it is one.
 */
export function checkDeploymentArg(value: unknown): Finding | undefined {
  const candidate = value as Partial<GrpcDeployment> | undefined;
  const isOne =
    value instanceof GrpcDeployment ||
    (pulumi.ComponentResource.isInstance(value) && typeof candidate?.plan?.serviceAnnotations === 'object' && typeof candidate.grpcPort === 'number' && typeof candidate.selectorLabels === 'object');
  if (isOne) return undefined;
  const given = k8s.apps.v1.Deployment.isInstance(value) ? 'a k8s.apps.v1.Deployment, which has no drain plan: build it with GrpcDeployment' : describeResource(value);
  return argViolation('deployment', `deployment must be the GrpcDeployment (from 'grpc-drain/pulumi') whose plan drives the NLB; got ${given}.`);
}
