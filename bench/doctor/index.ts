/**
 * Bench of `grpc-drain doctor` (`npm run bench:doctor`). Generates two multi-document inputs
 * and, for each, builds the CLI and in the same run times, as whole processes (Node start,
 * module loading, reading the file, output to /dev/null):
 *
 * - the doctor: `node lib/cli.js doctor FILE` (text report of every finding), lib/ built as
 *   `npm run build` builds it (tsc, then the bin bundled by scripts/bundle-cli.js);
 * - the reference: js-yaml 4's `loadAll` of the same file (the js-yaml the doctor parses with, its
 *   default schema) and nothing else; and, so that the reference is not swapped unseen, js-yaml
 *   3's `safeLoadAll` (the doctor's loader before, kept as the dev dependency `js-yaml-3`), whose
 *   ratio is printed beside it;
 * - the doctor on a one-object file (its fixed cost: Node and its modules);
 * - an empty Node process, for the memory baseline.
 *
 * The inputs (`--mix workloads|charts` runs one): `workloads`, only Deployments, their Services
 * (a third of them NLBs of the LBC) and PodDisruptionBudgets, every document one the doctor
 * reads, its worst case; `charts`, releases of charts as `helm template` renders them
 * (CRDs, ConfigMaps, Secrets, ServiceAccounts, RBAC beside the Deployments, Services and PDBs).
 * The proportions are fixed in inputs.ts (`objectsOf`), never tuned to the targets.
 *
 * It prints the kinds, MB/s, the ratio doctor/js-yaml (target ≤ 1.5 on 2 MiB), the peak RSS
 * of each, the memory the input costs (target ≤ 10 × the input): how much the peak RSS grows
 * per byte of input from the 2 MiB file to one `--scale` (8) times larger of the same mix, for
 * the doctor and js-yaml 4 — the fixed costs (Node, the modules, the code V8 compiles, its young
 * generation, which grows to its 16 MiB semi-spaces on either file) cancel out; and, beside it,
 * the doctor's memory above an empty Node process and above its own one-object run on the
 * 2 MiB file, fixed costs included; the load average, the doctor's own phases
 * in-process, and its YAML readers alone in-process (its fast path, `fastLoad`, and js-yaml's
 * `safeLoadAll`, which reads what the fast path gives up on) in MB/s. `--huge` also feeds a 200 MiB file to the CLI to show that the input limit
 * refuses it with one line instead of a V8 heap abort. `--baseline DIR` also times another build
 * of the CLI (`DIR/cli.js`, e.g. the commit before a change, built with `tsc --outDir` and
 * `node scripts/bundle-cli.js DIR`) in the
 * same runs, for an A/B on the same machine load.
 *
 *   npm run bench:doctor [-- --mib 2 --scale 8 --runs 5 --mix charts --huge --baseline bench/doctor/out/base/lib]
 */
import { execFileSync, spawnSync } from 'child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'fs';
import { cpus, loadavg } from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { diagnose, formatText, readManifestText } from '../../src/doctor';
import { isReadKind, isWorkloadKind } from '../../src/doctor/views/read';
import { fastLoad } from '../../src/doctor/input/block-yaml';
import { splitDocuments } from '../../src/doctor/input/documents';
import { safeLoadAll } from '../../src/doctor/input/js-yaml';
import { inputDocuments, type Mix } from './inputs';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const MIB = flag('mib', 2);
/** The larger file is this many times the first (the memory the input costs is measured between them). */
const SCALE = flag('scale', 8);
const RUNS = Math.round(flag('runs', 5));
const HUGE = process.argv.includes('--huge');
const MIX_FLAG = process.argv.indexOf('--mix');
const BASELINE_FLAG = process.argv.indexOf('--baseline');
const BASELINE = BASELINE_FLAG >= 0 ? path.resolve(process.argv[BASELINE_FLAG + 1]!, 'cli.js') : undefined;
const MIXES: readonly Mix[] = MIX_FLAG >= 0 ? [process.argv[MIX_FLAG + 1] === 'charts' ? 'charts' : 'workloads'] : ['workloads', 'charts'];
const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(__dirname, 'out');
const LIB = path.join(OUT, 'lib');
const PROBE = path.join(__dirname, 'rss-probe.js');

/** Writes documents of the mix to `file` until it holds `bytes`; counts them by kind. */
function generate(file: string, bytes: number, mix: Mix = 'workloads'): { documents: number; bytes: number; kinds: Map<string, number> } {
  const fd = openSync(file, 'w');
  let written = 0;
  let documents = 0;
  const kinds = new Map<string, number>();
  for (const { text, kind } of inputDocuments(mix, bytes)) {
    written += writeSync(fd, text);
    documents += 1;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  closeSync(fd);
  return { documents, bytes: written, kinds };
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
process.stdout.write('building the CLI as `npm run build` does (tsc -p tsconfig.build.json, then scripts/bundle-cli.js) …\n');
rmSync(LIB, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', LIB], { cwd: ROOT, stdio: 'inherit' });
execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-cli.js'), LIB], { cwd: ROOT, stdio: 'inherit' });

const cli = path.join(LIB, 'cli.js');
// The doctor's fixed cost (Node, its modules, one object): what the input adds is above it.
const tiny = path.join(OUT, 'one-object.yaml');
writeFileSync(tiny, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n');
const allLines: string[] = [];

function benchMix(mix: Mix): void {
  const file = path.join(OUT, `manifests-${mix}-${MIB}MiB.yaml`);
  const { documents, bytes, kinds } = generate(file, MIB * 1024 * 1024, mix);
  const bigFile = path.join(OUT, `manifests-${mix}-${MIB * SCALE}MiB.yaml`);
  const big = generate(bigFile, MIB * SCALE * 1024 * 1024, mix);
  const loadAllOf = (name: string) => `const y = require('js-yaml'); y.loadAll(require('fs').readFileSync(${JSON.stringify(name)}, 'utf8'), () => {});`;
  const jsYamlScript = loadAllOf(file);
  const jsYaml3Script = `const y = require('js-yaml-3'); y.safeLoadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'), () => {});`;

  // Warm the page cache and every path once, then alternate so that none gets a quieter machine.
  runNode([cli, 'doctor', file]);
  runNode(['-e', jsYamlScript]);
  runNode(['-e', jsYaml3Script]);
  if (BASELINE) runNode([BASELINE, 'doctor', file]);
  const doctorRuns: ProcessRun[] = [];
  const jsYamlRuns: ProcessRun[] = [];
  const jsYaml3Runs: ProcessRun[] = [];
  const emptyRuns: ProcessRun[] = [];
  const floorRuns: ProcessRun[] = [];
  const baselineRuns: ProcessRun[] = [];
  const baselineFloorRuns: ProcessRun[] = [];
  const bigRuns: ProcessRun[] = [];
  const bigJsYamlRuns: ProcessRun[] = [];
  const load: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    load.push(loadavg()[0]!);
    doctorRuns.push(runNode([cli, 'doctor', file]));
    jsYamlRuns.push(runNode(['-e', jsYamlScript]));
    jsYaml3Runs.push(runNode(['-e', jsYaml3Script]));
    emptyRuns.push(runNode(['-e', '0']));
    floorRuns.push(runNode([cli, 'doctor', tiny]));
    bigRuns.push(runNode([cli, 'doctor', bigFile]));
    bigJsYamlRuns.push(runNode(['-e', loadAllOf(bigFile)]));
    if (BASELINE) {
      baselineRuns.push(runNode([BASELINE, 'doctor', file]));
      baselineFloorRuns.push(runNode([BASELINE, 'doctor', tiny]));
    }
  }
  const failed = [...doctorRuns, ...bigRuns, ...baselineRuns].find((r) => r.status !== 0 && r.status !== 1);
  if (failed) throw new Error(`the doctor exited ${failed.status}: ${failed.stderr}`);

  // The doctor's phases as the CLI runs them, in this process (after a warm-up).
  const text = readFileSync(file, 'utf8');
  const phases = () => {
    const read = time(() => readManifestText({ path: file, text }, { keepWhole: isReadKind, readOnDemand: isWorkloadKind }));
    const report = time(() => diagnose(read.result.objects));
    const output = time(() => formatText(report.result));
    return { read: read.ms, diagnose: report.ms, format: output.ms, report: report.result };
  };
  phases();
  const inProcess = Array.from({ length: RUNS }, phases);
  // The YAML readers alone, in this process, on the doctor's chunks: its fast path and js-yaml (its fallback).
  const chunks = splitDocuments(text).map((chunk) => chunk.text);
  const fastTaken = chunks.filter((chunk) => fastLoad(chunk) !== undefined).length;
  const readAll = (read: (chunk: string) => unknown) => time(() => chunks.forEach(read)).ms;
  const fastMs = median(Array.from({ length: RUNS }, () => readAll(fastLoad)));
  const jsYamlMs = median(Array.from({ length: RUNS }, () => readAll((chunk) => safeLoadAll(chunk))));

  const mb = bytes / 1e6;
  const m = (runs: readonly ProcessRun[], key: 'ms' | 'cpuMs' | 'rssKiB') => median(runs.map((r) => r[key]));
  const cpuRatio = m(doctorRuns, 'cpuMs') / m(jsYamlRuns, 'cpuMs');
  const cpuRatio3 = m(doctorRuns, 'cpuMs') / m(jsYaml3Runs, 'cpuMs');
  const ratio = m(doctorRuns, 'ms') / m(jsYamlRuns, 'ms');
  const above = (runs: readonly ProcessRun[]) => ((m(runs, 'rssKiB') - m(emptyRuns, 'rssKiB')) * 1024) / bytes;
  const inputShare = ((m(doctorRuns, 'rssKiB') - m(floorRuns, 'rssKiB')) * 1024) / bytes;
  // What each further byte of input costs: peak RSS from the 2 MiB file to the larger one.
  const perByte = (large: readonly ProcessRun[], small: readonly ProcessRun[]) => ((m(large, 'rssKiB') - m(small, 'rssKiB')) * 1024) / (big.bytes - bytes);
  const memory = perByte(bigRuns, doctorRuns);
  const report = inProcess[0]!.report;
  const row = (label: string, runs: readonly ProcessRun[], rate = true) =>
    `  ${label.padEnd(22)} ${m(runs, 'ms').toFixed(0).padStart(5)} ms wall, ${m(runs, 'cpuMs').toFixed(0).padStart(5)} ms CPU${rate ? `  ${(mb / (m(runs, 'ms') / 1000)).toFixed(1).padStart(4)} MB/s` : '           '}  peak RSS ${(m(runs, 'rssKiB') / 1024).toFixed(1)} MiB`;
  const lines = [
    `grpc-drain doctor bench, input '${mix}': ${documents} documents, ${(bytes / 1024 / 1024).toFixed(2)} MiB (${path.relative(ROOT, file)}), median of ${RUNS} runs, whole processes; load average ${median(load).toFixed(1)} (${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}) on ${cpus().length} cores`,
    `  kinds                  ${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    `  objects read           ${report.objectCount}; workloads behind a load balancer: ${report.workloads.length}; findings: ${report.errorCount} errors, ${report.warningCount} warnings`,
    row('doctor (CLI, text)', doctorRuns),
    row('js-yaml 4 loadAll', jsYamlRuns),
    row('js-yaml 3 safeLoadAll', jsYaml3Runs),
    row('doctor, one object', floorRuns, false),
    ...(BASELINE ? [row('baseline doctor', baselineRuns), row('baseline, one object', baselineFloorRuns, false)] : []),
    row('empty node process', emptyRuns, false),
    `  ratio doctor/js-yaml   ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU against js-yaml 4 loadAll (target ≤ 1.5); ${(m(doctorRuns, 'ms') / m(jsYaml3Runs, 'ms')).toFixed(2)} wall, ${cpuRatio3.toFixed(2)} CPU against js-yaml 3 safeLoadAll`,
    ...(BASELINE ? [`  doctor/baseline        ${(m(doctorRuns, 'cpuMs') / m(baselineRuns, 'cpuMs')).toFixed(2)} CPU, ${(m(doctorRuns, 'rssKiB') / m(baselineRuns, 'rssKiB')).toFixed(2)} peak RSS; baseline/js-yaml 4 ${(m(baselineRuns, 'cpuMs') / m(jsYamlRuns, 'cpuMs')).toFixed(2)} CPU, /js-yaml 3 ${(m(baselineRuns, 'cpuMs') / m(jsYaml3Runs, 'cpuMs')).toFixed(2)} CPU`] : []),
    row(`doctor, ${(big.bytes / 1024 / 1024).toFixed(0)} MiB`, bigRuns),
    row(`js-yaml 4, ${(big.bytes / 1024 / 1024).toFixed(0)} MiB`, bigJsYamlRuns),
    `  memory per input byte  doctor ${memory.toFixed(1)} × the input (peak RSS from ${(bytes / 1024 / 1024).toFixed(0)} to ${(big.bytes / 1024 / 1024).toFixed(0)} MiB; target ≤ 10), js-yaml 4 loadAll ${perByte(bigJsYamlRuns, jsYamlRuns).toFixed(1)} ×`,
    `  memory above node      on ${(bytes / 1024 / 1024).toFixed(0)} MiB, fixed costs included: doctor ${((m(doctorRuns, 'rssKiB') - m(emptyRuns, 'rssKiB')) / 1024).toFixed(1)} MiB = ${above(doctorRuns).toFixed(1)} × the input; js-yaml 4 ${above(jsYamlRuns).toFixed(1)} ×, js-yaml 3 ${above(jsYaml3Runs).toFixed(1)} ×; doctor above its one-object run ${inputShare.toFixed(1)} ×${BASELINE ? `; baseline ${above(baselineRuns).toFixed(1)} ×` : ''}`,
    `  in-process phases      read ${median(inProcess.map((p) => p.read)).toFixed(0)} ms, diagnose ${median(inProcess.map((p) => p.diagnose)).toFixed(0)} ms, format ${median(inProcess.map((p) => p.format)).toFixed(0)} ms`,
    `  in-process YAML        fastLoad ${(mb / (fastMs / 1000)).toFixed(1)} MB/s (${fastTaken} of ${chunks.length} documents, the rest left to js-yaml), js-yaml safeLoadAll ${(mb / (jsYamlMs / 1000)).toFixed(1)} MB/s: ${(jsYamlMs / fastMs).toFixed(2)} ×`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  allLines.push(...lines);
  // CPU time decides: wall time on a shared machine measures the neighbours too. Against either
  // js-yaml: the doctor's own (4) and the one it used before (3).
  if (Math.max(cpuRatio, cpuRatio3) > 1.5 || memory > 10) process.exitCode = 1;
  rmSync(bigFile, { force: true });
}

for (const mix of MIXES) benchMix(mix);

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
writeFileSync(path.join(OUT, 'last-run.txt'), `${allLines.join('\n')}\n`);
