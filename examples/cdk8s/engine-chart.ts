import { Chart, Duration, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/cdk8s';

/**
 * The seed scenario: a gRPC task-queue engine (workers hold long-lived subscriber streams)
 * behind an internet-facing NLB on EKS, with the deregistration propagation measured at
 * about 20 s and a 10 s bound on the graceful stop.
 */
export class EngineChart extends Chart {
  public readonly engine: GrpcDeployment;
  public readonly service: NlbGrpcService;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
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
