/**
 * The GitHub Action: action.yml at the repository root and its script, scripts/action/doctor.js,
 * run as the runner runs its `doctor` step: the environment action.yml maps (INPUT_* from the
 * inputs, with their defaults), GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * RUNNER_TEMP and GITHUB_ACTION_PATH; grpc-drain from this repository's source through the
 * `version` input (a path), so no network.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { BUDGET_FLAGS, DOCTOR_BUDGET_FIELDS } from '../../src/cli';
import { fixturePath } from '../doctor/helpers';
import { buildCliPackage } from './build-cli';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'action', 'doctor.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require(SCRIPT) as {
  doctorFlags(env: Record<string, string>, fromFile?: Record<string, string>): string[];
  expandPaths(text: string, cwd: string): { paths: string[]; problems: string[] };
  DOCTOR_INPUTS: string[];
};

interface ActionYml {
  readonly inputs: Record<string, { readonly description: string; readonly default?: string }>;
  readonly outputs: Record<string, { readonly value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly { readonly id?: string; readonly if?: string; readonly uses?: string; readonly run?: string; readonly env?: Record<string, string>; readonly with?: Record<string, string> }[] };
}
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const doctorStep = action.runs.steps.find((s) => s.id === 'doctor')!;

let cliPackage: string;
beforeAll(() => {
  cliPackage = buildCliPackage();
});

/** A checked-out repository: `.git`, manifests under k8s/, a fake helm that prints a chart's manifests. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-workspace-'));
  mkdirSync(path.join(dir, '.git'));
  mkdirSync(path.join(dir, 'k8s', 'clean'), { recursive: true });
  copyFileSync(fixturePath('02-sigkill.yaml'), path.join(dir, 'k8s', 'ledger.yaml'));
  copyFileSync(fixturePath('02-sigkill.fixed.yaml'), path.join(dir, 'k8s', 'clean', 'ledger.yaml'));
  copyFileSync(fixturePath('05-lingering.yaml'), path.join(dir, 'k8s', 'lingering.yml'));
  writeFileSync(path.join(dir, 'k8s', 'README.md'), '# not a manifest\n');
  mkdirSync(path.join(dir, 'charts', 'engine'), { recursive: true });
  copyFileSync(fixturePath('01-econnrefused.fixed.yaml'), path.join(dir, 'charts', 'engine', 'rendered.yaml'));
  // `helm template engine ./charts/engine` as far as the action can tell: manifests on stdout.
  writeFileSync(
    path.join(dir, 'fake-helm.js'),
    "const [, , command, , chart] = process.argv;\nif (command !== 'template') { console.error('Error: unknown command'); process.exit(1); }\nprocess.stdout.write(require('fs').readFileSync(require('path').join(chart, 'rendered.yaml'), 'utf8'));\n",
  );
  return dir;
}

interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly sarif?: { runs: { results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }[] }[] }[] };
  readonly temp: string;
}

/** `name=value` lines of GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * Runs the doctor step: the env action.yml gives it for `inputs` (the `${{ inputs.x }}` of its
 * `env:`, a missing input taking action.yml's default), plus what the runner sets.
 */
function runAction(dir: string, inputs: Record<string, string>, options: { temp?: string; env?: Record<string, string> } = {}): ActionRun {
  for (const name of Object.keys(inputs)) if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const temp = options.temp ?? mkdtempSync(path.join(tmpdir(), 'grpc-drain-runner-temp-'));
  const values = { version: options.env ? '' : cliPackage, ...inputs };
  const stepEnv = Object.fromEntries(
    Object.entries(doctorStep.env!).map(([key, expression]) => {
      const name = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expression)![1]!;
      return [key, values[name as keyof typeof values] ?? action.inputs[name]!.default ?? ''];
    }),
  );
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_') && !key.startsWith('GITHUB_')));
  const env = {
    ...inherited,
    ...stepEnv,
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    RUNNER_TEMP: temp,
    GITHUB_ACTION_PATH: ROOT,
    ...options.env,
  };
  const child = spawnSync(process.execPath, [SCRIPT], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  const outputs = readOutputs(env.GITHUB_OUTPUT);
  const sarifFile = outputs['sarif-file'];
  return {
    code: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
    outputs,
    summary: existsSync(env.GITHUB_STEP_SUMMARY) ? readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8') : '',
    ...(sarifFile ? { sarif: JSON.parse(readFileSync(sarifFile, 'utf8')) as ActionRun['sarif'] } : {}),
    temp,
  };
}

/** A message as the workflow command carries it (%, CR, LF escaped, as @actions/core does). */
const escape = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const uris = (run: ActionRun) => run.sarif!.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);

describe('the action on findings', () => {
  it('errors fail the step (exit 1), after writing the SARIF log, the outputs, annotations and the step summary', () => {
    const dir = workspace();
    const run = runAction(dir, { paths: 'k8s/ledger.yaml' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({ 'sarif-file': path.join(run.temp, 'grpc-drain.sarif'), errors: '1', warnings: '1', 'exit-code': '1', 'checkout-path': dir });
    expect(uris(run)).toEqual([
      { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' },
      { uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' },
    ]);
    // The doctor's own report in the log, then one annotation per finding on its line.
    expect(run.stdout).toContain('::group::grpc-drain doctor k8s/ledger.yaml\nDeployment payments/ledger  gRPC behind an NLB · k8s/ledger.yaml:11\n');
    expect(run.stdout).toContain(
      '::error file=k8s/ledger.yaml,line=30,col=5,title=grpc-drain grace-covers-drain::Deployment payments/ledger: terminationGracePeriodSeconds (30s) must be ≥ preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s)',
    );
    expect(run.stdout).toContain('::warning file=k8s/ledger.yaml,line=70,col=5,title=grpc-drain deregistration-delay-bounded::');
    expect(run.stdout).toContain('::error title=grpc-drain::1 error, 1 warning (fail-on: error)');
    expect(run.summary).toContain('### grpc-drain doctor: ✖ 1 error, 1 warning\n');
    expect(run.summary).toContain('| error | `grace-covers-drain` | Deployment/payments/ledger | k8s/ledger.yaml:30 | Deployment payments/ledger: terminationGracePeriodSeconds (30s) must be ≥');
    expect(run.summary).toContain(`fail-on: \`error\` · grpc-drain 0.1.0 · SARIF: \`${path.join(run.temp, 'grpc-drain.sarif')}\``);
  });

  it('fail-on: warning fails on warnings alone; never passes on errors; error (the default) passes on warnings', () => {
    const dir = workspace();
    const warnings = { paths: 'k8s/lingering.yml' };
    const byDefault = runAction(dir, warnings);
    expect([byDefault.code, byDefault.outputs['errors'], byDefault.outputs['warnings']]).toEqual([0, '0', '2']);
    expect(byDefault.summary).toContain('### grpc-drain doctor: ✔ 0 errors, 2 warnings');
    expect(runAction(dir, { ...warnings, 'fail-on': 'warning' }).code).toBe(1);
    const never = runAction(dir, { paths: 'k8s/ledger.yaml', 'fail-on': 'never' });
    expect([never.code, never.outputs['errors']]).toEqual([0, '1']);
  });

  it('a clean manifest passes with an empty table', () => {
    const run = runAction(workspace(), { paths: 'k8s/clean/', 'sarif-file': 'out/doctor.sarif' });
    expect(run.code).toBe(0);
    expect(run.outputs['errors']).toBe('0');
    expect(run.outputs['sarif-file']).toMatch(/[\\/]out[\\/]doctor\.sarif$/);
    expect(run.sarif!.runs[0]!.results).toEqual([]);
    expect(run.summary).toContain('### grpc-drain doctor: ✔ 0 errors, 0 warnings\n');
    expect(run.summary).not.toContain('| level |');
  });
});

describe('the action on its inputs', () => {
  it('expands globs (files only, README.md left out by the pattern, !glob excluding), relative to working-directory', () => {
    const dir = workspace();
    expect(script.expandPaths('k8s/**/*.yaml\n!k8s/clean/**', dir)).toEqual({ paths: ['k8s/ledger.yaml'], problems: [] });
    expect(script.expandPaths('k8s/*.{yaml,yml} charts/', dir)).toEqual({ paths: ['k8s/ledger.yaml', 'k8s/lingering.yml', 'charts/'], problems: [] });
    const run = runAction(dir, { paths: '**/*.y*ml\n!charts/**', 'fail-on': 'never' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::group::grpc-drain doctor k8s/clean/ledger.yaml k8s/ledger.yaml k8s/lingering.yml\n');
    const nested = runAction(dir, { paths: '*.yaml', 'working-directory': 'k8s' });
    // Run from k8s/, results are still relative to the repository root.
    expect(uris(nested)[0]).toEqual({ uri: 'k8s/ledger.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('diagnoses what render prints (a chart rendered by helm template), with the budget inputs as flags', () => {
    const dir = workspace();
    const run = runAction(dir, { render: 'node fake-helm.js template engine ./charts/engine', drain: '30s' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::group::grpc-drain doctor - --drain 30s\n');
    // 20s + 30s + 5s no longer fit the 45s grace period of the chart (test/cli: the same flag on the CLI).
    expect(run.sarif!.runs[0]!.results.map((r) => r.ruleId)).toEqual(['grace-covers-drain', 'deregistration-delay-covers-drain', 'unhealthy-drain']);
    expect(uris(run)[0]).toEqual({ uri: 'stdin', description: { text: 'The manifests read from standard input (grpc-drain doctor -).' } });
    // No file to annotate: the location goes in the message.
    expect(run.stdout).toMatch(/^::error title=grpc-drain grace-covers-drain::stdin:\d+: Deployment default\/engine: /m);
  });

  it("maps inputs to the doctor flags in the CLI's order: true/false to a switch and its --no- form, the action's own inputs left out", () => {
    expect(script.doctorFlags({ INPUT_PATHS: 'k8s/', INPUT_MAX_GRACE: 'spot', 'INPUT_KUBERNETES-VERSION': '1.31', INPUT_READINESS_GATE: 'false', INPUT_DRAIN: '', INPUT_FAIL_ON: 'never', INPUT_VERSION: '1.0.0', PATH: '/bin' })).toEqual([
      '--max-grace',
      'spot',
      '--kubernetes-version',
      '1.31',
      '--no-readiness-gate',
    ]);
    expect(script.doctorFlags({ INPUT_READINESS_GATE: 'true' }, { propagation: '30s' })).toEqual(['--propagation', '30s', '--readiness-gate']);
    expect(() => script.doctorFlags({ INPUT_READINESS_GATE: 'yes' })).toThrow('readiness-gate must be true or false; got "yes"');
  });

  it('reads the budget from budget-file (flag names as keys, or a ConfigMap\'s data): its values become the doctor\'s flags', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'budget.yaml'), '# the platform team\'s drain budget\npropagation: 30s\ndrain: 30s\nreadiness-gate: true\nkubernetes-version: "1.31"\n');
    const run = runAction(dir, { render: 'node fake-helm.js template engine ./charts/engine', 'budget-file': 'budget.yaml' });
    expect(run.stdout).toContain('::group::grpc-drain doctor - --propagation 30s --drain 30s --kubernetes-version 1.31 --readiness-gate\n');
    // The chart sleeps 20s in a 45s grace period: too short for 30s of propagation, and 20s + 30s + 5s = 55s no longer fits.
    expect(run.code).toBe(1);
    const results = run.sarif!.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['prestop-covers-propagation', 'error'],
      ['grace-covers-drain', 'error'],
      ['deregistration-delay-covers-drain', 'error'],
      ['unhealthy-drain', 'warning'],
    ]);
    expect(results[0]!.message.text).toContain('preStop sleep (20s) must be ≥ propagation (30s)');
    expect(results[1]!.message.text).toContain('(20s + 30s + 5s = 55s)');

    mkdirSync(path.join(dir, 'kustomize'));
    writeFileSync(path.join(dir, 'kustomize', 'drain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: drain-budget\ndata:\n  propagation: 25s\n  max-grace: spot\n');
    const configMap = runAction(dir, { paths: 'k8s/clean/', 'budget-file': 'kustomize/drain.yaml' });
    expect(configMap.stdout).toContain('::group::grpc-drain doctor k8s/clean/ --propagation 25s --max-grace spot\n');
  });

  it.each([
    ['drain: 15s\nwait: 5s\nhc-interval: 10s\n', {}, ['budget-file: wait is not a doctor flag (use propagation, registration, drain, cleanup, headroom, max-grace, kubernetes-version, lbc-version, readiness-gate, namespace)', 'budget-file: hc-interval is not a doctor flag']],
    ['drain: [15s]\n', {}, ['budget-file: drain must be a single value such as 30s; got ["15s"]']],
    ['- drain: 15s\n', {}, ['must map flag names to values (propagation: 30s), or be a ConfigMap whose data does']],
    ['drain: 15s\n', { drain: '20s' }, ['drain is "20s" as an input and "15s" in budget-file: give it in one place']],
    ['drain: [15s\n', {}, ['budget-file: ', 'is not valid YAML or JSON']],
  ])('a budget-file %j that cannot be used exits 2 and says which key and why', (text, inputs, messages) => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'budget.yaml'), text);
    const run = runAction(dir, { paths: 'k8s/', 'budget-file': 'budget.yaml', ...inputs });
    expect(run.code).toBe(2);
    for (const message of messages) expect(run.stdout).toContain(escape(message));
    expect(run.outputs['sarif-file']).toBe('');
  });

  it('format: json shows the report as the doctor\'s JSON in the log, and still writes the SARIF log', () => {
    const run = runAction(workspace(), { paths: 'k8s/ledger.yaml', format: 'json' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::group::grpc-drain doctor k8s/ledger.yaml -o json\n{');
    expect(run.sarif!.runs[0]!.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['grace-covers-drain', 'error'],
      ['deregistration-delay-bounded', 'warning'],
    ]);
  });

  it.each([
    [{ paths: 'k8s/*.json', 'fail-on': 'sometimes' }, ['fail-on must be one of error, warning, never; got "sometimes"']],
    [{ paths: 'k8s/*.json' }, [`paths: k8s/*.json matches no file under `]],
    [{}, ['give `paths` (files, directories or globs of manifests) or `render` (a command that prints them, e.g. helm template …)']],
    [{ paths: '-' }, ['paths: - (stdin) has nothing to read in an action; give the command that prints the manifests as `render`']],
    [{ paths: 'k8s/', version: './k8s' }, ['is not a grpc-drain package']],
    [{ paths: 'k8s/', version: 'latest; rm -rf /' }, ['version: "latest; rm -rf /" is neither an npm version or tag nor a path']],
    [{ render: 'node fake-helm.js lint' }, ['render: `node fake-helm.js lint` failed (exit 1): Error: unknown command']],
    [{ paths: 'k8s/', format: 'yaml' }, ['format must be one of text, json (the report in the log; the SARIF log is always written); got "yaml"']],
    [{ paths: 'k8s/', 'budget-file': 'nowhere.yaml' }, ['budget-file: cannot read ', 'nowhere.yaml: no such file']],
  ])('bad inputs %j exit 2 with what to change, and write no SARIF', (inputs, messages) => {
    const run = runAction(workspace(), inputs);
    expect(run.code).toBe(2);
    for (const message of messages) expect(run.stdout).toContain(message);
    expect(run.stdout).toMatch(/^::error title=grpc-drain::/m);
    expect(run.outputs['sarif-file']).toBe('');
  });

  it('unusable input exits 2 whatever fail-on says, says why in the summary, and removes a SARIF log left by an earlier step', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'k8s', 'broken.yaml'), 'a: [1,\nb: c\n');
    const temp = mkdtempSync(path.join(tmpdir(), 'grpc-drain-runner-temp-'));
    writeFileSync(path.join(temp, 'grpc-drain.sarif'), '{"stale": true}');
    const run = runAction(dir, { paths: 'k8s/broken.yaml', 'fail-on': 'never' }, { temp });
    expect(run.code).toBe(2);
    expect(run.outputs).toEqual({ 'sarif-file': '', errors: '', warnings: '', 'exit-code': '2', 'checkout-path': '' });
    expect(existsSync(path.join(temp, 'grpc-drain.sarif'))).toBe(false);
    expect(run.summary).toContain('### grpc-drain doctor: unusable input\n\nThe doctor could not read the input, so no SARIF log was written or uploaded.');
    expect(run.summary).toContain('grpc-drain: k8s/broken.yaml:3:1: document 1 is not valid YAML (unexpected end of the stream within a flow collection)');
    expect(run.stdout).toContain('::error title=grpc-drain::the doctor could not use the input:%0Agrpc-drain: k8s/broken.yaml:3:1: document 1 is not valid YAML');
  });

  it('a bad budget value is the doctor\'s own message (budget-valid), exit 2', () => {
    const run = runAction(workspace(), { paths: 'k8s/', drain: 'soon' });
    expect(run.code).toBe(2);
    expect(run.summary).toContain('grpc-drain: [budget-valid] --drain must be a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds; got "soon".');
  });
});

describe('installing grpc-drain', () => {
  /** An `npm` first on PATH that logs its arguments and "installs" grpc-drain by linking the package built from source. */
  function fakeNpm(fail = false): { env: Record<string, string>; calls: () => string[][] } {
    const bin = mkdtempSync(path.join(tmpdir(), 'grpc-drain-fake-npm-'));
    const log = path.join(bin, 'calls.jsonl');
    writeFileSync(
      path.join(bin, 'npm'),
      [
        '#!/usr/bin/env node',
        "const fs = require('fs'); const path = require('path');",
        'fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify(process.argv.slice(2)) + "\\n");',
        "if (process.env.FAKE_NPM_FAIL) { console.error('npm error 404 Not Found - GET https://registry.npmjs.org/grpc-drain'); process.exit(1); }",
        "const prefix = process.argv[process.argv.indexOf('--prefix') + 1];",
        "fs.mkdirSync(path.join(prefix, 'node_modules'), { recursive: true });",
        "fs.symlinkSync(process.env.FAKE_NPM_PACKAGE, path.join(prefix, 'node_modules', 'grpc-drain'), 'dir');",
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_NPM_LOG: log, FAKE_NPM_PACKAGE: cliPackage, ...(fail && { FAKE_NPM_FAIL: '1' }) };
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) : []);
    return { env, calls };
  }

  // The fake npm is a script with a #! line: not an executable on Windows.
  const onPosix = process.platform === 'win32' ? it.skip : it;

  onPosix("runs the action's own version (its package.json) from npm into RUNNER_TEMP, once per job", () => {
    const dir = workspace();
    const npm = fakeNpm();
    const temp = mkdtempSync(path.join(tmpdir(), 'grpc-drain-runner-temp-'));
    const first = runAction(dir, { paths: 'k8s/clean/' }, { temp, env: npm.env });
    expect(first.code).toBe(0);
    const prefix = path.join(temp, 'grpc-drain-0.1.0');
    expect(npm.calls()).toEqual([['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', 'grpc-drain@0.1.0']]);
    expect(first.stdout).toContain('::group::npm install grpc-drain@0.1.0');
    // A second use of the action in the same job finds it installed.
    expect(runAction(dir, { paths: 'k8s/clean/' }, { temp, env: npm.env }).code).toBe(0);
    expect(npm.calls()).toHaveLength(1);
  });

  onPosix('takes another npm version from `version`, and says what to do when npm cannot install it', () => {
    const npm = fakeNpm(true);
    const run = runAction(workspace(), { paths: 'k8s/clean/', version: '0.2.0' }, { env: npm.env });
    expect(npm.calls()[0]).toContain('grpc-drain@0.2.0');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('npm error 404 Not Found');
    expect(run.stdout).toContain('::error title=grpc-drain::npm install grpc-drain@0.2.0 failed (exit 1): is the npm registry reachable from this runner? (version can also be a path to an installed grpc-drain)');
  });
});

describe('action.yml', () => {
  it('is a composite action at the repository root (where the Marketplace and uses: owner/repo@v1 look)', () => {
    expect(action.runs.using).toBe('composite');
  });

  it('takes every budget flag of the doctor, by the same name, and no other input but its own', () => {
    const doctorFlags = [...DOCTOR_BUDGET_FIELDS.map((field) => BUDGET_FLAGS.find((f) => f.field === field)!.flag.replace(/^--/, '')), 'namespace'];
    expect(script.DOCTOR_INPUTS).toEqual(doctorFlags);
    const own = ['paths', 'render', 'working-directory', 'budget-file', 'sarif-file', 'format', 'fail-on', 'annotations', 'upload', 'category', 'version', 'node-version'];
    expect(Object.keys(action.inputs).sort()).toEqual([...doctorFlags, ...own].sort());
  });

  it('hands the doctor step every input the script reads, each under its INPUT_ name', () => {
    const stepOnly = ['upload', 'category', 'node-version'];
    const mapped = Object.entries(doctorStep.env!).map(([key, value]) => [key, value]);
    expect(mapped).toEqual(Object.keys(action.inputs).filter((name) => !stepOnly.includes(name)).map((name) => [`INPUT_${name.toUpperCase().replace(/-/g, '_')}`, `\${{ inputs.${name} }}`]));
    expect(doctorStep.run).toBe('node "$GITHUB_ACTION_PATH/scripts/action/doctor.js"');
  });

  it('uploads after a failing doctor step too (not after a cancel), only when a log was written, to the repository root', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(upload.if).toBe("${{ !cancelled() && inputs.upload == 'true' && steps.doctor.outputs.sarif-file != '' }}");
    expect(upload.with).toEqual({ sarif_file: '${{ steps.doctor.outputs.sarif-file }}', category: '${{ inputs.category }}', checkout_path: '${{ steps.doctor.outputs.checkout-path }}' });
    expect(action.inputs['upload']!.default).toBe('false');
    // The job's node stays as the workflow set it unless node-version asks for another.
    expect(action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))).toMatchObject({ uses: 'actions/setup-node@v6', if: "${{ inputs.node-version != '' }}" });
    expect(action.inputs['node-version']!.default).toBe('');
    expect(Object.keys(action.outputs)).toEqual(['sarif-file', 'errors', 'warnings', 'exit-code']);
  });
});

describe('docs/github-action.md', () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'github-action.md'), 'utf8');
  const workflow = parse(/```yaml\n(name: drain doctor\n[\s\S]*?)```/.exec(doc)![1]!) as {
    permissions: Record<string, string>;
    jobs: { doctor: { steps: { id?: string; uses?: string; if?: string; with?: Record<string, string> }[] } };
  };
  const steps = workflow.jobs.doctor.steps;

  it('lists every input of action.yml in its inputs table, and every output', () => {
    const table = doc.slice(doc.indexOf('## Inputs'), doc.indexOf('## Outputs'));
    for (const name of Object.keys(action.inputs)) expect(table).toContain(`\`${name}\``);
    const outputs = doc.slice(doc.indexOf('## Outputs'));
    for (const name of Object.keys(action.outputs)) expect(outputs).toContain(`\`${name}\``);
  });

  it('shows a workflow that checks out, sets up node, renders, runs the action with its real inputs, and uploads with if: always() and security-events: write', () => {
    expect(workflow.permissions['security-events']).toBe('write');
    expect(steps.map((s) => s.uses?.replace(/@.*/, '') ?? 'run')).toEqual(['actions/checkout', 'actions/setup-node', 'azure/setup-helm', 'run', 'grpc-drain/grpc-drain', 'github/codeql-action/upload-sarif']);
    const doctor = steps.find((s) => s.uses?.startsWith('grpc-drain/grpc-drain@'))!;
    for (const name of Object.keys(doctor.with!)) expect(action.inputs).toHaveProperty([name]);
    const upload = steps.at(-1)!;
    expect(upload.if).toMatch(/^always\(\) && steps\.drain\.outputs\.sarif-file != ''$/);
    expect(upload.uses).toBe(action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!.uses);
    expect(upload.with!['sarif_file']).toBe(`\${{ steps.${doctor.id!}.outputs.sarif-file }}`);
  });

  it("its budget file is one the action takes", () => {
    const dir = workspace();
    mkdirSync(path.join(dir, '.github'));
    writeFileSync(path.join(dir, '.github', 'drain-budget.yaml'), /```yaml\n(propagation: [\s\S]*?)```/.exec(doc)![1]!);
    const run = runAction(dir, { paths: 'k8s/clean/', 'budget-file': '.github/drain-budget.yaml', 'fail-on': 'never' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::group::grpc-drain doctor k8s/clean/ --propagation 30s --drain 15s --cleanup 5s --max-grace spot --readiness-gate\n');
  });
});
