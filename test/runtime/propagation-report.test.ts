/**
 * The termination report's pure parts: reading it back out of logs, the statistics, the
 * recommendation, and the rescaling the lab uses. Expected numbers are worked out by hand.
 */
import { percentile, readPropagationReports, recommendPropagationSeconds, rescalePropagationReport, summarizePropagation, type PropagationReport } from 'grpc-drain/runtime';

function report(last: number | null, fields: Partial<PropagationReport> = {}): PropagationReport {
  return {
    event: 'propagation',
    preStopSeconds: 20,
    preStopSource: 'GRPC_DRAIN_PRESTOP_SECONDS="20"',
    lateConnections: 'serve',
    timeBase: 'sigterm-minus-prestop',
    sigtermAt: '2026-01-01T00:00:20.000Z',
    estimatedDeletionAt: '2026-01-01T00:00:00.000Z',
    connectionsTotal: 10,
    connectionsAfterDeletion: 3,
    connectionsAfterSigterm: 0,
    lastNewConnectionAfterDeletionSeconds: last,
    lateConnectionSeconds: [],
    remoteAddresses: {},
    observedUntilSeconds: 40,
    marginSeconds: 5,
    recommendedPropagationSeconds: recommendPropagationSeconds(last),
    ...fields,
  };
}

describe('recommendPropagationSeconds', () => {
  it.each([
    [23.4, 5, 29],
    [15, 5, 20],
    [0.001, 5, 6],
    [24, 0, 24],
    [null, 5, null],
  ])('%s s observed + %s s margin → %s s', (observed, margin, expected) => {
    expect(recommendPropagationSeconds(observed, margin)).toBe(expected);
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95, 19],
  ])('of %j at p%s is %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('summarizePropagation', () => {
  it('gives the distribution over the terminations with evidence, the late connections and the budget to raise to', () => {
    const summary = summarizePropagation([
      report(6.1),
      report(23.4, { connectionsAfterSigterm: 3, lateConnectionSeconds: [20.5, 22, 23.4] }),
      report(17.8),
      report(null, { connectionsAfterDeletion: 0 }),
    ]);
    expect(summary).toEqual({
      terminations: 4,
      terminationsWithConnectionAfterDeletion: 3,
      lastNewConnectionAfterDeletionSeconds: { p50: 17.8, p95: 23.4, max: 23.4 },
      connectionsAfterSigterm: 3,
      terminationsWithConnectionsAfterSigterm: 1,
      preStopSeconds: 20,
      marginSeconds: 5,
      recommendedPropagationSeconds: 29,
      verdict: 'raise',
      warnings: [],
    });
  });

  it('keeps a sleep that covers what was seen, and says when there is no evidence', () => {
    expect(summarizePropagation([report(8), report(12)], 3)).toMatchObject({ recommendedPropagationSeconds: 15, verdict: 'keep' });
    expect(summarizePropagation([report(null)])).toMatchObject({ lastNewConnectionAfterDeletionSeconds: null, recommendedPropagationSeconds: null, verdict: 'no-evidence' });
  });

  it('warns about a guessed preStop, refused late connections and a measurement cut off by the exit', () => {
    const summary = summarizePropagation([report(5, { preStopSource: 'default' }), report(5, { lateConnections: 'refuse' }), report(39.5)]);
    expect(summary.warnings).toEqual([
      '1 report(s) dated the deletion with the default preStop (GRPC_DRAIN_PRESTOP_SECONDS was not set): their times are only right if the pod sleeps that long.',
      '1 report(s) ran with lateConnections=refuse: connections after SIGTERM were refused unseen, so their last connection is a lower bound.',
      '1 report(s) saw a new connection less than 1 s before the process stopped watching: the load balancer may have routed there longer than measured.',
    ]);
  });
});

describe('readPropagationReports', () => {
  const line = (r: PropagationReport, extra: object = {}): string => JSON.stringify({ time: '2026-01-01T00:00:41.000Z', level: 'warn', msg: 'x', ...r, ...extra });

  it('finds report lines in kubectl logs with --prefix and --timestamps, and counts every other line', () => {
    const a = report(6.1, { pod: 'engine-a' });
    const b = report(12.5, { sigtermAt: '2026-01-01T00:01:00.000Z' });
    const text = [
      `[pod/engine-a/engine] 2026-01-01T00:00:41.123456789Z ${line(a)}`,
      `[pod/engine-b/engine] ${JSON.stringify({ event: 'sigterm', msg: 'SIGTERM received' })}`,
      `[pod/engine-b/engine] 2026-01-01T00:01:21Z ${line(b)}`,
      'panic: not json at all',
      JSON.stringify({ event: 'propagation', preStopSeconds: 'twenty' }),
      '',
      `[pod/engine-a/engine] 2026-01-01T00:00:41.123456789Z ${line(a)}`,
    ].join('\n');
    const read = readPropagationReports([{ path: 'logs.txt', text }]);
    expect(read.reports.map((r) => [r.pod, r.lastNewConnectionAfterDeletionSeconds])).toEqual([
      ['engine-a', 6.1],
      ['engine-b', 12.5],
    ]);
    expect(read.lines).toBe(6);
    expect(read.skipped).toEqual({ notJson: 1, otherEvents: 1, invalid: 1, duplicates: 1 });
    expect(read.problems).toEqual([
      'logs.txt:5: preStopSeconds, lastNewConnectionAfterDeletionSeconds, connectionsAfterSigterm, lateConnectionSeconds missing or not of the report\'s type',
    ]);
  });
});

describe('rescalePropagationReport', () => {
  it('turns the lab’s wall-clock seconds into budget seconds and recomputes the recommendation there', () => {
    // 50 ms per budget second: 1.17 s of wall clock is 23.4 budget seconds.
    const scaled = rescalePropagationReport(report(1.17, { preStopSeconds: 1, lateConnectionSeconds: [1.05, 1.17], observedUntilSeconds: 2 }), 1000 / 50);
    expect(scaled).toMatchObject({
      preStopSeconds: 20,
      lastNewConnectionAfterDeletionSeconds: 23.4,
      lateConnectionSeconds: [21, 23.4],
      observedUntilSeconds: 40,
      marginSeconds: 5,
      recommendedPropagationSeconds: 29,
    });
  });
});
