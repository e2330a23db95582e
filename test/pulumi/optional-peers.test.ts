/**
 * @pulumi/* are optional peer dependencies: a cdk8s-only user installs none of them, so
 * importing `grpc-drain` or `grpc-drain/cdk8s` must never load one. Each entry point is
 * required in a fresh Node process (ts-node, transpile only), and every module it loaded
 * is listed from `require.cache`. A separate process, not jest's module registry, so the
 * real resolution is what is checked.
 */
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');

/** The module files (relative to node_modules) under `@pulumi/` that requiring `entry` loads. */
function pulumiModulesLoadedBy(entry: string): string[] {
  const script = [
    `require(${JSON.stringify(join(ROOT, entry))});`,
    `const loaded = Object.keys(require.cache).filter((file) => file.includes('/node_modules/@pulumi/'));`,
    `process.stdout.write(JSON.stringify(loaded.map((file) => file.slice(file.indexOf('@pulumi/')))));`,
  ].join('\n');
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
  });
  return JSON.parse(out) as string[];
}

const packages = (files: string[]) => [...new Set(files.map((file) => file.split('/').slice(0, 2).join('/')))].sort();

describe('optional Pulumi peers', () => {
  it('grpc-drain (the core) loads no @pulumi module', () => {
    expect(pulumiModulesLoadedBy('src/index.ts')).toEqual([]);
  });

  it('grpc-drain/cdk8s loads no @pulumi module', () => {
    expect(pulumiModulesLoadedBy('src/cdk8s/index.ts')).toEqual([]);
  });

  it('grpc-drain/pulumi loads @pulumi/pulumi and @pulumi/kubernetes, never @pulumi/aws', () => {
    expect(packages(pulumiModulesLoadedBy('src/pulumi/index.ts'))).toEqual(['@pulumi/kubernetes', '@pulumi/pulumi']);
  });

  it('grpc-drain/pulumi/aws (NlbTargetGroup) loads @pulumi/aws too', () => {
    expect(packages(pulumiModulesLoadedBy('src/pulumi/aws/index.ts'))).toEqual(['@pulumi/aws', '@pulumi/kubernetes', '@pulumi/pulumi']);
  });
});

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the layering of DESIGN.md §5', () => {
  it('keeps every @pulumi import inside src/pulumi', () => {
    const offenders = sources(join(ROOT, 'src'))
      .map((file) => relative(ROOT, file))
      .filter((file) => !file.startsWith('src/pulumi/'))
      .filter((file) => /(?:from\s+|require\(\s*|import\(\s*)['"]@pulumi\//.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
