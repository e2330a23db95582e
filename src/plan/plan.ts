import {
  BUDGET_ANNOTATION,
  BUDGET_DEFAULTS,
  LBC_ANNOTATION,
  TARGET_GROUP_ATTRIBUTE,
  type BudgetAnnotation,
  type DrainBudget,
  type DrainSettings,
  type Finding,
  type ResolvedBudget,
} from '../model';
import { checkSettings } from '../rules';
import { deriveSettings, LIVENESS_PROBE_TIMING, PDB_MAX_UNAVAILABLE, READINESS_PROBE_TIMING, ROLLOUT_SURGE } from './derive';
import { DrainBudgetError } from './drain-budget-error';
import { resolveBudget, type CheckedBudget, type FieldLabel } from './resolve-budget';
import { formatTargetGroupAttributes } from './target-group-attributes';
import { buildTimeline, type TimelineEvent } from './timeline';

/** The NLB target-group health check of a plan. */
export interface PlannedHealthCheck {
  readonly protocol: 'HTTP';
  readonly port: number;
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** An HTTP probe of the kubelet. */
export interface PlannedProbe {
  readonly path: string;
  readonly port: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** Every setting the budget drives, with checked arithmetic (DESIGN.md §3). */
export interface DrainPlan {
  /** The budget with defaults applied and durations in whole seconds. */
  readonly budget: ResolvedBudget;
  /** The plan as the rules saw it. */
  readonly settings: DrainSettings;
  /** S = ⌈propagation⌉. */
  readonly preStopSleepSeconds: number;
  /** `sleep` (kubelet-native, Kubernetes ≥ 1.30) or `exec` (`sleep S` from the image). */
  readonly preStopAction: 'sleep' | 'exec';
  /** G = S + drain + cleanup + headroom, or the override. */
  readonly terminationGracePeriodSeconds: number;
  /** R = G (capped at AWS's 3600), or the override. */
  readonly deregistrationDelaySeconds: number;
  readonly healthCheck: PlannedHealthCheck;
  readonly readinessProbe: PlannedProbe;
  readonly livenessProbe: PlannedProbe;
  readonly rollout: { readonly maxSurge: string; readonly maxUnavailable: number; readonly minReadySeconds: number };
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  /** Target-group attributes, keys in the documented order. */
  readonly targetGroupAttributes: Readonly<Record<string, string>>;
  /** LBC annotations for the Service (all but `scheme`, which is the Service's own choice). */
  readonly serviceAnnotations: Readonly<Record<string, string>>;
  /** Pod-template annotations: the budget as compact JSON under `grpc-drain.dev/budget`. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Warnings (errors throw {@link DrainBudgetError}). */
  readonly findings: readonly Finding[];
  /** The termination sequence, t=0 … SIGKILL … end of the deregistration delay. */
  timeline(): TimelineEvent[];
}

/** Options of {@link planDrain} for front ends. */
export interface PlanDrainOptions {
  /** Names budget fields in messages the way the caller spells them. */
  readonly fieldLabel?: FieldLabel;
  /** What the error message calls the budget, e.g. `drain budget of GrpcDeployment 'engine'`. */
  readonly subject?: string;
}

function completeBudget(b: CheckedBudget): ResolvedBudget | undefined {
  const hc = b.healthCheck;
  if (
    b.propagationSeconds === undefined || b.registrationSeconds === undefined || b.drainTimeoutSeconds === undefined || b.cleanupSeconds === undefined ||
    b.headroomSeconds === undefined || b.kubernetesVersion === undefined || b.lbcVersion === undefined || b.readinessGate === undefined ||
    b.healthPort === undefined || b.readinessPath === undefined || b.livenessPath === undefined ||
    hc.intervalSeconds === undefined || hc.timeoutSeconds === undefined || hc.healthyThreshold === undefined || hc.unhealthyThreshold === undefined
  ) {
    return undefined;
  }
  return {
    propagationSeconds: b.propagationSeconds,
    registrationSeconds: b.registrationSeconds,
    drainTimeoutSeconds: b.drainTimeoutSeconds,
    cleanupSeconds: b.cleanupSeconds,
    headroomSeconds: b.headroomSeconds,
    healthCheck: {
      intervalSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    },
    ...(b.terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds: b.terminationGracePeriodSeconds }),
    ...(b.deregistrationDelaySeconds !== undefined && { deregistrationDelaySeconds: b.deregistrationDelaySeconds }),
    ...(b.maxTerminationGracePeriodSeconds !== undefined && { maxTerminationGracePeriodSeconds: b.maxTerminationGracePeriodSeconds }),
    kubernetesVersion: b.kubernetesVersion,
    lbcVersion: b.lbcVersion,
    readinessGate: b.readinessGate,
    healthPort: b.healthPort,
    readinessPath: b.readinessPath,
    livenessPath: b.livenessPath,
  };
}

/** Reads a derived number the checks have proven known. */
/** A planned probe: its endpoint, then its timing. */
function probeTiming(path: string, port: number, timing: { readonly periodSeconds: number; readonly timeoutSeconds: number; readonly failureThreshold: number }): PlannedProbe {
  return { path, port, periodSeconds: timing.periodSeconds, timeoutSeconds: timing.timeoutSeconds, failureThreshold: timing.failureThreshold };
}

function known<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`grpc-drain internal error: ${what} unknown in a plan that passed its checks`);
  return value;
}

/** The budget annotation: what the manifests cannot show otherwise, in a fixed key order. */
export function budgetAnnotation(budget: ResolvedBudget): string {
  const value: BudgetAnnotation = {
    propagationSeconds: budget.propagationSeconds,
    drainTimeoutSeconds: budget.drainTimeoutSeconds,
    cleanupSeconds: budget.cleanupSeconds,
    headroomSeconds: budget.headroomSeconds,
    kubernetesVersion: budget.kubernetesVersion,
    ...(budget.maxTerminationGracePeriodSeconds !== undefined && { maxTerminationGracePeriodSeconds: budget.maxTerminationGracePeriodSeconds }),
    ...(budget.registrationSeconds !== BUDGET_DEFAULTS.registrationSeconds && { registrationSeconds: budget.registrationSeconds }),
    ...(budget.lbcVersion !== BUDGET_DEFAULTS.lbcVersion && { lbcVersion: budget.lbcVersion }),
  };
  return JSON.stringify(value);
}

/**
 * Budget → every termination-related setting, checked by every rule of DESIGN.md §4.
 * Throws {@link DrainBudgetError} listing all errors; warnings are in `plan.findings`.
 * Deterministic: the same budget gives the same plan.
 */
export function planDrain(budget: DrainBudget = {}, options: PlanDrainOptions = {}): DrainPlan {
  const checked = resolveBudget(budget, options.fieldLabel);
  const settings = deriveSettings(checked.budget);
  const all = [...checked.violations, ...checkSettings(settings)];
  const errors = all.filter((f) => f.severity === 'error');
  const warnings = all.filter((f) => f.severity === 'warning');
  const resolved = completeBudget(checked.budget);
  if (errors.length > 0 || !resolved) throw new DrainBudgetError(errors, warnings, options.subject);

  const sleep = resolved.propagationSeconds;
  const grace = known(settings.terminationGracePeriodSeconds, 'terminationGracePeriodSeconds');
  const delay = known(settings.deregistrationDelaySeconds, 'deregistrationDelaySeconds');
  const preStopAction = known(settings.preStop, 'preStop').kind === 'exec' ? 'exec' : 'sleep';
  const hc = resolved.healthCheck;
  const healthCheck: PlannedHealthCheck = {
    protocol: 'HTTP',
    port: resolved.healthPort,
    path: resolved.readinessPath,
    intervalSeconds: hc.intervalSeconds,
    timeoutSeconds: hc.timeoutSeconds,
    healthyThreshold: hc.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold,
  };
  const targetGroupAttributes: Record<string, string> = {
    [TARGET_GROUP_ATTRIBUTE.deregistrationDelay]: String(delay),
    [TARGET_GROUP_ATTRIBUTE.connectionTermination]: String(known(settings.connectionTermination, 'connectionTermination')),
    [TARGET_GROUP_ATTRIBUTE.unhealthyConnectionTermination]: String(known(settings.unhealthyConnectionTermination, 'unhealthyConnectionTermination')),
    [TARGET_GROUP_ATTRIBUTE.unhealthyDrainingInterval]: String(known(settings.unhealthyDrainingIntervalSeconds, 'unhealthyDrainingIntervalSeconds')),
  };
  const serviceAnnotations: Record<string, string> = {
    [LBC_ANNOTATION.type]: 'external',
    [LBC_ANNOTATION.targetType]: known(settings.targetType, 'targetType'),
    [LBC_ANNOTATION.healthCheckProtocol]: healthCheck.protocol.toLowerCase(),
    [LBC_ANNOTATION.healthCheckPort]: String(healthCheck.port),
    [LBC_ANNOTATION.healthCheckPath]: healthCheck.path,
    [LBC_ANNOTATION.healthCheckInterval]: String(healthCheck.intervalSeconds),
    [LBC_ANNOTATION.healthCheckTimeout]: String(healthCheck.timeoutSeconds),
    [LBC_ANNOTATION.healthCheckHealthyThreshold]: String(healthCheck.healthyThreshold),
    [LBC_ANNOTATION.healthCheckUnhealthyThreshold]: String(healthCheck.unhealthyThreshold),
    [LBC_ANNOTATION.targetGroupAttributes]: formatTargetGroupAttributes(targetGroupAttributes),
  };
  const plan: DrainPlan = {
    budget: resolved,
    settings,
    preStopSleepSeconds: sleep,
    preStopAction,
    terminationGracePeriodSeconds: grace,
    deregistrationDelaySeconds: delay,
    healthCheck,
    // Members written out rather than spread: in Node 20 (V8 11) a spread in an object literal
    // is a runtime call, and the members after it too; the doctor makes a plan per distinct
    // budget of its input. The same members, in the same order.
    readinessProbe: probeTiming(resolved.readinessPath, resolved.healthPort, READINESS_PROBE_TIMING),
    livenessProbe: probeTiming(resolved.livenessPath, resolved.healthPort, LIVENESS_PROBE_TIMING),
    rollout: { maxSurge: ROLLOUT_SURGE.maxSurge, maxUnavailable: ROLLOUT_SURGE.maxUnavailable, minReadySeconds: known(settings.rollout?.minReadySeconds, 'minReadySeconds') },
    podDisruptionBudget: { maxUnavailable: PDB_MAX_UNAVAILABLE },
    targetGroupAttributes,
    serviceAnnotations,
    podAnnotations: { [BUDGET_ANNOTATION]: budgetAnnotation(resolved) },
    findings: warnings,
    timeline: () =>
      buildTimeline({ budget: resolved, preStopSleepSeconds: sleep, preStopAction, terminationGracePeriodSeconds: grace, deregistrationDelaySeconds: delay }),
  };
  return Object.freeze(plan);
}
