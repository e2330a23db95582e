import { getHeapStatistics } from 'v8';
import { Command, Option } from 'commander';
import { CONTRACT_KEYS, type ContractEnvOptions, type ContractVariable, type Finding } from '../model';
import { DrainBudgetError } from '../plan';
import { describeProblem } from '../doctor/format/text';
import { safeLoadAll } from '../doctor/input/js-yaml';
import { isObject } from '../doctor/json';
import { readManifestText, type ManifestObject, type ManifestSource } from '../doctor/manifests';
// Types only at the top: the retrofit layer and its YAML writer are loaded when the command runs,
// not on every start of the CLI (the doctor needs neither).
import type { RetrofitMatch, RetrofitNote, RetrofitOptions } from '../retrofit';
import { addBudgetFlags, addManifestFlags, BUDGET_FLAGS, budgetFlagLabel, budgetProblemLines, readBudgetFlags, readManifestFlags, RETROFIT_BUDGET_FIELDS } from './budget-flags';
import { readSources } from './doctor-command';
import { EXIT, UsageError, type CliIo } from './io';
import { stripUnknownFlags, unknownFlagProblems } from './unknown-flags';

/** The retrofit layer, loaded on first use. */
function retrofitRead(...args: Parameters<typeof import('../retrofit').retrofitRead>): ReturnType<typeof import('../retrofit').retrofitRead> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../retrofit') as typeof import('../retrofit')).retrofitRead(...args);
}

/** The YAML writer of the output (the `yaml` library), loaded on first use. */
function output(): typeof import('./retrofit-output') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./retrofit-output') as typeof import('./retrofit-output');
}

/**
 * `grpc-drain retrofit`: the plan applied to manifests someone else wrote, in the three places
 * such manifests pass through.
 *
 * - A pipe or files: `helm template … | grpc-drain retrofit - --propagation 30s > out.yaml`.
 * - A Helm 3 post-renderer: Helm runs the executable given to `--post-renderer` with the
 *   `--post-renderer-args` as its arguments, writes the rendered manifests to its stdin and
 *   installs what it prints on stdout; a non-zero exit fails the install or upgrade
 *   (https://helm.sh/docs/topics/advanced/#post-rendering; helm.sh/helm/v3 pkg/postrender
 *   `NewExec(binaryPath, args...)` in v3.17; older releases take no arguments). So with no file argument the
 *   manifests are read from stdin, only YAML goes to stdout, notes go to stderr.
 * - A kustomize exec KRM function: kustomize runs the `exec.path` of the function's config
 *   without arguments, a ResourceList (`config.kubernetes.io/v1`) on stdin, and takes the
 *   ResourceList it prints (`items`, and `results` with severity, message, resourceRef and
 *   field) (KRM Functions Specification,
 *   https://github.com/kubernetes-sigs/kustomize/blob/master/cmd/config/docs/api-conventions/functions-spec.md;
 *   https://kubectl.docs.kubernetes.io/guides/extending_kustomize/exec_krm_functions/). A
 *   ResourceList on stdin is recognised whatever the arguments; its `functionConfig` gives
 *   the flags: a ConfigMap whose `data` keys are the flag names (`propagation: 30s`), or a
 *   `grpc-drain.dev/v1alpha1` `DrainBudget` with them under `spec`.
 *
 * An unsafe budget, a bad flag or input that cannot be read exits 2 with every problem on
 * stderr and nothing on stdout (Helm and kustomize then stop instead of applying half a plan).
 */

/** The typed functionConfig kind of the KRM function. */
export const DRAIN_BUDGET_API_VERSION = 'grpc-drain.dev/v1alpha1';
export const DRAIN_BUDGET_KIND = 'DrainBudget';

const KRM_API_VERSION = 'config.kubernetes.io/v1';

export const RETROFIT_HELP = `
Applies the drain plan to manifests someone else wrote (a rendered Helm chart, kustomize
output) and writes them to stdout: the workloads behind an NLB (as the AWS Load Balancer
Controller decides, or behind a TargetGroupBinding) get the preStop sleep, a grace period
that covers the drain (never shorter than theirs), the rollout strategy, the budget
annotation and the contract variables; their Services get ip targets, the health check and
the target-group attributes (merged into the user's, in the port's own annotation when it
has one); a PodDisruptionBudget is added where none selects the pods. A preStop hook it
cannot read is kept, probes and the health check move only to an endpoint the workload
serves (or, with --runtime-contract, to the grpc-drain runtime's health server); every
other field, every other object and every untouched document comes out as it came in.
What it did and could not do is written to stderr.

With no file (or -) it reads stdin: it works unchanged as a Helm post-renderer, and as a
kustomize exec KRM function (a ResourceList on stdin; the flags in its functionConfig).

Exit codes:
  0  the manifests were written (warnings on stderr)
  2  nothing was written: a bad flag, an unsafe budget (every violation listed), or input
     that cannot be read

Examples:
  $ helm upgrade --install engine hatchet/hatchet-stack --post-renderer grpc-drain \\
      --post-renderer-args retrofit --post-renderer-args --propagation=30s
  $ kustomize build overlays/prod | grpc-drain retrofit --match name=engine > out.yaml
  $ grpc-drain retrofit k8s/ --runtime-contract --kubernetes-version 1.31
`;

const MATCH_FIELDS = ['kind', 'namespace', 'name', 'label'] as const;

/** Registers the retrofit's options on a command (used by the program and to read a functionConfig). */
export function defineRetrofitCommand(command: Command): Command {
  command
    .argument('[files...]', 'manifest files or directories; - or nothing reads stdin')
    .option('-f, --filename <file>', 'a manifest file or directory, as with kubectl (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option(
      '--match <criteria>',
      'retrofit only these workloads: kind=, namespace=, name= or label=KEY=VALUE, comma-separated (repeatable; values of one field are alternatives). Default: every workload behind an NLB',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--container <name>', 'a container that runs the gRPC server (repeatable; default: the one the Service targets)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--runtime-contract', "the servers run grpc-drain/runtime (or serve its health endpoints): probes and the NLB health check go to its health server")
    .option(
      '--contract-env <KEY=NAME>',
      `renames a contract variable the workload is given (KEY one of ${CONTRACT_KEYS.join(', ')}; NAME:duration writes durations as 10s), or drops it (KEY=false) (repeatable)`,
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(new Option('--scheme <scheme>', 'NLB scheme for Services that set none (default: none written; the LBC makes them internal)'));
  addBudgetFlags(command, RETROFIT_BUDGET_FIELDS, 'retrofit');
  addManifestFlags(command).option('-q, --quiet', 'write only warnings to stderr, not what was changed');
  return command;
}

/** `--match kind=Deployment,name=engine --match label=app=engine` → {@link RetrofitMatch}. */
function readMatch(values: readonly string[] | undefined, problems: string[]): RetrofitMatch | undefined {
  if (!values || values.length === 0) return undefined;
  const kinds: string[] = [];
  const namespaces: string[] = [];
  const names: string[] = [];
  const labels: Record<string, string> = {};
  for (const value of values) {
    for (const part of value.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      const at = part.indexOf('=');
      const field = at < 0 ? part : part.slice(0, at);
      const text = at < 0 ? '' : part.slice(at + 1);
      if (!(MATCH_FIELDS as readonly string[]).includes(field) || text === '') {
        problems.push(`--match takes ${MATCH_FIELDS.map((f) => (f === 'label' ? 'label=KEY=VALUE' : `${f}=VALUE`)).join(', ')}; got ${JSON.stringify(part)}.`);
        continue;
      }
      if (field === 'kind') kinds.push(text);
      else if (field === 'namespace') namespaces.push(text);
      else if (field === 'name') names.push(text);
      else {
        const eq = text.indexOf('=');
        if (eq <= 0) problems.push(`--match label= takes KEY=VALUE; got ${JSON.stringify(part)}.`);
        else labels[text.slice(0, eq)] = text.slice(eq + 1);
      }
    }
  }
  return {
    ...(kinds.length > 0 && { kinds }),
    ...(namespaces.length > 0 && { namespaces }),
    ...(names.length > 0 && { names }),
    ...(Object.keys(labels).length > 0 && { labels }),
  };
}

/**
 * `--contract-env drainTimeout=SERVER_GRPC_SHUTDOWN_TIMEOUT:duration --contract-env healthPort=false`
 * → `contractEnv` (what the retrofit API takes; its names and formats are checked there).
 */
function readContractEnv(values: readonly string[] | undefined, problems: string[]): ContractEnvOptions | undefined {
  if (!values || values.length === 0) return undefined;
  const contractEnv: Record<string, string | ContractVariable | false> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    const key = at < 0 ? '' : value.slice(0, at).trim();
    const text = at < 0 ? '' : value.slice(at + 1).trim();
    const [name, format, ...rest] = text.split(':');
    if (key === '' || name === '' || rest.length > 0 || (format !== undefined && format !== 'seconds' && format !== 'duration')) {
      problems.push(`--contract-env takes KEY=NAME, KEY=NAME:duration (or :seconds) or KEY=false, KEY one of ${CONTRACT_KEYS.join(', ')}; got ${JSON.stringify(value)}.`);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(contractEnv, key)) problems.push(`--contract-env ${key} is given twice.`);
    contractEnv[key] = name === 'false' ? false : format === undefined ? name! : { name: name!, format };
  }
  return contractEnv;
}

interface RetrofitFlags {
  readonly filename?: readonly string[];
  readonly match?: readonly string[];
  readonly container?: readonly string[];
  readonly contractEnv?: readonly string[];
  readonly runtimeContract?: boolean;
  readonly scheme?: string;
  readonly quiet?: boolean;
}

/** The options of a run's flags; every problem goes to `problems`. */
function retrofitOptions(command: Command, problems: string[]): { options: RetrofitOptions; maxInputBytes: number } {
  const flags = command.opts<RetrofitFlags>();
  const { budget, problems: flagProblems } = readBudgetFlags(command);
  const manifest = readManifestFlags(command, getHeapStatistics().heap_size_limit);
  const match = readMatch(flags.match, problems);
  const contractEnv = readContractEnv(flags.contractEnv, problems);
  const options: RetrofitOptions = {
    budget,
    ...(match !== undefined && { match }),
    ...(flags.container !== undefined && { containers: flags.container }),
    ...(contractEnv !== undefined && { contractEnv }),
    ...(flags.runtimeContract === true && { runtimeContract: true }),
    ...(flags.scheme !== undefined && { scheme: flags.scheme as RetrofitOptions['scheme'] }),
    ...(manifest.values.lbcClass !== undefined && { lbcClass: manifest.values.lbcClass }),
    ...(manifest.values.lbcWebhook !== undefined && { lbcWebhook: manifest.values.lbcWebhook }),
  };
  let violations: readonly Finding[] = [];
  try {
    // Checked here with the flags' names; the run below cannot throw for these options then.
    retrofitRead([], [], options, { fieldLabel: budgetFlagLabel, subject: 'drain budget' });
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    const flagOf: Readonly<Record<string, string>> = { scheme: '--scheme', lbcClass: '--lbc-class', containers: '--container', 'match.kinds': '--match kind=' };
    violations = error.violations.map((v) =>
      flagOf[v.field] !== undefined
        ? { ...v, message: v.message.replace(v.field, flagOf[v.field]!) }
        : v.field.startsWith('contractEnv.')
          ? { ...v, message: v.message.split(v.field).join(`--contract-env ${v.field.slice('contractEnv.'.length)}`) }
          : v,
    );
  }
  problems.push(...budgetProblemLines(flagProblems, violations), ...manifest.problems);
  return { options, maxInputBytes: manifest.values.maxInputBytes };
}

/** A ResourceList read from stdin. */
interface ResourceList {
  readonly object: Record<string, unknown>;
  readonly items: readonly unknown[];
  readonly functionConfig?: unknown;
}

/** The input as a KRM ResourceList, when it is one (a single document of kind ResourceList). */
export function readResourceList(text: string): ResourceList | undefined {
  if (!/\bResourceList\b/.test(text)) return undefined;
  let values: unknown[];
  try {
    values = safeLoadAll(text, { json: true });
  } catch {
    return undefined;
  }
  const documents = values.filter((v) => v !== null && v !== undefined);
  const object = documents[0];
  if (documents.length !== 1 || !isObject(object) || object['kind'] !== 'ResourceList') return undefined;
  const items = object['items'];
  return { object: object as Record<string, unknown>, items: Array.isArray(items) ? items : [], ...(object['functionConfig'] !== undefined && { functionConfig: object['functionConfig'] }) };
}

const BOOLEAN_FLAGS = new Set([...BUDGET_FLAGS.filter((f) => f.kind === 'boolean').map((f) => f.flag.slice(2)), 'runtime-contract', 'lbc-webhook', 'quiet']);
const LIST_FLAGS = new Set(['match', 'container', 'contract-env', 'filename']);

/**
 * The flags a functionConfig gives: a ConfigMap's `data` (or a DrainBudget's `spec`), each
 * key a flag name without its dashes; `true`/`false` for a switch; a list (or a
 * comma-separated text for `container`) for a repeatable flag.
 */
export function functionConfigArgs(config: unknown, problems: string[]): string[] {
  if (config === undefined || config === null) return [];
  if (!isObject(config)) {
    problems.push('functionConfig must be a ConfigMap or a grpc-drain.dev/v1alpha1 DrainBudget.');
    return [];
  }
  const kind = config['kind'];
  const isConfigMap = kind === 'ConfigMap';
  const isDrainBudget = kind === DRAIN_BUDGET_KIND && config['apiVersion'] === DRAIN_BUDGET_API_VERSION;
  if (!isConfigMap && !isDrainBudget) {
    problems.push(`functionConfig is ${String(config['apiVersion'])} ${String(kind)}: give a ConfigMap whose data keys are the flag names (propagation: 30s) or a ${DRAIN_BUDGET_API_VERSION} ${DRAIN_BUDGET_KIND} with them under spec.`);
    return [];
  }
  const where = isConfigMap ? 'data' : 'spec';
  const values = config[where];
  if (values === undefined || values === null) return [];
  if (!isObject(values)) {
    problems.push(`functionConfig ${where} must be a map of flag names to values.`);
    return [];
  }
  const args: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const name = key.replace(/^--?/, '');
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (BOOLEAN_FLAGS.has(name)) {
      if (text !== 'true' && text !== 'false') problems.push(`functionConfig ${where}.${key} must be true or false; got ${JSON.stringify(value)}.`);
      else if (text === 'true') args.push(`--${name}`);
      else if (name === 'lbc-webhook' || BUDGET_FLAGS.some((f) => f.flag === `--${name}`)) args.push(`--no-${name}`);
      continue;
    }
    const list = Array.isArray(value) ? value : LIST_FLAGS.has(name) && name !== 'match' && text !== undefined ? text.split(',') : [value];
    for (const item of list) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        problems.push(`functionConfig ${where}.${key} must be a text or a number; got ${JSON.stringify(item)}.`);
        continue;
      }
      args.push(`--${name}=${String(item).trim()}`);
    }
  }
  return args;
}

/** One note as a line of stderr. */
function noteLine(note: RetrofitNote): string {
  const { object } = note;
  return `${note.severity}: ${object.kind} ${object.namespace ?? 'default'}/${object.name}: ${note.message}`;
}

/** A note as a KRM result. */
function krmResult(note: RetrofitNote): Record<string, unknown> {
  const { object } = note;
  return {
    message: note.message,
    severity: note.severity,
    resourceRef: { ...(object.apiVersion !== undefined && { apiVersion: object.apiVersion }), kind: object.kind, name: object.name, ...(object.namespace !== undefined && { namespace: object.namespace }) },
    ...(note.field !== undefined && { field: { path: note.field } }),
  };
}

/** Reads the functionConfig flags into a fresh retrofit command, with the command line's after them. */
function commandWithFunctionConfig(config: unknown, line: Command, problems: string[]): Command {
  const args = functionConfigArgs(config, problems);
  const command = defineRetrofitCommand(new Command('retrofit')).exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const kept = stripUnknownFlags(command, args);
  problems.push(...unknownFlagProblems(command).map((p) => p.replace(/^unknown option '--([^']+)'/, "functionConfig key '$1' is not a flag of grpc-drain retrofit")));
  try {
    command.parse(kept, { from: 'user' });
  } catch (error) {
    problems.push(error instanceof Error ? error.message.replace(/^error: /, '') : String(error));
  }
  // What the command line gives wins over the functionConfig.
  for (const [key, value] of Object.entries(line.opts())) {
    if (line.getOptionValueSource(key) === 'cli') command.setOptionValueWithSource(key, value, 'cli');
  }
  return command;
}

/** `grpc-drain retrofit`: writes the retrofitted manifests, returns the exit code. */
export async function runRetrofit(positional: readonly string[], command: Command, io: CliIo): Promise<number> {
  const problems = [...unknownFlagProblems(command)];
  const flags = command.opts<RetrofitFlags>();
  const files = [...positional, ...(flags.filename ?? [])];
  const { maxInputBytes } = retrofitOptions(command, []);
  const { sources, problems: unread } = await readSources(files.length > 0 ? files : ['-'], io, maxInputBytes);

  const stdin = sources.find((s) => s.path === '-');
  const list = stdin && sources.length === 1 ? readResourceList(stdin.text) : undefined;
  // A ResourceList: the functionConfig's flags, then the command line's (which win).
  const effective = list ? commandWithFunctionConfig(list.functionConfig, command, problems) : command;
  const { options } = retrofitOptions(effective, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  if (unread.length > 0) throw new UsageError(unread.map(describeProblem).join('\n'));
  const quiet = effective.opts<RetrofitFlags>().quiet === true;

  if (list) return runKrm(list, options, io, quiet);

  const manifests: ManifestObject[] = [];
  const readProblems: string[] = [];
  for (const source of sources) {
    const read = readManifestText(source);
    manifests.push(...read.objects);
    readProblems.push(...read.problems.map(describeProblem));
  }
  // A document that cannot be read would be dropped from the release: refuse instead.
  if (readProblems.length > 0) throw new UsageError(readProblems.join('\n'));
  const result = retrofitRead(manifests.map((m) => m.object), manifests, options);
  io.stdout.write(renderText(sources, manifests, result.objects, result.added));
  for (const note of result.notes) if (!quiet || note.severity === 'warning') io.stderr.write(`grpc-drain retrofit: ${noteLine(note)}\n`);
  return EXIT.ok;
}

/** The output text: the sources' documents, the changed ones edited, the added objects after their workload. */
function renderText(sources: readonly ManifestSource[], manifests: readonly ManifestObject[], objects: readonly unknown[], addedAt: readonly number[]): string {
  const replaced = new Map<unknown, unknown>();
  const added = new Map<unknown, unknown[]>();
  let input = 0;
  let previous: unknown;
  objects.forEach((object, i) => {
    if (addedAt.includes(i)) {
      const list = added.get(previous) ?? [];
      list.push(object);
      added.set(previous, list);
      return;
    }
    const original = manifests[input++]!.object;
    if (object !== original) replaced.set(original, object);
    previous = original;
  });
  return output().renderOutput(sources, manifests, replaced, added);
}

/** The KRM function: a ResourceList out, the notes in `results`. */
function runKrm(list: ResourceList, options: RetrofitOptions, io: CliIo, quiet: boolean): number {
  const manifests: ManifestObject[] = [];
  list.items.forEach((item, index) => {
    if (isObject(item) && typeof item['kind'] === 'string') manifests.push({ object: item, location: { file: 'ResourceList', document: 1, item: index } });
  });
  const result = retrofitRead(list.items, manifests, options);
  const results = result.notes.filter((n) => !quiet || n.severity === 'warning').map(krmResult);
  const out = { apiVersion: KRM_API_VERSION, kind: 'ResourceList', items: result.objects, ...(list.functionConfig !== undefined && { functionConfig: list.functionConfig }), ...(results.length > 0 && { results }) };
  // Written as Kubernetes reads YAML (YAML 1.1 look-alike strings quoted), like the post-renderer's output.
  io.stdout.write(output().writeYaml(out));
  return EXIT.ok;
}
