import { checkSettings, DRAIN_RULES, RULE_INFO, type DrainSettings, type Finding, type RuleId } from 'grpc-drain';
import { SAFE_SETTINGS, settings, withHealthCheck } from '../support/settings';

function rule(id: RuleId) {
  const found = DRAIN_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

describe('the rules table', () => {
  it('has every rule of DESIGN.md §4 once, with a symptom and a summary', () => {
    expect(RULE_INFO.map((r) => r.id)).toEqual([
      'budget-valid',
      'prestop-present',
      'prestop-covers-propagation',
      'grace-covers-drain',
      'drain-timeout-nonzero',
      'grace-needs-prestop',
      'sleep-within-grace',
      'sleep-action-supported',
      'healthcheck-uses-readiness',
      'healthcheck-in-range',
      'deregistration-delay-bounded',
      'deregistration-delay-covers-drain',
      'connection-termination-enabled',
      'unhealthy-drain',
      'probes-distinct',
      'healthcheck-success-codes',
      'lbc-supports',
      'target-type-ip',
      'rollout-waits-for-lb',
      'pdb-present',
      'grace-under-cap',
    ]);
    for (const info of RULE_INFO) {
      expect(info.symptom.length).toBeGreaterThan(10);
      expect(info.summary.length).toBeGreaterThan(10);
    }
  });

  it('finds nothing in safe settings', () => {
    expect(checkSettings(SAFE_SETTINGS)).toEqual([]);
  });

  it('stays silent when everything is unknown', () => {
    expect(checkSettings({})).toEqual([]);
  });
});

type Case = [description: string, settings: DrainSettings];
type FailingCase = [description: string, settings: DrainSettings, expected: Array<Omit<Finding, 'rule'>>];

const passing: Record<RuleId, Case[]> = {
  'budget-valid': [],
  'prestop-present': [
    ['an exec sleep of 20s', settings({ preStop: { kind: 'exec', command: ['sleep', '20'], seconds: 20 } })],
    ['an httpGet hook (its delay is unknown)', settings({ preStop: { kind: 'httpGet', path: '/drain', port: 8080 } })],
    ['an unknown preStop', settings({ preStop: undefined })],
  ],
  'prestop-covers-propagation': [
    ['sleep equal to propagation', settings({ preStop: { kind: 'sleep', seconds: 20 } })],
    ['sleep longer than propagation', settings({ preStop: { kind: 'sleep', seconds: 25 } })],
    ['a zero sleep (prestop-present reports it)', settings({ preStop: { kind: 'sleep', seconds: 0 } })],
    ['unknown propagation', settings({ preStop: { kind: 'sleep', seconds: 5 }, propagationSeconds: undefined })],
    ['an app-provided hook with no NLB in view (nothing propagates)', settings({ preStop: { kind: 'exec', command: ['/wait-shutdown'] }, targetType: undefined })],
  ],
  'grace-covers-drain': [
    ['grace = sleep + drain + cleanup + headroom', settings({ terminationGracePeriodSeconds: 45 })],
    ['grace above that', settings({ terminationGracePeriodSeconds: 90 })],
    ['an unknown sleep', settings({ terminationGracePeriodSeconds: 5, preStop: { kind: 'httpGet' } })],
  ],
  'drain-timeout-nonzero': [
    ['a 10s drain timeout', SAFE_SETTINGS],
    ['an unknown drain timeout', settings({ drainTimeoutSeconds: undefined })],
  ],
  'grace-needs-prestop': [
    ['no preStop with the default 30s grace', settings({ preStop: { kind: 'none' }, terminationGracePeriodSeconds: 30 })],
    ['a long grace with a sleep', settings({ terminationGracePeriodSeconds: 300 })],
  ],
  'sleep-within-grace': [
    ['sleep equal to the grace period (the API accepts equality)', settings({ preStop: { kind: 'sleep', seconds: 45 } })],
    ['no preStop', settings({ preStop: { kind: 'none' } })],
  ],
  'sleep-action-supported': [
    ['native sleep on 1.30', SAFE_SETTINGS],
    ['zero sleep on 1.33', settings({ preStop: { kind: 'sleep', seconds: 0 }, kubernetesVersion: '1.33' })],
    ['native sleep on an unknown version', settings({ kubernetesVersion: undefined })],
    ['native sleep on v1.31.2-eks-1', settings({ kubernetesVersion: 'v1.31.2-eks-1' })],
    // The application's own binary: its delay is prestop-covers-propagation's business, not a missing sleep.
    ['an app-provided exec hook (/wait-shutdown)', settings({ preStop: { kind: 'exec', command: ['/wait-shutdown'] } })],
    ['an exec hook that waits for nothing (echo sleep 30)', settings({ preStop: { kind: 'exec', command: ['echo', 'sleep', '30'], seconds: 0 } })],
  ],
  'healthcheck-uses-readiness': [
    ['HTTPS on the readiness endpoint', withHealthCheck({ protocol: 'HTTPS' })],
    ['an unknown protocol', withHealthCheck({ protocol: undefined })],
    ['an unknown readiness probe', withHealthCheck({ path: '/other' }, { readinessProbe: undefined })],
    ['instance targets: the NLB checks nodes (target-type-ip reports it)', withHealthCheck({ protocol: 'TCP', port: 'traffic-port' }, { targetType: 'instance' })],
  ],
  'healthcheck-in-range': [
    ['the lower bounds, timeout = interval', withHealthCheck({ intervalSeconds: 5, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 })],
    ['the upper bounds', withHealthCheck({ intervalSeconds: 300, timeoutSeconds: 120, healthyThreshold: 10, unhealthyThreshold: 10 })],
    ['the LBC defaults (10/10/3/3)', withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 })],
  ],
  'deregistration-delay-bounded': [
    ['delay = grace', SAFE_SETTINGS],
    ['delay below grace', settings({ deregistrationDelaySeconds: 30 })],
    ['delay 3600 with a grace of 3700', settings({ deregistrationDelaySeconds: 3600, terminationGracePeriodSeconds: 3700 })],
    ['instance targets: no pod is deregistered', settings({ targetType: 'instance', deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default' })],
  ],
  'deregistration-delay-covers-drain': [
    ['delay = sleep + drain', settings({ deregistrationDelaySeconds: 30 })],
    ['an unknown sleep', settings({ deregistrationDelaySeconds: 1, preStop: { kind: 'httpGet' } })],
    ['instance targets', settings({ deregistrationDelaySeconds: 1, targetType: 'instance' })],
  ],
  'connection-termination-enabled': [
    ['enabled', SAFE_SETTINGS],
    ['unknown', settings({ connectionTermination: undefined })],
    ['instance targets', settings({ connectionTermination: false, targetType: 'instance' })],
  ],
  'unhealthy-drain': [
    ['drain = unhealthy threshold × interval, termination on', settings({ unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 })],
    ['drain 30s, termination off, draining interval 30s', settings({ drainTimeoutSeconds: 30, unhealthyDrainingIntervalSeconds: 30 })],
    ['instance targets', settings({ drainTimeoutSeconds: 30, unhealthyConnectionTermination: true, targetType: 'instance' })],
  ],
  'probes-distinct': [
    ['the same path on another port', settings({ livenessProbe: { kind: 'httpGet', port: 8081, path: '/ready' } })],
    ['no liveness probe', settings({ livenessProbe: { kind: 'none' } })],
    ['an unknown readiness probe', settings({ readinessProbe: undefined })],
    ['exec probes (cannot be compared)', settings({ readinessProbe: { kind: 'exec' }, livenessProbe: { kind: 'exec' } })],
  ],
  'healthcheck-success-codes': [
    ['the default 200-399', SAFE_SETTINGS],
    ['200,202', withHealthCheck({ successCodes: '200,202' })],
    ['200-499 on a TCP check (no codes are read)', withHealthCheck({ protocol: 'TCP', successCodes: '200-599' })],
    ['unknown codes', withHealthCheck({ successCodes: undefined })],
    ['200-599 on instance targets with externalTrafficPolicy Cluster (no flip to see)', withHealthCheck({ successCodes: '200-599' }, { targetType: 'instance', externalTrafficPolicy: 'Cluster' })],
    ['200-599 ignored by LBC 2.4.5 (AWS applies 200-399; lbc-supports warns)', withHealthCheck({ successCodes: '200-599' }, { lbcVersion: '2.4.5' })],
  ],
  'lbc-supports': [
    ['LBC 2.7 with the plan’s settings', SAFE_SETTINGS],
    ['an unknown LBC version', settings({ lbcVersion: undefined, loadBalancerType: 'external', perPortTargetGroupAttributes: true })],
    ['LBC 2.4.6: the timeout is sent', settings({ lbcVersion: '2.4.6' })],
    ['LBC 2.4.5 with interval 10 and timeout 6 (what AWS applies anyway)', withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 6 }, { lbcVersion: '2.4.5' })],
    ['LBC 2.6.2 with a named health-check port', withHealthCheck({ portName: 'health' }, { lbcVersion: '2.6.2' })],
    ['LBC 2.14.0 with per-port attributes', settings({ lbcVersion: '2.14.0', perPortTargetGroupAttributes: true })],
    ['LBC 3.0.0 (a major above every feature)', withHealthCheck({ portName: 'health', successCodes: '200-299' }, { lbcVersion: '3.0.0', perPortTargetGroupAttributes: true })],
    ['LBC 2.1.3 on the class path (no type annotation)', withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 6 }, { lbcVersion: '2.1.3', loadBalancerType: 'class' })],
  ],
  'target-type-ip': [['ip targets', SAFE_SETTINGS]],
  'rollout-waits-for-lb': [
    ['the readiness gate', SAFE_SETTINGS],
    ['no gate, minReadySeconds = registration 120 + 2 × 5', settings({ readinessGate: false, rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, minReadySeconds: 130 } })],
    ['maxUnavailable "0%"', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '0%', minReadySeconds: 0 } })],
    ['an unknown gate', settings({ readinessGate: undefined })],
    ['maxUnavailable 25% of 3 replicas rounds down to 0', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '25%', maxSurge: '25%', replicas: 3, minReadySeconds: 0 } })],
    ['maxUnavailable 25% of an unknown count', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '25%', maxSurge: '25%', minReadySeconds: 0 } })],
    ['maxUnavailable 25% under an HPA (the count is the autoscaler’s)', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '25%', maxSurge: '25%', replicas: 8, autoscaled: true, minReadySeconds: 0 } })],
    ['maxSurge 25% of 1 replica rounds up to 1', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, maxSurge: '25%', replicas: 1, minReadySeconds: 0 } })],
    ['no gate on instance targets: nodes are already registered', settings({ readinessGate: false, targetType: 'instance' })],
    ['minReadySeconds 599 under the 600s deadline', settings({ readinessGate: false, registrationSeconds: 589, rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, minReadySeconds: 599, progressDeadlineSeconds: 600 } })],
  ],
  'pdb-present': [
    ['a PDB', SAFE_SETTINGS],
    ['unknown', settings({ podDisruptionBudget: undefined })],
  ],
  'grace-under-cap': [
    ['grace = cap', settings({ maxTerminationGracePeriodSeconds: 45 })],
    ['no cap', SAFE_SETTINGS],
  ],
};

const failing: Record<RuleId, FailingCase[]> = {
  'budget-valid': [],
  'prestop-present': [
    [
      'no preStop hook',
      settings({ preStop: { kind: 'none' } }),
      [{ severity: 'error', field: 'preStop', message: 'no preStop hook: SIGTERM reaches the server at t=0, while NLB nodes keep opening new connections to the pod for about 20s (propagation); once it stops listening they are refused. Add a preStop sleep of at least 20s (propagation).' }],
    ],
    [
      'a zero-second sleep',
      settings({ preStop: { kind: 'sleep', seconds: 0 } }),
      [{ severity: 'error', field: 'preStop.seconds', message: 'the preStop sleep is 0s: SIGTERM reaches the server at t=0, while NLB nodes keep opening new connections to the pod for about 20s (propagation). Use a preStop sleep of at least 20s (propagation).' }],
    ],
  ],
  'prestop-covers-propagation': [
    [
      'a 10s sleep for 20s of propagation',
      settings({ preStop: { kind: 'sleep', seconds: 10 } }),
      [{ severity: 'error', field: 'preStop.seconds', message: 'preStop sleep (10s) must be ≥ propagation (20s): SIGTERM lands 10s before every NLB node has stopped opening new connections to the pod, and those are refused once the server stops listening. Raise the sleep to 20s (and the grace period with it).' }],
    ],
    [
      'an app-provided exec hook behind an NLB: a warning, never an overwrite',
      settings({ preStop: { kind: 'exec', command: ['/wait-shutdown'] } }),
      [
        {
          severity: 'warning',
          field: 'preStop',
          message:
            'the preStop hook (exec ["/wait-shutdown"]) delays SIGTERM by a time grpc-drain cannot read: it buys propagation time only if it waits at least 20s (propagation) before the server stops accepting connections. Check that it blocks for 20s or more before the process stops listening (a hook that only signals the server, or returns at once, buys nothing) and that terminationGracePeriodSeconds (45s) covers that wait plus drain timeout and cleanup (wait + drain timeout + cleanup (20s + 10s + 5s = 35s)); if it does not wait, run a sleep of 20s before it.',
        },
      ],
    ],
    [
      'an httpGet hook behind an NLB, grace unknown',
      settings({ preStop: { kind: 'httpGet', path: '/drain', port: 8080 }, terminationGracePeriodSeconds: undefined }),
      [
        {
          severity: 'warning',
          field: 'preStop',
          message:
            'the preStop hook (httpGet /drain on port 8080) delays SIGTERM by a time grpc-drain cannot read: it buys propagation time only if it waits at least 20s (propagation) before the server stops accepting connections. Check that it blocks for 20s or more before the process stops listening (a hook that only signals the server, or returns at once, buys nothing); if it does not wait, run a sleep of 20s before it.',
        },
      ],
    ],
  ],
  'grace-covers-drain': [
    [
      "the default 30s grace under a 20s sleep",
      settings({ terminationGracePeriodSeconds: 30 }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'terminationGracePeriodSeconds (30s) must be ≥ preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s): the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server 5s before its drain and cleanup can end. Set terminationGracePeriodSeconds to 45s (with 10s headroom).' }],
    ],
    [
      '3s of headroom where 10s are wanted',
      settings({ terminationGracePeriodSeconds: 38 }),
      [{ severity: 'warning', field: 'terminationGracePeriodSeconds', message: 'terminationGracePeriodSeconds (38s) leaves 3s of headroom after preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s), less than the 10s wanted: a drain that runs long is SIGKILLed. Set terminationGracePeriodSeconds to 45s.' }],
    ],
    [
      'grace exactly sleep + drain + cleanup (no headroom left)',
      settings({ terminationGracePeriodSeconds: 35 }),
      [{ severity: 'warning', field: 'terminationGracePeriodSeconds', message: 'terminationGracePeriodSeconds (35s) leaves 0s of headroom after preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s), less than the 10s wanted: a drain that runs long is SIGKILLed. Set terminationGracePeriodSeconds to 45s.' }],
    ],
  ],
  'drain-timeout-nonzero': [
    [
      'a drain timeout of 0',
      settings({ drainTimeoutSeconds: 0 }),
      [
        {
          severity: 'warning',
          field: 'drainTimeoutSeconds',
          message:
            'the drain timeout is 0s: the server stops hard at SIGTERM, so every in-flight call is cancelled (CANCELLED) and long-lived streams are cut instead of told to reconnect; the preStop sleep only keeps new connections away. Set the drain timeout to the time your longest unary RPC needs (the default is 10s).',
        },
      ],
    ],
  ],
  'grace-needs-prestop': [
    [
      'grace 300s and no preStop',
      settings({ preStop: { kind: 'none' }, terminationGracePeriodSeconds: 300 }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'terminationGracePeriodSeconds is 300s but nothing delays SIGTERM: the grace period only moves the SIGKILL and the NLB never sees it, so new connections still reach the pod after it stops listening. Add a preStop sleep of at least 20s (propagation); the grace period must then be at least sleep + drain timeout + cleanup + headroom (20s + 10s + 5s + 10s = 45s).' }],
    ],
  ],
  'sleep-within-grace': [
    [
      'a native 60s sleep in a 45s grace',
      settings({ preStop: { kind: 'sleep', seconds: 60 } }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'preStop sleep (60s) must be ≤ terminationGracePeriodSeconds (45s): the API server rejects the pod (a sleep action may not outlast the grace period). Raise terminationGracePeriodSeconds to sleep + drain timeout + cleanup + headroom (60s + 10s + 5s + 10s = 85s).' }],
    ],
    [
      'an exec 60s sleep in a 45s grace',
      settings({ preStop: { kind: 'exec', command: ['sleep', '60'], seconds: 60 } }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'preStop sleep (60s) must be ≤ terminationGracePeriodSeconds (45s): the kubelet stops waiting for the hook when the grace period ends, sends SIGTERM with a one-off 2s extension, then SIGKILL: the server gets 2s instead of its 10s drain timeout. Raise terminationGracePeriodSeconds to sleep + drain timeout + cleanup + headroom (60s + 10s + 5s + 10s = 85s).' }],
    ],
  ],
  'sleep-action-supported': [
    [
      'native sleep on 1.29: silently dropped by the API server',
      settings({ kubernetesVersion: '1.29' }),
      [
        {
          severity: 'error',
          field: 'preStop',
          message:
            'the native preStop sleep action needs Kubernetes ≥ 1.30 (PodLifecycleSleepAction, beta and on from 1.30): on Kubernetes 1.29 the feature gate PodLifecycleSleepAction is alpha and off, so the API server silently drops the sleep handler and with it the whole preStop: the manifest applies and the pods run with no preStop at all (SIGTERM at t=0). Use exec: ["sleep", "20"] with an image that has a sleep binary, or upgrade the cluster.',
        },
      ],
    ],
    [
      'native sleep on 1.28: rejected',
      settings({ kubernetesVersion: '1.28' }),
      [{ severity: 'error', field: 'preStop', message: 'the native preStop sleep action needs Kubernetes ≥ 1.30 (PodLifecycleSleepAction, beta and on from 1.30): Kubernetes 1.28 does not know the sleep action and rejects the pod. Use exec: ["sleep", "20"] with an image that has a sleep binary, or upgrade the cluster.' }],
    ],
    [
      'zero sleep on 1.32',
      settings({ preStop: { kind: 'sleep', seconds: 0 }, kubernetesVersion: '1.32' }),
      [{ severity: 'error', field: 'preStop.seconds', message: 'a 0s preStop sleep needs Kubernetes ≥ 1.33 (PodLifecycleSleepActionAllowZero); Kubernetes 1.32 rejects the pod. Sleep at least the propagation instead.' }],
    ],
    [
      'exec sleep on 1.30',
      settings({ preStop: { kind: 'exec', command: ['sleep', '20'], seconds: 20 } }),
      [{ severity: 'warning', field: 'preStop', message: 'the preStop hook execs sleep inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. Use the native action (sleep: {seconds: 20}), which Kubernetes 1.30 runs without a binary.' }],
    ],
    [
      'exec sleep on 1.28',
      settings({ preStop: { kind: 'exec', command: ['/bin/sh', '-c', 'sleep 20'], seconds: 20 }, kubernetesVersion: '1.28' }),
      [{ severity: 'warning', field: 'preStop', message: 'the preStop hook execs /bin/sh and sleep inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. Make sure the image ships them, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.' }],
    ],
  ],
  'healthcheck-uses-readiness': [
    [
      'a TCP health check (the LBC default)',
      withHealthCheck({ protocol: 'TCP', port: 'traffic-port', path: undefined }),
      [{ severity: 'error', field: 'healthCheck.protocol', message: 'the NLB health check is TCP: a TCP connect succeeds until the process exits, so the NLB never sees readiness flip to 503 on SIGTERM. Use an HTTP health check on port 8080, path /ready (the readiness probe).' }],
    ],
    [
      'an HTTP check on the liveness path',
      withHealthCheck({ path: '/live' }),
      [{ severity: 'error', field: 'healthCheck.path', message: 'the NLB health check GETs /live, the liveness endpoint: a terminating server is alive, so it stays healthy through the whole teardown and the readiness flip is never seen. Set the health-check path to /ready.' }],
    ],
    [
      'an HTTP check on another path',
      withHealthCheck({ path: '/healthz' }),
      [{ severity: 'error', field: 'healthCheck.path', message: 'the NLB health check path (/healthz) is not the readiness path (/ready): the 503 the server answers from SIGTERM on is never seen. Set the health-check path to /ready.' }],
    ],
    [
      'an HTTP check on the traffic port',
      withHealthCheck({ port: 'traffic-port' }),
      [{ severity: 'error', field: 'healthCheck.port', message: "the NLB health check goes to traffic-port (the port traffic goes to), not to the readiness probe's port 8080: it does not see the readiness flip. Set the health-check port to 8080." }],
    ],
    [
      'wrong path and wrong port, both reported',
      withHealthCheck({ port: 9090, path: '/' }),
      [
        { severity: 'error', field: 'healthCheck.path', message: 'the NLB health check path (/) is not the readiness path (/ready): the 503 the server answers from SIGTERM on is never seen. Set the health-check path to /ready.' },
        { severity: 'error', field: 'healthCheck.port', message: "the NLB health check goes to port 9090, not to the readiness probe's port 8080: it does not see the readiness flip. Set the health-check port to 8080." },
      ],
    ],
    [
      'a TCP readiness probe',
      settings({ readinessProbe: { kind: 'tcpSocket', port: 7070 } }),
      [{ severity: 'error', field: 'readinessProbe', message: 'the readiness probe is a TCP connect: it succeeds until the process exits, so readiness never flips to 503 on SIGTERM, for the kubelet or for the NLB. Serve readiness over HTTP (200 while serving, 503 from SIGTERM on) and point both the probe and the NLB health check at it.' }],
    ],
    [
      'a gRPC readiness probe',
      settings({ readinessProbe: { kind: 'grpc', port: 7070 } }),
      [{ severity: 'error', field: 'readinessProbe', message: 'the readiness probe is grpc but an NLB can only check HTTP, HTTPS or TCP: the NLB cannot follow the signal the kubelet uses. Serve readiness over HTTP (200 while serving, 503 from SIGTERM on) and point both the probe and the health check at it.' }],
    ],
  ],
  'healthcheck-in-range': [
    [
      'interval 4s',
      withHealthCheck({ intervalSeconds: 4, timeoutSeconds: 2 }),
      [{ severity: 'error', field: 'healthCheck.intervalSeconds', message: "healthCheck.intervalSeconds (4s) is outside the NLB's range 5–300s (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in 5–300s." }],
    ],
    [
      'interval 301s',
      withHealthCheck({ intervalSeconds: 301 }),
      [{ severity: 'error', field: 'healthCheck.intervalSeconds', message: "healthCheck.intervalSeconds (301s) is outside the NLB's range 5–300s (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in 5–300s." }],
    ],
    [
      'timeout 1s',
      withHealthCheck({ timeoutSeconds: 1 }),
      [{ severity: 'error', field: 'healthCheck.timeoutSeconds', message: "healthCheck.timeoutSeconds (1s) is outside the NLB's range 2–120s (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in 2–120s." }],
    ],
    [
      'thresholds 1 and 11',
      withHealthCheck({ healthyThreshold: 1, unhealthyThreshold: 11 }),
      [
        { severity: 'error', field: 'healthCheck.healthyThreshold', message: "healthCheck.healthyThreshold (1) is outside the NLB's range 2–10 (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in 2–10." },
        { severity: 'error', field: 'healthCheck.unhealthyThreshold', message: "healthCheck.unhealthyThreshold (11) is outside the NLB's range 2–10 (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in 2–10." },
      ],
    ],
    [
      'timeout longer than the interval',
      withHealthCheck({ intervalSeconds: 5, timeoutSeconds: 10 }),
      [{ severity: 'error', field: 'healthCheck.timeoutSeconds', message: 'healthCheck.timeoutSeconds (10s) must be ≤ healthCheck.intervalSeconds (5s): a check would still be waiting when the next one starts. Set the timeout to at most 5s.' }],
    ],
  ],
  'deregistration-delay-bounded': [
    [
      "AWS's 300s default",
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default' }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, 255s after the kubelet has killed it at 45s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=45 (terminationGracePeriodSeconds) in the target-group attributes." }],
    ],
    [
      'a delay longer than the grace period',
      settings({ deregistrationDelaySeconds: 120 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: 'deregistration_delay.timeout_seconds (120s) must be ≤ terminationGracePeriodSeconds (45s): the NLB keeps the target draining 75s after the pod is gone, and connections to it hang until then. Set deregistration_delay.timeout_seconds=45 (terminationGracePeriodSeconds) in the target-group attributes.' }],
    ],
    [
      'a delay that fits the budget but not a too-short grace period (the grace period is at fault)',
      settings({ deregistrationDelaySeconds: 45, terminationGracePeriodSeconds: 30 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: 'deregistration_delay.timeout_seconds (45s) must be ≤ terminationGracePeriodSeconds (30s): the NLB keeps the target draining 15s after the pod is gone, and connections to it hang until then. The grace period is the one too short: raise terminationGracePeriodSeconds to 45s (sleep + drain timeout + cleanup + headroom) and keep the delay at most that.' }],
    ],
    [
      "AWS's default with a too-short grace period: the delay follows the grace period the budget needs",
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', terminationGracePeriodSeconds: 30 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, 270s after the kubelet has killed it at 30s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=45 together with terminationGracePeriodSeconds=45 (sleep + drain timeout + cleanup + headroom)." }],
    ],
    [
      'a sleep shorter than the propagation: the delay follows the grace the fixes leave (the sleep raised to 20s)',
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', preStop: { kind: 'sleep', seconds: 5 }, terminationGracePeriodSeconds: 30 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, 270s after the kubelet has killed it at 30s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=45 together with terminationGracePeriodSeconds=45 (sleep + drain timeout + cleanup + headroom)." }],
    ],
    [
      'no preStop: the delay counts the sleep the fix adds',
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', preStop: { kind: 'none' }, terminationGracePeriodSeconds: 30 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, 270s after the kubelet has killed it at 30s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=45 together with terminationGracePeriodSeconds=45 (sleep + drain timeout + cleanup + headroom)." }],
    ],
    [
      'a grace period above the cluster cap: the delay ends where the kubelet kills the pod',
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', terminationGracePeriodSeconds: 180, maxTerminationGracePeriodSeconds: 120 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, 120s after the kubelet has killed it at 180s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=120 (the cluster's cap on the grace period, where the kubelet kills the pod) in the target-group attributes." }],
    ],
    [
      'a grace period beyond 3600s: the delay stops at AWS’s maximum',
      settings({ deregistrationDelaySeconds: 300, deregistrationDelaySource: 'aws-default', terminationGracePeriodSeconds: 7200 }),
      [{ severity: 'warning', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds is not set, so AWS's 300s default applies: a deregistered pod stays draining in the NLB for 300s, and connections to it linger that long. Set deregistration_delay.timeout_seconds=3600 (AWS's maximum; the grace period is longer) in the target-group attributes." }],
    ],
    [
      'a delay beyond AWS’s 3600s',
      settings({ deregistrationDelaySeconds: 4000 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (4000s) is outside AWS's range 0–3600s: AWS rejects the target-group attributes. Set it to the grace period (deregistration_delay.timeout_seconds=45)." }],
    ],
  ],
  'deregistration-delay-covers-drain': [
    [
      'a 20s delay for sleep 5 + drain 10 with propagation 20: the delay named counts the sleep raised to the propagation',
      settings({ deregistrationDelaySeconds: 10, preStop: { kind: 'sleep', seconds: 5 }, terminationGracePeriodSeconds: 60 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (10s) must be ≥ preStop sleep + drain timeout (5s + 10s = 15s): the NLB ends the draining state 5s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=60." }],
    ],
    [
      'a 15s delay for sleep 20 + drain 10',
      settings({ deregistrationDelaySeconds: 15 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (15s) must be ≥ preStop sleep + drain timeout (20s + 10s = 30s): the NLB ends the draining state 15s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=45." }],
    ],
    [
      'a short grace: the delay named is the one the fix writes with the grace the budget needs',
      settings({ deregistrationDelaySeconds: 15, terminationGracePeriodSeconds: 30 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (15s) must be ≥ preStop sleep + drain timeout (20s + 10s = 30s): the NLB ends the draining state 15s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=45." }],
    ],
    [
      'sleep + drain beyond 3600s: the input to shrink, not "set the delay to 3600"',
      settings({ propagationSeconds: 3000, preStop: { kind: 'sleep', seconds: 3000 }, drainTimeoutSeconds: 1000, terminationGracePeriodSeconds: 4015, deregistrationDelaySeconds: 3600 }),
      [
        {
          severity: 'error',
          field: 'deregistrationDelaySeconds',
          message:
            "deregistration_delay.timeout_seconds (3600s) must be ≥ preStop sleep + drain timeout (3000s + 1000s = 4000s), but AWS caps the deregistration delay at 3600s: no delay can cover the drain, and the NLB resets the connections still in use 400s before the server's drain ends. Shrink the larger, the preStop sleep (propagation), from 3000s to 2600s, so that the two fit in 3600s.",
        },
      ],
    ],
  ],
  'connection-termination-enabled': [
    [
      'disabled (the TCP default)',
      settings({ connectionTermination: false }),
      [{ severity: 'warning', field: 'connectionTermination', message: 'deregistration_delay.connection_termination.enabled is false (the default for TCP target groups): the NLB does not close the connections still open when the deregistration delay ends. Active ones (gRPC keepalives count as traffic) may go on indefinitely to a pod that is gone; idle ones end only at the TCP idle timeout (350s by default). Set deregistration_delay.connection_termination.enabled=true.' }],
    ],
  ],
  'unhealthy-drain': [
    [
      'drain 30s with unhealthy termination on',
      settings({ drainTimeoutSeconds: 30, unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 }),
      [{ severity: 'warning', field: 'unhealthyConnectionTermination', message: 'drain timeout (30s) is longer than unhealthy threshold × interval (2 × 5s = 10s): the NLB marks the pod unhealthy about 10s after readiness flips to 503 and, with target_health_state.unhealthy.connection_termination.enabled=true (the AWS default), resets its connections up to 20s before the drain ends. Set target_health_state.unhealthy.connection_termination.enabled=false and target_health_state.unhealthy.draining_interval_seconds=30.' }],
    ],
    [
      'drain 30s, termination off, draining interval 10s',
      settings({ drainTimeoutSeconds: 30 }),
      [{ severity: 'warning', field: 'unhealthyDrainingIntervalSeconds', message: 'drain timeout (30s) is longer than unhealthy threshold × interval (2 × 5s = 10s): the NLB marks the pod unhealthy about 10s after readiness flips to 503, and target_health_state.unhealthy.draining_interval_seconds (10s) must be ≥ the drain timeout (30s), or the NLB resets the connections when the interval ends. Set target_health_state.unhealthy.connection_termination.enabled=false and target_health_state.unhealthy.draining_interval_seconds=30.' }],
    ],
  ],
  'probes-distinct': [
    [
      'no readiness probe',
      settings({ readinessProbe: { kind: 'none' } }),
      [{ severity: 'error', field: 'readinessProbe', message: 'no readinessProbe: nothing tells Kubernetes or the NLB when the server stops taking new connections, and a new pod counts as ready before it listens. Add an httpGet readinessProbe on the health port that answers 503 from SIGTERM on (e.g. /ready).' }],
    ],
    [
      'readiness and liveness on /healthz, which the NLB checks too: a warning with the true reason',
      withHealthCheck({ path: '/healthz' }, { readinessProbe: { kind: 'httpGet', port: 8080, path: '/healthz' }, livenessProbe: { kind: 'httpGet', port: 8080, path: '/healthz' } }),
      [
        {
          severity: 'warning',
          field: 'livenessProbe',
          message:
            'readinessProbe and livenessProbe both check httpGet :8080/healthz. Current kubelets stop liveness probes once a pod is terminating (kubernetes#107514, #110191), so a 503 from SIGTERM on does not restart a draining container; but the NLB health check uses this endpoint too, and an endpoint that must keep liveness at 200 is one that never shows the NLB the pod is leaving. Serve readiness on its own path (e.g. /ready, 503 from SIGTERM on) and point the NLB health check there; keep liveness (e.g. /live) at 200 through the drain.',
        },
      ],
    ],
    [
      'two TCP probes on the gRPC port (the NLB checks something else)',
      settings({ readinessProbe: { kind: 'tcpSocket', port: 7070 }, livenessProbe: { kind: 'tcpSocket', port: 7070 } }),
      [
        {
          severity: 'warning',
          field: 'livenessProbe',
          message:
            'readinessProbe and livenessProbe both check tcpSocket :7070. Current kubelets stop liveness probes once a pod is terminating (kubernetes#107514, #110191), so a 503 from SIGTERM on does not restart a draining container; it matters once the NLB health check points at readiness (as it should): an endpoint that must keep liveness at 200 never shows the NLB the pod is leaving. Serve readiness on its own path (e.g. /ready, 503 from SIGTERM on) and point the NLB health check there; keep liveness (e.g. /live) at 200 through the drain.',
        },
      ],
    ],
  ],
  'healthcheck-success-codes': [
    [
      '200-599 counts the 503 as healthy',
      withHealthCheck({ successCodes: '200-599' }),
      [
        {
          severity: 'error',
          field: 'healthCheck.successCodes',
          message:
            'the NLB health check counts 503 as healthy (success codes 200-599): it never sees the readiness endpoint answering 503 from SIGTERM on, so the target stays in service while it drains. Set service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes: "200-399" (or remove it: that is the default).',
        },
      ],
    ],
    [
      'a list with 503 in it, on instance targets with externalTrafficPolicy Local',
      withHealthCheck({ successCodes: '200,503' }, { targetType: 'instance', externalTrafficPolicy: 'Local' }),
      [
        {
          severity: 'error',
          field: 'healthCheck.successCodes',
          message:
            'the NLB health check counts 503 as healthy (success codes 200,503): it never sees a node\'s kube-proxy answering 503 once it has no ready endpoint left, so the target stays in service while it drains. Set service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes: "200-399" (or remove it: that is the default).',
        },
      ],
    ],
    [
      'codes AWS rejects',
      withHealthCheck({ successCodes: '200-700' }),
      [
        {
          severity: 'error',
          field: 'healthCheck.successCodes',
          message:
            'the NLB health check\'s success codes ("200-700") are not a list of HTTP codes or ranges within 200–599 (such as 200-399 or 200,202): AWS rejects the target group. Set service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes: "200-399" (or remove it: that is the default).',
        },
      ],
    ],
  ],
  'lbc-supports': [
    [
      'LBC 2.4.5 with interval 5: AWS applies 6s and rejects the target group',
      settings({ lbcVersion: '2.4.5' }),
      [
        {
          severity: 'error',
          field: 'healthCheck.intervalSeconds',
          message:
            'AWS Load Balancer Controller 2.4.5 drops service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout for NLBs (fixed in 2.4.6, PR #2899), so AWS applies its default 6s timeout to this HTTP check, longer than the 5s interval: AWS rejects the target group ("Health check interval must be greater than the timeout", issue #2951). Set the health-check interval to 6s, or upgrade the controller to ≥ 2.4.6.',
        },
      ],
    ],
    [
      'LBC 2.3.1 with an HTTPS check every 30s and timeout 5: the timeout is silently 10s',
      withHealthCheck({ protocol: 'HTTPS', intervalSeconds: 30, timeoutSeconds: 5 }, { lbcVersion: '2.3.1' }),
      [
        {
          severity: 'warning',
          field: 'healthCheck.timeoutSeconds',
          message:
            'AWS Load Balancer Controller 2.3.1 drops service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout for NLBs (fixed in 2.4.6, PR #2899), so AWS applies its default 10s timeout to this HTTPS check, not the 5s set: checks fail later or sooner than planned. Set the health-check timeout to 10s so the numbers checked are the ones in effect, or upgrade the controller to ≥ 2.4.6.',
        },
      ],
    ],
    [
      'LBC 2.1.3 with aws-load-balancer-type: external',
      withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 6 }, { lbcVersion: '2.1.3' }),
      [
        {
          severity: 'error',
          field: 'loadBalancerType',
          message:
            'AWS Load Balancer Controller 2.1.3 does not know service.beta.kubernetes.io/aws-load-balancer-type: external (read with nlb-target-type from 2.2.0): it leaves the Service alone, and the in-tree cloud provider makes a Classic Load Balancer instead. Upgrade the controller to ≥ 2.2.0, or set service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip.',
        },
      ],
    ],
    [
      'LBC 2.6.1 with a named health-check port',
      withHealthCheck({ port: 8080, portName: 'health' }, { lbcVersion: '2.6.1' }),
      [
        {
          severity: 'error',
          field: 'healthCheck.port',
          message:
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port names the Service port 'health', but AWS Load Balancer Controller 2.6.1 takes only a number or traffic-port there (names from 2.6.2): it fails to reconcile the Service and the NLB is never updated. Write the port number (8080) instead, or upgrade the controller to ≥ 2.6.2.",
        },
      ],
    ],
    [
      'LBC 2.4.5 with success codes: ignored',
      withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 6, successCodes: '200-299' }, { lbcVersion: '2.4.5' }),
      [
        {
          severity: 'warning',
          field: 'healthCheck.successCodes',
          message:
            'AWS Load Balancer Controller 2.4.5 ignores service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes (read from 2.4.6): the NLB counts 200-399 as healthy, not 200-299. Remove the annotation, or upgrade the controller to ≥ 2.4.6.',
        },
      ],
    ],
    [
      'LBC 2.13.4 with per-port target-group attributes',
      settings({ lbcVersion: '2.13.4', perPortTargetGroupAttributes: true }),
      [
        {
          severity: 'warning',
          field: 'perPortTargetGroupAttributes',
          message:
            'the target-group attributes are set per port (service.beta.kubernetes.io/aws-load-balancer-target-group-attributes.<port>), which AWS Load Balancer Controller 2.13.4 ignores (read from 2.14.0): the Service-wide service.beta.kubernetes.io/aws-load-balancer-target-group-attributes apply instead. Move the attributes to service.beta.kubernetes.io/aws-load-balancer-target-group-attributes, or upgrade the controller to ≥ 2.14.0.',
        },
      ],
    ],
  ],
  'target-type-ip': [
    [
      'instance targets, externalTrafficPolicy Cluster',
      settings({ targetType: 'instance' }),
      [
        {
          severity: 'warning',
          field: 'targetType',
          message:
            "nlb-target-type is instance with externalTrafficPolicy Cluster: the NLB's targets are nodes, and kube-proxy on whichever node a connection lands forwards it to any ready pod, so the NLB never sees one pod's readiness flip and the pod's deregistration delay and readiness gate do not apply. A terminating pod stops getting new connections once kube-proxy sees its endpoint turn terminating (seconds), but every connection takes an extra hop through a node, and a node that leaves the target group (drain, scale-in) resets whatever runs through it. Set service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip so that each pod is a target with its own health check, deregistration delay and readiness gate.",
        },
      ],
    ],
    [
      'instance targets, externalTrafficPolicy Local with the LBC defaults for it (10s, 2)',
      settings({ targetType: 'instance', externalTrafficPolicy: 'Local', healthCheck: { protocol: 'HTTP', path: '/healthz', intervalSeconds: 10, timeoutSeconds: 6, healthyThreshold: 2, unhealthyThreshold: 2 } }),
      [
        {
          severity: 'warning',
          field: 'targetType',
          message:
            "nlb-target-type is instance with externalTrafficPolicy Local: the NLB's targets are nodes, checked through kube-proxy on the Service's healthCheckNodePort (/healthz), which fails only once the node has no ready pod of the Service left. A terminating pod keeps getting new connections through its node until then, and for 2 × 10s = 20s of failed checks after (new connections reportedly stop 30–40s after a target turns unhealthy); the pod's readiness probe, deregistration delay and readiness gate play no part. If you keep instance targets, the preStop sleep must cover that node-level detection. Set service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip so that each pod is a target with its own health check, deregistration delay and readiness gate.",
        },
      ],
    ],
  ],
  'rollout-waits-for-lb': [
    [
      'the Recreate strategy',
      settings({ rollout: { strategy: 'Recreate', minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.strategy', message: 'the Recreate strategy stops every old pod before a new one starts: each deploy is an outage. Use RollingUpdate with maxSurge: 25% and maxUnavailable: 0.' }],
    ],
    [
      'maxUnavailable 25% (the Deployment default) of 8 replicas',
      settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '25%', maxSurge: '25%', replicas: 8, minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.maxUnavailable', message: 'rollout maxUnavailable is 25% of 8 replicas = 2 pods (rounded down): old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).' }],
    ],
    [
      'maxUnavailable 30% of 5 replicas = 1',
      settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '30%', maxSurge: 1, replicas: 5, minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.maxUnavailable', message: 'rollout maxUnavailable is 30% of 5 replicas = 1 pod (rounded down): old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).' }],
    ],
    [
      'maxUnavailable 1, whatever the count',
      settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, autoscaled: true, minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.maxUnavailable', message: 'rollout maxUnavailable is 1: old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).' }],
    ],
    [
      'maxSurge 0 and maxUnavailable 0 resolve to maxUnavailable 1',
      settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, maxSurge: 0, replicas: 4, minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.maxSurge', message: 'rollout maxSurge is 0 with maxUnavailable 0: the Deployment controller then takes maxUnavailable 1, so an old pod goes before its replacement is in the NLB. Set maxSurge: 25% (at least one pod) and keep maxUnavailable: 0.' }],
    ],
    [
      'without the gate, registration 600s: minReadySeconds 610s reaches the progress deadline',
      settings({ readinessGate: false, registrationSeconds: 600, rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, maxSurge: '25%', minReadySeconds: 610, progressDeadlineSeconds: 600 } }),
      [
        {
          severity: 'error',
          field: 'rollout.minReadySeconds',
          message:
            'minReadySeconds (610s) must be < progressDeadlineSeconds (600s): the API server rejects the Deployment. Shrink the registration (600s) so that registration + healthy threshold × interval (600s + 2 × 5s = 610s) stays below 600s, raise progressDeadlineSeconds above 610s, or label the namespace elbv2.k8s.aws/pod-readiness-gate-inject=enabled (minReadySeconds 0).',
        },
      ],
    ],
    [
      'no readiness gate and minReadySeconds 0',
      settings({ readinessGate: false }),
      [{ severity: 'warning', field: 'rollout.minReadySeconds', message: 'without the pod readiness gate, minReadySeconds (0s) must be ≥ registration + healthy threshold × interval (120s + 2 × 5s = 130s): a new pod counts as available before the NLB sends it traffic, so the rollout removes old pods while their replacements are not yet in service. Label the namespace elbv2.k8s.aws/pod-readiness-gate-inject=enabled, or set minReadySeconds: 130.' }],
    ],
  ],
  'pdb-present': [
    [
      'no PodDisruptionBudget',
      settings({ podDisruptionBudget: false }),
      [{ severity: 'warning', field: 'podDisruptionBudget', message: 'no PodDisruptionBudget selects these pods: a node drain (upgrade, consolidation) may evict every replica at once, which no preStop can hide. Add a PodDisruptionBudget with maxUnavailable: 1.' }],
    ],
  ],
  'grace-under-cap': [
    [
      'a cap below sleep + drain + cleanup: the input to shrink',
      settings({ maxTerminationGracePeriodSeconds: 30 }),
      [
        {
          severity: 'error',
          field: 'terminationGracePeriodSeconds',
          message:
            "terminationGracePeriodSeconds (45s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (30s): preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s) alone exceed it by 5s, so no grace period fits: the kubelet kills the pod at 30s, 5s before its drain and cleanup can end. Shrink the largest, the preStop sleep (propagation), from 20s to 15s and the headroom to 0s (a sleep shorter than the real propagation refuses connections: measure it first), or run the workload where the cap allows at least 35s plus headroom.",
        },
      ],
    ],
    [
      'a budget that cannot fit on Spot (120s): the drain timeout is the largest',
      settings({ preStop: { kind: 'sleep', seconds: 30 }, propagationSeconds: 30, drainTimeoutSeconds: 90, unhealthyDrainingIntervalSeconds: 90, terminationGracePeriodSeconds: 135, deregistrationDelaySeconds: 135, maxTerminationGracePeriodSeconds: 120 }),
      [
        {
          severity: 'error',
          field: 'terminationGracePeriodSeconds',
          message:
            "terminationGracePeriodSeconds (135s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (120s, the length of an EC2 Spot interruption notice): preStop sleep + drain timeout + cleanup (30s + 90s + 5s = 125s) alone exceed it by 5s, so no grace period fits: the kubelet kills the pod at 120s, 5s before its drain and cleanup can end. Shrink the largest, the drain timeout, from 90s to 85s and the headroom to 0s, or run the workload where the cap allows at least 125s plus headroom.",
        },
      ],
    ],
    [
      'a cap that only eats the headroom: the grace to set, and the headroom it leaves',
      settings({ maxTerminationGracePeriodSeconds: 40 }),
      [
        {
          severity: 'error',
          field: 'terminationGracePeriodSeconds',
          message:
            "terminationGracePeriodSeconds (45s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (40s): the grace period is cut to 40s, 5s less than set. Set terminationGracePeriodSeconds to 40: after preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s) that leaves 5s of headroom, not the 10s wanted (set the headroom to 5s).",
        },
      ],
    ],
    [
      "Cluster Autoscaler's 600s under a 900s grace",
      settings({ terminationGracePeriodSeconds: 900, maxTerminationGracePeriodSeconds: 600 }),
      [
        {
          severity: 'error',
          field: 'terminationGracePeriodSeconds',
          message:
            "terminationGracePeriodSeconds (900s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (600s, the default of Cluster Autoscaler's --max-graceful-termination-sec): the grace period is cut to 600s, 300s less than set. Set terminationGracePeriodSeconds to 600: after preStop sleep + drain timeout + cleanup (20s + 10s + 5s = 35s) that leaves 565s of headroom.",
        },
      ],
    ],
  ],
};

describe.each(DRAIN_RULES.map((r) => [r.id] as const))('%s', (id) => {
  const passes = passing[id];
  const fails = failing[id];

  it('has passing and failing cases', () => {
    expect(passes.length).toBeGreaterThan(0);
    expect(fails.length).toBeGreaterThan(0);
  });

  it.each(passes)('passes: %s', (_description, input) => {
    expect(rule(id).check(input)).toEqual([]);
  });

  it.each(fails)('fails: %s', (_description, input, expected) => {
    expect(rule(id).check(input)).toEqual(expected.map((e) => ({ rule: id, ...e })));
  });
});
