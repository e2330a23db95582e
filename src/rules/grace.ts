import { KUBERNETES_DEFAULT_GRACE_SECONDS, preStopDelaySeconds } from '../model';
import { allKnown, finding, secs, sumText, type DrainRule } from './rule';

export const graceCoversDrain: DrainRule = {
  id: 'grace-covers-drain',
  severity: 'error/warning',
  summary: 'terminationGracePeriodSeconds ≥ sleep + drain + cleanup (error), + headroom (warning)',
  symptom: 'pod always SIGKILLed despite a graceful handler',
  check(s) {
    const v = allKnown(preStopDelaySeconds(s.preStop), s.terminationGracePeriodSeconds, s.drainTimeoutSeconds, s.cleanupSeconds);
    if (!v) return [];
    const [sleep, grace, drain, cleanup] = v;
    const headroom = s.headroomSeconds;
    const terms = [['preStop sleep', sleep], ['drain timeout', drain], ['cleanup', cleanup]] as const;
    const needed = sleep + drain + cleanup;
    const advised = headroom !== undefined ? `${secs(needed + headroom)} (with ${secs(headroom)} headroom)` : `at least ${secs(needed)}`;
    if (grace < needed) {
      return [
        finding(
          'grace-covers-drain',
          'error',
          'terminationGracePeriodSeconds',
          `terminationGracePeriodSeconds (${secs(grace)}) must be ≥ ${sumText(terms)}: the grace period counts from deletion and includes the preStop, so the kubelet SIGKILLs the server ${secs(needed - grace)} before its drain and cleanup can end. Set terminationGracePeriodSeconds to ${advised}.`,
        ),
      ];
    }
    if (headroom !== undefined && grace < needed + headroom) {
      return [
        finding(
          'grace-covers-drain',
          'warning',
          'terminationGracePeriodSeconds',
          `terminationGracePeriodSeconds (${secs(grace)}) leaves ${secs(grace - needed)} of headroom after ${sumText(terms)}, less than the ${secs(headroom)} wanted: a drain that runs long is SIGKILLed. Set terminationGracePeriodSeconds to ${secs(needed + headroom)}.`,
        ),
      ];
    }
    return [];
  },
};

export const graceNeedsPrestop: DrainRule = {
  id: 'grace-needs-prestop',
  severity: 'error',
  summary: 'a grace period raised above 30s buys nothing without a preStop sleep',
  symptom: 'errors persist even with a huge grace period',
  check(s) {
    const v = allKnown(preStopDelaySeconds(s.preStop), s.terminationGracePeriodSeconds);
    if (!v) return [];
    const [sleep, grace] = v;
    if (sleep > 0 || grace <= KUBERNETES_DEFAULT_GRACE_SECONDS) return [];
    const propagation = s.propagationSeconds;
    const budget = allKnown(propagation, s.drainTimeoutSeconds, s.cleanupSeconds, s.headroomSeconds);
    const then = budget
      ? `; the grace period then needs ${sumText([['sleep', budget[0]], ['drain timeout', budget[1]], ['cleanup', budget[2]], ['headroom', budget[3]]])}`
      : '';
    const sleepText = propagation !== undefined ? `a preStop sleep of at least ${secs(propagation)} (propagation)` : 'a preStop sleep as long as deregistration takes to propagate';
    return [
      finding(
        'grace-needs-prestop',
        'error',
        'terminationGracePeriodSeconds',
        `terminationGracePeriodSeconds is ${secs(grace)} but nothing delays SIGTERM: the grace period only moves the SIGKILL and the NLB never sees it, so new connections still reach the pod after it stops listening. Add ${sleepText}${then}.`,
      ),
    ];
  },
};

export const graceUnderCap: DrainRule = {
  id: 'grace-under-cap',
  severity: 'error',
  summary: 'terminationGracePeriodSeconds ≤ the cluster cap, when one is given',
  symptom: 'pod SIGKILLed early: the grace period is silently cut',
  check(s) {
    const v = allKnown(s.terminationGracePeriodSeconds, s.maxTerminationGracePeriodSeconds);
    if (!v) return [];
    const [grace, cap] = v;
    if (grace <= cap) return [];
    const work = allKnown(preStopDelaySeconds(s.preStop), s.drainTimeoutSeconds, s.cleanupSeconds);
    const needed = work ? work[0] + work[1] + work[2] : undefined;
    const consequence =
      needed !== undefined && cap < needed
        ? `the kubelet kills the pod at ${secs(cap)}, ${secs(needed - cap)} before its drain and cleanup can end`
        : `the grace period is cut to ${secs(cap)}, ${secs(grace - cap)} less than planned`;
    return [
      finding(
        'grace-under-cap',
        'error',
        'terminationGracePeriodSeconds',
        `terminationGracePeriodSeconds (${secs(grace)}) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (${secs(cap)}): ${consequence}. Shrink propagation, drain timeout, cleanup or headroom until their sum fits in ${secs(cap)}, or raise the cap.`,
      ),
    ];
  },
};
