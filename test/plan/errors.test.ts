import { DrainBudgetError, planDrain } from 'grpc-drain';

function violationsOf(budget: unknown): Array<{ rule: string; field: string; message: string }> {
  try {
    planDrain(budget as never);
  } catch (error) {
    if (error instanceof DrainBudgetError) return error.violations.map(({ rule, field, message }) => ({ rule, field, message }));
    throw error;
  }
  throw new Error('planDrain accepted the budget');
}

describe('budget-valid', () => {
  it.each<[string, unknown, string, string]>([
    ['a negative drain timeout', { drainTimeoutSeconds: -5 }, 'drainTimeoutSeconds', 'drainTimeoutSeconds must be 0–3600s (the deregistration delay, at most 3600s, must cover the drain); got -5s.'],
    ['NaN', { cleanupSeconds: NaN }, 'cleanupSeconds', 'cleanupSeconds must be a finite number of seconds; got NaN.'],
    ['Infinity', { headroomSeconds: Infinity }, 'headroomSeconds', 'headroomSeconds must be a finite number of seconds; got Infinity.'],
    ['a string duration', { propagationSeconds: '20s' }, 'propagationSeconds', 'propagationSeconds must be a finite number of seconds; got "20s" (a string).'],
    ['a zero propagation', { propagationSeconds: 0 }, 'propagationSeconds', 'propagationSeconds must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got 0s.'],
    ['a propagation that rounds up past 3600', { propagationSeconds: 3600.5 }, 'propagationSeconds', 'propagationSeconds must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got 3600.5s.'],
    ['null', { terminationGracePeriodSeconds: null }, 'terminationGracePeriodSeconds', 'terminationGracePeriodSeconds must be a finite number of seconds; got null.'],
    ['a negative registration', { registrationSeconds: -1 }, 'registrationSeconds', 'registrationSeconds must be 0–3600s (the bound of every budget duration: the longest deregistration delay); got -1s.'],
    ['a fractional threshold', { healthCheck: { healthyThreshold: 2.5 } }, 'healthCheck.healthyThreshold', "healthCheck.healthyThreshold must be a whole number of checks 2–10 (the NLB's range); got 2.5."],
    ['an interval below the NLB minimum', { healthCheck: { intervalSeconds: 4 } }, 'healthCheck.intervalSeconds', "healthCheck.intervalSeconds must be 5–300s (the NLB's range); got 4s."],
    ['a health check that is not an object', { healthCheck: 5 }, 'healthCheck', 'healthCheck must be an object (intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold); got 5.'],
    ['a numeric Kubernetes version', { kubernetesVersion: 1.3 }, 'kubernetesVersion', 'kubernetesVersion must be a Kubernetes version such as "1.30": a Kubernetes version is a string such as "1.30"; got 1.3.'],
    ['a string readiness gate', { readinessGate: 'yes' }, 'readinessGate', 'readinessGate must be true or false; got "yes" (a string).'],
    ['port 0', { healthPort: 0 }, 'healthPort', 'healthPort must be a port number 1–65535 (TCP port numbers); got 0.'],
    ['port 70000', { healthPort: 70000 }, 'healthPort', 'healthPort must be a port number 1–65535 (TCP port numbers); got 70000.'],
    ['an unknown field, with a suggestion', { propagation: 20 }, 'propagation', "unknown budget field 'propagation' (did you mean propagationSeconds?): it would be ignored."],
    ['an unknown health-check field', { healthCheck: { interval: 5 } }, 'healthCheck.interval', "unknown health-check field 'interval' (did you mean intervalSeconds?): it would be ignored."],
    ['a budget that is not an object', 42, 'budget', 'the budget must be a plain object of budget fields (durations in seconds); got 42.'],
    ['a deregistration delay beyond AWS’s 3600s', { deregistrationDelaySeconds: 4000 }, 'deregistrationDelaySeconds', "deregistrationDelaySeconds must be 0–3600s (AWS's range for deregistration_delay.timeout_seconds); got 4000s."],
    [
      'the same readiness and liveness path',
      { livenessPath: '/ready' },
      'livenessPath',
      'livenessPath must differ from readinessPath (both are "/ready"): readiness answers 503 from SIGTERM on while liveness stays 200 through the drain, and one path cannot do both. Use e.g. "/ready" and "/live".',
    ],
  ])('rejects %s', (_name, budget, field, message) => {
    expect(violationsOf(budget)).toEqual([{ rule: 'budget-valid', field, message }]);
  });

  it('never throws a TypeError for garbage', () => {
    for (const budget of [null, 'x', [], { healthCheck: null }, { healthCheck: [] }, { kubernetesVersion: {} }, { lbcVersion: 2.7 }, new Date(0)]) {
      expect(() => planDrain(budget as never)).toThrow(DrainBudgetError);
    }
  });
});

describe('DrainBudgetError', () => {
  it('lists every violation at once: type errors and rule errors together', () => {
    const violations = violationsOf({
      drainTimeoutSeconds: -1,
      terminationGracePeriodSeconds: 10,
      healthCheck: { intervalSeconds: 3, timeoutSeconds: 2 },
      readinessPath: '/live',
      maxTerminationGracePeriodSeconds: 5,
    });
    expect(violations.map((v) => [v.rule, v.field])).toEqual([
      ['budget-valid', 'drainTimeoutSeconds'],
      ['budget-valid', 'healthCheck.intervalSeconds'],
      ['budget-valid', 'livenessPath'],
      // the 20s sleep does not fit a 10s grace, whatever the drain timeout is
      ['sleep-within-grace', 'terminationGracePeriodSeconds'],
      ['grace-under-cap', 'terminationGracePeriodSeconds'],
    ]);
  });

  it('skips a rule whose input is invalid rather than judging a guessed default', () => {
    // The drain timeout is invalid, so grace-covers-drain cannot say whether 25s is enough.
    expect(violationsOf({ drainTimeoutSeconds: 'ten', terminationGracePeriodSeconds: 25 }).map((v) => v.rule)).toEqual(['budget-valid']);
  });

  it('formats a message with the count, each rule, field and fix', () => {
    expect(() => planDrain({ terminationGracePeriodSeconds: 30, deregistrationDelaySeconds: 20 })).toThrow(
      [
        'unsafe drain budget (2 violations):',
        '  - [grace-covers-drain] terminationGracePeriodSeconds: terminationGracePeriodSeconds (30s) must be ≥ preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s): the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server 5s before its drain and cleanup can end. Set terminationGracePeriodSeconds to 45s (with 10s headroom).',
        // The delay it names is the one a fixed plan derives: the grace period the budget needs (45s).
        "  - [deregistration-delay-covers-drain] deregistrationDelaySeconds: deregistration_delay.timeout_seconds (20s) must be ≥ preStop sleep + drain timeout (20s + 10s = 30s): the NLB ends the draining state 10s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=45.",
      ].join('\n'),
    );
  });

  it('keeps the warnings of a rejected budget', () => {
    try {
      planDrain({ kubernetesVersion: '1.29', terminationGracePeriodSeconds: 30 });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DrainBudgetError);
      const e = error as DrainBudgetError;
      expect(e.violations.map((v) => v.rule)).toEqual(['grace-covers-drain']);
      expect(e.warnings.map((v) => v.rule)).toEqual(['sleep-action-supported']);
    }
  });

  it('names fields the way a front end spells them', () => {
    expect(() => planDrain({ drainTimeoutSeconds: -2 }, { fieldLabel: (f) => `budget.${f.replace('Seconds', '')}`, subject: "drain budget of GrpcDeployment 'x'" })).toThrow(
      "unsafe drain budget of GrpcDeployment 'x' (1 violation):\n  - [budget-valid] drainTimeoutSeconds: budget.drainTimeout must be 0–3600s (the deregistration delay, at most 3600s, must cover the drain); got -2s.",
    );
  });
});
