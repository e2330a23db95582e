import type { DoctorReport } from '../types';

/**
 * Version of the JSON report's shape; raised on an incompatible change (2: `problems` and
 * `inputNotes`, per-workload `protocol`, `provisioner` and `injected`, budget source `env`).
 */
export const DOCTOR_JSON_VERSION = 2;

/**
 * The report as JSON for machines: `{ version, tool, sources, objectCount, errorCount,
 * warningCount, problems, inputNotes, notes, workloads: [...] }`, each workload with its budget (value and
 * source), settings, assumptions, unknowns and findings (rule, severity, field, symptom,
 * message, location, fix fragments).
 */
export function formatJson(report: DoctorReport): string {
  const document = {
    version: DOCTOR_JSON_VERSION,
    tool: 'grpc-drain doctor',
    sources: report.sources,
    objectCount: report.objectCount,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    problems: report.problems,
    inputNotes: report.inputNotes,
    notes: report.notes,
    workloads: report.workloads,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
