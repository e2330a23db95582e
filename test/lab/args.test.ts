import { parseArgs, type LabCommand } from '../../lab/args';
import { LAB_DEFAULTS, type LabOptions } from '../../lab/run-scenario';

function command(argv: string[]): LabCommand {
  const parsed = parseArgs(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
}

describe('lab arguments', () => {
  it('defaults to every scenario, once, with the documented knobs', () => {
    expect(command([])).toEqual({ scenarios: ['derived', 'naive', 'seed', 'no-gate'], options: LAB_DEFAULTS, json: false, svgDir: undefined, runtimeLog: undefined, help: false });
    expect(LAB_DEFAULTS).toEqual({
      restarts: 1,
      replicas: 3,
      propagationSeconds: 20,
      // The NLB follows the budget unless told otherwise: [P/4, P).
      nlbPropagation: undefined,
      // aws/containers-roadmap#470: new connections stop 30–40 s after a target turns unhealthy.
      unhealthyLag: { minSeconds: 30, maxSeconds: 40 },
      // LBC #1834: 90–180 s for ip targets, before the health checks.
      registration: { minSeconds: 90, maxSeconds: 90 },
      // The budget's registration follows the NLB's (its upper end) unless told otherwise.
      budgetRegistrationSeconds: undefined,
      zones: 1,
      crossZone: false,
      idleTimeoutSeconds: 350,
      idleClients: true,
      seed: 1,
      scaleMs: 50,
      nodes: 3,
      transparentRetries: true,
      until: 'forgotten',
      lightLoad: false,
      // The runtime's default (GRPC_DRAIN_LATE_CONNECTIONS unset).
      lateConnections: 'serve',
    });
  });

  it.each<[string[], Omit<Partial<LabCommand>, 'options'> & { options?: Partial<LabOptions> }]>([
    [['--scenario', 'derived'], { scenarios: ['derived'] }],
    [['--scenario=naive'], { scenarios: ['naive'] }],
    [['--scenario', 'all'], { scenarios: ['derived', 'naive', 'seed', 'no-gate'] }],
    [['--scenario', 'no-gate'], { scenarios: ['no-gate'] }],
    [['--scenario', 'seed,derived'], { scenarios: ['seed', 'derived'] }],
    [['--nlb-propagation', '60'], { options: { nlbPropagation: { minSeconds: 15, maxSeconds: 60 } } }],
    [['--nlb-propagation=10-90'], { options: { nlbPropagation: { minSeconds: 10, maxSeconds: 90 } } }],
    [['--unhealthy-lag', '0'], { options: { unhealthyLag: { minSeconds: 0, maxSeconds: 0 } } }],
    [['--unhealthy-lag', '30-40'], { options: { unhealthyLag: { minSeconds: 30, maxSeconds: 40 } } }],
    [['--registration', '120'], { options: { registration: { minSeconds: 120, maxSeconds: 120 } } }],
    [['--registration', '90-180'], { options: { registration: { minSeconds: 90, maxSeconds: 180 } } }],
    [['--zones', '2', '--replicas', '2', '--cross-zone'], { options: { zones: 2, replicas: 2, crossZone: true } }],
    [['--idle-timeout', '60', '--no-idle-clients'], { options: { idleTimeoutSeconds: 60, idleClients: false } }],
    [['--until', 'exited'], { options: { until: 'exited' } }],
    [['--light-load'], { options: { lightLoad: true } }],
    [['--restarts', '5', '--replicas', '4'], { options: { restarts: 5, replicas: 4 } }],
    [['--propagation', '45', '--seed=7', '--scale', '20', '--nodes', '2'], { options: { propagationSeconds: 45, seed: 7, scaleMs: 20, nodes: 2 } }],
    [['--propagation', '12.5'], { options: { propagationSeconds: 12.5 } }],
    [['--no-transparent-retries'], { options: { transparentRetries: false } }],
    [['--json', '--svg', 'docs/img'], { json: true, svgDir: 'docs/img' }],
    [['--runtime-log', 'runtime.log'], { runtimeLog: 'runtime.log' }],
    [['--late-connections', 'refuse'], { options: { lateConnections: 'refuse' } }],
    [['--late-connections=goaway'], { options: { lateConnections: 'goaway' } }],
    [['--budget-registration', '30'], { options: { budgetRegistrationSeconds: 30 } }],
    [['--help'], { help: true }],
  ])('%j', (argv, expected) => {
    const parsed = command(argv);
    const { options, ...rest } = expected;
    expect(parsed).toMatchObject(rest);
    if (options) expect(parsed.options).toEqual({ ...LAB_DEFAULTS, ...options });
  });

  it.each<[string[], string]>([
    [['--scenario', 'fast'], 'lab: --scenario must be all or a comma-separated list of derived, naive, seed, no-gate, got "fast" (see --help)'],
    [['--scenario', 'derived,derived'], 'lab: --scenario must be all or a comma-separated list of derived, naive, seed, no-gate, got "derived,derived" (see --help)'],
    [['--nlb-propagation', '60-20'], 'lab: --nlb-propagation must be S or MIN-MAX in seconds (MIN ≤ MAX ≤ 3600), got "60-20" (see --help)'],
    [['--unhealthy-lag', '700'], 'lab: --unhealthy-lag must be S or MIN-MAX in seconds (MIN ≤ MAX ≤ 600), got "700" (see --help)'],
    [['--registration', 'slow'], 'lab: --registration must be S or MIN-MAX in seconds (MIN ≤ MAX ≤ 3600), got "slow" (see --help)'],
    [['--zones', '4'], 'lab: --zones 4 needs at least as many NLB nodes (--nodes 3): every zone has its own (see --help)'],
    [['--idle-timeout', '30'], 'lab: --idle-timeout must be a whole number from 60 to 6000, got "30" (see --help)'],
    [['--until', 'never'], 'lab: --until must be exited or forgotten, got "never" (see --help)'],
    [['--cross-zone=yes'], 'lab: --cross-zone takes no value (see --help)'],
    [['--restarts', '0'], 'lab: --restarts must be a whole number from 1 to 100, got "0" (see --help)'],
    [['--restarts', '2.5'], 'lab: --restarts must be a whole number from 1 to 100, got "2.5" (see --help)'],
    [['--replicas', 'three'], 'lab: --replicas must be a whole number from 1 to 10, got "three" (see --help)'],
    [['--propagation', '-5'], 'lab: --propagation must be a number from 1 to 3600, got "-5" (see --help)'],
    [['--scale', '1'], 'lab: --scale must be a number from 5 to 1000, got "1" (see --help)'],
    [['--seed'], 'lab: --seed needs a value (see --help)'],
    [['--late-connections', 'drop'], 'lab: --late-connections must be serve, goaway or refuse, got "drop" (see --help)'],
    [['--budget-registration', '3601'], 'lab: --budget-registration must be a number from 0 to 3600, got "3601" (see --help)'],
    [['--runtime-log'], 'lab: --runtime-log needs a value (see --help)'],
    [['--svg', '--json'], 'lab: --svg needs a value (see --help)'],
    [['--restarts', '1', '--restarts', '2'], 'lab: --restarts given twice (see --help)'],
    [['--json=yes'], 'lab: --json takes no value (see --help)'],
    [['--fast'], 'lab: unknown argument "--fast" (see --help)'],
    [['derived'], 'lab: unknown argument "derived" (see --help)'],
  ])('%j: %s', (argv, error) => {
    expect(parseArgs(argv)).toEqual({ ok: false, error });
  });
});
