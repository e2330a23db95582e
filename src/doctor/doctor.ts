import { BUDGET_ANNOTATION, LBC_ANNOTATION, type Finding } from '../model';
import { checkSettings, ruleInfo } from '../rules';
import { extractSettings, findTargets, type Extraction, type Target } from './extract';
import { fixFor, PlanCache } from './fix';
import { Inventory } from './inventory';
import { parseManifestText, type ManifestObject, type ManifestSource, type SourceLocation } from './manifests';
import { resolveDoctorOptions, type DoctorOptions } from './options';
import type { DoctorFinding, DoctorReport, ObjectRef, SourceSummary, WorkloadDiagnosis } from './types';

const HEALTH_CHECK_ANNOTATION: Readonly<Record<string, string>> = {
  'healthCheck.protocol': LBC_ANNOTATION.healthCheckProtocol,
  'healthCheck.port': LBC_ANNOTATION.healthCheckPort,
  'healthCheck.path': LBC_ANNOTATION.healthCheckPath,
  'healthCheck.intervalSeconds': LBC_ANNOTATION.healthCheckInterval,
  'healthCheck.timeoutSeconds': LBC_ANNOTATION.healthCheckTimeout,
  'healthCheck.healthyThreshold': LBC_ANNOTATION.healthCheckHealthyThreshold,
  'healthCheck.unhealthyThreshold': LBC_ANNOTATION.healthCheckUnhealthyThreshold,
};

const TARGET_GROUP_FIELDS = ['deregistrationDelaySeconds', 'connectionTermination', 'unhealthyConnectionTermination', 'unhealthyDrainingIntervalSeconds'];

/** The object that holds a finding's setting, and where in the source the setting is. */
function findingPlace(finding: Finding, target: Target): { readonly object: ObjectRef; readonly location: SourceLocation } {
  const { workload, container, frontend } = target;
  const inContainer = ['spec', 'template', 'spec', 'containers', container?.index ?? 0];
  const workloadRef: ObjectRef = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  const onWorkload = (path: readonly (string | number)[]) => ({ object: workloadRef, location: workload.manifest.locate?.(path) ?? workload.manifest.location });
  const onFrontend = (path: readonly (string | number)[]) =>
    frontend
      ? { object: { kind: frontend.ref.kind, namespace: frontend.ref.namespace, name: frontend.ref.name }, location: frontend.entry.manifest.locate?.(path) ?? frontend.entry.manifest.location }
      : onWorkload([]);
  const field = finding.field;
  const frontendIsService = frontend?.ref.kind === 'Service';
  if (field === 'preStop' || field === 'preStop.seconds') return onWorkload([...inContainer, 'lifecycle', 'preStop']);
  if (field === 'terminationGracePeriodSeconds') return onWorkload(['spec', 'template', 'spec', 'terminationGracePeriodSeconds']);
  if (field === 'readinessProbe' || field === 'livenessProbe') return onWorkload([...inContainer, field]);
  if (field === 'rollout.strategy') return onWorkload(['spec', workload.kind === 'StatefulSet' ? 'updateStrategy' : 'strategy']);
  if (field === 'rollout.maxUnavailable') return onWorkload(['spec', 'strategy', 'rollingUpdate', 'maxUnavailable']);
  if (field === 'rollout.minReadySeconds') return onWorkload(['spec', 'minReadySeconds']);
  if (field.startsWith(`metadata.annotations.${BUDGET_ANNOTATION}`)) return onWorkload(['spec', 'template', 'metadata', 'annotations', BUDGET_ANNOTATION]);
  if (field.startsWith('healthCheck')) {
    const key = HEALTH_CHECK_ANNOTATION[field] ?? LBC_ANNOTATION.healthCheckProtocol;
    return frontendIsService ? onFrontend(['metadata', 'annotations', key]) : onFrontend([]);
  }
  if (TARGET_GROUP_FIELDS.includes(field)) return frontendIsService ? onFrontend(['metadata', 'annotations', LBC_ANNOTATION.targetGroupAttributes]) : onFrontend([]);
  if (field === 'targetType') return frontendIsService ? onFrontend(['metadata', 'annotations', LBC_ANNOTATION.targetType]) : onFrontend(['spec', 'targetType']);
  return onWorkload([]);
}

function diagnoseTarget(target: Target, extraction: Extraction, plans: PlanCache): WorkloadDiagnosis {
  const { workload, container, frontend } = target;
  const findings = [...extraction.budgetFindings, ...checkSettings(extraction.settings)].map((finding): DoctorFinding => {
    const fix = fixFor(finding, target, extraction, plans);
    const place = findingPlace(finding, target);
    return {
      ...finding,
      symptom: ruleInfo(finding.rule).symptom,
      workload: { kind: workload.kind, namespace: workload.namespace, name: workload.name },
      ...(container !== undefined && { container: container.name }),
      ...(frontend !== undefined && { frontend: frontend.ref }),
      object: place.object,
      location: place.location,
      fix: fix.fix,
      ...(fix.fixNote !== undefined && { fixNote: fix.fixNote }),
    };
  });
  return {
    workload: { kind: workload.kind, namespace: workload.namespace, name: workload.name },
    location: workload.manifest.location,
    ...(container !== undefined && { container: container.name }),
    containerReason: target.containerReason,
    ...(frontend !== undefined && { frontend: frontend.ref }),
    budget: extraction.budget,
    assumptions: extraction.assumptions,
    unknown: extraction.unknown,
    notes: extraction.notes,
    settings: extraction.settings,
    findings,
  };
}

/**
 * Diagnoses Kubernetes objects: pairs each LBC-managed NLB Service and each
 * TargetGroupBinding with the Deployments/StatefulSets it selects, reads their drain
 * settings, runs every rule of DESIGN.md §4 on them and attaches to each finding the
 * symptom it prevents and a fix computed by the drain plan.
 *
 * Never throws on the objects, whatever they hold; throws {@link DrainBudgetError} for
 * invalid `options`.
 */
export function diagnose(objects: readonly ManifestObject[], options: DoctorOptions = {}, sources?: readonly SourceSummary[]): DoctorReport {
  const resolved = resolveDoctorOptions(options);
  const inventory = new Inventory(objects, resolved.defaultNamespace);
  const notes: string[] = [];
  const plans = new PlanCache();
  const workloads = findTargets(inventory, notes).map((target) => diagnoseTarget(target, extractSettings(target, inventory, resolved), plans));
  let errorCount = 0;
  let warningCount = 0;
  for (const diagnosis of workloads) {
    for (const finding of diagnosis.findings) {
      if (finding.severity === 'error') errorCount += 1;
      else warningCount += 1;
    }
  }
  if (workloads.length === 0 && objects.length > 0) {
    notes.push('no gRPC workload found: no LoadBalancer Service managed by the AWS Load Balancer Controller (or TargetGroupBinding) selects a Deployment or StatefulSet of the input, and none carries the grpc-drain.dev/budget annotation.');
  }
  const summary = sources ?? summarize(objects);
  return { sources: summary, objectCount: objects.length, workloads, notes, errorCount, warningCount };
}

function summarize(objects: readonly ManifestObject[]): SourceSummary[] {
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.location.file, (counts.get(object.location.file) ?? 0) + 1);
  return [...counts].map(([file, count]) => ({ file, objects: count }));
}

/**
 * Parses and diagnoses manifest texts (multi-document YAML or JSON, Lists included).
 * Throws {@link ManifestParseError} when a source is not parsable YAML.
 */
export function diagnoseManifests(sources: readonly ManifestSource[], options: DoctorOptions = {}): DoctorReport {
  const objects: ManifestObject[] = [];
  const summaries: SourceSummary[] = [];
  for (const source of sources) {
    const parsed = parseManifestText(source);
    summaries.push({ file: source.path, objects: parsed.length });
    for (const object of parsed) objects.push(object);
  }
  return diagnose(objects, options, summaries);
}
