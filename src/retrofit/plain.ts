/**
 * Applies a drain plan to Kubernetes objects someone else wrote (a Helm chart, plain YAML).
 * Plain JSON in, plain JSON out, no framework types: {@link drainTransform} lifts Pulumi
 * Outputs around it, and every number comes from src/render. The input is never mutated.
 */
import { LBC_ANNOTATION } from '../model';
import type { DrainPlan } from '../plan';
import { renderContainerFragment, renderServiceAnnotations, renderWorkloadFragment, type EnvVar, type LoadBalancerScheme } from '../render';

type Json = Record<string, unknown>;

/** The workload kinds whose pod template the plan is applied to. */
export type WorkloadKind = 'Deployment' | 'StatefulSet';

/**
 * Pod-template annotation naming the container `kubectl logs/exec` pick by default; the
 * retrofit takes it as the gRPC server's container when told nothing else.
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubectl-kubernetes-io-default-container
 */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/**
 * The in-tree annotation the LBC still reads, deprecated in favour of `scheme`. A chart that
 * sets it has chosen its scheme: the retrofit then adds no `scheme` annotation.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
export const LEGACY_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-internal';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown): Json {
  return isObject(value) ? value : {};
}

function containersOf(podSpec: Json): Json[] {
  return Array.isArray(podSpec.containers) ? podSpec.containers.filter(isObject) : [];
}

/** `metadata.labels` of a Kubernetes object, string values only. */
export function labelsOf(object: Json): Record<string, string> {
  const labels = objectAt(objectAt(object.metadata).labels);
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The pod template's container names, in order. */
export function containerNames(workload: Json): string[] {
  const template = objectAt(objectAt(workload.spec).template);
  return containersOf(objectAt(template.spec))
    .map((container) => container.name)
    .filter((name): name is string => typeof name === 'string');
}

/**
 * The containers that run the gRPC server: those of `names` the pod has, or, without
 * `names`, the one the default-container annotation names, else the first.
 */
export function selectContainers(workload: Json, names?: readonly string[]): string[] {
  const present = containerNames(workload);
  if (names) return present.filter((name) => names.includes(name));
  const template = objectAt(objectAt(workload.spec).template);
  const annotated = objectAt(objectAt(template.metadata).annotations)[DEFAULT_CONTAINER_ANNOTATION];
  if (typeof annotated === 'string' && present.includes(annotated)) return [annotated];
  return present.slice(0, 1);
}

/** What {@link retrofitWorkload} writes besides the plan. */
export interface WorkloadRetrofit {
  /** The contract variables (rendered by `renderContractEnv`). */
  readonly contractEnv: readonly EnvVar[];
  /** Names of the containers to drain (see {@link selectContainers}). */
  readonly containers: readonly string[];
}

/**
 * A Deployment or StatefulSet with the plan applied. Pod template: the budget annotation,
 * `terminationGracePeriodSeconds`, and on each selected container the preStop (other
 * lifecycle hooks kept), readiness and liveness probes on the health port, and the contract
 * variables first in `env` (a chart variable of the same name is dropped: the plan wins).
 * Deployment: `minReadySeconds` and the RollingUpdate strategy. StatefulSet:
 * `minReadySeconds`; its `updateStrategy` is left alone (a StatefulSet cannot surge).
 * Other containers and every other field are untouched.
 */
export function retrofitWorkload(kind: WorkloadKind, workload: Json, plan: DrainPlan, retrofit: WorkloadRetrofit): Json {
  const fragment = renderWorkloadFragment(plan);
  const rendered = renderContainerFragment(plan, retrofit.contractEnv);
  const contractNames = new Set(rendered.env.map((variable) => variable.name));
  const spec = objectAt(workload.spec);
  const template = objectAt(spec.template);
  const templateMetadata = objectAt(template.metadata);
  const podSpec = objectAt(template.spec);
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];

  const drained = containers.map((container: unknown) => {
    if (!isObject(container) || typeof container.name !== 'string' || !retrofit.containers.includes(container.name)) return container;
    const chartEnv = Array.isArray(container.env) ? container.env : [];
    return {
      ...container,
      env: [...rendered.env, ...chartEnv.filter((variable: unknown) => !(isObject(variable) && contractNames.has(variable.name as string)))],
      lifecycle: { ...objectAt(container.lifecycle), preStop: rendered.lifecycle.preStop },
      readinessProbe: rendered.readinessProbe,
      livenessProbe: rendered.livenessProbe,
    };
  });

  return {
    ...workload,
    spec: {
      ...spec,
      minReadySeconds: fragment.minReadySeconds,
      ...(kind === 'Deployment' && { strategy: fragment.strategy }),
      template: {
        ...template,
        metadata: { ...templateMetadata, annotations: { ...objectAt(templateMetadata.annotations), ...fragment.podAnnotations } },
        spec: { ...podSpec, terminationGracePeriodSeconds: fragment.terminationGracePeriodSeconds, containers: drained },
      },
    },
  };
}

/** Whether a Service object is of type LoadBalancer (the only kind the LBC turns into an NLB). */
export function isLoadBalancerService(service: Json): boolean {
  return objectAt(service.spec).type === 'LoadBalancer';
}

/**
 * A LoadBalancer Service with the plan's LBC annotations (type external, ip targets, HTTP
 * health check on the readiness endpoint, target-group attributes). The scheme stays what
 * the chart set (`scheme`, or the deprecated `internal` annotation); a Service that sets
 * neither gets `defaultScheme`. Other annotations and fields are untouched.
 */
export function retrofitService(service: Json, plan: DrainPlan, defaultScheme: LoadBalancerScheme): Json {
  const metadata = objectAt(service.metadata);
  const chart = objectAt(metadata.annotations);
  const annotations: Record<string, unknown> = renderServiceAnnotations(plan, defaultScheme);
  if (typeof chart[LBC_ANNOTATION.scheme] === 'string') annotations[LBC_ANNOTATION.scheme] = chart[LBC_ANNOTATION.scheme];
  else if (chart[LEGACY_INTERNAL_ANNOTATION] !== undefined) delete annotations[LBC_ANNOTATION.scheme];
  return { ...service, metadata: { ...metadata, annotations: { ...chart, ...annotations } } };
}
