import { own, stringAt, stringMapAt } from './json';
import type { InputNote, ManifestObject, SourceLocation } from './manifests';
import { fixedLabels, matchesEquality, matchesLabelSelector } from './selectors';
import { readView, readWorkload } from './views/read';
import type { AutoscalerView, NamespaceView, PodDisruptionBudgetView, ServiceView, TargetGroupBindingView, WorkloadKind, WorkloadView } from './views/types';

/**
 * The input's objects as typed views, by kind and namespace, with label indexes so that
 * pairing selectors with pods stays linear in the number of objects. An object given twice
 * (same kind, namespace and name) is kept once, the last one, as `kubectl apply -f` of the
 * files in order would leave it; the others are reported.
 */
/** A Deployment or StatefulSet, indexed by its pod labels; its view is read when it is paired. */
interface WorkloadEntry {
  readonly manifest: ManifestObject;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  view?: WorkloadView;
}

export class Inventory {
  readonly services: ServiceView[] = [];
  readonly bindings: TargetGroupBindingView[] = [];
  readonly namespaces = new Map<string, NamespaceView>();
  /** Objects given more than once, and other input-level notes. */
  readonly notes: InputNote[] = [];
  private readonly servicesByKey = new Map<string, ServiceView>();
  private readonly workloadEntries: WorkloadEntry[] = [];
  private readonly workloadsByLabel = new Map<string, WorkloadEntry[]>();
  private readonly pdbsByLabel = new Map<string, PodDisruptionBudgetView[]>();
  /** PDBs whose selector fixes no label (expressions only, or `{}`): checked against every pod. */
  private readonly otherPdbs = new Map<string, PodDisruptionBudgetView[]>();
  private readonly autoscalers = new Map<string, AutoscalerView>();

  constructor(objects: readonly ManifestObject[], readonly defaultNamespace: string) {
    for (const manifest of this.lastOfEach(objects)) {
      const kind = own(manifest.object, 'kind');
      if (kind === 'Deployment' || kind === 'StatefulSet') {
        this.addWorkload(manifest, kind);
        continue;
      }
      const view = readView(manifest, defaultNamespace);
      if (!view) continue;
      switch (view.kind) {
        case 'Service': {
          const service = view as ServiceView;
          this.services.push(service);
          this.servicesByKey.set(`${service.namespace}/${service.name}`, service);
          break;
        }
        case 'TargetGroupBinding':
          this.bindings.push(view as TargetGroupBindingView);
          break;
        case 'PodDisruptionBudget':
          this.addPdb(view as PodDisruptionBudgetView);
          break;
        case 'Namespace':
          this.namespaces.set(view.name, view as NamespaceView);
          break;
        default: {
          const autoscaler = view as AutoscalerView;
          if (autoscaler.targetName !== undefined) this.autoscalers.set(`${autoscaler.namespace}/${autoscaler.targetKind}/${autoscaler.targetName}`, autoscaler);
        }
      }
    }
  }

  /** Drops every object that a later one of the same kind, namespace and name replaces, with a note. */
  private lastOfEach(objects: readonly ManifestObject[]): ManifestObject[] {
    const seen = new Map<string, ManifestObject[]>();
    for (const manifest of objects) {
      const kind = own(manifest.object, 'kind');
      const name = stringAt(manifest.object, 'metadata', 'name');
      // generateName objects are distinct objects each time they are created.
      if (typeof kind !== 'string' || name === undefined) continue;
      const key = `${kind}\u0000${stringAt(manifest.object, 'metadata', 'namespace') ?? this.defaultNamespace}\u0000${name}`;
      const list = seen.get(key);
      if (list) list.push(manifest);
      else seen.set(key, [manifest]);
    }
    const replaced = new Set<ManifestObject>();
    for (const list of seen.values()) {
      if (list.length < 2) continue;
      const last = list[list.length - 1]!;
      for (const earlier of list.slice(0, -1)) replaced.add(earlier);
      const where = (location: SourceLocation) => `${location.file}${location.line !== undefined ? `:${location.line}` : ` (document ${location.document})`}`;
      const object = last.object;
      this.notes.push({
        location: last.location,
        message: `${String(own(object, 'kind'))} ${stringAt(object, 'metadata', 'namespace') ?? this.defaultNamespace}/${stringAt(object, 'metadata', 'name')} is given ${list.length} times (${list.map((m) => where(m.location)).join(', ')}): applied in order, each replaces the one before, so only the last is diagnosed`,
      });
    }
    return replaced.size === 0 ? [...objects] : objects.filter((manifest) => !replaced.has(manifest));
  }

  private addWorkload(manifest: ManifestObject, kind: WorkloadKind): void {
    // Only what pairing needs now: most workloads of a cluster dump sit behind no load balancer.
    const entry: WorkloadEntry = {
      manifest,
      kind,
      namespace: stringAt(manifest.object, 'metadata', 'namespace') ?? this.defaultNamespace,
      podLabels: stringMapAt(manifest.object, 'spec', 'template', 'metadata', 'labels'),
    };
    this.workloadEntries.push(entry);
    for (const [key, value] of Object.entries(entry.podLabels)) push(this.workloadsByLabel, labelKey(entry.namespace, key, value), entry);
  }

  private viewOf(entry: WorkloadEntry): WorkloadView {
    entry.view ??= readWorkload(entry.manifest, entry.kind, this.defaultNamespace);
    return entry.view;
  }

  /**
   * Lets go of the workload views read so far: once pairing is done, a view lives only in the
   * targets that hold it (the doctor lets each go once it is diagnosed). Selecting again reads
   * them again, as new views.
   */
  forgetWorkloadViews(): void {
    for (const entry of this.workloadEntries) entry.view = undefined;
  }

  /** The workloads that carry the `grpc-drain.dev/budget` pod-template annotation. */
  workloadsWithAnnotation(annotation: string): WorkloadView[] {
    return this.workloadEntries
      .filter((entry) => stringMapAt(entry.manifest.object, 'spec', 'template', 'metadata', 'annotations')[annotation] !== undefined)
      .map((entry) => this.viewOf(entry));
  }

  private addPdb(pdb: PodDisruptionBudgetView): void {
    const fixed = typeof pdb.selector === 'object' && pdb.selector !== null ? Object.entries(fixedLabels(pdb.selector as Record<string, unknown>)) : [];
    if (fixed.length > 0) {
      const [key, value] = fixed[0]!;
      push(this.pdbsByLabel, labelKey(pdb.namespace, key, value), pdb);
    } else if (pdb.selector !== undefined && pdb.selector !== null) {
      push(this.otherPdbs, pdb.namespace, pdb);
    }
  }

  service(namespace: string, name: string): ServiceView | undefined {
    return this.servicesByKey.get(`${namespace}/${name}`);
  }

  /** Deployments and StatefulSets of a namespace whose pods a Service selector picks. */
  selectWorkloads(namespace: string, selector: Readonly<Record<string, string>>): WorkloadView[] {
    const first = Object.entries(selector)[0];
    if (!first) return [];
    return (this.workloadsByLabel.get(labelKey(namespace, first[0], first[1])) ?? []).filter((w) => matchesEquality(selector, w.podLabels)).map((entry) => this.viewOf(entry));
  }

  /** The PodDisruptionBudgets of the workload's namespace that select its pods. */
  pdbsFor(workload: WorkloadView): PodDisruptionBudgetView[] {
    const found = new Set<PodDisruptionBudgetView>();
    for (const [key, value] of Object.entries(workload.podLabels)) {
      for (const pdb of this.pdbsByLabel.get(labelKey(workload.namespace, key, value)) ?? []) found.add(pdb);
    }
    for (const pdb of this.otherPdbs.get(workload.namespace) ?? []) found.add(pdb);
    return [...found].filter((pdb) => matchesLabelSelector(pdb.selector, workload.podLabels));
  }

  /** The HorizontalPodAutoscaler or KEDA ScaledObject that scales the workload, if the input has one. */
  autoscalerFor(workload: WorkloadView): AutoscalerView | undefined {
    return this.autoscalers.get(`${workload.namespace}/${workload.kind}/${workload.name}`);
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
