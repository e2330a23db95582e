import { LBC_ANNOTATION, PORT, type Finding } from '../model';
import { describeValue, type DrainPlan } from '../plan';
import type { PodDisruptionBudget, Service } from './k8s';

/** Where the NLB is reachable from. */
export type LoadBalancerScheme = 'internal' | 'internet-facing';

export const DEFAULT_SCHEME: LoadBalancerScheme = 'internal';

/** Checks a Service's own options (the scheme and the port the NLB listens on). */
export function checkServiceOptions(options: { readonly scheme?: unknown; readonly port?: unknown }): Finding[] {
  const violations: Finding[] = [];
  if (options.scheme !== undefined && options.scheme !== 'internal' && options.scheme !== 'internet-facing') {
    violations.push({ rule: 'budget-valid', severity: 'error', field: 'scheme', message: `scheme must be 'internal' or 'internet-facing'; got ${describeValue(options.scheme)}.` });
  }
  const port = options.port;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < PORT.min || port > PORT.max)) {
    violations.push({ rule: 'budget-valid', severity: 'error', field: 'port', message: `port must be a port number ${PORT.min}–${PORT.max}; got ${describeValue(port)}.` });
  }
  return violations;
}

/**
 * Annotations a user gave a Service that the plan writes: refused in both front ends. A
 * silent override either way hides a contradiction (the user's value loses, or the plan's
 * health check and target-group attributes do, and the drain with them).
 */
export function checkServiceAnnotations(keys: Iterable<string>, planAnnotations: Readonly<Record<string, string>>, field = 'metadata.annotations'): Finding[] {
  const violations: Finding[] = [];
  for (const key of keys) {
    if (!(key in planAnnotations)) continue;
    violations.push({
      rule: 'budget-valid',
      severity: 'error',
      field: `${field}.${key}`,
      message:
        key === LBC_ANNOTATION.scheme
          ? `${field} must not set ${key}: set scheme instead.`
          : `${field} must not set ${key}: the plan writes it (${JSON.stringify(planAnnotations[key])}); change the budget instead.`,
    });
  }
  return violations;
}

/**
 * A Service namespace other than its workload's is refused: a Service selects pods of its
 * own namespace only, so it would route to none. `unset` says where a workload without a
 * namespace lands in this front end.
 */
export function checkServiceNamespace(namespace: unknown, workloadNamespace: unknown, unset: string): Finding[] {
  if (namespace === undefined || namespace === workloadNamespace) return [];
  const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : describeValue(value));
  return [
    {
      rule: 'budget-valid',
      severity: 'error',
      field: 'metadata.namespace',
      message: `metadata.namespace (${show(namespace)}) differs from the deployment's namespace (${workloadNamespace === undefined ? unset : show(workloadNamespace)}): a Service selects pods of its own namespace only, so this one would route to no pod. Leave metadata.namespace out: the Service takes the deployment's.`,
    },
  ];
}

/** The plan's LBC annotations with the scheme after the target type, in a fixed order. */
export function renderServiceAnnotations(plan: DrainPlan, scheme: LoadBalancerScheme = DEFAULT_SCHEME): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(plan.serviceAnnotations)) {
    annotations[key] = value;
    if (key === LBC_ANNOTATION.targetType) annotations[LBC_ANNOTATION.scheme] = scheme;
  }
  return annotations;
}

export interface ServiceRenderOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations; the plan's win on a clash. */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  /** The port the NLB listens on. */
  readonly port: number;
  /** The pod's gRPC port. */
  readonly targetPort: number;
  readonly scheme?: LoadBalancerScheme;
}

/** A LoadBalancer Service the LBC turns into an NLB with ip targets. */
export function renderService(plan: DrainPlan, options: ServiceRenderOptions): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: options.name,
      ...(options.namespace !== undefined && { namespace: options.namespace }),
      ...(options.labels !== undefined && { labels: options.labels }),
      annotations: { ...options.annotations, ...renderServiceAnnotations(plan, options.scheme) },
    },
    spec: {
      type: 'LoadBalancer',
      selector: options.selector,
      ports: [{ name: 'grpc', port: options.port, targetPort: options.targetPort, protocol: 'TCP' }],
    },
  };
}

export interface PodDisruptionBudgetRenderOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly matchLabels: Readonly<Record<string, string>>;
}

export function renderPodDisruptionBudget(plan: DrainPlan, options: PodDisruptionBudgetRenderOptions): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: options.name,
      ...(options.namespace !== undefined && { namespace: options.namespace }),
      ...(options.labels !== undefined && { labels: options.labels }),
    },
    spec: { maxUnavailable: plan.podDisruptionBudget.maxUnavailable, selector: { matchLabels: options.matchLabels } },
  };
}
