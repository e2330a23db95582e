import { parseAllDocuments, stringify } from 'yaml';
import { readFileSync } from 'fs';
import * as path from 'path';
import { diagnoseManifests, type DoctorOptions, type DoctorReport } from '../../src/doctor';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'doctor');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** Diagnoses one fixture file. */
export function doctorFixture(name: string, options: DoctorOptions = {}): DoctorReport {
  return diagnoseManifests([{ path: `fixtures/${name}`, text: readFixture(name) }], options);
}

/** Diagnoses YAML text. */
export function doctorText(text: string, options: DoctorOptions = {}): DoctorReport {
  return diagnoseManifests([{ path: 'input.yaml', text }], options);
}

/** `rule/severity` of every finding, in order. */
export function ruleIds(report: DoctorReport): string[] {
  return report.workloads.flatMap((w) => w.findings.map((f) => `${f.rule}/${f.severity}`));
}

/** A clean gRPC workload behind an LBC NLB (the fixed row 1 without comments), for variations. */
export function cleanManifest(): string {
  return readFixture('01-econnrefused.fixed.yaml');
}

/** The clean manifest as plain objects [Deployment, Service, PodDisruptionBudget], to vary in tests. */
export function cleanObjects(): Array<Record<string, any>> {
  return parseAllDocuments(cleanManifest()).map((doc) => doc.toJS() as Record<string, any>);
}

/** Multi-document YAML of objects. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** The clean manifest with a change applied to its objects, diagnosed. */
export function doctorVariant(change: (objects: { deployment: Record<string, any>; service: Record<string, any>; pdb: Record<string, any>; all: Array<Record<string, any>> }) => void, options: DoctorOptions = {}): DoctorReport {
  const all = cleanObjects();
  change({ deployment: all[0]!, service: all[1]!, pdb: all[2]!, all });
  return doctorText(toYamlStream(all), options);
}
