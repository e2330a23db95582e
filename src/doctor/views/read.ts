import { arrayAt, at, intOrString, isObject, objectAt, objectsAt, own, showValue, stringAt, stringMapAt, type JsonObject } from '../json';
import type { ManifestObject } from '../manifests';
import type {
  AutoscalerView,
  ContainerPortView,
  ContainerView,
  EnvVarView,
  Field,
  KnownView,
  NamespaceView,
  ObjectView,
  PodDisruptionBudgetView,
  PreStopView,
  ProbeTiming,
  ProbeView,
  ServicePortView,
  ServiceView,
  TargetGroupBindingView,
  WorkloadKind,
  WorkloadView,
} from './types';

/**
 * The edge of the doctor: the only place that reads untyped manifest data (through the safe
 * accessors of `json.ts`). Everything below works on the views of `types.ts`.
 */

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

/** A whole number, as the API wants it (a string such as `"45"` is rejected: invalid). */
function wholeNumber(value: unknown): Field<number> {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return { invalid: true, shown: showValue(value) };
}

function numberAt(object: unknown, k1: string, k2?: string): number | undefined {
  const value = at(object, k1, k2);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/** Kind-independent fields; labels and annotations only for the kinds that use them. */
function base(manifest: ManifestObject, defaultNamespace: string, maps: { labels?: boolean; annotations?: boolean } = { labels: true, annotations: true }, object: JsonObject = manifest.object): Omit<ObjectView, 'kind' | 'notes'> {
  const metadata = objectAt(object, 'metadata');
  const apiVersion = stringAt(object, 'apiVersion');
  return {
    apiVersion,
    namespace: stringAt(metadata, 'namespace') ?? defaultNamespace,
    name: stringAt(metadata, 'name') ?? stringAt(metadata, 'generateName') ?? '(unnamed)',
    labels: maps.labels ? stringMapAt(metadata, 'labels') : NONE,
    annotations: maps.annotations ? stringMapAt(metadata, 'annotations') : NONE,
    manifest,
  };
}

function readServicePort(port: JsonObject, index: number): ServicePortView {
  const number = numberAt(port, 'port');
  // Optional fields are written even when undefined: one object shape for every port.
  return {
    index,
    name: stringAt(port, 'name'),
    port: number,
    targetPort: intOrString(own(port, 'targetPort')) ?? number,
    nodePort: numberAt(port, 'nodePort'),
    protocol: stringAt(port, 'protocol') ?? 'TCP',
    appProtocol: stringAt(port, 'appProtocol'),
  };
}

export function readService(manifest: ManifestObject, defaultNamespace: string): ServiceView {
  const object = manifest.object;
  const notes: string[] = [];
  const spec = objectAt(object, 'spec');
  const klass = own(spec, 'loadBalancerClass');
  if (klass !== undefined && klass !== null && typeof klass !== 'string') notes.push(`spec.loadBalancerClass is ${showValue(klass)}, not a string: the API server rejects the Service.`);
  const annotations = own(objectAt(object, 'metadata'), 'annotations');
  if (isObject(annotations)) {
    for (const key of Object.keys(annotations)) {
      const value = annotations[key];
      if (typeof value !== 'string' && key.startsWith('service.beta.kubernetes.io/')) {
        notes.push(`annotation ${key} is ${showValue(value)}: annotation values must be strings (quote it), the API server rejects the Service.`);
      }
    }
  }
  const allocate = own(spec, 'allocateLoadBalancerNodePorts');
  return {
    kind: 'Service',
    ...base(manifest, defaultNamespace),
    notes,
    type: stringAt(spec, 'type') ?? 'ClusterIP',
    loadBalancerClass: typeof klass === 'string' && klass !== '' ? klass : undefined,
    selector: stringMapAt(spec, 'selector'),
    ports: objectsAt(spec, 'ports').map(readServicePort),
    externalTrafficPolicy: stringAt(spec, 'externalTrafficPolicy'),
    healthCheckNodePort: numberAt(spec, 'healthCheckNodePort'),
    allocateLoadBalancerNodePorts: typeof allocate === 'boolean' ? allocate : undefined,
  };
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : []).map((part) => (typeof part === 'string' ? part : String(part)));
}

function readPreStop(container: JsonObject, notes: string[]): PreStopView {
  const preStop = own(objectAt(container, 'lifecycle'), 'preStop');
  if (preStop === undefined || preStop === null) return { kind: 'none' };
  if (!isObject(preStop)) {
    notes.push(`lifecycle.preStop is ${showValue(preStop)}, not a handler: the API server rejects it.`);
    return { kind: 'invalid', reason: 'lifecycle.preStop is not a handler' };
  }
  const sleep = own(preStop, 'sleep');
  if (sleep !== undefined) {
    const seconds = wholeNumber(own(isObject(sleep) ? sleep : undefined, 'seconds'));
    return { kind: 'sleep', seconds };
  }
  const exec = objectAt(preStop, 'exec');
  if (exec) return { kind: 'exec', command: strings(own(exec, 'command')) };
  const httpGet = objectAt(preStop, 'httpGet');
  if (httpGet) {
    const port = intOrString(own(httpGet, 'port'));
    const path = stringAt(httpGet, 'path');
    return { kind: 'httpGet', ...(path !== undefined && { path }), ...(port !== undefined && { port }) };
  }
  if (own(preStop, 'tcpSocket') !== undefined) return { kind: 'tcpSocket' };
  notes.push('lifecycle.preStop has no sleep, exec or httpGet handler: the API server rejects it.');
  return { kind: 'invalid', reason: 'lifecycle.preStop has no handler' };
}

/** Kubernetes probe defaults (core/v1 `Probe`: periodSeconds 10, timeoutSeconds 1, failureThreshold 3). */
const PROBE_DEFAULTS = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 } as const;

function readProbe(container: JsonObject, which: 'readinessProbe' | 'livenessProbe', notes: string[]): ProbeView {
  const probe = own(container, which);
  if (probe === undefined || probe === null) return { kind: 'none' };
  if (!isObject(probe)) {
    notes.push(`${which} is ${showValue(probe)}, not a probe: the API server rejects it.`);
    return { kind: 'invalid', reason: `${which} is not a probe` };
  }
  const timing: ProbeTiming = {
    periodSeconds: wholeNumber(own(probe, 'periodSeconds')) ?? PROBE_DEFAULTS.periodSeconds,
    timeoutSeconds: wholeNumber(own(probe, 'timeoutSeconds')) ?? PROBE_DEFAULTS.timeoutSeconds,
    failureThreshold: wholeNumber(own(probe, 'failureThreshold')) ?? PROBE_DEFAULTS.failureThreshold,
  };
  const port = (handler: JsonObject) => intOrString(own(handler, 'port'));
  const httpGet = objectAt(probe, 'httpGet');
  if (httpGet) {
    // HTTPGetAction.path is optional; the kubelet then requests "/".
    const path = stringAt(httpGet, 'path') ?? '/';
    return { kind: 'httpGet', port: port(httpGet), path: path.startsWith('/') ? path : `/${path}`, scheme: stringAt(httpGet, 'scheme'), ...timing };
  }
  const tcpSocket = objectAt(probe, 'tcpSocket');
  if (tcpSocket) return { kind: 'tcpSocket', port: port(tcpSocket), ...timing };
  const grpc = objectAt(probe, 'grpc');
  if (grpc) return { kind: 'grpc', port: port(grpc), service: stringAt(grpc, 'service'), ...timing };
  const exec = objectAt(probe, 'exec');
  if (exec) return { kind: 'exec', command: strings(own(exec, 'command')), ...timing };
  notes.push(`${which} has no httpGet, tcpSocket, grpc or exec handler: the API server rejects it.`);
  return { kind: 'invalid', reason: `${which} has no handler` };
}

function readContainer(container: JsonObject, index: number, workloadNotes: string[]): ContainerView {
  const name = stringAt(container, 'name');
  const label = name ?? `#${index + 1}`;
  const notes: string[] = [];
  const ports: ContainerPortView[] = objectsAt(container, 'ports').map((port) => ({ name: stringAt(port, 'name'), containerPort: numberAt(port, 'containerPort'), protocol: stringAt(port, 'protocol') ?? 'TCP' }));
  const env: EnvVarView[] = [];
  for (const variable of objectsAt(container, 'env')) {
    const variableName = stringAt(variable, 'name');
    if (variableName !== undefined) env.push({ name: variableName, value: stringAt(variable, 'value') });
  }
  const preStop = readPreStop(container, notes);
  const readinessProbe = readProbe(container, 'readinessProbe', notes);
  const livenessProbe = readProbe(container, 'livenessProbe', notes);
  // The workload's notes say which container they are about.
  for (const note of notes) workloadNotes.push(`container ${label}: ${note}`);
  return {
    index,
    name,
    label,
    image: stringAt(container, 'image'),
    ports,
    preStop,
    readinessProbe,
    livenessProbe,
    env,
    path: ['spec', 'template', 'spec', 'containers', index],
  };
}

function showInvalid(field: string, value: Field<number>, notes: string[]): void {
  if (typeof value === 'object') notes.push(`${field} is ${value.shown}, not a whole number: the API server rejects it.`);
}

export function readWorkload(manifest: ManifestObject, kind: WorkloadKind, defaultNamespace: string): WorkloadView {
  // A workload read on demand (ReadOptions.readOnDemand) is read whole only here, when it is paired.
  const object = manifest.whole?.() ?? manifest.object;
  const notes: string[] = [];
  const spec = objectAt(object, 'spec');
  const template = objectAt(spec, 'template');
  const podSpec = objectAt(template, 'spec');
  const containers = (arrayAt(podSpec, 'containers') ?? []).flatMap((container, index) => (isObject(container) ? [readContainer(container, index, notes)] : []));
  const nativeSidecars = objectsAt(podSpec, 'initContainers')
    .filter((c) => stringAt(c, 'restartPolicy') === 'Always')
    .map((c, i) => stringAt(c, 'name') ?? `init #${i + 1}`);
  const grace = wholeNumber(own(podSpec, 'terminationGracePeriodSeconds'));
  showInvalid('terminationGracePeriodSeconds', grace, notes);
  const minReadySeconds = wholeNumber(own(spec, 'minReadySeconds'));
  showInvalid('minReadySeconds', minReadySeconds, notes);
  const replicas = wholeNumber(own(spec, 'replicas'));
  showInvalid('replicas', replicas, notes);
  // StatefulSets have no progress deadline (apps/v1 StatefulSetSpec).
  const progressDeadlineSeconds = kind === 'Deployment' ? wholeNumber(own(spec, 'progressDeadlineSeconds')) : undefined;
  showInvalid('progressDeadlineSeconds', progressDeadlineSeconds, notes);
  const strategy = objectAt(spec, kind === 'StatefulSet' ? 'updateStrategy' : 'strategy');
  const rolling = objectAt(strategy, 'rollingUpdate');
  const strategyType = stringAt(strategy, 'type');
  const maxUnavailable = intOrString(own(rolling, 'maxUnavailable'));
  const maxSurge = intOrString(own(rolling, 'maxSurge'));
  return {
    kind,
    // A workload's own annotations are not read (the pod template's are).
    ...base(manifest, defaultNamespace, { labels: true }, object),
    notes,
    replicas,
    selectorMatchLabels: stringMapAt(spec, 'selector', 'matchLabels'),
    podLabels: stringMapAt(template, 'metadata', 'labels'),
    podAnnotations: stringMapAt(template, 'metadata', 'annotations'),
    containers,
    nativeSidecars,
    terminationGracePeriodSeconds: grace,
    readinessGates: objectsAt(podSpec, 'readinessGates').flatMap((gate) => (stringAt(gate, 'conditionType') !== undefined ? [stringAt(gate, 'conditionType')!] : [])),
    strategyType,
    maxUnavailable,
    maxSurge,
    minReadySeconds,
    ...(progressDeadlineSeconds !== undefined && { progressDeadlineSeconds }),
  };
}

/** `elbv2.k8s.aws/v1beta1` (and the older v1alpha1) TargetGroupBinding. */
function readTargetGroupBinding(manifest: ManifestObject, defaultNamespace: string): TargetGroupBindingView {
  const object = manifest.object;
  const spec = objectAt(object, 'spec');
  const serviceName = stringAt(spec, 'serviceRef', 'name');
  const servicePort = intOrString(own(objectAt(spec, 'serviceRef'), 'port'));
  const targetType = stringAt(spec, 'targetType');
  const arn = stringAt(spec, 'targetGroupARN');
  const tgName = stringAt(spec, 'targetGroupName');
  return {
    kind: 'TargetGroupBinding',
    ...base(manifest, defaultNamespace),
    notes: [],
    ...(serviceName !== undefined && { serviceName }),
    ...(servicePort !== undefined && { servicePort }),
    ...(targetType !== undefined && { targetType }),
    ...(arn !== undefined && { targetGroupArn: arn }),
    ...(tgName !== undefined && { targetGroupName: tgName }),
  };
}

function readPdb(manifest: ManifestObject, defaultNamespace: string): PodDisruptionBudgetView {
  const spec = objectAt(manifest.object, 'spec');
  return { kind: 'PodDisruptionBudget', ...base(manifest, defaultNamespace, {}), notes: [], selector: own(spec, 'selector'), matchLabels: stringMapAt(spec, 'selector', 'matchLabels') };
}

/** autoscaling/v1|v2 HorizontalPodAutoscaler and KEDA `keda.sh/v1alpha1` ScaledObject (whose `scaleTargetRef.kind` defaults to Deployment). */
function readAutoscaler(manifest: ManifestObject, kind: string, defaultNamespace: string): AutoscalerView {
  const ref = objectAt(manifest.object, 'spec', 'scaleTargetRef');
  const targetKind = stringAt(ref, 'kind') ?? (kind === 'ScaledObject' ? 'Deployment' : undefined);
  const targetName = stringAt(ref, 'name');
  return { kind, ...base(manifest, defaultNamespace, {}), notes: [], ...(targetKind !== undefined && { targetKind }), ...(targetName !== undefined && { targetName }) };
}

/**
 * Kinds {@link readView} may read beyond kind, apiVersion and name (its only other inputs are
 * those fields): every other object is used by the doctor only for its identity.
 */
const READ_KINDS: ReadonlySet<string> = new Set([...WORKLOAD_KINDS, 'Service', 'TargetGroupBinding', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject', 'Namespace']);

/** Deployments and StatefulSets: the kinds a Service's pods belong to, read whole only when paired. */
export function isWorkloadKind(kind: string): boolean {
  return WORKLOAD_KINDS.has(kind);
}

/** Whether the doctor reads more of an object of this kind than its kind, apiVersion, name and namespace. */
export function isReadKind(kind: string): boolean {
  return READ_KINDS.has(kind);
}

/** The typed view of an object the doctor uses; `undefined` for every other kind. */
export function readView(manifest: ManifestObject, defaultNamespace: string): KnownView | undefined {
  const kind = own(manifest.object, 'kind');
  if (typeof kind !== 'string') return undefined;
  if (kind === 'Service') return readService(manifest, defaultNamespace);
  if (WORKLOAD_KINDS.has(kind)) return readWorkload(manifest, kind as WorkloadKind, defaultNamespace);
  if (kind === 'TargetGroupBinding' && (stringAt(manifest.object, 'apiVersion') ?? '').startsWith('elbv2.k8s.aws/')) return readTargetGroupBinding(manifest, defaultNamespace);
  if (kind === 'PodDisruptionBudget') return readPdb(manifest, defaultNamespace);
  if (kind === 'HorizontalPodAutoscaler' || (kind === 'ScaledObject' && (stringAt(manifest.object, 'apiVersion') ?? '').startsWith('keda.sh/'))) {
    return readAutoscaler(manifest, kind, defaultNamespace);
  }
  if (kind === 'Namespace') return { kind: 'Namespace', ...base(manifest, defaultNamespace), namespace: '', notes: [] } satisfies NamespaceView;
  return undefined;
}
