import {
  DEREGISTRATION_DELAY,
  LBC_ANNOTATION,
  LBC_HEALTH_CHECK_DEFAULTS,
  LBC_LOAD_BALANCER_CLASS,
  TARGET_GROUP_ATTRIBUTE,
  type DrainSettings,
  type HealthCheckSettings,
} from '../model';
import { at, own, stringAt, stringMapAt, type JsonObject } from './json';
import type { ReadLog } from './pod';

/**
 * Reading the NLB side from what the AWS Load Balancer Controller (LBC) reads: the Service's
 * annotations, or a TargetGroupBinding. Defaults are the LBC's
 * (`pkg/service/model_builder.go`, `pkg/service/model_build_target_group.go`) and AWS's
 * (target-group attributes).
 */

/** The NLB settings of one frontend, `undefined` where unknown. */
export interface NlbSettings
  extends Pick<
    DrainSettings,
    | 'healthCheck'
    | 'targetType'
    | 'deregistrationDelaySeconds'
    | 'deregistrationDelaySource'
    | 'connectionTermination'
    | 'unhealthyConnectionTermination'
    | 'unhealthyDrainingIntervalSeconds'
  > {
  /** Health-check fields the user set (the others are the LBC's defaults). */
  readonly explicitHealthCheck: ReadonlySet<keyof HealthCheckSettings>;
  /** The raw target-group attributes (to merge a fix into), when they parse. */
  readonly targetGroupAttributes?: Readonly<Record<string, string>>;
  /** Why `targetType` is what it is, when it is the controller's default. */
  readonly targetTypeAssumption?: string;
}

/** `service.beta.kubernetes.io/aws-load-balancer-type` values the LBC reconciles (`external`; `nlb-ip` is the legacy form). */
const LBC_TYPES = ['external', 'nlb-ip'];

/** Why a Service is or is not an NLB the LBC manages. */
export type LbcManagement = { readonly managed: true } | { readonly managed: false; readonly note?: string };

/**
 * Whether the LBC provisions an NLB for this Service: `spec.loadBalancerClass:
 * service.k8s.aws/nlb`, or no class and `aws-load-balancer-type: external | nlb-ip`; and
 * `spec.type: LoadBalancer` in both cases.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-type
 */
export function lbcManagement(service: JsonObject): LbcManagement {
  const annotations = stringMapAt(service, 'metadata', 'annotations');
  const loadBalancerClass = stringAt(service, 'spec', 'loadBalancerClass');
  const type = stringAt(service, 'spec', 'type') ?? 'ClusterIP';
  const byClass = loadBalancerClass === LBC_LOAD_BALANCER_CLASS;
  const byAnnotation = loadBalancerClass === undefined && LBC_TYPES.includes(annotations[LBC_ANNOTATION.type] ?? '');
  if (!byClass && !byAnnotation) return { managed: false };
  if (type !== 'LoadBalancer') {
    return { managed: false, note: `has the Load Balancer Controller's NLB ${byClass ? 'loadBalancerClass' : 'annotation'} but spec.type is ${type}, not LoadBalancer: no NLB is created for it` };
  }
  return { managed: true };
}

/** Go's `strconv.ParseInt(s, 10, 64)` accepts an optional sign and decimal digits. */
function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** The boolean forms AWS accepts for target-group attributes. */
function parseBoolean(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/**
 * Parses a stringMap annotation the way the LBC does (`pkg/annotations/parser.go`
 * `ParseStringMapAnnotation`): comma-separated `k=v` pairs, each trimmed, empty ones
 * skipped; a pair without `=` or with an empty key is an error, and the LBC then fails to
 * reconcile the Service.
 */
export function parseLbcStringMap(text: string): Record<string, string> | undefined {
  const map: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    map[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return map;
}

/**
 * The NLB settings the LBC derives from a Service. The target-group attributes annotation
 * applies to every target group of the Service (one per port): the LBC has no per-port form
 * of it (`buildTargetGroupAttributes` reads the one annotation for each port).
 */
export function readServiceNlb(service: JsonObject, log: ReadLog): NlbSettings {
  const annotations = stringMapAt(service, 'metadata', 'annotations');
  const annotation = (key: string): string | undefined => annotations[key];
  const bad = (key: string, what: string, value: string): void => {
    log.notes.push(`${key}: ${JSON.stringify(value)} is not ${what}; the Load Balancer Controller fails to reconcile the Service.`);
  };

  // Target type: nlb-ip implies ip; else the annotation; else the controller's default, instance.
  let targetType: 'ip' | 'instance' | undefined;
  let targetTypeAssumption: string | undefined;
  const declaredType = annotation(LBC_ANNOTATION.targetType);
  if (annotation(LBC_ANNOTATION.type) === 'nlb-ip') targetType = 'ip';
  else if (declaredType === 'ip' || declaredType === 'instance') targetType = declaredType;
  else if (declaredType !== undefined) {
    bad(LBC_ANNOTATION.targetType, 'ip or instance', declaredType);
    log.unknown.push({ field: 'targetType', reason: `${LBC_ANNOTATION.targetType} is ${JSON.stringify(declaredType)}` });
  } else {
    targetType = 'instance';
    targetTypeAssumption = `target type instance: ${LBC_ANNOTATION.targetType} is not set and instance is the Load Balancer Controller's default (unless the controller runs with --default-target-type=ip)`;
  }

  // Health check: instance targets with externalTrafficPolicy Local default to kube-proxy's
  // healthz on the healthCheckNodePort (model_builder.go, "ForInstanceModeLocal").
  const local = targetType === 'instance' && stringAt(service, 'spec', 'externalTrafficPolicy') === 'Local';
  const healthCheckNodePort = at(service, 'spec', 'healthCheckNodePort');
  const defaults: HealthCheckSettings = local
    ? {
        protocol: 'HTTP',
        ...(typeof healthCheckNodePort === 'number' && { port: healthCheckNodePort }),
        path: '/healthz',
        intervalSeconds: 10,
        timeoutSeconds: 6,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      }
    : LBC_HEALTH_CHECK_DEFAULTS;
  const explicit = new Set<keyof HealthCheckSettings>();
  const hc: { -readonly [K in keyof HealthCheckSettings]: HealthCheckSettings[K] } = { ...defaults };
  if (local && typeof healthCheckNodePort !== 'number') {
    log.unknown.push({ field: 'healthCheck.port', reason: 'externalTrafficPolicy Local: the health check goes to spec.healthCheckNodePort, allocated by the API server' });
  }

  const protocol = annotation(LBC_ANNOTATION.healthCheckProtocol);
  if (protocol !== undefined) {
    const upper = protocol.toUpperCase();
    if (upper === 'TCP' || upper === 'HTTP' || upper === 'HTTPS') {
      hc.protocol = upper;
      explicit.add('protocol');
    } else {
      bad(LBC_ANNOTATION.healthCheckProtocol, 'tcp, http or https', protocol);
      delete hc.protocol;
      log.unknown.push({ field: 'healthCheck.protocol', reason: 'unparsable annotation' });
    }
  }
  const port = annotation(LBC_ANNOTATION.healthCheckPort);
  if (port !== undefined) {
    const number = parseInteger(port);
    if (port === 'traffic-port') hc.port = 'traffic-port';
    else if (number !== undefined) hc.port = number;
    else {
      bad(LBC_ANNOTATION.healthCheckPort, 'a port number or traffic-port', port);
      delete hc.port;
      log.unknown.push({ field: 'healthCheck.port', reason: 'unparsable annotation' });
    }
    if (hc.port !== undefined) explicit.add('port');
  }
  const path = annotation(LBC_ANNOTATION.healthCheckPath);
  if (path !== undefined) {
    hc.path = path;
    explicit.add('path');
  }
  // The path only exists for HTTP(S) checks (the LBC leaves it unset for TCP).
  if (hc.protocol === 'TCP') delete hc.path;
  const numbers = [
    ['intervalSeconds', LBC_ANNOTATION.healthCheckInterval],
    ['timeoutSeconds', LBC_ANNOTATION.healthCheckTimeout],
    ['healthyThreshold', LBC_ANNOTATION.healthCheckHealthyThreshold],
    ['unhealthyThreshold', LBC_ANNOTATION.healthCheckUnhealthyThreshold],
  ] as const;
  for (const [field, key] of numbers) {
    const raw = annotation(key);
    if (raw === undefined) continue;
    const value = parseInteger(raw);
    if (value === undefined) {
      bad(key, 'a whole number', raw);
      delete hc[field];
      log.unknown.push({ field: `healthCheck.${field}`, reason: 'unparsable annotation' });
    } else {
      hc[field] = value;
      explicit.add(field);
    }
  }

  // Target-group attributes: AWS defaults when absent (deregistration delay 300 s,
  // connection termination off, unhealthy connection termination on, draining interval 0).
  const rawAttributes = annotation(LBC_ANNOTATION.targetGroupAttributes);
  let attributes: Record<string, string> | undefined = {};
  if (rawAttributes !== undefined) {
    attributes = parseLbcStringMap(rawAttributes);
    if (!attributes) {
      bad(LBC_ANNOTATION.targetGroupAttributes, 'a list of key=value pairs', rawAttributes);
      log.unknown.push({ field: 'deregistrationDelaySeconds', reason: 'unparsable target-group attributes' });
      return { healthCheck: hc, explicitHealthCheck: explicit, ...(targetType !== undefined && { targetType }), ...(targetTypeAssumption !== undefined && { targetTypeAssumption }) };
    }
  }
  const result: {
    -readonly [K in keyof NlbSettings]: NlbSettings[K];
  } = { healthCheck: hc, explicitHealthCheck: explicit, targetGroupAttributes: attributes };
  if (targetType !== undefined) result.targetType = targetType;
  if (targetTypeAssumption !== undefined) result.targetTypeAssumption = targetTypeAssumption;

  const delay = own(attributes, TARGET_GROUP_ATTRIBUTE.deregistrationDelay);
  if (delay === undefined) {
    result.deregistrationDelaySeconds = DEREGISTRATION_DELAY.awsDefault;
    result.deregistrationDelaySource = 'aws-default';
  } else {
    const value = typeof delay === 'string' ? parseInteger(delay.trim()) : undefined;
    if (value === undefined) {
      log.notes.push(`${TARGET_GROUP_ATTRIBUTE.deregistrationDelay}=${String(delay)} is not a whole number: AWS rejects the target-group attributes.`);
      log.unknown.push({ field: 'deregistrationDelaySeconds', reason: 'not a whole number' });
    } else {
      result.deregistrationDelaySeconds = value;
      result.deregistrationDelaySource = 'explicit';
    }
  }
  const flag = (key: string, fallback: boolean): boolean | undefined => {
    const raw = own(attributes, key);
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' ? parseBoolean(raw) : undefined;
    if (value === undefined) {
      log.notes.push(`${key}=${String(raw)} is not true or false: AWS rejects the target-group attributes.`);
      log.unknown.push({ field: key, reason: 'not true or false' });
    }
    return value;
  };
  const connectionTermination = flag(TARGET_GROUP_ATTRIBUTE.connectionTermination, false);
  if (connectionTermination !== undefined) result.connectionTermination = connectionTermination;
  const unhealthyTermination = flag(TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination, true);
  if (unhealthyTermination !== undefined) result.unhealthyConnectionTermination = unhealthyTermination;
  const draining = own(attributes, TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval);
  if (draining === undefined) result.unhealthyDrainingIntervalSeconds = 0;
  else {
    const value = typeof draining === 'string' ? parseInteger(draining.trim()) : undefined;
    if (value === undefined) {
      log.notes.push(`${TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval}=${String(draining)} is not a whole number: AWS rejects the target-group attributes.`);
      log.unknown.push({ field: 'unhealthyDrainingIntervalSeconds', reason: 'not a whole number' });
    } else {
      result.unhealthyDrainingIntervalSeconds = value;
    }
  }
  return result;
}

/**
 * A TargetGroupBinding attaches pods to a target group created outside Kubernetes: its
 * health check and attributes are not in the manifests. Only `spec.targetType` is.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/spec/
 */
export function readTargetGroupBindingNlb(binding: JsonObject, log: ReadLog): NlbSettings {
  const targetType = stringAt(binding, 'spec', 'targetType');
  const where = stringAt(binding, 'spec', 'targetGroupARN') ?? stringAt(binding, 'spec', 'targetGroupName') ?? 'its target group';
  const reason = `the target group (${where}) is managed outside Kubernetes: its health check and attributes are not in the manifests`;
  for (const field of ['healthCheck', 'deregistrationDelaySeconds', 'connectionTermination', 'unhealthyConnectionTermination']) log.unknown.push({ field, reason });
  if (targetType === 'ip' || targetType === 'instance') return { targetType, explicitHealthCheck: new Set() };
  log.unknown.push({ field: 'targetType', reason: 'spec.targetType is not set (the controller reads it from the target group)' });
  return { explicitHealthCheck: new Set() };
}
