import fc from 'fast-check';
import {
  DrainBudgetError,
  parseTargetGroupAttributes,
  planDrain,
  planWorkload,
  renderDeployment,
  renderPodDisruptionBudget,
  renderService,
  type DrainBudget,
  type RuleId,
} from 'grpc-drain';
import { validateManifest } from '../support/validate';

/**
 * Budgets every rule should accept: durations in range (fractions too), a health check
 * within AWS's limits, and overrides only where they keep the inequalities.
 */
const validBudget: fc.Arbitrary<DrainBudget> = fc
  .record({
    propagation: fc.double({ min: 1, max: 600, noNaN: true }),
    drain: fc.integer({ min: 0, max: 600 }),
    cleanup: fc.integer({ min: 0, max: 120 }),
    headroom: fc.integer({ min: 0, max: 120 }),
    interval: fc.integer({ min: 5, max: 300 }),
    timeoutFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    healthy: fc.integer({ min: 2, max: 10 }),
    unhealthy: fc.integer({ min: 2, max: 10 }),
    extraGrace: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    delayFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    capSlack: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    minor: fc.integer({ min: 24, max: 35 }),
    readinessGate: fc.boolean(),
    registration: fc.integer({ min: 0, max: 600 }),
    healthPort: fc.integer({ min: 1, max: 65535 }),
    paths: fc.constantFrom(['/ready', '/live'], ['/readyz', '/livez'], ['/health/ready', '/health/live']),
  })
  .map((r) => {
    const sleep = Math.ceil(r.propagation - 1e-9);
    const grace = r.extraGrace !== undefined ? sleep + r.drain + r.cleanup + r.headroom + r.extraGrace : undefined;
    const effectiveGrace = grace ?? sleep + r.drain + r.cleanup + r.headroom;
    const minDelay = sleep + r.drain;
    const maxDelay = Math.min(effectiveGrace, 3600);
    // Without the gate minReadySeconds = registration + Hc × I must stay under the Deployment's
    // 600s progress deadline (rollout-waits-for-lb): pick a registration that fits, or the gate.
    const checks = r.healthy * r.interval;
    const readinessGate = r.readinessGate || checks >= 600;
    const registration = Math.min(r.registration, 599 - checks);
    const budget: DrainBudget = {
      propagationSeconds: r.propagation,
      drainTimeoutSeconds: r.drain,
      cleanupSeconds: r.cleanup,
      headroomSeconds: r.headroom,
      healthCheck: {
        intervalSeconds: r.interval,
        ...(r.timeoutFraction !== undefined && { timeoutSeconds: 2 + Math.floor(r.timeoutFraction * (Math.min(120, r.interval) - 2)) }),
        healthyThreshold: r.healthy,
        unhealthyThreshold: r.unhealthy,
      },
      ...(grace !== undefined && { terminationGracePeriodSeconds: grace }),
      ...(r.delayFraction !== undefined && { deregistrationDelaySeconds: minDelay + Math.floor(r.delayFraction * (maxDelay - minDelay)) }),
      ...(r.capSlack !== undefined && { maxTerminationGracePeriodSeconds: effectiveGrace + r.capSlack }),
      kubernetesVersion: `1.${r.minor}`,
      readinessGate,
      ...(!readinessGate && { registrationSeconds: registration }),
      healthPort: r.healthPort,
      readinessPath: r.paths[0],
      livenessPath: r.paths[1],
    };
    return budget;
  });

describe('properties of the plan', () => {
  it('satisfies every inequality of DESIGN.md §4 for any valid budget (checked here, not by the rules)', () => {
    fc.assert(
      fc.property(validBudget, (budget) => {
        const plan = planDrain(budget);
        const b = plan.budget;
        const S = plan.preStopSleepSeconds;
        const G = plan.terminationGracePeriodSeconds;
        const R = plan.deregistrationDelaySeconds;
        const D = b.drainTimeoutSeconds;
        const C = b.cleanupSeconds;
        const hc = plan.healthCheck;
        // prestop-covers-propagation; rounding up tolerates 1e-9 s of unit-conversion noise
        expect(S).toBeGreaterThanOrEqual((budget.propagationSeconds ?? 20) - 1e-9);
        expect(S).toBe(b.propagationSeconds);
        expect(S).toBeGreaterThan(0); // prestop-present
        expect(G).toBeGreaterThanOrEqual(S + D + C); // grace-covers-drain
        expect(S).toBeLessThanOrEqual(G); // sleep-within-grace
        expect(R).toBeGreaterThanOrEqual(S + D); // deregistration-delay-covers-drain
        expect(R).toBeLessThanOrEqual(Math.min(G, 3600)); // deregistration-delay-bounded
        expect(hc.intervalSeconds).toBeGreaterThanOrEqual(5);
        expect(hc.intervalSeconds).toBeLessThanOrEqual(300);
        expect(hc.timeoutSeconds).toBeGreaterThanOrEqual(2);
        expect(hc.timeoutSeconds).toBeLessThanOrEqual(Math.min(120, hc.intervalSeconds));
        expect(hc.path).toBe(b.readinessPath); // healthcheck-uses-readiness
        expect(hc.port).toBe(b.healthPort);
        expect(plan.readinessProbe.path).not.toBe(plan.livenessProbe.path); // probes-distinct
        const attributes = parseTargetGroupAttributes(plan.serviceAnnotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']);
        expect(attributes).toEqual({
          'deregistration_delay.timeout_seconds': String(R),
          'deregistration_delay.connection_termination.enabled': 'true',
          'target_health_state.unhealthy.connection_termination.enabled': 'false',
          'target_health_state.unhealthy.draining_interval_seconds': String(D),
        });
        if (b.readinessGate) expect(plan.rollout.minReadySeconds).toBe(0);
        else expect(plan.rollout.minReadySeconds).toBe(b.registrationSeconds + hc.healthyThreshold * hc.intervalSeconds);
        expect(plan.rollout.maxUnavailable).toBe(0);
        if (b.maxTerminationGracePeriodSeconds !== undefined) expect(G).toBeLessThanOrEqual(b.maxTerminationGracePeriodSeconds);
        expect(plan.preStopAction).toBe(Number(b.kubernetesVersion.split('.')[1]) >= 30 ? 'sleep' : 'exec');
        // Warnings only: errors would have thrown.
        for (const finding of plan.findings) expect(finding.severity).toBe('warning');
      }),
      { numRuns: 500 },
    );
  });

  it('renders manifests that pass Kubernetes schema validation', () => {
    fc.assert(
      fc.property(validBudget, fc.integer({ min: 1, max: 65535 }), (budget, grpcPort) => {
        fc.pre(grpcPort !== budget.healthPort);
        const workload = planWorkload({ budget, grpcPort, image: 'ghcr.io/example/engine:1.0.0', replicas: 3 });
        const matchLabels = { 'app.kubernetes.io/name': 'engine' };
        validateManifest(renderDeployment(workload, { name: 'engine', namespace: 'engine', matchLabels, image: 'ghcr.io/example/engine:1.0.0', replicas: 3 }) as never);
        validateManifest(renderPodDisruptionBudget(workload.plan, { name: 'engine', matchLabels }) as never);
        validateManifest(renderService(workload.plan, { name: 'engine', selector: matchLabels, port: 443, targetPort: grpcPort, scheme: 'internet-facing' }) as never);
      }),
      { numRuns: 200 },
    );
  });

  type Mutation = [RuleId, (budget: DrainBudget, plan: ReturnType<typeof planDrain>) => DrainBudget | undefined];
  const mutations: Mutation[] = [
    ['grace-covers-drain', (b, p) => ({ ...b, terminationGracePeriodSeconds: p.preStopSleepSeconds + p.budget.drainTimeoutSeconds + p.budget.cleanupSeconds - 1, maxTerminationGracePeriodSeconds: undefined, deregistrationDelaySeconds: undefined })],
    // AWS's ranges are the budget's own (BUDGET_LIMITS): out of them is budget-valid.
    ['budget-valid', (b) => ({ ...b, healthCheck: { ...b.healthCheck, intervalSeconds: 4, timeoutSeconds: 2 } })],
    ['budget-valid', (b) => ({ ...b, healthCheck: { ...b.healthCheck, unhealthyThreshold: 11 } })],
    ['healthcheck-in-range', (b) => ({ ...b, healthCheck: { ...b.healthCheck, intervalSeconds: 10, timeoutSeconds: 11 } })],
    ['deregistration-delay-covers-drain', (b, p) => ({ ...b, deregistrationDelaySeconds: p.preStopSleepSeconds + p.budget.drainTimeoutSeconds - 1 })],
    ['budget-valid', (b) => ({ ...b, deregistrationDelaySeconds: 3601 })],
    // A cap is at least 1s: a 1s grace period cannot be undercut.
    ['grace-under-cap', (b, p) => (p.terminationGracePeriodSeconds > 1 ? { ...b, maxTerminationGracePeriodSeconds: p.terminationGracePeriodSeconds - 1 } : undefined)],
    ['rollout-waits-for-lb', (b, p) => ({ ...b, readinessGate: false, registrationSeconds: Math.max(0, 601 - p.healthCheck.healthyThreshold * p.healthCheck.intervalSeconds) })],
    ['budget-valid', (b) => ({ ...b, livenessPath: b.readinessPath })],
    ['budget-valid', (b) => ({ ...b, drainTimeoutSeconds: -1 })],
    ['budget-valid', (b) => ({ ...b, cleanupSeconds: 3601 })],
    ['lbc-supports', (b) => ({ ...b, lbcVersion: '2.4.5', healthCheck: { ...b.healthCheck, intervalSeconds: 5, timeoutSeconds: 5 } })],
    ['budget-valid', (b) => ({ ...b, cleanupSeconds: Number.NaN })],
    ['budget-valid', (b) => ({ ...b, healthPort: 65536 })],
  ];

  it('names the broken rule for any budget with a violation', () => {
    fc.assert(
      fc.property(validBudget, fc.constantFrom(...mutations), (budget, [rule, mutate]) => {
        const mutated = mutate(budget, planDrain(budget));
        fc.pre(mutated !== undefined);
        let error: unknown;
        try {
          planDrain(mutated);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DrainBudgetError);
        expect((error as DrainBudgetError).violations.map((v) => v.rule)).toContain(rule);
      }),
      { numRuns: 500 },
    );
  });
});
