import type { DrainSettings } from 'grpc-drain';

/**
 * Settings every rule accepts, written out by hand: what the default budget should give
 * (propagation 20, registration 120, drain 10, cleanup 5, headroom 10, health check 5/5/2/2 with
 * the default success codes, health port 8080, LBC 2.7).
 */
export const SAFE_SETTINGS: DrainSettings = {
  propagationSeconds: 20,
  drainTimeoutSeconds: 10,
  cleanupSeconds: 5,
  headroomSeconds: 10,
  kubernetesVersion: '1.30',
  registrationSeconds: 120,
  lbcVersion: '2.7',
  preStop: { kind: 'sleep', seconds: 20 },
  terminationGracePeriodSeconds: 45,
  readinessProbe: { kind: 'httpGet', port: 8080, path: '/ready', periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
  livenessProbe: { kind: 'httpGet', port: 8080, path: '/live', periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  rollout: { strategy: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0, minReadySeconds: 0, progressDeadlineSeconds: 600 },
  readinessGate: true,
  podDisruptionBudget: true,
  healthCheck: { protocol: 'HTTP', port: 8080, path: '/ready', intervalSeconds: 5, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, successCodes: '200-399' },
  targetType: 'ip',
  externalTrafficPolicy: 'Cluster',
  loadBalancerType: 'external',
  perPortTargetGroupAttributes: false,
  deregistrationDelaySeconds: 45,
  deregistrationDelaySource: 'explicit',
  connectionTermination: true,
  unhealthyConnectionTermination: false,
  unhealthyDrainingIntervalSeconds: 10,
};

/** SAFE_SETTINGS with some fields replaced (a shallow patch; nested objects replaced whole). */
export function settings(patch: Partial<DrainSettings>): DrainSettings {
  return { ...SAFE_SETTINGS, ...patch };
}

/** SAFE_SETTINGS with health-check fields replaced. */
export function withHealthCheck(patch: Partial<NonNullable<DrainSettings['healthCheck']>>, rest: Partial<DrainSettings> = {}): DrainSettings {
  return { ...SAFE_SETTINGS, ...rest, healthCheck: { ...SAFE_SETTINGS.healthCheck, ...patch } };
}
