/**
 * The example engine (the README's "seed") as a Pulumi program: a gRPC task-queue engine
 * (workers hold long-lived subscriber streams) behind an internet-facing NLB on EKS, with
 * the deregistration propagation measured at about 20 s and a 10 s bound on the graceful
 * stop. The same budget as examples/cdk8s/engine-chart.ts gives the same Deployment,
 * PodDisruptionBudget and Service (test/pulumi/parity.test.ts checks it).
 *
 * `pulumi up` against a cluster that runs the AWS Load Balancer Controller. Two other ways
 * to get the same settings, in this folder:
 * - target-group.ts: Pulumi owns the NLB (an aws.lb.TargetGroup + a TargetGroupBinding);
 * - retrofit.ts: a Helm chart someone else wrote, drained with `drainTransform`.
 */
import * as k8s from '@pulumi/kubernetes';
import { READINESS_GATE_LABEL } from 'grpc-drain';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/pulumi';

// The budget assumes the LBC's pod readiness gate (readinessGate: true, the default): a new
// pod is Ready only once its NLB target is healthy. The gate is injected in labelled namespaces.
const namespace = new k8s.core.v1.Namespace('engine', {
  metadata: { name: 'engine', labels: { [READINESS_GATE_LABEL]: 'enabled' } },
});

const engine = new GrpcDeployment('engine', {
  image: 'ghcr.io/example/engine:1.0.0',
  grpcPort: 7070,
  healthPort: 8733,
  replicas: 3,
  budget: { propagationSeconds: 20, drainTimeoutSeconds: 10 },
  metadata: { namespace: namespace.metadata.name },
  resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '1500m', memory: '2Gi' } },
});

const nlb = new NlbGrpcService('engine-nlb', { deployment: engine, scheme: 'internet-facing' });

export const deploymentName = engine.deploymentName;
export const serviceName = nlb.serviceName;
/** The NLB's DNS name, once the LBC has created it. */
export const hostname = nlb.hostname;
export const terminationGracePeriodSeconds = engine.plan.terminationGracePeriodSeconds;
export const deregistrationDelaySeconds = engine.plan.deregistrationDelaySeconds;
/** What happens when a pod is deleted, second by second (`pulumi stack output timeline`). */
export const timeline = engine.plan.timeline().map((step) => `t=${step.atSeconds}s ${step.actor}: ${step.event}`);
