import {
  BUDGET_ANNOTATION,
  READINESS_GATE_LABEL,
  type DrainSettings,
  type Finding,
  type ProbeSettings,
} from '../model';
import { resolveBudget } from '../plan';
import { at, intOrString, isObject, objectsAt, own, stringAt, stringMapAt, type JsonObject } from './json';
import { Inventory, type Entry, type WorkloadEntry } from './inventory';
import { lbcManagement, readServiceNlb, readTargetGroupBindingNlb, type NlbSettings } from './nlb';
import type { ResolvedDoctorOptions } from './options';
import {
  chooseContainer,
  chooseContainerWithoutService,
  readGrace,
  checkPreStopContract,
  readPreStop,
  readProbe,
  readRollout,
  resolvePort,
  type ContainerRef,
  type ReadLog,
} from './pod';
import type { FrontendRef, SourcedValue, UnknownSetting, WorkloadBudget } from './types';

/** A frontend (LBC Service or TargetGroupBinding) as paired with one workload. */
export interface FrontendTarget {
  readonly ref: FrontendRef;
  readonly entry: Entry;
  readonly nlb: NlbSettings;
  /** The pod port traffic lands on, as a number, when it resolves. */
  readonly trafficPort?: number;
}

/** One gRPC workload to diagnose: the workload, its gRPC container, the NLB frontend. */
export interface Target {
  readonly workload: WorkloadEntry;
  readonly container?: ContainerRef;
  readonly containerReason: string;
  readonly frontend?: FrontendTarget;
  /** Notes and unknowns from reading the frontend. */
  readonly log: ReadLog;
}

function newLog(): ReadLog {
  return { notes: [], unknown: [] };
}

const GRPC_HINT = /grpc|h2c|http2/i;

/**
 * Of a Service's ports that reach the same container, the gRPC one: a port whose name or
 * `appProtocol` says gRPC/HTTP2 (`grpc`, `kubernetes.io/h2c`), else the first.
 */
function preferGrpcPort(ports: readonly JsonObject[]): JsonObject {
  return ports.find((p) => GRPC_HINT.test(stringAt(p, 'name') ?? '') || GRPC_HINT.test(stringAt(p, 'appProtocol') ?? '')) ?? ports[0]!;
}

function portTargets(workload: WorkloadEntry, ports: readonly JsonObject[], make: (port: JsonObject, targetPort: number | string | undefined) => FrontendRef, entry: Entry, nlb: NlbSettings, log: ReadLog, notes: string[]): Target[] {
  // Group the ports by the container they reach; one diagnosis per container.
  const byContainer = new Map<number, { container: ContainerRef; reason: string; ports: JsonObject[] }>();
  for (const port of ports) {
    const targetPort = intOrString(own(port, 'targetPort')) ?? intOrString(own(port, 'port'));
    const choice = chooseContainer(workload.containers, targetPort);
    if (!choice.container) {
      notes.push(`${String(entry.object['kind'])} ${entry.namespace}/${entry.name} → ${workload.kind} ${workload.namespace}/${workload.name}: ${choice.reason}.`);
      continue;
    }
    const group = byContainer.get(choice.container.index);
    if (group) group.ports.push(port);
    else byContainer.set(choice.container.index, { container: choice.container, reason: choice.reason, ports: [port] });
  }
  return [...byContainer.values()].map(({ container, reason, ports: reaching }) => {
    const port = preferGrpcPort(reaching);
    const targetPort = intOrString(own(port, 'targetPort')) ?? intOrString(own(port, 'port'));
    const trafficPort = resolvePort(targetPort, container.container);
    const why = reaching.length > 1 ? `${reason}; of its ${reaching.length} Service ports, '${stringAt(port, 'name') ?? own(port, 'port')}' is taken as the gRPC one` : reason;
    return {
      workload,
      container,
      containerReason: why,
      frontend: { ref: make(port, targetPort), entry, nlb, ...(trafficPort !== undefined && { trafficPort }) },
      log,
    };
  });
}

/**
 * Pairs every LBC-managed LoadBalancer Service and every TargetGroupBinding with the
 * Deployments and StatefulSets its selector picks (same namespace), and adds the workloads
 * that carry the budget annotation but no frontend of the input picks.
 */
export function findTargets(inventory: Inventory, notes: string[]): Target[] {
  const targets: Target[] = [];
  const describe = (entry: Entry) => `${String(entry.object['kind'])} ${entry.namespace}/${entry.name}`;

  for (const service of inventory.serviceList) {
    const management = lbcManagement(service.object);
    if (!management.managed) {
      if (management.note) notes.push(`${describe(service)} ${management.note}.`);
      continue;
    }
    const selector = stringMapAt(service.object, 'spec', 'selector');
    if (Object.keys(selector).length === 0) {
      notes.push(`${describe(service)} has no selector: its endpoints are managed by hand, so the doctor cannot tell which pods it sends to.`);
      continue;
    }
    const workloads = inventory.selectWorkloads(service.namespace, selector);
    if (workloads.length === 0) {
      notes.push(`${describe(service)} selects no Deployment or StatefulSet of the input (selector ${JSON.stringify(selector)}).`);
      continue;
    }
    const log = newLog();
    const nlb = readServiceNlb(service.object, log);
    const ports = Inventory.servicePorts(service);
    for (const workload of workloads) {
      targets.push(
        ...portTargets(
          workload,
          ports,
          (port, targetPort) => ({
            kind: 'Service',
            namespace: service.namespace,
            name: service.name,
            ...(intOrString(own(port, 'port')) !== undefined && { port: intOrString(own(port, 'port'))! }),
            ...(targetPort !== undefined && { targetPort }),
          }),
          service,
          nlb,
          log,
          notes,
        ),
      );
    }
  }

  for (const binding of inventory.bindings) {
    const serviceName = stringAt(binding.object, 'spec', 'serviceRef', 'name');
    const servicePort = intOrString(at(binding.object, 'spec', 'serviceRef', 'port'));
    const service = serviceName !== undefined ? inventory.services.get(`${binding.namespace}/${serviceName}`) : undefined;
    if (!service) {
      notes.push(`${describe(binding)} refers to Service ${binding.namespace}/${serviceName ?? '(none)'}, which is not in the input.`);
      continue;
    }
    const port = objectsAt(service.object, 'spec', 'ports').find((p) => (typeof servicePort === 'number' ? own(p, 'port') === servicePort : stringAt(p, 'name') === servicePort));
    if (!port) {
      notes.push(`${describe(binding)} refers to port ${String(servicePort)} of ${describe(service)}, which has no such port.`);
      continue;
    }
    const selector = stringMapAt(service.object, 'spec', 'selector');
    const workloads = inventory.selectWorkloads(service.namespace, selector);
    if (workloads.length === 0) {
      notes.push(`${describe(binding)} → ${describe(service)} selects no Deployment or StatefulSet of the input.`);
      continue;
    }
    const log = newLog();
    const nlb = readTargetGroupBindingNlb(binding.object, log);
    for (const workload of workloads) {
      targets.push(
        ...portTargets(
          workload,
          [port],
          (p, targetPort) => ({
            kind: 'TargetGroupBinding',
            namespace: binding.namespace,
            name: binding.name,
            service: service.name,
            ...(intOrString(own(p, 'port')) !== undefined && { port: intOrString(own(p, 'port'))! }),
            ...(targetPort !== undefined && { targetPort }),
          }),
          binding,
          nlb,
          log,
          notes,
        ),
      );
    }
  }

  const covered = new Set(targets.map((t) => t.workload));
  for (const workload of inventory.workloads) {
    if (covered.has(workload) || workload.podAnnotations[BUDGET_ANNOTATION] === undefined) continue;
    const choice = chooseContainerWithoutService(workload.containers);
    if (!choice.container) {
      notes.push(`${workload.kind} ${workload.namespace}/${workload.name}: ${choice.reason}.`);
      continue;
    }
    targets.push({ workload, container: choice.container, containerReason: choice.reason, log: newLog() });
  }
  return targets;
}

/** What {@link extractSettings} found for one target. */
export interface Extraction {
  readonly settings: DrainSettings;
  readonly budget: WorkloadBudget;
  /** `budget-valid` findings about the budget annotation. */
  readonly budgetFindings: readonly Finding[];
  readonly assumptions: readonly string[];
  readonly unknown: readonly UnknownSetting[];
  readonly notes: readonly string[];
}

type BudgetKey = 'propagationSeconds' | 'drainTimeoutSeconds' | 'cleanupSeconds' | 'headroomSeconds';

/** Reads the budget annotation (validated by the budget's own rules) and fills the rest from the options. */
function readBudget(
  workload: WorkloadEntry,
  options: ResolvedDoctorOptions,
): { budget: WorkloadBudget; findings: Finding[]; registrationSeconds: number; lbcVersion?: string } {
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
  const number = (key: BudgetKey): SourcedValue<number> => {
    const value = checked?.[key];
    if (own(annotated, key) !== undefined && value !== undefined) return { value, source: 'annotation' };
    const option = options[key];
    return { value: option.value, source: option.given ? 'option' : 'default' };
  };
  const version = checked?.kubernetesVersion;
  const cap = checked?.maxTerminationGracePeriodSeconds;
  // Registration and the LBC version: the annotation's (written when not the defaults), else the options.
  const registration = checked?.registrationSeconds;
  const lbcVersion = own(annotated, 'lbcVersion') !== undefined && checked?.lbcVersion !== undefined ? checked.lbcVersion : options.lbcVersion;
  return {
    findings,
    registrationSeconds: own(annotated, 'registrationSeconds') !== undefined && registration !== undefined ? registration : options.registrationSeconds.value,
    ...(lbcVersion !== undefined && { lbcVersion }),
    budget: {
      propagationSeconds: number('propagationSeconds'),
      drainTimeoutSeconds: number('drainTimeoutSeconds'),
      cleanupSeconds: number('cleanupSeconds'),
      headroomSeconds: number('headroomSeconds'),
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
    },
  };
}

/** Pod `readinessGates` the LBC adds (or a user writes) carry this condition-type prefix. */
const TARGET_HEALTH_CONDITION = 'target-health.elbv2.k8s.aws/';

/**
 * Whether new pods wait for their NLB target to be healthy: a `target-health.elbv2.k8s.aws/`
 * readiness gate in the pod spec, else the namespace label the LBC's webhook looks for, else
 * the option; the gate only exists for ip targets.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
 */
function readReadinessGate(target: Target, inventory: Inventory, options: ResolvedDoctorOptions, assumptions: string[], unknown: UnknownSetting[]): boolean | undefined {
  const { workload } = target;
  const gates = objectsAt(workload.podSpec, 'readinessGates');
  const targetType = target.frontend?.nlb.targetType;
  if (targetType === 'instance') return false;
  if (gates.some((gate) => (stringAt(gate, 'conditionType') ?? '').startsWith(TARGET_HEALTH_CONDITION))) return true;
  const labels = inventory.namespaceLabels.get(workload.namespace);
  if (labels) return labels[READINESS_GATE_LABEL] === 'enabled';
  if (options.readinessGate !== undefined) {
    assumptions.push(`readiness gate ${options.readinessGate ? 'on' : 'off'} (option): the Namespace ${workload.namespace} is not in the input`);
    return options.readinessGate;
  }
  unknown.push({ field: 'readinessGate', reason: `the Namespace ${workload.namespace} is not in the input, so whether it carries ${READINESS_GATE_LABEL}=enabled is unknown` });
  return undefined;
}

/**
 * `traffic-port` is the port traffic goes to: for ip targets the pod's port. It is replaced
 * by that number only when it is the readiness probe's port, so that a health check on the
 * right port is not reported, and a wrong one keeps the clearer `traffic-port` wording.
 */
function resolveTrafficPort(nlb: NlbSettings, trafficPort: number | undefined, readiness: ProbeSettings | undefined): NlbSettings['healthCheck'] {
  const hc = nlb.healthCheck;
  if (!hc || hc.port !== 'traffic-port' || nlb.targetType !== 'ip' || trafficPort === undefined) return hc;
  return readiness?.port === trafficPort ? { ...hc, port: trafficPort } : hc;
}

/** Reads the settings of one target into `DrainSettings`, saying what it assumed and what it could not know. */
export function extractSettings(target: Target, inventory: Inventory, options: ResolvedDoctorOptions): Extraction {
  const { workload, container, frontend } = target;
  const log: ReadLog = { notes: [...target.log.notes], unknown: [...target.log.unknown] };
  const assumptions: string[] = [];
  const { budget, findings, registrationSeconds, lbcVersion } = readBudget(workload, options);

  if (budget.kubernetesVersion.source === 'unknown') {
    log.unknown.push({ field: 'kubernetesVersion', reason: 'not given (annotation or --kubernetes-version): whether the native preStop sleep exists is not checked' });
  }

  const preStop = container ? readPreStop(container.container, log) : undefined;
  if (container) checkPreStopContract(container.container, preStop, log);
  const readinessProbe = container ? readProbe(container.container, 'readinessProbe', log) : undefined;
  const livenessProbe = container ? readProbe(container.container, 'livenessProbe', log) : undefined;
  const terminationGracePeriodSeconds = readGrace(workload.podSpec, log);
  const rollout = readRollout(workload.kind, workload.spec, log);
  if (workload.kind === 'StatefulSet') {
    assumptions.push('StatefulSet pods are replaced in place, one at a time: maxUnavailable 0 does not apply');
  }
  const podDisruptionBudget = inventory.pdbsFor(workload).length > 0;
  if (!podDisruptionBudget) assumptions.push('no PodDisruptionBudget of the input selects the pods (one applied separately is not seen)');

  const nlb = frontend?.nlb;
  if (!frontend) {
    log.unknown.push({ field: 'healthCheck', reason: 'no LBC Service or TargetGroupBinding of the input selects the workload (diagnosed because it carries the budget annotation)' });
  } else if (nlb?.targetTypeAssumption) {
    assumptions.push(nlb.targetTypeAssumption);
  }
  const readinessGate = readReadinessGate(target, inventory, options, assumptions, log.unknown);
  const healthCheck = nlb ? resolveTrafficPort(nlb, frontend?.trafficPort, readinessProbe) : undefined;

  const settings: DrainSettings = {
    propagationSeconds: budget.propagationSeconds.value,
    drainTimeoutSeconds: budget.drainTimeoutSeconds.value,
    cleanupSeconds: budget.cleanupSeconds.value,
    headroomSeconds: budget.headroomSeconds.value,
    ...(budget.kubernetesVersion.value !== undefined && { kubernetesVersion: budget.kubernetesVersion.value }),
    ...(budget.maxTerminationGracePeriodSeconds.value !== undefined && { maxTerminationGracePeriodSeconds: budget.maxTerminationGracePeriodSeconds.value }),
    registrationSeconds,
    ...(lbcVersion !== undefined && { lbcVersion }),
    ...(preStop !== undefined && { preStop }),
    ...(terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds }),
    ...(readinessProbe !== undefined && { readinessProbe }),
    ...(livenessProbe !== undefined && { livenessProbe }),
    rollout,
    ...(readinessGate !== undefined && { readinessGate }),
    podDisruptionBudget,
    ...(healthCheck !== undefined && { healthCheck }),
    ...(nlb?.targetType !== undefined && { targetType: nlb.targetType }),
    ...(nlb?.deregistrationDelaySeconds !== undefined && { deregistrationDelaySeconds: nlb.deregistrationDelaySeconds }),
    ...(nlb?.deregistrationDelaySource !== undefined && { deregistrationDelaySource: nlb.deregistrationDelaySource }),
    ...(nlb?.connectionTermination !== undefined && { connectionTermination: nlb.connectionTermination }),
    ...(nlb?.unhealthyConnectionTermination !== undefined && { unhealthyConnectionTermination: nlb.unhealthyConnectionTermination }),
    ...(nlb?.unhealthyDrainingIntervalSeconds !== undefined && { unhealthyDrainingIntervalSeconds: nlb.unhealthyDrainingIntervalSeconds }),
  };
  return { settings, budget, budgetFindings: findings, assumptions, unknown: log.unknown, notes: log.notes };
}
