/**
 * The lab's pure parts besides the NLB view: the kubelet's schedule, the rollout's bounds,
 * the scenarios' settings, the stream classification and the report's shape.
 */
import * as grpc from '@grpc/grpc-js';
import { planDrain } from 'grpc-drain';
import { rolloutBounds, scaledValue } from '../../lab/deployment';
import { classifyStreamEnd, DRAIN_HANG_UP_MESSAGE, normalizeDetails, statusName } from '../../lab/load';
import { kubeletSchedule } from '../../lab/pod';
import { deletionOrder, scheduleZone, type DeletionCandidate } from '../../lab/deployment';
import type { CallCounts } from '../../lab/load';
import type { NodeTruth } from '../../lab/nlb';
import type { Pod } from '../../lab/pod';
import { drawMs, fixedRange, formatRange, parseRange } from '../../lab/ranges';
import { toJson } from '../../lab/report';
import { budgetRegistrationSeconds, engineEnv, LAB_DEFAULTS, lowerBoundSeconds, type LowerBoundInput, type ScenarioRun } from '../../lab/run-scenario';
import { budgetSecondsReport, compareMeasurement, runPropagationCommand, runtimeLogLine } from '../../lab/runtime-report';
import type { PropagationReport } from 'grpc-drain/runtime';
import { derivedScenario, naiveScenario, noGateScenario, scenario, seedScenario } from '../../lab/scenarios';
import { scaleForMachine, TimeScale } from '../../lab/time-scale';
import { Trace } from '../../lab/trace';

describe('kubelet schedule (budget seconds after the deletion)', () => {
  it.each<[string, number, number, number, number]>([
    ['derived defaults: SIGTERM after the sleep, SIGKILL at the grace period', 20, 45, 20, 45],
    ['the article', 20, 75, 20, 75],
    ['no preStop: SIGTERM at once', 0, 30, 0, 30],
    ['a sleep as long as the grace period overruns it: 2 s extension', 30, 30, 30, 32],
    ['a sleep longer than the grace period is cut at the grace period', 40, 30, 30, 32],
  ])('%s (sleep %p, grace %p)', (_name, sleep, grace, sigterm, sigkill) => {
    expect(kubeletSchedule({ preStopSleepSeconds: sleep, terminationGracePeriodSeconds: grace })).toEqual({ sigtermAfterSeconds: sigterm, sigkillAfterSeconds: sigkill });
  });
});

describe('rollout bounds', () => {
  it.each<[number | string, number, boolean, number]>([
    ['25%', 3, true, 1],
    ['25%', 3, false, 0],
    ['25%', 4, false, 1],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['100%', 3, true, 3],
    [0, 3, false, 0],
    [2, 3, true, 2],
  ])('%p of %p replicas, rounded %s: %p', (value, replicas, roundUp, expected) => {
    expect(scaledValue(value, replicas, roundUp)).toBe(expected);
  });

  it('rejects what is neither a count nor a percentage', () => {
    expect(() => scaledValue('a quarter', 3, true)).toThrow('lab: "a quarter" is neither a count nor a percentage');
  });

  it.each<[string, number | string, number | string, number, { surge: number; unavailable: number }]>([
    ['derived: surge first, never below the replicas', '25%', 0, 3, { surge: 1, unavailable: 0 }],
    ['Kubernetes defaults on 3 replicas', '25%', '25%', 3, { surge: 1, unavailable: 0 }],
    ['Kubernetes defaults on 8 replicas', '25%', '25%', 8, { surge: 2, unavailable: 2 }],
    ['both 0: Kubernetes makes maxUnavailable 1', 0, 0, 3, { surge: 0, unavailable: 1 }],
  ])('%s', (_name, maxSurge, maxUnavailable, replicas, expected) => {
    expect(rolloutBounds({ maxSurge, maxUnavailable }, replicas)).toEqual(expected);
  });
});

describe('scenarios', () => {
  it('derived reads every number from planDrain', () => {
    const plan = planDrain({ propagationSeconds: 30 });
    const derived = derivedScenario(30);
    expect(derived.pod).toEqual({
      preStopSleepSeconds: plan.preStopSleepSeconds,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      drainTimeoutSeconds: 10,
      cleanupSeconds: 5,
      trackStreams: true,
      readinessProbePeriodSeconds: 5,
    });
    expect(derived.pod.preStopSleepSeconds).toBe(30);
    expect(derived.pod.terminationGracePeriodSeconds).toBe(55);
    expect(derived.healthCheck).toEqual({ protocol: 'HTTP', path: '/ready', intervalSeconds: 5, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(derived.targetGroup).toEqual({ deregistrationDelaySeconds: 55, connectionTermination: true, unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 10 });
    expect(derived.rollout).toEqual({ maxSurge: '25%', maxUnavailable: 0, minReadySeconds: 0, readinessGate: true });
  });

  it('naive is every default and a server whose streams hold its graceful stop past the grace period', () => {
    const naive = naiveScenario();
    expect(naive.pod).toMatchObject({ preStopSleepSeconds: 0, terminationGracePeriodSeconds: 30, trackStreams: false });
    expect(naive.pod.drainTimeoutSeconds).toBeGreaterThan(naive.pod.terminationGracePeriodSeconds);
    expect(naive.healthCheck).toEqual({ protocol: 'HTTP', path: '/live', intervalSeconds: 10, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 });
    expect(naive.targetGroup).toEqual({ deregistrationDelaySeconds: 300, connectionTermination: false, unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 });
    expect(naive.rollout).toEqual({ maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, readinessGate: false });
  });

  it("seed is the article's hand-set values with derived's rollout", () => {
    const seed = scenario('seed', { propagationSeconds: 20, registrationSeconds: 90 });
    expect(seed.pod).toMatchObject({ preStopSleepSeconds: 20, terminationGracePeriodSeconds: 75, drainTimeoutSeconds: 10, trackStreams: true });
    expect(seed.healthCheck).toMatchObject({ protocol: 'HTTP', path: '/ready', intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(seed.targetGroup).toMatchObject({ deregistrationDelaySeconds: 60, connectionTermination: true });
    expect(seed.rollout).toEqual(derivedScenario(20).rollout);
    expect(seedScenario(naiveScenario().rollout).rollout.readinessGate).toBe(false);
  });

  it('no-gate is the plan without the readiness gate: minReadySeconds instead', () => {
    // registration (the lab's 90 s) + healthy threshold × interval (2 × 5 s)
    const noGate = noGateScenario(20, 90);
    expect(noGate.rollout).toEqual({ maxSurge: '25%', maxUnavailable: 0, minReadySeconds: 100, readinessGate: false });
    expect({ pod: noGate.pod, healthCheck: noGate.healthCheck, targetGroup: noGate.targetGroup }).toEqual({ pod: derivedScenario(20).pod, healthCheck: derivedScenario(20).healthCheck, targetGroup: derivedScenario(20).targetGroup });
    // An under-estimated registration: 20 + 10.
    expect(scenario('no-gate', { propagationSeconds: 20, registrationSeconds: 20 }).rollout.minReadySeconds).toBe(30);
  });

  it("the budget's registration is the upper end of the NLB's unless --budget-registration says otherwise", () => {
    expect(budgetRegistrationSeconds(LAB_DEFAULTS)).toBe(90);
    expect(budgetRegistrationSeconds({ registration: { minSeconds: 90, maxSeconds: 180 }, budgetRegistrationSeconds: undefined })).toBe(180);
    expect(budgetRegistrationSeconds({ registration: { minSeconds: 90, maxSeconds: 180 }, budgetRegistrationSeconds: 30 })).toBe(30);
  });

  it('a propagation planDrain rejects is an error before anything runs', () => {
    expect(() => scenario('derived', { propagationSeconds: 3601, registrationSeconds: 90 })).toThrow(/unsafe drain budget/);
  });
});

describe('stream ends', () => {
  it.each<[string, number, string, 'ended' | 'reset']>([
    ['OK', grpc.status.OK, '', 'ended'],
    ["the drain's hang-up", grpc.status.UNAVAILABLE, DRAIN_HANG_UP_MESSAGE, 'ended'],
    ['a connection closed under the stream', grpc.status.UNAVAILABLE, 'Connection dropped', 'reset'],
    ['a stream that could not open', grpc.status.UNAVAILABLE, 'No connection established. Last error: read ECONNRESET', 'reset'],
    ['a refused stream', grpc.status.UNAVAILABLE, 'Stream refused by server', 'reset'],
    ['a forced stop (RST_STREAM CANCEL)', grpc.status.CANCELLED, 'Call cancelled', 'reset'],
    ['RST_STREAM without status', grpc.status.INTERNAL, 'Received RST_STREAM with code 0 (Call ended without gRPC status)', 'reset'],
  ])('%s: %s', (_name, code, details, expected) => {
    expect(classifyStreamEnd(code, details)).toBe(expected);
  });

  it.each<[string, string]>([
    ['No connection established. Last error: Error: connect ECONNRESET 127.0.0.1:45507. Resolution note: ', 'No connection established. Last error: Error: connect ECONNRESET ADDR'],
    ['No connection established. Last error: read ECONNRESET (2026-11-25T17:35:19.255Z). Resolution note: ', 'No connection established. Last error: read ECONNRESET'],
    ['Stream refused by server', 'Stream refused by server'],
  ])('groups details without addresses and times: %p', (details, expected) => {
    expect(normalizeDetails(details)).toBe(expected);
  });

  it.each<[number, string]>([
    [grpc.status.UNAVAILABLE, 'UNAVAILABLE'],
    [grpc.status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'],
    [99, 'CODE_99'],
  ])('status %p is named %p', (code, name) => {
    expect(statusName(code)).toBe(name);
  });
});

describe('--json', () => {
  /** A run at 1 s = 10 ms with one terminated pod deleted at 1000 ms on the trace clock. */
  function fakeRun(): ScenarioRun {
    const trace = new Trace();
    trace.pods.push({ at: 0, pod: 'derived-0', event: 'available' });
    trace.zones.push({ at: 0, zone: 0, routableTargets: 2, inDns: true }, { at: 1500, zone: 0, routableTargets: 0, inDns: false }, { at: 1700, zone: 0, routableTargets: 1, inDns: true });
    trace.views.push({ at: 2000, node: 0, target: 'derived-0', label: 'removed' });
    const pod = { name: 'derived-0', zone: 0, sigkilled: false, at: { deleted: 1000, sigterm: 1200, exited: 1310 } } as unknown as Pod;
    const truth: NodeTruth[] = [
      { node: 0, zone: 0, newConnections: 4, lastNewConnectionAt: 1150, lastAcceptedConnectionAt: 1150, deregisteredAt: 1180, forgottenAt: 1450 },
      // This node judged the pod unhealthy at 1300 and stopped routing at 1350, before the deregistration reached it;
      // its last connection, at 1340, came after the exit (1310): the pod refused it.
      { node: 1, zone: 0, newConnections: 3, lastNewConnectionAt: 1340, lastAcceptedConnectionAt: 1290, deregisteredAt: 1400, unhealthyAt: 1300, unroutedAt: 1350, forgottenAt: 1450 },
      { node: 2, zone: 0, newConnections: 0, deregisteredAt: 1050, forgottenAt: 1450 },
    ];
    // What the runtime reported, already in budget seconds: it saw the connection at 1290 (29 s
    // after the deletion) as 28.7 s after its own estimate of the deletion.
    const report: PropagationReport = {
      event: 'propagation',
      pod: 'derived-0',
      preStopSeconds: 20,
      preStopSource: 'GRPC_DRAIN_PRESTOP_SECONDS="200ms"',
      lateConnections: 'serve',
      timeBase: 'sigterm-minus-prestop',
      sigtermAt: '2026-01-01T00:00:00.200Z',
      estimatedDeletionAt: '2026-01-01T00:00:00.000Z',
      connectionsTotal: 40,
      connectionsAfterDeletion: 3,
      connectionsAfterSigterm: 1,
      lastNewConnectionAfterDeletionSeconds: 28.7,
      lateConnectionSeconds: [28.7],
      remoteAddresses: { '127.0.0.1': 3 },
      observedUntilSeconds: 30.6,
      marginSeconds: 5,
      recommendedPropagationSeconds: 34,
    };
    const record = { index: 1, startedAt: 500, completedAt: 1000, endedAt: 1450, deleted: [pod], created: [], minRoutableTargets: 2, ended: Promise.resolve() };
    const counts = (rpcs: number, failed: Record<string, number>): CallCounts => ({ rpcs, ok: rpcs - Object.values(failed).reduce((a, b) => a + b, 0), failed, failedDetails: {} });
    return {
      scenario: scenario('derived', { propagationSeconds: 20, registrationSeconds: 90 }),
      options: { ...LAB_DEFAULTS, scaleMs: 10 },
      rollouts: [{ record, terminations: [{ pod, truth, connectionTimes: [[900, 1100, 1150], [1290, 1340], []], refusedTimes: [[], [1340], []], report }] }],
      load: {
        total: counts(30, { UNAVAILABLE: 1 }),
        byClient: { unary: counts(20, {}), churn: counts(10, { UNAVAILABLE: 1 }), 'idle-short-keepalive': counts(2, {}), 'idle-long-keepalive': counts(2, { UNAVAILABLE: 1 }) },
        streamsOpened: 3,
        streamsEnded: 2,
        streamsReset: 0,
        streamResetDetails: {},
      },
      nlb: { refusedNoTarget: 1, refusedByTarget: 2, resetDeregistered: 0, resetUnhealthy: 0, failOpenConnections: 0, idleDropped: 1, idleResets: 1 },
      sigkills: 0,
      nodeZones: [0, 0, 0],
      lowerBoundSeconds: 50.2,
      trace,
      sample: pod,
      runtimeLog: [runtimeLogLine(report)],
      propagationCommand: {
        exitCode: 0,
        summary: {
          terminations: 1,
          terminationsWithConnectionAfterDeletion: 1,
          lastNewConnectionAfterDeletionSeconds: { p50: 28.7, p95: 28.7, max: 28.7 },
          connectionsAfterSigterm: 1,
          terminationsWithConnectionsAfterSigterm: 1,
          preStopSeconds: 20,
          marginSeconds: 5,
          recommendedPropagationSeconds: 34,
          verdict: 'raise',
          warnings: [],
        },
        stderr: '',
      },
      wallMs: 1234,
    };
  }

  it('reports the ground truth of a terminated pod per node and overall, relative to its deletion', () => {
    const [rollout] = toJson([fakeRun()], 3).scenarios.derived?.rollouts ?? [];
    expect(rollout?.terminations).toEqual([
      {
        pod: 'derived-0',
        zone: 'a',
        sigtermSeconds: 20,
        exitSeconds: 31,
        sigkilled: false,
        truth: {
          lastNewConnectionSeconds: { perNode: [15, 34, null], max: 34 },
          lastAcceptedConnectionSeconds: { perNode: [15, 29, null], max: 29 },
          stoppedRoutingSeconds: { perNode: [18, 35, 5], max: 35 },
          deregisteredSeconds: { perNode: [18, 40, 5], max: 40 },
          unhealthySeconds: { perNode: [null, 30, null], max: 30 },
          forgottenSeconds: { perNode: [45, 45, 45], max: 45 },
          newConnectionsAfterDeletion: { perNode: [2, 2, 0], total: 4 },
          newConnectionsAfterSigterm: { perNode: [0, 2, 0], total: 2 },
          newConnectionsRefused: { perNode: [0, 1, 0], total: 1 },
          newConnectionsAfterExit: { perNode: [0, 1, 0], total: 1 },
        },
        // The runtime saw up to its exit; the connection it refused after that is 5.3 s later.
        runtime: {
          lateConnections: 'serve',
          lastNewConnectionAfterDeletionSeconds: 28.7,
          connectionsAfterDeletion: 3,
          connectionsAfterSigterm: 1,
          observedUntilSeconds: 30.6,
          recommendedPropagationSeconds: 34,
          truthSeconds: 34,
          differenceSeconds: -5.3,
          withinOneSecond: false,
          // Against what it could see, the measurement is 0.3 s off: the dating.
          acceptedTruthSeconds: 29,
          acceptedDifferenceSeconds: -0.3,
          withinOneSecondOfAccepted: true,
        },
      },
    ]);
    expect(rollout).toMatchObject({ index: 1, rolloutCompleteSeconds: 50, oldPodsGoneSeconds: 95, lowerBoundSeconds: 50.2, minRoutableTargets: 2 });
  });

  it('sums the unary and churn clients into rpcs and failed, keeps the idle ones apart, and times the zones', () => {
    const derived = toJson([fakeRun()], 3).scenarios.derived;
    expect(derived).toMatchObject({
      rpcs: 30,
      failed: { UNAVAILABLE: 1 },
      refused: 3,
      streamsEnded: 2,
      rolloutCompleteSeconds: 50,
      oldPodsGoneSeconds: 95,
      clients: { 'idle-long-keepalive': { rpcs: 2, ok: 1, failed: { UNAVAILABLE: 1 } } },
      nlb: { idleDropped: 1, idleResets: 1 },
      // Dark and out of DNS from 1500 to 1700 ms: 20 budget seconds.
      zones: [{ zone: 'a', nodes: [0, 1, 2], darkSeconds: 20, outOfDnsSeconds: 20 }],
      wallSeconds: 1.2,
    });
    expect(derived?.runtime).toEqual({
      reports: 1,
      withinOneSecond: 0,
      maxAbsDifferenceSeconds: 5.3,
      withinOneSecondOfAccepted: 1,
      maxAbsAcceptedDifferenceSeconds: 0.3,
      truthMaxSeconds: 34,
      routingStoppedMaxSeconds: 35,
      propagationCommand: { exitCode: 0, recommendedPropagationSeconds: 34, verdict: 'raise', lastNewConnectionAfterDeletionMaxSeconds: 28.7, connectionsAfterSigterm: 1, warnings: [] },
      // ⌈28.7 + 5⌉ = 34 ≥ 34, by a hair.
      recommendationCoversTruth: true,
    });
    expect(derived?.conditions).toEqual({
      replicas: 3,
      nodes: 3,
      zones: 1,
      crossZone: false,
      restarts: 1,
      seed: 1,
      scaleMs: 10,
      budgetPropagationSeconds: 20,
      nlbPropagationSeconds: { minSeconds: 5, maxSeconds: 20 },
      registrationSeconds: { minSeconds: 90, maxSeconds: 90 },
      budgetRegistrationSeconds: 90,
      unhealthyLagSeconds: { minSeconds: 30, maxSeconds: 40 },
      idleTimeoutSeconds: 350,
      idleClients: true,
      transparentRetries: true,
      until: 'forgotten',
      lightLoad: false,
      lateConnections: 'serve',
    });
    expect(toJson([fakeRun()], 3).machine).toEqual({ timerLagP99Ms: 3 });
  });
});

describe('the runtime, judged', () => {
  it.each<[string, number | null, number | null, number | null, boolean]>([
    ['the same second', 12.4, 12.0, 0.4, true],
    ['a whole second early (the dating is late by that much)', 11.0, 12.0, -1, true],
    ['just past the tolerance', 10.9, 12.0, -1.1, false],
    ['nothing after the deletion, on both sides', null, null, null, true],
    ['the runtime saw nothing after its deletion; the truth a connection 0.4 s after the real one', null, 0.4, null, true],
    ['the runtime saw nothing after its deletion; the truth a connection 3 s after', null, 3, null, false],
    ['the runtime saw a connection the truth put before the deletion', 0.6, null, null, true],
  ])('%s: runtime %p, truth %p', (_name, runtime, truth, difference, within) => {
    expect(compareMeasurement(runtime, truth)).toEqual({ differenceSeconds: difference, within });
  });

  it('reads a report line as the CLI does and rescales it to budget seconds, the recommendation with a 5 budget-second margin', () => {
    // Written by a process at 1 budget second = 50 ms: 20 s of preStop is 1 s of wall time.
    const line = {
      time: '2026-01-01T00:00:01.000Z',
      level: 'warn',
      event: 'propagation',
      msg: 'last new connection 1.12s after the estimated deletion',
      pod: 'derived-3',
      preStopSeconds: 1,
      preStopSource: 'GRPC_DRAIN_PRESTOP_SECONDS="1000ms"',
      lateConnections: 'serve',
      timeBase: 'sigterm-minus-prestop',
      sigtermAt: '2026-01-01T00:00:01.000Z',
      estimatedDeletionAt: '2026-01-01T00:00:00.000Z',
      connectionsTotal: 90,
      connectionsAfterDeletion: 12,
      connectionsAfterSigterm: 2,
      lastNewConnectionAfterDeletionSeconds: 1.12,
      lateConnectionSeconds: [1.05, 1.12],
      remoteAddresses: { '127.0.0.1': 12 },
      observedUntilSeconds: 1.6,
      marginSeconds: 5,
      recommendedPropagationSeconds: 7,
    };
    const report = budgetSecondsReport(line, 50);
    expect(report).toMatchObject({ pod: 'derived-3', preStopSeconds: 20, lastNewConnectionAfterDeletionSeconds: 22.4, lateConnectionSeconds: [21, 22.4], observedUntilSeconds: 32, marginSeconds: 5, recommendedPropagationSeconds: 28 });
    // The log line keeps the report and the logger's time and level, not the sentence in wall-clock seconds.
    const logged = JSON.parse(runtimeLogLine(report as PropagationReport)) as Record<string, unknown>;
    expect(logged).toMatchObject({ time: line.time, level: 'warn', event: 'propagation', lastNewConnectionAfterDeletionSeconds: 22.4 });
    expect(logged).not.toHaveProperty('msg');
    // A line the reader skips is no report.
    expect(budgetSecondsReport({ ...line, connectionsAfterSigterm: 'two' }, 50)).toBeUndefined();
    expect(budgetSecondsReport(undefined, 50)).toBeUndefined();
  });

  it('runs the real grpc-drain propagation on a runtime log: ⌈max + 5⌉', async () => {
    const report = (pod: string, last: number | null): string =>
      JSON.stringify({ event: 'propagation', pod, preStopSeconds: 20, preStopSource: 'GRPC_DRAIN_PRESTOP_SECONDS="1000ms"', lateConnections: 'serve', sigtermAt: `2026-01-01T00:00:0${pod.slice(-1)}.000Z`, connectionsAfterSigterm: last !== null && last > 20 ? 1 : 0, lastNewConnectionAfterDeletionSeconds: last, lateConnectionSeconds: [], observedUntilSeconds: 31 });
    const result = await runPropagationCommand([report('derived-2', 18.3), report('derived-3', 26.1), report('derived-4', null)]);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({ terminations: 3, lastNewConnectionAfterDeletionSeconds: { max: 26.1 }, recommendedPropagationSeconds: 32, verdict: 'raise', connectionsAfterSigterm: 1 });
    // No report at all: the CLI's usage error, exit 2.
    const empty = await runPropagationCommand([]);
    expect(empty).toMatchObject({ exitCode: 2, summary: undefined });
    expect(empty.stderr).toContain('no propagation report in the input');
  });

  it("gives each engine the scenario's preStop sleep in scaled time and what late connections get", () => {
    const scale = new TimeScale(25);
    expect(engineEnv(derivedScenario(20), scale, 'goaway')).toMatchObject({ GRPC_DRAIN_PRESTOP_SECONDS: '500ms', GRPC_DRAIN_LATE_CONNECTIONS: 'goaway', ENGINE_TRACK_STREAMS: 'true' });
    expect(engineEnv(naiveScenario(), scale, 'serve')).toMatchObject({ GRPC_DRAIN_PRESTOP_SECONDS: '0ms', ENGINE_TRACK_STREAMS: 'false' });
  });
});

describe('the physical floor of a rollout', () => {
  const base: LowerBoundInput = {
    replicas: 3,
    rollout: { maxSurge: '25%', maxUnavailable: 0 },
    healthCheck: { healthyThreshold: 2, intervalSeconds: 5 },
    registration: fixedRange(90),
    propagation: { minSeconds: 5, maxSeconds: 20 },
    inFlightSeconds: 0.2,
  };
  it.each<[string, Partial<LowerBoundInput>, number]>([
    // 3 waves of one surge pod, each routable after 90 + 1 × 5 s; the last old pod then outlasts 20 s of propagation and a 0.2 s call.
    ['derived, 3 replicas: 3 × 95 + 20 + 0.2', {}, 305.2],
    ['registration 10: 3 × 15 + 20.2', { registration: fixedRange(10) }, 65.2],
    ['a registration spread waits at least its lower end', { registration: { minSeconds: 60, maxSeconds: 180 } }, 215.2],
    ['NLB propagation 60: the last pod outlasts 60 s', { propagation: { minSeconds: 15, maxSeconds: 60 } }, 345.2],
    ['2 replicas: 2 waves', { replicas: 2, registration: fixedRange(10) }, 50.2],
    // Kubernetes defaults on 8 replicas: surge 2 + unavailable 2 → 2 waves; the unavailable pods go at a wave's start.
    ['8 replicas, 25% / 25%: max(2 × 95, 1 × 95 + 20.2)', { replicas: 8, rollout: { maxSurge: '25%', maxUnavailable: '25%' } }, 190],
    ['healthy threshold 3, interval 10: 3 × (90 + 20) + 20.2', { healthCheck: { healthyThreshold: 3, intervalSeconds: 10 } }, 350.2],
  ])('%s', (_name, overrides, expected) => {
    expect(lowerBoundSeconds({ ...base, ...overrides })).toBeCloseTo(expected, 6);
  });
});

describe('ranges of the NLB delays', () => {
  it.each<[string, { share: number } | 'fixed', ReturnType<typeof parseRange>]>([
    ['20', { share: 0.25 }, { minSeconds: 5, maxSeconds: 20 }],
    ['20', 'fixed', { minSeconds: 20, maxSeconds: 20 }],
    ['30-40', 'fixed', { minSeconds: 30, maxSeconds: 40 }],
    ['0-0.5', { share: 0.25 }, { minSeconds: 0, maxSeconds: 0.5 }],
    ['40-30', 'fixed', undefined],
    ['-5', 'fixed', undefined],
    ['ten', 'fixed', undefined],
  ])('%p (bare: %j) → %j', (text, bare, expected) => {
    expect(parseRange(text, bare)).toEqual(expected);
  });

  it('draws the same delay for the same key, inside [min, max) in whole milliseconds, and exactly a fixed value', () => {
    const ms = (seconds: number): number => Math.round(seconds * 50);
    const draws = Array.from({ length: 200 }, (_, i) => drawMs({ minSeconds: 5, maxSeconds: 20 }, 1, `deregister/${i}/0`, ms));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...draws)).toBeLessThanOrEqual(999);
    expect(draws.every(Number.isInteger)).toBe(true);
    expect(drawMs({ minSeconds: 5, maxSeconds: 20 }, 1, 'deregister/7/0', ms)).toBe(draws[7]);
    expect(drawMs(fixedRange(90), 1, 'register/3/1', ms)).toBe(4500);
  });

  it('formats a range as the report prints it', () => {
    expect([formatRange(fixedRange(90)), formatRange({ minSeconds: 30, maxSeconds: 40 })]).toEqual(['90', '[30, 40)']);
  });
});

describe('scheduler and ReplicaSet controller', () => {
  it.each<[number[], number, number]>([
    [[1, 1], 0, 0],
    [[1, 1], 1, 1],
    [[2, 1], 0, 1],
    [[0, 1, 0], 1, 2],
  ])('active pods per zone %j, tie pick %p → zone %p', (active, pick, zone) => {
    expect(scheduleZone(active, () => pick)).toBe(zone);
  });

  it('deletes unavailable pods first, then those sharing a zone with more of the Deployment, then the newest', () => {
    const pods: (DeletionCandidate & { name: string })[] = [
      { name: 'old, alone in its zone', available: true, colocated: 1, ordinal: 1 },
      { name: 'old, next to a new pod', available: true, colocated: 2, ordinal: 0 },
      { name: 'newest old, alone', available: true, colocated: 1, ordinal: 2 },
      { name: 'not available', available: false, colocated: 1, ordinal: 0 },
    ];
    expect([...pods].sort(deletionOrder).map((p) => p.name)).toEqual(['not available', 'old, next to a new pod', 'newest old, alone', 'old, alone in its zone']);
  });
});

describe('time scale from the machine', () => {
  it.each<[number, number, number]>([
    [0.5, 0.3, 25],
    [4, 1, 25],
    [20, 0.5, 30],
    [60, 1, 90],
    // Saturated, though a sleeping process is woken promptly: the load average decides.
    [6, 1.5, 38],
    [6, 5, 100],
    [500, 0, 100],
  ])('a p99 lag of %p ms at a load of %p per CPU → %p ms per budget second', (lagMs, loadPerCpu, scale) => {
    expect(scaleForMachine({ lagMs, loadPerCpu }, 25, 100)).toBe(scale);
  });
});
