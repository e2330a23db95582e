import {
  isSuccessCode,
  lbcHas,
  NLB_DEFAULT_SUCCESS_CODES,
  NLB_HEALTH_CHECK,
  NLB_SUCCESS_CODE_RANGE,
  parseLbcVersion,
  parseSuccessCodes,
  type Finding,
  type Range,
} from '../model';
import { finding, onInstanceTargets, secs, type DrainRule } from './rule';

const FLIP_UNSEEN = 'readiness flips to 503 but the LB never reacts';

export const healthcheckUsesReadiness: DrainRule = {
  id: 'healthcheck-uses-readiness',
  severity: 'error',
  summary: 'the NLB health check is HTTP(S) on the readiness port and path, not liveness, not TCP',
  symptom: FLIP_UNSEEN,
  check(s) {
    const hc = s.healthCheck;
    const readiness = s.readinessProbe;
    // On instance targets the NLB checks nodes, not this pod's readiness (target-type-ip).
    if (!hc || hc.protocol === undefined || onInstanceTargets(s)) return [];
    const http = readiness?.kind === 'httpGet' ? readiness : undefined;
    const target = http && http.path !== undefined && http.port !== undefined ? `port ${http.port}, path ${http.path} (the readiness probe)` : 'the readiness endpoint';
    if (hc.protocol === 'TCP') {
      return [
        finding(
          'healthcheck-uses-readiness',
          'error',
          'healthCheck.protocol',
          `the NLB health check is TCP: a TCP connect succeeds until the process exits, so the NLB never sees readiness flip to 503 on SIGTERM. Use an HTTP health check on ${target}.`,
        ),
      ];
    }
    if (readiness?.kind === 'tcpSocket') {
      return [
        finding(
          'healthcheck-uses-readiness',
          'error',
          'readinessProbe',
          'the readiness probe is a TCP connect: it succeeds until the process exits, so readiness never flips to 503 on SIGTERM, for the kubelet or for the NLB. Serve readiness over HTTP (200 while serving, 503 from SIGTERM on) and point both the probe and the NLB health check at it.',
        ),
      ];
    }
    if (readiness && readiness.kind !== 'httpGet' && readiness.kind !== 'none') {
      return [
        finding(
          'healthcheck-uses-readiness',
          'error',
          'readinessProbe',
          `the readiness probe is ${readiness.kind} but an NLB can only check HTTP, HTTPS or TCP: the NLB cannot follow the signal the kubelet uses. Serve readiness over HTTP (200 while serving, 503 from SIGTERM on) and point both the probe and the health check at it.`,
        ),
      ];
    }
    if (!http) return [];
    const findings: Finding[] = [];
    const liveness = s.livenessProbe?.kind === 'httpGet' ? s.livenessProbe : undefined;
    if (hc.path !== undefined && http.path !== undefined && hc.path !== http.path) {
      const onLiveness = liveness?.path !== undefined && hc.path === liveness.path;
      findings.push(
        finding(
          'healthcheck-uses-readiness',
          'error',
          'healthCheck.path',
          onLiveness
            ? `the NLB health check GETs ${hc.path}, the liveness endpoint: a terminating server is alive, so it stays healthy through the whole teardown and the readiness flip is never seen. Set the health-check path to ${http.path}.`
            : `the NLB health check path (${hc.path}) is not the readiness path (${http.path}): the 503 the server answers from SIGTERM on is never seen. Set the health-check path to ${http.path}.`,
        ),
      );
    }
    if (hc.port !== undefined && http.port !== undefined && hc.port !== http.port) {
      const where = hc.port === 'traffic-port' ? 'traffic-port (the port traffic goes to)' : `port ${hc.port}`;
      findings.push(
        finding(
          'healthcheck-uses-readiness',
          'error',
          'healthCheck.port',
          `the NLB health check goes to ${where}, not to the readiness probe's port ${http.port}: it does not see the readiness flip. Set the health-check port to ${http.port}.`,
        ),
      );
    }
    return findings;
  },
};

function outOfRange(field: string, value: number | undefined, range: Range, unit: string): Finding[] {
  if (value === undefined || (Number.isInteger(value) && value >= range.min && value <= range.max)) return [];
  return [
    finding(
      'healthcheck-in-range',
      'error',
      field,
      `${field} (${value}${unit}) is outside the NLB's range ${range.min}–${range.max}${unit} (a whole number): AWS rejects the target group and the Load Balancer Controller cannot reconcile the Service. Use a value in ${range.min}–${range.max}${unit}.`,
    ),
  ];
}

export const healthcheckInRange: DrainRule = {
  id: 'healthcheck-in-range',
  severity: 'error',
  summary: 'health check within AWS ranges (interval 5–300, timeout 2–120 ≤ interval, thresholds 2–10)',
  symptom: 'rejected target group',
  check(s) {
    const hc = s.healthCheck;
    if (!hc) return [];
    const findings = [
      ...outOfRange('healthCheck.intervalSeconds', hc.intervalSeconds, NLB_HEALTH_CHECK.intervalSeconds, 's'),
      ...outOfRange('healthCheck.timeoutSeconds', hc.timeoutSeconds, NLB_HEALTH_CHECK.timeoutSeconds, 's'),
      ...outOfRange('healthCheck.healthyThreshold', hc.healthyThreshold, NLB_HEALTH_CHECK.healthyThreshold, ''),
      ...outOfRange('healthCheck.unhealthyThreshold', hc.unhealthyThreshold, NLB_HEALTH_CHECK.unhealthyThreshold, ''),
    ];
    if (hc.timeoutSeconds !== undefined && hc.intervalSeconds !== undefined && hc.timeoutSeconds > hc.intervalSeconds) {
      findings.push(
        finding(
          'healthcheck-in-range',
          'error',
          'healthCheck.timeoutSeconds',
          `healthCheck.timeoutSeconds (${secs(hc.timeoutSeconds)}) must be ≤ healthCheck.intervalSeconds (${secs(hc.intervalSeconds)}): a check would still be waiting when the next one starts. Set the timeout to at most ${secs(hc.intervalSeconds)}.`,
        ),
      );
    }
    return findings;
  },
};

const SUCCESS_CODES_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes';

export const healthcheckSuccessCodes: DrainRule = {
  id: 'healthcheck-success-codes',
  severity: 'error',
  summary: "503 is not among the NLB health check's success codes (a list AWS accepts, 200–599)",
  symptom: FLIP_UNSEEN,
  check(s) {
    const hc = s.healthCheck;
    if (hc?.successCodes === undefined || (hc.protocol !== 'HTTP' && hc.protocol !== 'HTTPS')) return [];
    // Instance targets with externalTrafficPolicy Cluster: the check never sees a pod's flip anyway.
    if (onInstanceTargets(s) && s.externalTrafficPolicy !== 'Local') return [];
    // LBC before 2.4.6 ignores the annotation: AWS's default then applies (lbc-supports says so).
    const lbc = s.lbcVersion !== undefined ? parseLbcVersion(s.lbcVersion) : undefined;
    const codes = lbc && !lbcHas(lbc, 'successCodes') ? NLB_DEFAULT_SUCCESS_CODES.value : hc.successCodes;
    const fix = `Set ${SUCCESS_CODES_ANNOTATION}: "${NLB_DEFAULT_SUCCESS_CODES.value}" (or remove it: that is the default).`;
    const parsed = parseSuccessCodes(codes);
    if (!parsed) {
      return [
        finding(
          'healthcheck-success-codes',
          'error',
          'healthCheck.successCodes',
          `the NLB health check's success codes ("${codes}") are not a list of HTTP codes or ranges within ${NLB_SUCCESS_CODE_RANGE.min}–${NLB_SUCCESS_CODE_RANGE.max} (such as 200-399 or 200,202): AWS rejects the target group. ${fix}`,
        ),
      ];
    }
    if (!isSuccessCode(parsed, 503)) return [];
    const what = onInstanceTargets(s) ? "a node's kube-proxy answering 503 once it has no ready endpoint left" : 'the readiness endpoint answering 503 from SIGTERM on';
    return [
      finding(
        'healthcheck-success-codes',
        'error',
        'healthCheck.successCodes',
        `the NLB health check counts 503 as healthy (success codes ${codes}): it never sees ${what}, so the target stays in service while it drains. ${fix}`,
      ),
    ];
  },
};
