/**
 * The lab's command line. Pure: argv in, options or one line of error out (the CLI exits 2).
 */
import { formatRange, parseRange, type SecondsRange } from './ranges';
import { LAB_DEFAULTS, PROPAGATION_MIN_SHARE, type LabOptions } from './run-scenario';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios';
import { LATE_CONNECTIONS, type LateConnections } from 'grpc-drain/runtime';

export interface LabCommand {
  readonly scenarios: readonly ScenarioName[];
  readonly options: LabOptions;
  readonly json: boolean;
  /** Where to write one SVG per scenario; undefined for none. */
  readonly svgDir: string | undefined;
  /** Where to write the runtime's termination reports, rescaled to budget seconds; undefined for none. */
  readonly runtimeLog: string | undefined;
  readonly help: boolean;
}

export type ParseResult = { readonly ok: true; readonly command: LabCommand } | { readonly ok: false; readonly error: string };

export const USAGE = `usage: npm run lab -- [--scenario ${SCENARIO_NAMES.join('|')}|all] [--restarts N] [--replicas N]
                      [--propagation S] [--nlb-propagation S|MIN-MAX] [--unhealthy-lag S|MIN-MAX]
                      [--registration S|MIN-MAX] [--budget-registration S] [--zones N] [--cross-zone]
                      [--idle-timeout S] [--no-idle-clients] [--seed N] [--scale MS] [--nodes N]
                      [--until exited|forgotten] [--light-load] [--late-connections serve|goaway|refuse]
                      [--no-transparent-retries] [--json] [--svg DIR] [--runtime-log FILE]

  --scenario S        which configuration(s) to run: all, or NAME[,NAME...]  default all
  --restarts N        rolling restarts per scenario, back to back (1-100)    default ${LAB_DEFAULTS.restarts}
  --replicas N        pods of the Deployment (1-10)                          default ${LAB_DEFAULTS.replicas}
  --propagation S     the budget's propagation: derived's preStop sleep (1-3600)  default ${LAB_DEFAULTS.propagationSeconds}
  --nlb-propagation R the NLB's true propagation per node, budget s: S means
                      [S/4, S), MIN-MAX a spread (0-3600)                    default [P/4, P) of --propagation
  --unhealthy-lag R   a node routes to a target it judged unhealthy this long:
                      S exactly, MIN-MAX a spread (0-600)                    default ${formatRange(LAB_DEFAULTS.unhealthyLag)}
  --registration R    a registration reaches a node after: S exactly,
                      MIN-MAX a spread (0-3600)                              default ${formatRange(LAB_DEFAULTS.registration)}
  --budget-registration S   the budget's registrationSeconds: no-gate's
                      minReadySeconds is it + healthy threshold x interval (0-3600)  default the upper end of --registration
  --zones N           zones over the NLB nodes and the pods (1-nodes)        default ${LAB_DEFAULTS.zones}
  --cross-zone        cross-zone load balancing on (off by default on an NLB)
  --idle-timeout S    the NLB's tcp.idle_timeout.seconds (60-6000)           default ${LAB_DEFAULTS.idleTimeoutSeconds}
  --no-idle-clients   leave out the idle clients (and the warm-up past the idle timeout they need)
  --seed N            seed of the NLB's delays, health-check phases, placements  default ${LAB_DEFAULTS.seed}
  --scale MS          wall-clock ms per budget second (5-1000)               default ${LAB_DEFAULTS.scaleMs}
  --nodes N           NLB nodes (1-8)                                        default ${LAB_DEFAULTS.nodes}
  --until U           a rollout ends when its old pods have exited, or also
                      been forgotten by every NLB node                       default ${LAB_DEFAULTS.until}
  --light-load        one client of each kind per node, at a fifth of the rate (a busy machine)
  --late-connections M   what the runtime gives a connection after SIGTERM
                      (GRPC_DRAIN_LATE_CONNECTIONS): serve, goaway or refuse  default ${LAB_DEFAULTS.lateConnections}
  --no-transparent-retries   grpc.enable_retries=0: also turn off gRPC's transparent retry
  --json              print one JSON object {machine, scenarios: {NAME: {...}}} and nothing else on stdout
  --svg DIR           write DIR/lab-NAME.svg per scenario
  --runtime-log FILE  write the runtime's propagation reports, in budget seconds, one JSON line
                      per terminated pod (what grpc-drain propagation reads)`;

type NumberKey = 'restarts' | 'replicas' | 'propagationSeconds' | 'budgetRegistrationSeconds' | 'seed' | 'scaleMs' | 'nodes' | 'zones' | 'idleTimeoutSeconds';
type RangeKey = 'nlbPropagation' | 'unhealthyLag' | 'registration';

interface NumberOption {
  readonly key: NumberKey;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

interface RangeOption {
  readonly key: RangeKey;
  readonly max: number;
  /** What a bare S means. */
  readonly bare: { readonly share: number } | 'fixed';
}

const NUMBER_OPTIONS: { readonly [flag: string]: NumberOption } = {
  '--restarts': { key: 'restarts', min: 1, max: 100, integer: true },
  '--replicas': { key: 'replicas', min: 1, max: 10, integer: true },
  '--propagation': { key: 'propagationSeconds', min: 1, max: 3600, integer: false },
  '--budget-registration': { key: 'budgetRegistrationSeconds', min: 0, max: 3600, integer: false },
  '--seed': { key: 'seed', min: 0, max: 2 ** 31 - 1, integer: true },
  '--scale': { key: 'scaleMs', min: 5, max: 1000, integer: false },
  '--nodes': { key: 'nodes', min: 1, max: 8, integer: true },
  '--zones': { key: 'zones', min: 1, max: 8, integer: true },
  // tcp.idle_timeout.seconds: 60–6000 (NLB guide, "Connection idle timeout").
  '--idle-timeout': { key: 'idleTimeoutSeconds', min: 60, max: 6000, integer: true },
};

const RANGE_OPTIONS: { readonly [flag: string]: RangeOption } = {
  '--nlb-propagation': { key: 'nlbPropagation', max: 3600, bare: { share: PROPAGATION_MIN_SHARE } },
  '--unhealthy-lag': { key: 'unhealthyLag', max: 600, bare: 'fixed' },
  '--registration': { key: 'registration', max: 3600, bare: 'fixed' },
};

const VALUE_FLAGS = new Set([...Object.keys(NUMBER_OPTIONS), ...Object.keys(RANGE_OPTIONS), '--scenario', '--svg', '--until', '--late-connections', '--runtime-log']);
const BOOLEAN_FLAGS = new Set(['--json', '--no-transparent-retries', '--cross-zone', '--no-idle-clients', '--light-load', '--help', '-h']);

export function parseArgs(argv: readonly string[]): ParseResult {
  const options: { -readonly [K in keyof LabOptions]: LabOptions[K] } = { ...LAB_DEFAULTS };
  let scenarios: readonly ScenarioName[] = SCENARIO_NAMES;
  let json = false;
  let help = false;
  let svgDir: string | undefined;
  let runtimeLog: string | undefined;
  const seen = new Set<string>();
  const error = (message: string): ParseResult => ({ ok: false, error: `lab: ${message} (see --help)` });

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(flag) && !BOOLEAN_FLAGS.has(flag)) return error(`unknown argument ${JSON.stringify(arg)}`);
    if (seen.has(flag)) return error(`${flag} given twice`);
    seen.add(flag);
    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq > 0) return error(`${flag} takes no value`);
      if (flag === '--json') json = true;
      else if (flag === '--no-transparent-retries') options.transparentRetries = false;
      else if (flag === '--cross-zone') options.crossZone = true;
      else if (flag === '--no-idle-clients') options.idleClients = false;
      else if (flag === '--light-load') options.lightLoad = true;
      else help = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return error(`${flag} needs a value`);
    if (flag === '--scenario') {
      const names = value === 'all' ? SCENARIO_NAMES : value.split(',');
      const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0 || new Set(names).size !== names.length) {
        return error(`--scenario must be all or a comma-separated list of ${SCENARIO_NAMES.join(', ')}, got ${JSON.stringify(value)}`);
      }
      scenarios = names as ScenarioName[];
    } else if (flag === '--svg') {
      svgDir = value;
    } else if (flag === '--runtime-log') {
      runtimeLog = value;
    } else if (flag === '--late-connections') {
      if (!(LATE_CONNECTIONS as readonly string[]).includes(value)) return error(`--late-connections must be ${LATE_CONNECTIONS.slice(0, -1).join(', ')} or ${LATE_CONNECTIONS[LATE_CONNECTIONS.length - 1]}, got ${JSON.stringify(value)}`);
      options.lateConnections = value as LateConnections;
    } else if (flag === '--until') {
      if (value !== 'exited' && value !== 'forgotten') return error(`--until must be exited or forgotten, got ${JSON.stringify(value)}`);
      options.until = value;
    } else if (flag in RANGE_OPTIONS) {
      const spec = RANGE_OPTIONS[flag] as RangeOption;
      const range: SecondsRange | undefined = parseRange(value, spec.bare);
      if (!range || range.maxSeconds > spec.max) {
        return error(`${flag} must be S or MIN-MAX in seconds (MIN ≤ MAX ≤ ${spec.max}), got ${JSON.stringify(value)}`);
      }
      options[spec.key] = range;
    } else {
      const spec = NUMBER_OPTIONS[flag] as NumberOption;
      const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(number) || (spec.integer && !Number.isInteger(number)) || number < spec.min || number > spec.max) {
        return error(`${flag} must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, got ${JSON.stringify(value)}`);
      }
      options[spec.key] = number;
    }
  }
  if (options.zones > options.nodes) return error(`--zones ${options.zones} needs at least as many NLB nodes (--nodes ${options.nodes}): every zone has its own`);
  return { ok: true, command: { scenarios, options, json, svgDir, runtimeLog, help } };
}
