/**
 * The package as a consumer gets it: `npm pack` (which builds lib/ through `prepack`), then
 * projects that install the tarball with the peers of one front end only and type-check
 * with that front end's own default tsconfig. No network: dependencies and peers come from
 * this repository's node_modules (tarballs packed from them, or symlinks), so the test runs
 * in CI after `npm ci` on a clean machine.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface PackedFile {
  readonly path: string;
}
interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly homepage: string;
  readonly repository: { readonly type: string; readonly url: string };
  readonly bugs: { readonly url: string };
  readonly engines: { readonly node: string };
  readonly bin: Readonly<Record<string, string>>;
  readonly main: string;
  readonly types: string;
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly typesVersions: { readonly '*': Readonly<Record<string, readonly string[]>> };
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
}

let work: string;
let tarball: string;
let files: Set<string>;
/** The package as the tarball holds it. */
let unpacked: string;
let manifest: Manifest;

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `tsc -p dir`, asynchronously, so the two consumers type-check side by side. */
function typecheck(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A project with the tarball extracted as node_modules/grpc-drain and `packages` linked from this repository. */
function consumer(name: string, packages: readonly string[], tsconfig: object, sources: Readonly<Record<string, string>>): string {
  const dir = join(work, name);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'grpc-drain'), { recursive: true });
  run('tar', ['-xzf', tarball, '-C', join(modules, 'grpc-drain'), '--strip-components=1'], dir);
  for (const pkg of packages) {
    mkdirSync(dirname(join(modules, pkg)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', pkg), join(modules, pkg), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, file), text);
  return dir;
}

/** The minimum Node version a `>=` range states (the only form these packages use); throws on any other form. */
function minimumNode(range: string): number[] {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!match) throw new Error(`unexpected engines range ${JSON.stringify(range)}: teach this test to read it`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}
const atLeast = (a: number[], b: number[]) => a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])));

let cdk8sCheck: Promise<{ code: number | null; output: string }>;
let pulumiCheck: Promise<{ code: number | null; output: string }>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'grpc-drain-package-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--loglevel=silent', '--pack-destination', work], ROOT)) as { filename: string; files: PackedFile[] }[];
  tarball = join(work, packed[0].filename);
  files = new Set(packed[0].files.map((file) => file.path));
  unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], work);
  manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;

  // cdk8s-cli's own template for `cdk8s init typescript-app` (lib es2016, no skipLibCheck).
  const cdk8sTemplate = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  const cdk8sProject = consumer(
    'cdk8s-app',
    ['commander', 'yaml', 'cdk8s', 'cdk8s-plus-28', 'constructs', '@types/node'],
    { compilerOptions: { ...cdk8sTemplate.compilerOptions, noEmit: true }, files: ['main.ts'] },
    {
      'main.ts': [
        "import { App, Chart, Duration } from 'cdk8s';",
        "import { planDrain, type DrainPlan } from 'grpc-drain';",
        "import { GrpcDeployment, NlbGrpcService } from 'grpc-drain/cdk8s';",
        "import { GrpcDrainValidation } from 'grpc-drain/cdk8s/validation';",
        "import { createDrain } from 'grpc-drain/runtime';",
        'const app = new App();',
        "const chart = new Chart(app, 'engine', { namespace: 'engine' });",
        "const engine = new GrpcDeployment(chart, 'engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, budget: { propagation: Duration.seconds(20) } });",
        "new NlbGrpcService(chart, 'engine-nlb', { deployment: engine, scheme: 'internet-facing' });",
        'export const plan: DrainPlan = planDrain({ propagationSeconds: 20 });',
        "export const validation = new GrpcDrainValidation({ kubernetesVersion: '1.31' });",
        'export const runtime = typeof createDrain;',
        'app.synth();',
        '',
      ].join('\n'),
    },
  );
  // Pulumi's `pulumi new typescript` template (pulumi/templates typescript/tsconfig.json): no
  // skipLibCheck, so every declaration file grpc-drain refers to must resolve.
  const pulumiProject = consumer(
    'pulumi-program',
    ['commander', 'yaml', '@pulumi/pulumi', '@pulumi/kubernetes', '@types/node'],
    {
      compilerOptions: {
        strict: true,
        outDir: 'bin',
        target: 'es2020',
        module: 'commonjs',
        moduleResolution: 'node',
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
        noEmit: true,
      },
      files: ['index.ts'],
    },
    {
      'index.ts': [
        "import * as k8s from '@pulumi/kubernetes';",
        "import { READINESS_GATE_LABEL } from 'grpc-drain';",
        "import { drainTransform, GrpcDeployment, NlbGrpcService, targetGroupDrainSettings } from 'grpc-drain/pulumi';",
        "const namespace = new k8s.core.v1.Namespace('engine', { metadata: { name: 'engine', labels: { [READINESS_GATE_LABEL]: 'enabled' } } });",
        "const engine = new GrpcDeployment('engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, metadata: { namespace: namespace.metadata.name } });",
        "const nlb = new NlbGrpcService('engine-nlb', { deployment: engine, scheme: 'internet-facing' });",
        "new k8s.helm.v4.Chart('chart', { chart: './chart' }, { transforms: [drainTransform({ propagationSeconds: 30 })] });",
        'export const hostname = nlb.hostname;',
        'export const delay = targetGroupDrainSettings(engine.plan).deregistrationDelay;',
        '',
      ].join('\n'),
    },
  );
  cdk8sCheck = typecheck(cdk8sProject);
  pulumiCheck = typecheck(pulumiProject);
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds every entry point that main, types, bin, exports and typesVersions name', () => {
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
      ...Object.values(manifest.typesVersions['*']).flat(),
    ].map((target) => posix.normalize(target));
    const missing = targets.filter((target) => !files.has(target));
    expect(missing).toEqual([]);
    expect(Object.keys(manifest.exports)).toEqual(['.', './cdk8s', './cdk8s/validation', './pulumi', './pulumi/aws', './runtime', './package.json', './pulumi/policy']);
    expect(Object.keys(manifest.typesVersions['*']).sort()).toEqual(['cdk8s', 'cdk8s/validation', 'pulumi', 'pulumi/aws', 'pulumi/policy', 'runtime']);
  });

  it('carries the Apache-2.0 license text, and says where the project lives', () => {
    expect(manifest.license).toBe('Apache-2.0');
    const license = readFileSync(join(unpacked, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.split('\n')).toHaveLength(203); // the 202 lines of LICENSE-2.0.txt and a final newline
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/grpc-drain/grpc-drain.git' });
    expect(manifest.homepage).toBe('https://github.com/grpc-drain/grpc-drain#readme');
    expect(manifest.bugs).toEqual({ url: 'https://github.com/grpc-drain/grpc-drain/issues' });
  });

  it('has source maps whose sources are in the package, or in the map (the packages bundled into the bin)', () => {
    const maps = [...files].filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    const unresolved = maps.flatMap((map) => {
      const { sources, sourceRoot = '', sourcesContent = [] } = JSON.parse(readFileSync(join(unpacked, map), 'utf8')) as { sources: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
      return sources.map((source, i) => ({ path: posix.normalize(posix.join(posix.dirname(map), sourceRoot, source)), carried: typeof sourcesContent[i] === 'string' })).filter((source) => !files.has(source.path) && !source.carried).map((source) => source.path);
    });
    expect(unresolved).toEqual([]);
  });

  it('ships the bin as one bundle that maps back to src/ and carries the licenses of what it copied', () => {
    const bin = readFileSync(join(unpacked, manifest.bin['grpc-drain']!), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // commander and js-yaml are inside; the yaml library (loaded by retrofit and plan) is not.
    expect(bin).not.toMatch(/require\("(?:commander|js-yaml)"\)/);
    expect(bin).toMatch(/require\("yaml"\)/);
    expect(bin).toContain('commander@');
    expect(bin).toContain('js-yaml@');
    expect(bin).toContain('Permission is hereby granted, free of charge');
    const { sources } = JSON.parse(readFileSync(join(unpacked, 'lib', 'cli.js.map'), 'utf8')) as { sources: string[] };
    expect(sources).toEqual(expect.arrayContaining(['../src/cli.ts', '../src/doctor/doctor.ts', '../src/cli/program.ts']));
  });

  it('asks for a Node version every dependency (and the Pulumi SDK) runs on: commander 14 needs Node 20', () => {
    const ours = minimumNode(manifest.engines.node);
    expect(ours).toEqual([20, 0, 0]);
    for (const pkg of [...Object.keys(manifest.dependencies), '@pulumi/pulumi']) {
      const theirs = (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
      if (theirs !== undefined) expect({ pkg, ok: atLeast(ours, minimumNode(theirs)) }).toEqual({ pkg, ok: true });
    }
  });

  it('installs from the tarball with no install script to approve (prepare is the repository’s, not the package’s)', () => {
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBeDefined();
    const project = join(work, 'installs');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'installs', version: '1.0.0', private: true }));
    // The dependencies, and theirs, as tarballs of the installed copies: `--offline` needs no registry.
    const closure = new Set<string>();
    const visit = (pkg: string) => {
      if (closure.has(pkg)) return;
      closure.add(pkg);
      const deps = (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
      for (const dep of Object.keys(deps)) visit(dep);
    };
    for (const pkg of Object.keys(manifest.dependencies)) visit(pkg);
    // commander and yaml have none; js-yaml 4 (the doctor's loader) brings argparse (for its own CLI).
    expect([...closure].sort()).toEqual(['argparse', 'commander', 'js-yaml', 'yaml']);
    const deps = [...closure].map((pkg) => join(work, run('npm', ['pack', '--loglevel=silent', '--ignore-scripts', '--pack-destination', work, join(ROOT, 'node_modules', pkg)], ROOT).trim()));
    const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=warn', tarball, ...deps], { cwd: project, encoding: 'utf8' });
    expect(install.status).toBe(0);
    expect(install.stdout).toContain('added 5 packages');
    // npm 11 would say "npm warn install-scripts ... grpc-drain@0.1.0 (prepare: ...)".
    expect(install.stderr).toBe('');
    expect(existsSync(join(project, 'node_modules', 'grpc-drain', 'lib', 'index.js'))).toBe(true);
    // The validation plugin loads without cdk8s (it is the doctor, not a construct).
    const exported = run(process.execPath, ['-e', "process.stdout.write(typeof require('grpc-drain/cdk8s/validation').GrpcDrainValidation)"], project);
    expect(exported).toBe('function');
    // The bundled bin runs in the consumer's tree: its version from package.json, and the plan,
    // whose YAML renderer requires the yaml package from node_modules.
    const bin = join(project, 'node_modules', '.bin', 'grpc-drain');
    expect(run(bin, ['--version'], project).trim()).toBe(manifest.version);
    const plan = JSON.parse(run(bin, ['plan', '-o', 'json', '--propagation', '30s'], project)) as { terminationGracePeriodSeconds: number };
    expect(plan.terminationGracePeriodSeconds).toBe(55); // 30 s propagation + 10 s drain + 5 s cleanup + 10 s headroom
    expect(run(bin, ['plan', '--propagation', '30s', '--no-color'], project)).toContain('terminationGracePeriodSeconds: 55');
  }, 120_000);

  it('type-checks a cdk8s app that installed only the cdk8s peers, under cdk8s-cli’s own tsconfig', async () => {
    const { code, output } = await cdk8sCheck;
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 240_000);

  it('type-checks a Pulumi program without @pulumi/aws (nor cdk8s) under Pulumi’s default tsconfig, no skipLibCheck', async () => {
    const { code, output } = await pulumiCheck;
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 240_000);
});
