import { finding, type DrainRule } from './rule';

export const drainTimeoutNonzero: DrainRule = {
  id: 'drain-timeout-nonzero',
  severity: 'warning',
  summary: 'the drain timeout is more than 0s',
  symptom: 'every in-flight RPC is cancelled at SIGTERM',
  check(s) {
    if (s.drainTimeoutSeconds !== 0) return [];
    return [
      finding(
        'drain-timeout-nonzero',
        'warning',
        'drainTimeoutSeconds',
        "the drain timeout is 0s: the server stops hard at SIGTERM, so every in-flight call is cancelled (CANCELLED) and long-lived streams are cut instead of told to reconnect; the preStop sleep only keeps new connections away. Set the drain timeout to the time your longest unary RPC needs (the default is 10s).",
      ),
    ];
  },
};
