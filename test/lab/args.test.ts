import { parseArgs, type LabCommand } from '../../lab/args';
import { LAB_DEFAULTS, type LabOptions } from '../../lab/run-scenario';

function command(argv: string[]): LabCommand {
  const parsed = parseArgs(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
}

describe('lab arguments', () => {
  it('defaults to every scenario, once, with the documented knobs', () => {
    expect(command([])).toEqual({ scenarios: ['derived', 'naive', 'seed'], options: LAB_DEFAULTS, json: false, svgDir: undefined, help: false });
    expect(LAB_DEFAULTS).toEqual({ restarts: 1, replicas: 3, propagationSeconds: 20, seed: 1, scaleMs: 50, nodes: 3, transparentRetries: true });
  });

  it.each<[string[], Omit<Partial<LabCommand>, 'options'> & { options?: Partial<LabOptions> }]>([
    [['--scenario', 'derived'], { scenarios: ['derived'] }],
    [['--scenario=naive'], { scenarios: ['naive'] }],
    [['--scenario', 'all'], { scenarios: ['derived', 'naive', 'seed'] }],
    [['--restarts', '5', '--replicas', '4'], { options: { restarts: 5, replicas: 4 } }],
    [['--propagation', '45', '--seed=7', '--scale', '20', '--nodes', '2'], { options: { propagationSeconds: 45, seed: 7, scaleMs: 20, nodes: 2 } }],
    [['--propagation', '12.5'], { options: { propagationSeconds: 12.5 } }],
    [['--no-transparent-retries'], { options: { transparentRetries: false } }],
    [['--json', '--svg', 'docs/img'], { json: true, svgDir: 'docs/img' }],
    [['--help'], { help: true }],
  ])('%j', (argv, expected) => {
    const parsed = command(argv);
    const { options, ...rest } = expected;
    expect(parsed).toMatchObject(rest);
    if (options) expect(parsed.options).toEqual({ ...LAB_DEFAULTS, ...options });
  });

  it.each<[string[], string]>([
    [['--scenario', 'fast'], 'lab: --scenario must be one of derived, naive, seed, all, got "fast" (see --help)'],
    [['--restarts', '0'], 'lab: --restarts must be a whole number from 1 to 100, got "0" (see --help)'],
    [['--restarts', '2.5'], 'lab: --restarts must be a whole number from 1 to 100, got "2.5" (see --help)'],
    [['--replicas', 'three'], 'lab: --replicas must be a whole number from 1 to 10, got "three" (see --help)'],
    [['--propagation', '-5'], 'lab: --propagation must be a number from 1 to 3600, got "-5" (see --help)'],
    [['--scale', '1'], 'lab: --scale must be a number from 5 to 1000, got "1" (see --help)'],
    [['--seed'], 'lab: --seed needs a value (see --help)'],
    [['--svg', '--json'], 'lab: --svg needs a value (see --help)'],
    [['--restarts', '1', '--restarts', '2'], 'lab: --restarts given twice (see --help)'],
    [['--json=yes'], 'lab: --json takes no value (see --help)'],
    [['--fast'], 'lab: unknown argument "--fast" (see --help)'],
    [['derived'], 'lab: unknown argument "derived" (see --help)'],
  ])('%j: %s', (argv, error) => {
    expect(parseArgs(argv)).toEqual({ ok: false, error });
  });
});
