import { stringify } from 'yaml';
import {
  LBC_ANNOTATION,
  NLB_HEALTH_CHECK,
  type DrainBudget,
  type Finding,
  type HealthCheckSettings,
  type RuleId,
} from '../model';
import { DrainBudgetError, formatTargetGroupAttributes, planDrain, type DrainPlan } from '../plan';
import { renderPodDisruptionBudget, renderPreStop, renderProbe } from '../render';
import { stringMapAt } from './json';
import type { Extraction, Target } from './extract';
import type { FixFragment, ObjectRef } from './types';

/**
 * Fixes as YAML fragments. Every number comes from the drain plan (`planDrain`) of the
 * workload's budget, the same arithmetic the cdk8s and Pulumi front ends use: the doctor
 * never computes a fix of its own.
 */

/** `yaml` options for fragments: block style, no line folding (the attribute string is long). */
const YAML_OPTIONS = { lineWidth: 0 } as const;

function toYaml(value: unknown): string {
  return stringify(value, YAML_OPTIONS);
}

const HTTP_PATH = /^\/\S*$/;

function inRange(value: number | undefined, range: { readonly min: number; readonly max: number }): value is number {
  return value !== undefined && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * The budget of a workload as the plan takes it: the budget values, the cluster facts
 * known, the health port and paths the workload already uses (when they are usable), and
 * the health-check numbers the user set explicitly (when AWS accepts them).
 */
export function fixBudget(target: Target, extraction: Extraction): DrainBudget {
  const { budget, settings } = extraction;
  const readiness = settings.readinessProbe?.kind === 'httpGet' ? settings.readinessProbe : undefined;
  const liveness = settings.livenessProbe?.kind === 'httpGet' ? settings.livenessProbe : undefined;
  const distinct = readiness?.path !== undefined && liveness?.path !== undefined ? readiness.path !== liveness.path : true;
  const healthPort = typeof readiness?.port === 'number' && readiness.port >= 1 && readiness.port <= 65535 ? readiness.port : undefined;
  const hc: HealthCheckSettings = settings.healthCheck ?? {};
  const explicit = target.frontend?.nlb.explicitHealthCheck ?? new Set<keyof HealthCheckSettings>();
  const interval = explicit.has('intervalSeconds') && inRange(hc.intervalSeconds, NLB_HEALTH_CHECK.intervalSeconds) ? hc.intervalSeconds : undefined;
  const timeout =
    explicit.has('timeoutSeconds') && inRange(hc.timeoutSeconds, NLB_HEALTH_CHECK.timeoutSeconds) && hc.timeoutSeconds <= (interval ?? 5) ? hc.timeoutSeconds : undefined;
  const healthy = explicit.has('healthyThreshold') && inRange(hc.healthyThreshold, NLB_HEALTH_CHECK.healthyThreshold) ? hc.healthyThreshold : undefined;
  const unhealthy = explicit.has('unhealthyThreshold') && inRange(hc.unhealthyThreshold, NLB_HEALTH_CHECK.unhealthyThreshold) ? hc.unhealthyThreshold : undefined;
  return {
    propagationSeconds: budget.propagationSeconds.value,
    drainTimeoutSeconds: budget.drainTimeoutSeconds.value,
    cleanupSeconds: budget.cleanupSeconds.value,
    headroomSeconds: budget.headroomSeconds.value,
    ...(budget.kubernetesVersion.value !== undefined && { kubernetesVersion: budget.kubernetesVersion.value }),
    ...(budget.maxTerminationGracePeriodSeconds.value !== undefined && { maxTerminationGracePeriodSeconds: budget.maxTerminationGracePeriodSeconds.value }),
    ...(settings.readinessGate !== undefined && { readinessGate: settings.readinessGate }),
    ...(healthPort !== undefined && { healthPort }),
    ...(distinct && readiness?.path !== undefined && HTTP_PATH.test(readiness.path) && { readinessPath: readiness.path }),
    ...(distinct && liveness?.path !== undefined && HTTP_PATH.test(liveness.path) && { livenessPath: liveness.path }),
    healthCheck: {
      ...(interval !== undefined && { intervalSeconds: interval }),
      ...(timeout !== undefined && { timeoutSeconds: timeout }),
      ...(healthy !== undefined && { healthyThreshold: healthy }),
      ...(unhealthy !== undefined && { unhealthyThreshold: unhealthy }),
    },
  };
}

/** Plans by budget, once per distinct budget (a plan is deterministic). */
export class PlanCache {
  private readonly plans = new Map<string, DrainPlan | DrainBudgetError>();

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

/** The fragments of a fix, and what to say about it. */
export interface Fix {
  readonly fix: FixFragment[];
  readonly fixNote?: string;
}

type PodPart = 'grace' | 'preStop' | 'probes' | 'budgetAnnotation';

const POD_PARTS: Partial<Record<RuleId, readonly PodPart[]>> = {
  'prestop-present': ['grace', 'preStop'],
  'prestop-covers-propagation': ['grace', 'preStop'],
  'sleep-within-grace': ['grace', 'preStop'],
  'sleep-action-supported': ['grace', 'preStop'],
  'grace-needs-prestop': ['grace', 'preStop'],
  'grace-covers-drain': ['grace'],
  'grace-under-cap': ['grace'],
  'probes-distinct': ['probes'],
  'budget-valid': ['budgetAnnotation'],
};

const TARGET_GROUP_RULES: readonly RuleId[] = ['deregistration-delay-bounded', 'deregistration-delay-covers-drain', 'connection-termination-enabled', 'unhealthy-drain'];

function ref(kind: string, namespace: string, name: string): ObjectRef {
  return { kind, namespace, name };
}

function podPatch(target: Target, plan: DrainPlan, parts: readonly PodPart[]): FixFragment {
  const { workload } = target;
  const container: Record<string, unknown> = { name: target.container?.name ?? 'grpc' };
  if (parts.includes('preStop')) container['lifecycle'] = { preStop: renderPreStop(plan) };
  if (parts.includes('probes')) {
    container['readinessProbe'] = renderProbe(plan.readinessProbe);
    container['livenessProbe'] = renderProbe(plan.livenessProbe);
  }
  const podSpec: Record<string, unknown> = {};
  if (parts.includes('grace')) podSpec['terminationGracePeriodSeconds'] = plan.terminationGracePeriodSeconds;
  if (Object.keys(container).length > 1) podSpec['containers'] = [container];
  const template: Record<string, unknown> = {};
  if (parts.includes('budgetAnnotation')) template['metadata'] = { annotations: plan.podAnnotations };
  if (Object.keys(podSpec).length > 0) template['spec'] = podSpec;
  return { target: ref(workload.kind, workload.namespace, workload.name), action: 'patch', yaml: toYaml({ spec: { template } }) };
}

function servicePatch(target: Target, annotations: Readonly<Record<string, string>>): FixFragment {
  const entry = target.frontend!.entry;
  return { target: ref('Service', entry.namespace, entry.name), action: 'patch', yaml: toYaml({ metadata: { annotations } }) };
}

function pick(record: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of keys) if (record[key] !== undefined) result[key] = record[key]!;
  return result;
}

const OUTSIDE = 'the target group is managed outside Kubernetes (the TargetGroupBinding only attaches pods to it): set';

/** The fix of one finding on one target. */
export function fixFor(finding: Finding, target: Target, extraction: Extraction, plans: PlanCache): Fix {
  const result = plans.plan(fixBudget(target, extraction));
  if (result instanceof DrainBudgetError) {
    return { fix: [], fixNote: `no fix computed: the workload's budget cannot give a safe plan (${result.violations.map((v) => `[${v.rule}] ${v.message}`).join(' ')})` };
  }
  const plan = result;
  const versionNote =
    extraction.budget.kubernetesVersion.value === undefined && plan.preStopAction === 'sleep'
      ? 'The native sleep action needs Kubernetes ≥ 1.30 (pass --kubernetes-version for a fix that fits the cluster); before 1.30 use exec: ["sleep", "N"].'
      : undefined;
  const podParts = POD_PARTS[finding.rule];
  if (podParts) {
    const note = podParts.includes('preStop') ? versionNote : undefined;
    return { fix: [podPatch(target, plan, podParts)], ...(note !== undefined && { fixNote: note }) };
  }
  const frontend = target.frontend;
  const viaBinding = frontend?.ref.kind === 'TargetGroupBinding';
  if (finding.rule === 'healthcheck-uses-readiness' || finding.rule === 'healthcheck-in-range') {
    const keys =
      finding.rule === 'healthcheck-uses-readiness'
        ? [LBC_ANNOTATION.healthCheckProtocol, LBC_ANNOTATION.healthCheckPort, LBC_ANNOTATION.healthCheckPath]
        : [LBC_ANNOTATION.healthCheckInterval, LBC_ANNOTATION.healthCheckTimeout, LBC_ANNOTATION.healthCheckHealthyThreshold, LBC_ANNOTATION.healthCheckUnhealthyThreshold];
    const fixes: FixFragment[] = [];
    if (finding.field === 'readinessProbe') fixes.push(podPatch(target, plan, ['probes']));
    if (!frontend) return { fix: fixes };
    if (viaBinding) return { fix: fixes, fixNote: `${OUTSIDE} its health check to ${JSON.stringify(plan.healthCheck)}.` };
    fixes.push(servicePatch(target, pick(plan.serviceAnnotations, keys)));
    return { fix: fixes };
  }
  if (TARGET_GROUP_RULES.includes(finding.rule)) {
    if (!frontend) return { fix: [] };
    if (viaBinding) return { fix: [], fixNote: `${OUTSIDE} its attributes to ${formatTargetGroupAttributes(plan.targetGroupAttributes)}.` };
    // Keep the attributes the user set for other reasons (stickiness, client IP, ...).
    const merged = formatTargetGroupAttributes({ ...frontend.nlb.targetGroupAttributes, ...plan.targetGroupAttributes });
    const current = stringMapAt(frontend.entry.object, 'metadata', 'annotations')[LBC_ANNOTATION.targetGroupAttributes];
    const fixes: FixFragment[] = [];
    if (merged !== current) fixes.push(servicePatch(target, { [LBC_ANNOTATION.targetGroupAttributes]: merged }));
    // The delay is bounded by the grace period: when the grace period is what is off, the
    // plan's grace period is the fix (the attributes may already be the plan's).
    const bounded = finding.rule === 'deregistration-delay-bounded' || finding.rule === 'deregistration-delay-covers-drain';
    if (bounded && extraction.settings.terminationGracePeriodSeconds !== plan.terminationGracePeriodSeconds) fixes.push(podPatch(target, plan, ['grace']));
    return { fix: fixes.length > 0 ? fixes : [servicePatch(target, { [LBC_ANNOTATION.targetGroupAttributes]: merged })] };
  }
  if (finding.rule === 'target-type-ip') {
    if (!frontend) return { fix: [] };
    if (viaBinding) {
      const entry = frontend.entry;
      return {
        fix: [{ target: ref('TargetGroupBinding', entry.namespace, entry.name), action: 'patch', yaml: toYaml({ spec: { targetType: 'ip' } }) }],
        fixNote: 'the target group itself must have target type ip; a target group cannot change type, so create an ip one and point the binding at it.',
      };
    }
    // Only the target-type annotation: the Service already has its type annotation or its loadBalancerClass.
    return { fix: [servicePatch(target, { [LBC_ANNOTATION.targetType]: 'ip' })] };
  }
  if (finding.rule === 'rollout-waits-for-lb') {
    const { workload } = target;
    const spec: Record<string, unknown> = {};
    if (finding.field === 'rollout.minReadySeconds') spec['minReadySeconds'] = plan.rollout.minReadySeconds;
    else if (workload.kind === 'Deployment') {
      spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: plan.rollout.maxSurge, maxUnavailable: plan.rollout.maxUnavailable } };
    }
    if (Object.keys(spec).length === 0) return { fix: [] };
    return { fix: [{ target: ref(workload.kind, workload.namespace, workload.name), action: 'patch', yaml: toYaml({ spec }) }] };
  }
  if (finding.rule === 'pdb-present') {
    const { workload } = target;
    const matchLabels = stringMapAt(workload.spec, 'selector', 'matchLabels');
    const labels = Object.keys(matchLabels).length > 0 ? matchLabels : workload.podLabels;
    const pdb = renderPodDisruptionBudget(plan, { name: `${workload.name}-pdb`, namespace: workload.namespace, matchLabels: labels });
    return { fix: [{ target: ref('PodDisruptionBudget', workload.namespace, `${workload.name}-pdb`), action: 'create', yaml: toYaml(pdb) }] };
  }
  return { fix: [] };
}
