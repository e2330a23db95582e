import { LBC_LOAD_BALANCER_CLASS } from '../../model';
import type { ServiceView } from '../views/types';
import { READ_ANNOTATION } from './annotations';

/**
 * Which Services get an AWS load balancer, and from which controller: the front door as the
 * AWS Load Balancer Controller (LBC) decides it, and the AWS cloud provider's own Service
 * controller ("in-tree") for what the LBC leaves.
 *
 * Sources (read at the tags named):
 * - LBC v2.15.0 `pkg/service/service_utils.go` `IsServiceSupported`: a Service whose
 *   `spec.loadBalancerClass` is the controller's class (`--load-balancer-class`) is managed,
 *   any other class is not; without a class, `aws-load-balancer-type: nlb-ip` is managed, and
 *   `external` only with `nlb-target-type` exactly `ip` or `instance`. The Service type is not
 *   checked (feature gate `ServiceTypeLoadBalancerOnly` defaults to false,
 *   `pkg/config/feature_gates.go`): ClusterIP and NodePort Services qualify too.
 * - LBC v2.15.0 `webhooks/core/service_mutator.go` `MutateCreate` (same code since v2.5.0):
 *   every new `type: LoadBalancer` Service without a class gets the controller's class, whatever
 *   its annotations (Helm value `enableServiceMutatorWebhook`, true by default).
 * - LBC v2.15.0 `pkg/service/model_build_target_group.go` `buildTargetType`: `nlb-ip` or
 *   target type `ip` gives ip targets; any other value, or none, gives the
 *   `--default-target-type` flag's (instance by default) — instance then fails on a ClusterIP
 *   Service, and on a LoadBalancer Service with `allocateLoadBalancerNodePorts: false`.
 * - cloud-provider-aws v1.36 `pkg/providers/v1/aws_loadbalancer.go` `isNLB` / `isLBExternal`:
 *   the in-tree controller makes an NLB for `aws-load-balancer-type: nlb`, leaves `external` and
 *   `nlb-ip` to another controller, and makes a Classic Load Balancer otherwise. Kubernetes'
 *   service controller skips every Service with a `loadBalancerClass` (KEP-1959).
 */

/** What provisions the load balancer. */
export type Provisioner = 'lbc' | 'in-tree-nlb' | 'in-tree-classic';

/** How the front door treats one Service. */
export interface FrontDoor {
  /** `undefined`: no AWS load balancer the doctor knows is made for it. */
  readonly provisioner?: Provisioner;
  /** How the LBC came to own it. */
  readonly via?: 'class' | 'annotation' | 'webhook';
  /** Why it gets no load balancer (a note for LoadBalancer Services and for LBC-annotated ones). */
  readonly skipped?: string;
  /** The target type, when a load balancer is made. */
  readonly targetType?: 'ip' | 'instance';
  /**
   * How the Service asks for the LBC (DrainSettings.loadBalancerType): `class` (its own
   * `loadBalancerClass`, or the one the webhook sets), or the `external` / `nlb-ip` annotation.
   */
  readonly loadBalancerType?: 'external' | 'nlb-ip' | 'class';
  /** What was taken for granted (the webhook, the default target type), in words. */
  readonly assumptions: readonly string[];
  /** Annotations the provisioner reads differently from what they seem to say. */
  readonly notes: readonly string[];
}

/** How the LBC is installed, as far as the doctor cannot see it. */
export interface FrontDoorOptions {
  /**
   * The LBC's `--load-balancer-class`.
   * @default "service.k8s.aws/nlb"
   */
  readonly lbcClass?: string;
  /**
   * The LBC's Service mutating webhook is on (its Helm chart's default): class-less
   * LoadBalancer Services are the LBC's.
   * @default true
   */
  readonly lbcWebhook?: boolean;
}

/** EKS Auto Mode's own load-balancer class (its controller reads the same annotations). */
const EKS_AUTO_MODE_CLASS = 'eks.amazonaws.com/nlb';

function lbcTargetType(service: ServiceView, assumptions: string[], notes: string[]): 'ip' | 'instance' {
  const lbType = service.annotations[READ_ANNOTATION.type];
  const declared = service.annotations[READ_ANNOTATION.targetType];
  if (lbType === 'nlb-ip' || declared === 'ip') return 'ip';
  if (declared === 'instance') return 'instance';
  if (declared !== undefined) {
    notes.push(`${READ_ANNOTATION.targetType} is ${JSON.stringify(declared)}: the Load Balancer Controller makes ip targets only for exactly "ip", so this Service gets its default target type (instance unless it runs with --default-target-type=ip)`);
  } else {
    assumptions.push(`target type instance: ${READ_ANNOTATION.targetType} is not set and instance is the Load Balancer Controller's default (unless it runs with --default-target-type=ip)`);
  }
  return 'instance';
}

/** Decides which controller gives the Service a load balancer, and with which target type. */
export function frontDoor(service: ServiceView, options: FrontDoorOptions = {}): FrontDoor {
  const lbcClass = options.lbcClass ?? LBC_LOAD_BALANCER_CLASS;
  const webhook = options.lbcWebhook ?? true;
  const assumptions: string[] = [];
  const notes: string[] = [];
  const lbType = service.annotations[READ_ANNOTATION.type];
  const declared = service.annotations[READ_ANNOTATION.targetType];
  const isLoadBalancer = service.type === 'LoadBalancer';

  const lbc = (via: NonNullable<FrontDoor['via']>): FrontDoor => {
    const targetType = lbcTargetType(service, assumptions, notes);
    if (targetType === 'instance' && service.type === 'ClusterIP') {
      return { skipped: `is a ClusterIP Service with instance targets: the Load Balancer Controller fails to reconcile it ("unsupported service type"), as instance targets need node ports; set ${READ_ANNOTATION.targetType}: ip, or type NodePort or LoadBalancer`, assumptions, notes };
    }
    if (targetType === 'instance' && isLoadBalancer && service.allocateLoadBalancerNodePorts === false) {
      return { skipped: 'has instance targets but allocateLoadBalancerNodePorts: false: the Load Balancer Controller fails to reconcile it ("unable to support instance target type with an unallocated NodePort")', assumptions, notes };
    }
    const loadBalancerType = via === 'annotation' ? (lbType === 'nlb-ip' ? 'nlb-ip' : 'external') : 'class';
    return { provisioner: 'lbc', via, targetType, loadBalancerType, assumptions, notes };
  };

  if (service.loadBalancerClass !== undefined) {
    if (service.loadBalancerClass === lbcClass) {
      if (!isLoadBalancer) return { skipped: `has spec.loadBalancerClass but spec.type is ${service.type}: the API server accepts a class only on LoadBalancer Services`, assumptions, notes };
      return lbc('class');
    }
    const hint = service.loadBalancerClass === EKS_AUTO_MODE_CLASS ? ` (EKS Auto Mode's class: run with --lbc-class ${EKS_AUTO_MODE_CLASS} to diagnose it like the Load Balancer Controller's)` : ' (pass --lbc-class if the Load Balancer Controller runs with that class)';
    return {
      skipped: `has spec.loadBalancerClass ${JSON.stringify(service.loadBalancerClass)}, not the Load Balancer Controller's ${JSON.stringify(lbcClass)}: another controller provisions it, and the in-tree cloud provider ignores Services with a class${hint}`,
      assumptions,
      notes,
    };
  }

  const byAnnotation = lbType === 'nlb-ip' || (lbType === 'external' && (declared === 'ip' || declared === 'instance'));
  if (byAnnotation) return lbc('annotation');
  if (isLoadBalancer && webhook) {
    assumptions.push(
      `Load Balancer Controller NLB: a LoadBalancer Service without loadBalancerClass gets the class ${lbcClass} from the controller's mutating webhook when it is created (on by default; pass --no-lbc-webhook if the controller runs without it or the Service is older than it)`,
    );
    return lbc('webhook');
  }
  if (isLoadBalancer) {
    if (lbType === 'nlb') return { provisioner: 'in-tree-nlb', targetType: 'instance', assumptions, notes };
    if (lbType === 'external') {
      return {
        skipped: `has ${READ_ANNOTATION.type}: external without ${READ_ANNOTATION.targetType} ip or instance (${declared === undefined ? 'unset' : JSON.stringify(declared)}): the Load Balancer Controller ignores it and the in-tree cloud provider leaves external Services to it, so no load balancer is made`,
        assumptions,
        notes,
      };
    }
    return { provisioner: 'in-tree-classic', targetType: 'instance', assumptions, notes };
  }
  if (lbType === 'external') {
    return { skipped: `has ${READ_ANNOTATION.type}: external but ${READ_ANNOTATION.targetType} is ${declared === undefined ? 'unset' : JSON.stringify(declared)}: the Load Balancer Controller manages a ${service.type} Service only with target type ip or instance`, assumptions, notes };
  }
  return { assumptions, notes };
}

/** How each provisioner is named in reports. */
export const PROVISIONER_NAME: Readonly<Record<Provisioner, string>> = {
  lbc: 'Load Balancer Controller NLB',
  'in-tree-nlb': 'in-tree NLB (cloud provider, aws-load-balancer-type: nlb)',
  'in-tree-classic': 'Classic Load Balancer (in-tree cloud provider)',
};
