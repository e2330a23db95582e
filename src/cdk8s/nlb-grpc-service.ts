import type { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { DrainBudgetError } from '../plan';
import { checkServiceOptions, DEFAULT_SCHEME, renderServiceAnnotations, type LoadBalancerScheme } from '../render';
import type { GrpcDeployment } from './grpc-deployment';

export interface NlbGrpcServiceProps {
  /** The deployment whose plan drives the NLB health check and target-group attributes. */
  readonly deployment: GrpcDeployment;
  /**
   * Whether the NLB is reachable from the internet or only inside the VPC.
   * @default "internal"
   */
  readonly scheme?: LoadBalancerScheme;
  /**
   * Port the NLB listens on.
   * @default - the deployment's gRPC port
   */
  readonly port?: number;
  /**
   * Metadata of the Service; the LBC annotations of the plan are added to it (and win
   * over an annotation of the same name).
   * @default - generated name
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Client CIDRs allowed through the NLB's security group.
   * @default - any
   */
  readonly loadBalancerSourceRanges?: string[];
}

/**
 * A LoadBalancer Service that the AWS Load Balancer Controller turns into an NLB with ip
 * targets, health-checking the readiness endpoint, with the target-group attributes of the
 * deployment's plan: no number here is computed anew.
 */
export class NlbGrpcService extends kplus.Service {
  /** The scheme in effect. */
  public readonly scheme: LoadBalancerScheme;

  constructor(scope: Construct, id: string, props: NlbGrpcServiceProps) {
    const violations = checkServiceOptions({ scheme: props.scheme, port: props.port });
    if (violations.length > 0) throw new DrainBudgetError(violations, [], `options of NlbGrpcService '${id}'`);
    const { deployment } = props;
    const scheme = props.scheme ?? DEFAULT_SCHEME;
    super(scope, id, {
      metadata: props.metadata,
      type: kplus.ServiceType.LOAD_BALANCER,
      selector: deployment,
      ports: [{ name: 'grpc', port: props.port ?? deployment.grpcPort, targetPort: deployment.grpcPort, protocol: kplus.Protocol.TCP }],
      loadBalancerSourceRanges: props.loadBalancerSourceRanges,
    });
    this.scheme = scheme;
    for (const [key, value] of Object.entries(renderServiceAnnotations(deployment.plan, scheme))) this.metadata.addAnnotation(key, value);
  }
}
