#!/usr/bin/env node
/**
 * The logic of the grpc-drain GitHub Action (action.yml at the repository root): runs
 * `grpc-drain doctor` on the given paths (and on the output of a render command), writes its
 * SARIF log, prints its report, annotates the findings, writes the step summary and the step
 * outputs, and exits 0 (pass), 1 (findings at or above `fail-on`) or 2 (unusable input or
 * inputs). Plain Node.js (>= 20) without dependencies: it runs straight from the action's
 * checkout. It reads what the runner gives a step (https://docs.github.com/en/actions/reference/
 * workflows-and-actions/variables and .../workflow-commands): INPUT_* (action.yml maps each
 * input), GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH.
 *
 * grpc-drain itself: by default the version in the action's own package.json (the action at
 * tag v1.2.3 runs grpc-drain 1.2.3), installed from the npm registry with `npm install` into
 * RUNNER_TEMP; `version` takes another npm version or tag, or a path to a grpc-drain package
 * (e.g. the project's own node_modules/grpc-drain) or entry script, which is run as it is.
 */
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { fileURLToPath } = require('url');

/**
 * The doctor's flags the action takes as inputs (and as keys of `budget-file`), by the CLI's
 * names without the dashes: the budget flags of `grpc-drain doctor` (DOCTOR_BUDGET_FIELDS in
 * src/cli/budget-flags.ts; test/action checks the two lists agree) and --namespace.
 */
const DOCTOR_INPUTS = ['propagation', 'registration', 'drain', 'cleanup', 'headroom', 'max-grace', 'kubernetes-version', 'lbc-version', 'readiness-gate', 'namespace'];
/** The doctor's flags that are switches: `true` is `--readiness-gate`, `false` is `--no-readiness-gate`. */
const SWITCHES = ['readiness-gate'];
const FAIL_ON = ['error', 'warning', 'never'];
/** What the step log shows of the report (the SARIF log is written whatever this says). */
const FORMATS = ['text', 'json'];
/** GitHub shows at most 10 error and 10 warning annotations per step; more are dropped, so say how many were left out. */
const ANNOTATION_LIMIT = 10;

class InputError extends Error {}

/**
 * An input's trimmed value ('' when unset). The runner names a JavaScript action's inputs
 * `INPUT_FAIL-ON` (upper case, `-` kept); a composite action gets none of them and action.yml
 * maps each one as `INPUT_FAIL_ON`, a name every shell accepts. Both are read.
 */
function input(env, name) {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

/** `--name value`, or for a switch `--name` / `--no-name`. */
function flagFor(name, value) {
  if (!SWITCHES.includes(name)) return [`--${name}`, value];
  if (value === 'true') return [`--${name}`];
  if (value === 'false') return [`--no-${name}`];
  throw new InputError(`${name} must be true or false; got ${JSON.stringify(value)}`);
}

/** The doctor flags the inputs set, in DOCTOR_INPUTS order; `fromFile` holds the budget file's values (an input may not contradict it). */
function doctorFlags(env, fromFile = {}) {
  const flags = [];
  const problems = [];
  for (const name of DOCTOR_INPUTS) {
    const given = input(env, name);
    const filed = fromFile[name];
    if (given !== '' && filed !== undefined && given !== filed) {
      problems.push(`${name} is ${JSON.stringify(given)} as an input and ${JSON.stringify(filed)} in budget-file: give it in one place`);
      continue;
    }
    const value = given !== '' ? given : filed;
    if (value === undefined || value === '') continue;
    try {
      flags.push(...flagFor(name, value));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return flags;
}

/**
 * `budget-file`: YAML or JSON mapping the doctor's flag names to values (`propagation: 30s`,
 * `readiness-gate: true`), or a ConfigMap whose `data` does (the form `grpc-drain retrofit`
 * takes as a kustomize function's config, so one file can serve both). Parsed with the `yaml`
 * package grpc-drain itself depends on, resolved from the grpc-drain that runs.
 */
function readBudgetFile(file, packageDir) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`budget-file: cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
  let yaml;
  try {
    yaml = require(require.resolve('yaml', { paths: [packageDir] }));
  } catch {
    throw new InputError(`budget-file: the yaml package grpc-drain depends on is not installed next to ${packageDir}`);
  }
  let doc;
  try {
    doc = yaml.parse(text);
  } catch (error) {
    throw new InputError(`budget-file: ${file} is not valid YAML or JSON: ${error.message.split('\n')[0]}`);
  }
  const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const map = isMap(doc) && doc.kind === 'ConfigMap' ? doc.data : doc;
  if (!isMap(map)) throw new InputError(`budget-file: ${file} must map flag names to values (propagation: 30s), or be a ConfigMap whose data does`);
  const values = {};
  const problems = [];
  for (const [key, value] of Object.entries(map)) {
    const name = key.replace(/^--/, '');
    if (!DOCTOR_INPUTS.includes(name)) problems.push(`budget-file: ${key} is not a doctor flag (use ${DOCTOR_INPUTS.join(', ')})`);
    else if (!['string', 'number', 'boolean'].includes(typeof value)) problems.push(`budget-file: ${key} must be a single value such as 30s; got ${JSON.stringify(value)}`);
    else values[name] = String(value).trim();
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return values;
}

const GLOB = /[*?[{]/;

/** A glob as a RegExp over `/`-separated relative paths: `**` any directories, `*` and `?` within one, `[…]`, `{a,b}`. */
function globRegExp(pattern) {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => globRegExp(alt).source.slice(1, -1)).join('|')})`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Files under `dir` (relative, `/`-separated), without `.git` and `node_modules`. */
function walk(root, dir, files) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') walk(root, relative, files);
    } else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/**
 * The `paths` input as the doctor's arguments: one path or glob per line (or separated by
 * spaces), relative to the working directory; `!glob` leaves matches out. A literal path is
 * passed as it is (a directory means its manifests, as with the CLI); a glob must match files.
 */
function expandPaths(text, cwd) {
  const words = text.split(/\s+/).filter((w) => w !== '' && !w.startsWith('#'));
  const excludes = words.filter((w) => w.startsWith('!')).map((w) => globRegExp(w.slice(1).replace(/^\.\//, '')));
  const paths = [];
  const problems = [];
  let everything;
  for (const word of words.filter((w) => !w.startsWith('!'))) {
    if (word === '-') {
      problems.push('paths: - (stdin) has nothing to read in an action; give the command that prints the manifests as `render`');
      continue;
    }
    if (!GLOB.test(word)) {
      paths.push(word);
      continue;
    }
    const pattern = word.replace(/\\/g, '/').replace(/^\.\//, '');
    // An absolute glob is a POSIX one (`/srv/k8s/*.yaml`); on Windows, write globs relative to the working directory.
    const absolute = pattern.startsWith('/');
    // The fixed directories before the first glob character: where to start walking.
    const segments = pattern.split('/');
    const fixed = [];
    for (const segment of segments) {
      if (GLOB.test(segment)) break;
      fixed.push(segment);
    }
    const base = fixed.join('/');
    const root = absolute ? '/' : cwd;
    const regex = globRegExp(absolute ? pattern.slice(1) : pattern);
    const files = base === '' && !absolute ? (everything ??= walk(cwd, '', [])) : walk(root, absolute ? base.slice(1) : base, []);
    const matches = files.filter((f) => regex.test(f) && !excludes.some((x) => x.test(f)));
    if (matches.length === 0) problems.push(`paths: ${word} matches no file under ${absolute ? '/' : cwd}`);
    paths.push(...matches.map((f) => (absolute ? `/${f}` : f)));
  }
  return { paths: [...new Set(paths)], problems };
}

/** The action's own version: its package.json, next to action.yml. */
function actionVersion(actionPath) {
  const pkg = JSON.parse(fs.readFileSync(path.join(actionPath, 'package.json'), 'utf8'));
  return pkg.version;
}

const PATH_LIKE = /^(?:\.{1,2}(?:[\\/]|$)|[\\/~]|[A-Za-z]:[\\/])/;

/** The script that is grpc-drain: a package directory's `bin`, or a file. */
function entryOf(location) {
  if (fs.statSync(location).isDirectory()) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(location, 'package.json'), 'utf8'));
    } catch {
      throw new InputError(`version: ${location} is not a grpc-drain package (it has no readable package.json)`);
    }
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['grpc-drain'];
    if (pkg.name !== 'grpc-drain' || typeof bin !== 'string') throw new InputError(`version: ${location} is not a grpc-drain package (no grpc-drain bin in its package.json)`);
    return path.join(location, bin);
  }
  return location;
}

/**
 * The command that runs grpc-drain: `version` as a path, or grpc-drain@version installed with
 * npm into RUNNER_TEMP (once per job and version: a second step reuses it).
 */
function grpcDrain(env, cwd, log) {
  const requested = input(env, 'version');
  if (PATH_LIKE.test(requested)) {
    const location = path.resolve(cwd, requested.replace(/^~(?=$|[\\/])/, env.HOME ?? '~'));
    if (!fs.existsSync(location)) throw new InputError(`version: ${requested} does not exist (a path must name a grpc-drain package or its cli.js)`);
    const entry = entryOf(location);
    return { command: process.execPath, args: [entry], version: requested, packageDir: fs.statSync(location).isDirectory() ? location : path.dirname(entry) };
  }
  const actionPath = env.GITHUB_ACTION_PATH || path.join(__dirname, '..', '..');
  const version = requested !== '' ? requested : actionVersion(actionPath);
  if (!/^[\w.^~<>=*+-]+$/.test(version)) throw new InputError(`version: ${JSON.stringify(requested)} is neither an npm version or tag nor a path`);
  const prefix = path.join(env.RUNNER_TEMP || require('os').tmpdir(), `grpc-drain-${version.replace(/[^\w.-]/g, '_')}`);
  const installed = path.join(prefix, 'node_modules', 'grpc-drain');
  if (!fs.existsSync(path.join(installed, 'package.json'))) {
    log(`::group::npm install grpc-drain@${version}`);
    // No lifecycle scripts: the published package needs none (lib/ is in the tarball).
    const npm = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `grpc-drain@${version}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    log(`${npm.stdout ?? ''}${npm.stderr ?? ''}`.trim());
    log('::endgroup::');
    if (npm.status !== 0) throw new InputError(`npm install grpc-drain@${version} failed (exit ${npm.status ?? npm.error?.message}): is the npm registry reachable from this runner? (version can also be a path to an installed grpc-drain)`);
  }
  return { command: process.execPath, args: [entryOf(installed)], version, packageDir: installed };
}

/** Workflow-command escaping (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts). */
const escapeData = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A SARIF artifact location as a path relative to the repository root, if it is in the repository. */
function repositoryPath(location) {
  const artifact = location?.physicalLocation?.artifactLocation;
  if (!artifact || artifact.uriBaseId !== '%SRCROOT%' || typeof artifact.uri !== 'string') return undefined;
  return artifact.uri.split('/').map(decodeURIComponent).join('/');
}

/** `k8s/a.yaml:30`, `file:///tmp/x.yaml:30`, `stdin:3`. */
function where(location) {
  const artifact = location?.physicalLocation?.artifactLocation ?? {};
  const uri = artifact.uriBaseId === '%SRCROOT%' ? artifact.uri.split('/').map(decodeURIComponent).join('/') : artifact.uri;
  const line = location?.physicalLocation?.region?.startLine;
  return `${uri ?? '?'}${line !== undefined ? `:${line}` : ''}`;
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function summaryMarkdown({ results, notes, errors, warnings, failed, failOn, sarifFile, version, unusable }) {
  const lines = [];
  if (unusable !== undefined) {
    lines.push('### grpc-drain doctor: unusable input', '', 'The doctor could not read the input, so no SARIF log was written or uploaded.', '', '```text', unusable.trim(), '```', '');
    return lines.join('\n');
  }
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push(`### grpc-drain doctor: ${failed ? '✖' : '✔'} ${counts}`, '');
  if (results.length > 0) {
    lines.push('| level | rule | workload | where | finding |', '|---|---|---|---|---|');
    for (const r of results) {
      const workload = r.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? '';
      lines.push(`| ${r.level} | \`${cell(r.ruleId)}\` | ${cell(workload)} | ${cell(where(r.locations?.[0]))} | ${cell(r.message.text)} |`);
    }
    lines.push('');
  }
  if (notes.length > 0) lines.push(`<details><summary>${notes.length} note${notes.length === 1 ? '' : 's'} on the input</summary>`, '', ...notes.map((n) => `- ${n}`), '', '</details>', '');
  lines.push(`fail-on: \`${failOn}\` · grpc-drain ${version} · SARIF: \`${sarifFile}\``, '');
  return lines.join('\n');
}

/** Appends `name=value` lines to GITHUB_OUTPUT (single-line values). */
function writeOutputs(env, outputs) {
  const text = Object.entries(outputs).map(([k, v]) => `${k}=${String(v).replace(/\r?\n/g, ' ')}\n`).join('');
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, text);
}

function appendSummary(env, markdown) {
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

/** The run, as a function of the environment; returns the exit code. */
function run(env = process.env, out = (text) => process.stdout.write(`${text}\n`)) {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const cwd = path.resolve(workspace, input(env, 'working-directory') || '.');
  const failOn = input(env, 'fail-on') || 'error';
  const sarifFile = path.resolve(workspace, input(env, 'sarif-file') || path.join(env.RUNNER_TEMP || workspace, 'grpc-drain.sarif'));
  const fail = (message) => {
    out(`::error title=grpc-drain::${escapeData(message)}`);
    // A log left by an earlier step at the same path would be uploaded as this run's.
    fs.rmSync(sarifFile, { force: true });
    writeOutputs(env, { 'sarif-file': '', errors: '', warnings: '', 'exit-code': 2, 'checkout-path': '' });
    return 2;
  };
  const problems = [];
  // grpc-drain's engines field; the runner's own node may be older than setup-node's.
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < 20) problems.push(`grpc-drain needs Node.js 20 or later; this step runs ${process.version}: set the node-version input or run actions/setup-node first`);
  const format = input(env, 'format') || 'text';
  if (!FORMATS.includes(format)) problems.push(`format must be one of ${FORMATS.join(', ')} (the report in the log; the SARIF log is always written); got ${JSON.stringify(format)}`);
  if (!FAIL_ON.includes(failOn)) problems.push(`fail-on must be one of ${FAIL_ON.join(', ')}; got ${JSON.stringify(failOn)}`);
  const annotations = input(env, 'annotations') || 'true';
  if (!['true', 'false'].includes(annotations)) problems.push(`annotations must be true or false; got ${JSON.stringify(annotations)}`);
  if (!fs.existsSync(cwd)) problems.push(`working-directory: ${cwd} does not exist`);
  const render = input(env, 'render');
  const { paths, problems: pathProblems } = problems.length > 0 ? { paths: [], problems: [] } : expandPaths(input(env, 'paths'), cwd);
  problems.push(...pathProblems);
  if (problems.length === 0 && paths.length === 0 && render === '') problems.push('give `paths` (files, directories or globs of manifests) or `render` (a command that prints them, e.g. helm template …)');
  for (const p of paths) {
    const relative = path.relative(workspace, path.resolve(cwd, p));
    if (relative.startsWith('..') || path.isAbsolute(relative)) out(`::warning title=grpc-drain::${escapeData(`${p} is outside the workspace: code scanning cannot show its alerts on a file of the repository`)}`);
  }
  if (problems.length > 0) return fail(problems.join('\n'));

  let cli;
  try {
    cli = grpcDrain(env, workspace, out);
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }

  let stdin;
  if (render !== '') {
    out(`::group::${render}`);
    const rendered = spawnSync(render, { cwd, shell: true, encoding: 'utf8', maxBuffer: 1024 ** 3, stdio: ['ignore', 'pipe', 'pipe'] });
    if (rendered.stderr) out(rendered.stderr.trimEnd());
    out('::endgroup::');
    if (rendered.status !== 0) return fail(`render: \`${render}\` failed (exit ${rendered.status ?? rendered.error?.message})${rendered.stderr ? `: ${rendered.stderr.trim().split('\n').pop()}` : ''}`);
    stdin = rendered.stdout;
  }
  let flags;
  try {
    const budgetFile = input(env, 'budget-file');
    flags = doctorFlags(env, budgetFile !== '' ? readBudgetFile(path.resolve(cwd, budgetFile), cli.packageDir) : {});
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
  const args = ['doctor', ...paths, ...(stdin !== undefined ? ['-'] : []), ...flags];
  const doctor = (extra) => spawnSync(cli.command, [...cli.args, ...args, ...extra], { cwd, encoding: 'utf8', input: stdin ?? '', maxBuffer: 1024 ** 3, env: { ...env, NO_COLOR: '1' } });

  // The report as people read it (or as JSON), in the log; then the same run as SARIF.
  const shown = format === 'json' ? ['-o', 'json'] : [];
  out(`::group::grpc-drain ${[...args, ...shown].join(' ')}`);
  const report = doctor(shown);
  out(`${report.stdout ?? ''}${report.stderr ?? ''}`.trimEnd());
  out('::endgroup::');
  const sarif = doctor(['-o', 'sarif']);
  if (sarif.status === 2 || sarif.status === null) {
    const why = (sarif.stderr || sarif.error?.message || `exit ${sarif.status}`).trim();
    appendSummary(env, summaryMarkdown({ unusable: why }));
    return fail(`the doctor could not use the input:\n${why}`);
  }
  fs.mkdirSync(path.dirname(sarifFile), { recursive: true });
  fs.writeFileSync(sarifFile, sarif.stdout);

  let sarifRun;
  try {
    sarifRun = JSON.parse(sarif.stdout).runs[0];
  } catch (error) {
    return fail(`grpc-drain ${cli.version} printed no SARIF log (${error.message}): ${sarif.stderr.trim()}`);
  }
  const results = sarifRun.results;
  const notes = (sarifRun.invocations?.[0]?.toolExecutionNotifications ?? []).map((n) => n.message.text);
  const errors = results.filter((r) => r.level === 'error').length;
  const warnings = results.filter((r) => r.level === 'warning').length;
  const failed = failOn === 'error' ? errors > 0 : failOn === 'warning' ? errors + warnings > 0 : false;

  if (annotations === 'true') {
    for (const level of ['error', 'warning']) {
      const ofLevel = results.filter((r) => r.level === level);
      for (const r of ofLevel.slice(0, ANNOTATION_LIMIT)) {
        const location = r.locations?.[0];
        const file = repositoryPath(location);
        const region = location?.physicalLocation?.region;
        const props = [
          ...(file !== undefined ? [`file=${escapeProperty(file)}`] : []),
          ...(file !== undefined && region?.startLine !== undefined ? [`line=${region.startLine}`] : []),
          ...(file !== undefined && region?.startColumn !== undefined ? [`col=${region.startColumn}`] : []),
          `title=${escapeProperty(`grpc-drain ${r.ruleId}`)}`,
        ];
        out(`::${level} ${props.join(',')}::${escapeData(file !== undefined ? r.message.text : `${where(location)}: ${r.message.text}`)}`);
      }
      if (ofLevel.length > ANNOTATION_LIMIT) out(`::notice title=grpc-drain::${ofLevel.length - ANNOTATION_LIMIT} more ${level}s than GitHub annotates: see the step summary or code scanning`);
    }
  }
  appendSummary(env, summaryMarkdown({ results, notes, errors, warnings, failed, failOn, sarifFile, version: sarifRun.tool.driver.version ?? cli.version }));
  const sourceRoot = sarifRun.originalUriBaseIds?.['%SRCROOT%']?.uri;
  writeOutputs(env, {
    'sarif-file': sarifFile,
    errors,
    warnings,
    'exit-code': sarif.status,
    // upload-sarif's checkout_path: the repository root the SARIF log's references are relative to.
    'checkout-path': sourceRoot !== undefined ? path.resolve(fileURLToPath(sourceRoot)) : cwd,
  });
  if (failed) out(`::error title=grpc-drain::${escapeData(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (fail-on: ${failOn})`)}`);
  return failed ? 1 : 0;
}

module.exports = { run, expandPaths, globRegExp, doctorFlags, readBudgetFile, DOCTOR_INPUTS };

if (require.main === module) process.exitCode = run();
