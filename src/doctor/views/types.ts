import type { ManifestObject } from '../manifests';
import type { FieldPath } from '../input/locate';

/**
 * Typed views of the Kubernetes objects the doctor reads. Untyped input is read once, at the
 * edge ({@link ./read.ts}), into these; the code below never probes `unknown` again. A value
 * that is present but unusable (a string where the API wants a number, ...) is kept as
 * {@link Invalid} so that the extraction can say so, and the reader's notes say why.
 */

/** A present value the API server would reject, and how it was written. */
export interface Invalid {
  readonly invalid: true;
  /** The value as the note shows it: `"45" (a string)`, `a map`. */
  readonly shown: string;
}

/** A field that may be unset, set, or set to something unusable. */
export type Field<T> = T | Invalid | undefined;

export function isInvalid<T>(value: Field<T>): value is Invalid {
  return typeof value === 'object' && value !== null && (value as Partial<Invalid>).invalid === true;
}

/** Kind, namespace and name, settled (objects without a namespace are in the default one). */
export interface ObjectView {
  readonly kind: string;
  readonly apiVersion?: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly manifest: ManifestObject;
  /** What the reader could not use, in words. */
  readonly notes: readonly string[];
}

export interface ServicePortView {
  /** Index in `spec.ports`. */
  readonly index: number;
  readonly name?: string;
  readonly port?: number;
  /** Defaults to `port` (core/v1 `ServicePort.targetPort`). */
  readonly targetPort?: number | string;
  readonly nodePort?: number;
  /** `TCP` when unset. */
  readonly protocol: string;
  readonly appProtocol?: string;
}

export interface ServiceView extends ObjectView {
  readonly kind: 'Service';
  /** `ClusterIP` when unset. */
  readonly type: string;
  /** `spec.loadBalancerClass`; an empty string counts as unset (the LBC's webhook does the same). */
  readonly loadBalancerClass?: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePortView[];
  readonly externalTrafficPolicy?: string;
  readonly healthCheckNodePort?: number;
  readonly allocateLoadBalancerNodePorts?: boolean;
}

export interface ContainerPortView {
  readonly name?: string;
  readonly containerPort?: number;
  readonly protocol: string;
}

/** `lifecycle.preStop` as written. */
export type PreStopView =
  | { readonly kind: 'none' }
  | { readonly kind: 'sleep'; readonly seconds: Field<number> }
  | { readonly kind: 'exec'; readonly command: readonly string[] }
  | { readonly kind: 'httpGet'; readonly path?: string; readonly port?: number | string }
  /** Accepted by the API for compatibility, never run by the kubelet. */
  | { readonly kind: 'tcpSocket' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Probe timing with the Kubernetes defaults filled in (period 10, timeout 1, failure 3). */
export interface ProbeTiming {
  readonly periodSeconds: Field<number>;
  readonly timeoutSeconds: Field<number>;
  readonly failureThreshold: Field<number>;
}

/** A readiness or liveness probe as written. */
export type ProbeView =
  | { readonly kind: 'none' }
  | ({ readonly kind: 'httpGet'; readonly port?: number | string; readonly path: string; readonly scheme?: string } & ProbeTiming)
  | ({ readonly kind: 'tcpSocket'; readonly port?: number | string } & ProbeTiming)
  | ({ readonly kind: 'grpc'; readonly port?: number | string; readonly service?: string } & ProbeTiming)
  | ({ readonly kind: 'exec'; readonly command: readonly string[] } & ProbeTiming)
  | { readonly kind: 'invalid'; readonly reason: string };

export interface EnvVarView {
  readonly name: string;
  /** A literal value (`valueFrom` is not resolved). */
  readonly value?: string;
}

export interface ContainerView {
  /** Index in `spec.template.spec.containers`. */
  readonly index: number;
  readonly name?: string;
  /** The name, or `#2` for a container without one. */
  readonly label: string;
  readonly image?: string;
  readonly ports: readonly ContainerPortView[];
  readonly preStop: PreStopView;
  readonly readinessProbe: ProbeView;
  readonly livenessProbe: ProbeView;
  readonly env: readonly EnvVarView[];
  /** Where the container is in its object. */
  readonly path: FieldPath;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadView extends ObjectView {
  readonly kind: WorkloadKind;
  readonly replicas: Field<number>;
  readonly selectorMatchLabels: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerView[];
  /** Names of native sidecars (init containers with `restartPolicy: Always`, Kubernetes ≥ 1.29). */
  readonly nativeSidecars: readonly string[];
  readonly terminationGracePeriodSeconds: Field<number>;
  /** `conditionType` of each `readinessGates` entry. */
  readonly readinessGates: readonly string[];
  /** `strategy.type` (Deployment) or `updateStrategy.type` (StatefulSet), unset → undefined. */
  readonly strategyType?: string;
  readonly maxUnavailable?: number | string;
  readonly maxSurge?: number | string;
  readonly minReadySeconds: Field<number>;
  /** `spec.progressDeadlineSeconds` of a Deployment (unset: 600); StatefulSets have none. */
  readonly progressDeadlineSeconds?: Field<number>;
}

export interface TargetGroupBindingView extends ObjectView {
  readonly kind: 'TargetGroupBinding';
  readonly serviceName?: string;
  readonly servicePort?: number | string;
  readonly targetType?: string;
  readonly targetGroupArn?: string;
  readonly targetGroupName?: string;
}

export interface PodDisruptionBudgetView extends ObjectView {
  readonly kind: 'PodDisruptionBudget';
  /** The raw `spec.selector` (a LabelSelector), matched by `selectors.ts`. */
  readonly selector: unknown;
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** A HorizontalPodAutoscaler or a KEDA ScaledObject, by the workload it scales. */
export interface AutoscalerView extends ObjectView {
  readonly targetKind?: string;
  readonly targetName?: string;
}

export interface NamespaceView extends ObjectView {
  readonly kind: 'Namespace';
}

/** Every object of the input, by what the doctor does with it. */
export type KnownView = ServiceView | WorkloadView | TargetGroupBindingView | PodDisruptionBudgetView | AutoscalerView | NamespaceView;
