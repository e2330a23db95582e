import type { DrainSettings, ProbeSettings } from '../model';
import { finding, type DrainRule } from './rule';

function describe(probe: ProbeSettings): string {
  switch (probe.kind) {
    case 'httpGet':
      return `httpGet :${probe.port ?? '?'}${probe.path ?? '/'}`;
    case 'tcpSocket':
      return `tcpSocket :${probe.port ?? '?'}`;
    case 'grpc':
      return `grpc :${probe.port ?? '?'}`;
    case 'exec':
      return 'the same exec command';
    case 'none':
      return 'nothing';
  }
}

function sameEndpoint(a: ProbeSettings, b: ProbeSettings): boolean | undefined {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'exec' || a.kind === 'none') return undefined;
  if (a.port === undefined || b.port === undefined) return undefined;
  if (a.kind === 'httpGet') {
    if (a.path === undefined || b.path === undefined) return undefined;
    if (a.path !== b.path) return false;
  }
  return a.port === b.port;
}

/** Whether the NLB health check requests the same endpoint as this HTTP probe. */
function nlbChecks(s: DrainSettings, probe: ProbeSettings): boolean {
  const hc = s.healthCheck;
  if (!hc || probe.kind !== 'httpGet' || (hc.protocol !== 'HTTP' && hc.protocol !== 'HTTPS')) return false;
  return hc.path === probe.path && hc.port === probe.port;
}

export const probesDistinct: DrainRule = {
  id: 'probes-distinct',
  severity: 'error/warning',
  summary: 'a readiness probe exists (error) and checks another endpoint than liveness (warning)',
  symptom: 'readiness flips to 503 but the LB never reacts (liveness used as readiness)',
  check(s) {
    const { readinessProbe: readiness, livenessProbe: liveness } = s;
    if (!readiness) return [];
    if (readiness.kind === 'none') {
      return [
        finding(
          'probes-distinct',
          'error',
          'readinessProbe',
          'no readinessProbe: nothing tells Kubernetes or the NLB when the server stops taking new connections, and a new pod counts as ready before it listens. Add an httpGet readinessProbe on the health port that answers 503 from SIGTERM on (e.g. /ready).',
        ),
      ];
    }
    if (!liveness || liveness.kind === 'none' || sameEndpoint(readiness, liveness) !== true) return [];
    // Kubelets stop liveness probes on terminating pods (kubernetes#107514, #110191): a shared
    // endpoint that flips no longer restarts a draining container. What remains is the NLB.
    const kubelet = 'Current kubelets stop liveness probes once a pod is terminating (kubernetes#107514, #110191), so a 503 from SIGTERM on does not restart a draining container';
    const consequence = nlbChecks(s, readiness)
      ? `; but the NLB health check uses this endpoint too, and an endpoint that must keep liveness at 200 is one that never shows the NLB the pod is leaving`
      : `; it matters once the NLB health check points at readiness (as it should): an endpoint that must keep liveness at 200 never shows the NLB the pod is leaving`;
    return [
      finding(
        'probes-distinct',
        'warning',
        'livenessProbe',
        `readinessProbe and livenessProbe both check ${describe(readiness)}. ${kubelet}${consequence}. Serve readiness on its own path (e.g. /ready, 503 from SIGTERM on) and point the NLB health check there; keep liveness (e.g. /live) at 200 through the drain.`,
      ),
    ];
  },
};
