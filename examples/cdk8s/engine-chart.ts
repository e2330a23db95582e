import { ApiObject, Chart, Duration, JsonPatch, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { READINESS_GATE_LABEL } from 'grpc-drain';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/cdk8s';

/**
 * The example engine (the case the README's numbers come from): a gRPC task-queue engine
 * whose workers hold long-lived subscriber streams, behind an internet-facing NLB on EKS,
 * with the deregistration propagation measured at about 20 s and a 10 s bound on the
 * graceful stop. With a `namespace`, the chart also declares that Namespace, labelled for
 * the LBC's pod readiness gate that the default budget assumes.
 */
export class EngineChart extends Chart {
  public readonly engine: GrpcDeployment;
  public readonly service: NlbGrpcService;
  /** The chart's Namespace, when the chart has one. */
  public readonly namespaceObject?: kplus.Namespace;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    if (props.namespace !== undefined) {
      // readinessGate: true (the default) means a new pod is Ready only once its NLB target is
      // healthy; the LBC injects that gate into pods of namespaces with this label only.
      this.namespaceObject = new kplus.Namespace(this, 'namespace', { metadata: { name: props.namespace, labels: { [READINESS_GATE_LABEL]: 'enabled' } } });
      // A Namespace is cluster-scoped: drop the chart's namespace that cdk8s gives every object.
      ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    this.engine = new GrpcDeployment(this, 'engine', {
      image: 'ghcr.io/example/engine:1.0.0',
      grpcPort: 7070,
      healthPort: 8733,
      replicas: 3,
      budget: { propagation: Duration.seconds(20), drainTimeout: Duration.seconds(10) },
    });
    this.service = new NlbGrpcService(this, 'engine-nlb', { deployment: this.engine, scheme: 'internet-facing' });
  }
}
