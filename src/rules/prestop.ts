import {
  isAtLeastMinor,
  NATIVE_SLEEP_MIN_MINOR,
  parseKubernetesVersion,
  preStopDelaySeconds,
  ZERO_SLEEP_MIN_MINOR,
  type DrainSettings,
  type Finding,
} from '../model';
import { allKnown, finding, secs, sumText, type DrainRule } from './rule';

const BURSTS = 'UNAVAILABLE / ECONNREFUSED bursts on every deploy';

function sleepAdvice(s: DrainSettings): string {
  return s.propagationSeconds !== undefined
    ? `a preStop sleep of at least ${secs(Math.max(1, s.propagationSeconds))} (propagation)`
    : 'a preStop sleep as long as the NLB takes to stop routing to the pod';
}

export const prestopPresent: DrainRule = {
  id: 'prestop-present',
  severity: 'error',
  summary: 'some preStop hook delays SIGTERM',
  symptom: BURSTS,
  check(s) {
    if (!s.preStop) return [];
    const during = s.propagationSeconds !== undefined ? ` for about ${secs(s.propagationSeconds)} (propagation)` : '';
    if (s.preStop.kind === 'none') {
      return [
        finding(
          'prestop-present',
          'error',
          'preStop',
          `no preStop hook: SIGTERM reaches the server at t=0, while NLB nodes keep opening new connections to the pod${during}; once it stops listening they are refused. Add ${sleepAdvice(s)}.`,
        ),
      ];
    }
    if (preStopDelaySeconds(s.preStop) === 0) {
      return [
        finding(
          'prestop-present',
          'error',
          'preStop.seconds',
          `the preStop sleep is 0s: SIGTERM reaches the server at t=0, while NLB nodes keep opening new connections to the pod${during}. Use ${sleepAdvice(s)}.`,
        ),
      ];
    }
    return [];
  },
};

export const prestopCoversPropagation: DrainRule = {
  id: 'prestop-covers-propagation',
  severity: 'error',
  summary: 'preStop sleep ≥ propagation',
  symptom: BURSTS,
  check(s) {
    const v = allKnown(preStopDelaySeconds(s.preStop), s.propagationSeconds);
    if (!v) return [];
    const [sleep, propagation] = v;
    // A zero delay is prestop-present's finding.
    if (sleep === 0 || sleep >= propagation) return [];
    return [
      finding(
        'prestop-covers-propagation',
        'error',
        'preStop.seconds',
        `preStop sleep (${secs(sleep)}) must be ≥ propagation (${secs(propagation)}): SIGTERM lands ${secs(propagation - sleep)} before every NLB node has stopped opening new connections to the pod, and those are refused once the server stops listening. Raise the sleep to ${secs(propagation)} (and the grace period with it).`,
      ),
    ];
  },
};

export const sleepWithinGrace: DrainRule = {
  id: 'sleep-within-grace',
  severity: 'error',
  summary: '0 ≤ preStop sleep ≤ terminationGracePeriodSeconds',
  symptom: 'rejected manifest',
  check(s) {
    const v = allKnown(preStopDelaySeconds(s.preStop), s.terminationGracePeriodSeconds, s.preStop);
    if (!v) return [];
    const [sleep, grace, hook] = v;
    if (sleep < 0) {
      return [finding('sleep-within-grace', 'error', 'preStop.seconds', `preStop sleep (${secs(sleep)}) must be ≥ 0s: the API server rejects the pod. Use a sleep of at least the propagation.`)];
    }
    if (sleep <= grace) return [];
    const consequence =
      hook.kind === 'sleep'
        ? 'the API server rejects the pod (a sleep action may not outlast the grace period)'
        : 'the kubelet kills the hook when the grace period ends and SIGKILLs the server without ever sending SIGTERM';
    const rest = allKnown(s.drainTimeoutSeconds, s.cleanupSeconds, s.headroomSeconds);
    const fix = rest
      ? `Raise terminationGracePeriodSeconds to ${sumText([['sleep', sleep], ['drain timeout', rest[0]], ['cleanup', rest[1]], ['headroom', rest[2]]])}`
      : 'Raise terminationGracePeriodSeconds to cover the sleep plus drain, cleanup and headroom';
    return [
      finding(
        'sleep-within-grace',
        'error',
        'terminationGracePeriodSeconds',
        `preStop sleep (${secs(sleep)}) must be ≤ terminationGracePeriodSeconds (${secs(grace)}): ${consequence}. ${fix}.`,
      ),
    ];
  },
};

export const sleepActionSupported: DrainRule = {
  id: 'sleep-action-supported',
  severity: 'error/warning',
  summary: 'native sleep needs Kubernetes ≥ 1.30 (zero seconds ≥ 1.33); exec needs a sleep binary',
  symptom: 'rejected manifest / failing preStop hook',
  check(s) {
    const hook = s.preStop;
    if (!hook) return [];
    const findings: Finding[] = [];
    const version = s.kubernetesVersion !== undefined ? parseKubernetesVersion(s.kubernetesVersion) : undefined;
    if (hook.kind === 'sleep' && version) {
      if (!isAtLeastMinor(version, NATIVE_SLEEP_MIN_MINOR)) {
        findings.push(
          finding(
            'sleep-action-supported',
            'error',
            'preStop',
            `the native preStop sleep action needs Kubernetes ≥ 1.${NATIVE_SLEEP_MIN_MINOR} (feature gate PodLifecycleSleepAction, on by default from 1.30); Kubernetes ${s.kubernetesVersion} rejects the pod. Use exec: ["sleep", "${hook.seconds}"] with an image that has a sleep binary, or upgrade the cluster.`,
          ),
        );
      } else if (hook.seconds === 0 && !isAtLeastMinor(version, ZERO_SLEEP_MIN_MINOR)) {
        findings.push(
          finding(
            'sleep-action-supported',
            'error',
            'preStop.seconds',
            `a 0s preStop sleep needs Kubernetes ≥ 1.${ZERO_SLEEP_MIN_MINOR} (PodLifecycleSleepActionAllowZero); Kubernetes ${s.kubernetesVersion} rejects the pod. Sleep at least the propagation instead.`,
          ),
        );
      }
    }
    if (hook.kind === 'exec') {
      const binary = hook.command[0] ?? '(empty command)';
      const native =
        version && isAtLeastMinor(version, NATIVE_SLEEP_MIN_MINOR) && hook.seconds !== undefined
          ? `Use the native action (sleep: {seconds: ${hook.seconds}}), which Kubernetes ${s.kubernetesVersion} runs without a binary.`
          : 'Make sure the image ships it, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.';
      findings.push(
        finding(
          'sleep-action-supported',
          'warning',
          'preStop',
          `the preStop hook execs ${binary} inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. ${native}`,
        ),
      );
    }
    return findings;
  },
};
