/**
 * The adversarial inputs of issue 9 (item 1 and 2) as a regression table: each is a
 * `budget-valid` violation naming the field, never a TypeError and never the defaults.
 */
import { Duration, Testing } from 'cdk8s';
import { DrainBudgetError, planDrain, planWorkload } from 'grpc-drain';
import { GrpcDeployment } from 'grpc-drain/cdk8s';

function violationsOf(budget: unknown): Array<{ rule: string; field: string; message: string }> {
  try {
    planDrain(budget as never);
  } catch (error) {
    if (error instanceof DrainBudgetError) return error.violations.map(({ rule, field, message }) => ({ rule, field, message }));
    throw error;
  }
  throw new Error('planDrain accepted the budget');
}

const NOT_AN_OBJECT = 'the budget must be a plain object of budget fields (durations in seconds); got';
const VERSION = 'kubernetesVersion must be a Kubernetes version such as "1.30": ';
const PATH = 'readinessPath must be an HTTP path such as "/ready" that the kubelet, the NLB and the runtime all serve alike: ';
const BOUND = 'the bound of every budget duration: the longest deregistration delay';

describe('adversarial budgets (issue 9)', () => {
  it.each<[string, unknown, string, string]>([
    ['null', null, 'budget', `${NOT_AN_OBJECT} null.`],
    ['a number', 20, 'budget', `${NOT_AN_OBJECT} 20.`],
    ['a string', '{"propagationSeconds":20}', 'budget', `${NOT_AN_OBJECT} "{\\"propagationSeconds\\":20}" (a string).`],
    ['an array', [20, 10], 'budget', `${NOT_AN_OBJECT} an array.`],
    ['a Date', new Date(0), 'budget', `${NOT_AN_OBJECT} a Date.`],
    ['a class instance', new (class Budget { propagationSeconds = 20 })(), 'budget', `${NOT_AN_OBJECT} a Budget.`],
    ['cleanupSeconds: 1e308', { cleanupSeconds: 1e308 }, 'cleanupSeconds', `cleanupSeconds must be 0–3600s (${BOUND}); got 1e+308s.`],
    ['headroomSeconds: 2**63', { headroomSeconds: 2 ** 63 }, 'headroomSeconds', `headroomSeconds must be 0–3600s (${BOUND}); got 9223372036854776000s.`],
    ['a grace override of ten years', { terminationGracePeriodSeconds: 3650 * 86400 }, 'terminationGracePeriodSeconds', 'terminationGracePeriodSeconds must be 0–14400s (the longest grace period in-range inputs derive: sleep + drain + cleanup + headroom of 3600s each); got 315360000s.'],
    ['a cap past int32', { maxTerminationGracePeriodSeconds: 2 ** 31 }, 'maxTerminationGracePeriodSeconds', 'maxTerminationGracePeriodSeconds must be 1–2147483647s (a cap is compared only, never rendered; it stays a 32-bit number); got 2147483648s.'],
    ['a path with a query', { readinessPath: '/ready?full=1' }, 'readinessPath', `${PATH}'?' starts a query string: the kubelet requests only the part before it, so the probe and the health check would not hit the path the runtime serves; got "/ready?full=1" (a string).`],
    ['a path with a fragment', { readinessPath: '/ready#x' }, 'readinessPath', `${PATH}'#' starts a fragment, which is never sent; got "/ready#x" (a string).`],
    ['a path without a leading /', { readinessPath: 'ready' }, 'readinessPath', `${PATH}it must start with '/' (the kubelet and the NLB send the path as written); got "ready" (a string).`],
    ['a non-ASCII path', { readinessPath: '/bereit-ä' }, 'readinessPath', `${PATH}"ä" is not ASCII: the kubelet percent-encodes it, so the request path differs from the one the runtime serves; got "/bereit-ä" (a string).`],
    ['a path with a space', { readinessPath: '/a b' }, 'readinessPath', `${PATH}it contains whitespace, which the kubelet percent-encodes; got "/a b" (a string).`],
    ['a percent-escaped path', { readinessPath: '/a%2Fb' }, 'readinessPath', `${PATH}percent-escapes are decoded and re-encoded differently along the way; write the path unescaped; got "/a%2Fb" (a string).`],
    ['a path longer than the NLB takes', { readinessPath: `/${'r'.repeat(1024)}` }, 'readinessPath', `${PATH}it is 1025 characters long; the NLB health-check path holds at most 1024; got "/${'r'.repeat(1024)}" (a string).`],
    ['Kubernetes 1.300', { kubernetesVersion: '1.300' }, 'kubernetesVersion', `${VERSION}Kubernetes 1.300 does not exist: releases come three a year (1.35 in December 2025), so minors above 1.99 are typos (did you mean "1.30"?); got "1.300" (a string).`],
    ['Kubernetes 1.0', { kubernetesVersion: '1.0' }, 'kubernetesVersion', `${VERSION}Kubernetes 1.0 is older than 1.21, the first with the policy/v1 PodDisruptionBudget the plan renders; got "1.0" (a string).`],
    ['Kubernetes 2.0', { kubernetesVersion: '2.0' }, 'kubernetesVersion', `${VERSION}there is no Kubernetes 2.x: every release so far is 1.x; got "2.0" (a string).`],
    ['Kubernetes 1.030', { kubernetesVersion: '1.030' }, 'kubernetesVersion', `${VERSION}minor versions have no leading zero (did you mean "1.30"?); got "1.030" (a string).`],
    ['Kubernetes latest', { kubernetesVersion: 'latest' }, 'kubernetesVersion', `${VERSION}expected a version such as "1.30", "v1.31.2" or "v1.30.2-eks-1234"; got "latest" (a string).`],
    ['LBC 1.1', { lbcVersion: '1.1' }, 'lbcVersion', 'lbcVersion must be an AWS Load Balancer Controller version such as "2.7": AWS Load Balancer Controller 1.x (the aws-alb-ingress-controller) does not manage NLBs; NLB support starts with 2.0; got "1.1" (a string).'],
    ['LBC latest', { lbcVersion: 'latest' }, 'lbcVersion', 'lbcVersion must be an AWS Load Balancer Controller version such as "2.7": expected a release such as "2.7", "v2.4.6" or "3.1.0" (the image tag of the aws-load-balancer-controller Deployment); got "latest" (a string).'],
  ])('%s is a budget-valid violation naming the field', (_name, budget, field, message) => {
    expect(violationsOf(budget)).toEqual([{ rule: 'budget-valid', field, message }]);
  });

  it.each([['1.30'], ['v1.31.2'], ['v1.30.2-eks-1234'], ['1.21'], ['1.99'], [' 1.33 ']])('accepts Kubernetes %j', (version) => {
    expect(planDrain({ kubernetesVersion: version }).budget.kubernetesVersion).toBe(version.trim());
  });

  it.each([['2.7'], ['v2.4.6'], ['3.5.0'], ['2.13']])('accepts LBC %j', (version) => {
    expect(planDrain({ lbcVersion: version }).budget.lbcVersion).toBe(version);
  });

  it('reads own fields only: a polluted Object.prototype changes nothing', () => {
    const clean = planDrain({});
    const proto = Object.prototype as Record<string, unknown>;
    const polluted = { propagationSeconds: 1e9, drainTimeoutSeconds: -1, healthCheck: 'x', readinessPath: '?', kubernetesVersion: '1.0', intervalSeconds: 1, readinessGate: 'no' };
    try {
      Object.assign(proto, polluted);
      const plan = planDrain({ healthCheck: {} });
      expect(plan.budget).toEqual(clean.budget);
      expect(plan.serviceAnnotations).toEqual(clean.serviceAnnotations);
    } finally {
      for (const key of Object.keys(polluted)) delete proto[key];
    }
  });

  it('takes a prototype-less object like a plain one', () => {
    const budget = Object.assign(Object.create(null) as object, { propagationSeconds: 30 });
    expect(planDrain(budget).preStopSleepSeconds).toBe(30);
  });

  it('takes a null budget or null contract variables in planWorkload as violations, never a TypeError', () => {
    const violations = (input: Record<string, unknown>) => {
      try {
        planWorkload({ grpcPort: 7070, ...input } as never);
      } catch (error) {
        if (error instanceof DrainBudgetError) return error.violations.map((v) => `${v.field}: ${v.message}`);
        throw error;
      }
      throw new Error('accepted');
    };
    expect(violations({ budget: null })).toEqual([`budget: ${NOT_AN_OBJECT} null.`]);
    const contractEnvMessage = "contractEnv: contractEnv must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' } (leave it out for the GRPC_DRAIN_PRESTOP_SECONDS, GRPC_DRAIN_TIMEOUT_SECONDS, GRPC_DRAIN_CLEANUP_SECONDS, GRPC_DRAIN_HEALTH_PORT, GRPC_DRAIN_READY_PATH, GRPC_DRAIN_LIVE_PATH names); got";
    expect(violations({ env: null })).toEqual([`${contractEnvMessage} null.`]);
    expect(violations({ env: 'GRPC_DRAIN' })).toEqual([`${contractEnvMessage} "GRPC_DRAIN" (a string).`]);
  });

  it('names the cdk8s prop for Duration.days(3650)', () => {
    expect(() => new GrpcDeployment(Testing.chart(), 'engine', { image: 'engine:1', grpcPort: 7070, budget: { propagation: Duration.days(3650) } })).toThrow(
      "unsafe drain budget of GrpcDeployment 'engine' (1 violation):\n  - [budget-valid] propagationSeconds: budget.propagation must be 1–3600s (a zero sleep is no preStop, and the deregistration delay, at most 3600s, must cover the sleep); got 315360000s.",
    );
  });
});
