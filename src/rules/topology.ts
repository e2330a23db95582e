import { LBC_LOCAL_HEALTH_CHECK_DEFAULTS, READINESS_GATE_LABEL, type DrainSettings, type Finding, type RolloutSettings } from '../model';
import { allKnown, finding, onInstanceTargets, secs, type DrainRule } from './rule';

const FLIP_UNSEEN = 'readiness flips to 503 but the LB never reacts';
const TARGET_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';

/*
 * With externalTrafficPolicy Local the LBC checks kube-proxy's healthz on the node
 * (LBC_LOCAL_HEALTH_CHECK_DEFAULTS), which answers 503 once the node has no ready endpoint of
 * the Service: terminating ones do not count (KEP-1669, proxy terminating endpoints,
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1669-proxy-terminating-endpoints).
 */

export const targetTypeIp: DrainRule = {
  id: 'target-type-ip',
  severity: 'warning',
  summary: 'NLB targets are pod IPs (ip), not nodes (instance), so the pod-level drain settings apply',
  symptom: FLIP_UNSEEN,
  check(s) {
    if (s.targetType !== 'instance') return [];
    const fix = `Set ${TARGET_TYPE}: ip so that each pod is a target with its own health check, deregistration delay and readiness gate.`;
    if (s.externalTrafficPolicy === 'Local') {
      const interval = s.healthCheck?.intervalSeconds ?? LBC_LOCAL_HEALTH_CHECK_DEFAULTS.intervalSeconds;
      const threshold = s.healthCheck?.unhealthyThreshold ?? LBC_LOCAL_HEALTH_CHECK_DEFAULTS.unhealthyThreshold;
      const detection = interval * threshold;
      return [
        finding(
          'target-type-ip',
          'warning',
          'targetType',
          `nlb-target-type is instance with externalTrafficPolicy Local: the NLB's targets are nodes, checked through kube-proxy on the Service's healthCheckNodePort (/healthz), which fails only once the node has no ready pod of the Service left. A terminating pod keeps getting new connections through its node until then, and for ${threshold} × ${secs(interval)} = ${secs(detection)} of failed checks after (new connections reportedly stop 30–40s after a target turns unhealthy); the pod's readiness probe, deregistration delay and readiness gate play no part. If you keep instance targets, the preStop sleep must cover that node-level detection. ${fix}`,
        ),
      ];
    }
    const policy = s.externalTrafficPolicy === 'Cluster' ? 'with externalTrafficPolicy Cluster' : '(externalTrafficPolicy Cluster unless set)';
    return [
      finding(
        'target-type-ip',
        'warning',
        'targetType',
        `nlb-target-type is instance ${policy}: the NLB's targets are nodes, and kube-proxy on whichever node a connection lands forwards it to any ready pod, so the NLB never sees one pod's readiness flip and the pod's deregistration delay and readiness gate do not apply. A terminating pod stops getting new connections once kube-proxy sees its endpoint turn terminating (seconds), but every connection takes an extra hop through a node, and a node that leaves the target group (drain, scale-in) resets whatever runs through it. ${fix}`,
      ),
    ];
  },
};

/**
 * A rollout parameter as a number of pods: an integer is itself; a percentage of `replicas`
 * rounds down for maxUnavailable and up for maxSurge (apps/v1 RollingUpdateDeployment,
 * kubernetes/kubernetes:pkg/controller/deployment/util/deployment_util.go ResolveFenceposts).
 * `0%` is 0 whatever the count; any other percentage is unknown without a replica count (or
 * under an autoscaler, which owns the count).
 */
export function resolveRolloutValue(value: number | string | undefined, rollout: RolloutSettings, round: 'down' | 'up'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+)%\s*$/.exec(value);
  if (!match) return /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
  const percent = Number(match[1]);
  if (percent === 0) return 0;
  if (rollout.replicas === undefined || rollout.autoscaled === true) return undefined;
  const exact = (percent * rollout.replicas) / 100;
  return round === 'down' ? Math.floor(exact) : Math.ceil(exact);
}

function shown(value: number | string, rollout: RolloutSettings, resolved: number, round: 'down' | 'up'): string {
  if (typeof value === 'number' || !value.includes('%')) return String(value);
  return `${value.trim()} of ${rollout.replicas} replicas = ${resolved} pod${resolved === 1 ? '' : 's'} (rounded ${round})`;
}

function rolloutCapacity(s: DrainSettings): Finding[] {
  const rollout = s.rollout;
  if (!rollout) return [];
  if (rollout.strategy === 'Recreate') {
    return [
      finding(
        'rollout-waits-for-lb',
        'warning',
        'rollout.strategy',
        'the Recreate strategy stops every old pod before a new one starts: each deploy is an outage. Use RollingUpdate with maxSurge: 25% and maxUnavailable: 0.',
      ),
    ];
  }
  const unavailable = resolveRolloutValue(rollout.maxUnavailable, rollout, 'down');
  if (unavailable !== undefined && unavailable > 0) {
    return [
      finding(
        'rollout-waits-for-lb',
        'warning',
        'rollout.maxUnavailable',
        `rollout maxUnavailable is ${shown(rollout.maxUnavailable as number | string, rollout, unavailable, 'down')}: old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).`,
      ),
    ];
  }
  const surge = resolveRolloutValue(rollout.maxSurge, rollout, 'up');
  if (unavailable === 0 && surge === 0 && rollout.replicas !== undefined && rollout.replicas > 0) {
    // Both zero: the Deployment controller takes maxUnavailable 1 (ResolveFenceposts).
    return [
      finding(
        'rollout-waits-for-lb',
        'warning',
        'rollout.maxSurge',
        `rollout maxSurge is ${shown(rollout.maxSurge as number | string, rollout, 0, 'up')} with maxUnavailable 0: the Deployment controller then takes maxUnavailable 1, so an old pod goes before its replacement is in the NLB. Set maxSurge: 25% (at least one pod) and keep maxUnavailable: 0.`,
      ),
    ];
  }
  return [];
}

/** minReadySeconds must stay below progressDeadlineSeconds, or the API server rejects the Deployment. */
function minReadyBelowDeadline(s: DrainSettings): Finding[] {
  const v = allKnown(s.rollout?.minReadySeconds, s.rollout?.progressDeadlineSeconds);
  if (!v || v[0] < v[1]) return [];
  const [minReady, deadline] = v;
  const parts = allKnown(s.registrationSeconds, s.healthCheck?.healthyThreshold, s.healthCheck?.intervalSeconds);
  const remedies = [
    ...(parts ? [`shrink the registration (${secs(parts[0])}) so that registration + healthy threshold × interval (${secs(parts[0])} + ${parts[1]} × ${secs(parts[2])} = ${secs(parts[0] + parts[1] * parts[2])}) stays below ${secs(deadline)}`] : []),
    `raise progressDeadlineSeconds above ${secs(minReady)}`,
    `label the namespace ${READINESS_GATE_LABEL}=enabled (minReadySeconds 0)`,
  ];
  const fix = `${remedies.slice(0, -1).join(', ')}, or ${remedies[remedies.length - 1]}`;
  return [
    finding(
      'rollout-waits-for-lb',
      'error',
      'rollout.minReadySeconds',
      `minReadySeconds (${secs(minReady)}) must be < progressDeadlineSeconds (${secs(deadline)}): the API server rejects the Deployment. ${fix[0]!.toUpperCase()}${fix.slice(1)}.`,
    ),
  ];
}

export const rolloutWaitsForLb: DrainRule = {
  id: 'rollout-waits-for-lb',
  severity: 'error/warning',
  summary: 'readiness gate, or minReadySeconds ≥ registration + healthy threshold × interval (warning) and < progressDeadlineSeconds (error); maxUnavailable 0 (percentages resolved against replicas)',
  symptom: 'capacity gap on every rollout: old pods leave before new ones are in the NLB',
  check(s) {
    const findings = [...minReadyBelowDeadline(s), ...rolloutCapacity(s)];
    // The readiness gate and the registration wait are about pod targets; with instance
    // targets the nodes are already registered (target-type-ip reports the rest).
    if (onInstanceTargets(s)) return findings;
    const v = allKnown(s.rollout?.minReadySeconds, s.registrationSeconds, s.healthCheck?.healthyThreshold, s.healthCheck?.intervalSeconds);
    if (s.readinessGate === false && v) {
      const [minReady, registration, healthy, interval] = v;
      const needed = registration + healthy * interval;
      if (minReady < needed) {
        findings.push(
          finding(
            'rollout-waits-for-lb',
            'warning',
            'rollout.minReadySeconds',
            `without the pod readiness gate, minReadySeconds (${secs(minReady)}) must be ≥ registration + healthy threshold × interval (${secs(registration)} + ${healthy} × ${secs(interval)} = ${secs(needed)}): a new pod counts as available before the NLB sends it traffic, so the rollout removes old pods while their replacements are not yet in service. Label the namespace ${READINESS_GATE_LABEL}=enabled, or set minReadySeconds: ${needed}.`,
          ),
        );
      }
    }
    return findings;
  },
};

export const pdbPresent: DrainRule = {
  id: 'pdb-present',
  severity: 'warning',
  summary: 'a PodDisruptionBudget selects the pods',
  symptom: 'a node drain evicts every replica at once',
  check(s) {
    if (s.podDisruptionBudget !== false) return [];
    return [
      finding(
        'pdb-present',
        'warning',
        'podDisruptionBudget',
        'no PodDisruptionBudget selects these pods: a node drain (upgrade, consolidation) may evict every replica at once, which no preStop can hide. Add a PodDisruptionBudget with maxUnavailable: 1.',
      ),
    ];
  },
};
