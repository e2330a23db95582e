import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Finding } from '../model';
import { DrainBudgetError } from '../plan';
import { checkServiceAnnotations, checkServiceNamespace, checkServiceOptions, DEFAULT_SCHEME, renderService, type LoadBalancerScheme } from '../render';
import { isArgsObject, refuseWhenKnown, requireArgs } from './component-args';
import { checkDeploymentArg } from './deployment-arg';
import type { GrpcDeployment } from './grpc-deployment';
import { definedFields, isPlain, mergeMaps } from './inputs';

/** Arguments of {@link NlbGrpcService}. */
export interface NlbGrpcServiceArgs {
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
   * Metadata of the Service: `name` when you want a fixed one, `labels`, and `annotations`
   * (other LBC annotations such as `aws-load-balancer-name` or
   * `aws-load-balancer-security-groups`; one the plan writes is rejected).
   * @default - auto-named by Pulumi from the component's name, in the deployment's namespace
   */
  readonly metadata?: k8s.types.input.meta.v1.ObjectMeta;
  /**
   * Client CIDRs allowed through the NLB's security group.
   * @default - any
   */
  readonly loadBalancerSourceRanges?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A LoadBalancer Service that the AWS Load Balancer Controller turns into an NLB with ip
 * targets, health-checking the readiness endpoint, with the target-group attributes of the
 * deployment's plan (rendered by the same code as the cdk8s `NlbGrpcService`: no number here
 * is computed anew). Needs the LBC in the cluster.
 *
 * The Service takes the component's name (Kubernetes name auto-named from it unless
 * `metadata.name` is given) and the deployment's namespace unless `metadata.namespace` is given.
 */
export class NlbGrpcService extends pulumi.ComponentResource {
  /** The Service. */
  public readonly service: k8s.core.v1.Service;
  /** The scheme in effect. */
  public readonly scheme: LoadBalancerScheme;
  /** Kubernetes name of the Service. */
  public readonly serviceName: pulumi.Output<string>;
  /** DNS name of the NLB, once the LBC has created it. */
  public readonly hostname: pulumi.Output<string | undefined>;

  constructor(name: string, args: NlbGrpcServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const subject = `options of NlbGrpcService '${name}'`;
    requireArgs('NlbGrpcService', subject, args, 'deployment');
    const deploymentViolation = checkDeploymentArg(args.deployment);
    if (deploymentViolation) throw new DrainBudgetError([deploymentViolation, ...checkServiceOptions({ scheme: args.scheme, port: args.port })], [], subject);
    const { deployment } = args;
    const scheme = args.scheme ?? DEFAULT_SCHEME;
    const rendered = renderService(deployment.plan, {
      // Metadata other than the annotations is taken from args below, Inputs and all.
      name: '',
      selector: deployment.selectorLabels,
      port: args.port ?? deployment.grpcPort,
      targetPort: deployment.grpcPort,
      scheme,
    });
    const planAnnotations = rendered.metadata.annotations ?? {};
    const violations: Finding[] = checkServiceOptions({ scheme: args.scheme, port: args.port });
    const userAnnotations = args.metadata?.annotations;
    // The keys of a plain map are known even when its values are Outputs; a map that is
    // itself an Output is checked once known (below).
    const annotationsKnown = userAnnotations === undefined || isArgsObject(userAnnotations);
    if (annotationsKnown) violations.push(...checkServiceAnnotations(Object.keys(userAnnotations ?? {}), planAnnotations));
    const namespace = args.metadata?.namespace;
    if (isPlain(namespace) && isPlain(deployment.namespaceInput)) {
      violations.push(...checkServiceNamespace(namespace, deployment.namespaceInput, "none: the provider's default"));
    }
    if (violations.length > 0) throw new DrainBudgetError(violations, [], subject);

    super('grpc-drain:kubernetes:NlbGrpcService', name, {}, opts);

    const metadata = args.metadata ?? {};
    this.scheme = scheme;
    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata: {
          ...metadata,
          ...definedFields({ namespace: metadata.namespace ?? deployment.namespaceInput }),
          annotations: mergeMaps(
            annotationsKnown ? userAnnotations : refuseWhenKnown(userAnnotations, subject, (resolved) => checkServiceAnnotations(Object.keys(resolved ?? {}), planAnnotations)),
            planAnnotations,
          ),
        },
        spec: {
          ...rendered.spec,
          ports: [...rendered.spec.ports],
          ...definedFields({ loadBalancerSourceRanges: args.loadBalancerSourceRanges }),
        },
      },
      { parent: this },
    );
    this.serviceName = this.service.metadata.name;
    this.hostname = this.service.status.apply((status) => status?.loadBalancer?.ingress?.[0]?.hostname);

    this.registerOutputs({ serviceName: this.serviceName, hostname: this.hostname, scheme });
  }
}
