/**
 * `npm run lab` as a user runs it (ts-node, transpile only, as the test harness of the
 * runtime does): exit codes and the --json contract, every field of which docs/lab.md must
 * document. One tiny run: 1 replica, 1 NLB node, registration 5 s, no idle clients.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function lab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'lab/index.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // A loaded machine makes the tiny run slow; on a timeout the lab kills its engines (SIGTERM handler).
    timeout: 150_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run lab', () => {
  it.each<[string[], string]>([
    [['--restarts', 'many'], 'lab: --restarts must be a whole number from 1 to 100, got "many" (see --help)'],
    [['--propagation', '3600'], 'lab: --propagation 3600 --budget-registration 90: planDrain rejects it: [deregistration-delay-covers-drain]'],
  ])('%j: one line on stderr, nothing on stdout, exit 2', (args, error) => {
    const result = lab(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr.startsWith(error)).toBe(true);
  });

  it('--json prints exactly one JSON object, nothing else on stdout, and docs/lab.md documents every field', () => {
    const result = lab(['--scenario', 'derived', '--replicas', '1', '--nodes', '1', '--registration', '5', '--no-idle-clients', '--scale', '10', '--json']);
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(result.stdout) as { machine: { timerLagP99Ms: unknown }; scenarios: Record<string, Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['machine', 'scenarios']);
    expect(typeof parsed.machine.timerLagP99Ms).toBe('number');
    expect(Object.keys(parsed.scenarios)).toEqual(['derived']);
    const derived = parsed.scenarios.derived as Record<string, unknown>;
    for (const key of ['rpcs', 'refused', 'streamsReset', 'streamsEnded', 'sigkills', 'rolloutCompleteSeconds', 'oldPodsGoneSeconds', 'lowerBoundSeconds']) expect(typeof derived[key]).toBe('number');
    for (const n of Object.values(derived.failed as Record<string, unknown>)) expect(typeof n).toBe('number');
    const rollouts = derived.rollouts as { terminations: { truth: { lastNewConnectionSeconds: { perNode: unknown[]; max: unknown } } }[] }[];
    expect(rollouts).toHaveLength(1);
    expect(rollouts[0]?.terminations[0]?.truth.lastNewConnectionSeconds.perNode).toHaveLength(1);

    // Every field path (`scenarios.NAME.rollouts[].terminations[].truth.lastNewConnectionSeconds.max`, …)
    // appears in docs/lab.md's JSON reference; status-name keys under `failed` are data, not fields.
    const docs = readFileSync(path.join(ROOT, 'docs', 'lab.md'), 'utf8');
    const reference = docs.slice(docs.indexOf('### The JSON'));
    const paths = fieldPaths(parsed, '');
    expect(paths.length).toBeGreaterThan(60);
    expect(paths.filter((p) => !reference.includes(`\`${p}\``))).toEqual([]);
  }, 160_000);
});

/** The field paths of a JSON value: objects by key (scenario names as NAME), the objects in an array under `[]`. */
function fieldPaths(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) {
    const objects = value.filter((v) => v !== null && typeof v === 'object');
    return [prefix, ...new Set(objects.flatMap((v) => fieldPaths(v, `${prefix}[]`).filter((p) => p !== `${prefix}[]`)))];
  }
  if (value === null || typeof value !== 'object') return [prefix];
  const own = prefix === '' ? [] : [prefix];
  if (prefix.endsWith('.failed')) return own;
  return [
    ...own,
    ...Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => fieldPaths(v, prefix === 'scenarios' ? 'scenarios.NAME' : prefix === '' ? key : `${prefix}.${key}`)),
  ];
}
