/**
 * Bench of `grpc-drain doctor` (`npm run bench:doctor`). Generates a multi-document file in the
 * proportions of a real cluster dump (Deployments, Services, some of them NLBs of the LBC,
 * PodDisruptionBudgets), builds the CLI, and in the same run times, as whole processes (Node
 * start, module loading, reading the file, output to /dev/null):
 *
 * - the doctor: `node lib/cli.js doctor FILE` (text report of every finding);
 * - the reference: js-yaml's `safeLoadAll` of the same file (js-yaml 3's name for what js-yaml
 *   4 calls `loadAll`: the safe schema) and nothing else;
 * - an empty Node process, for the memory baseline.
 *
 * It prints MB/s, the ratio doctor/js-yaml (target ≤ 1.5 on 2 MiB), the peak RSS of each and
 * the doctor's memory above an empty Node process as a multiple of the input (target ≤ 10), and
 * the doctor's own phases in-process. `--huge` also feeds a 200 MiB file to the CLI to show that
 * the input limit refuses it with one line instead of a V8 heap abort.
 *
 *   npm run bench:doctor [-- --mib 2 --runs 5 --huge]
 */
import { execFileSync, spawnSync } from 'child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { safeDump } from '../../src/doctor/input/js-yaml';
import { diagnose, formatText, readManifestText } from '../../src/doctor';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const MIB = flag('mib', 2);
const RUNS = Math.round(flag('runs', 5));
const HUGE = process.argv.includes('--huge');
const NAMESPACES = 40;
const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(__dirname, 'out');
const LIB = path.join(OUT, 'lib');
const PROBE = path.join(__dirname, 'rss-probe.js');

/** A deterministic pseudo-random sequence (mulberry32), so every run benches the same file. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deployment(app: string, namespace: string, r: () => number): object {
  const preStop = r() < 0.6 ? { lifecycle: { preStop: r() < 0.7 ? { sleep: { seconds: r() < 0.8 ? 20 : 5 } } : { exec: { command: ['/bin/sh', '-c', 'sleep 15'] } } } } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace, labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', 'helm.sh/chart': `${app}-1.2.3` } },
    spec: {
      replicas: 1 + Math.floor(r() * 6),
      revisionHistoryLimit: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: r() < 0.5 ? 0 : '25%' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' } },
        spec: {
          serviceAccountName: app,
          ...(r() < 0.5 && { terminationGracePeriodSeconds: r() < 0.5 ? 45 : 300 }),
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: app,
              image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.${Math.floor(r() * 40)}.0`,
              imagePullPolicy: 'IfNotPresent',
              args: ['--config=/etc/app/config.yaml', '--log-format=json'],
              ports: [
                { name: 'grpc', containerPort: 7070, protocol: 'TCP' },
                { name: 'health', containerPort: 8080, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
              ],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
              ],
              ...preStop,
              readinessProbe: { httpGet: { path: '/ready', port: 'health' }, periodSeconds: 5, failureThreshold: 2 },
              livenessProbe: { httpGet: { path: r() < 0.1 ? '/ready' : '/live', port: 'health' }, periodSeconds: 10 },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: `${app}-config` } }],
        },
      },
    },
  };
}

function service(app: string, namespace: string, r: () => number): object {
  const nlb = r() < 0.35;
  const annotations: Record<string, string> = nlb
    ? {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        ...(r() < 0.6 && {
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8080',
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': r() < 0.7 ? '/ready' : '/live',
        }),
        ...(r() < 0.5 && {
          'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'deregistration_delay.timeout_seconds=45,deregistration_delay.connection_termination.enabled=true',
        }),
      }
    : {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace, labels: { 'app.kubernetes.io/name': app }, ...(nlb && { annotations }) },
    spec: {
      type: nlb ? 'LoadBalancer' : 'ClusterIP',
      selector: { 'app.kubernetes.io/name': app },
      ports: [
        { name: 'grpc', port: nlb ? 443 : 7070, targetPort: 'grpc', protocol: 'TCP' },
        { name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

function pdb(app: string, namespace: string): object {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: app, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': app } } } };
}

/** Writes documents to `file` until it holds `bytes`: per app a Deployment, a Service and, for two apps in three, a PDB. */
function generate(file: string, bytes: number): { documents: number; bytes: number } {
  const r = random(42);
  const fd = openSync(file, 'w');
  let written = 0;
  let documents = 0;
  for (let i = 0; written < bytes; i += 1) {
    const app = `svc-${i}`;
    const namespace = `team-${i % NAMESPACES}`;
    for (const object of [deployment(app, namespace, r), service(app, namespace, r), ...(i % 3 !== 2 ? [pdb(app, namespace)] : [])]) {
      const text = `---\n${safeDump(object, { lineWidth: -1 })}`;
      written += writeSync(fd, text);
      documents += 1;
    }
  }
  closeSync(fd);
  return { documents, bytes: written };
}

interface ProcessRun {
  readonly ms: number;
  /** CPU time, user + system. */
  readonly cpuMs: number;
  readonly rssKiB: number;
  readonly status: number | null;
  readonly stderr: string;
}

/** Runs a whole Node process with the RSS probe; stdout goes to /dev/null. */
function runNode(args: readonly string[]): ProcessRun {
  const rssFile = path.join(OUT, `rss-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  const start = performance.now();
  const child = spawnSync(process.execPath, ['-r', PROBE, ...args], { cwd: ROOT, env: { ...process.env, GRPC_DRAIN_BENCH_RSS: rssFile, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  const [rss, cpu] = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').split(' ').map(Number) : [NaN, NaN];
  return { ms, cpuMs: cpu! / 1000, rssKiB: rss!, status: child.status, stderr: child.stderr };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

mkdirSync(OUT, { recursive: true });
process.stdout.write('building the CLI (tsc -p tsconfig.build.json) …\n');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', LIB], { cwd: ROOT, stdio: 'inherit' });

const file = path.join(OUT, `manifests-${MIB}MiB.yaml`);
const { documents, bytes } = generate(file, MIB * 1024 * 1024);
const cli = path.join(LIB, 'cli.js');
const jsYamlScript = `const y = require('js-yaml'); y.safeLoadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'), () => {});`;

// Warm the page cache and both paths once, then alternate so that neither gets a quieter machine.
runNode([cli, 'doctor', file]);
runNode(['-e', jsYamlScript]);
const doctorRuns: ProcessRun[] = [];
const jsYamlRuns: ProcessRun[] = [];
const emptyRuns: ProcessRun[] = [];
for (let run = 0; run < RUNS; run += 1) {
  doctorRuns.push(runNode([cli, 'doctor', file]));
  jsYamlRuns.push(runNode(['-e', jsYamlScript]));
  emptyRuns.push(runNode(['-e', '0']));
}
const failed = doctorRuns.find((r) => r.status !== 0 && r.status !== 1);
if (failed) throw new Error(`the doctor exited ${failed.status}: ${failed.stderr}`);

// The doctor's phases, in this process (after a warm-up).
const text = readFileSync(file, 'utf8');
const phases = () => {
  const read = time(() => readManifestText({ path: file, text }));
  const report = time(() => diagnose(read.result.objects));
  const output = time(() => formatText(report.result));
  return { read: read.ms, diagnose: report.ms, format: output.ms, report: report.result };
};
phases();
const inProcess = Array.from({ length: RUNS }, phases);

const mb = bytes / 1e6;
const doctorMs = median(doctorRuns.map((r) => r.ms));
const jsYamlMs = median(jsYamlRuns.map((r) => r.ms));
const emptyMs = median(emptyRuns.map((r) => r.ms));
const doctorCpu = median(doctorRuns.map((r) => r.cpuMs));
const jsYamlCpu = median(jsYamlRuns.map((r) => r.cpuMs));
const emptyCpu = median(emptyRuns.map((r) => r.cpuMs));
const doctorRss = median(doctorRuns.map((r) => r.rssKiB));
const jsYamlRss = median(jsYamlRuns.map((r) => r.rssKiB));
const emptyRss = median(emptyRuns.map((r) => r.rssKiB));
const ratio = doctorMs / jsYamlMs;
const cpuRatio = doctorCpu / jsYamlCpu;
const memory = ((doctorRss - emptyRss) * 1024) / bytes;
const report = inProcess[0]!.report;
const lines = [
  `grpc-drain doctor bench: ${documents} documents, ${(bytes / 1024 / 1024).toFixed(2)} MiB (${file}), median of ${RUNS} runs, whole processes`,
  `  objects read           ${report.objectCount}; workloads behind a load balancer: ${report.workloads.length}; findings: ${report.errorCount} errors, ${report.warningCount} warnings`,
  `  doctor (CLI, text)     ${doctorMs.toFixed(0)} ms wall, ${doctorCpu.toFixed(0)} ms CPU  ${(mb / (doctorMs / 1000)).toFixed(1)} MB/s  peak RSS ${(doctorRss / 1024).toFixed(1)} MiB`,
  `  js-yaml safeLoadAll    ${jsYamlMs.toFixed(0)} ms wall, ${jsYamlCpu.toFixed(0)} ms CPU  ${(mb / (jsYamlMs / 1000)).toFixed(1)} MB/s  peak RSS ${(jsYamlRss / 1024).toFixed(1)} MiB`,
  `  empty node process     ${emptyMs.toFixed(0)} ms wall, ${emptyCpu.toFixed(0)} ms CPU  peak RSS ${(emptyRss / 1024).toFixed(1)} MiB`,
  `  ratio doctor/js-yaml   ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU  (target ≤ 1.5)`,
  `  memory above node      ${((doctorRss - emptyRss) / 1024).toFixed(1)} MiB = ${memory.toFixed(1)} × the input  (target ≤ 10)`,
  `  in-process phases      read ${median(inProcess.map((p) => p.read)).toFixed(0)} ms, diagnose ${median(inProcess.map((p) => p.diagnose)).toFixed(0)} ms, format ${median(inProcess.map((p) => p.format)).toFixed(0)} ms`,
];
process.stdout.write(`${lines.join('\n')}\n`);
// CPU time decides: wall time on a shared machine measures the neighbours too.
if (cpuRatio > 1.5 || memory > 10) process.exitCode = 1;

if (HUGE) {
  const huge = path.join(OUT, 'manifests-200MiB.yaml');
  const made = generate(huge, 200 * 1024 * 1024);
  const run = runNode([cli, 'doctor', huge]);
  process.stdout.write(
    `  200 MiB input          ${(made.bytes / 1024 / 1024).toFixed(0)} MiB: exit ${run.status} in ${run.ms.toFixed(0)} ms, peak RSS ${(run.rssKiB / 1024).toFixed(1)} MiB; stderr: ${run.stderr.trim()}\n`,
  );
  rmSync(huge, { force: true });
  if (run.status !== 2) process.exitCode = 1;
}
writeFileSync(path.join(OUT, 'last-run.txt'), `${lines.join('\n')}\n`);
