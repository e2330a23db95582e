import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * grpc-drain as an installed package, built from this repository's source in a temporary
 * directory: package.json, lib/ (each src/ file transpiled to CommonJS, as `tsc -p
 * tsconfig.build.json` lays it out) and node_modules linked to this repository's. What the
 * action's `version` input takes as a path; no network, no `npm run build`, and a process
 * per run that starts as fast as the published CLI (ts-node would take seconds per run).
 */
export function buildCliPackage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-package-'));
  const src = path.join(ROOT, 'src');
  for (const file of sources(src)) {
    const out = path.join(dir, 'lib', path.relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(out, outputText);
  }
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}
