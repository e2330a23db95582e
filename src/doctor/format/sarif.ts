import { RULE_INFO } from '../../rules';
import type { SourceLocation } from '../manifests';
import type { DoctorFinding, DoctorReport } from '../types';
import { describeLocation, describeProblem, describeRef } from './text';

/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html),
 * the subset code-scanning tools read: one run, the rules table as `tool.driver.rules`,
 * one result per finding with `level` error/warning and a location (file, line when known,
 * the YAML document index as a property, the object as a logical location).
 */

/** A SARIF log as grpc-drain writes it (only the properties it sets). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: { readonly driver: { readonly name: string; readonly rules: readonly SarifRule[] } };
  readonly results: readonly SarifResult[];
  readonly invocations: readonly {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: readonly { readonly level: 'note' | 'warning'; readonly message: { readonly text: string } }[];
  }[];
}

export interface SarifRule {
  readonly id: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  readonly properties: { readonly symptom: string };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string; readonly markdown: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region?: { readonly startLine: number; readonly startColumn?: number };
    };
    readonly logicalLocations: readonly { readonly name: string; readonly fullyQualifiedName: string; readonly kind: 'resource' }[];
  }[];
  readonly properties: {
    readonly field: string;
    readonly symptom: string;
    readonly document: number;
    readonly item?: number;
    readonly container?: string;
    readonly fix: readonly string[];
    readonly fixNote?: string;
  };
}

/** A file path as a relative URI reference (`-` is stdin). */
function artifactUri(file: string): string {
  if (file === '-') return 'stdin';
  return encodeURI(file.replace(/\\/g, '/'));
}

function physical(location: SourceLocation): SarifResult['locations'][number]['physicalLocation'] {
  return {
    artifactLocation: { uri: artifactUri(location.file) },
    ...(location.line !== undefined && { region: { startLine: location.line, ...(location.column !== undefined && { startColumn: location.column }) } }),
  };
}

function result(finding: DoctorFinding): SarifResult {
  const ruleIndex = RULE_INFO.findIndex((rule) => rule.id === finding.rule);
  const workload = describeRef(finding.workload);
  const fixes = finding.fix.map((fragment) => `Fix (${fragment.action} ${describeRef(fragment.target)}):\n\n\`\`\`yaml\n${fragment.yaml}\`\`\``);
  const markdown = [`**${workload}**${finding.container !== undefined ? ` (container \`${finding.container}\`)` : ''}: ${finding.message}`, `Symptom: ${finding.symptom}.`, ...fixes, ...(finding.fixNote !== undefined ? [finding.fixNote] : [])].join('\n\n');
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: finding.severity,
    message: { text: `${workload}: ${finding.message}`, markdown },
    locations: [
      {
        physicalLocation: physical(finding.location),
        logicalLocations: [{ name: finding.workload.name, fullyQualifiedName: `${finding.workload.kind}/${finding.workload.namespace}/${finding.workload.name}`, kind: 'resource' }],
      },
    ],
    properties: {
      field: finding.field,
      symptom: finding.symptom,
      document: finding.location.document,
      ...(finding.location.item !== undefined && { item: finding.location.item }),
      ...(finding.container !== undefined && { container: finding.container }),
      fix: finding.fix.map((fragment) => fragment.yaml),
      ...(finding.fixNote !== undefined && { fixNote: finding.fixNote }),
    },
  };
}

/** The report as a SARIF 2.1.0 log. */
export function toSarif(report: DoctorReport): SarifLog {
  const rules: SarifRule[] = RULE_INFO.map((rule) => ({
    id: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary}; prevents: ${rule.symptom}.` },
    defaultConfiguration: { level: rule.severity === 'warning' ? 'warning' : 'error' },
    properties: { symptom: rule.symptom },
  }));
  const notes = [
    ...report.inputNotes.map((note) => `${describeLocation(note.location)}: ${note.message}`),
    ...report.notes,
    ...report.workloads.flatMap((w) => w.notes.map((note) => `${describeRef(w.workload)}: ${note}`)),
  ];
  const problems = report.problems.map(describeProblem);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'grpc-drain', rules } },
        results: report.workloads.flatMap((w) => w.findings.map(result)),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...problems.map((text) => ({ level: 'warning' as const, message: { text } })), ...notes.map((text) => ({ level: 'note' as const, message: { text } }))],
          },
        ],
      },
    ],
  };
}

export function formatSarif(report: DoctorReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}
