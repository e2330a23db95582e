import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { main, type CliIo } from '../../src/cli';

async function run(argv: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A report line as the runtime's JSON-lines logger writes it. */
function reportLine(pod: string, last: number | null, afterSigterm: number, late: number[] = []): string {
  return JSON.stringify({
    time: '2026-01-01T00:00:41.000Z',
    level: afterSigterm > 0 ? 'warn' : 'info',
    event: 'propagation',
    msg: 'x',
    pod,
    preStopSeconds: 20,
    preStopSource: 'GRPC_DRAIN_PRESTOP_SECONDS="20"',
    lateConnections: 'serve',
    timeBase: 'sigterm-minus-prestop',
    sigtermAt: `2026-01-01T00:00:20.000Z`,
    estimatedDeletionAt: '2026-01-01T00:00:00.000Z',
    connectionsTotal: 40,
    connectionsAfterDeletion: 4,
    connectionsAfterSigterm: afterSigterm,
    lastNewConnectionAfterDeletionSeconds: last,
    lateConnectionSeconds: late,
    remoteAddresses: { '10.0.1.17': 4 },
    observedUntilSeconds: 40,
    marginSeconds: 5,
    recommendedPropagationSeconds: last === null ? null : Math.ceil(last + 5),
  });
}

const KUBECTL_LOGS = [
  `[pod/engine-a/engine] ${JSON.stringify({ event: 'sigterm', msg: 'SIGTERM received: starting the shutdown' })}`,
  `[pod/engine-a/engine] ${reportLine('engine-a', 6.1, 0)}`,
  `[pod/engine-b/engine] ${reportLine('engine-b', 23.4, 3, [20.2, 21.9, 23.4])}`,
  `[pod/engine-c/engine] ${reportLine('engine-c', 17.8, 0)}`,
  '[pod/engine-c/engine] some application output',
].join('\n');

describe('grpc-drain propagation', () => {
  it('prints the distribution, the late connections and the budget to raise to', async () => {
    const r = await run(['propagation', '-'], KUBECTL_LOGS);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '3 terminations: last new connection after deletion p50 17.8 s, p95 23.4 s, max 23.4 s',
        '3 connections arrived after SIGTERM (preStop 20 s): raise propagation to ≥ 29 s (max 23.4 s + margin 5 s, rounded up)',
        'skipped 2 of 5 lines (1 other log lines, 1 not JSON)',
        '',
      ].join('\n'),
    });
  });

  it.each([['-o', 'json'], ['--output', 'json'], ['--json']])('prints JSON for machines with %s', async (...flags) => {
    const r = await run(['propagation', '-', ...flags], KUBECTL_LOGS);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      terminations: 3,
      lastNewConnectionAfterDeletionSeconds: { p50: 17.8, p95: 23.4, max: 23.4 },
      connectionsAfterSigterm: 3,
      recommendedPropagationSeconds: 29,
      verdict: 'raise',
      skippedLines: { notJson: 1, otherEvents: 1, invalid: 0, duplicates: 0 },
    });
  });

  it('reads files, with another margin', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grpc-drain-propagation-'));
    const file = path.join(dir, 'engine.log');
    writeFileSync(file, `${reportLine('engine-a', 8, 0)}\n${reportLine('engine-b', 12, 0).replace('00:00:20', '00:01:20')}\n`);
    const r = await run(['propagation', file, '--margin', '3s']);
    expect(r.stdout).toBe(
      [
        '2 terminations: last new connection after deletion p50 8 s, p95 12 s, max 12 s',
        '0 connections arrived after SIGTERM (preStop 20 s): the preStop sleep covers what was observed; 15 s would be enough on this evidence (max 12 s + margin 3 s, rounded up)',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['propagation'], '', 'grpc-drain: no input: pass log files, or - to read stdin (kubectl logs -l app=engine --previous --tail=-1 | grpc-drain propagation -)\n'],
    [['propagation', '-'], 'hello\n{"event":"sigterm"}\n', "grpc-drain: no propagation report in the input (skipped 2 of 2 lines (1 other log lines, 1 not JSON)): feed it the runtime's log, e.g. kubectl logs -l app=engine --previous --tail=-1\n"],
    [['propagation', '/nonexistent/engine.log'], '', 'grpc-drain: cannot read /nonexistent/engine.log: no such file\n'],
    [['propagation', '-', '--margin', 'soon'], KUBECTL_LOGS, 'grpc-drain: --margin must be a duration such as 5s, 1m30s, 500ms, .5s or a number of seconds; got "soon".\n'],
    // every bad flag at once, as plan and doctor report them
    [
      ['propagation', '-', '--margin', 'soon', '-o', 'yaml', '--marign', '5s'],
      KUBECTL_LOGS,
      [
        "grpc-drain: unknown option '--marign' (did you mean --margin?)",
        'grpc-drain: -o/--output must be one of text, json; got "yaml".',
        'grpc-drain: --margin must be a duration such as 5s, 1m30s, 500ms, .5s or a number of seconds; got "soon".',
        '',
      ].join('\n'),
    ],
  ])('exits 2 on unusable input: %j', async (argv, stdin, stderr) => {
    const r = await run(argv, stdin);
    expect(r).toEqual({ code: 2, stdout: '', stderr });
  });
});
