import { DEREGISTRATION_DELAY, NLB_TCP_IDLE_TIMEOUT_SECONDS, preStopDelaySeconds } from '../model';
import { allKnown, finding, fixDelaySeconds, fixGraceSeconds, onInstanceTargets, plannedGraceSeconds, secs, shrinkLargest, sumText, type DrainRule } from './rule';

const LINGER = 'old connections linger minutes after the pod is gone';
const ATTR_DELAY = 'deregistration_delay.timeout_seconds';

export const deregistrationDelayBounded: DrainRule = {
  id: 'deregistration-delay-bounded',
  severity: 'error/warning',
  summary: `${ATTR_DELAY} set (not the 300s default), ≤ the grace period (warning), within 0–3600 (error)`,
  symptom: LINGER,
  check(s) {
    const delay = s.deregistrationDelaySeconds;
    const grace = s.terminationGracePeriodSeconds;
    // Instance targets are nodes: no pod is ever deregistered (target-type-ip reports it).
    if (delay === undefined || onInstanceTargets(s)) return [];
    if (!Number.isInteger(delay) || delay < DEREGISTRATION_DELAY.min || delay > DEREGISTRATION_DELAY.max) {
      return [
        finding(
          'deregistration-delay-bounded',
          'error',
          'deregistrationDelaySeconds',
          `${ATTR_DELAY} (${secs(delay)}) is outside AWS's range ${DEREGISTRATION_DELAY.min}–${secs(DEREGISTRATION_DELAY.max)}: AWS rejects the target-group attributes. Set it to the grace period${fixDelaySeconds(s) !== undefined ? ` (${ATTR_DELAY}=${fixDelaySeconds(s)})` : ''}.`,
        ),
      ];
    }
    // The grace period the budget needs; when the actual one is shorter, grace-covers-drain
    // asks to raise it, and the delay should follow the raised value, not the short one.
    const planned = plannedGraceSeconds(s);
    const graceTooShort = grace !== undefined && planned !== undefined && grace < planned;
    const target = fixDelaySeconds(s);
    const cut = target !== undefined && target < (fixGraceSeconds(s) ?? 0);
    const why = !cut
      ? 'terminationGracePeriodSeconds'
      : target === s.maxTerminationGracePeriodSeconds
        ? "the cluster's cap on the grace period, where the kubelet kills the pod"
        : `AWS's maximum; the grace period is longer`;
    const fix =
      target === undefined
        ? ` Set ${ATTR_DELAY} to terminationGracePeriodSeconds.`
        : graceTooShort && target === planned
          ? ` Set ${ATTR_DELAY}=${target} together with terminationGracePeriodSeconds=${planned} (sleep + drain timeout + cleanup + headroom).`
          : ` Set ${ATTR_DELAY}=${target} (${why}) in the target-group attributes.`;
    if (s.deregistrationDelaySource === 'aws-default') {
      const after = grace !== undefined && delay > grace ? `, ${secs(delay - grace)} after the kubelet has killed it at ${secs(grace)}` : '';
      return [
        finding(
          'deregistration-delay-bounded',
          'warning',
          'deregistrationDelaySeconds',
          `${ATTR_DELAY} is not set, so AWS's ${secs(DEREGISTRATION_DELAY.awsDefault)} default applies: a deregistered pod stays draining in the NLB for ${secs(delay)}${after}, and connections to it linger that long.${fix}`,
        ),
      ];
    }
    if (grace !== undefined && delay > grace) {
      const remedy =
        graceTooShort && planned !== undefined && delay <= planned
          ? ` The grace period is the one too short: raise terminationGracePeriodSeconds to ${secs(planned)} (sleep + drain timeout + cleanup + headroom) and keep the delay at most that.`
          : fix;
      return [
        finding(
          'deregistration-delay-bounded',
          'warning',
          'deregistrationDelaySeconds',
          `${ATTR_DELAY} (${secs(delay)}) must be ≤ terminationGracePeriodSeconds (${secs(grace)}): the NLB keeps the target draining ${secs(delay - grace)} after the pod is gone, and connections to it hang until then.${remedy}`,
        ),
      ];
    }
    return [];
  },
};

export const deregistrationDelayCoversDrain: DrainRule = {
  id: 'deregistration-delay-covers-drain',
  severity: 'error',
  summary: `${ATTR_DELAY} ≥ sleep + drain timeout`,
  symptom: 'the NLB resets RPCs mid-drain',
  check(s) {
    const v = allKnown(s.deregistrationDelaySeconds, preStopDelaySeconds(s.preStop), s.drainTimeoutSeconds);
    if (!v || onInstanceTargets(s)) return [];
    const [delay, sleep, drain] = v;
    const needed = sleep + drain;
    if (delay >= needed) return [];
    const head = `${ATTR_DELAY} (${secs(delay)}) must be ≥ ${sumText([['preStop sleep', sleep], ['drain timeout', drain]])}`;
    if (needed > DEREGISTRATION_DELAY.max) {
      // No delay AWS accepts can cover this drain: the inputs must shrink, not the delay grow.
      const excess = needed - DEREGISTRATION_DELAY.max;
      const largest = shrinkLargest([['the preStop sleep (propagation)', sleep, 1], ['the drain timeout', drain, 0]], excess);
      const shrink = largest ? `Shrink the larger, ${largest.label}, from ${secs(largest.from)} to ${secs(largest.to)}` : `Shrink the sleep and the drain timeout by ${secs(excess)} together`;
      return [
        finding(
          'deregistration-delay-covers-drain',
          'error',
          'deregistrationDelaySeconds',
          `${head}, but AWS caps the deregistration delay at ${secs(DEREGISTRATION_DELAY.max)}: no delay can cover the drain, and the NLB resets the connections still in use ${secs(excess)} before the server's drain ends. ${shrink}, so that the two fit in ${secs(DEREGISTRATION_DELAY.max)}.`,
        ),
      ];
    }
    const target = Math.max(fixDelaySeconds(s) ?? needed, needed);
    return [
      finding(
        'deregistration-delay-covers-drain',
        'error',
        'deregistrationDelaySeconds',
        `${head}: the NLB ends the draining state ${secs(needed - delay)} before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set ${ATTR_DELAY}=${target}.`,
      ),
    ];
  },
};

export const connectionTerminationEnabled: DrainRule = {
  id: 'connection-termination-enabled',
  severity: 'warning',
  summary: 'deregistration_delay.connection_termination.enabled=true',
  symptom: LINGER,
  check(s) {
    if (s.connectionTermination !== false || onInstanceTargets(s)) return [];
    return [
      finding(
        'connection-termination-enabled',
        'warning',
        'connectionTermination',
        `deregistration_delay.connection_termination.enabled is false (the default for TCP target groups): the NLB does not close the connections still open when the deregistration delay ends. Active ones (gRPC keepalives count as traffic) may go on indefinitely to a pod that is gone; idle ones end only at the TCP idle timeout (${secs(NLB_TCP_IDLE_TIMEOUT_SECONDS)} by default). Set deregistration_delay.connection_termination.enabled=true.`,
      ),
    ];
  },
};

export const unhealthyDrain: DrainRule = {
  id: 'unhealthy-drain',
  severity: 'warning',
  summary: 'when drain > unhealthy threshold × interval: unhealthy connection termination off, draining interval ≥ drain',
  symptom: 'the NLB resets in-flight RPCs once it sees the 503',
  check(s) {
    const v = allKnown(s.drainTimeoutSeconds, s.healthCheck?.unhealthyThreshold, s.healthCheck?.intervalSeconds);
    if (!v || onInstanceTargets(s)) return [];
    const [drain, threshold, interval] = v;
    const detection = threshold * interval;
    if (drain <= detection) return [];
    const why = `drain timeout (${secs(drain)}) is longer than unhealthy threshold × interval (${threshold} × ${secs(interval)} = ${secs(detection)}): the NLB marks the pod unhealthy about ${secs(detection)} after readiness flips to 503`;
    const fix = `Set target_health_state.unhealthy.connection_termination.enabled=false and target_health_state.unhealthy.draining_interval_seconds=${drain}.`;
    if (s.unhealthyConnectionTermination !== false) {
      return [
        finding(
          'unhealthy-drain',
          'warning',
          'unhealthyConnectionTermination',
          `${why} and, with target_health_state.unhealthy.connection_termination.enabled=true (the AWS default), resets its connections up to ${secs(drain - detection)} before the drain ends. ${fix}`,
        ),
      ];
    }
    const draining = s.unhealthyDrainingIntervalSeconds;
    if (draining !== undefined && draining < drain) {
      return [
        finding(
          'unhealthy-drain',
          'warning',
          'unhealthyDrainingIntervalSeconds',
          `${why}, and target_health_state.unhealthy.draining_interval_seconds (${secs(draining)}) must be ≥ the drain timeout (${secs(drain)}), or the NLB resets the connections when the interval ends. ${fix}`,
        ),
      ];
    }
    return [];
  },
};
