/** README.md and docs/doctor.md show real output: the examples are re-run here and must match. */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { main, type CliIo } from '../../src/cli';
import { fixturePath } from './helpers';

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'doctor.md'), 'utf8');
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

async function output(argv: readonly string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: CliIo = { stdin: '', stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } };
  const code = await main(argv, io);
  return { code, stdout };
}

describe('doctor documentation', () => {
  it('shows the real output of grpc-drain doctor on the ledger example (README)', async () => {
    const shown = README.split('$ grpc-drain doctor ledger.yaml\n')[1]!.split('$ echo $?')[0]!;
    const { code, stdout } = await output(['doctor', fixturePath('02-sigkill.yaml')]);
    expect(code).toBe(1);
    expect(shown).toBe(stdout.split(fixturePath('02-sigkill.yaml')).join('ledger.yaml'));
  });

  it('shows the real timeline of grpc-drain plan', async () => {
    const shown = DOC.split('$ grpc-drain plan --propagation 30s --drain 15s --health-port 8733\n…\n')[1]!.split('```')[0]!;
    const { stdout } = await output(['plan', '--propagation', '30s', '--drain', '15s', '--health-port', '8733']);
    expect(stdout.endsWith(shown)).toBe(true);
    expect(shown.startsWith('# Timeline')).toBe(true);
  });

  it('names fixtures that exist', () => {
    const names = [...`${DOC}${README}`.matchAll(/`(\d\d[a-z]?-[a-z-]+\.(?:yaml|json))`/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) expect(existsSync(fixturePath(name))).toBe(true);
  });
});
