import { objectAt, objectsAt, own, stringAt, stringMapAt, type JsonObject } from './json';
import type { ManifestObject } from './manifests';
import { containersOf, type ContainerRef } from './pod';
import { fixedLabels, matchesEquality, matchesLabelSelector } from './selectors';
import type { WorkloadKind } from './types';

/** An object of the input with its namespace and name settled. */
export interface Entry {
  readonly manifest: ManifestObject;
  readonly object: JsonObject;
  readonly namespace: string;
  readonly name: string;
}

/** A Deployment or StatefulSet and the parts of its pod template the doctor reads. */
export interface WorkloadEntry extends Entry {
  readonly kind: WorkloadKind;
  readonly spec?: JsonObject;
  readonly podSpec?: JsonObject;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerRef[];
}

const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet'];

/** `elbv2.k8s.aws/v1beta1` (and the older v1alpha1) TargetGroupBinding. */
function isTargetGroupBinding(object: JsonObject): boolean {
  return own(object, 'kind') === 'TargetGroupBinding' && (stringAt(object, 'apiVersion') ?? '').startsWith('elbv2.k8s.aws/');
}

/**
 * The input's objects by kind and namespace, with label indexes so that pairing selectors
 * with pods stays linear in the number of objects.
 */
export class Inventory {
  readonly workloads: WorkloadEntry[] = [];
  readonly services = new Map<string, Entry>();
  readonly serviceList: Entry[] = [];
  readonly bindings: Entry[] = [];
  /** Labels of the Namespace objects of the input, by name. */
  readonly namespaceLabels = new Map<string, Readonly<Record<string, string>>>();
  private readonly workloadsByLabel = new Map<string, WorkloadEntry[]>();
  private readonly pdbsByLabel = new Map<string, Entry[]>();
  /** PDBs whose selector fixes no label (expressions only, or `{}`): checked against every pod. */
  private readonly otherPdbs = new Map<string, Entry[]>();

  constructor(objects: readonly ManifestObject[], defaultNamespace: string) {
    for (const manifest of objects) {
      const object = manifest.object;
      const kind = own(object, 'kind');
      const name = stringAt(object, 'metadata', 'name') ?? stringAt(object, 'metadata', 'generateName') ?? '(unnamed)';
      const namespace = stringAt(object, 'metadata', 'namespace') ?? defaultNamespace;
      const entry: Entry = { manifest, object, namespace, name };
      if (typeof kind !== 'string') continue;
      if (kind === 'Namespace') {
        this.namespaceLabels.set(name, stringMapAt(object, 'metadata', 'labels'));
      } else if (WORKLOAD_KINDS.includes(kind)) {
        this.addWorkload(entry, kind as WorkloadKind);
      } else if (kind === 'Service') {
        this.services.set(`${namespace}/${name}`, entry);
        this.serviceList.push(entry);
      } else if (isTargetGroupBinding(object)) {
        this.bindings.push(entry);
      } else if (kind === 'PodDisruptionBudget') {
        this.addPdb(entry);
      }
    }
  }

  private addWorkload(entry: Entry, kind: WorkloadKind): void {
    const spec = objectAt(entry.object, 'spec');
    const template = objectAt(spec, 'template');
    const podSpec = objectAt(template, 'spec');
    const podLabels = stringMapAt(template, 'metadata', 'labels');
    const workload: WorkloadEntry = {
      ...entry,
      kind,
      ...(spec !== undefined && { spec }),
      ...(podSpec !== undefined && { podSpec }),
      podLabels,
      podAnnotations: stringMapAt(template, 'metadata', 'annotations'),
      containers: containersOf(podSpec),
    };
    this.workloads.push(workload);
    for (const [key, value] of Object.entries(podLabels)) push(this.workloadsByLabel, labelKey(entry.namespace, key, value), workload);
  }

  private addPdb(entry: Entry): void {
    const selector = objectAt(entry.object, 'spec', 'selector');
    const fixed = selector ? Object.entries(fixedLabels(selector)) : [];
    if (fixed.length > 0) {
      const [key, value] = fixed[0]!;
      push(this.pdbsByLabel, labelKey(entry.namespace, key, value), entry);
    } else if (selector) {
      push(this.otherPdbs, entry.namespace, entry);
    }
  }

  /** Deployments and StatefulSets of a namespace whose pods a Service selector picks. */
  selectWorkloads(namespace: string, selector: Readonly<Record<string, string>>): WorkloadEntry[] {
    const first = Object.entries(selector)[0];
    if (!first) return [];
    return (this.workloadsByLabel.get(labelKey(namespace, first[0], first[1])) ?? []).filter((w) => matchesEquality(selector, w.podLabels));
  }

  /** The PodDisruptionBudgets of the workload's namespace that select its pods. */
  pdbsFor(workload: WorkloadEntry): Entry[] {
    const found = new Set<Entry>();
    for (const [key, value] of Object.entries(workload.podLabels)) {
      for (const pdb of this.pdbsByLabel.get(labelKey(workload.namespace, key, value)) ?? []) found.add(pdb);
    }
    for (const pdb of this.otherPdbs.get(workload.namespace) ?? []) found.add(pdb);
    return [...found].filter((pdb) => matchesLabelSelector(objectAt(pdb.object, 'spec', 'selector'), workload.podLabels));
  }

  /** The ports of a Service, TCP only (an NLB gRPC listener is TCP or TLS). */
  static servicePorts(service: Entry): JsonObject[] {
    return objectsAt(service.object, 'spec', 'ports').filter((port) => (stringAt(port, 'protocol') ?? 'TCP') === 'TCP');
  }
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}=${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
