import { BUDGET_ANNOTATION, LBC_ANNOTATION, ownField, type DrainBudget } from '../model';
import { DrainBudgetError, type DrainPlan } from '../plan';
import { renderContractEnv, renderPreStop, renderProbe, type LoadBalancerScheme } from '../render';
import {
  fixBudget,
  mergeAttributes,
  neverShrink,
  READ_ANNOTATION,
  type Extraction,
  type FixSafety,
  type FrontDoor,
  type PlanCache,
  type ReadHealthCheck,
  type ResolvedDoctorOptions,
  type ServiceView,
  type Target,
  type WorkloadView,
} from '../doctor/internal';
import { isInvalid } from '../doctor/views/types';
import type { ObjectRef, RetrofitNote, RetrofitOptions } from './api';
import { showPath, type ObjectEditor, type Path } from './edit';
import { LEGACY_INTERNAL_ANNOTATION } from './annotations';

/**
 * What the retrofit writes into one workload and the Service in front of it, on the doctor's
 * decisions ({@link FixSafety}): never shrink (grace period, preStop sleep, minReadySeconds),
 * never invent an endpoint (probes and the NLB health check only on one the workload serves,
 * or on the runtime's when `runtimeContract` says it runs), never replace a preStop hook that
 * cannot be read, never patch a container that is not the serving one. Every number written
 * is the plan's (src/plan through src/render).
 */

/** The run's settings, checked. */
export interface RetrofitContext {
  readonly options: RetrofitOptions;
  /** The caller's budget (own properties). */
  readonly budget: DrainBudget;
  /** The caller's budget as a plan: the numbers a workload gets when nothing of its own is kept. */
  readonly plan: DrainPlan;
  readonly doctor: ResolvedDoctorOptions;
  readonly plans: PlanCache;
  readonly runtimeContract: boolean;
  /** The scheme to write where a Service sets none; `undefined`: write none (the LBC's default, internal, holds). */
  readonly scheme?: LoadBalancerScheme;
}

/** Collects notes in the order they are made. */
export class Notes {
  readonly list: RetrofitNote[] = [];

  add(severity: RetrofitNote['severity'], object: ObjectRef, message: string, field?: string): void {
    if (this.list.some((n) => n.object === object && n.message === message && n.field === field)) return;
    this.list.push({ severity, object, ...(field !== undefined && { field }), message });
  }
}

/** How an object is named in notes. */
export function refOf(object: Record<string, unknown>, defaultNamespace?: string): ObjectRef {
  const metadata = ownField(object, 'metadata');
  const apiVersion = ownField(object, 'apiVersion');
  const namespace = ownField(metadata, 'namespace');
  const name = ownField(metadata, 'name');
  return {
    ...(typeof apiVersion === 'string' && { apiVersion }),
    kind: String(ownField(object, 'kind')),
    ...(typeof namespace === 'string' ? { namespace } : defaultNamespace !== undefined && { namespace: defaultNamespace }),
    name: typeof name === 'string' ? name : '(unnamed)',
  };
}

function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

/** Writes one field and says so (or why it could not). */
function write(editor: ObjectEditor, ref: ObjectRef, notes: Notes, path: Path, value: unknown, why?: string): boolean {
  const before = editor.get(path);
  const done = editor.set(path, value);
  const field = showPath(path);
  if (done === 'blocked') notes.add('warning', ref, `${field} is not written: a field on its way is not an object (the API server would reject the object as it is).`, field);
  else if (done === 'set') notes.add('info', ref, `${field}: ${show(before)} → ${show(value)}${why ? ` (${why})` : ''}.`, field);
  return done === 'set';
}

/** The budget fields a caller gives that only the runtime's health server serves. */
const ENDPOINT_FIELDS = ['healthPort', 'readinessPath', 'livenessPath'] as const;

/**
 * The budget of one workload's plan: the caller's budget, over what the workload carries (its
 * budget annotation and env contract, read by the doctor), with the workload's own preStop
 * sleep kept when it is longer (never shrink), its own readiness endpoint (unless it runs the
 * runtime's contract) and the health-check numbers its Service sets where the caller gives none.
 */
function targetBudget(ctx: RetrofitContext, extraction: Extraction, safety: FixSafety, explicit: ReadonlySet<string>, withWorkloadHealthCheck: boolean): DrainBudget {
  const base: Record<string, unknown> = { ...fixBudget(extraction, safety, 'raise') };
  const user = ctx.budget as Record<string, unknown>;
  for (const key of Object.keys(user)) {
    if (key === 'healthCheck' || key === 'propagationSeconds' || (ENDPOINT_FIELDS as readonly string[]).includes(key)) continue;
    base[key] = user[key];
  }
  const propagation = ownField(user, 'propagationSeconds');
  if (typeof propagation === 'number') base['propagationSeconds'] = neverShrink(safety.currentSleepSeconds, propagation);
  if (ctx.runtimeContract) {
    for (const key of ENDPOINT_FIELDS) {
      delete base[key];
      if (ownField(user, key) !== undefined) base[key] = user[key];
    }
  }
  const userHealthCheck = (ownField(user, 'healthCheck') ?? {}) as Record<string, unknown>;
  const own = Object.fromEntries(Object.keys(userHealthCheck).map((k) => [k, userHealthCheck[k]]));
  // The numbers the user set on the Service are kept; the LBC's defaults (10 s, 3/3) give way to the plan's.
  const kept = Object.fromEntries(Object.entries(base['healthCheck'] as object).filter(([key]) => explicit.has(key)));
  base['healthCheck'] = withWorkloadHealthCheck ? { ...kept, ...own } : own;
  return base as DrainBudget;
}

/**
 * The plan of one workload (see {@link targetBudget}), with its grace period kept when it is
 * longer than the plan's (never shrink; the deregistration delay then follows it). A budget
 * the workload's health-check numbers make unplannable is planned without them.
 */
export function planTarget(ctx: RetrofitContext, extraction: Extraction, safety: FixSafety, explicitHealthCheck: ReadonlySet<string> = new Set()): DrainPlan | DrainBudgetError {
  let budget = targetBudget(ctx, extraction, safety, explicitHealthCheck, true) as Record<string, unknown>;
  let plan = ctx.plans.plan(budget as DrainBudget);
  if (plan instanceof DrainBudgetError) {
    budget = targetBudget(ctx, extraction, safety, explicitHealthCheck, false) as Record<string, unknown>;
    plan = ctx.plans.plan(budget as DrainBudget);
  }
  // An endpoint the workload serves that the budget cannot name (a liveness path with a query,
  // `/healthz?full=true`): planned without it. servesReadiness then tells whether the plan's
  // readiness endpoint is still the workload's.
  if (plan instanceof DrainBudgetError) {
    const bad = plan.violations.map((v) => v.field).filter((field) => (ENDPOINT_FIELDS as readonly string[]).includes(field));
    if (bad.length > 0 && bad.every((field) => ownField(ctx.budget, field) === undefined)) {
      budget = { ...budget };
      for (const field of bad) delete budget[field];
      plan = ctx.plans.plan(budget as DrainBudget);
    }
  }
  if (plan instanceof DrainBudgetError) return plan;
  const grace = safety.currentGraceSeconds;
  if (grace !== undefined && grace > plan.terminationGracePeriodSeconds) {
    const kept = ctx.plans.plan({ ...(budget as DrainBudget), terminationGracePeriodSeconds: grace });
    if (!(kept instanceof DrainBudgetError)) return kept;
  }
  return plan;
}

/** `0`, `"0"`, `"0%"`: a surge of nothing. */
function isZero(value: number | string | undefined): boolean {
  return value !== undefined && (typeof value === 'number' ? value === 0 : /^0+%?$/.test(value.trim()));
}

const TEMPLATE = ['spec', 'template'] as const;
const POD = [...TEMPLATE, 'spec'] as const;

/** Whether the serving container's readiness probe is HTTPS (the NLB must then check with HTTPS too). */
export function readinessScheme(target: Target): 'http' | 'https' {
  const probe = target.serving.container?.readinessProbe;
  return probe?.kind === 'httpGet' && probe.scheme?.toUpperCase() === 'HTTPS' ? 'https' : 'http';
}

/** Whether the workload serves what probes and the NLB health check may point at. */
export function servesReadiness(ctx: RetrofitContext, safety: FixSafety, plan: DrainPlan): boolean {
  if (ctx.runtimeContract) return true;
  const served = safety.readiness;
  return served !== undefined && served.port === plan.budget.healthPort && served.path === plan.budget.readinessPath;
}

/**
 * The pod-template part: the budget annotation, the grace period (max of the current and the
 * plan's), the rollout (Deployment: maxUnavailable of the plan, the user's surge unless it is
 * 0; minReadySeconds never shrunk).
 */
export function applyPod(editor: ObjectEditor, ref: ObjectRef, workload: WorkloadView, safety: FixSafety, plan: DrainPlan, notes: Notes): void {
  write(editor, ref, notes, [...TEMPLATE, 'metadata', 'annotations', BUDGET_ANNOTATION], plan.podAnnotations[BUDGET_ANNOTATION]);
  const grace = safety.currentGraceSeconds;
  const field = showPath([...POD, 'terminationGracePeriodSeconds']);
  if (grace === undefined) notes.add('warning', ref, `${field} cannot be read (not a whole number): it is not replaced; set it to at least ${plan.terminationGracePeriodSeconds}.`, field);
  else if (grace < plan.terminationGracePeriodSeconds) write(editor, ref, notes, [...POD, 'terminationGracePeriodSeconds'], plan.terminationGracePeriodSeconds);

  const minReady = workload.minReadySeconds;
  if (isInvalid(minReady)) notes.add('warning', ref, `spec.minReadySeconds is ${minReady.shown}: it is not replaced.`, 'spec.minReadySeconds');
  else if ((minReady ?? 0) < plan.rollout.minReadySeconds) write(editor, ref, notes, ['spec', 'minReadySeconds'], neverShrink(minReady, plan.rollout.minReadySeconds));

  if (workload.kind !== 'Deployment') return;
  const type = workload.strategyType ?? 'RollingUpdate';
  if (type !== 'RollingUpdate' && type !== 'Recreate') {
    notes.add('warning', ref, `spec.strategy.type is ${JSON.stringify(type)} (only RollingUpdate and Recreate exist): the rollout strategy is not written.`, 'spec.strategy.type');
    return;
  }
  if (type === 'Recreate') {
    // Recreate stops every pod before starting new ones: the NLB has no target left during the rollout.
    write(editor, ref, notes, ['spec', 'strategy', 'type'], 'RollingUpdate', 'Recreate leaves the NLB without targets during a rollout');
  }
  const surge = type === 'RollingUpdate' ? (workload.maxSurge ?? '25%') : undefined;
  const unavailable = type === 'RollingUpdate' ? (workload.maxUnavailable ?? '25%') : undefined;
  const planned = plan.rollout.maxUnavailable;
  if (!(planned === 0 ? isZero(unavailable) : unavailable === planned)) write(editor, ref, notes, ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'], planned);
  // maxSurge and maxUnavailable may not both be 0 (the API server rejects it): a zero surge takes the plan's.
  if (surge === undefined || isZero(surge)) write(editor, ref, notes, ['spec', 'strategy', 'rollingUpdate', 'maxSurge'], plan.rollout.maxSurge);
}

/**
 * The serving container's part: the preStop hook (when it may be replaced and is shorter than
 * the plan's, or an action the cluster does not run), the probes (on the runtime's health
 * server when it runs; else left as they are), the contract variables.
 */
export function applyContainer(ctx: RetrofitContext, editor: ObjectEditor, ref: ObjectRef, target: Target, extraction: Extraction, safety: FixSafety, plan: DrainPlan, notes: Notes): void {
  if ('blocked' in safety.container) {
    notes.add('warning', ref, `The serving container is not changed: ${safety.container.blocked}.`);
    return;
  }
  const index = target.serving.container!.index;
  const name = safety.container.name;
  const at = (...rest: (string | number)[]): Path => [...POD, 'containers', index, ...rest];
  const field = (...rest: string[]) => showPath(at(...rest));

  const hook = extraction.settings.preStop;
  if (!safety.preStop.allowed) notes.add('warning', ref, `Container ${name}: ${safety.preStop.reason}.`, field('lifecycle', 'preStop'));
  else {
    const current = safety.currentSleepSeconds ?? 0;
    // Kept when it already waits the plan's sleep with an action the cluster runs (an exec sleep always runs).
    const runs = hook?.kind === 'exec' || (hook?.kind === 'sleep' && plan.preStopAction === 'sleep');
    const written = (current < plan.preStopSleepSeconds || !runs) && write(editor, ref, notes, at('lifecycle', 'preStop'), renderPreStop(plan));
    // The native sleep action is the plan's default (Kubernetes 1.30, DESIGN.md §2), but an
    // assumption here: on 1.29 the API server drops the field silently and ≤ 1.28 rejects it
    // (KEP-3960; REFERENCES.md), so a wrong guess leaves the pod with no preStop at all.
    if (written && plan.preStopAction === 'sleep' && extraction.budget.kubernetesVersion.source === 'unknown') {
      notes.add(
        'warning',
        ref,
        `Container ${name}: the preStop is the native sleep action, which needs Kubernetes ≥ 1.30 (assumed, since no Kubernetes version was given): on 1.29 the API server drops it silently and before 1.29 rejects it. Give the cluster's version (kubernetesVersion; --kubernetes-version on the command line) to get exec ["sleep", "${plan.preStopSleepSeconds}"] where it is needed.`,
        field('lifecycle', 'preStop'),
      );
    }
  }

  if (ctx.runtimeContract) {
    write(editor, ref, notes, at('readinessProbe'), renderProbe(plan.readinessProbe));
    write(editor, ref, notes, at('livenessProbe'), renderProbe(plan.livenessProbe));
  } else if (!servesReadiness(ctx, safety, plan)) {
    notes.add(
      'warning',
      ref,
      `Container ${name} serves no HTTP readiness endpoint the retrofit can see (its readiness probe is not an httpGet on a known port): its probes and the NLB health check are kept. Serve one that answers 503 from SIGTERM on (grpc-drain/runtime does) and retrofit with runtimeContract (--runtime-contract).`,
      field('readinessProbe'),
    );
  }
  for (const key of ENDPOINT_FIELDS) {
    if (!ctx.runtimeContract && ownField(ctx.budget, key) !== undefined) {
      notes.add('info', ref, `budget ${key} is not used: without runtimeContract the probes and health check stay on the endpoints the workload serves.`);
    }
  }

  const env = editor.get(at('env'));
  if (env !== undefined && !Array.isArray(env)) {
    notes.add('warning', ref, `${field('env')} is not a list: the contract variables are not written.`, field('env'));
    return;
  }
  const entries = (env ?? []) as unknown[];
  let next = entries.length;
  for (const variable of renderContractEnv(plan, ctx.options.contractEnv)) {
    const found = entries.findIndex((e) => ownField(e, 'name') === variable.name);
    write(editor, ref, notes, at('env', found >= 0 ? found : next++), variable);
  }
}

/** What the Service part needs to know about the Service and its target group. */
export interface ServiceInput {
  readonly service: ServiceView;
  readonly door: FrontDoor;
  /** The health check in effect (defaults resolved), when it is known. */
  readonly healthCheck?: ReadHealthCheck;
  /** The workload serves an endpoint the health check may point at. */
  readonly served: boolean;
  readonly scheme: 'http' | 'https';
  /** The annotations that take this target group's attributes (see FixSafety.attributes). */
  readonly attributes: readonly NonNullable<FixSafety['attributes']>[];
  /** Who the values are for, named in a conflict note. */
  readonly forWhom?: string;
  /** Why the health check is kept when `served` is false. @default - the workload's own note */
  readonly unserved?: string;
}

/**
 * The LBC annotations of a Service: ip targets, the health check (on the readiness endpoint,
 * only where it is served), its numbers, and the target-group attributes merged in the user's
 * order into the annotation the LBC reads for the port. The Service's type and scheme stay as
 * they are (a scheme is written only where none is set and the caller names one).
 */
export function applyService(ctx: RetrofitContext, editor: ObjectEditor, plan: DrainPlan, input: ServiceInput, notes: Notes): void {
  const ref = refOf(editor.original, input.service.namespace);
  const annotations = input.service.annotations;
  const set = (key: string, value: string, why?: string) => {
    const path: Path = ['metadata', 'annotations', key];
    const earlier = editor.writtenAt(path);
    if (earlier && earlier.value !== value) {
      notes.add('warning', ref, `${key} stays ${JSON.stringify(earlier.value)}: the Service sends traffic to more than one workload or container, and ${input.forWhom ?? 'another'} needs ${JSON.stringify(value)}; give them Services of their own.`, showPath(path));
      return;
    }
    write(editor, ref, notes, path, value, why);
  };

  if (input.door.targetType !== 'ip') set(LBC_ANNOTATION.targetType, 'ip', 'the LBC replaces the target group; the NLB and its DNS name stay');
  if (ctx.scheme !== undefined && annotations[LBC_ANNOTATION.scheme] === undefined && annotations[LEGACY_INTERNAL_ANNOTATION] === undefined) {
    set(LBC_ANNOTATION.scheme, ctx.scheme);
    if (ctx.scheme !== 'internal') notes.add('warning', ref, `The scheme becomes ${ctx.scheme}: the LBC replaces an existing internal NLB (new DNS name).`);
  }

  const hc = plan.healthCheck;
  if (!input.served) {
    notes.add('warning', ref, `The NLB health check is kept: ${input.unserved ?? 'the workload serves no HTTP readiness endpoint the retrofit can see (see its note)'}.`);
  } else {
    const current = input.healthCheck;
    const onReadiness = current
      ? (current.protocol === 'HTTP' || current.protocol === 'HTTPS') && current.port === hc.port && current.path === hc.path
      : annotations[LBC_ANNOTATION.healthCheckProtocol]?.toLowerCase() === input.scheme && annotations[LBC_ANNOTATION.healthCheckPort] === String(hc.port) && annotations[LBC_ANNOTATION.healthCheckPath] === hc.path;
    if (!onReadiness) {
      set(LBC_ANNOTATION.healthCheckProtocol, input.scheme);
      set(LBC_ANNOTATION.healthCheckPort, String(hc.port));
      set(LBC_ANNOTATION.healthCheckPath, hc.path);
    }
  }
  set(LBC_ANNOTATION.healthCheckInterval, String(hc.intervalSeconds));
  set(LBC_ANNOTATION.healthCheckTimeout, String(hc.timeoutSeconds));
  set(LBC_ANNOTATION.healthCheckHealthyThreshold, String(hc.healthyThreshold));
  set(LBC_ANNOTATION.healthCheckUnhealthyThreshold, String(hc.unhealthyThreshold));

  for (const target of input.attributes) {
    if ('blocked' in target) {
      notes.add('warning', ref, `${target.blocked} ${Object.entries(plan.targetGroupAttributes).map(([k, v]) => `${k}=${v}`).join(',')}.`);
      continue;
    }
    const merged = mergeAttributes(target.current, plan.targetGroupAttributes);
    if (merged !== target.currentText) set(target.annotation, merged, target.annotation !== READ_ANNOTATION.targetGroupAttributes ? "this port's own attributes override the Service-wide annotation (LBC ≥ 2.14)" : undefined);
  }
}
