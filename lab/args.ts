/**
 * The lab's command line. Pure: argv in, options or one line of error out (the CLI exits 2).
 */
import { LAB_DEFAULTS, type LabOptions } from './run-scenario';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios';

export interface LabCommand {
  readonly scenarios: readonly ScenarioName[];
  readonly options: LabOptions;
  readonly json: boolean;
  /** Where to write one SVG per scenario; undefined for none. */
  readonly svgDir: string | undefined;
  readonly help: boolean;
}

export type ParseResult = { readonly ok: true; readonly command: LabCommand } | { readonly ok: false; readonly error: string };

export const USAGE = `usage: npm run lab -- [--scenario derived|naive|seed|all] [--restarts N] [--replicas N]
                      [--propagation S] [--seed N] [--scale MS] [--nodes N]
                      [--no-transparent-retries] [--json] [--svg DIR]

  --scenario S      which configuration(s) to run                        default all
  --restarts N      rolling restarts per scenario, back to back (1-100)  default ${LAB_DEFAULTS.restarts}
  --replicas N      pods of the Deployment (1-10)                        default ${LAB_DEFAULTS.replicas}
  --propagation S   upper end of the NLB propagation range, budget s;
                    derived's propagation budget (1-3600)                default ${LAB_DEFAULTS.propagationSeconds}
  --seed N          seed of the propagation delays and health-check phases  default ${LAB_DEFAULTS.seed}
  --scale MS        wall-clock ms per budget second (5-1000)             default ${LAB_DEFAULTS.scaleMs}
  --nodes N         NLB nodes (1-8)                                      default ${LAB_DEFAULTS.nodes}
  --no-transparent-retries   grpc.enable_retries=0: also turn off gRPC's transparent retry
  --json            print one JSON object {scenarios: {NAME: {...}}} and nothing else on stdout
  --svg DIR         write DIR/lab-NAME.svg per scenario`;

interface NumberOption {
  readonly key: 'restarts' | 'replicas' | 'propagationSeconds' | 'seed' | 'scaleMs' | 'nodes';
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const NUMBER_OPTIONS: { readonly [flag: string]: NumberOption } = {
  '--restarts': { key: 'restarts', min: 1, max: 100, integer: true },
  '--replicas': { key: 'replicas', min: 1, max: 10, integer: true },
  '--propagation': { key: 'propagationSeconds', min: 1, max: 3600, integer: false },
  '--seed': { key: 'seed', min: 0, max: 2 ** 31 - 1, integer: true },
  '--scale': { key: 'scaleMs', min: 5, max: 1000, integer: false },
  '--nodes': { key: 'nodes', min: 1, max: 8, integer: true },
};

const VALUE_FLAGS = new Set([...Object.keys(NUMBER_OPTIONS), '--scenario', '--svg']);
const BOOLEAN_FLAGS = new Set(['--json', '--no-transparent-retries', '--help', '-h']);

export function parseArgs(argv: readonly string[]): ParseResult {
  const options: { -readonly [K in keyof LabOptions]: LabOptions[K] } = { ...LAB_DEFAULTS };
  let scenarios: readonly ScenarioName[] = SCENARIO_NAMES;
  let json = false;
  let help = false;
  let svgDir: string | undefined;
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
      if (value === 'all') scenarios = SCENARIO_NAMES;
      else if ((SCENARIO_NAMES as readonly string[]).includes(value)) scenarios = [value as ScenarioName];
      else return error(`--scenario must be one of ${[...SCENARIO_NAMES, 'all'].join(', ')}, got ${JSON.stringify(value)}`);
    } else if (flag === '--svg') {
      svgDir = value;
    } else {
      const spec = NUMBER_OPTIONS[flag] as NumberOption;
      const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(number) || (spec.integer && !Number.isInteger(number)) || number < spec.min || number > spec.max) {
        return error(`${flag} must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, got ${JSON.stringify(value)}`);
      }
      options[spec.key] = number;
    }
  }
  return { ok: true, command: { scenarios, options, json, svgDir, help } };
}
