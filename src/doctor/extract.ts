import {
  BUDGET_ANNOTATION,
  CONTRACT_ENV,
  DEPLOYMENT_PROGRESS_DEADLINE,
  execDelay,
  KUBERNETES_DEFAULT_GRACE_SECONDS,
  preStopDelaySeconds,
  READINESS_GATE_LABEL,
  type Finding,
  type PreStopHook,
  type ProbeSettings,
} from '../model';
import { resolveBudget } from '../plan';
import { readContract, type ContractValues } from './contract';
import type { Inventory } from './inventory';
import { isObject, own, type JsonObject } from './json';
import { perPortAttributesAnnotation } from './lbc/annotations';
import type { ReadHealthCheck } from './lbc/target-group';
import type { ResolvedDoctorOptions } from './options';
import { resolvePort, type Target } from './pairing';
import type { DoctorSettings } from './settings';
import type { SourcedValue, UnknownSetting, WorkloadBudget } from './types';
import { isInvalid, type ContainerView, type Field, type ProbeView, type WorkloadView } from './views/types';

/** What {@link extractSettings} found for one target. */
export interface Extraction {
  readonly settings: DoctorSettings;
  readonly budget: WorkloadBudget;
  /** `budget-valid` findings about the budget annotation. */
  readonly budgetFindings: readonly Finding[];
  readonly assumptions: readonly string[];
  readonly unknown: readonly UnknownSetting[];
  readonly notes: readonly string[];
  /** The contract variables of the serving container's env. */
  readonly contract: ContractValues;
  /** What an exec preStop hook runs after its sleep (the sleep alone is counted). */
  readonly preStopAlsoRuns?: string;
}

type BudgetKey = 'propagationSeconds' | 'drainTimeoutSeconds' | 'cleanupSeconds' | 'headroomSeconds' | 'registrationSeconds';

/** Reads the budget annotation (validated by the budget's own rules), then the env contract, then the options. */
function readBudget(workload: WorkloadView, contract: ContractValues, options: ResolvedDoctorOptions): { budget: WorkloadBudget; findings: Finding[] } {
  const raw = workload.podAnnotations[BUDGET_ANNOTATION];
  const findings: Finding[] = [];
  let annotated: JsonObject = {};
  let checked: ReturnType<typeof resolveBudget>['budget'] | undefined;
  const field = `metadata.annotations.${BUDGET_ANNOTATION}`;
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      findings.push({ rule: 'budget-valid', severity: 'error', field, message: `the ${BUDGET_ANNOTATION} annotation is not JSON (${error instanceof Error ? error.message : String(error)}): the drain timeout and cleanup it should carry are unknown, so the doctor assumes its defaults. Write the budget as compact JSON, e.g. {"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}.` });
    }
    if (parsed !== undefined && !isObject(parsed)) {
      findings.push({ rule: 'budget-valid', severity: 'error', field, message: `the ${BUDGET_ANNOTATION} annotation must be a JSON object of budget fields; got ${JSON.stringify(parsed)}.` });
    } else if (isObject(parsed)) {
      annotated = parsed;
      const result = resolveBudget(parsed, (f) => `${BUDGET_ANNOTATION} ${f}`);
      checked = result.budget;
      for (const violation of result.violations) findings.push({ ...violation, field: `${field}.${violation.field}` });
    }
  }
  const fromContract: Partial<Record<BudgetKey, number>> = {
    ...(contract.drainTimeoutSeconds !== undefined && { drainTimeoutSeconds: contract.drainTimeoutSeconds }),
    ...(contract.cleanupSeconds !== undefined && { cleanupSeconds: contract.cleanupSeconds }),
  };
  const number = (key: BudgetKey): SourcedValue<number> => {
    const value = checked?.[key];
    if (own(annotated, key) !== undefined && value !== undefined) return { value, source: 'annotation' };
    if (fromContract[key] !== undefined) return { value: fromContract[key], source: 'env' };
    const option = options[key];
    return { value: option.value, source: option.given ? 'option' : 'default' };
  };
  const version = checked?.kubernetesVersion;
  const cap = checked?.maxTerminationGracePeriodSeconds;
  // The plan writes registrationSeconds and lbcVersion into the annotation only when they are
  // not the defaults (BudgetAnnotation): absent there, the option (or its default) holds.
  const lbc = checked?.lbcVersion;
  return {
    findings,
    budget: {
      propagationSeconds: number('propagationSeconds'),
      drainTimeoutSeconds: number('drainTimeoutSeconds'),
      cleanupSeconds: number('cleanupSeconds'),
      headroomSeconds: number('headroomSeconds'),
      registrationSeconds: number('registrationSeconds'),
      kubernetesVersion:
        own(annotated, 'kubernetesVersion') !== undefined && version !== undefined
          ? { value: version, source: 'annotation' }
          : options.kubernetesVersion !== undefined
            ? { value: options.kubernetesVersion, source: 'option' }
            : { source: 'unknown' },
      maxTerminationGracePeriodSeconds:
        own(annotated, 'maxTerminationGracePeriodSeconds') !== undefined && cap !== undefined
          ? { value: cap, source: 'annotation' }
          : options.maxTerminationGracePeriodSeconds !== undefined
            ? { value: options.maxTerminationGracePeriodSeconds, source: 'option' }
            : { source: 'unknown' },
      lbcVersion:
        own(annotated, 'lbcVersion') !== undefined && lbc !== undefined
          ? { value: lbc, source: 'annotation' }
          : options.lbcVersion !== undefined
            ? { value: options.lbcVersion, source: 'option' }
            : { source: 'unknown' },
    },
  };
}

/** Pod `readinessGates` the LBC adds (or a user writes) carry this condition-type prefix. */
const TARGET_HEALTH_CONDITION = 'target-health.elbv2.k8s.aws/';

/**
 * Whether new pods wait for their NLB target to be healthy: a `target-health.elbv2.k8s.aws/`
 * readiness gate in the pod spec, else the namespace label the LBC's webhook looks for, else
 * the option; the gate only exists for ip targets of the LBC.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
 */
function readReadinessGate(target: Target, inventory: Inventory, options: ResolvedDoctorOptions, assumptions: string[], unknown: UnknownSetting[]): boolean | undefined {
  const { workload } = target;
  const tg = target.frontend?.targetGroup;
  if (tg?.targetType === 'instance' || (tg && tg.provisioner !== 'lbc' && tg.provisioner !== 'target-group-binding')) return false;
  if (workload.readinessGates.some((gate) => gate.startsWith(TARGET_HEALTH_CONDITION))) return true;
  const namespace = inventory.namespaces.get(workload.namespace);
  if (namespace) {
    const on = namespace.labels[READINESS_GATE_LABEL] === 'enabled';
    // LBC ≥ 2.11 registers the pod webhook with failurePolicy Ignore (helm values podMutatorWebhookConfig).
    if (on) assumptions.push(`readiness gate on: the Namespace ${workload.namespace} carries ${READINESS_GATE_LABEL}=enabled (the gate is injected when a pod is created, if its Service already exists; the webhook ignores its own failures since LBC 2.11)`);
    return on;
  }
  if (options.readinessGate !== undefined) {
    assumptions.push(`readiness gate ${options.readinessGate ? 'on' : 'off'} (option): the Namespace ${workload.namespace} is not in the input`);
    return options.readinessGate;
  }
  unknown.push({ field: 'readinessGate', reason: `the Namespace ${workload.namespace} is not in the input, so whether it carries ${READINESS_GATE_LABEL}=enabled is unknown` });
  return undefined;
}

function known<T>(value: Field<T>): T | undefined {
  return isInvalid(value) ? undefined : value;
}

/** `lifecycle.preStop` as the rules see it; `undefined` when it is present but unusable. */
function readPreStop(container: ContainerView, notes: string[], unknown: UnknownSetting[], assumptions: string[], alsoRuns: (what: string) => void): PreStopHook | undefined {
  const preStop = container.preStop;
  switch (preStop.kind) {
    case 'none':
      return { kind: 'none' };
    case 'sleep': {
      const seconds = preStop.seconds;
      if (typeof seconds === 'number') return { kind: 'sleep', seconds };
      notes.push(`lifecycle.preStop.sleep.seconds is ${seconds === undefined ? 'missing' : seconds.shown}: the API server rejects the pod.`);
      unknown.push({ field: 'preStop.seconds', reason: 'lifecycle.preStop.sleep.seconds is not a whole number' });
      return undefined;
    }
    case 'exec': {
      const delay = execDelay(preStop.command);
      const shown = JSON.stringify(preStop.command);
      if (delay.kind === 'sleep') {
        if (delay.then !== undefined) {
          assumptions.push(`the exec preStop hook sleeps ${delay.seconds}s, then ${delay.then}: only the sleep is counted as delay`);
          alsoRuns(delay.then);
        }
        return { kind: 'exec', command: preStop.command, seconds: delay.seconds };
      }
      if (delay.kind === 'none') {
        assumptions.push(`the exec preStop hook ${shown} runs no sleep: it delays SIGTERM by nothing`);
        return { kind: 'exec', command: preStop.command, seconds: 0 };
      }
      unknown.push({ field: 'preStop.seconds', reason: `the exec preStop hook ${shown} is provided by the application (${delay.reason}): how long it holds SIGTERM back, and whether the server keeps accepting connections meanwhile, cannot be read; check that it waits at least the propagation before the server stops listening` });
      return { kind: 'exec', command: preStop.command };
    }
    case 'httpGet':
      unknown.push({ field: 'preStop.seconds', reason: 'the preStop hook is an httpGet: how long it delays SIGTERM depends on the endpoint' });
      return { kind: 'httpGet', ...(preStop.path !== undefined && { path: preStop.path }), ...(preStop.port !== undefined && { port: preStop.port }) };
    case 'tcpSocket':
      // LifecycleHandler.tcpSocket is accepted for backward compatibility but never run.
      notes.push('lifecycle.preStop.tcpSocket is accepted by the API but not run by the kubelet: it delays nothing.');
      return { kind: 'none' };
    case 'invalid':
      unknown.push({ field: 'preStop', reason: preStop.reason });
      return undefined;
  }
}

/** A probe with its port resolved against the container; `undefined` (unknown) when unusable. */
function readProbe(container: ContainerView, which: 'readinessProbe' | 'livenessProbe', notes: string[], unknown: UnknownSetting[]): ProbeSettings | undefined {
  const probe: ProbeView = container[which];
  if (probe.kind === 'none') return { kind: 'none' };
  if (probe.kind === 'invalid') {
    unknown.push({ field: which, reason: probe.reason });
    return undefined;
  }
  // Member by member, not a literal of conditional spreads (V8 11's slow path, see fixBudget in ./fix).
  const timing: { periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number } = {};
  const period = known(probe.periodSeconds);
  const timeout = known(probe.timeoutSeconds);
  const failures = known(probe.failureThreshold);
  if (period !== undefined) timing.periodSeconds = period;
  if (timeout !== undefined) timing.timeoutSeconds = timeout;
  if (failures !== undefined) timing.failureThreshold = failures;
  if (probe.kind === 'exec') return { kind: 'exec', ...timing };
  const resolved = resolvePort(probe.port, container);
  if (probe.port !== undefined && resolved === undefined) {
    notes.push(`${which} uses port '${probe.port}', which the container does not declare: the kubelet cannot run the probe.`);
    unknown.push({ field: `${which}.port`, reason: `named port '${probe.port}' is not declared by the container` });
  }
  const port = resolved !== undefined ? { port: resolved } : {};
  if (probe.kind === 'httpGet') return { kind: 'httpGet', ...port, path: probe.path, ...timing };
  return { kind: probe.kind, ...port, ...timing };
}

/** `terminationGracePeriodSeconds`, 30 when unset; `undefined` when unusable. */
function readGrace(workload: WorkloadView, unknown: UnknownSetting[]): number | undefined {
  const grace = workload.terminationGracePeriodSeconds;
  if (grace === undefined) return KUBERNETES_DEFAULT_GRACE_SECONDS;
  if (typeof grace === 'number') return grace;
  unknown.push({ field: 'terminationGracePeriodSeconds', reason: 'not a whole number' });
  return undefined;
}

/**
 * Rollout settings with the API defaults (apps/v1). Deployment: RollingUpdate, maxUnavailable
 * and maxSurge 25 %, minReadySeconds 0, replicas 1, progressDeadlineSeconds 600. StatefulSet: pods are replaced in place,
 * one at a time (`maxUnavailable` is left unknown, as it cannot be 0 there). An autoscaler of
 * the input owns the replica count: it is then unknown.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
function readRollout(workload: WorkloadView, inventory: Inventory, notes: string[], assumptions: string[]): NonNullable<DoctorSettings['rollout']> {
  const minReady = workload.minReadySeconds;
  const minReadySeconds = minReady === undefined ? 0 : typeof minReady === 'number' ? minReady : undefined;
  const autoscaler = inventory.autoscalerFor(workload);
  const replicasField = workload.replicas;
  const replicas = autoscaler ? undefined : replicasField === undefined ? 1 : typeof replicasField === 'number' ? replicasField : undefined;
  if (autoscaler) assumptions.push(`${autoscaler.kind} ${autoscaler.namespace}/${autoscaler.name} sets the replica count: percentages of the rollout cannot be resolved`);
  // Member by member, not literals of conditional spreads (V8 11's slow path, see fixBudget in ./fix).
  const scale: { replicas?: number; autoscaled?: true } = {};
  if (replicas !== undefined) scale.replicas = replicas;
  if (autoscaler !== undefined) scale.autoscaled = true;
  const deadline = workload.progressDeadlineSeconds;
  const progressDeadlineSeconds = workload.kind !== 'Deployment' ? undefined : deadline === undefined ? DEPLOYMENT_PROGRESS_DEADLINE.value : typeof deadline === 'number' ? deadline : undefined;
  const withMinReady: { minReadySeconds?: number; progressDeadlineSeconds?: number } = {};
  if (minReadySeconds !== undefined) withMinReady.minReadySeconds = minReadySeconds;
  if (progressDeadlineSeconds !== undefined) withMinReady.progressDeadlineSeconds = progressDeadlineSeconds;
  if (workload.kind === 'StatefulSet') {
    const type = workload.strategyType ?? 'RollingUpdate';
    const strategy: 'OnDelete' | 'RollingUpdate' | undefined = type === 'OnDelete' ? 'OnDelete' : type === 'RollingUpdate' ? 'RollingUpdate' : undefined;
    return Object.assign(strategy !== undefined ? { strategy } : {}, withMinReady, scale);
  }
  const type = workload.strategyType ?? 'RollingUpdate';
  if (type === 'Recreate') return { strategy: 'Recreate', ...withMinReady, ...scale };
  if (type !== 'RollingUpdate') {
    notes.push(`strategy.type is ${JSON.stringify(type)}: only RollingUpdate and Recreate exist.`);
    return Object.assign({}, withMinReady, scale);
  }
  return { strategy: 'RollingUpdate', maxUnavailable: workload.maxUnavailable ?? '25%', maxSurge: workload.maxSurge ?? '25%', ...withMinReady, ...scale };
}

/**
 * `traffic-port` is the port traffic goes to: for ip targets the pod's port. It is replaced
 * by that number only when it is the readiness probe's port, so that a health check on the
 * right port is not reported, and a wrong one keeps the clearer `traffic-port` wording.
 */
function resolveTrafficPort(hc: ReadHealthCheck | undefined, targetType: string | undefined, trafficPort: number | undefined, readiness: ProbeSettings | undefined): ReadHealthCheck | undefined {
  if (!hc || hc.port !== 'traffic-port' || targetType !== 'ip' || trafficPort === undefined) return hc;
  return readiness?.port === trafficPort ? Object.assign({}, hc, { port: trafficPort }) : hc;
}

/** Reads the settings of one target into {@link DoctorSettings}, saying what it assumed and what it could not know. */
export function extractSettings(target: Target, inventory: Inventory, options: ResolvedDoctorOptions): Extraction {
  const { workload, serving, frontend } = target;
  const container = serving.container;
  const tg = frontend?.targetGroup;
  const notes: string[] = [...workload.notes, ...(frontend?.service.notes ?? []), ...(tg?.notes ?? [])];
  const unknown: UnknownSetting[] = [...(tg?.unknown ?? [])];
  const assumptions: string[] = [...(frontend?.door?.assumptions ?? []), ...(tg?.assumptions ?? [])];
  const contract = readContract(container);
  for (const problem of contract.problems) notes.push(problem);
  const { budget, findings } = readBudget(workload, contract, options);

  if (budget.kubernetesVersion.source === 'unknown') {
    unknown.push({ field: 'kubernetesVersion', reason: 'not given (annotation or --kubernetes-version): whether the native preStop sleep exists is not checked' });
  }
  for (const sidecar of target.sidecars) assumptions.push(sidecar.note);
  if (serving.injected !== undefined) {
    for (const field of ['preStop', 'readinessProbe', 'livenessProbe']) unknown.push({ field, reason: 'the serving container is injected at admission (see above)' });
  }

  let preStopAlsoRuns: string | undefined;
  const preStop = container && !serving.injected ? readPreStop(container, notes, unknown, assumptions, (what) => (preStopAlsoRuns = what)) : undefined;
  const readinessProbe = container && !serving.injected ? readProbe(container, 'readinessProbe', notes, unknown) : undefined;
  const livenessProbe = container && !serving.injected ? readProbe(container, 'livenessProbe', notes, unknown) : undefined;
  const slept = preStopDelaySeconds(preStop);
  if (contract.preStopSeconds !== undefined && slept !== undefined && slept !== contract.preStopSeconds) {
    // The runtime dates the pod's deletion as SIGTERM − GRPC_DRAIN_PRESTOP_SECONDS (DESIGN.md §7).
    const seconds = contract.preStopSeconds;
    const text = contract.texts[CONTRACT_ENV.preStop];
    notes.push(
      `env ${CONTRACT_ENV.preStop}=${JSON.stringify(text)} but the preStop hook sleeps ${slept}s: the runtime dates the deletion ${seconds}s before SIGTERM, so its propagation reports are off by ${Math.abs(seconds - slept)}s; set ${CONTRACT_ENV.preStop} to "${slept}".`,
    );
  }
  const terminationGracePeriodSeconds = readGrace(workload, unknown);
  const rollout = readRollout(workload, inventory, notes, assumptions);
  if (workload.kind === 'StatefulSet') assumptions.push('StatefulSet pods are replaced in place, one at a time: maxUnavailable 0 does not apply');
  const podDisruptionBudget = inventory.pdbsFor(workload).length > 0;
  if (!podDisruptionBudget) assumptions.push('no PodDisruptionBudget of the input selects the pods (one applied separately is not seen)');

  if (!frontend) {
    unknown.push({ field: 'healthCheck', reason: 'no load-balancer Service or TargetGroupBinding of the input selects the workload (diagnosed because it carries the budget annotation)' });
  } else if (frontend.otherPorts.length > 0) {
    assumptions.push(`Service ports ${frontend.otherPorts.map((p) => p.name ?? p.port).join(', ')} reach the same container with the same target-group settings as port ${frontend.port?.name ?? frontend.port?.port}: diagnosed once`);
    for (const other of frontend.otherPorts) {
      // A per-port annotation the controller is too old to read (its own target group would be diagnosed apart).
      const annotation = other.port !== undefined ? perPortAttributesAnnotation(other.port) : undefined;
      if (annotation !== undefined && frontend.service.annotations[annotation] !== undefined) {
        notes.push(`${annotation} is ignored by Load Balancer Controller ${options.lbcVersion} (per-port attributes since 2.14.0): the Service-wide attributes apply to port ${other.port} too.`);
      }
    }
  }
  const readinessGate = readReadinessGate(target, inventory, options, assumptions, unknown);
  const healthCheck = resolveTrafficPort(tg?.healthCheck, tg?.targetType, frontend?.trafficPort, readinessProbe);

  const settings: DoctorSettings = {
    propagationSeconds: budget.propagationSeconds.value,
    drainTimeoutSeconds: budget.drainTimeoutSeconds.value,
    cleanupSeconds: budget.cleanupSeconds.value,
    headroomSeconds: budget.headroomSeconds.value,
    ...(budget.registrationSeconds.value !== undefined && { registrationSeconds: budget.registrationSeconds.value }),
    ...(budget.kubernetesVersion.value !== undefined && { kubernetesVersion: budget.kubernetesVersion.value }),
    ...(budget.maxTerminationGracePeriodSeconds.value !== undefined && { maxTerminationGracePeriodSeconds: budget.maxTerminationGracePeriodSeconds.value }),
    ...(budget.lbcVersion.value !== undefined && { lbcVersion: budget.lbcVersion.value }),
    ...(preStop !== undefined && { preStop }),
    ...(terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds }),
    ...(readinessProbe !== undefined && { readinessProbe }),
    ...(livenessProbe !== undefined && { livenessProbe }),
    rollout,
    ...(readinessGate !== undefined && { readinessGate }),
    podDisruptionBudget,
    ...(healthCheck !== undefined && { healthCheck }),
    ...(tg?.targetType !== undefined && { targetType: tg.targetType }),
    ...(frontend?.door?.loadBalancerType !== undefined && { loadBalancerType: frontend.door.loadBalancerType }),
    ...(tg?.externalTrafficPolicy !== undefined && { externalTrafficPolicy: tg.externalTrafficPolicy }),
    ...(tg?.deregistrationDelaySeconds !== undefined && { deregistrationDelaySeconds: tg.deregistrationDelaySeconds }),
    ...(tg?.deregistrationDelaySource !== undefined && { deregistrationDelaySource: tg.deregistrationDelaySource }),
    ...(tg?.connectionTermination !== undefined && { connectionTermination: tg.connectionTermination }),
    ...(tg?.unhealthyConnectionTermination !== undefined && { unhealthyConnectionTermination: tg.unhealthyConnectionTermination }),
    ...(tg?.unhealthyDrainingIntervalSeconds !== undefined && { unhealthyDrainingIntervalSeconds: tg.unhealthyDrainingIntervalSeconds }),
    // A per-port annotation on this port, or on another port of the same group that the
    // controller is too old to read (lbc-supports says so).
    ...((tg?.perPortAttributes === true || (frontend?.otherPorts ?? []).some((p) => p.port !== undefined && frontend!.service.annotations[perPortAttributesAnnotation(p.port)] !== undefined)) && { perPortTargetGroupAttributes: true }),
  };
  return { settings, budget, budgetFindings: findings, assumptions, unknown, notes, contract, ...(preStopAlsoRuns !== undefined && { preStopAlsoRuns }) };
}
