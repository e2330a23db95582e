/**
 * `npm run lab` as a user runs it (ts-node, transpile only, as the test harness of the
 * runtime does): exit codes and the --json contract. One tiny run: 1 replica, 1 NLB node.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function lab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'lab/index.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run lab', () => {
  it.each<[string[], string]>([
    [['--restarts', 'many'], 'lab: --restarts must be a whole number from 1 to 100, got "many" (see --help)'],
    [['--propagation', '3600'], 'lab: --propagation 3600: planDrain rejects it: [deregistration-delay-covers-drain]'],
  ])('%j: one line on stderr, nothing on stdout, exit 2', (args, error) => {
    const result = lab(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr.startsWith(error)).toBe(true);
  });

  it('--json prints exactly one JSON object with numbers, and nothing else on stdout', () => {
    const result = lab(['--scenario', 'derived', '--restarts', '1', '--replicas', '1', '--nodes', '1', '--scale', '10', '--json']);
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(result.stdout) as { scenarios: Record<string, Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['scenarios']);
    expect(Object.keys(parsed.scenarios)).toEqual(['derived']);
    const derived = parsed.scenarios.derived as Record<string, unknown>;
    expect(Object.keys(derived)).toEqual(['rpcs', 'failed', 'refused', 'streamsReset', 'streamsEnded', 'sigkills', 'rolloutSeconds']);
    for (const key of ['rpcs', 'refused', 'streamsReset', 'streamsEnded', 'sigkills', 'rolloutSeconds']) expect(typeof derived[key]).toBe('number');
    expect(typeof derived.failed).toBe('object');
    for (const n of Object.values(derived.failed as Record<string, unknown>)) expect(typeof n).toBe('number');
  }, 60_000);
});
