import type { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { Finding } from '../model';
import { DrainBudgetError, describeValue } from '../plan';
import { checkServiceAnnotations, checkServiceNamespace, checkServiceOptions, DEFAULT_SCHEME, renderServiceAnnotations, type LoadBalancerScheme } from '../render';
import { GrpcDeployment } from './grpc-deployment';
import { addPlanValidation, removeHalfBuilt } from './guards';

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
   * Metadata of the Service. It always lands in the deployment's namespace (a Service selects
   * pods of its own namespace only), so `namespace` may only repeat it. Annotations of your
   * own (other LBC annotations such as `aws-load-balancer-name`) are kept; one the plan
   * writes (type, target type, scheme, health check, target-group attributes) is refused.
   * @default - generated name, the deployment's namespace
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Client CIDRs allowed through the NLB's security group.
   * @default - any
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** What was given instead of a GrpcDeployment, for the error message. */
function describeDeployment(value: unknown): string {
  if (value instanceof kplus.Deployment) return 'a cdk8s-plus Deployment, which has no drain plan: build it with GrpcDeployment';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = value.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'a plain object';
  }
  return describeValue(value);
}

/**
 * Whether `value` is a GrpcDeployment; duck-typed as well, so a second copy of grpc-drain in
 * node_modules (whose class `instanceof` does not recognise) still works.
 */
function isGrpcDeployment(value: unknown): value is GrpcDeployment {
  if (value instanceof GrpcDeployment) return true;
  const candidate = value as Partial<GrpcDeployment> | undefined;
  return value instanceof kplus.Deployment && typeof candidate?.plan?.serviceAnnotations === 'object' && typeof candidate.grpcPort === 'number';
}

function checkProps(props: unknown): Finding[] {
  const bad = (field: string, message: string): Finding => ({ rule: 'budget-valid', severity: 'error', field, message });
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    return [bad('props', `NlbGrpcService needs props with at least { deployment }, the GrpcDeployment it fronts; got ${describeValue(props)}.`)];
  }
  const { deployment, scheme, port, metadata } = props as Partial<NlbGrpcServiceProps>;
  const violations = checkServiceOptions({ scheme, port });
  if (!isGrpcDeployment(deployment)) {
    violations.unshift(bad('deployment', `deployment must be the GrpcDeployment (from 'grpc-drain/cdk8s') whose plan drives the NLB; got ${describeDeployment(deployment)}.`));
    return violations;
  }
  // No namespace on the deployment: the manifests go where `kubectl apply` puts them.
  violations.push(...checkServiceNamespace(metadata?.namespace, deployment.metadata.namespace, "none: the one the manifests are applied to"));
  const planAnnotations = renderServiceAnnotations(deployment.plan, scheme);
  violations.push(...checkServiceAnnotations(Object.keys(metadata?.annotations ?? {}), planAnnotations));
  return violations;
}

/**
 * A LoadBalancer Service that the AWS Load Balancer Controller turns into an NLB with ip
 * targets, health-checking the readiness endpoint, with the target-group attributes of the
 * deployment's plan: no number here is computed anew. It is created in the deployment's
 * namespace. Wrong props (no GrpcDeployment, a namespace other than the deployment's, an
 * annotation the plan owns) throw {@link DrainBudgetError} before anything is added to the
 * construct tree; an annotation of the plan overwritten later fails the synth.
 */
export class NlbGrpcService extends kplus.Service {
  /** The scheme in effect. */
  public readonly scheme: LoadBalancerScheme;

  constructor(scope: Construct, id: string, props: NlbGrpcServiceProps) {
    const violations = checkProps(props);
    if (violations.length > 0) throw new DrainBudgetError(violations, [], `options of NlbGrpcService '${id}'`);
    const { deployment } = props;
    const scheme = props.scheme ?? DEFAULT_SCHEME;
    const namespace = deployment.metadata.namespace;
    const planAnnotations = renderServiceAnnotations(deployment.plan, scheme);
    const existing = scope.node.tryFindChild(id);
    try {
      super(scope, id, {
        metadata: { ...props.metadata, ...(namespace !== undefined && { namespace }), annotations: { ...props.metadata?.annotations, ...planAnnotations } },
        type: kplus.ServiceType.LOAD_BALANCER,
        selector: deployment,
        ports: [{ name: 'grpc', port: props.port ?? deployment.grpcPort, targetPort: deployment.grpcPort, protocol: kplus.Protocol.TCP }],
        loadBalancerSourceRanges: props.loadBalancerSourceRanges,
      });
    } catch (error) {
      removeHalfBuilt(scope, id, existing);
      throw error;
    }
    this.scheme = scheme;
    addPlanValidation(this, () => checkServiceAnnotations(
      Object.entries(this.metadata.toJson().annotations ?? {}).filter(([key, value]) => planAnnotations[key] !== undefined && value !== planAnnotations[key]).map(([key]) => key),
      planAnnotations,
    ));
  }
}
