import {
  DEREGISTRATION_DELAY,
  LBC_HEALTH_CHECK_DEFAULTS,
  LBC_FEATURES,
  LBC_LOCAL_HEALTH_CHECK_DEFAULTS,
  lbcBefore,
  NLB_DEFAULT_SUCCESS_CODES,
  TARGET_GROUP_ATTRIBUTE,
  type HealthCheckSettings,
} from '../../model';
import type { Mutable } from '../json';
import type { UnknownSetting } from '../types';
import type { ServicePortView, ServiceView, TargetGroupBindingView } from '../views/types';
import { parseAtoi, parseInt32, parseLbcStringMap, parseLegacyLbcStringMap, perPortAttributesAnnotation, READ_ANNOTATION, sameParse } from './annotations';
import type { FrontDoor, Provisioner } from './front-door';

/**
 * The target group (or Classic Load Balancer) one Service port gets: health check, target
 * type and attributes, with the defaults of the controller that makes it.
 */

/**
 * The health check as read: src/model's {@link HealthCheckSettings}, which carries what the LBC
 * reads since 2.4.6 (success codes) and 2.6.2 (a named port) too.
 */
export type ReadHealthCheck = HealthCheckSettings;

/** Where the target-group attributes come from, for a fix that must land where the LBC reads it. */
export interface AttributeSources {
  /** The Service-wide annotation's pairs, when it parses. */
  readonly base?: Readonly<Record<string, string>>;
  /** The `target-group-attributes.<port>` annotation's name, when it is set. */
  readonly perPortAnnotation?: string;
  /** Its pairs, when it parses. */
  readonly perPort?: Readonly<Record<string, string>>;
}

/** The NLB side of one Service port, `undefined` where unknown. */
export interface TargetGroupSettings {
  readonly provisioner: Provisioner | 'target-group-binding';
  readonly healthCheck?: ReadHealthCheck;
  /** Health-check fields the user set (the others are the controller's defaults). */
  readonly explicitHealthCheck: ReadonlySet<keyof ReadHealthCheck>;
  readonly targetType?: 'ip' | 'instance';
  readonly deregistrationDelaySeconds?: number;
  readonly deregistrationDelaySource?: 'explicit' | 'aws-default';
  readonly connectionTermination?: boolean;
  readonly unhealthyConnectionTermination?: boolean;
  readonly unhealthyDrainingIntervalSeconds?: number;
  /** The attributes in effect for this port (base and per-port merged), when they parse. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly attributeSources: AttributeSources;
  /** A per-port attributes annotation is set for this port (LBC ≥ 2.14.0 applies it; older ones ignore it). */
  readonly perPortAttributes: boolean;
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly notes: readonly string[];
  readonly unknown: readonly UnknownSetting[];
  /** Defaults of the provisioner, in words. */
  readonly assumptions: readonly string[];
}

/** cloud-provider-aws v1.36 `buildNLBHealthCheckConfiguration` (aws.go) and `defaultNlbHealthCheck*` (aws_loadbalancer.go). */
const IN_TREE_NLB_DEFAULTS = { protocol: 'TCP', port: 'traffic-port', path: '/', intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 } as const;
const IN_TREE_NLB_LOCAL_DEFAULTS = { protocol: 'HTTP', path: '/healthz', intervalSeconds: 10, timeoutSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

function bad(key: string, what: string, value: string, who: string): string {
  return `${key}: ${JSON.stringify(value)} is not ${what}; ${who} fails to reconcile the Service.`;
}

/**
 * The health check from the annotations over the controller's defaults. The in-tree NLB
 * reads the same annotation names (cloud-provider-aws `buildNLBHealthCheckConfiguration`).
 * Named ports: LBC v2.15.0 `buildTargetGroupHealthCheckPort` looks the name up among the
 * Service ports and takes its nodePort for instance targets, its targetPort for ip targets
 * (a named targetPort is an error there).
 */
function readHealthCheck(service: ServiceView, provisioner: Provisioner, targetType: 'ip' | 'instance', lbcVersion: string | undefined, notes: string[], unknown: UnknownSetting[]): { hc: ReadHealthCheck; explicit: Set<keyof ReadHealthCheck> } {
  const annotations = service.annotations;
  const who = provisioner === 'lbc' ? 'the Load Balancer Controller' : 'the cloud provider';
  const local = targetType === 'instance' && service.externalTrafficPolicy === 'Local' && service.type === 'LoadBalancer';
  const defaults: HealthCheckSettings =
    provisioner === 'lbc' ? (local ? LBC_LOCAL_HEALTH_CHECK_DEFAULTS : LBC_HEALTH_CHECK_DEFAULTS) : local ? IN_TREE_NLB_LOCAL_DEFAULTS : IN_TREE_NLB_DEFAULTS;
  const hc: Mutable<ReadHealthCheck> = { ...defaults };
  const explicit = new Set<keyof ReadHealthCheck>();
  if (local) {
    if (service.healthCheckNodePort !== undefined) hc.port = service.healthCheckNodePort;
    else {
      delete hc.port;
      unknown.push({ field: 'healthCheck.port', reason: 'externalTrafficPolicy Local: the health check goes to spec.healthCheckNodePort, which the API server allocates' });
    }
  }

  const protocol = annotations[READ_ANNOTATION.healthCheckProtocol];
  if (protocol !== undefined) {
    const upper = protocol.toUpperCase();
    if (upper === 'TCP' || upper === 'HTTP' || upper === 'HTTPS') {
      hc.protocol = upper;
      explicit.add('protocol');
    } else {
      notes.push(bad(READ_ANNOTATION.healthCheckProtocol, 'tcp, http or https', protocol, who));
      delete hc.protocol;
      unknown.push({ field: 'healthCheck.protocol', reason: 'unparsable annotation' });
    }
  }

  const port = annotations[READ_ANNOTATION.healthCheckPort];
  if (port !== undefined) {
    explicit.add('port');
    const number = parseAtoi(port);
    if (port === 'traffic-port') hc.port = 'traffic-port';
    else if (number !== undefined) hc.port = number;
    else if (provisioner !== 'lbc') {
      notes.push(bad(READ_ANNOTATION.healthCheckPort, 'a port number or traffic-port', port, who));
      delete hc.port;
      unknown.push({ field: 'healthCheck.port', reason: 'unparsable annotation' });
    } else {
      hc.portName = port;
      const named = service.ports.find((p) => p.name === port);
      delete hc.port;
      if (lbcBefore(lbcVersion, 'namedHealthCheckPort')) {
        notes.push(`${READ_ANNOTATION.healthCheckPort}: ${JSON.stringify(port)} is a port name; Load Balancer Controller ${lbcVersion} takes only a number or traffic-port (names since ${LBC_FEATURES.namedHealthCheckPort.value}) and fails to reconcile the Service ("health check port not supported").`);
        unknown.push({ field: 'healthCheck.port', reason: `LBC ${lbcVersion} rejects a named health-check port` });
      } else if (!named) {
        notes.push(`${READ_ANNOTATION.healthCheckPort}: the Service has no port named ${JSON.stringify(port)}; the Load Balancer Controller fails to reconcile it ("unable to find port").`);
        unknown.push({ field: 'healthCheck.port', reason: `no Service port is named ${JSON.stringify(port)}` });
      } else if (targetType === 'instance') {
        if (named.nodePort !== undefined) hc.port = named.nodePort;
        else unknown.push({ field: 'healthCheck.port', reason: `the health check goes to the nodePort of Service port ${JSON.stringify(port)}, which the API server allocates` });
      } else if (typeof named.targetPort === 'number') {
        hc.port = named.targetPort;
      } else {
        notes.push(
          `${READ_ANNOTATION.healthCheckPort} names Service port ${JSON.stringify(port)}, whose targetPort is the named port ${JSON.stringify(named.targetPort)}: for ip targets the Load Balancer Controller fails to reconcile the Service ("cannot use named healthCheckPort for IP TargetType when service's targetPort is a named port"). Use the port number.`,
        );
        unknown.push({ field: 'healthCheck.port', reason: 'a named health-check port on a named targetPort (ip targets)' });
      }
    }
  }

  const path = annotations[READ_ANNOTATION.healthCheckPath];
  if (path !== undefined) {
    hc.path = path;
    explicit.add('path');
  }
  // The path and the success codes exist only for HTTP(S) checks (buildTargetGroupHealthCheckPath / Matcher).
  if (hc.protocol === 'TCP') delete hc.path;
  if (provisioner === 'lbc' && hc.protocol !== 'TCP' && hc.protocol !== undefined) {
    const codes = annotations[READ_ANNOTATION.healthCheckSuccessCodes];
    // The value set is kept: lbc-supports says when the controller is too old to read it (< 2.4.6).
    hc.successCodes = codes ?? NLB_DEFAULT_SUCCESS_CODES.value;
    if (codes !== undefined) explicit.add('successCodes');
  }

  const numbers = [
    ['intervalSeconds', READ_ANNOTATION.healthCheckInterval],
    ['timeoutSeconds', READ_ANNOTATION.healthCheckTimeout],
    ['healthyThreshold', READ_ANNOTATION.healthCheckHealthyThreshold],
    ['unhealthyThreshold', READ_ANNOTATION.healthCheckUnhealthyThreshold],
  ] as const;
  for (const [field, key] of numbers) {
    const raw = annotations[key];
    if (raw === undefined) continue;
    const value = parseInt32(raw);
    if (value === undefined) {
      notes.push(bad(key, 'a whole number', raw, who));
      delete hc[field];
      unknown.push({ field: `healthCheck.${field}`, reason: 'unparsable annotation' });
    } else {
      hc[field] = value;
      explicit.add(field);
    }
  }
  return { hc, explicit };
}

/** Go's `strconv.ParseInt(s, 10, 64)`: the LBC passes attribute values through, AWS parses them. */
function wholeNumber(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function readAttributes(service: ServiceView, port: ServicePortView | undefined, lbcVersion: string | undefined, notes: string[], unknown: UnknownSetting[]): { attributes?: Record<string, string>; sources: AttributeSources; perPort: boolean } {
  const baseText = service.annotations[READ_ANNOTATION.targetGroupAttributes];
  const perPortName = port?.port !== undefined ? perPortAttributesAnnotation(port.port) : undefined;
  const written = perPortName !== undefined ? service.annotations[perPortName] : undefined;
  const ignored = written !== undefined && lbcBefore(lbcVersion, 'perPortTargetGroupAttributes');
  if (ignored) notes.push(`${perPortName} is ignored by Load Balancer Controller ${lbcVersion} (per-port attributes since ${LBC_FEATURES.perPortTargetGroupAttributes.value}): the Service-wide attributes apply to this port.`);
  const perPortText = ignored ? undefined : written;
  const legacyOnly = lbcBefore(lbcVersion, 'trimmedStringMaps');
  const sources: Mutable<AttributeSources> = {};
  let failed = false;
  const parse = (key: string, text: string): Readonly<Record<string, string>> | undefined => {
    const parsed = legacyOnly ? parseLegacyLbcStringMap(text) : parseLbcStringMap(text);
    if ('error' in parsed) {
      notes.push(`${key}: ${parsed.error}; the Load Balancer Controller fails to reconcile the Service.`);
      failed = true;
      return undefined;
    }
    // The two parsers differ only around blanks next to '=', backslashes and empty or trailing pairs.
    const legacy = legacyOnly || !/\s=|=\s|\\|,\s*,|,\s*$|^\s*,/.test(text) ? parsed : parseLegacyLbcStringMap(text);
    if (!legacyOnly && !sameParse(parsed, legacy)) {
      notes.push(
        `${key} is read differently by Load Balancer Controller versions: ≥ 2.14.1 (read here) trims keys and values and takes \\, as a comma inside a value; ≤ 2.14.0 ${'error' in legacy ? `rejects it (${legacy.error})` : `reads ${JSON.stringify(legacy.map)}`}.`,
      );
    }
    return parsed.map;
  };
  if (baseText !== undefined) {
    const map = parse(READ_ANNOTATION.targetGroupAttributes, baseText);
    if (map) sources.base = map;
  }
  if (perPortName !== undefined && perPortText !== undefined) {
    sources.perPortAnnotation = perPortName;
    const map = parse(perPortName, perPortText);
    if (map) sources.perPort = map;
  }
  if (failed) {
    unknown.push({ field: 'deregistrationDelaySeconds', reason: 'unparsable target-group attributes' });
    return { sources, perPort: written !== undefined };
  }
  const attributes: Record<string, string> = { ...sources.base };
  for (const [key, value] of Object.entries(sources.perPort ?? {})) if (value !== '') attributes[key] = value;
  return { attributes, sources, perPort: written !== undefined };
}

/** Deregistration settings from the attributes in effect, with AWS's defaults for what they leave out. */
function readDeregistration(attributes: Readonly<Record<string, string>>, notes: string[], unknown: UnknownSetting[]): Partial<Mutable<TargetGroupSettings>> {
  const result: Partial<Mutable<TargetGroupSettings>> = {};
  const delay = attributes[TARGET_GROUP_ATTRIBUTE.deregistrationDelay];
  if (delay === undefined) {
    result.deregistrationDelaySeconds = DEREGISTRATION_DELAY.awsDefault;
    result.deregistrationDelaySource = 'aws-default';
  } else if (wholeNumber(delay) === undefined) {
    notes.push(`${TARGET_GROUP_ATTRIBUTE.deregistrationDelay}=${delay} is not a whole number: AWS rejects the target-group attributes.`);
    unknown.push({ field: 'deregistrationDelaySeconds', reason: 'not a whole number' });
  } else {
    result.deregistrationDelaySeconds = wholeNumber(delay)!;
    result.deregistrationDelaySource = 'explicit';
  }
  const flag = (key: string, fallback: boolean, field: string): boolean | undefined => {
    const raw = attributes[key];
    if (raw === undefined) return fallback;
    const lower = raw.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    notes.push(`${key}=${raw} is not true or false: AWS rejects the target-group attributes.`);
    unknown.push({ field, reason: 'not true or false' });
    return undefined;
  };
  const termination = flag(TARGET_GROUP_ATTRIBUTE.connectionTermination, false, 'connectionTermination');
  if (termination !== undefined) result.connectionTermination = termination;
  const unhealthy = flag(TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination, true, 'unhealthyConnectionTermination');
  if (unhealthy !== undefined) result.unhealthyConnectionTermination = unhealthy;
  const draining = attributes[TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval];
  if (draining === undefined) result.unhealthyDrainingIntervalSeconds = 0;
  else if (wholeNumber(draining) === undefined) {
    notes.push(`${TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval}=${draining} is not a whole number: AWS rejects the target-group attributes.`);
    unknown.push({ field: 'unhealthyDrainingIntervalSeconds', reason: 'not a whole number' });
  } else result.unhealthyDrainingIntervalSeconds = wholeNumber(draining)!;
  return result;
}

function trafficPolicy(service: ServiceView): 'Cluster' | 'Local' | undefined {
  // core/v1: externalTrafficPolicy applies to LoadBalancer and NodePort Services, Cluster by default.
  if (service.type !== 'LoadBalancer' && service.type !== 'NodePort') return undefined;
  return service.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
}

/** The target group of one Service port, as the Service's provisioner builds it. */
export function readTargetGroup(service: ServiceView, port: ServicePortView | undefined, door: FrontDoor & { provisioner: Provisioner; targetType: 'ip' | 'instance' }, lbcVersion?: string): TargetGroupSettings {
  const notes: string[] = [...door.notes];
  const unknown: UnknownSetting[] = [];
  const assumptions: string[] = [];
  const externalTrafficPolicy = trafficPolicy(service);
  const common = { provisioner: door.provisioner, targetType: door.targetType, notes, unknown, assumptions, ...(externalTrafficPolicy !== undefined && { externalTrafficPolicy }) };
  // Object.assign(common, { … }) rather than `{ ...common, … }`: in Node 20 (V8 11) a literal
  // that opens with a spread and goes on costs microseconds (a runtime call per member), and
  // this runs for every Service port paired with a workload. The same members, in the same order.

  if (door.provisioner === 'in-tree-classic') {
    // cloud-provider-aws v1.36 aws.go: TCP check on the first listener's node port (HTTP
    // /healthz on healthCheckNodePort with externalTrafficPolicy Local), connection draining
    // off; instances are the targets, no target group exists.
    const draining = service.annotations[READ_ANNOTATION.connectionDrainingEnabled] === 'true';
    assumptions.push(
      `Classic Load Balancer (no loadBalancerClass, no LBC webhook): its targets are the nodes; health check ${externalTrafficPolicy === 'Local' ? 'HTTP /healthz on the healthCheckNodePort' : 'TCP on the node port'}, interval 10s, timeout 5s, thresholds 2/6; connection draining ${draining ? `on (${service.annotations[READ_ANNOTATION.connectionDrainingTimeout] ?? '300'}s)` : 'off, so in-flight connections are cut when a node leaves'} (cloud-provider-aws defaults)`,
    );
    return Object.assign(common, { explicitHealthCheck: new Set<keyof ReadHealthCheck>(), attributeSources: {}, perPortAttributes: false });
  }

  const read = readHealthCheck(service, door.provisioner, door.targetType, lbcVersion, notes, unknown);
  if (door.provisioner === 'in-tree-nlb') {
    // The in-tree NLB reads target-group attributes only for preserve_client_ip and proxy_protocol_v2
    // (cloud-provider-aws aws_validations.go `validateServiceAnnotationTargetGroupAttributes`):
    // the deregistration attributes keep AWS's defaults.
    assumptions.push('in-tree NLB (aws-load-balancer-type: nlb, no LBC webhook): instance targets; health check defaults of the cloud provider (TCP on the traffic port, interval 30s, timeout 10s, thresholds 3); the deregistration attributes cannot be set through it and keep AWS\'s defaults (300s delay, no connection termination)');
    return Object.assign(common, {
      healthCheck: read.hc,
      explicitHealthCheck: read.explicit,
      deregistrationDelaySeconds: DEREGISTRATION_DELAY.awsDefault,
      deregistrationDelaySource: 'aws-default' as const,
      connectionTermination: false,
      unhealthyConnectionTermination: true,
      unhealthyDrainingIntervalSeconds: 0,
      attributeSources: {},
      perPortAttributes: false,
    });
  }
  const attributes = readAttributes(service, port, lbcVersion, notes, unknown);
  return Object.assign(common, {
    healthCheck: read.hc,
    explicitHealthCheck: read.explicit,
    ...(attributes.attributes !== undefined && { attributes: attributes.attributes, ...readDeregistration(attributes.attributes, notes, unknown) }),
    attributeSources: attributes.sources,
    perPortAttributes: attributes.perPort,
  });
}

/**
 * A TargetGroupBinding attaches pods to a target group created outside Kubernetes: its
 * health check and attributes are not in the manifests. Only `spec.targetType` is.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/spec/
 */
export function readBindingTargetGroup(binding: TargetGroupBindingView): TargetGroupSettings {
  const where = binding.targetGroupArn ?? binding.targetGroupName ?? 'its target group';
  const reason = `the target group (${where}) is managed outside Kubernetes: its health check and attributes are not in the manifests`;
  const unknown: UnknownSetting[] = ['healthCheck', 'deregistrationDelaySeconds', 'connectionTermination', 'unhealthyConnectionTermination'].map((field) => ({ field, reason }));
  const common = { provisioner: 'target-group-binding' as const, explicitHealthCheck: new Set<keyof ReadHealthCheck>(), attributeSources: {}, perPortAttributes: false, notes: [], assumptions: [] };
  if (binding.targetType === 'ip' || binding.targetType === 'instance') return { ...common, targetType: binding.targetType, unknown };
  unknown.push({ field: 'targetType', reason: 'spec.targetType is not set (the controller reads it from the target group)' });
  return { ...common, unknown };
}
