/**
 * `grpc-drain retrofit` as its three callers run it: a pipe, a Helm 3 post-renderer (manifests
 * on stdin, `--post-renderer-args` as arguments, YAML on stdout, a non-zero exit fails the
 * release) and a kustomize exec KRM function (run without arguments, a ResourceList on stdin
 * and out). In-process through `main`, and twice as a real process.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { main, type CliIo } from '../../src/cli';
import { readFixture } from '../doctor/helpers';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: readonly string[], stdin: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const NO_STACK = /\n\s+at /;
const CONFIG = `# Source: engine/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: engine-config   # kept as written
data:
  LOG_LEVEL: 'info'
`;
/** What `helm template` prints: documents with `# Source:` comments; the first one untouched by the retrofit. */
const RENDERED = `---\n${CONFIG}---\n${readFixture('01-econnrefused.yaml')}`;

describe('grpc-drain retrofit as a pipe and a Helm post-renderer', () => {
  it('reads stdin, writes the manifests to stdout with the plan applied, and what it did to stderr', async () => {
    // Helm passes each --post-renderer-args value as one argument.
    const r = await run(['retrofit', '--propagation=30s'], RENDERED);
    expect(r.code).toBe(0);
    // The untouched document comes out byte for byte, its comments with it.
    expect(r.stdout.startsWith(`---\n${CONFIG}---\n# Row 1 of the self-diagnosis table`)).toBe(true);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any>);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget']);
    const pod = docs[1]!.spec.template.spec;
    // S = 30, G = 30 + 10 + 5 + 10 = 55 (more than the 45 it had), R = 55.
    expect(pod.terminationGracePeriodSeconds).toBe(55);
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
    expect(docs[2]!.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']).toMatch(/^deregistration_delay\.timeout_seconds=55,/);
    // A changed document keeps its comments too (edited in place).
    expect(r.stdout).toContain('# Helm-style output: no namespace in metadata, no preStop hook at all.');
    expect(r.stderr).toContain('grpc-drain retrofit: info: Deployment default/engine: spec.template.spec.terminationGracePeriodSeconds: 45 → 55.\n');
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('reads files and directories like the doctor, and - as stdin; -q keeps stderr to warnings', async () => {
    const file = path.join(__dirname, '..', 'fixtures', 'doctor', '02-sigkill.yaml');
    const r = await run(['retrofit', file, '-q'], '');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(parseAllDocuments(r.stdout).length).toBeGreaterThan(1);
    const piped = await run(['retrofit', '-', '--quiet'], readFixture('02-sigkill.yaml'));
    expect(piped.stdout).toBe(r.stdout);
  });

  it('writes untouched input back byte for byte', async () => {
    const r = await run(['retrofit', '--match', 'name=nothing-matches'], RENDERED);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(RENDERED);
  });

  it('exits 2 with every problem and writes nothing on an unsafe budget, bad flags or unknown flags', async () => {
    const r = await run(['retrofit', '--propagation', '0', '--drain', 'abc', '--propogation', '5s', '--match', 'colour=red', '--scheme', 'public'], RENDERED);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      "grpc-drain: unknown option '--propogation' (did you mean --propagation?)",
      'grpc-drain: --match takes kind=VALUE, namespace=VALUE, name=VALUE, label=KEY=VALUE; got "colour=red".',
      'grpc-drain: [budget-valid] --drain must be a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds; got "abc".',
      expect.stringMatching(/^grpc-drain: \[budget-valid\] --scheme must be 'internal' or 'internet-facing'; got "public"/),
      expect.stringMatching(/^grpc-drain: \[budget-valid\] --propagation must be 1–3600s/),
    ]);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('renames and drops contract variables with --contract-env, as contractEnv does', async () => {
    const r = await run(['retrofit', '-q', '--contract-env', 'drainTimeout=SERVER_GRPC_SHUTDOWN_TIMEOUT:duration', '--contract-env', 'livenessPath=false', '--contract-env', 'healthPort=ADMIN_PORT'], RENDERED);
    expect(r.code).toBe(0);
    const deployment = parseAllDocuments(r.stdout).map((d) => d.toJS()).find((o) => o?.kind === 'Deployment');
    const env = deployment.spec.template.spec.containers[0].env as { name: string; value: string }[];
    const names = env.map((v) => v.name);
    // Renamed where the contract puts them (the drain timeout as a Go duration), the liveness path left out.
    expect(env.find((v) => v.name === 'SERVER_GRPC_SHUTDOWN_TIMEOUT')).toEqual({ name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', value: '10s' });
    expect(names).toContain('ADMIN_PORT');
    expect(names).toContain('GRPC_DRAIN_PRESTOP_SECONDS');
    expect(names).not.toContain('GRPC_DRAIN_TIMEOUT_SECONDS');
    expect(names).not.toContain('GRPC_DRAIN_HEALTH_PORT');
    expect(names).not.toContain('GRPC_DRAIN_LIVE_PATH');
  });

  it('exits 2 with every --contract-env problem, in the flag\'s words', async () => {
    const r = await run(['retrofit', '--contract-env', 'drainTime=X', '--contract-env', 'healthPort=1BAD', '--contract-env', 'nope', '--contract-env', 'cleanup=C:minutes'], RENDERED);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'grpc-drain: --contract-env takes KEY=NAME, KEY=NAME:duration (or :seconds) or KEY=false, KEY one of preStop, drainTimeout, cleanup, healthPort, readinessPath, livenessPath; got "nope".',
      'grpc-drain: --contract-env takes KEY=NAME, KEY=NAME:duration (or :seconds) or KEY=false, KEY one of preStop, drainTimeout, cleanup, healthPort, readinessPath, livenessPath; got "cleanup=C:minutes".',
      'grpc-drain: [budget-valid] --contract-env drainTime is not a contract variable; use one of preStop, drainTimeout, cleanup, healthPort, readinessPath, livenessPath.',
      expect.stringMatching(/^grpc-drain: \[budget-valid\] --contract-env healthPort must be an environment variable name .*"1BAD"/),
    ]);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('exits 2 and writes nothing when a document cannot be read (Helm would drop it from the release)', async () => {
    const r = await run(['retrofit'], `${RENDERED}---\nkind: Service\nmetadata: {name: [\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^grpc-drain: -:\d+:\d+: document 5 is not valid YAML/);
  });
});

/** A ResourceList as kustomize writes it to an exec function's stdin. */
function resourceList(functionConfig: Record<string, unknown> | undefined): string {
  const items = parseAllDocuments(readFixture('01-econnrefused.yaml')).map((d) => d.toJS());
  items[0].metadata.annotations = { 'config.kubernetes.io/index': '0', 'internal.config.kubernetes.io/path': 'engine.yaml' };
  return JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items, ...(functionConfig && { functionConfig }) });
}

const FUNCTION_ANNOTATIONS = { 'config.kubernetes.io/function': 'exec:\n  path: ./grpc-drain-retrofit\n' };

describe('grpc-drain as a kustomize exec KRM function', () => {
  it('run without arguments, turns a ResourceList into a ResourceList, the budget from a ConfigMap functionConfig', async () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drain', annotations: FUNCTION_ANNOTATIONS }, data: { propagation: '30s', 'kubernetes-version': '1.29' } };
    const r = await run([], resourceList(config));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = parse(r.stdout);
    expect(out.apiVersion).toBe('config.kubernetes.io/v1');
    expect(out.kind).toBe('ResourceList');
    expect(out.functionConfig).toEqual(config);
    expect(out.items.map((i: { kind: string }) => i.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    const deployment = out.items[0];
    // kustomize's own annotations stay on the items.
    expect(deployment.metadata.annotations['internal.config.kubernetes.io/path']).toBe('engine.yaml');
    // Kubernetes 1.29: the sleep is an exec of sleep 30 (the native sleep action needs 1.30).
    expect(deployment.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '30'] } } });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    expect(out.results).toContainEqual({
      message: 'spec.template.spec.terminationGracePeriodSeconds: 45 → 55.',
      severity: 'info',
      resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'engine', namespace: 'default' },
      field: { path: 'spec.template.spec.terminationGracePeriodSeconds' },
    });
  });

  it('takes contract-env in a ConfigMap functionConfig as a comma-separated text', async () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drain', annotations: FUNCTION_ANNOTATIONS }, data: { 'contract-env': 'drainTimeout=SHUTDOWN_TIMEOUT, livenessPath=false', quiet: 'true' } };
    const r = await run([], resourceList(config));
    expect(r.code).toBe(0);
    const env = parse(r.stdout).items[0].spec.template.spec.containers[0].env as { name: string }[];
    expect(env.map((v) => v.name)).toEqual(expect.arrayContaining(['SHUTDOWN_TIMEOUT', 'GRPC_DRAIN_PRESTOP_SECONDS']));
    expect(env.map((v) => v.name)).not.toContain('GRPC_DRAIN_LIVE_PATH');
  });

  it('takes a typed DrainBudget functionConfig, and its flags through `grpc-drain retrofit` too', async () => {
    const config = { apiVersion: 'grpc-drain.dev/v1alpha1', kind: 'DrainBudget', metadata: { name: 'drain', annotations: FUNCTION_ANNOTATIONS }, spec: { propagation: '40s', quiet: true, 'runtime-contract': true } };
    const r = await run(['retrofit'], resourceList(config));
    expect(r.code).toBe(0);
    const out = parse(r.stdout);
    const container = out.items[0].spec.template.spec.containers[0];
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 40 } } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
    // quiet: what was done is not listed; the one warning left is the assumed Kubernetes version.
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ severity: 'warning', field: { path: 'spec.template.spec.containers[0].lifecycle.preStop' } });
    expect(out.results[0].message).toContain('needs Kubernetes ≥ 1.30 (assumed, since no Kubernetes version was given)');
  });

  it('exits 2 with every problem of the functionConfig and writes nothing', async () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drain' }, data: { propagation: '0s', colour: 'red', 'readiness-gate': 'maybe' } };
    const r = await run([], resourceList(config));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'grpc-drain: functionConfig data.readiness-gate must be true or false; got "maybe".',
      "grpc-drain: functionConfig key 'colour' is not a flag of grpc-drain retrofit",
      expect.stringMatching(/^grpc-drain: \[budget-valid\] --propagation must be 1–3600s/),
    ]);
  });
});

describe('grpc-drain retrofit as a real process', () => {
  const root = path.join(__dirname, '..', '..');
  const cli = path.join(root, 'src', 'cli.ts');
  const spawn = (args: string[], input: string) => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], { input, encoding: 'utf8', cwd: root });

  it('as Helm runs it: stdin to stdout, exit 0; an unsafe budget exits 2 with nothing on stdout', () => {
    const ok = spawn(['retrofit', '--propagation=30s', '-q'], RENDERED);
    expect(ok.status).toBe(0);
    expect(parseAllDocuments(ok.stdout)[1]!.toJS().spec.template.spec.terminationGracePeriodSeconds).toBe(55);
    const bad = spawn(['retrofit', '--propagation=0'], RENDERED);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^grpc-drain: \[budget-valid\] --propagation must be 1–3600s/);
    expect(bad.stderr).not.toMatch(NO_STACK);
  }, 120_000);

  it('as kustomize runs it: no arguments, a ResourceList in and out', () => {
    const r = spawn([], resourceList({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drain' }, data: { propagation: '30s', quiet: 'true' } }));
    expect(r.status).toBe(0);
    expect(parse(r.stdout).items[0].spec.template.spec.terminationGracePeriodSeconds).toBe(55);
  }, 120_000);
});
