#!/usr/bin/env node
// Run by `npm run build`, after tsc: replaces lib/cli.js (the `grpc-drain` bin) by one file
// holding it and every module of lib/ it loads, with commander and js-yaml.
//
// Why: a CLI run in CI on every chart upgrade pays Node's module loading on every start.
// Loading the doctor's ~100 CommonJS files (path resolution, a package.json scope lookup
// per require, a stat per candidate file) costs about as much as compiling them: measured
// here (bench/doctor, one-object input) 243 ms CPU for tsc's output against 175 ms for this
// bundle, and 6 MiB less peak RSS (Node 20). The modules the CLI loads only when a command
// needs them (the retrofit, the plan's YAML renderer, the JSON and SARIF formatters) stay
// lazy inside the bundle: esbuild wraps each module in a function run on its first require.
//
// What stays outside: every other package (the `yaml` library the retrofit and plan load
// when they run, the peer dependencies), required from node_modules as before, and
// ../package.json, read at run time for the version. The other files of lib/ (the library
// that `require('grpc-drain')` and its subpaths load) are tsc's output, untouched; lib/cli.d.ts
// still describes lib/cli.js, whose exports are the same.
//
// `node scripts/bundle-cli.js [DIR]` bundles DIR/cli.js (default lib/; bench/doctor builds its own).
//
// The two packages copied into the bundle are MIT-licensed; their license texts are appended
// to it, as their licenses ask of a copy.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const entry = path.resolve(process.argv[2] ?? path.join(root, 'lib'), 'cli.js');
/** The packages copied into the bundle: what the doctor loads on every start. */
const BUNDLED = ['commander', 'js-yaml'];
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]
  .filter((name) => !BUNDLED.includes(name))
  .flatMap((name) => [name, `${name}/*`]);

const result = esbuild.buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${(pkg.engines?.node ?? '>=20').match(/\d+/)[0]}`,
  external: [...external, '../package.json'],
  write: false,
  metafile: true,
  // Readable output: the file is what runs; names and comments stay (minifying gained nothing measurable).
  legalComments: 'eof',
  // A map from the bundle to src/*.ts (through tsc's maps, which esbuild follows) and to the
  // bundled packages' files, whose text it carries (they are not in the tarball).
  sourcemap: 'linked',
  sourcesContent: true,
  logLevel: 'warning',
  outfile: entry,
});

const copied = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) copied.add(match[1]);
}
const unexpected = [...copied].filter((name) => !BUNDLED.includes(name));
if (unexpected.length > 0) throw new Error(`bundle-cli: ${unexpected.join(', ')} would be copied into lib/cli.js; add it to BUNDLED (with its license) or to the externals`);

const licenses = BUNDLED.filter((name) => copied.has(name)).map((name) => {
  const dir = path.join(root, 'node_modules', name);
  const { version, license } = require(path.join(dir, 'package.json'));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : '';
  return `${name}@${version} (${license}):\n${text}`.replace(/\*\//g, '* /');
});

const output = result.outputFiles.find((file) => file.path === entry);
const map = result.outputFiles.find((file) => file.path === `${entry}.map`);
const [code, link] = output.text.split(/(?=\/\/# sourceMappingURL=)/);
const temporary = `${entry}.tmp`;
fs.writeFileSync(`${entry}.map`, map.text);
fs.writeFileSync(temporary, `${code}\n/*\n * Bundled into this file by scripts/bundle-cli.js:\n *\n${licenses.join('\n\n').split('\n').map((line) => ` * ${line}`.trimEnd()).join('\n')}\n */\n${link}`, { mode: 0o755 });
fs.renameSync(temporary, entry);
