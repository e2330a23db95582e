import { Option, type Command } from 'commander';
import {
  BUDGET_DEFAULTS,
  DURATION_SYNTAX,
  NODE_GRACE_CAPS,
  parseDuration,
  type BudgetField,
  type DrainBudget,
  type Finding,
} from '../model';

/**
 * The one table of budget flags: every command that takes a drain budget (`plan`, `doctor`,
 * and `retrofit`) registers its flags from here with {@link addBudgetFlags} and reads them with
 * {@link readBudgetFlags}, so the same input has the same flag, the same aliases, the same
 * parser and the same messages everywhere. A new command does what `plan` does:
 *
 * ```ts
 * const retrofit = program.command('retrofit').argument('[files...]');
 * addBudgetFlags(retrofit, RETROFIT_BUDGET_FIELDS, 'retrofit').action(async (files, _flags, command: Command) => {
 *   const problems = [...unknownFlagProblems(command)];          // main() strips unknown flags of every command
 *   const { budget, problems: flagProblems } = readBudgetFlags(command);
 *   // planDrain(budget, { fieldLabel: budgetFlagLabel }) …, then on DrainBudgetError:
 *   const lines = [...problems, ...budgetProblemLines(flagProblems, error.violations)];
 *   if (lines.length > 0) throw new UsageError(lines.join('\n'));   // one line each, exit 2
 * });
 * ```
 */

/** How a flag's text becomes a budget value. */
export type BudgetFlagKind =
  /** A duration (`20s`, `1m30s`, `.5s`, `20us`, or seconds), parsed by the model's one parser. */
  | 'duration'
  /** A duration, or the name of a node cap: `spot` (120 s), `cluster-autoscaler` (600 s). */
  | 'cap'
  /** A whole number (thresholds, ports). */
  | 'count'
  /** Text passed through (paths, versions): the budget checks it. */
  | 'text'
  /** `--x` / `--no-x`. */
  | 'boolean';

/** Where a flag is used: the doctor's budget values are assumptions for workloads without an annotation. */
export type BudgetFlagCommand = 'plan' | 'doctor' | 'retrofit';

/** One budget input on the command line. */
export interface BudgetFlag {
  /** The budget field it sets. */
  readonly field: BudgetField;
  /** `--drain`: the name in help and messages. */
  readonly flag: string;
  /** Other spellings accepted (hidden from the help), e.g. `--drain-timeout`. */
  readonly aliases: readonly string[];
  readonly kind: BudgetFlagKind;
  /** `<duration>`, `<count>`, `<path>`, `<version>`; none for booleans. */
  readonly value?: string;
  /** What it is, for the help. */
  readonly description: string;
  /** The default as the help shows it, per command (the doctor leaves cluster facts unknown). */
  readonly defaultText: string;
  readonly doctorDefaultText?: string;
}

const flag = (field: BudgetField, name: string, kind: BudgetFlagKind, description: string, defaultText: string, extra: Partial<Pick<BudgetFlag, 'aliases' | 'doctorDefaultText'>> = {}): BudgetFlag => ({
  field,
  flag: name,
  aliases: extra.aliases ?? [],
  kind,
  ...(kind === 'boolean' ? {} : { value: kind === 'duration' || kind === 'cap' ? '<duration>' : kind === 'count' ? '<count>' : field.endsWith('Path') ? '<path>' : '<version>' }),
  description,
  defaultText,
  ...(extra.doctorDefaultText !== undefined && { doctorDefaultText: extra.doctorDefaultText }),
});

const D = BUDGET_DEFAULTS;
const SPOT = NODE_GRACE_CAPS.spotInterruption.value;
const CLUSTER_AUTOSCALER = NODE_GRACE_CAPS.clusterAutoscaler.value;

/** Every budget flag, in the order of DESIGN.md §2. */
export const BUDGET_FLAGS: readonly BudgetFlag[] = [
  flag('propagationSeconds', '--propagation', 'duration', 'time for the NLB to stop opening new connections to a terminating pod: the preStop sleep', `${D.propagationSeconds}s`),
  flag('registrationSeconds', '--registration', 'duration', "time for a new pod's IP to be registered and healthy in the NLB (minReadySeconds without the readiness gate)", `${D.registrationSeconds}s`),
  flag('drainTimeoutSeconds', '--drain', 'duration', 'bound on the graceful stop after SIGTERM', `${D.drainTimeoutSeconds}s`, { aliases: ['--drain-timeout'] }),
  flag('cleanupSeconds', '--cleanup', 'duration', 'work after the drain before exit', `${D.cleanupSeconds}s`),
  flag('headroomSeconds', '--headroom', 'duration', 'margin before SIGKILL', `${D.headroomSeconds}s`),
  flag('healthCheck.intervalSeconds', '--hc-interval', 'duration', 'NLB health-check interval, 5–300s', `${D.healthCheck.intervalSeconds}s`, { aliases: ['--health-check-interval'] }),
  flag('healthCheck.timeoutSeconds', '--hc-timeout', 'duration', 'NLB health-check timeout, 2–120s and ≤ interval', `min(${D.healthCheckTimeoutCapSeconds}s, interval)`, { aliases: ['--health-check-timeout'] }),
  flag('healthCheck.healthyThreshold', '--hc-healthy-threshold', 'count', 'successes before a target is healthy, 2–10', String(D.healthCheck.healthyThreshold)),
  flag('healthCheck.unhealthyThreshold', '--hc-unhealthy-threshold', 'count', 'failures before a target is unhealthy, 2–10', String(D.healthCheck.unhealthyThreshold)),
  flag('terminationGracePeriodSeconds', '--grace', 'duration', 'override terminationGracePeriodSeconds', 'sleep + drain + cleanup + headroom', { aliases: ['--grace-period', '--termination-grace-period'] }),
  flag('deregistrationDelaySeconds', '--deregistration-delay', 'duration', 'override deregistration_delay.timeout_seconds, 0–3600s', 'the grace period'),
  flag(
    'maxTerminationGracePeriodSeconds',
    '--max-grace',
    'cap',
    `the cluster's cap on terminationGracePeriodSeconds: a duration, or spot (${SPOT}s, an EC2 Spot interruption notice) or cluster-autoscaler (${CLUSTER_AUTOSCALER}s)`,
    'none',
    { aliases: ['--max-grace-period'] },
  ),
  flag('kubernetesVersion', '--kubernetes-version', 'text', 'cluster version, e.g. 1.30: picks the preStop action', D.kubernetesVersion, { aliases: ['--k8s-version'], doctorDefaultText: 'unknown' }),
  flag('lbcVersion', '--lbc-version', 'text', 'AWS Load Balancer Controller version, e.g. 2.7: what it honours is checked', D.lbcVersion, { doctorDefaultText: 'unknown' }),
  flag('readinessGate', '--readiness-gate', 'boolean', 'the namespace carries elbv2.k8s.aws/pod-readiness-gate-inject=enabled (--no-readiness-gate: it does not)', 'on', { doctorDefaultText: 'unknown' }),
  flag('healthPort', '--health-port', 'count', 'port of the HTTP health server', String(D.healthPort)),
  flag('readinessPath', '--readiness-path', 'text', 'readiness endpoint, 503 from SIGTERM on', D.readinessPath),
  flag('livenessPath', '--liveness-path', 'text', 'liveness endpoint', D.livenessPath),
];

/** The budget fields `plan` (and `retrofit`) take: all of them. */
export const PLAN_BUDGET_FIELDS: readonly BudgetField[] = BUDGET_FLAGS.map((f) => f.field);
/** What `retrofit` takes: the same inputs as `plan`. */
export const RETROFIT_BUDGET_FIELDS: readonly BudgetField[] = PLAN_BUDGET_FIELDS;
/** The budget fields `doctor` assumes where a workload carries no budget annotation, and the cluster facts. */
export const DOCTOR_BUDGET_FIELDS: readonly BudgetField[] = [
  'propagationSeconds',
  'registrationSeconds',
  'drainTimeoutSeconds',
  'cleanupSeconds',
  'headroomSeconds',
  'maxTerminationGracePeriodSeconds',
  'kubernetesVersion',
  'lbcVersion',
  'readinessGate',
];

/** The flag that sets a budget field (`--drain`), or the field itself for one with no flag. */
export function budgetFlagLabel(field: BudgetField): string {
  return BUDGET_FLAGS.find((f) => f.field === field)?.flag ?? field;
}

/** Options registered per command: which commander options carry which budget flag. */
const REGISTERED = new WeakMap<Command, Array<{ readonly spec: BudgetFlag; readonly option: Option; readonly spelling: string }>>();

/**
 * Registers the budget flags of `fields` on a command: the canonical name with its help, the
 * aliases hidden. Read them back with {@link readBudgetFlags}.
 */
export function addBudgetFlags(command: Command, fields: readonly BudgetField[], use: BudgetFlagCommand): Command {
  const registered = REGISTERED.get(command) ?? [];
  for (const spec of BUDGET_FLAGS.filter((f) => fields.includes(f.field))) {
    const defaultText = use === 'doctor' ? (spec.doctorDefaultText ?? spec.defaultText) : spec.defaultText;
    const where = use === 'doctor' && spec.doctorDefaultText === undefined ? ', where no budget annotation gives it' : '';
    const help = `${spec.description}${where} (default: ${defaultText})`;
    if (spec.kind === 'boolean') {
      const on = new Option(spec.flag, help);
      const off = new Option(spec.flag.replace(/^--/, '--no-'), `the opposite of ${spec.flag}`);
      command.addOption(on).addOption(off);
      registered.push({ spec, option: on, spelling: spec.flag });
      continue;
    }
    const main = new Option(`${spec.flag} ${spec.value}`, help);
    command.addOption(main);
    registered.push({ spec, option: main, spelling: spec.flag });
    for (const alias of spec.aliases) {
      const option = new Option(`${alias} ${spec.value}`, `alias of ${spec.flag}`).hideHelp();
      command.addOption(option);
      registered.push({ spec, option, spelling: alias });
    }
  }
  REGISTERED.set(command, registered);
  return command;
}

/** A flag value that cannot become a budget value, with the `budget-valid` message. */
export interface BudgetFlagProblem {
  readonly field: BudgetField;
  readonly flag: string;
  readonly message: string;
}

function parseFlagValue(spec: BudgetFlag, spelling: string, text: string): { value: unknown; problem?: string } {
  switch (spec.kind) {
    case 'duration':
    case 'cap': {
      const name = text.trim().toLowerCase();
      if (spec.kind === 'cap' && name === 'spot') return { value: SPOT };
      if (spec.kind === 'cap' && name === 'cluster-autoscaler') return { value: CLUSTER_AUTOSCALER };
      const seconds = parseDuration(text);
      if (seconds !== undefined) return { value: seconds };
      const or = spec.kind === 'cap' ? ', spot or cluster-autoscaler' : '';
      // The raw text goes on to the budget, which marks the field unknown (its own message is replaced by this one).
      return { value: text, problem: `[budget-valid] ${spelling} must be ${DURATION_SYNTAX}${or}; got ${JSON.stringify(text)}.` };
    }
    case 'count':
      // Anything but digits goes through as text: the budget names it in its message.
      return { value: /^\s*\d+\s*$/.test(text) ? Number(text) : text };
    case 'text':
      return { value: text };
    case 'boolean':
      return { value: text };
  }
}

/**
 * The budget the flags of a command describe, and one problem per flag whose text cannot
 * become a value. Values that parse but are out of range go into the budget as they are: the
 * budget's own check (`budget-valid`) reports them, with every other violation.
 */
export function readBudgetFlags(command: Command): { budget: DrainBudget; problems: BudgetFlagProblem[] } {
  const options = command.opts<Record<string, unknown>>();
  const problems: BudgetFlagProblem[] = [];
  const values = new Map<BudgetField, { value: unknown; spelling: string }>();
  for (const { spec, option, spelling } of REGISTERED.get(command) ?? []) {
    const raw = options[option.attributeName()];
    if (raw === undefined) continue;
    const seen = values.get(spec.field);
    const parsed = spec.kind === 'boolean' ? { value: raw } : parseFlagValue(spec, spelling, String(raw));
    if (seen && spec.kind !== 'boolean') {
      problems.push({ field: spec.field, flag: spelling, message: `[budget-valid] ${seen.spelling} and ${spelling} both set ${spec.flag}; give it once.` });
      continue;
    }
    if (parsed.problem !== undefined) problems.push({ field: spec.field, flag: spelling, message: parsed.problem });
    values.set(spec.field, { value: parsed.value, spelling });
  }
  const budget: Record<string, unknown> = {};
  const healthCheck: Record<string, unknown> = {};
  for (const [field, { value }] of values) {
    if (field.startsWith('healthCheck.')) healthCheck[field.slice('healthCheck.'.length)] = value;
    else budget[field] = value;
  }
  if (Object.keys(healthCheck).length > 0) budget['healthCheck'] = healthCheck;
  return { budget: budget as DrainBudget, problems };
}

/**
 * The lines a command prints for a budget it cannot use: the flags that did not parse, then
 * every violation of the budget (a violation of a field whose flag did not parse is that
 * flag's problem, already said).
 */
export function budgetProblemLines(problems: readonly BudgetFlagProblem[], violations: readonly Finding[]): string[] {
  const unparsed = new Set(problems.map((p) => p.field as string));
  return [...problems.map((p) => p.message), ...violations.filter((v) => !(v.rule === 'budget-valid' && unparsed.has(v.field))).map((v) => `[${v.rule}] ${v.message}`)];
}

/*
 * Flags of the commands that read manifests someone else wrote (`doctor`, and `retrofit`
 * after it): how the AWS Load Balancer Controller is installed, which the manifests do not
 * show, and how much input to read. They are not budget inputs, so they are not in
 * BUDGET_FLAGS; they follow its conventions (one registration, one reader, every problem
 * returned as a line, none thrown).
 */

/** Default bound on the bytes of input read in one run (`--max-input-size`). */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Heap the doctor may need per byte of input, with margin (bench/doctor measures the heap a
 * run holds per byte of input). Beyond Node's heap limit V8 aborts the process instead of
 * failing cleanly, so an input bound the heap could not hold is refused up front.
 */
export const HEAP_BYTES_PER_INPUT_BYTE = 16;

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?$/i;
const SIZE_UNIT: Readonly<Record<string, number>> = { b: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2, g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3 };

/** `64MiB`, `500MB`, `1048576` (bytes): a whole number of bytes ≥ 1, or `undefined`. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * SIZE_UNIT[(match[2] ?? 'b').toLowerCase()]!) : NaN;
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

/** `200 MiB`, `1.5 KiB`, `512 bytes`. */
export function showSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 ** 3 ? [bytes / 1024 ** 3, 'GiB'] : bytes >= 1024 ** 2 ? [bytes / 1024 ** 2, 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** What the manifest flags describe (unset ones are left out: the reader's defaults apply). */
export interface ManifestFlagValues {
  /** `--lbc-class`: the LBC's `--load-balancer-class`. */
  readonly lbcClass?: string;
  /** `--no-lbc-webhook`: `false`. */
  readonly lbcWebhook?: boolean;
  /** `--max-input-size` in bytes ({@link DEFAULT_MAX_INPUT_BYTES} when unset). */
  readonly maxInputBytes: number;
}

/** Registers `--lbc-class`, `--no-lbc-webhook` and `--max-input-size` on a command that reads manifests. */
export function addManifestFlags(command: Command): Command {
  return command
    .option('--lbc-class <class>', "the AWS Load Balancer Controller's --load-balancer-class (default: service.k8s.aws/nlb; EKS Auto Mode: eks.amazonaws.com/nlb)")
    .option('--no-lbc-webhook', "the controller runs without its Service webhook: class-less LoadBalancer Services are the in-tree cloud provider's")
    .option('--max-input-size <size>', `bound on the input read, e.g. 64MiB, 500MB or bytes (default: ${showSize(DEFAULT_MAX_INPUT_BYTES).replace(' ', '')})`);
}

/**
 * Reads the manifest flags; one problem line per bad value. `heapLimitBytes` (V8's
 * `heap_size_limit`) bounds `--max-input-size`: a bound the heap could not hold is a problem
 * that says which NODE_OPTIONS would allow it. `--lbc-class` is checked by the reader's options
 * (resolveDoctorOptions), with the budget's violations.
 */
export function readManifestFlags(command: Command, heapLimitBytes: number): { values: ManifestFlagValues; problems: string[] } {
  const flags = command.opts<{ lbcClass?: string; lbcWebhook?: boolean; maxInputSize?: string }>();
  const problems: string[] = [];
  let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
  if (flags.maxInputSize !== undefined) {
    const bytes = parseSize(flags.maxInputSize);
    if (bytes === undefined) {
      problems.push(`--max-input-size must be a size such as 64MiB, 500MB or a number of bytes; got ${JSON.stringify(flags.maxInputSize)}.`);
    } else if (bytes * HEAP_BYTES_PER_INPUT_BYTE > heapLimitBytes) {
      const needed = bytes * HEAP_BYTES_PER_INPUT_BYTE;
      problems.push(
        `--max-input-size ${showSize(bytes)} needs about ${showSize(needed)} of heap, more than Node's limit of ${showSize(heapLimitBytes)}: raise the limit too (NODE_OPTIONS=--max-old-space-size=${Math.ceil(needed / 1024 / 1024)}) or read less at once`,
      );
    } else {
      maxInputBytes = bytes;
    }
  }
  return {
    values: { ...(flags.lbcClass !== undefined && { lbcClass: flags.lbcClass }), ...(flags.lbcWebhook === false && { lbcWebhook: false }), maxInputBytes },
    problems,
  };
}
