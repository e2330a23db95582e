import type { ProbeSettings } from '../model';
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

export const probesDistinct: DrainRule = {
  id: 'probes-distinct',
  severity: 'error',
  summary: 'a readiness probe exists and checks another endpoint than liveness',
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
    return [
      finding(
        'probes-distinct',
        'error',
        'livenessProbe',
        `readinessProbe and livenessProbe both check ${describe(readiness)}: when readiness flips to 503 on SIGTERM the kubelet sees liveness fail and restarts the container mid-drain; if it never fails, readiness never flips. Serve readiness and liveness on separate paths (e.g. /ready and /live).`,
      ),
    ];
  },
};
