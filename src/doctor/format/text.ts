import type { InputProblem, SourceLocation } from '../manifests';
import type { DoctorFinding, DoctorReport, FrontendRef, ObjectRef, SourcedValue, WorkloadDiagnosis } from '../types';
import { plural, styleFor, type Style } from './style';

/** Options of {@link formatText}. */
export interface TextFormatOptions {
  /**
   * ANSI colors (only for a terminal).
   * @default false
   */
  readonly color?: boolean;
}

/** `Deployment engine/engine` */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** `manifests.yaml:42` (`:document 3` when the line is unknown). */
export function describeLocation(location: SourceLocation): string {
  if (location.line !== undefined) return `${location.file}:${location.line}`;
  return `${location.file} (document ${location.document}${location.item !== undefined ? `, item ${location.item + 1}` : ''})`;
}

const PROVISIONER: Readonly<Record<NonNullable<WorkloadDiagnosis['provisioner']>, string>> = {
  lbc: 'Load Balancer Controller NLB',
  'in-tree-nlb': 'in-tree NLB',
  'in-tree-classic': 'Classic Load Balancer',
  'target-group-binding': 'target group outside Kubernetes',
};

function describeFrontend(diagnosis: WorkloadDiagnosis): string {
  const frontend: FrontendRef | undefined = diagnosis.frontend;
  if (!frontend) return 'none in the input (diagnosed because it carries the grpc-drain.dev/budget annotation; load-balancer settings unknown)';
  const ports = frontend.port !== undefined ? `, port ${frontend.port}${frontend.targetPort !== undefined ? ` → ${frontend.targetPort}` : ''}` : '';
  const via = frontend.service !== undefined ? ` (Service ${frontend.service})` : '';
  const targets = diagnosis.settings.targetType !== undefined ? `, ${diagnosis.settings.targetType} targets` : '';
  const what = diagnosis.provisioner !== undefined ? ` — ${PROVISIONER[diagnosis.provisioner]}${targets}` : '';
  return `${describeRef(frontend)}${via}${ports}${what}`;
}

/** `a workload behind an NLB`, `a gRPC workload behind an NLB`: what the workload is, and nothing more. */
function describeWorkload(diagnosis: WorkloadDiagnosis): string {
  return `${diagnosis.protocol !== undefined ? `${diagnosis.protocol} ` : ''}${diagnosis.provisioner === 'in-tree-classic' ? 'behind a Classic Load Balancer' : 'behind an NLB'}`;
}

function sourced(label: string, value: SourcedValue<number | string>, unit: string): string {
  if (value.value === undefined) return `${label} unknown`;
  const tag = value.source === 'annotation' ? 'annotation' : value.source === 'env' ? 'env' : value.source === 'option' ? 'assumed: option' : 'assumed: default';
  return `${label} ${value.value}${unit} (${tag})`;
}

/** Each line of `text` (without its final line break) behind `prefix`. */
function indent(text: string, prefix: string): string {
  return `${prefix}${text.replace(/\n$/, '').replaceAll('\n', `\n${prefix}`)}`;
}

// The formatters push onto the report's one array of lines rather than each returning its own
// to be spread into it: a report can hold thousands of findings.

function formatFinding(finding: DoctorFinding, style: Style, lines: string[]): void {
  const badge = finding.severity === 'error' ? style.error(style.bold('error  ')) : style.warning(style.bold('warning'));
  lines.push(`  ${badge} ${style.bold(finding.rule)}  ${style.dim(`${finding.field} · ${describeLocation(finding.location)}`)}`);
  lines.push(`    ${style.dim('symptom:')} ${finding.symptom}`);
  lines.push(`    ${finding.message}`);
  for (const fragment of finding.fix) {
    lines.push(`    ${style.dim(`fix (${fragment.action} ${describeRef(fragment.target)}):`)}`);
    lines.push(style.accent(indent(fragment.yaml, '      ')));
  }
  if (finding.fixNote !== undefined) lines.push(`    ${style.dim('note:')} ${finding.fixNote}`);
}

function formatWorkload(diagnosis: WorkloadDiagnosis, style: Style, lines: string[]): void {
  const { budget } = diagnosis;
  lines.push(style.bold(`${describeRef(diagnosis.workload)}`) + style.dim(`  ${describeWorkload(diagnosis)} · ${describeLocation(diagnosis.location)}`));
  lines.push(`  ${style.dim('container')}  ${diagnosis.container ?? '(not in the manifest)'}: ${diagnosis.containerReason}`);
  if (diagnosis.injected !== undefined) lines.push(`  ${style.warning('injected ')}  ${diagnosis.injected}`);
  lines.push(`  ${style.dim('frontend ')}  ${describeFrontend(diagnosis)}`);
  lines.push(
    `  ${style.dim('budget   ')}  ${[
      sourced('propagation', budget.propagationSeconds, 's'),
      sourced('drain timeout', budget.drainTimeoutSeconds, 's'),
      sourced('cleanup', budget.cleanupSeconds, 's'),
      sourced('headroom', budget.headroomSeconds, 's'),
    ].join(', ')}`,
  );
  const cluster = [
    budget.kubernetesVersion.value !== undefined ? `Kubernetes ${budget.kubernetesVersion.value} (${budget.kubernetesVersion.source})` : 'Kubernetes version unknown',
    budget.maxTerminationGracePeriodSeconds.value !== undefined ? `grace cap ${budget.maxTerminationGracePeriodSeconds.value}s (${budget.maxTerminationGracePeriodSeconds.source})` : 'no grace cap known',
    ...(diagnosis.provisioner === 'lbc' && budget.lbcVersion.value !== undefined ? [`Load Balancer Controller ${budget.lbcVersion.value} (${budget.lbcVersion.source})`] : []),
  ];
  lines.push(`  ${style.dim('cluster  ')}  ${cluster.join(', ')}`);
  for (const assumption of diagnosis.assumptions) lines.push(`  ${style.dim('assumed  ')}  ${assumption}`);
  for (const unknown of diagnosis.unknown) lines.push(`  ${style.dim('unknown  ')}  ${unknown.field}: ${unknown.reason}`);
  for (const note of diagnosis.notes) lines.push(`  ${style.warning('input    ')}  ${note}`);
  if (diagnosis.findings.length === 0) {
    lines.push(`  ${style.ok('ok')}  no rule broken`);
  } else {
    for (const finding of diagnosis.findings) {
      lines.push('');
      formatFinding(finding, style, lines);
    }
  }
}

/** `values.yaml:5:11: document 1 is not valid YAML (…)`; a file-level problem that names its file is shown as it is. */
export function describeProblem(problem: InputProblem): string {
  if (problem.line === undefined && problem.message.includes(problem.file)) return problem.message;
  const where = problem.line !== undefined ? `${problem.file}:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}` : problem.file;
  return `${where}: ${problem.message}`;
}

/**
 * Writes the text report as it is made: {@link workload} for each diagnosis in the report's
 * order, then {@link end} with the report (problems, notes, the summary line). A few workloads'
 * lines at a time go to `write`, so a large report is never held as one string, and a
 * diagnosis need not be kept once it is written (the CLI diagnoses and writes one at a time).
 */
export class TextReportWriter {
  private readonly style: Style;
  private readonly lines: string[] = [];
  private workloads = 0;

  constructor(
    private readonly write: (chunk: string) => void,
    options: TextFormatOptions = {},
  ) {
    this.style = styleFor(options.color ?? false);
  }

  // Parts end at line ends: their concatenation is the lines joined with '\n', and a final '\n'.
  private flush(): void {
    if (this.lines.length === 0) return;
    this.write(`${this.lines.join('\n')}\n`);
    this.lines.length = 0;
  }

  workload(diagnosis: WorkloadDiagnosis): void {
    formatWorkload(diagnosis, this.style, this.lines);
    this.lines.push('');
    this.workloads += 1;
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  /** The rest of the report; its `workloads` are those given to {@link workload} (the report's own are not written again). */
  end(report: Omit<DoctorReport, 'workloads'>): void {
    const { style, lines } = this;
    for (const problem of report.problems) lines.push(`${style.warning('unusable:')} ${describeProblem(problem)}`);
    for (const note of report.inputNotes) lines.push(`${style.dim('note:')} ${describeLocation(note.location)}: ${note.message}`);
    for (const note of report.notes) lines.push(`${style.dim('note:')} ${note}`);
    if (report.notes.length + report.problems.length + report.inputNotes.length > 0) lines.push('');
    const workloads = this.workloads === 1 ? '1 workload behind a load balancer' : `${this.workloads} workloads behind load balancers`;
    const unusable = report.problems.length > 0 ? `; ${plural(report.problems.length, 'input')} unusable` : '';
    const counts = `${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')} in ${workloads} (${plural(report.objectCount, 'object')} read${unusable})`;
    lines.push(report.errorCount > 0 ? style.error(`✖ ${counts}`) : report.warningCount > 0 || report.problems.length > 0 ? style.warning(`! ${counts}`) : style.ok(`✔ ${counts}`));
    this.flush();
  }
}

/** Writes the text report to `write`, a few workloads at a time (see {@link TextReportWriter}). */
export function writeText(report: DoctorReport, write: (chunk: string) => void, options: TextFormatOptions = {}): void {
  const writer = new TextReportWriter(write, options);
  for (const diagnosis of report.workloads) writer.workload(diagnosis);
  writer.end(report);
}

/** Lines gathered before {@link writeText} hands them on: a few workloads' worth. */
const FLUSH_LINES = 400;

/** The report as text for a terminal: one block per workload, findings with their fix, a summary line. */
export function formatText(report: DoctorReport, options: TextFormatOptions = {}): string {
  const parts: string[] = [];
  writeText(report, (chunk) => parts.push(chunk), options);
  return parts.join('');
}
