import { DEREGISTRATION_DELAY, NLB_TCP_IDLE_TIMEOUT_SECONDS, preStopDelaySeconds } from '../model';
import { allKnown, finding, secs, sumText, type DrainRule } from './rule';

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
    if (delay === undefined) return [];
    if (!Number.isInteger(delay) || delay < DEREGISTRATION_DELAY.min || delay > DEREGISTRATION_DELAY.max) {
      return [
        finding(
          'deregistration-delay-bounded',
          'error',
          'deregistrationDelaySeconds',
          `${ATTR_DELAY} (${secs(delay)}) is outside AWS's range ${DEREGISTRATION_DELAY.min}–${secs(DEREGISTRATION_DELAY.max)}: AWS rejects the target-group attributes. Set it to the grace period${grace !== undefined ? ` (${secs(Math.min(grace, DEREGISTRATION_DELAY.max))})` : ''}.`,
        ),
      ];
    }
    // The grace period the budget needs; when the actual one is shorter, grace-covers-drain
    // asks to raise it, and the delay should follow the raised value, not the short one.
    const parts = allKnown(preStopDelaySeconds(s.preStop), s.drainTimeoutSeconds, s.cleanupSeconds, s.headroomSeconds);
    const planned = parts ? parts[0] + parts[1] + parts[2] + parts[3] : undefined;
    const graceTooShort = grace !== undefined && planned !== undefined && grace < planned;
    const target = grace !== undefined ? Math.min(Math.max(grace, planned ?? 0), DEREGISTRATION_DELAY.max) : undefined;
    const fix =
      target === undefined
        ? ` Set ${ATTR_DELAY} to terminationGracePeriodSeconds.`
        : graceTooShort
          ? ` Set ${ATTR_DELAY}=${target} together with terminationGracePeriodSeconds=${planned} (sleep + drain timeout + cleanup + headroom).`
          : ` Set ${ATTR_DELAY}=${target} (terminationGracePeriodSeconds) in the target-group attributes.`;
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
    if (!v) return [];
    const [delay, sleep, drain] = v;
    if (delay >= sleep + drain) return [];
    const target = s.terminationGracePeriodSeconds !== undefined && s.terminationGracePeriodSeconds >= sleep + drain ? s.terminationGracePeriodSeconds : sleep + drain;
    return [
      finding(
        'deregistration-delay-covers-drain',
        'error',
        'deregistrationDelaySeconds',
        `${ATTR_DELAY} (${secs(delay)}) must be ≥ ${sumText([['preStop sleep', sleep], ['drain timeout', drain]])}: the NLB ends the draining state ${secs(sleep + drain - delay)} before the server's drain ends and, with connection termination on, resets the connections still in use, failing in-flight RPCs. Set ${ATTR_DELAY}=${Math.min(target, DEREGISTRATION_DELAY.max)}.`,
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
    if (s.connectionTermination !== false) return [];
    return [
      finding(
        'connection-termination-enabled',
        'warning',
        'connectionTermination',
        `deregistration_delay.connection_termination.enabled is false (the default for TCP target groups): connections still open when the deregistration delay ends are never closed by the NLB and linger until the TCP idle timeout (${secs(NLB_TCP_IDLE_TIMEOUT_SECONDS)}). Set deregistration_delay.connection_termination.enabled=true.`,
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
    if (!v) return [];
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
