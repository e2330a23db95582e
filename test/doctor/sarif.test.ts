/**
 * The SARIF log as GitHub code scanning reads it: where each result points, the tool and rule
 * metadata, the fingerprints. The official validator runs on it in sarif-validator.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { diagnoseManifests, SARIF_FINGERPRINT, toSarif, type DoctorReport, type SarifResult } from '../../src/doctor';
import { main, type CliIo } from '../../src/cli';
import { readFixture } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE = require('../../package.json') as { version: string; homepage: string };

/** A fake repository (a directory with `.git`) with a subdirectory, outside this one. */
function repository(): { root: string; sub: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-repo-'));
  mkdirSync(path.join(root, '.git'));
  const sub = path.join(root, 'charts', 'shop');
  mkdirSync(sub, { recursive: true });
  return { root, sub };
}

function diagnose(file: string, text = readFixture('02-sigkill.yaml')): DoctorReport {
  return diagnoseManifests([{ path: file, text }], {});
}

function firstLocation(result: SarifResult) {
  return result.locations[0]!.physicalLocation;
}

describe('SARIF locations', () => {
  it('a relative path inside the repository is relative to %SRCROOT%, the repository root, even from a subdirectory', () => {
    const { root, sub } = repository();
    const run = toSarif(diagnose('rendered/shop.yaml'), { workingDirectory: sub }).runs[0]!;
    expect(firstLocation(run.results[0]!)).toEqual({ artifactLocation: { uri: 'charts/shop/rendered/shop.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 30, startColumn: 5 } });
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `file://${root}/`, description: { text: 'The repository root: the Git work tree the doctor ran in.' } } });
  });

  it('an absolute path inside the repository becomes the same relative reference (no leading slash)', () => {
    const { root, sub } = repository();
    const run = toSarif(diagnose(path.join(root, 'k8s', 'ledger.yaml')), { workingDirectory: sub }).runs[0]!;
    expect(run.results.map((r) => firstLocation(r).artifactLocation)).toEqual([
      { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' },
      { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' },
    ]);
  });

  it('a path outside the repository, absolute or through .., is an absolute file: URI without a base', () => {
    const { sub } = repository();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-elsewhere-'));
    expect(firstLocation(toSarif(diagnose(path.join(elsewhere, 'rendered.yaml')), { workingDirectory: sub }).runs[0]!.results[0]!).artifactLocation).toEqual({
      uri: `file://${elsewhere}/rendered.yaml`,
    });
    expect(firstLocation(toSarif(diagnose('../../../x.yaml'), { workingDirectory: sub }).runs[0]!.results[0]!).artifactLocation).toEqual({
      uri: `file://${path.resolve(sub, '../../../x.yaml')}`,
    });
  });

  it('percent-encodes what a URI reference cannot hold', () => {
    const { root } = repository();
    const run = toSarif(diagnose('k8s/prod #1/50% off.yaml'), { workingDirectory: root }).runs[0]!;
    expect(firstLocation(run.results[0]!).artifactLocation).toEqual({ uri: 'k8s/prod%20%231/50%25%20off.yaml', uriBaseId: '%SRCROOT%' });
    const outside = toSarif(diagnose('/tmp/a b.yaml'), { workingDirectory: root }).runs[0]!;
    expect(firstLocation(outside.results[0]!).artifactLocation.uri).toBe('file:///tmp/a%20b.yaml');
  });

  it('stdin is the relative reference `stdin`, with no base, and says what it is', () => {
    const run = toSarif(diagnose('-'), { workingDirectory: ROOT }).runs[0]!;
    expect(firstLocation(run.results[0]!).artifactLocation).toEqual({ uri: 'stdin', description: { text: 'The manifests read from standard input (grpc-drain doctor -).' } });
  });

  it('without a Git work tree, %SRCROOT% is the working directory, and it says so', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-plain-'));
    const run = toSarif(diagnose('a.yaml'), { workingDirectory: plain }).runs[0]!;
    expect(firstLocation(run.results[0]!).artifactLocation).toEqual({ uri: 'a.yaml', uriBaseId: '%SRCROOT%' });
    expect(run.originalUriBaseIds['%SRCROOT%']).toEqual({ uri: `file://${plain}/`, description: { text: 'The directory the doctor ran in (no Git work tree holds it).' } });
  });

  it('a .git file (a worktree or submodule) marks the work tree too', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-worktree-'));
    writeFileSync(path.join(root, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    mkdirSync(path.join(root, 'k8s'));
    const run = toSarif(diagnose('ledger.yaml'), { workingDirectory: path.join(root, 'k8s') }).runs[0]!;
    expect(firstLocation(run.results[0]!).artifactLocation).toEqual({ uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' });
  });
});

describe('SARIF tool and rules', () => {
  const run = toSarif(diagnose('ledger.yaml'), { workingDirectory: ROOT }).runs[0]!;

  it('names the version `grpc-drain --version` prints and the project page', async () => {
    let printed = '';
    const io: CliIo = { stdin: '', stdout: { write: (text: string) => (printed += text) }, stderr: { write: () => undefined }, isTTY: false, env: {}, exit: () => undefined };
    await main(['--version'], io);
    expect(printed.trim()).toBe(PACKAGE.version);
    expect(run.tool.driver).toMatchObject({ name: 'grpc-drain', version: PACKAGE.version, semanticVersion: PACKAGE.version, informationUri: 'https://github.com/grpc-drain/grpc-drain#readme' });
  });

  it('gives every rule a friendly name, help text and Markdown, the rules table as help URI, and tags; no security-severity', () => {
    const grace = run.tool.driver.rules.find((r) => r.id === 'grace-covers-drain')!;
    expect(grace.name).toBe('GraceCoversDrain');
    expect(grace.helpUri).toBe(`https://github.com/grpc-drain/grpc-drain/blob/v${PACKAGE.version}/README.md#rules`);
    expect(grace.shortDescription.text).toBe('terminationGracePeriodSeconds ≥ sleep + drain + cleanup (error), + headroom (warning).');
    expect(grace.help.text).toContain('Prevents: pod always SIGKILLed despite a graceful handler.');
    expect(grace.help.markdown).toContain(`See the [rules table](https://github.com/grpc-drain/grpc-drain/blob/v${PACKAGE.version}/README.md#rules).`);
    expect(grace.properties.tags).toEqual(['kubernetes', 'aws-nlb', 'graceful-shutdown', 'reliability']);
    expect(run.tool.driver.rules.map((r) => r.name)).toContain('DeregistrationDelayCoversDrain');
    expect(JSON.stringify(run.tool.driver.rules)).not.toContain('security-severity');
  });

  it('declares its columns as UTF-16 code units', () => {
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('ends every message with a period', () => {
    for (const result of run.results) expect(result.message.text).toMatch(/\.$/);
  });
});

describe('SARIF fingerprints', () => {
  const fingerprints = (text: string) => toSarif(diagnoseManifests([{ path: 'ledger.yaml', text }], {}), { workingDirectory: ROOT }).runs[0]!.results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT]);

  it('stay the same when the setting moves to another line', () => {
    const original = fingerprints(readFixture('02-sigkill.yaml'));
    const moved = fingerprints(`# a new comment\n# and another\n${readFixture('02-sigkill.yaml')}`);
    expect(original).toHaveLength(2);
    expect(moved).toEqual(original);
    expect(original[0]).toMatch(/^[0-9a-f]{32}:1$/);
    expect(original[0]).not.toBe(original[1]);
  });

  it('differ for another workload with the same finding', () => {
    const renamed = readFixture('02-sigkill.yaml').replace(/name: ledger$/m, 'name: ledger-canary');
    expect(fingerprints(renamed)[0]).not.toBe(fingerprints(readFixture('02-sigkill.yaml'))[0]);
  });
});

/**
 * The fields GitHub code scanning reads from each result and from the tool
 * (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning),
 * against values written by hand from the fixture: 02-sigkill.yaml has no
 * terminationGracePeriodSeconds in its pod spec (line 30, column 5: the 30s default is below
 * its annotation's 20s + 10s + 5s) and a 45s deregistration delay in its Service's
 * target-group-attributes annotation (line 70, column 5) that outlasts the grace period.
 */
describe('SARIF results as code scanning reads them', () => {
  const { root } = repository();
  const sigkill = readFixture('02-sigkill.yaml');
  const logOf = (text: string, file = 'k8s/ledger.yaml', workingDirectory = root) => toSarif(diagnoseManifests([{ path: file, text }], {}), { workingDirectory });

  it('one result per finding: ruleId, level, a %SRCROOT%-relative uri and the line and column of the setting', () => {
    const run = logOf(sigkill).runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level, firstLocation(r)])).toEqual([
      ['grace-covers-drain', 'error', { artifactLocation: { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 30, startColumn: 5 } }],
      ['deregistration-delay-bounded', 'warning', { artifactLocation: { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 70, startColumn: 5 } }],
    ]);
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${root}/`);
    // ruleIndex points into the rules table at the same rule.
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(run.results[0]!.locations[0]!.logicalLocations).toEqual([{ name: 'ledger', fullyQualifiedName: 'Deployment/payments/ledger', kind: 'resource' }]);
    expect(run.results[0]!.message.text).toMatch(/^Deployment payments\/ledger: terminationGracePeriodSeconds \(30s\) must be ≥ preStop sleep \+ drain timeout \+ cleanup \(20s \+ 10s \+ 5s = 35s\)/);
  });

  it("the level is the finding's: a rule that is an error in its hard case says warning in its softer one", () => {
    // 40s of grace: 20s + 10s + 5s = 35s fit, with 5s of the 10s headroom; the 45s delay still outlasts it.
    const soft = logOf(sigkill.replace('    spec:\n      containers:', '    spec:\n      terminationGracePeriodSeconds: 40\n      containers:')).runs[0]!;
    expect(soft.results.map((r) => [r.ruleId, r.level, firstLocation(r).region])).toEqual([
      ['grace-covers-drain', 'warning', { startLine: 31, startColumn: 7 }],
      ['deregistration-delay-bounded', 'warning', { startLine: 71, startColumn: 5 }],
    ]);
    const rule = (id: string) => soft.tool.driver.rules.find((r) => r.id === id)!;
    // Both rules are errors in their hard case; a warning-only rule defaults to warning.
    expect(rule('grace-covers-drain').defaultConfiguration).toEqual({ level: 'error' });
    expect(rule('deregistration-delay-bounded').defaultConfiguration).toEqual({ level: 'error' });
    expect(rule('connection-termination-enabled').defaultConfiguration).toEqual({ level: 'warning' });
    expect(rule('grace-under-cap').defaultConfiguration).toEqual({ level: 'error' });
    const lingering = logOf(readFixture('05-lingering.yaml'), 'k8s/lingering.yaml').runs[0]!;
    expect(lingering.results.map((r) => [r.ruleId, r.level, firstLocation(r).region!.startLine])).toEqual([
      ['deregistration-delay-bounded', 'warning', 67],
      ['connection-termination-enabled', 'warning', 67],
    ]);
  });

  it('partialFingerprints are the same from run to run, from another directory, and for an absolute path to the same file', () => {
    const prints = (log: ReturnType<typeof logOf>) => log.runs[0]!.results.map((r) => r.partialFingerprints);
    const first = prints(logOf(sigkill));
    expect(Object.keys(first[0]!)).toEqual(['grpcDrainFinding/v1']);
    expect(prints(logOf(sigkill))).toEqual(first);
    expect(prints(logOf(sigkill, path.join(root, 'k8s', 'ledger.yaml'), path.join(root, 'charts')))).toEqual(first);
    expect(prints(logOf(sigkill, 'ledger.yaml', path.join(root, 'k8s')))).toEqual(first);
    // The identity is rule, workload, object, field and container: another file name keeps it too.
    expect(prints(logOf(sigkill, 'rendered/all.yaml'))).toEqual(first);
  });

  it('tool.driver: name, version 0.1.0, informationUri, and help for every rule GitHub shows next to an alert', () => {
    const driver = logOf(sigkill).runs[0]!.tool.driver;
    expect([driver.name, driver.version, driver.semanticVersion, driver.informationUri]).toEqual(['grpc-drain', '0.1.0', '0.1.0', 'https://github.com/grpc-drain/grpc-drain#readme']);
    // The 21 rules of the README's rules table, each in the log whether it fired or not.
    expect(driver.rules).toHaveLength(21);
    const grace = driver.rules.find((r) => r.id === 'grace-covers-drain')!;
    expect(grace.helpUri).toBe('https://github.com/grpc-drain/grpc-drain/blob/v0.1.0/README.md#rules');
    expect(grace.help.text).toBe(
      [
        'terminationGracePeriodSeconds ≥ sleep + drain + cleanup (error), + headroom (warning).',
        'Prevents: pod always SIGKILLed despite a graceful handler.',
        "The rule reports an error, or a warning in its softer case. Each result names the workload, the numbers, and the YAML fragment that fixes it, computed by the drain plan of the workload's budget.",
        'Rules table: https://github.com/grpc-drain/grpc-drain/blob/v0.1.0/README.md#rules',
      ].join('\n\n'),
    );
    expect(grace.help.markdown.split('\n\n')[0]).toBe('**grace-covers-drain**: terminationGracePeriodSeconds ≥ sleep + drain + cleanup (error), + headroom (warning).');
    const pdb = driver.rules.find((r) => r.id === 'pdb-present')!;
    expect(pdb.help.text).toContain('The rule reports a warning. ');
    for (const rule of driver.rules) {
      expect(rule.help.text).toMatch(/^\S.*\n\nPrevents: /);
      expect(rule.help.markdown).toContain(`**${rule.id}**: `);
      expect(rule.helpUri).toBe('https://github.com/grpc-drain/grpc-drain/blob/v0.1.0/README.md#rules');
    }
  });

  it('each result carries its fix in the Markdown message, as a YAML block', () => {
    const grace = logOf(sigkill).runs[0]!.results[0]!;
    expect(grace.message.markdown).toContain('Fix (patch Deployment payments/ledger):\n\n```yaml\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 45\n```');
    // The Deployment is the second YAML document (after the Namespace).
    expect(grace.properties).toMatchObject({ field: 'terminationGracePeriodSeconds', document: 2 });
  });
});
