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
