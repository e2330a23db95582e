/**
 * The doctor on the manifests people have: every case of the real-world corpus gives exactly
 * the diagnoses and findings expected.yaml lists (precision: no finding that is not listed;
 * recall: every listed finding), and, kube-linter and Polaris style, every rule has a case
 * where it fires and one where it does not.
 */
import { RULE_INFO } from '../../src/rules';
import { CASES, diagnosisKey, expectedFindings, findingIds, runCase } from './corpus';

const NAMES = Object.keys(CASES);

/** Multiset difference: what `a` has that `b` lacks. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const rest = [...b];
  return a.filter((item) => {
    const at = rest.indexOf(item);
    if (at < 0) return true;
    rest.splice(at, 1);
    return false;
  });
}

describe(`the real-world corpus (${NAMES.length} cases)`, () => {
  it.each(NAMES)('%s: the diagnoses and findings are exactly the expected ones', async (name) => {
    const c = CASES[name]!;
    const report = await runCase(name);
    const actual = new Map(report.workloads.map((w) => [diagnosisKey(w), w]));
    expect([...actual.keys()].sort()).toEqual(Object.keys(c.diagnoses).sort());
    for (const [key, expected] of Object.entries(c.diagnoses)) {
      const diagnosis = actual.get(key)!;
      const found = findingIds(diagnosis);
      const wanted = [...expectedFindings(expected)].sort();
      // Both directions, named, so that a failure says which finding is extra or missing.
      expect({ key, unexpected: minus(found, wanted), missing: minus(wanted, found) }).toEqual({ key, unexpected: [], missing: [] });
      expect({ key, provisioner: diagnosis.provisioner, targetType: diagnosis.settings.targetType, protocol: diagnosis.protocol ?? null }).toEqual({
        key,
        provisioner: expected.provisioner,
        targetType: expected.targetType,
        protocol: expected.protocol ?? null,
      });
    }
  });

  it.each(NAMES.filter((name) => CASES[name]!.notes || CASES[name]!.inputNotes || CASES[name]!.problems))('%s: the notes say what the input does', async (name) => {
    const c = CASES[name]!;
    const report = await runCase(name);
    const notes = [...report.notes, ...report.inputNotes.map((n) => n.message), ...report.workloads.flatMap((w) => w.notes)].join('\n');
    for (const note of c.notes ?? []) expect(notes).toContain(note);
    const inputNotes = report.inputNotes.map((n) => n.message).join('\n');
    for (const note of c.inputNotes ?? []) expect(inputNotes).toContain(note);
    const problems = report.problems.map((p) => p.file);
    expect(problems).toHaveLength((c.problems ?? []).length);
    for (const file of c.problems ?? []) expect(problems.some((p) => p.endsWith(file))).toBe(true);
  });

  it('has precision 1 and recall 1 over the whole corpus', async () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (const name of NAMES) {
      const report = await runCase(name);
      const actual = new Map(report.workloads.map((w) => [diagnosisKey(w), findingIds(w)]));
      const keys = new Set([...actual.keys(), ...Object.keys(CASES[name]!.diagnoses)]);
      for (const key of keys) {
        const found = actual.get(key) ?? [];
        const expected = CASES[name]!.diagnoses[key];
        const wanted = expected ? [...expectedFindings(expected)] : [];
        const extra = minus(found, wanted).length;
        falsePositives += extra;
        falseNegatives += minus(wanted, found).length;
        truePositives += found.length - extra;
      }
    }
    expect(truePositives).toBeGreaterThan(100);
    expect({ precision: truePositives / (truePositives + falsePositives), recall: truePositives / (truePositives + falseNegatives) }).toEqual({ precision: 1, recall: 1 });
  });

  it.each(RULE_INFO.map((rule) => rule.id))('rule %s has a case where it fires and a diagnosis where it does not', async (rule) => {
    let fires = 0;
    let silent = 0;
    for (const name of NAMES) {
      for (const expected of Object.values(CASES[name]!.diagnoses)) {
        if (expectedFindings(expected).some((id) => id.startsWith(`${rule}/`))) fires += 1;
        else silent += 1;
      }
    }
    expect({ rule, fires: fires > 0, silent: silent > 0 }).toEqual({ rule, fires: true, silent: true });
  });
});
