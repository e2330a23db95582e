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
  ],
  'grace-covers-drain': [
    ['grace = sleep + drain + cleanup + headroom', settings({ terminationGracePeriodSeconds: 45 })],
    ['grace above that', settings({ terminationGracePeriodSeconds: 90 })],
    ['an unknown sleep', settings({ terminationGracePeriodSeconds: 5, preStop: { kind: 'httpGet' } })],
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
  ],
  'healthcheck-uses-readiness': [
    ['HTTPS on the readiness endpoint', withHealthCheck({ protocol: 'HTTPS' })],
    ['an unknown protocol', withHealthCheck({ protocol: undefined })],
    ['an unknown readiness probe', withHealthCheck({ path: '/other' }, { readinessProbe: undefined })],
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
  ],
  'deregistration-delay-covers-drain': [
    ['delay = sleep + drain', settings({ deregistrationDelaySeconds: 30 })],
    ['an unknown sleep', settings({ deregistrationDelaySeconds: 1, preStop: { kind: 'httpGet' } })],
  ],
  'connection-termination-enabled': [
    ['enabled', SAFE_SETTINGS],
    ['unknown', settings({ connectionTermination: undefined })],
  ],
  'unhealthy-drain': [
    ['drain = unhealthy threshold × interval, termination on', settings({ unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 })],
    ['drain 30s, termination off, draining interval 30s', settings({ drainTimeoutSeconds: 30, unhealthyDrainingIntervalSeconds: 30 })],
  ],
  'probes-distinct': [
    ['the same path on another port', settings({ livenessProbe: { kind: 'httpGet', port: 8081, path: '/ready' } })],
    ['no liveness probe', settings({ livenessProbe: { kind: 'none' } })],
    ['an unknown readiness probe', settings({ readinessProbe: undefined })],
    ['exec probes (cannot be compared)', settings({ readinessProbe: { kind: 'exec' }, livenessProbe: { kind: 'exec' } })],
  ],
  'target-type-ip': [['ip targets', SAFE_SETTINGS]],
  'rollout-waits-for-lb': [
    ['the readiness gate', SAFE_SETTINGS],
    ['no gate, minReadySeconds = 20 + 2 × 5', settings({ readinessGate: false, rollout: { strategy: 'RollingUpdate', maxUnavailable: 0, minReadySeconds: 30 } })],
    ['maxUnavailable "0%"', settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '0%', minReadySeconds: 0 } })],
    ['an unknown gate', settings({ readinessGate: undefined })],
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
  'grace-needs-prestop': [
    [
      'grace 300s and no preStop',
      settings({ preStop: { kind: 'none' }, terminationGracePeriodSeconds: 300 }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'terminationGracePeriodSeconds is 300s but nothing delays SIGTERM: the grace period only moves the SIGKILL and the NLB never sees it, so new connections still reach the pod after it stops listening. Add a preStop sleep of at least 20s (propagation); the grace period then needs sleep + drain timeout + cleanup + headroom (20s + 10s + 5s + 10s = 45s).' }],
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
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: 'preStop sleep (60s) must be ≤ terminationGracePeriodSeconds (45s): the kubelet kills the hook when the grace period ends and SIGKILLs the server without ever sending SIGTERM. Raise terminationGracePeriodSeconds to sleep + drain timeout + cleanup + headroom (60s + 10s + 5s + 10s = 85s).' }],
    ],
  ],
  'sleep-action-supported': [
    [
      'native sleep on 1.29',
      settings({ kubernetesVersion: '1.29' }),
      [{ severity: 'error', field: 'preStop', message: 'the native preStop sleep action needs Kubernetes ≥ 1.30 (feature gate PodLifecycleSleepAction, on by default from 1.30); Kubernetes 1.29 rejects the pod. Use exec: ["sleep", "20"] with an image that has a sleep binary, or upgrade the cluster.' }],
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
      [{ severity: 'warning', field: 'preStop', message: 'the preStop hook execs /bin/sh inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. Make sure the image ships it, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.' }],
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
      'a delay beyond AWS’s 3600s',
      settings({ deregistrationDelaySeconds: 4000 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (4000s) is outside AWS's range 0–3600s: AWS rejects the target-group attributes. Set it to the grace period (45s)." }],
    ],
  ],
  'deregistration-delay-covers-drain': [
    [
      'a 15s delay for sleep 20 + drain 10',
      settings({ deregistrationDelaySeconds: 15 }),
      [{ severity: 'error', field: 'deregistrationDelaySeconds', message: "deregistration_delay.timeout_seconds (15s) must be ≥ preStop sleep + drain timeout (20s + 10s = 30s): the NLB ends the draining state 15s before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set deregistration_delay.timeout_seconds=45." }],
    ],
  ],
  'connection-termination-enabled': [
    [
      'disabled (the TCP default)',
      settings({ connectionTermination: false }),
      [{ severity: 'warning', field: 'connectionTermination', message: 'deregistration_delay.connection_termination.enabled is false (the default for TCP target groups): connections still open when the deregistration delay ends are never closed by the NLB and linger until the TCP idle timeout (350s). Set deregistration_delay.connection_termination.enabled=true.' }],
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
      'readiness and liveness on /healthz',
      settings({ readinessProbe: { kind: 'httpGet', port: 8080, path: '/healthz' }, livenessProbe: { kind: 'httpGet', port: 8080, path: '/healthz' } }),
      [{ severity: 'error', field: 'livenessProbe', message: 'readinessProbe and livenessProbe both check httpGet :8080/healthz: when readiness flips to 503 on SIGTERM the kubelet sees liveness fail and restarts the container mid-drain; if it never fails, readiness never flips. Serve readiness and liveness on separate paths (e.g. /ready and /live).' }],
    ],
    [
      'two TCP probes on the gRPC port',
      settings({ readinessProbe: { kind: 'tcpSocket', port: 7070 }, livenessProbe: { kind: 'tcpSocket', port: 7070 } }),
      [{ severity: 'error', field: 'livenessProbe', message: 'readinessProbe and livenessProbe both check tcpSocket :7070: when readiness flips to 503 on SIGTERM the kubelet sees liveness fail and restarts the container mid-drain; if it never fails, readiness never flips. Serve readiness and liveness on separate paths (e.g. /ready and /live).' }],
    ],
  ],
  'target-type-ip': [
    [
      'instance targets',
      settings({ targetType: 'instance' }),
      [{ severity: 'warning', field: 'targetType', message: "nlb-target-type is instance: the NLB health-checks node ports and, with externalTrafficPolicy Cluster, kube-proxy on any node forwards to any ready pod, so one pod's readiness flip is invisible to the NLB and the pod readiness gate does not apply. Set service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip." }],
    ],
  ],
  'rollout-waits-for-lb': [
    [
      'the Recreate strategy',
      settings({ rollout: { strategy: 'Recreate', minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.strategy', message: 'the Recreate strategy stops every old pod before a new one starts: each deploy is an outage. Use RollingUpdate with maxSurge: 25% and maxUnavailable: 0.' }],
    ],
    [
      'maxUnavailable 25% (the Deployment default)',
      settings({ rollout: { strategy: 'RollingUpdate', maxUnavailable: '25%', minReadySeconds: 0 } }),
      [{ severity: 'warning', field: 'rollout.maxUnavailable', message: 'rollout maxUnavailable is 25%: old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).' }],
    ],
    [
      'no readiness gate and minReadySeconds 0',
      settings({ readinessGate: false }),
      [{ severity: 'warning', field: 'rollout.minReadySeconds', message: 'without the pod readiness gate, minReadySeconds (0s) must be ≥ propagation + healthy threshold × interval (20s + 2 × 5s = 30s): a new pod counts as available before the NLB sends it traffic, so the rollout removes old pods while their replacements are not yet in service. Label the namespace elbv2.k8s.aws/pod-readiness-gate-inject=enabled, or set minReadySeconds: 30.' }],
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
      'a cap below sleep + drain + cleanup',
      settings({ maxTerminationGracePeriodSeconds: 30 }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: "terminationGracePeriodSeconds (45s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (30s): the kubelet kills the pod at 30s, 5s before its drain and cleanup can end. Shrink propagation, drain timeout, cleanup or headroom until their sum fits in 30s, or raise the cap." }],
    ],
    [
      'a cap that only eats the headroom',
      settings({ maxTerminationGracePeriodSeconds: 40 }),
      [{ severity: 'error', field: 'terminationGracePeriodSeconds', message: "terminationGracePeriodSeconds (45s) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (40s): the grace period is cut to 40s, 5s less than planned. Shrink propagation, drain timeout, cleanup or headroom until their sum fits in 40s, or raise the cap." }],
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
