/**
 * Bench of `grpc-drain doctor` (`npm run bench:doctor`): generates a file of 20,000
 * documents (Deployments, Services and PodDisruptionBudgets in the proportions of a real
 * cluster dump), then, in the same run, times the doctor on it and the YAML library alone
 * parsing it, and prints both and the ratio (target: doctor ≤ 3 × parse).
 *
 *   npm run bench:doctor [-- --documents 20000 --runs 3]
 */
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parseAllDocuments, stringify } from 'yaml';
import { diagnoseManifests, formatText } from '../../src/doctor';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const DOCUMENTS = flag('documents', 20_000);
const RUNS = flag('runs', 3);
const NAMESPACES = 40;

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
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: app, namespace },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': app } } },
  };
}

/** Per app: a Deployment and a Service, and for two apps in three a PodDisruptionBudget. */
function generate(documents: number): string {
  const r = random(42);
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < documents; i += 1) {
    const app = `svc-${i}`;
    const namespace = `team-${i % NAMESPACES}`;
    const objects = [deployment(app, namespace, r), service(app, namespace, r), ...(i % 3 !== 2 ? [pdb(app, namespace)] : [])];
    for (const object of objects) {
      if (count >= documents) break;
      parts.push(stringify(object));
      count += 1;
    }
  }
  return parts.join('---\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

const text = generate(DOCUMENTS);
const out = path.join(__dirname, 'out');
mkdirSync(out, { recursive: true });
const file = path.join(out, `manifests-${DOCUMENTS}.yaml`);
writeFileSync(file, text);

const parse = () => parseAllDocuments(text).map((doc) => doc.toJS());
const doctor = () => diagnoseManifests([{ path: file, text }]);

// Warm up both paths once (JIT), then alternate so that neither gets a warmer machine.
parse();
doctor();
const parseMs: number[] = [];
const doctorMs: number[] = [];
const formatMs: number[] = [];
let report = doctor();
for (let run = 0; run < RUNS; run += 1) {
  parseMs.push(time(parse).ms);
  const timed = time(doctor);
  report = timed.result;
  doctorMs.push(timed.ms);
  formatMs.push(time(() => formatText(report)).ms);
}

const p = median(parseMs);
const d = median(doctorMs);
const f = median(formatMs);
const lines = [
  `grpc-drain doctor bench: ${DOCUMENTS} documents, ${(text.length / 1024 / 1024).toFixed(1)} MiB (${file}), median of ${RUNS} runs`,
  `  objects read        ${report.objectCount}; gRPC workloads behind an NLB: ${report.workloads.length}; findings: ${report.errorCount} errors, ${report.warningCount} warnings`,
  `  yaml parse alone    ${p.toFixed(0)} ms  (parseAllDocuments + toJS)`,
  `  doctor              ${d.toFixed(0)} ms  (parse + extract + rules + plans + fix fragments)`,
  `  doctor + text       ${(d + f).toFixed(0)} ms  (+ ${f.toFixed(0)} ms to format the report)`,
  `  ratio doctor/parse  ${(d / p).toFixed(2)}  (with text output ${((d + f) / p).toFixed(2)}; target ≤ 3)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if ((d + f) / p > 3) process.exitCode = 1;
