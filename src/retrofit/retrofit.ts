import { renderPodDisruptionBudget } from '../render';
import { DrainBudgetError } from '../plan';
import {
  admissionSidecars,
  containerWithoutService,
  extractSettings,
  fixSafety,
  Inventory,
  listItems,
  manifestObjects,
  pairTargets,
  readView,
  type ManifestObject,
  type Target,
  type WorkloadView,
} from '../doctor/internal';
import { isObject } from '../doctor/json';
import type { ObjectRef, RetrofitOptions, RetrofitResult } from './api';
import { applyContainer, applyPod, applyService, Notes, planTarget, readinessScheme, refOf, servesReadiness, type RetrofitContext } from './apply';
import { matches, prepareRetrofit, type PrepareOptions } from './context';
import { ObjectEditor } from './edit';

/**
 * The set-wide retrofit: the doctor pairs every workload with the Service (or
 * TargetGroupBinding) in front of it, as the LBC decides, and the plan is applied to both.
 */

function isKubernetesObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value['kind'] === 'string';
}

/** The workloads the caller's match names that no load balancer of the input pairs with. */
function unpairedTargets(ctx: RetrofitContext, manifests: readonly ManifestObject[], inventory: Inventory, paired: ReadonlySet<unknown>): Target[] {
  if (!ctx.options.match) return [];
  const targets: Target[] = [];
  for (const manifest of manifests) {
    const kind = manifest.object['kind'];
    if ((kind !== 'Deployment' && kind !== 'StatefulSet') || paired.has(manifest.object)) continue;
    const workload = readView(manifest, inventory.defaultNamespace) as WorkloadView;
    if (!matches(ctx.options.match, workload)) continue;
    targets.push({ workload, serving: containerWithoutService(workload), sidecars: admissionSidecars(workload, inventory.namespaces.get(workload.namespace)) });
  }
  return targets;
}

/** Whether the caller wants this target: the match, else every workload behind an NLB (or carrying the budget annotation). */
function wanted(ctx: RetrofitContext, target: Target, notes: Notes, ref: ObjectRef): boolean {
  if (ctx.options.match) return matches(ctx.options.match, target.workload);
  const provisioner = target.frontend?.targetGroup.provisioner;
  if (provisioner === 'in-tree-classic') {
    notes.add('info', ref, `Left alone: its Service ${target.frontend!.service.name} gets a Classic Load Balancer from the in-tree cloud provider, not an NLB (name the workload in match to retrofit it anyway).`);
    return false;
  }
  return true;
}

/** A PodDisruptionBudget name no object of the input has. */
function pdbName(manifests: readonly ManifestObject[], workload: WorkloadView): string | undefined {
  const taken = (name: string) =>
    manifests.some((m) => m.object['kind'] === 'PodDisruptionBudget' && refOf(m.object, workload.namespace).name === name && refOf(m.object, workload.namespace).namespace === workload.namespace);
  return [`${workload.name}-pdb`, `${workload.name}-grpc-drain`].find((name) => !taken(name));
}

/**
 * The retrofit over objects the doctor has read (`objects[i] === manifests[j].object` for the
 * Kubernetes objects among them). The CLI calls it with the objects of its documents, so that
 * it can write untouched documents back as they were.
 */
export function retrofitRead(objects: readonly unknown[], manifests: readonly ManifestObject[], options: RetrofitOptions | undefined, labels: PrepareOptions = {}): RetrofitResult {
  const ctx = prepareRetrofit(options, labels);
  const notes = new Notes();
  const inventory = new Inventory(manifests, ctx.doctor.defaultNamespace);
  const pairing = pairTargets(inventory, { lbcClass: ctx.doctor.lbcClass, lbcWebhook: ctx.doctor.lbcWebhook, ...(ctx.doctor.lbcVersion !== undefined && { lbcVersion: ctx.doctor.lbcVersion }) });
  const paired = new Set(pairing.targets.map((t) => t.workload.manifest.object));
  const targets = [...pairing.targets, ...unpairedTargets(ctx, manifests, inventory, paired)];

  const editors = new Map<unknown, ObjectEditor>();
  const editorOf = (object: Record<string, unknown>) => {
    let editor = editors.get(object);
    if (!editor) editors.set(object, (editor = new ObjectEditor(object)));
    return editor;
  };
  /** Per workload: the plan its pod part was written with, and the containers done. */
  const done = new Map<unknown, { grace: number; containers: Set<number> }>();
  const added = new Map<unknown, Record<string, unknown>>();

  for (const target of targets) {
    const { workload } = target;
    const ref = refOf(workload.manifest.object, workload.namespace);
    if (!wanted(ctx, target, notes, ref)) continue;
    const container = target.serving.container;
    if (ctx.options.containers && container && !ctx.options.containers.includes(container.name ?? '')) {
      notes.add('info', ref, `Left alone: its serving container ${container.label} (${target.serving.reason}) is not one of containers (${ctx.options.containers.join(', ')}).`);
      continue;
    }
    if (!container && !target.serving.injected) {
      notes.add('warning', ref, `Not retrofitted: ${target.serving.reason}.`);
      continue;
    }
    const extraction = extractSettings(target, inventory, ctx.doctor);
    const safety = fixSafety(target, extraction);
    const plan = planTarget(ctx, extraction, safety, target.frontend?.targetGroup.explicitHealthCheck);
    if (plan instanceof DrainBudgetError) {
      notes.add('warning', ref, `Not retrofitted: with what the workload keeps (its sleep, grace period, endpoints and health-check numbers) the budget gives no safe plan: ${plan.violations.map((v) => `[${v.rule}] ${v.message}`).join(' ')}`);
      continue;
    }
    const editor = editorOf(workload.manifest.object);
    const state = done.get(workload.manifest.object);
    if (!state) {
      applyPod(editor, ref, workload, safety, plan, notes);
      done.set(workload.manifest.object, { grace: plan.terminationGracePeriodSeconds, containers: new Set() });
      if (!extraction.settings.podDisruptionBudget) {
        const name = pdbName(manifests, workload);
        const namespace = workload.manifest.object['metadata'] && (workload.manifest.object['metadata'] as Record<string, unknown>)['namespace'];
        const labels = Object.keys(workload.selectorMatchLabels).length > 0 ? workload.selectorMatchLabels : workload.podLabels;
        if (name === undefined || Object.keys(labels).length === 0) notes.add('warning', ref, 'No PodDisruptionBudget selects the pods, and none is added (no free name, or the pods have no labels).');
        else {
          const pdb = renderPodDisruptionBudget(plan, { name, ...(typeof namespace === 'string' && { namespace }), ...(Object.keys(workload.labels).length > 0 && { labels: workload.labels }), matchLabels: labels });
          added.set(workload.manifest.object, pdb as unknown as Record<string, unknown>);
          notes.add('info', ref, `Added PodDisruptionBudget ${name} (maxUnavailable ${plan.podDisruptionBudget.maxUnavailable}): none of the input selects the pods.`);
        }
      }
    } else if (plan.terminationGracePeriodSeconds > state.grace) {
      notes.add('warning', ref, `Its pods are behind more than one load balancer or port whose plans differ: the grace period is written for the first (${state.grace}s), another needs ${plan.terminationGracePeriodSeconds}s.`);
    }
    const containers = done.get(workload.manifest.object)!.containers;
    if (container && !containers.has(container.index)) {
      containers.add(container.index);
      applyContainer(ctx, editor, ref, target, extraction, safety, plan, notes);
    } else if (!container) {
      notes.add('warning', ref, `The serving container is not changed: ${target.serving.injected ?? target.serving.reason}.`);
    }
    for (const sidecar of target.sidecars) notes.add('info', ref, `${sidecar.note}.`);

    const frontend = target.frontend;
    if (!frontend) continue;
    const serviceRef = refOf(frontend.service.manifest.object, frontend.service.namespace);
    if (frontend.binding) {
      const bindingRef = refOf(frontend.binding.manifest.object, frontend.binding.namespace);
      notes.add('warning', bindingRef, `The target group is managed outside Kubernetes: set on it ${Object.entries(plan.targetGroupAttributes).map(([k, v]) => `${k}=${v}`).join(', ')}, and its health check to ${servesReadiness(ctx, safety, plan) ? `${plan.healthCheck.protocol} :${plan.healthCheck.port}${plan.healthCheck.path}` : 'the readiness endpoint'}, interval ${plan.healthCheck.intervalSeconds}s, thresholds ${plan.healthCheck.healthyThreshold}/${plan.healthCheck.unhealthyThreshold}.`);
      if (frontend.targetGroup.targetType !== 'ip') notes.add('warning', bindingRef, 'Its target type is not ip: a target group cannot change type, so create an ip target group and point the binding at it.');
      continue;
    }
    const provisioner = frontend.targetGroup.provisioner;
    if (provisioner !== 'lbc' || !frontend.door) {
      notes.add('warning', serviceRef, 'Not changed: the in-tree cloud provider makes its load balancer and cannot set the drain attributes; moving the Service to the AWS Load Balancer Controller replaces the load balancer (new DNS name), so the retrofit leaves that to you.');
      continue;
    }
    applyService(
      ctx,
      editorOf(frontend.service.manifest.object),
      plan,
      {
        service: frontend.service,
        door: frontend.door,
        ...(frontend.targetGroup.healthCheck !== undefined && { healthCheck: resolvedHealthCheck(frontend.targetGroup.healthCheck, frontend.trafficPort) }),
        served: servesReadiness(ctx, safety, plan),
        scheme: ctx.runtimeContract ? 'http' : readinessScheme(target),
        attributes: safety.attributes ? [safety.attributes] : [],
        forWhom: `${workload.kind} ${workload.name}`,
      },
      notes,
    );
  }

  const out: unknown[] = [];
  const changed: number[] = [];
  const addedAt: number[] = [];
  for (const object of objects) {
    const editor = isKubernetesObject(object) ? editors.get(object) : undefined;
    if (editor?.changed) changed.push(out.length);
    out.push(editor?.changed ? editor.result : object);
    const pdb = added.get(object);
    if (pdb) {
      addedAt.push(out.length);
      out.push(pdb);
    }
  }
  return { objects: out, changed, added: addedAt, notes: notes.list, plan: ctx.plan };
}

/** `traffic-port` resolved to the pod port, so that a health check already on the readiness endpoint is recognised. */
function resolvedHealthCheck(hc: NonNullable<Target['frontend']>['targetGroup']['healthCheck'] & object, trafficPort: number | undefined) {
  return hc.port === 'traffic-port' && trafficPort !== undefined ? { ...hc, port: trafficPort } : hc;
}

/**
 * Applies the plan of `options.budget` to Kubernetes objects someone else wrote (a rendered
 * Helm chart, kustomize output, a cdk8s `Include`): the workloads the match selects (default:
 * every Deployment and StatefulSet behind an NLB, as the AWS Load Balancer Controller decides,
 * or behind a TargetGroupBinding) and the Services in front of them. The objects come back in
 * their order, each either the input itself (untouched) or a changed copy, with a
 * PodDisruptionBudget right after a workload that none selects; a `kind: List` is retrofitted
 * item by item and comes back as a List (a copy holding the changed items, the budgets added
 * for them right after it). Throws
 * {@link DrainBudgetError} with every violation of the options and the budget before anything
 * is computed; never throws on the objects.
 */
export function retrofitManifests(objects: readonly unknown[], options: RetrofitOptions = {}): RetrofitResult {
  // A `kind: List` (what `kubectl get -o yaml` prints) is retrofitted item by item, as kubectl
  // applies it: its items are read as objects of their own (manifestObjects), then put back in it.
  const lists = new Map<number, number>(); // input index → how many items it holds
  const flat = objects.flatMap((object, index) => {
    const items = isObject(object) ? listItems(object) : undefined;
    if (items) lists.set(index, items.length);
    return items ?? [object];
  });
  const result = retrofitRead(flat, manifestObjects(objects, 'input'), options);
  return lists.size === 0 ? result : nestLists(objects, lists, result);
}

/**
 * The result over the flattened objects put back as they were given: each List holding its
 * items' results (a copy when one changed, else the List itself), the PodDisruptionBudgets
 * added for its items right after it (where the CLI writes them too).
 */
function nestLists(objects: readonly unknown[], lists: ReadonlyMap<number, number>, flat: RetrofitResult): RetrofitResult {
  const changed = new Set(flat.changed);
  const added = new Set(flat.added);
  const out: unknown[] = [];
  const outChanged: number[] = [];
  const outAdded: number[] = [];
  let at = 0;
  /** The next input object's result, and the objects added after it. */
  const next = (): { object: unknown; changed: boolean; added: unknown[] } => {
    const result = { object: flat.objects[at], changed: changed.has(at), added: [] as unknown[] };
    at += 1;
    while (added.has(at)) result.added.push(flat.objects[at++]);
    return result;
  };
  objects.forEach((object, index) => {
    const count = lists.get(index);
    const parts = Array.from({ length: count ?? 1 }, next);
    const anyChanged = parts.some((part) => part.changed);
    if (anyChanged) outChanged.push(out.length);
    out.push(count === undefined ? parts[0]!.object : anyChanged ? { ...(object as Record<string, unknown>), items: parts.map((part) => part.object) } : object);
    for (const extra of parts.flatMap((part) => part.added)) {
      outAdded.push(out.length);
      out.push(extra);
    }
  });
  return { ...flat, objects: out, changed: outChanged, added: outAdded };
}
