import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PORT, type Finding } from '../../model';
import { DrainBudgetError, describeValue } from '../../plan';
import { argViolation, describeResource, requireArgs } from '../component-args';
import { checkDeploymentArg } from '../deployment-arg';
import type { GrpcDeployment } from '../grpc-deployment';
import { definedFields } from '../inputs';
import { NlbGrpcService } from '../nlb-grpc-service';
import { targetGroupDrainSettings } from '../target-group-settings';

/** A source allowed to reach the targets: a security group or a CIDR block. */
export interface TargetGroupBindingPeer {
  /** A security group (e.g. the NLB's). */
  readonly securityGroup?: { readonly groupID: pulumi.Input<string> };
  /** A CIDR block, IPv4 or IPv6. */
  readonly ipBlock?: { readonly cidr: pulumi.Input<string> };
}

/**
 * One rule of the TargetGroupBinding's `spec.networking.ingress`: the LBC opens the pods'
 * (or nodes') security groups to `from` on `ports`.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/spec/
 */
export interface TargetGroupBindingIngressRule {
  /** Sources allowed in (at least one). */
  readonly from: readonly TargetGroupBindingPeer[];
  /**
   * Ports opened on the targets.
   * @default - every TCP port
   */
  readonly ports?: readonly { readonly protocol?: 'TCP' | 'UDP'; readonly port?: pulumi.Input<number | string> }[];
}

/** Arguments of {@link NlbTargetGroup}. */
export interface NlbTargetGroupArgs {
  /** The deployment whose plan drives the target group's health check and attributes. */
  readonly deployment: GrpcDeployment;
  /** VPC of the target group: the cluster's VPC (ip targets are pod IPs). */
  readonly vpcId: pulumi.Input<string>;
  /**
   * A ClusterIP Service selecting the deployment's pods, which the TargetGroupBinding refers
   * to. It must not be a LoadBalancer Service (the LBC would create a second NLB).
   * @default - a ClusterIP Service `${name}-service` in the deployment's namespace
   */
  readonly service?: k8s.core.v1.Service;
  /**
   * The port of the Service the TargetGroupBinding refers to (its `targetPort` is the port
   * the pods are registered with).
   * @default - the deployment's gRPC port
   */
  readonly servicePort?: number;
  /**
   * An NLB to add a TCP listener to, forwarding to the target group.
   * @default - no listener: attach the target group yourself
   */
  readonly loadBalancerArn?: pulumi.Input<string>;
  /**
   * Port of that listener; only with `loadBalancerArn`.
   * @default - the deployment's gRPC port
   */
  readonly listenerPort?: number;
  /**
   * `spec.networking.ingress` of the TargetGroupBinding: who may reach the pods.
   * @default - none: manage the security-group rules yourself
   */
  readonly ingress?: readonly TargetGroupBindingIngressRule[];
  /**
   * Tags of the target group (and listener).
   * @default - none
   */
  readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

function checkPort(violations: Finding[], field: string, port: unknown): void {
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < PORT.min || port > PORT.max)) {
    violations.push(argViolation(field, `${field} must be a port number ${PORT.min}–${PORT.max}; got ${describeValue(port)}.`));
  }
}

/**
 * For when Pulumi owns the NLB: an `aws.lb.TargetGroup` (TCP, ip targets) whose health check,
 * deregistration delay, connection termination and unhealthy-draining settings come from the
 * deployment's plan — the very values the LBC path writes into the Service's
 * `target-group-attributes` annotation — and an `elbv2.k8s.aws/v1beta1` TargetGroupBinding
 * through which the AWS Load Balancer Controller registers the pods' IPs. With a
 * `loadBalancerArn`, also a TCP `aws.lb.Listener` forwarding to the target group.
 *
 * The Service here is a plain ClusterIP Service (no LBC annotations): the NLB is yours, the
 * LBC only manages targets. The namespace's pod readiness gate works with a binding too.
 *
 * Children: the target group takes the component's name, then `${name}-binding`,
 * `${name}-service` (when created) and `${name}-listener`.
 */
export class NlbTargetGroup extends pulumi.ComponentResource {
  /** The target group. */
  public readonly targetGroup: aws.lb.TargetGroup;
  /** The TargetGroupBinding (a custom resource of the LBC). */
  public readonly targetGroupBinding: k8s.apiextensions.CustomResource;
  /** The Service the binding refers to (given, or created as ClusterIP). */
  public readonly service: k8s.core.v1.Service;
  /** The listener, when `loadBalancerArn` was given. */
  public readonly listener?: aws.lb.Listener;
  /** ARN of the target group. */
  public readonly targetGroupArn: pulumi.Output<string>;
  /** ARN of the listener, when one was created. */
  public readonly listenerArn?: pulumi.Output<string>;

  constructor(name: string, args: NlbTargetGroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const subject = `options of NlbTargetGroup '${name}'`;
    requireArgs('NlbTargetGroup', subject, args, 'deployment, vpcId');
    const violations: Finding[] = [];
    const deploymentViolation = checkDeploymentArg(args.deployment);
    if (deploymentViolation) violations.push(deploymentViolation);
    if (args.vpcId === undefined || args.vpcId === null || args.vpcId === '') {
      violations.push(argViolation('vpcId', `vpcId is required: the cluster's VPC (the targets are pod IPs), e.g. an aws.ec2.Vpc's id or eks.Cluster's vpcId; got ${describeValue(args.vpcId)}.`));
    }
    if (args.service !== undefined && !k8s.core.v1.Service.isInstance(args.service)) {
      const given = (args.service as unknown) instanceof NlbGrpcService ? 'an NlbGrpcService, whose LoadBalancer Service makes the LBC create an NLB of its own' : describeResource(args.service);
      violations.push(argViolation('service', `service must be a k8s.core.v1.Service of type ClusterIP selecting the deployment's pods; got ${given}. Leave service out for a ClusterIP Service made for you.`));
    }
    checkPort(violations, 'servicePort', args.servicePort);
    checkPort(violations, 'listenerPort', args.listenerPort);
    if (args.listenerPort !== undefined && args.loadBalancerArn === undefined) {
      violations.push(argViolation('listenerPort', 'listenerPort needs loadBalancerArn: there is no listener without a load balancer.'));
    }
    const ingress: readonly TargetGroupBindingIngressRule[] | undefined = args.ingress;
    const ingressIsList: boolean = ingress === undefined || Array.isArray(ingress as unknown);
    if (!ingressIsList) violations.push(argViolation('ingress', `ingress must be a list of rules; got ${describeValue(ingress)}.`));
    for (const [index, rule] of (ingressIsList ? (ingress ?? []) : []).entries()) {
      if (!Array.isArray(rule?.from) || rule.from.length === 0) {
        violations.push(argViolation(`ingress[${index}].from`, `ingress[${index}].from must list at least one securityGroup or ipBlock.`));
      }
    }
    if (violations.length > 0) throw new DrainBudgetError(violations, [], subject);
    const { deployment } = args;
    const settings = targetGroupDrainSettings(deployment.plan);
    const servicePort = args.servicePort ?? deployment.grpcPort;

    super('grpc-drain:aws:NlbTargetGroup', name, {}, opts);

    this.targetGroup = new aws.lb.TargetGroup(
      name,
      {
        port: deployment.grpcPort,
        protocol: 'TCP',
        targetType: 'ip',
        vpcId: args.vpcId,
        deregistrationDelay: settings.deregistrationDelay,
        connectionTermination: settings.connectionTermination,
        healthCheck: settings.healthCheck,
        targetHealthStates: [...settings.targetHealthStates],
        ...definedFields({ tags: args.tags }),
      },
      { parent: this },
    );
    this.targetGroupArn = this.targetGroup.arn;

    this.service =
      args.service ??
      new k8s.core.v1.Service(
        `${name}-service`,
        {
          metadata: definedFields({ namespace: deployment.namespaceInput }),
          spec: {
            type: 'ClusterIP',
            selector: { ...deployment.selectorLabels },
            ports: [{ name: 'grpc', port: servicePort, targetPort: deployment.grpcPort, protocol: 'TCP' }],
          },
        },
        { parent: this },
      );

    if (args.service !== undefined) {
      // Not checkable before registration (an Output): say it as soon as it is known.
      args.service.spec.type.apply((type) => {
        if (type === 'LoadBalancer') {
          void pulumi.log.warn(`NlbTargetGroup '${name}': the Service is of type LoadBalancer, so the LBC also creates an NLB for it; give a ClusterIP Service.`, this);
        }
      });
    }

    this.targetGroupBinding = new k8s.apiextensions.CustomResource(
      `${name}-binding`,
      {
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        // serviceRef is namespace-local: the binding lives with the Service.
        metadata: { namespace: this.service.metadata.namespace },
        spec: {
          serviceRef: { name: this.service.metadata.name, port: servicePort },
          targetGroupARN: this.targetGroup.arn,
          targetType: 'ip',
          ...(ingress !== undefined && {
            networking: {
              ingress: ingress.map((rule) => ({ from: rule.from.map((peer) => ({ ...peer })), ...(rule.ports !== undefined && { ports: rule.ports.map((port) => ({ ...port })) }) })),
            },
          }),
        },
      },
      { parent: this },
    );

    if (args.loadBalancerArn !== undefined) {
      this.listener = new aws.lb.Listener(
        `${name}-listener`,
        {
          loadBalancerArn: args.loadBalancerArn,
          port: args.listenerPort ?? deployment.grpcPort,
          protocol: 'TCP',
          defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
          ...definedFields({ tags: args.tags }),
        },
        { parent: this },
      );
      this.listenerArn = this.listener.arn;
    }

    this.registerOutputs({
      targetGroupArn: this.targetGroupArn,
      serviceName: this.service.metadata.name,
      ...(this.listenerArn !== undefined && { listenerArn: this.listenerArn }),
    });
  }
}
