import { fragmentYaml } from './fragment-yaml';
import {
  LBC_ANNOTATION,
  NLB_HEALTH_CHECK,
  TARGET_GROUP_ATTRIBUTE,
  type DrainBudget,
  type Finding,
  type HealthCheckBudget,
  type HealthCheckSettings,
} from '../model';
import { DrainBudgetError, planDrain, type DrainPlan } from '../plan';
import { fixDelaySeconds } from '../rules/rule';
import { renderPodDisruptionBudget, renderPreStop, renderProbe } from '../render';
import type { Extraction } from './extract';
import { neverShrink, type FixSafety } from './fix-safety';
import type { Target } from './pairing';
import type { Mutable } from './json';
import type { FixFragment, ObjectRef } from './types';

/**
 * Fixes as YAML fragments. Every number comes from the drain plan (`planDrain`) of the
 * workload's budget, the same arithmetic the cdk8s and Pulumi front ends use: the doctor
 * never computes a number of its own. What the plan is asked for follows the fix-safety
 * decisions ({@link FixSafety}): the workload's own endpoints, its sleep and grace period
 * when they are longer than the plan's, and explicit placeholders where nothing fits.
 */

/** Placeholders a fix writes where the workload serves nothing that fits: the API server rejects them until they are replaced. */
export const PLACEHOLDER = {
  readinessPort: '<READINESS_PORT>',
  readinessPath: '<READINESS_PATH>',
  livenessPath: '<LIVENESS_PATH>',
} as const;

function inRange(value: number | undefined, range: { readonly min: number; readonly max: number }): value is number {
  return value !== undefined && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** How a fix's plan takes the workload's current preStop sleep. */
export type SleepMode =
  /** The plan's sleep is the workload's own (the fix does not touch the sleep). */
  | 'keep'
  /** The plan's sleep is the propagation, or the workload's own when longer (never shrink). */
  | 'raise'
  /** The budget's propagation as it is (the rules that compare with it). */
  | 'budget';

/**
 * The budget a fix's plan takes: the workload's budget values and cluster facts, its own
 * readiness endpoint and paths, and the health-check numbers in effect when AWS accepts them.
 */
export function fixBudget(extraction: Extraction, safety: FixSafety, sleep: SleepMode = 'raise'): DrainBudget {
  const { budget, settings } = extraction;
  const hc: HealthCheckSettings = settings.healthCheck ?? {};
  const interval = inRange(hc.intervalSeconds, NLB_HEALTH_CHECK.intervalSeconds) ? hc.intervalSeconds : undefined;
  const timeout = inRange(hc.timeoutSeconds, NLB_HEALTH_CHECK.timeoutSeconds) && hc.timeoutSeconds <= (interval ?? 5) ? hc.timeoutSeconds : undefined;
  const healthy = inRange(hc.healthyThreshold, NLB_HEALTH_CHECK.healthyThreshold) ? hc.healthyThreshold : undefined;
  const unhealthy = inRange(hc.unhealthyThreshold, NLB_HEALTH_CHECK.unhealthyThreshold) ? hc.unhealthyThreshold : undefined;
  const propagation = budget.propagationSeconds.value;
  const current = safety.currentSleepSeconds;
  const planSleep =
    sleep === 'keep' && current !== undefined && current >= 1 ? current : sleep === 'raise' && current !== undefined ? neverShrink(current, propagation ?? 0) : propagation;
  // Built member by member rather than as one literal of conditional spreads: in Node 20 (V8
  // 11) an object literal that opens with a spread and goes on costs microseconds (a runtime
  // call per member), and this runs for every plan of every workload. Same members, same order.
  const healthCheck: Mutable<HealthCheckBudget> = {};
  if (interval !== undefined) healthCheck.intervalSeconds = interval;
  if (timeout !== undefined) healthCheck.timeoutSeconds = timeout;
  if (healthy !== undefined) healthCheck.healthyThreshold = healthy;
  if (unhealthy !== undefined) healthCheck.unhealthyThreshold = unhealthy;
  const fix: Mutable<DrainBudget> = {};
  if (planSleep !== undefined) fix.propagationSeconds = planSleep;
  fix.drainTimeoutSeconds = budget.drainTimeoutSeconds.value;
  fix.cleanupSeconds = budget.cleanupSeconds.value;
  fix.headroomSeconds = budget.headroomSeconds.value;
  if (budget.kubernetesVersion.value !== undefined) fix.kubernetesVersion = budget.kubernetesVersion.value;
  if (budget.maxTerminationGracePeriodSeconds.value !== undefined) fix.maxTerminationGracePeriodSeconds = budget.maxTerminationGracePeriodSeconds.value;
  if (settings.readinessGate !== undefined) fix.readinessGate = settings.readinessGate;
  if (safety.readiness !== undefined) {
    fix.healthPort = safety.readiness.port;
    fix.readinessPath = safety.readiness.path;
  }
  if (safety.liveness !== undefined && safety.liveness.path !== safety.readiness?.path) fix.livenessPath = safety.liveness.path;
  fix.healthCheck = healthCheck;
  return fix;
}

/** Plans by budget, once per distinct budget (a plan is deterministic), and the fix fragments written from them. */
export class PlanCache {
  private readonly plans = new Map<string, DrainPlan | DrainBudgetError>();
  private readonly fragments = new Map<string, string>();

  /**
   * A fix fragment as YAML, written once per distinct value: workloads with the same plan and
   * container name get the same fragments (on the bench's workload input, 324 distinct of
   * 993), and JSON.stringify (native) costs a fraction of writing the YAML again in code V8
   * has not optimized yet. A fragment holds strings, finite numbers of the plan, booleans,
   * null and nested collections: values with the same JSON have the same YAML.
   */
  yaml(value: object): string {
    const key = JSON.stringify(value);
    let yaml = this.fragments.get(key);
    if (yaml === undefined) this.fragments.set(key, (yaml = fragmentYaml(value as Readonly<Record<string, unknown>>)));
    return yaml;
  }

  plan(budget: DrainBudget): DrainPlan | DrainBudgetError {
    const key = JSON.stringify(budget);
    let plan = this.plans.get(key);
    if (!plan) {
      try {
        plan = planDrain(budget);
      } catch (error) {
        if (!(error instanceof DrainBudgetError)) throw error;
        plan = error;
      }
      this.plans.set(key, plan);
    }
    return plan;
  }
}

/**
 * The plan a fix follows: the budget's, with the workload's grace period kept when it is
 * longer than the plan's (never shrink; the deregistration delay then follows it).
 */
type PlanFor = { plan: DrainPlan; neededGrace: number } | DrainBudgetError;

function planFor(extraction: Extraction, safety: FixSafety, plans: PlanCache, sleep: SleepMode): PlanFor {
  const budget = fixBudget(extraction, safety, sleep);
  const first = plans.plan(budget);
  if (first instanceof DrainBudgetError) return first;
  const neededGrace = first.terminationGracePeriodSeconds;
  const grace = safety.currentGraceSeconds;
  let plan = first;
  if (grace !== undefined && grace > neededGrace) {
    // Object.assign, not `{ ...budget, … }`: see fixBudget (the same members, in the same order).
    const kept = plans.plan(Object.assign({}, budget, { terminationGracePeriodSeconds: grace }));
    if (!(kept instanceof DrainBudgetError)) plan = kept;
  }
  // With the plan's sleep (raise), R = G of the grace the fix leaves, cut to the cluster's cap
  // and to 3600 s: the number the deregistration rules name (src/rules fixDelaySeconds). A
  // grace the budget cannot take as an override (beyond its bound, or above the cap) gives it
  // as the delay itself.
  const delay = sleep === 'raise' ? fixDelaySeconds(extraction.settings) : undefined;
  if (delay !== undefined && delay !== plan.deregistrationDelaySeconds) {
    const delayed = plans.plan(Object.assign({}, budget, plan !== first ? { terminationGracePeriodSeconds: grace } : {}, { deregistrationDelaySeconds: delay }));
    if (!(delayed instanceof DrainBudgetError)) plan = delayed;
  }
  return { plan, neededGrace };
}

/** The plan of each sleep mode for one workload, computed once. */
const plansOf = new WeakMap<Extraction, Map<SleepMode, PlanFor>>();

function planOf(extraction: Extraction, safety: FixSafety, plans: PlanCache, sleep: SleepMode): PlanFor {
  let byMode = plansOf.get(extraction);
  if (!byMode) plansOf.set(extraction, (byMode = new Map()));
  let planned = byMode.get(sleep);
  if (!planned) byMode.set(sleep, (planned = planFor(extraction, safety, plans, sleep)));
  return planned;
}

/** What one workload's fixes share: the decisions, the plans, and every target-group attribute its fixes set. */
export interface FixContext {
  readonly target: Target;
  readonly extraction: Extraction;
  readonly safety: FixSafety;
  readonly plans: PlanCache;
  /**
   * The attributes all of the workload's findings set, so that every fragment of the one
   * annotation carries all of them: applied in any order or alone, none undoes another.
   */
  readonly attributeChanges: Readonly<Record<string, string>>;
}

function sleepModeOf(finding: Finding): SleepMode {
  return SLEEP_MODE[finding.rule] ?? 'raise';
}

const ATTRIBUTE_RULES: ReadonlySet<string> = new Set(['deregistration-delay-bounded', 'deregistration-delay-covers-drain', 'connection-termination-enabled', 'unhealthy-drain']);

/** The target-group attributes a finding's fix sets, from its plan. */
function attributeChangesOf(finding: Finding, plan: DrainPlan): Record<string, string> {
  const value = (key: string) => plan.targetGroupAttributes[key]!;
  switch (finding.rule) {
    case 'deregistration-delay-bounded':
    case 'deregistration-delay-covers-drain':
      return { [TARGET_GROUP_ATTRIBUTE.deregistrationDelay]: value(TARGET_GROUP_ATTRIBUTE.deregistrationDelay) };
    case 'connection-termination-enabled':
      return { [TARGET_GROUP_ATTRIBUTE.connectionTermination]: value(TARGET_GROUP_ATTRIBUTE.connectionTermination) };
    case 'unhealthy-drain':
      return {
        [TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination]: value(TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination),
        [TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval]: value(TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval),
      };
    default:
      return {};
  }
}

/** The attributes every fix of a workload sets (the first finding's value of a key wins). */
export function attributeChanges(findings: readonly Finding[], extraction: Extraction, safety: FixSafety, plans: PlanCache): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const finding of findings) {
    if (!ATTRIBUTE_RULES.has(finding.rule)) continue;
    const planned = planOf(extraction, safety, plans, sleepModeOf(finding));
    if (planned instanceof DrainBudgetError) continue;
    for (const [key, value] of Object.entries(attributeChangesOf(finding, planned.plan))) changes[key] ??= value;
  }
  return changes;
}

/** The fragments of a fix, and what to say about it. */
export interface Fix {
  readonly fix: FixFragment[];
  readonly fixNote?: string;
}

function ref(kind: string, namespace: string, name: string): ObjectRef {
  return { kind, namespace, name };
}

function workloadRef(target: Target): ObjectRef {
  return ref(target.workload.kind, target.workload.namespace, target.workload.name);
}

/** Builds one finding's fix: fragments plus the notes that say what was not written and why. */
class FixBuilder {
  readonly fragments: FixFragment[] = [];
  readonly notes: string[] = [];

  constructor(
    private readonly context: FixContext,
    private readonly plan: DrainPlan,
    private readonly neededGrace: number,
  ) {}

  private get target(): Target {
    return this.context.target;
  }

  private get safety(): FixSafety {
    return this.context.safety;
  }

  /** A fragment's YAML (see {@link PlanCache.yaml}). */
  yaml(value: object): string {
    return this.context.plans.yaml(value);
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** A strategic-merge patch of the pod template: grace, the serving container's preStop and probes, the budget annotation. */
  pod(parts: { grace?: boolean; preStop?: boolean; readinessProbe?: Record<string, unknown>; livenessProbe?: Record<string, unknown>; budgetAnnotation?: boolean }): void {
    const { plan, safety } = this;
    const podSpec: Record<string, unknown> = {};
    if (parts.grace) {
      const current = safety.currentGraceSeconds;
      if (current === undefined || plan.terminationGracePeriodSeconds > current) podSpec['terminationGracePeriodSeconds'] = plan.terminationGracePeriodSeconds;
      else if (current === this.neededGrace) this.note(`The grace period is already ${current}s, what the plan needs.`);
      else this.note(`The grace period stays ${current}s (more than the ${this.neededGrace}s the plan needs): a fix never shrinks it.`);
    }
    const container: Record<string, unknown> = {};
    if (parts.preStop) {
      if (!safety.preStop.allowed) this.note(`The preStop hook is not written: ${safety.preStop.reason}.`);
      else {
        // A strategic merge patch merges the handler map: the old handler is removed (null), or
        // the hook would hold two handlers and the API server would reject it.
        const preStop: Record<string, unknown> = { ...renderPreStop(plan) };
        const current = this.context.extraction.settings.preStop?.kind;
        if ((current === 'sleep' || current === 'exec' || current === 'httpGet') && !(current in preStop)) preStop[current] = null;
        container['lifecycle'] = { preStop };
      }
    }
    if (parts.readinessProbe) container['readinessProbe'] = parts.readinessProbe;
    if (parts.livenessProbe) container['livenessProbe'] = parts.livenessProbe;
    if (Object.keys(container).length > 0) {
      if ('blocked' in safety.container) this.note(`the container is not patched: ${safety.container.blocked}.`);
      else podSpec['containers'] = [{ name: safety.container.name, ...container }];
    }
    const template: Record<string, unknown> = {};
    if (parts.budgetAnnotation) template['metadata'] = { annotations: plan.podAnnotations };
    if (Object.keys(podSpec).length > 0) template['spec'] = podSpec;
    if (Object.keys(template).length > 0) this.fragments.push({ target: workloadRef(this.target), action: 'patch', yaml: this.yaml({ spec: { template } }) });
  }

  /** A patch of the Service's annotations. */
  service(annotations: Readonly<Record<string, string>>): void {
    const frontend = this.target.frontend;
    if (!frontend) return;
    if (!this.safety.serviceAnnotations.allowed) {
      this.note(`${this.safety.serviceAnnotations.reason}: set ${Object.entries(annotations).map(([k, v]) => `${k}=${v}`).join(', ')} where it is defined.`);
      return;
    }
    this.fragments.push({ target: ref('Service', frontend.service.namespace, frontend.service.name), action: 'patch', yaml: this.yaml({ metadata: { annotations } }) });
  }

  /**
   * Sets target-group attributes in the annotation the LBC reads for this port, keeping the
   * user's other pairs and adding every change the workload's other fixes make to it.
   */
  attributes(values: Readonly<Record<string, string>>): void {
    const attributes = this.safety.attributes;
    if (!attributes || 'blocked' in attributes) {
      const reason = attributes && 'blocked' in attributes ? attributes.blocked : 'no target group is in the input: set';
      this.note(`${reason} ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(',')}.`);
      return;
    }
    const merged = mergeAttributes(attributes.current, Object.assign({}, this.context.attributeChanges, values));
    if (merged === attributes.currentText) return;
    this.service({ [attributes.annotation]: merged });
    if (attributes.annotation !== LBC_ANNOTATION.targetGroupAttributes) this.note(`written to ${attributes.annotation}: this port's own attributes override the Service-wide annotation (LBC ≥ 2.14).`);
  }

  result(): Fix {
    // Each note is a sentence of its own.
    // Member by member (a spread in a literal is a runtime call in V8 11; this runs for every finding).
    const fix: Mutable<Fix> = { fix: this.fragments };
    if (this.notes.length > 0) fix.fixNote = this.notes.map((note) => `${note.charAt(0).toUpperCase()}${note.slice(1)}`).join(' ');
    return fix;
  }
}

/** Escapes as LBC ≥ 2.14.1 reads a stringMap value (`\,` is a comma, `\\` a backslash). */
function escapeAttribute(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

/** The user's pairs in their order with the new values set in place, new keys after them. */
export function mergeAttributes(current: Readonly<Record<string, string>>, values: Readonly<Record<string, string>>): string {
  // Object.assign rather than a literal of spreads: see fixBudget.
  const merged: Record<string, string> = Object.assign({}, current, values);
  return Object.entries(merged)
    .map(([key, value]) => `${key}=${escapeAttribute(value)}`)
    .join(',');
}

function probeFor(plan: DrainPlan, which: 'readinessProbe' | 'livenessProbe', port: number | string, path: string): Record<string, unknown> {
  const rendered = renderProbe(which === 'readinessProbe' ? plan.readinessProbe : plan.livenessProbe);
  // The rendered probe with its endpoint replaced in place (Object.assign: see fixBudget).
  const probe: Record<string, unknown> = {};
  return Object.assign(probe, rendered, { httpGet: Object.assign({}, rendered.httpGet, { port, path }) });
}

const NO_READINESS_ENDPOINT =
  `the workload serves no HTTP readiness endpoint the doctor can see (its readiness probe is not an httpGet on a known port): replace ${PLACEHOLDER.readinessPort} and ${PLACEHOLDER.readinessPath} with the port and path of one that answers 200 while serving and 503 from SIGTERM on (the grpc-drain runtime's health server does); the API server rejects the placeholders until then.`;

type RuleSleep = Readonly<Partial<Record<Finding['rule'], SleepMode>>>;

/** How each rule's fix takes the current sleep, so that the numbers it writes are the ones its message names. */
const SLEEP_MODE: RuleSleep = {
  'prestop-present': 'raise',
  'prestop-covers-propagation': 'raise',
  'grace-needs-prestop': 'raise',
  'grace-covers-drain': 'keep',
  'sleep-within-grace': 'keep',
  'sleep-action-supported': 'keep',
  // The delay follows the grace period the fixes leave, with the plan's sleep (src/rules fixDelaySeconds).
  'deregistration-delay-bounded': 'raise',
  'deregistration-delay-covers-drain': 'raise',
  'rollout-waits-for-lb': 'budget',
  'budget-valid': 'budget',
};

/** The fix of one finding on one target. */
export function fixFor(finding: Finding, context: FixContext): Fix {
  const { target, extraction, safety, plans } = context;
  const result = planOf(extraction, safety, plans, sleepModeOf(finding));
  if (result instanceof DrainBudgetError) {
    return { fix: [], fixNote: `no fix computed: the workload's budget cannot give a safe plan (${result.violations.map((v) => `[${v.rule}] ${v.message}`).join(' ')})` };
  }
  const { plan, neededGrace } = result;
  const build = new FixBuilder(context, plan, neededGrace);
  const instance = extraction.settings.targetType === 'instance';
  const versionNote = 'The native sleep action needs Kubernetes ≥ 1.30 (pass --kubernetes-version for a fix that fits the cluster); before 1.30 use exec: ["sleep", "N"].';

  switch (finding.rule) {
    case 'prestop-present':
    case 'prestop-covers-propagation':
    case 'grace-needs-prestop':
    case 'sleep-action-supported':
      // The grace period follows the sleep: written with it, not without it.
      if (!safety.preStop.allowed) build.note(`The preStop hook is not written: ${safety.preStop.reason}.`);
      else {
        build.pod({ grace: true, preStop: true });
        if (extraction.budget.kubernetesVersion.value === undefined && plan.preStopAction === 'sleep') build.note(versionNote);
      }
      break;
    case 'sleep-within-grace':
      build.pod({ grace: true });
      break;
    case 'grace-covers-drain':
      build.pod({ grace: true });
      break;
    case 'grace-under-cap':
      build.note('no fragment: a fix never shrinks the grace period, and the cluster cuts it to its cap anyway; shrink the budget (propagation, drain timeout, cleanup, headroom) until it fits, or raise the cap.');
      break;
    case 'budget-valid':
      build.pod({ budgetAnnotation: true });
      break;
    case 'probes-distinct': {
      const readiness = extraction.settings.readinessProbe;
      if (readiness?.kind === 'none') {
        const endpoint = safety.readiness;
        build.pod({ readinessProbe: probeFor(plan, 'readinessProbe', endpoint?.port ?? PLACEHOLDER.readinessPort, endpoint?.path ?? PLACEHOLDER.readinessPath) });
        build.note(NO_READINESS_ENDPOINT);
      } else {
        const port = safety.readiness?.port ?? PLACEHOLDER.readinessPort;
        build.pod({ livenessProbe: probeFor(plan, 'livenessProbe', port, safety.liveness?.path ?? PLACEHOLDER.livenessPath) });
        build.note(
          safety.readiness
            ? `replace ${PLACEHOLDER.livenessPath} with a liveness endpoint the server serves apart from readiness (one that stays 200 while it drains); the doctor does not invent one.`
            : `the probes are not HTTP: replace ${PLACEHOLDER.readinessPort} and ${PLACEHOLDER.livenessPath} with the port and path of an HTTP liveness endpoint the server serves (200 while it drains), and serve readiness apart from it; the doctor does not invent them.`,
        );
      }
      break;
    }
    case 'healthcheck-uses-readiness': {
      if (instance) {
        build.note('with instance targets the NLB checks the nodes, not the pods: make the targets ip first (target-type-ip), then point the health check at the readiness endpoint.');
        break;
      }
      const endpoint = safety.readiness;
      if (finding.field === 'readinessProbe' || !endpoint) {
        build.pod({ readinessProbe: probeFor(plan, 'readinessProbe', endpoint?.port ?? PLACEHOLDER.readinessPort, endpoint?.path ?? PLACEHOLDER.readinessPath) });
      }
      build.service({
        [LBC_ANNOTATION.healthCheckProtocol]: 'http',
        [LBC_ANNOTATION.healthCheckPort]: endpoint ? String(endpoint.port) : PLACEHOLDER.readinessPort,
        [LBC_ANNOTATION.healthCheckPath]: endpoint ? endpoint.path : PLACEHOLDER.readinessPath,
      });
      if (!endpoint) build.note(NO_READINESS_ENDPOINT);
      break;
    }
    case 'healthcheck-in-range': {
      const hc = extraction.settings.healthCheck ?? {};
      const planned = plan.healthCheck;
      const values: Record<string, string> = {};
      const set = (key: string, current: number | undefined, next: number) => {
        if (current !== next) values[key] = String(next);
      };
      set(LBC_ANNOTATION.healthCheckInterval, hc.intervalSeconds, planned.intervalSeconds);
      set(LBC_ANNOTATION.healthCheckTimeout, hc.timeoutSeconds, planned.timeoutSeconds);
      set(LBC_ANNOTATION.healthCheckHealthyThreshold, hc.healthyThreshold, planned.healthyThreshold);
      set(LBC_ANNOTATION.healthCheckUnhealthyThreshold, hc.unhealthyThreshold, planned.unhealthyThreshold);
      build.service(values);
      break;
    }
    case 'deregistration-delay-bounded':
    case 'deregistration-delay-covers-drain': {
      build.attributes(attributeChangesOf(finding, plan));
      // The delay is bounded by the grace period: when the grace period is what is off, raise it too.
      build.pod({ grace: (safety.currentGraceSeconds ?? 0) < plan.terminationGracePeriodSeconds });
      break;
    }
    case 'connection-termination-enabled':
    case 'unhealthy-drain':
      build.attributes(attributeChangesOf(finding, plan));
      break;
    case 'target-type-ip':
      fixTargetType(build, target);
      break;
    case 'rollout-waits-for-lb':
      fixRollout(build, finding, target, extraction, plan);
      break;
    case 'pdb-present': {
      const { workload } = target;
      const labels = Object.keys(workload.selectorMatchLabels).length > 0 ? workload.selectorMatchLabels : workload.podLabels;
      const name = `${workload.name}-pdb`;
      const pdb = renderPodDisruptionBudget(plan, { name, namespace: workload.namespace, matchLabels: labels });
      build.fragments.push({ target: ref('PodDisruptionBudget', workload.namespace, name), action: 'create', yaml: build.yaml(pdb) });
      break;
    }
  }
  return build.result();
}

function fixTargetType(build: FixBuilder, target: Target): void {
  const frontend = target.frontend;
  if (!frontend) return;
  if (frontend.binding) {
    build.fragments.push({ target: ref('TargetGroupBinding', frontend.binding.namespace, frontend.binding.name), action: 'patch', yaml: build.yaml({ spec: { targetType: 'ip' } }) });
    build.note('the target group itself must have target type ip; a target group cannot change type, so create an ip one and point the binding at it.');
    return;
  }
  const provisioner = frontend.targetGroup.provisioner;
  if (provisioner === 'in-tree-nlb' || provisioner === 'in-tree-classic') {
    build.service({ [LBC_ANNOTATION.type]: 'external', [LBC_ANNOTATION.targetType]: 'ip' });
    build.note(
      `move the Service to the AWS Load Balancer Controller: with these annotations the controller makes a new NLB with ip targets (the ${provisioner === 'in-tree-nlb' ? 'in-tree NLB' : 'Classic Load Balancer'} is not converted: its DNS name goes away, so create the new Service next to the old one and switch clients over); the controller's defaults then apply, which the doctor checks on the next run.`,
    );
    return;
  }
  // The Service already has its type annotation or its loadBalancerClass: only the target type changes.
  build.service({ [LBC_ANNOTATION.targetType]: 'ip' });
}

/** maxSurge that is 0 (or 0 %): with maxUnavailable 0 too, the API server rejects the Deployment. */
function isZero(value: number | string | undefined): boolean {
  return value !== undefined && (typeof value === 'number' ? value === 0 : /^0+%?$/.test(value.trim()));
}

function fixRollout(build: FixBuilder, finding: Finding, target: Target, extraction: Extraction, plan: DrainPlan): void {
  const { workload } = target;
  const rollout = extraction.settings.rollout;
  const spec: Record<string, unknown> = {};
  if (finding.field === 'rollout.minReadySeconds') {
    spec['minReadySeconds'] = neverShrink(rollout?.minReadySeconds, plan.rollout.minReadySeconds);
  } else if (workload.kind === 'Deployment') {
    // Keep the user's surge unless it is 0: maxSurge and maxUnavailable may not both be 0.
    const keepSurge = rollout?.strategy === 'RollingUpdate' && workload.maxSurge !== undefined && !isZero(workload.maxSurge);
    const rollingUpdate: Record<string, unknown> = {};
    if (!keepSurge) rollingUpdate['maxSurge'] = plan.rollout.maxSurge;
    rollingUpdate['maxUnavailable'] = plan.rollout.maxUnavailable;
    spec['strategy'] = { type: 'RollingUpdate', rollingUpdate };
    if (rollout?.strategy === 'Recreate') build.note('The strategy type changes from Recreate to RollingUpdate.');
  } else {
    build.note('StatefulSets replace their pods one at a time; only a readiness gate or minReadySeconds makes a rollout wait for the NLB.');
  }
  if (Object.keys(spec).length > 0) build.fragments.push({ target: workloadRef(target), action: 'patch', yaml: build.yaml({ spec }) });
}
