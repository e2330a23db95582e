/** The real-world corpus (test/fixtures/doctor/corpus) and its expectations, shared by the corpus tests. */
import { readFileSync } from 'fs';
import * as path from 'path';
import { safeLoad } from '../../src/doctor/input/js-yaml';
import { readSources } from '../../src/cli/doctor-command';
import { diagnoseManifests, type DoctorOptions, type DoctorReport, type WorkloadDiagnosis } from '../../src/doctor';
import { FIXTURES } from './helpers';

export const CORPUS = path.join(FIXTURES, 'corpus');

export interface ExpectedDiagnosis {
  readonly provisioner: string;
  readonly targetType: string;
  readonly protocol?: string;
  readonly findings: readonly string[];
}

export interface CorpusCase {
  readonly input: string;
  readonly shape: string;
  readonly options?: DoctorOptions;
  readonly diagnoses: Readonly<Record<string, ExpectedDiagnosis>>;
  /** Substrings of notes (report, input or workload notes) the run must give. */
  readonly notes?: readonly string[];
  readonly inputNotes?: readonly string[];
  /** Substrings of the files reported unusable. */
  readonly problems?: readonly string[];
}

export const CASES: Readonly<Record<string, CorpusCase>> = safeLoad(readFileSync(path.join(CORPUS, 'expected.yaml'), 'utf8')) as Record<string, CorpusCase>;

/** The findings a case's diagnosis is held to. */
export function expectedFindings(expected: ExpectedDiagnosis): readonly string[] {
  return expected.findings;
}

/** `Deployment ns/name <- Service name:443`: how expected.yaml names a diagnosis. */
export function diagnosisKey(diagnosis: WorkloadDiagnosis): string {
  const w = diagnosis.workload;
  const f = diagnosis.frontend;
  return `${w.kind} ${w.namespace}/${w.name} <- ${f ? `${f.kind} ${f.name}:${f.port}` : 'none'}`;
}

const silentIo = { stdin: '', stdout: { write: () => undefined }, stderr: { write: () => undefined } };
const reports = new Map<string, Promise<DoctorReport>>();

/** Runs the doctor on a case the way the CLI reads its input (a folder recursively, sorted). */
export function runCase(name: string): Promise<DoctorReport> {
  let report = reports.get(name);
  if (!report) {
    const c = CASES[name]!;
    report = readSources([path.join(CORPUS, c.input)], silentIo).then(({ sources, problems }) => diagnoseManifests(sources, c.options ?? {}, problems));
    reports.set(name, report);
  }
  return report;
}

/** `rule/severity` of each finding, sorted. */
export function findingIds(diagnosis: WorkloadDiagnosis): string[] {
  return diagnosis.findings.map((f) => `${f.rule}/${f.severity}`).sort();
}
