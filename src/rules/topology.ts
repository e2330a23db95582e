import { READINESS_GATE_LABEL } from '../model';
import { allKnown, finding, secs, type DrainRule } from './rule';
import type { Finding } from '../model';

const FLIP_UNSEEN = 'readiness flips to 503 but the LB never reacts';

export const targetTypeIp: DrainRule = {
  id: 'target-type-ip',
  severity: 'warning',
  summary: 'NLB targets are pod IPs (ip), not nodes (instance)',
  symptom: FLIP_UNSEEN,
  check(s) {
    if (s.targetType !== 'instance') return [];
    return [
      finding(
        'target-type-ip',
        'warning',
        'targetType',
        'nlb-target-type is instance: the NLB health-checks node ports and, with externalTrafficPolicy Cluster, kube-proxy on any node forwards to any ready pod, so one pod\'s readiness flip is invisible to the NLB and the pod readiness gate does not apply. Set service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip.',
      ),
    ];
  },
};

function isZero(value: number | string): boolean {
  return typeof value === 'number' ? value === 0 : /^0+%?$/.test(value.trim());
}

export const rolloutWaitsForLb: DrainRule = {
  id: 'rollout-waits-for-lb',
  severity: 'warning',
  summary: 'readiness gate, or minReadySeconds ≥ propagation + healthy threshold × interval; maxUnavailable 0',
  symptom: 'capacity gap on every rollout: old pods leave before new ones are in the NLB',
  check(s) {
    const findings: Finding[] = [];
    const rollout = s.rollout;
    if (rollout?.strategy === 'Recreate') {
      findings.push(
        finding(
          'rollout-waits-for-lb',
          'warning',
          'rollout.strategy',
          'the Recreate strategy stops every old pod before a new one starts: each deploy is an outage. Use RollingUpdate with maxSurge: 25% and maxUnavailable: 0.',
        ),
      );
    } else if (rollout?.maxUnavailable !== undefined && !isZero(rollout.maxUnavailable)) {
      findings.push(
        finding(
          'rollout-waits-for-lb',
          'warning',
          'rollout.maxUnavailable',
          `rollout maxUnavailable is ${rollout.maxUnavailable}: old pods are terminated before their replacements are registered and healthy in the NLB, so capacity drops on every deploy. Set maxUnavailable: 0 (and maxSurge: 25%).`,
        ),
      );
    }
    const v = allKnown(rollout?.minReadySeconds, s.propagationSeconds, s.healthCheck?.healthyThreshold, s.healthCheck?.intervalSeconds);
    if (s.readinessGate === false && v) {
      const [minReady, propagation, healthy, interval] = v;
      const needed = propagation + healthy * interval;
      if (minReady < needed) {
        findings.push(
          finding(
            'rollout-waits-for-lb',
            'warning',
            'rollout.minReadySeconds',
            `without the pod readiness gate, minReadySeconds (${secs(minReady)}) must be ≥ propagation + healthy threshold × interval (${secs(propagation)} + ${healthy} × ${secs(interval)} = ${secs(needed)}): a new pod counts as available before the NLB sends it traffic, so the rollout removes old pods while their replacements are not yet in service. Label the namespace ${READINESS_GATE_LABEL}=enabled, or set minReadySeconds: ${needed}.`,
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
