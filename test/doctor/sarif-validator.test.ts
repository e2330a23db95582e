/**
 * The doctor's SARIF through the official validator, `Sarif.Multitool validate` (microsoft/
 * sarif-sdk, npm @microsoft/sarif-multitool, whose platform package carries the binary), with
 * the SARIF 2.1.0 rules and GitHub's ingestion rules (`--rule-kind Sarif;Ghas`, plus the GH10xx
 * rules it ships disabled: test/doctor/sarif-validator.xml). Every log must come out with no
 * error and no warning. The binary is self-contained .NET: where it cannot run (no package for
 * this platform, an arm64 Linux), the suite is skipped with the reason, except under CI, where
 * that is a failure.
 */
import { spawnSync } from 'child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { main, type CliIo } from '../../src/cli';
import { fixturePath, FIXTURES, readFixture } from './helpers';

const CONFIG = path.join(__dirname, 'sarif-validator.xml');
const PLATFORM_PACKAGE = `@microsoft/sarif-multitool-${process.platform}`;
/** Without ICU (slim images) .NET aborts unless globalization is invariant; the validator needs no culture data. */
const DOTNET_ENV = { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' };

type Multitool = { readonly binary: string; readonly version: string } | { readonly why: string };

function findMultitool(): Multitool {
  let binary: string;
  try {
    // The package's main is the binary's path.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binary = require(PLATFORM_PACKAGE) as string;
  } catch {
    return { why: `${PLATFORM_PACKAGE} is not installed (npm installs @microsoft/sarif-multitool's binary only for linux, darwin and win32)` };
  }
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // Its postinstall is `chmod u+x Sarif.Multitool`; npm 11 runs no install script unless approved.
    chmodSync(binary, 0o755);
  }
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', env: DOTNET_ENV, timeout: 60_000 });
  if (probe.status !== 0) {
    const why = probe.error?.message ?? `${(probe.stderr || probe.stdout).trim().split('\n')[0] ?? ''} (exit ${String(probe.status)})`;
    return { why: `${binary} cannot run on ${process.platform}-${process.arch}: ${why}` };
  }
  // It prints `SARIF Multitool 5.7.0+<commit>` on stderr.
  return { binary, version: `${probe.stdout}${probe.stderr}`.trim().split('\n')[0]! };
}

const multitool = findMultitool();
const ci = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const describeValidator = 'why' in multitool && !ci ? describe.skip : describe;
const title = 'why' in multitool ? `the official SARIF validator (${ci ? 'required in CI' : 'skipped'}: ${multitool.why})` : `the official SARIF validator (${multitool.version})`;
// A skipped suite says why without --verbose.
if (describeValidator === describe.skip) console.warn(title);

interface ValidatorResult {
  readonly ruleId: string;
  readonly level?: string;
  readonly message: { readonly text: string };
  readonly locations?: readonly { readonly physicalLocation?: { readonly artifactLocation?: { readonly uri?: string } } }[];
}
interface ValidatorNotification {
  readonly level?: string;
  readonly descriptor?: { readonly id?: string };
  readonly message: { readonly text: string };
}
interface ValidatorLog {
  readonly runs: readonly {
    readonly results?: readonly ValidatorResult[];
    readonly invocations?: readonly {
      readonly executionSuccessful: boolean;
      readonly toolConfigurationNotifications?: readonly ValidatorNotification[];
      readonly toolExecutionNotifications?: readonly ValidatorNotification[];
    }[];
  }[];
}

/** Runs the validator on the logs; returns its findings per log file name (errors and warnings only, its default). */
function validate(dir: string, files: readonly string[]): { byFile: Map<string, ValidatorResult[]>; log: ValidatorLog } {
  if ('why' in multitool) throw new Error(multitool.why);
  const out = path.join(dir, 'validation.sarif');
  const run = spawnSync(multitool.binary, ['validate', ...files.map((f) => path.join(dir, f)), '-o', out, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Ghas', '-c', CONFIG], {
    encoding: 'utf8',
    env: DOTNET_ENV,
    timeout: 120_000,
  });
  expect({ status: run.status, error: run.error?.message }).toEqual({ status: 0, error: undefined });
  const log = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as ValidatorLog;
  const byFile = new Map<string, ValidatorResult[]>(files.map((f) => [f, []]));
  for (const result of log.runs.flatMap((r) => r.results ?? [])) {
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    const file = files.find((f) => uri.endsWith(`/${f}`));
    if (file === undefined) throw new Error(`validator result on an unexpected artifact ${uri}: ${result.ruleId} ${result.message.text}`);
    byFile.get(file)!.push(result);
  }
  return { byFile, log };
}

/** `SARIF1004 error: …`, short enough to read in a failure. */
const describeResult = (r: ValidatorResult) => `${r.ruleId} ${r.level ?? 'warning'}: ${r.message.text.slice(0, 160)}`;

interface Doctor {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a user runs it, in this process (its working directory is this Git work tree). */
async function doctor(args: readonly string[], stdin = ''): Promise<Doctor> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, isTTY: false, env: {}, exit: () => undefined };
  const code = await main(['doctor', ...args, '-o', 'sarif'], io);
  return { code, stdout, stderr };
}

/** Kubernetes objects the doctor cannot use next to a workload it can: Services it skips, an annotation it cannot read. */
const UNUSABLE_OBJECTS = [
  readFixture('02-sigkill.yaml').replace('healthcheck-interval: "5"', 'healthcheck-interval: often'),
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: by-hand\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 9090\n',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: nothing-behind\nspec:\n  type: LoadBalancer\n  loadBalancerClass: service.k8s.aws/nlb\n  selector:\n    app: gone\n  ports:\n    - port: 9090\n',
  'just a string, not an object\n',
].join('---\n');

describeValidator(title, () => {
  let dir: string;
  let byFile: Map<string, ValidatorResult[]>;
  let log: ValidatorLog;
  const doctorRuns = new Map<string, Doctor>();
  const outside = mkdtempSync(path.join(tmpdir(), 'grpc-drain-outside-'));

  beforeAll(async () => {
    if ('why' in multitool) throw new Error(`${multitool.why}; CI needs the validator (npm ci installs @microsoft/sarif-multitool on linux-x64, darwin and win32)`);
    dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-validate-'));
    copyFileSync(fixturePath('02-sigkill.yaml'), path.join(outside, 'rendered.yaml'));
    const runs: Record<string, [readonly string[], string?]> = {
      'relative.sarif': [[path.relative(process.cwd(), fixturePath('02-sigkill.yaml'))]],
      'absolute.sarif': [[fixturePath('03-flip-unseen.yaml')]],
      'directory.sarif': [[path.relative(process.cwd(), FIXTURES)]],
      'stdin.sarif': [['-'], readFixture('01-econnrefused.yaml')],
      'clean.sarif': [[fixturePath('02-sigkill.fixed.yaml')]],
      'unusable-objects.sarif': [['-'], UNUSABLE_OBJECTS],
      'outside.sarif': [[path.join(outside, 'rendered.yaml')]],
    };
    for (const [file, [args, stdin]] of Object.entries(runs)) {
      const run = await doctor(args, stdin);
      doctorRuns.set(file, run);
      writeFileSync(path.join(dir, file), run.stdout);
    }
    ({ byFile, log } = validate(dir, Object.keys(runs)));
  });

  it('produced each log with the exit code of its findings', () => {
    const codes = Object.fromEntries([...doctorRuns].map(([file, run]) => [file, run.code]));
    expect(codes).toEqual({ 'relative.sarif': 1, 'absolute.sarif': 1, 'directory.sarif': 1, 'stdin.sarif': 1, 'clean.sarif': 0, 'unusable-objects.sarif': 1, 'outside.sarif': 1 });
    const results = (file: string) => (JSON.parse(doctorRuns.get(file)!.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results.length;
    expect(results('clean.sarif')).toBe(0);
    // The corpus: every fixture of test/fixtures/doctor, so most rules and both levels.
    expect(results('directory.sarif')).toBeGreaterThan(10);
    const notes = (JSON.parse(doctorRuns.get('unusable-objects.sarif')!.stdout) as { runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] }).runs[0]!.invocations[0]!
      .toolExecutionNotifications;
    expect(notes.map((n) => n.message.text)).toEqual([
      'Service default/by-hand has no selector: its endpoints are managed by hand, so the doctor cannot tell which pods it sends to.',
      'Service default/nothing-behind selects no Deployment or StatefulSet of the input (selector {"app":"gone"}).',
      'Deployment payments/ledger: service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval: "often" is not a whole number; the Load Balancer Controller fails to reconcile the Service.',
    ]);
  });

  it.each(['relative.sarif', 'absolute.sarif', 'directory.sarif', 'stdin.sarif', 'clean.sarif', 'unusable-objects.sarif'])('%s: no error and no warning', (file) => {
    expect(byFile.get(file)!.map(describeResult)).toEqual([]);
  });

  it('outside.sarif: a file outside the repository is a file: URI, which only GH1006 (checkout path) flags', () => {
    // GH1006 (shipped disabled) flags every absolute file: URI outside invocations[].workingDirectory:
    // GitHub cannot map a file outside the checkout to the repository. The doctor says where the
    // file is (SARIF §3.10: an absolute URI needs no base) rather than pretend it is in the repository.
    const uri = `file://${path.join(outside, 'rendered.yaml')}`;
    const sarif = JSON.parse(doctorRuns.get('outside.sarif')!.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: unknown } }[] }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([{ uri }, { uri }]);
    expect(byFile.get('outside.sarif')!.map((r) => [r.ruleId, r.level])).toEqual([
      ['GH1006', 'error'],
      ['GH1006', 'error'],
    ]);
  });

  it('ran to the end, and the only configuration notice is the rule this policy disables (SARIF2006, which needs the network)', () => {
    const invocations = log.runs.flatMap((r) => r.invocations ?? []);
    expect(invocations.map((i) => i.executionSuccessful)).toEqual([true]);
    expect(invocations.flatMap((i) => i.toolExecutionNotifications ?? []).map((n) => n.message.text)).toEqual([]);
    expect(invocations.flatMap((i) => i.toolConfigurationNotifications ?? []).map((n) => [n.descriptor?.id, n.message.text.slice(0, 33)])).toEqual([
      ['WRN999.RuleExplicitlyDisabled', "Rule 'SARIF2006' was explicitly d"],
    ]);
  });

  it('unusable input exits 2 and writes no half SARIF log to stdout', async () => {
    const run = await doctor(['-'], 'a: [1,\nb: c\n');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^grpc-drain: -:3:1: document 1 is not valid YAML \(/);
  });

  it('does fail a log that breaks the rules: the SARIF the doctor wrote before (leading slash under a uriBaseId, no version, no rule help, no region)', () => {
    const before = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'grpc-drain', rules: [{ id: 'grace-covers-drain', shortDescription: { text: 'Grace covers drain.' }, fullDescription: { text: 'Grace covers drain.' } }] } },
          results: [
            {
              ruleId: 'grace-covers-drain',
              ruleIndex: 0,
              level: 'error',
              message: { text: 'Deployment payments/ledger: the grace period is short.' },
              locations: [{ physicalLocation: { artifactLocation: { uri: '/repo/k8s/ledger.yaml', uriBaseId: '%SRCROOT%' } } }],
            },
          ],
        },
      ],
    };
    const controlDir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-sarif-control-'));
    writeFileSync(path.join(controlDir, 'before.sarif'), JSON.stringify(before, null, 2));
    const found = validate(controlDir, ['before.sarif']).byFile.get('before.sarif')!;
    expect([...new Set(found.map((r) => `${r.ruleId}/${r.level ?? 'warning'}`))].sort()).toEqual(['GH1003/error', 'GH2012/error', 'SARIF1004/error', 'SARIF2005/warning', 'SARIF2017/warning']);
  });
});
