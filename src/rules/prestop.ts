import {
  HOOK_OVERRUN_EXTENSION_SECONDS,
  isAtLeastMinor,
  NATIVE_SLEEP,
  NATIVE_SLEEP_MIN_MINOR,
  parseKubernetesVersion,
  preStopDelaySeconds,
  ZERO_SLEEP_MIN_MINOR,
  type DrainSettings,
  type Finding,
  type PreStopHook,
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

/** `exec ["/wait-shutdown"]`, `httpGet /drain on port 8080`: a hook as the manifest writes it. */
function describeHook(hook: PreStopHook): string {
  switch (hook.kind) {
    case 'exec':
      return `exec ${JSON.stringify(hook.command)}`;
    case 'httpGet':
      return `httpGet ${hook.path ?? '/'} on port ${hook.port ?? '(unset)'}`;
    case 'sleep':
      return `sleep ${hook.seconds}s`;
    case 'none':
      return 'none';
  }
}

export const prestopCoversPropagation: DrainRule = {
  id: 'prestop-covers-propagation',
  severity: 'error/warning',
  summary: 'preStop sleep ≥ propagation (error); a hook whose delay cannot be read is checked by hand (warning)',
  symptom: BURSTS,
  check(s) {
    const hook = s.preStop;
    const propagation = s.propagationSeconds;
    if (!hook || propagation === undefined) return [];
    const sleep = preStopDelaySeconds(hook);
    if (sleep === undefined) {
      // An app-provided hook (a script, an HTTP endpoint): never replaced, since it may do more
      // than wait; but it only buys propagation time if it blocks that long before the server
      // stops accepting. Behind an NLB only (targetType known): elsewhere nothing propagates.
      if (s.targetType === undefined) return [];
      const work = allKnown(s.drainTimeoutSeconds, s.cleanupSeconds);
      const grace = s.terminationGracePeriodSeconds;
      const graceCheck =
        work && grace !== undefined
          ? ` and that terminationGracePeriodSeconds (${secs(grace)}) covers that wait plus drain timeout and cleanup (${sumText([['wait', propagation], ['drain timeout', work[0]], ['cleanup', work[1]]])})`
          : '';
      return [
        finding(
          'prestop-covers-propagation',
          'warning',
          'preStop',
          `the preStop hook (${describeHook(hook)}) delays SIGTERM by a time grpc-drain cannot read: it buys propagation time only if it waits at least ${secs(propagation)} (propagation) before the server stops accepting connections. Check that it blocks for ${secs(propagation)} or more before the process stops listening (a hook that only signals the server, or returns at once, buys nothing)${graceCheck}; if it does not wait, run a sleep of ${secs(propagation)} before it.`,
        ),
      ];
    }
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
    const drainText = s.drainTimeoutSeconds !== undefined ? `its ${secs(s.drainTimeoutSeconds)} drain timeout` : 'its drain';
    const consequence =
      hook.kind === 'sleep'
        ? 'the API server rejects the pod (a sleep action may not outlast the grace period)'
        : `the kubelet stops waiting for the hook when the grace period ends, sends SIGTERM with a one-off ${secs(HOOK_OVERRUN_EXTENSION_SECONDS)} extension, then SIGKILL: the server gets ${secs(HOOK_OVERRUN_EXTENSION_SECONDS)} instead of ${drainText}`;
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
        const fate = isAtLeastMinor(version, NATIVE_SLEEP.alphaMinor.value)
          ? `on Kubernetes ${s.kubernetesVersion} the feature gate PodLifecycleSleepAction is alpha and off, so the API server silently drops the sleep handler and with it the whole preStop: the manifest applies and the pods run with no preStop at all (SIGTERM at t=0)`
          : `Kubernetes ${s.kubernetesVersion} does not know the sleep action and rejects the pod`;
        findings.push(
          finding(
            'sleep-action-supported',
            'error',
            'preStop',
            `the native preStop sleep action needs Kubernetes ≥ 1.${NATIVE_SLEEP_MIN_MINOR} (PodLifecycleSleepAction, beta and on from 1.30): ${fate}. Use exec: ["sleep", "${hook.seconds}"] with an image that has a sleep binary, or upgrade the cluster.`,
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
    // Only a hook that waits by running `sleep` needs a sleep binary the native action does
    // without; an application's own binary (`/wait-shutdown`) is its image's business, and its
    // unknown delay is prestop-covers-propagation's warning.
    if (hook.kind === 'exec' && hook.seconds !== undefined && hook.seconds > 0) {
      const program = hook.command[0] ?? '';
      // `sleep` itself, `busybox` (its sleep applet), or a shell that runs sleep.
      const binaries = /(?:^|\/)(?:sleep|busybox)$/.test(program) ? program : `${program} and sleep`;
      const native =
        version && isAtLeastMinor(version, NATIVE_SLEEP_MIN_MINOR)
          ? `Use the native action (sleep: {seconds: ${hook.seconds}}), which Kubernetes ${s.kubernetesVersion} runs without a binary.`
          : `Make sure the image ships ${binaries.includes(' and ') ? 'them' : 'it'}, or use the native sleep action once the cluster runs Kubernetes ≥ 1.30.`;
      findings.push(
        finding(
          'sleep-action-supported',
          'warning',
          'preStop',
          `the preStop hook execs ${binaries} inside the container: a distroless or scratch image has none, the hook fails at once and SIGTERM arrives at t=0. ${native}`,
        ),
      );
    }
    return findings;
  },
};
