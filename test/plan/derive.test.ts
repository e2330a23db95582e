import { deriveSettings, planDrain, resolveBudget, type DrainBudget } from 'grpc-drain';
import { SAFE_SETTINGS } from '../support/settings';

/** Expected numbers, computed by hand from DESIGN.md §3 (S, G, R, health check, minReady). */
interface Expected {
  sleep: number;
  action: 'sleep' | 'exec';
  grace: number;
  delay: number;
  interval: number;
  timeout: number;
  healthy: number;
  unhealthy: number;
  minReady: number;
  draining: number;
}

const derivations: Array<[string, DrainBudget, Expected]> = [
  ['the defaults', {}, { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 }],
  [
    'the seed engine (20 + 10 + 5 + 10)',
    { propagationSeconds: 20, drainTimeoutSeconds: 10 },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'a slow NLB and a long drain (90 + 30 + 5 + 10)',
    { propagationSeconds: 90, drainTimeoutSeconds: 30 },
    { sleep: 90, action: 'sleep', grace: 135, delay: 135, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 30 },
  ],
  [
    'fractions round up (20.2 → 21, 9.1 → 10, 0.5 → 1, 0.01 → 1)',
    { propagationSeconds: 20.2, drainTimeoutSeconds: 9.1, cleanupSeconds: 0.5, headroomSeconds: 0.01 },
    { sleep: 21, action: 'sleep', grace: 33, delay: 33, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'float noise does not add a second (6000 ms / 1000)',
    { propagationSeconds: 6.000000000001 },
    { sleep: 6, action: 'sleep', grace: 31, delay: 31, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'a grace override above the derived one',
    { terminationGracePeriodSeconds: 60 },
    { sleep: 20, action: 'sleep', grace: 60, delay: 60, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'a deregistration-delay override between sleep + drain and grace',
    { deregistrationDelaySeconds: 40 },
    { sleep: 20, action: 'sleep', grace: 45, delay: 40, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'a 10s interval: timeout min(6, 10) = 6',
    { healthCheck: { intervalSeconds: 10 } },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 10, timeout: 6, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'an explicit health check',
    { healthCheck: { intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 4 } },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 30, timeout: 10, healthy: 3, unhealthy: 4, minReady: 0, draining: 10 },
  ],
  [
    'no readiness gate: minReady = registration 120 + 2 × 5',
    { readinessGate: false },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 130, draining: 10 },
  ],
  [
    'no readiness gate, interval 10, healthy 3: minReady = 120 + 3 × 10',
    { readinessGate: false, healthCheck: { intervalSeconds: 10, healthyThreshold: 3 } },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 10, timeout: 6, healthy: 3, unhealthy: 2, minReady: 150, draining: 10 },
  ],
  [
    'no readiness gate, registration 90 (rounded up from 89.5): minReady = 90 + 2 × 5; propagation plays no part',
    { readinessGate: false, registrationSeconds: 89.5, propagationSeconds: 60 },
    { sleep: 60, action: 'sleep', grace: 85, delay: 85, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 100, draining: 10 },
  ],
  [
    'the readiness gate ignores registration: minReady 0',
    { registrationSeconds: 300 },
    { sleep: 20, action: 'sleep', grace: 45, delay: 45, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'Kubernetes 1.29: exec sleep',
    { kubernetesVersion: '1.29' },
    { sleep: 20, action: 'exec', grace: 45, delay: 45, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    'no headroom: grace = 20 + 10 + 5',
    { headroomSeconds: 0 },
    { sleep: 20, action: 'sleep', grace: 35, delay: 35, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 10 },
  ],
  [
    "a grace beyond AWS's cap: delay capped at 3600",
    { propagationSeconds: 3000, drainTimeoutSeconds: 500, cleanupSeconds: 100, headroomSeconds: 100 },
    { sleep: 3000, action: 'sleep', grace: 3700, delay: 3600, interval: 5, timeout: 5, healthy: 2, unhealthy: 2, minReady: 0, draining: 500 },
  ],
];

describe('derivation (DESIGN.md §3)', () => {
  it.each(derivations)('%s', (_name, budget, e) => {
    const plan = planDrain(budget);
    expect(plan.preStopSleepSeconds).toBe(e.sleep);
    expect(plan.preStopAction).toBe(e.action);
    expect(plan.terminationGracePeriodSeconds).toBe(e.grace);
    expect(plan.deregistrationDelaySeconds).toBe(e.delay);
    expect(plan.healthCheck).toEqual({
      protocol: 'HTTP',
      port: 8080,
      path: '/ready',
      intervalSeconds: e.interval,
      timeoutSeconds: e.timeout,
      healthyThreshold: e.healthy,
      unhealthyThreshold: e.unhealthy,
    });
    expect(plan.rollout).toEqual({ maxSurge: '25%', maxUnavailable: 0, minReadySeconds: e.minReady });
    expect(plan.targetGroupAttributes).toEqual({
      'deregistration_delay.timeout_seconds': String(e.delay),
      'deregistration_delay.connection_termination.enabled': 'true',
      'target_health_state.unhealthy.connection_termination.enabled': 'false',
      'target_health_state.unhealthy.draining_interval_seconds': String(e.draining),
    });
  });

  it('derives exactly the hand-written safe settings from the default budget', () => {
    expect(deriveSettings(resolveBudget({}).budget)).toEqual(SAFE_SETTINGS);
  });

  it('derives fixed probes: readiness 5/2/2 on /ready, liveness 10/2/3 on /live, both on the health port', () => {
    const plan = planDrain({ healthPort: 8733 });
    expect(plan.readinessProbe).toEqual({ path: '/ready', port: 8733, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(plan.livenessProbe).toEqual({ path: '/live', port: 8733, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(plan.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
  });

  it('writes every LBC annotation as a string, attributes in the documented order', () => {
    const plan = planDrain({ propagationSeconds: 30, drainTimeoutSeconds: 15, healthPort: 8733 });
    expect(plan.serviceAnnotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8733',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/ready',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval': '5',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout': '5',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold': '2',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold': '2',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes':
        'deregistration_delay.timeout_seconds=60,deregistration_delay.connection_termination.enabled=true,target_health_state.unhealthy.connection_termination.enabled=false,target_health_state.unhealthy.draining_interval_seconds=15',
    });
  });

  it('annotates the pod template with the budget the doctor reads back', () => {
    expect(planDrain({ propagationSeconds: 20.5, maxTerminationGracePeriodSeconds: 120 }).podAnnotations).toEqual({
      'grpc-drain.dev/budget': '{"propagationSeconds":21,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30","maxTerminationGracePeriodSeconds":120}',
    });
  });

  it('refuses a registration whose minReadySeconds would reach the Deployment progress deadline (600s)', () => {
    expect(planDrain({ readinessGate: false, registrationSeconds: 589 }).rollout.minReadySeconds).toBe(599);
    expect(() => planDrain({ readinessGate: false, registrationSeconds: 590 })).toThrow('[rollout-waits-for-lb] rollout.minReadySeconds: minReadySeconds (600s) must be < progressDeadlineSeconds (600s)');
  });

  it('writes registration and the LBC version into the annotation only when they are not the defaults', () => {
    expect(planDrain({ registrationSeconds: 120, lbcVersion: '2.7' }).podAnnotations['grpc-drain.dev/budget']).toBe(
      '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30"}',
    );
    expect(planDrain({ registrationSeconds: 90, lbcVersion: '2.13.2' }).podAnnotations['grpc-drain.dev/budget']).toBe(
      '{"propagationSeconds":20,"drainTimeoutSeconds":10,"cleanupSeconds":5,"headroomSeconds":10,"kubernetesVersion":"1.30","registrationSeconds":90,"lbcVersion":"2.13.2"}',
    );
  });

  it('is deterministic: the same budget gives the same plan, byte for byte', () => {
    const budget: DrainBudget = { propagationSeconds: 33, readinessGate: false, healthCheck: { intervalSeconds: 7 } };
    const a = planDrain(budget);
    const b = planDrain({ ...budget, healthCheck: { intervalSeconds: 7 } });
    expect(JSON.stringify({ ...a, timeline: a.timeline() })).toBe(JSON.stringify({ ...b, timeline: b.timeline() }));
  });

  it('reports the exec fallback as a warning, not an error', () => {
    expect(planDrain({ kubernetesVersion: '1.29' }).findings).toEqual([
      {
        rule: 'sleep-action-supported',
        severity: 'warning',
        field: 'preStop',
        message:
          'the preStop hook execs sleep inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. Make sure the image ships it, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.',
      },
    ]);
  });

  it('has no findings for the defaults', () => {
    expect(planDrain().findings).toEqual([]);
  });
});
