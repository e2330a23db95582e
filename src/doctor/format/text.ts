import type { SourceLocation } from '../manifests';
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

function describeFrontend(frontend: FrontendRef | undefined): string {
  if (!frontend) return 'none in the input (diagnosed because it carries the grpc-drain.dev/budget annotation; NLB settings unknown)';
  const ports = frontend.port !== undefined ? `, port ${frontend.port}${frontend.targetPort !== undefined ? ` → ${frontend.targetPort}` : ''}` : '';
  const via = frontend.service !== undefined ? ` (Service ${frontend.service})` : '';
  return `${describeRef(frontend)}${via}${ports}`;
}

function sourced(label: string, value: SourcedValue<number | string>, unit: string): string {
  if (value.value === undefined) return `${label} unknown`;
  const tag = value.source === 'annotation' ? 'annotation' : value.source === 'option' ? 'assumed: option' : 'assumed: default';
  return `${label} ${value.value}${unit} (${tag})`;
}

function indent(text: string, prefix: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function formatFinding(finding: DoctorFinding, style: Style): string[] {
  const badge = finding.severity === 'error' ? style.error(style.bold('error  ')) : style.warning(style.bold('warning'));
  const lines = [`  ${badge} ${style.bold(finding.rule)}  ${style.dim(`${finding.field} · ${describeLocation(finding.location)}`)}`];
  lines.push(`    ${style.dim('symptom:')} ${finding.symptom}`);
  lines.push(`    ${finding.message}`);
  for (const fragment of finding.fix) {
    lines.push(`    ${style.dim(`fix (${fragment.action} ${describeRef(fragment.target)}):`)}`);
    lines.push(style.accent(indent(fragment.yaml, '      ')));
  }
  if (finding.fixNote !== undefined) lines.push(`    ${style.dim('note:')} ${finding.fixNote}`);
  return lines;
}

function formatWorkload(diagnosis: WorkloadDiagnosis, style: Style): string[] {
  const { budget } = diagnosis;
  const lines = [style.bold(`${describeRef(diagnosis.workload)}`) + style.dim(`  ${describeLocation(diagnosis.location)}`)];
  lines.push(`  ${style.dim('container')}  ${diagnosis.container ?? '(none)'}: ${diagnosis.containerReason}`);
  lines.push(`  ${style.dim('frontend ')}  ${describeFrontend(diagnosis.frontend)}`);
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
      lines.push(...formatFinding(finding, style));
    }
  }
  return lines;
}

/** The report as text for a terminal: one block per workload, findings with their fix, a summary line. */
export function formatText(report: DoctorReport, options: TextFormatOptions = {}): string {
  const style = styleFor(options.color ?? false);
  const lines: string[] = [];
  for (const diagnosis of report.workloads) {
    lines.push(...formatWorkload(diagnosis, style), '');
  }
  for (const note of report.notes) lines.push(`${style.dim('note:')} ${note}`);
  if (report.notes.length > 0) lines.push('');
  const counts = `${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')} in ${plural(report.workloads.length, 'gRPC workload')} (${plural(report.objectCount, 'object')} read)`;
  lines.push(report.errorCount > 0 ? style.error(`✖ ${counts}`) : report.warningCount > 0 ? style.warning(`! ${counts}`) : style.ok(`✔ ${counts}`));
  return `${lines.join('\n')}\n`;
}
