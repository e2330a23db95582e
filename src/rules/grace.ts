import { KUBERNETES_DEFAULT_GRACE_SECONDS, NODE_GRACE_CAPS, preStopDelaySeconds } from '../model';
import { allKnown, finding, secs, shrinkLargest, sumText, type DrainRule } from './rule';

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
      ? `; the grace period must then be at least ${sumText([['sleep', budget[0]], ['drain timeout', budget[1]], ['cleanup', budget[2]], ['headroom', budget[3]]])}`
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

const SLEEP_LABEL = 'the preStop sleep (propagation)';

/** `120s, the length of an EC2 Spot interruption notice` when the cap is a known node cap. */
function capText(cap: number): string {
  const known = Object.values(NODE_GRACE_CAPS).find((c) => c.value === cap);
  return known ? `${secs(cap)}, ${known.name}` : secs(cap);
}

export const graceUnderCap: DrainRule = {
  id: 'grace-under-cap',
  severity: 'error',
  summary: 'terminationGracePeriodSeconds ≤ the cluster cap, when one is given (policy, Cluster Autoscaler 600s, Karpenter NodePool, Spot 120s)',
  symptom: 'pod SIGKILLed early: the grace period is silently cut',
  check(s) {
    const v = allKnown(s.terminationGracePeriodSeconds, s.maxTerminationGracePeriodSeconds);
    if (!v) return [];
    const [grace, cap] = v;
    if (grace <= cap) return [];
    const head = `terminationGracePeriodSeconds (${secs(grace)}) must be ≤ the cluster's cap maxTerminationGracePeriodSeconds (${capText(cap)})`;
    const parts = allKnown(preStopDelaySeconds(s.preStop), s.drainTimeoutSeconds, s.cleanupSeconds);
    if (!parts) {
      return [finding('grace-under-cap', 'error', 'terminationGracePeriodSeconds', `${head}: the grace period is cut to ${secs(cap)}, ${secs(grace - cap)} less than set. Set terminationGracePeriodSeconds to ${cap}, and make sure the preStop, the drain and the cleanup fit in it.`)];
    }
    const [sleep, drain, cleanup] = parts;
    const work = sleep + drain + cleanup;
    const terms = [['preStop sleep', sleep], ['drain timeout', drain], ['cleanup', cleanup]] as const;
    if (work > cap) {
      // Nothing but the inputs themselves can fit: name the one to shrink, and by how much.
      const excess = work - cap;
      const largest = shrinkLargest([[SLEEP_LABEL, sleep, 1], ['the drain timeout', drain, 0], ['the cleanup', cleanup, 0]], excess);
      const headroom = s.headroomSeconds !== undefined && s.headroomSeconds > 0 ? ' and the headroom to 0s' : '';
      const shrink = largest
        ? `Shrink the largest, ${largest.label}, from ${secs(largest.from)} to ${secs(largest.to)}${headroom}${largest.label === SLEEP_LABEL ? ' (a sleep shorter than the real propagation refuses connections: measure it first)' : ''}`
        : `Shrink them by ${secs(excess)} together${headroom}`;
      return [
        finding(
          'grace-under-cap',
          'error',
          'terminationGracePeriodSeconds',
          `${head}: ${sumText(terms)} alone exceed it by ${secs(excess)}, so no grace period fits: the kubelet kills the pod at ${secs(cap)}, ${secs(excess)} before its drain and cleanup can end. ${shrink}, or run the workload where the cap allows at least ${secs(work)} plus headroom.`,
        ),
      ];
    }
    const left = cap - work;
    const headroom = s.headroomSeconds;
    const budgetNote = headroom !== undefined && left < headroom ? `, not the ${secs(headroom)} wanted (set the headroom to ${secs(left)})` : '';
    return [
      finding(
        'grace-under-cap',
        'error',
        'terminationGracePeriodSeconds',
        `${head}: the grace period is cut to ${secs(cap)}, ${secs(grace - cap)} less than set. Set terminationGracePeriodSeconds to ${cap}: after ${sumText(terms)} that leaves ${secs(left)} of headroom${budgetNote}.`,
      ),
    ];
  },
};
