import { checkSettings, ruleInfo } from '../rules';
import { extractSettings, type Extraction } from './extract';
import { attributeChanges, fixFor, PlanCache } from './fix';
import { fixSafety } from './fix-safety';
import type { Mutable } from './json';
import { Inventory } from './inventory';
import { readManifestText, type InputNote, type InputProblem, type ManifestObject, type ManifestSource } from './manifests';
import { resolveDoctorOptions, type DoctorOptions } from './options';
import { pairTargets, type Target } from './pairing';
import { findingPlace } from './place';
import { isReadKind, isWorkloadKind } from './views/read';
import type { DoctorFinding, DoctorReport, SourceSummary, WorkloadDiagnosis } from './types';

function diagnoseTarget(target: Target, extraction: Extraction, plans: PlanCache): WorkloadDiagnosis {
  const { workload, serving, frontend } = target;
  const safety = fixSafety(target, extraction);
  const workloadRef = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  const container = serving.container?.name ?? serving.container?.label;
  const found = [...extraction.budgetFindings, ...checkSettings(extraction.settings)];
  const context = { target, extraction, safety, plans, attributeChanges: attributeChanges(found, extraction, safety, plans) };
  const frontendRef = frontend?.ref;
  const findings = found.map((finding): DoctorFinding => {
    const fix = fixFor(finding, context);
    const place = findingPlace(finding, target);
    // Optional fields are written even when undefined (JSON drops them): one shape for all findings.
    return {
      rule: finding.rule,
      severity: finding.severity,
      field: finding.field,
      message: finding.message,
      symptom: ruleInfo(finding.rule).symptom,
      workload: workloadRef,
      container,
      frontend: frontendRef,
      object: place.object,
      location: place.location,
      fix: fix.fix,
      fixNote: fix.fixNote,
    };
  });
  // Built member by member rather than as a literal of conditional spreads (V8 11 defines every
  // member after a spread with a runtime call; this runs for every workload): the same members,
  // in the same order, so the JSON reads as before.
  // The required members are all set below, before it is returned.
  const ordered = { workload: workloadRef, location: workload.manifest.location } as Mutable<WorkloadDiagnosis>;
  if (target.protocol !== undefined) ordered.protocol = target.protocol;
  if (frontend !== undefined) ordered.provisioner = frontend.targetGroup.provisioner;
  if (container !== undefined) ordered.container = container;
  ordered.containerReason = serving.reason;
  if (serving.injected !== undefined) ordered.injected = serving.injected;
  if (frontend !== undefined) ordered.frontend = frontend.ref;
  ordered.budget = extraction.budget;
  ordered.assumptions = extraction.assumptions;
  ordered.unknown = extraction.unknown;
  ordered.notes = extraction.notes;
  ordered.settings = extraction.settings;
  ordered.findings = findings;
  return ordered;
}

function summarize(objects: readonly ManifestObject[]): SourceSummary[] {
  const counts = new Map<string, number>();
  // The span's file, when there is one: an object's location is worked out only when shown.
  for (const object of objects) {
    const file = object.span?.file ?? object.location.file;
    counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return [...counts].map(([file, count]) => ({ file, objects: count }));
}

/** What the reader found about the input itself, passed on to the report. */
export interface InputReport {
  readonly sources?: readonly SourceSummary[];
  readonly problems?: readonly InputProblem[];
  readonly notes?: readonly InputNote[];
}

/** A report whose workload diagnoses were handed on one by one instead of kept (see {@link diagnoseEach}). */
export type StreamedReport = Omit<DoctorReport, 'workloads'> & { readonly workloadCount: number };

/**
 * {@link diagnose}, handing each workload's diagnosis to `onWorkload` as soon as it is made and
 * keeping none of them (nor the paired workload's tree, once diagnosed): what the CLI's text
 * report uses, so that a large input never has every diagnosis, or every paired workload, in
 * memory at once. The same diagnoses, in the same order, as {@link diagnose}'s `workloads`.
 */
export function diagnoseEach(objects: readonly ManifestObject[], options: DoctorOptions, input: InputReport, onWorkload: (diagnosis: WorkloadDiagnosis) => void): StreamedReport {
  const resolved = resolveDoctorOptions(options);
  const inventory = new Inventory(objects, resolved.defaultNamespace);
  const plans = new PlanCache();
  const pairing = pairTargets(inventory, { lbcClass: resolved.lbcClass, lbcWebhook: resolved.lbcWebhook, ...(resolved.lbcVersion !== undefined && { lbcVersion: resolved.lbcVersion }) });
  // Pairing is done: a workload's view now lives only in its targets, each let go once diagnosed.
  inventory.forgetWorkloadViews();
  const targets = pairing.targets as (Target | undefined)[];
  let errorCount = 0;
  let warningCount = 0;
  const workloadCount = targets.length;
  for (let i = 0; i < targets.length; i += 1) {
    const target = targets[i]!;
    targets[i] = undefined;
    const diagnosis = diagnoseTarget(target, extractSettings(target, inventory, resolved), plans);
    for (const finding of diagnosis.findings) {
      if (finding.severity === 'error') errorCount += 1;
      else warningCount += 1;
    }
    onWorkload(diagnosis);
  }
  const notes = [...pairing.notes];
  if (workloadCount === 0 && objects.length > 0) {
    notes.push('no workload behind a load balancer found: no Service that gets an AWS load balancer (or TargetGroupBinding) selects a Deployment or StatefulSet of the input, and none carries the grpc-drain.dev/budget annotation.');
  }
  return {
    sources: input.sources ?? summarize(objects),
    objectCount: objects.length,
    workloadCount,
    notes,
    problems: input.problems ?? [],
    inputNotes: [...(input.notes ?? []), ...inventory.notes],
    errorCount,
    warningCount,
  };
}

/**
 * Diagnoses Kubernetes objects: finds every Service that gets an AWS load balancer (as the
 * Load Balancer Controller's front door decides, or the in-tree cloud provider for what it
 * leaves) and every TargetGroupBinding, pairs them with the Deployments/StatefulSets they
 * select, reads their drain settings, runs every rule of DESIGN.md §4 on them and attaches to
 * each finding the symptom it prevents and a fix that is safe to paste.
 *
 * Never throws on the objects, whatever they hold; throws {@link DrainBudgetError} for
 * invalid `options`.
 */
export function diagnose(objects: readonly ManifestObject[], options: DoctorOptions = {}, input: InputReport = {}): DoctorReport {
  const workloads: WorkloadDiagnosis[] = [];
  const report = diagnoseEach(objects, options, input, (diagnosis) => workloads.push(diagnosis));
  // The members in the order the report has always had (JSON output reads the same).
  return { sources: report.sources, objectCount: report.objectCount, workloads, notes: report.notes, problems: report.problems, inputNotes: report.inputNotes, errorCount: report.errorCount, warningCount: report.warningCount };
}

/** The doctor's own reading of its sources: what {@link diagnose} takes, and what the reader found about the input. */
function readSourcesFor(sources: readonly ManifestSource[], extraProblems: readonly InputProblem[]): { objects: ManifestObject[]; input: Required<InputReport> } {
  const objects: ManifestObject[] = [];
  const summaries: SourceSummary[] = [];
  const problems: InputProblem[] = [...extraProblems];
  const notes: InputNote[] = [];
  for (const source of sources) {
    // Objects of kinds the doctor never reads keep only their identity (duplicates, counts), and
    // workloads only what pairing reads: a paired one is read whole again from its document.
    const read = readManifestText(source, { keepWhole: isReadKind, readOnDemand: isWorkloadKind });
    summaries.push({ file: source.path, objects: read.objects.length, ...(read.problems.length > 0 && { unusable: true }) });
    for (const object of read.objects) objects.push(object);
    problems.push(...read.problems);
    notes.push(...read.notes);
  }
  for (const problem of extraProblems) if (!summaries.some((s) => s.file === problem.file)) summaries.push({ file: problem.file, objects: 0, unusable: true });
  return { objects, input: { sources: summaries, problems, notes } };
}

/**
 * Reads and diagnoses manifest texts (multi-document YAML or JSON, Lists included). A
 * document or file that cannot be read is reported in `problems`; the others are diagnosed.
 */
export function diagnoseManifests(sources: readonly ManifestSource[], options: DoctorOptions = {}, extraProblems: readonly InputProblem[] = []): DoctorReport {
  const { objects, input } = readSourcesFor(sources, extraProblems);
  return diagnose(objects, options, input);
}

/** {@link diagnoseManifests}, each diagnosis handed to `onWorkload` and not kept ({@link diagnoseEach}). */
export function diagnoseManifestsEach(sources: readonly ManifestSource[], options: DoctorOptions, extraProblems: readonly InputProblem[], onWorkload: (diagnosis: WorkloadDiagnosis) => void): StreamedReport {
  const { objects, input } = readSourcesFor(sources, extraProblems);
  return diagnoseEach(objects, options, input, onWorkload);
}
