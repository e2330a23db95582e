import { DrainBudgetError } from '../plan';
import {
  admissionSidecars,
  containerWithoutService,
  extractSettings,
  fixSafety,
  frontDoor,
  Inventory,
  lbcBefore,
  parseLbcStringMap,
  perPortAttributesAnnotation,
  READ_ANNOTATION,
  readView,
  type FixSafety,
  type ServiceView,
  type ServingContainer,
  type WorkloadView,
} from '../doctor/internal';
import { isObject } from '../doctor/json';
import type { KubeObject, ObjectRetrofitter, RetrofitNote, RetrofitOptions } from './api';
import { applyContainer, applyPod, applyService, Notes, planTarget, refOf, type RetrofitContext } from './apply';
import { matches, prepareRetrofit } from './context';
import { ObjectEditor } from './edit';
import { DEFAULT_CONTAINER_ANNOTATION } from './annotations';

/**
 * The one-object retrofit, for front ends that see one object at a time (a Pulumi resource
 * transform): no pairing is possible, so a matched Deployment or StatefulSet gets the workload
 * part and a LoadBalancer Service the LBC provisions gets the Service part, each from the
 * budget's plan.
 */

/**
 * The serving container without a Service to pair with: the first pod container named in
 * `containers`; else the one `kubectl.kubernetes.io/default-container` names (what
 * drainTransform took); else the doctor's pick (the only application container, a container
 * named or serving `grpc`, the first application container).
 */
function servingOf(workload: WorkloadView, containers: readonly string[] | undefined): ServingContainer {
  if (containers) {
    const named = workload.containers.find((c) => c.name !== undefined && containers.includes(c.name));
    return named ? { container: named, reason: `named in containers` } : { reason: `no container is named ${containers.join(' or ')} (containers)` };
  }
  const annotated = workload.podAnnotations[DEFAULT_CONTAINER_ANNOTATION];
  const byAnnotation = annotated !== undefined ? workload.containers.find((c) => c.name === annotated) : undefined;
  if (byAnnotation) return { container: byAnnotation, reason: `named by ${DEFAULT_CONTAINER_ANNOTATION}` };
  return containerWithoutService(workload);
}

function retrofitWorkload(ctx: RetrofitContext, object: KubeObject, kind: 'Deployment' | 'StatefulSet', resourceName: string | undefined): { object: KubeObject; notes: readonly RetrofitNote[] } | undefined {
  const manifest = { object, location: { file: resourceName ?? 'object', document: 1 } };
  const inventory = new Inventory([manifest], ctx.doctor.defaultNamespace);
  const workload = readView(manifest, ctx.doctor.defaultNamespace) as WorkloadView;
  if (workload.kind !== kind || !matches(ctx.options.match, workload, resourceName)) return undefined;
  const notes = new Notes();
  const ref = refOf(object);
  const serving = servingOf(workload, ctx.options.containers);
  if (!serving.container) {
    // Named on purpose but nothing to drain: say so (the front end decides whether that is an error).
    if (ctx.options.match?.names) {
      notes.add('warning', ref, `Not retrofitted: it is named in match.names but ${serving.reason}.`);
      return { object, notes: notes.list };
    }
    return undefined;
  }
  const target = { workload, serving, sidecars: admissionSidecars(workload, undefined) };
  const extraction = extractSettings(target, inventory, ctx.doctor);
  const safety = fixSafety(target, extraction);
  const plan = planTarget(ctx, extraction, safety);
  if (plan instanceof DrainBudgetError) {
    notes.add('warning', ref, `Not retrofitted: with what the workload keeps the budget gives no safe plan: ${plan.violations.map((v) => `[${v.rule}] ${v.message}`).join(' ')}`);
    return { object, notes: notes.list };
  }
  const editor = new ObjectEditor(object);
  applyPod(editor, ref, workload, safety, plan, notes);
  applyContainer(ctx, editor, ref, target, extraction, safety, plan, notes);
  if (plan.terminationGracePeriodSeconds > ctx.plan.terminationGracePeriodSeconds) {
    notes.add(
      'warning',
      ref,
      `Its grace period is kept at ${plan.terminationGracePeriodSeconds}s, longer than the budget's ${ctx.plan.terminationGracePeriodSeconds}s: a Service retrofitted on its own gets the budget's deregistration delay (${ctx.plan.deregistrationDelaySeconds}s); give it ${plan.deregistrationDelaySeconds}s (the set-wide retrofit does).`,
    );
  }
  notes.add('info', ref, 'No PodDisruptionBudget is added one object at a time: give the workload one with maxUnavailable 1 if none selects its pods.');
  return editor.changed || notes.list.some((n) => n.severity === 'warning') ? { object: editor.result, notes: notes.list } : undefined;
}

/** The annotations that take the Service's target-group attributes: the Service-wide one and each port's own (LBC ≥ 2.14). */
function attributeTargets(service: ServiceView, lbcVersion: string | undefined): NonNullable<FixSafety['attributes']>[] {
  const annotations: string[] = [READ_ANNOTATION.targetGroupAttributes];
  if (!lbcBefore(lbcVersion, 'perPortTargetGroupAttributes')) {
    for (const port of service.ports) if (port.port !== undefined && service.annotations[perPortAttributesAnnotation(port.port)] !== undefined) annotations.push(perPortAttributesAnnotation(port.port));
  }
  return annotations.map((annotation) => {
    const currentText = service.annotations[annotation];
    const parsed = currentText !== undefined ? parseLbcStringMap(currentText) : { map: {} };
    return 'error' in parsed
      ? { blocked: `${annotation} cannot be parsed (${parsed.error}), so it is not rewritten; correct it and set` }
      : { annotation, current: parsed.map, ...(currentText !== undefined && { currentText }) };
  });
}

function retrofitService(ctx: RetrofitContext, object: KubeObject, resourceName: string | undefined): { object: KubeObject; notes: readonly RetrofitNote[] } | undefined {
  const manifest = { object, location: { file: resourceName ?? 'object', document: 1 } };
  const service = readView(manifest, ctx.doctor.defaultNamespace) as ServiceView;
  if (service.kind !== 'Service' || service.type !== 'LoadBalancer' || !matches(ctx.options.match, service, resourceName)) return undefined;
  const door = frontDoor(service, { lbcClass: ctx.doctor.lbcClass, lbcWebhook: ctx.doctor.lbcWebhook });
  if (door.provisioner !== 'lbc') return undefined;
  const notes = new Notes();
  const editor = new ObjectEditor(object);
  applyService(ctx, editor, ctx.plan, { service, door, served: ctx.runtimeContract, scheme: 'http', attributes: attributeTargets(service, ctx.doctor.lbcVersion), unserved: 'one object at a time, which endpoint the pods serve is not known; with runtimeContract it goes to the runtime\'s health server' }, notes);
  return editor.changed || notes.list.some((n) => n.severity === 'warning') ? { object: editor.result, notes: notes.list } : undefined;
}

/**
 * The retrofit one object at a time. Checks the options and the budget when it is made
 * (throws {@link DrainBudgetError} with every violation); `apply` never throws on an object.
 * Without `match`, every Deployment and StatefulSet with a serving container and every
 * LoadBalancer Service the LBC provisions is changed. Without `runtimeContract`, a lone
 * Service keeps its health-check target (no workload tells which endpoint is served), and a
 * workload keeps its probes.
 */
export function objectRetrofitter(options: RetrofitOptions = {}): ObjectRetrofitter {
  const ctx = prepareRetrofit(options);
  return {
    plan: ctx.plan,
    apply(object: KubeObject, resourceName?: string) {
      if (!isObject(object)) return undefined;
      const kind = object['kind'];
      if (kind === 'Deployment' || kind === 'StatefulSet') return retrofitWorkload(ctx, object, kind, resourceName);
      if (kind === 'Service') return retrofitService(ctx, object, resourceName);
      return undefined;
    },
  };
}
