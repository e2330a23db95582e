/**
 * The lab's pure parts besides the NLB view: the kubelet's schedule, the rollout's bounds,
 * the scenarios' settings, the stream classification and the report's shape.
 */
import * as grpc from '@grpc/grpc-js';
import { planDrain } from 'grpc-drain';
import { rolloutBounds, scaledValue } from '../../lab/deployment';
import { classifyStreamEnd, DRAIN_HANG_UP_MESSAGE, normalizeDetails, statusName } from '../../lab/load';
import { kubeletSchedule } from '../../lab/pod';
import { toJson } from '../../lab/report';
import type { ScenarioRun } from '../../lab/run-scenario';
import { derivedScenario, naiveScenario, scenario, seedScenario } from '../../lab/scenarios';

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
    expect(rolloutBounds({ maxSurge, maxUnavailable, minReadySeconds: 0, readinessGate: false }, replicas)).toEqual(expected);
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
    const seed = scenario('seed', 20);
    expect(seed.pod).toMatchObject({ preStopSleepSeconds: 20, terminationGracePeriodSeconds: 75, drainTimeoutSeconds: 10, trackStreams: true });
    expect(seed.healthCheck).toMatchObject({ protocol: 'HTTP', path: '/ready', intervalSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(seed.targetGroup).toMatchObject({ deregistrationDelaySeconds: 60, connectionTermination: true });
    expect(seed.rollout).toEqual(derivedScenario(20).rollout);
    expect(seedScenario(naiveScenario().rollout).rollout.readinessGate).toBe(false);
  });

  it('a propagation planDrain rejects is an error before anything runs', () => {
    expect(() => scenario('derived', 3601)).toThrow(/unsafe drain budget/);
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

describe('--json shape', () => {
  it('has the seven fields per scenario, numbers, and an empty object when nothing failed', () => {
    const run = (name: 'derived' | 'naive', failed: Record<string, number>): ScenarioRun =>
      ({
        scenario: scenario(name, 20),
        result: { rpcs: 10, failed, refused: 2, streamsReset: 1, streamsEnded: 3, sigkills: 0, rolloutSeconds: 12.5 },
      }) as unknown as ScenarioRun;
    expect(JSON.parse(JSON.stringify(toJson([run('derived', {}), run('naive', { UNAVAILABLE: 4 })])))).toEqual({
      scenarios: {
        derived: { rpcs: 10, failed: {}, refused: 2, streamsReset: 1, streamsEnded: 3, sigkills: 0, rolloutSeconds: 12.5 },
        naive: { rpcs: 10, failed: { UNAVAILABLE: 4 }, refused: 2, streamsReset: 1, streamsEnded: 3, sigkills: 0, rolloutSeconds: 12.5 },
      },
    });
  });
});
