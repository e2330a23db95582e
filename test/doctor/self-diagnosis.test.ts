/**
 * Every row of the seed article's self-diagnosis table, as manifests: the broken version is
 * detected with the right rule, the fixed version is clean.
 */
import { ruleInfo } from '../../src/rules';
import type { RuleId } from '../../src/model';
import { doctorFixture, ruleIds } from './helpers';

interface Row {
  readonly row: string;
  readonly fixture: string;
  readonly fixed: string;
  /** Rules that must fire (rule/severity). */
  readonly expected: readonly string[];
  /** The symptom column of the seed's table this row is about, as the rules word it. */
  readonly symptom: RuleId;
}

const ROWS: readonly Row[] = [
  { row: '1 ECONNREFUSED bursts: no preStop', fixture: '01-econnrefused.yaml', fixed: '01-econnrefused.fixed.yaml', expected: ['prestop-present/error'], symptom: 'prestop-present' },
  {
    row: '1 ECONNREFUSED bursts: sleep shorter than propagation',
    fixture: '01b-short-sleep.yaml',
    fixed: '01-econnrefused.fixed.yaml',
    expected: ['prestop-covers-propagation/error', 'sleep-action-supported/warning'],
    symptom: 'prestop-covers-propagation',
  },
  { row: '2 SIGKILL despite a graceful handler', fixture: '02-sigkill.yaml', fixed: '02-sigkill.fixed.yaml', expected: ['grace-covers-drain/error'], symptom: 'grace-covers-drain' },
  { row: '3 readiness flip never seen: health check on liveness', fixture: '03-flip-unseen.yaml', fixed: '03-flip-unseen.fixed.yaml', expected: ['healthcheck-uses-readiness/error'], symptom: 'healthcheck-uses-readiness' },
  { row: '3 readiness flip never seen: TCP health check', fixture: '03b-tcp-health-check.yaml', fixed: '03-flip-unseen.fixed.yaml', expected: ['healthcheck-uses-readiness/error'], symptom: 'healthcheck-uses-readiness' },
  { row: '4 errors despite a huge grace period', fixture: '04-huge-grace.json', fixed: '04-huge-grace.fixed.json', expected: ['grace-needs-prestop/error', 'prestop-present/error'], symptom: 'grace-needs-prestop' },
  {
    row: '5 connections linger',
    fixture: '05-lingering.yaml',
    fixed: '05-lingering.fixed.yaml',
    expected: ['deregistration-delay-bounded/warning', 'connection-termination-enabled/warning'],
    symptom: 'connection-termination-enabled',
  },
];

describe('the self-diagnosis table', () => {
  it.each(ROWS)('row $row: $fixture is detected', ({ fixture, expected }) => {
    const report = doctorFixture(fixture);
    expect(report.workloads).toHaveLength(1);
    expect(ruleIds(report)).toEqual(expect.arrayContaining([...expected]));
  });

  it.each(ROWS)('row $row: $fixed is clean', ({ fixed }) => {
    const report = doctorFixture(fixed);
    expect(report.workloads).toHaveLength(1);
    expect(ruleIds(report)).toEqual([]);
    expect(report.errorCount + report.warningCount).toBe(0);
  });

  it.each(ROWS)('row $row: each finding carries the symptom of its rule and a fix', ({ fixture, symptom }) => {
    const report = doctorFixture(fixture);
    const finding = report.workloads[0]!.findings.find((f) => f.rule === symptom)!;
    expect(finding.symptom).toBe(ruleInfo(symptom).symptom);
    expect(finding.fix.length).toBeGreaterThan(0);
    expect(finding.workload.name).toBe(report.workloads[0]!.workload.name);
  });

  it('the symptoms are the seed table rows', () => {
    expect(ruleInfo('prestop-present').symptom).toMatch(/ECONNREFUSED/);
    expect(ruleInfo('grace-covers-drain').symptom).toMatch(/SIGKILL/);
    expect(ruleInfo('healthcheck-uses-readiness').symptom).toMatch(/never reacts/);
    expect(ruleInfo('grace-needs-prestop').symptom).toMatch(/huge grace period/);
    expect(ruleInfo('connection-termination-enabled').symptom).toMatch(/linger/);
  });

  it('the fixes are what makes the fixed fixtures clean (row 2: the plan says 45s)', () => {
    const finding = doctorFixture('02-sigkill.yaml').workloads[0]!.findings.find((f) => f.rule === 'grace-covers-drain')!;
    expect(finding.fix[0]!.yaml).toContain('terminationGracePeriodSeconds: 45');
    expect(doctorFixture('02-sigkill.fixed.yaml').workloads[0]!.settings.terminationGracePeriodSeconds).toBe(45);
  });
});
