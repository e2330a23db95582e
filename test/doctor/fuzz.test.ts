/**
 * The doctor reads whatever it is given: random text, and the fixtures (the real-world corpus
 * included) with fields dropped, replaced by random values or retyped. It never throws: a
 * document it cannot read is reported in `problems`; its formatters never throw either.
 */
import { readdirSync, statSync } from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { diagnoseManifests, formatJson, formatSarif, formatText, type DoctorReport } from '../../src/doctor';
import { RULE_INFO } from '../../src/rules';
import { FIXTURES, readFixture } from './helpers';

/** Every fixture file, the corpus's included (`corpus/eks-workshop/nlb.yaml`). */
function fixtureFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? fixtureFiles(path.join(dir, name), `${prefix}${name}/`) : /\.(ya?ml|json)$/.test(name) && name !== 'expected.yaml' ? [`${prefix}${name}`] : []));
}

const FIXTURE_NAMES = fixtureFiles(FIXTURES);
const RULE_IDS = new Set(RULE_INFO.map((r) => r.id));

function checkReport(report: DoctorReport): void {
  for (const workload of report.workloads) {
    for (const finding of workload.findings) {
      expect(RULE_IDS.has(finding.rule)).toBe(true);
      expect(['error', 'warning']).toContain(finding.severity);
      expect(typeof finding.message).toBe('string');
      expect(typeof finding.symptom).toBe('string');
    }
  }
  formatText(report, { color: true });
  JSON.parse(formatJson(report));
  JSON.parse(formatSarif(report));
}

/** Diagnoses and formats; any exception fails the property. */
function diagnoseSafely(text: string): DoctorReport {
  const report = diagnoseManifests([{ path: 'fuzz.yaml', text }]);
  checkReport(report);
  return report;
}

const KEY = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'kind', 'spec', 'metadata', 'items', 'ports', 'selector', 'annotations', 'containers'));
const VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', '0', '-1', '20s', 'traffic-port', 'ip', 'instance', 'external', 'LoadBalancer', 'TCP', 'true', '1e999', 'NaN'),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(KEY, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push({ parent: value, key: index });
      slots(item, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      out.push({ parent: value as Record<string, unknown>, key });
      slots((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

interface Mutation {
  readonly at: number;
  readonly op: 'delete' | 'replace' | 'retype' | 'add';
  readonly value: unknown;
  readonly key: string;
}

const MUTATION: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'replace', 'retype', 'add'), value: VALUE, key: KEY });

function mutate(docs: unknown[], mutations: readonly Mutation[]): void {
  for (const m of mutations) {
    const all = slots(docs);
    if (all.length === 0) return;
    const { parent, key } = all[m.at % all.length]!;
    const current = (parent as Record<string | number, unknown>)[key];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (m.op === 'replace') {
      (parent as Record<string | number, unknown>)[key] = m.value;
    } else if (m.op === 'retype') {
      (parent as Record<string | number, unknown>)[key] =
        typeof current === 'number' ? String(current) : typeof current === 'string' && /^\d+$/.test(current) ? Number(current) : Array.isArray(current) ? {} : typeof current === 'object' ? [] : current;
    } else if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
      Object.defineProperty(current, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    }
  }
}

describe('the doctor on random and mutated input', () => {
  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        diagnoseSafely(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random YAML-ish lines', () => {
    const line = fc.oneof(
      fc.constantFrom('---', 'kind: Service', 'kind: Deployment', 'kind: List', 'items:', '- kind: Service', '  spec:', '    selector: {app: x}', 'metadata: {name: x}', 'a: &a [*a]', '!!set {a, b}', '? complex', '  - [', '{'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        diagnoseSafely(lines.join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it.each(FIXTURE_NAMES)('never throws on %s with fields dropped, replaced or retyped', (name) => {
    const original = parseAllDocuments(readFixture(name)).map((doc) => doc.toJS() as unknown);
    fc.assert(
      fc.property(fc.array(MUTATION, { minLength: 1, maxLength: 6 }), (mutations) => {
        const docs = structuredClone(original);
        mutate(docs, mutations);
        const text = docs.map((doc) => stringify(doc)).join('---\n');
        const report = diagnoseSafely(text);
        // yaml's own output always parses again (a merge key given a scalar is refused, as go-yaml refuses it).
        if (!text.includes('<<')) expect(report.problems).toEqual([]);
      }),
      { numRuns: name.startsWith('corpus/') ? 12 : 150 },
    );
  });

  it.each(FIXTURE_NAMES)('never throws on %s with characters cut or inserted', (name) => {
    const text = readFixture(name);
    fc.assert(
      fc.property(fc.nat({ max: text.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        diagnoseSafely(text.slice(0, at) + insert + text.slice(at + cut));
      }),
      { numRuns: name.startsWith('corpus/') ? 10 : 100 },
    );
  });

  it('refuses an alias bomb instead of expanding it, and reports it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'kind: Service'].join('\n');
    const report = diagnoseManifests([{ path: 'bomb.yaml', text: bomb }]);
    expect(report.objectCount).toBe(0);
    expect(report.problems[0]!.message).toMatch(/refuses more than 100 \(excessive aliasing\)/);
  });
});
