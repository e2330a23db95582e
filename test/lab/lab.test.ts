/**
 * The rollout lab's short variant in `npm test`: `derived` and `naive`, one rolling restart
 * of 2 replicas each behind 2 NLB nodes, real engine processes, real clients (the light load:
 * one of each kind per node), the NLB model; registration 10 s, no idle clients, and each
 * rollout ends when its old pods have exited (nothing the clients see happens after that).
 * `npm run lab` is the full measurement.
 *
 * It asserts only what holds however loaded the machine is (issue 12): `derived` drops
 * nothing and `naive` does, the ground truth is ordered as the model orders it, and no
 * rollout beats its physical floor. Speed is not asserted. Time is scaled from the machine
 * measured first (timer lag and load average, `scaleForMachine`): a busy machine gets longer
 * budget seconds, so the model's shortest durations (a health check's 5 s timeout, the
 * drain's round trips between processes) stay long against its delays. 3–20 s of wall time.
 */
import { runLab } from '../../lab/index';
import { fixedRange } from '../../lab/ranges';
import { failedTotal, scenarioJson, type ScenarioJson } from '../../lab/report';
import { LAB_DEFAULTS, type LabOptions, type ScenarioRun } from '../../lab/run-scenario';
import type { ScenarioName } from '../../lab/scenarios';
import { renderSvg } from '../../lab/svg';
import { cpus, loadavg } from 'node:os';
import { measureTimerLagMs, scaleForMachine } from '../../lab/time-scale';

let options: LabOptions;
let runs: ScenarioRun[] = [];
let lagMs = 0;
let loadPerCpu = 0;
const run = (name: ScenarioName): ScenarioRun => {
  const found = runs.find((r) => r.scenario.name === name);
  if (!found) throw new Error(`no ${name} run`);
  return found;
};
const json = (name: ScenarioName): ScenarioJson => scenarioJson(run(name));
/** Everything the counts hold besides the numbers, for a failure message worth reading. */
const why = (r: ScenarioRun): string =>
  JSON.stringify({ lagMs, loadPerCpu, scaleMs: options.scaleMs, result: { ...scenarioJson(r), rollouts: undefined }, failed: r.load.total.failedDetails, resets: r.load.streamResetDetails });

beforeAll(async () => {
  lagMs = await measureTimerLagMs(100);
  loadPerCpu = (loadavg()[0] as number) / cpus().length;
  options = { ...LAB_DEFAULTS, replicas: 2, nodes: 2, lightLoad: true, registration: fixedRange(10), idleClients: false, until: 'exited', scaleMs: scaleForMachine({ lagMs, loadPerCpu }, 25, 80) };
  ({ runs } = await runLab({ scenarios: ['derived', 'naive'], options, json: false, svgDir: undefined, runtimeLog: undefined, help: false }));
}, 180_000);

describe('one rolling restart under load, at any machine load', () => {
  it('derived: no failed call, no refused connection, no stream reset', () => {
    const derived = json('derived');
    expect({ failed: derived.failed, refused: derived.refused, streamsReset: derived.streamsReset }).toEqual({ failed: {}, refused: 0, streamsReset: 0 });
    // The load was real: calls went out, fresh connections were opened, and the drain hung streams up, which reconnected.
    expect(derived.clients.unary.rpcs).toBeGreaterThan(20);
    expect(derived.clients.churn.rpcs).toBeGreaterThan(2);
    expect(derived.streamsEnded).toBeGreaterThan(0);
    expect(derived.clients.unary.ok + derived.clients.churn.ok).toBe(derived.rpcs);
  });

  it('naive: failed calls and refused connections (no preStop: the listener closes while the nodes still route to it)', () => {
    const naive = json('naive');
    expect({ failed: failedTotal(naive.failed) > 0, refusedByTarget: naive.nlb.refusedByTarget > 0 }).toEqual({ failed: true, refusedByTarget: true });
  });

  it('derived: every node stopped routing to a terminating pod before its SIGTERM, and none opened a connection to it after', () => {
    const terminations = json('derived').rollouts.flatMap((r) => r.terminations);
    expect(terminations).toHaveLength(options.replicas);
    for (const t of terminations) {
      expect(t.truth.stoppedRoutingSeconds.perNode.every((s) => s !== null)).toBe(true);
      expect(t.truth.stoppedRoutingSeconds.max).toBeLessThan(t.sigtermSeconds as number);
      expect(t.truth.newConnectionsAfterSigterm.total).toBe(0);
      // The truth is relative to the deletion: the deregistration reaches no node before it.
      expect(Math.min(...(t.truth.deregisteredSeconds.perNode as number[]))).toBeGreaterThanOrEqual(0);
    }
  });

  it('naive: nodes went on opening connections to pods after their SIGTERM (the seed article’s burst)', () => {
    const terminations = json('naive').rollouts.flatMap((r) => r.terminations);
    expect(terminations.reduce((sum, t) => sum + t.truth.newConnectionsAfterSigterm.total, 0)).toBeGreaterThan(0);
  });

  it('no rollout of derived beats its physical floor (2 waves of 10 + 5 s, then 20 s of propagation and the call in flight)', () => {
    const derived = json('derived');
    expect(derived.lowerBoundSeconds).toBe(50.2);
    for (const r of derived.rollouts) {
      expect(r.oldPodsGoneSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
      expect(r.rolloutCompleteSeconds).toBeGreaterThanOrEqual(30);
      expect(r.rolloutCompleteSeconds).toBeLessThanOrEqual(r.oldPodsGoneSeconds);
      // maxUnavailable 0 and the readiness gate: every node always had both replicas' worth of targets.
      expect(r.minRoutableTargets).toBe(2);
    }
  });

  it('draws the pod, every node, the ground truth and the errors', () => {
    for (const r of runs) {
      const svg = renderSvg(r);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      for (let node = 1; node <= options.nodes; node += 1) expect(svg).toContain(`NLB node ${node}`);
      expect(svg).toContain(`termination of ${r.sample?.name}`);
      // A tick per node that opened a connection to the pod within the chart (which starts 5 s
      // or more before the deletion): on a loaded machine, with one client of each kind per
      // node, a node may have opened its last one before that, or none.
      const truth = scenarioJson(r)
        .rollouts.flatMap((rollout) => rollout.terminations)
        .find((t) => t.pod === r.sample?.name)!.truth.lastNewConnectionSeconds.perNode;
      const ticks = svg.split('last new connection at').length - 1;
      expect(ticks).toBeGreaterThanOrEqual(truth.filter((at) => at !== null && at >= -4.9).length);
      expect(ticks).toBeLessThanOrEqual(truth.filter((at) => at !== null).length);
    }
    // No bar of failed calls, refused connections or reset streams in derived's picture.
    const derived = renderSvg(run('derived'));
    for (const kind of ['failed unary RPCs in', 'connections refused in', 'streams reset in']) expect(derived).not.toContain(kind);
    expect(renderSvg(run('naive'))).toContain('connections refused in');
  });
});

// Only on failure: the counts behind a broken expectation.
afterAll(() => {
  for (const r of runs) {
    const j = scenarioJson(r);
    const clean = failedTotal(j.failed) === 0 && j.refused === 0 && j.streamsReset === 0;
    if (!clean && r.scenario.name !== 'naive') process.stderr.write(`lab ${r.scenario.name}: ${why(r)}\n`);
  }
});
