/**
 * A Helm chart someone else wrote, drained with the same budget: `drainTransform` applies the
 * plan to the chart's Deployments and StatefulSets (preStop, grace period, probes on the
 * health port, contract variables, rollout) and to its LoadBalancer Services (LBC
 * annotations), and leaves everything else alone. An unsafe budget fails here, before
 * anything is declared.
 *
 * The server in the chart must follow the contract: HTTP health on 8733 (`/ready` answering
 * 503 from SIGTERM on, `/live`), a drain bounded by GRPC_DRAIN_TIMEOUT_SECONDS.
 */
import * as k8s from '@pulumi/kubernetes';
import { drainTransform } from 'grpc-drain/pulumi';

/** The transform, exported so its plan can be inspected (and tested without a cluster). */
export const engineDrain = drainTransform(
  { propagationSeconds: 20, drainTimeoutSeconds: 10, healthPort: 8733 },
  // Only the engine's gRPC container; the chart's other workloads are left alone.
  { labels: { 'app.kubernetes.io/name': 'engine' }, containers: ['engine'] },
);

export function engineChart(): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart('engine', { chart: './engine-chart', namespace: 'engine' }, { transforms: [engineDrain] });
}
