import type { ResolvedBudget } from '../model';

/** Who acts at a point of the termination sequence. */
export type TimelineActor = 'kubernetes' | 'kubelet' | 'nlb' | 'server';

/** One point of the termination sequence, in seconds after the pod's deletion. */
export interface TimelineEvent {
  readonly atSeconds: number;
  readonly actor: TimelineActor;
  readonly event: string;
}

/** The numbers a timeline is drawn from (all known: the plan passed its checks). */
export interface TimelineInputs {
  readonly budget: ResolvedBudget;
  readonly preStopSleepSeconds: number;
  readonly preStopAction: 'sleep' | 'exec';
  readonly terminationGracePeriodSeconds: number;
  readonly deregistrationDelaySeconds: number;
}

/**
 * The termination sequence of one pod under the plan, t=0 (deletion) to the end of the
 * deregistration delay. Events at the same second keep the order of the sequence.
 */
export function buildTimeline(inputs: TimelineInputs): TimelineEvent[] {
  const { budget, preStopSleepSeconds: sleep, terminationGracePeriodSeconds: grace, deregistrationDelaySeconds: delay } = inputs;
  const { drainTimeoutSeconds: drain, cleanupSeconds: cleanup, propagationSeconds: propagation } = budget;
  const { unhealthyThreshold, intervalSeconds } = budget.healthCheck;
  const hook = inputs.preStopAction === 'sleep' ? `preStop sleep (${sleep}s) starts` : `preStop exec "sleep ${sleep}" starts`;
  const events: TimelineEvent[] = [
    { atSeconds: 0, actor: 'kubernetes', event: 'pod deleted: its endpoint turns ready=false, terminating=true; the Load Balancer Controller deregisters the target (draining)' },
    { atSeconds: 0, actor: 'kubelet', event: `${hook}; the server keeps serving` },
    { atSeconds: propagation, actor: 'nlb', event: 'every NLB node has stopped opening new connections to the pod (propagation estimate)' },
    { atSeconds: sleep, actor: 'kubelet', event: 'preStop ends: SIGTERM' },
    { atSeconds: sleep, actor: 'server', event: `readiness answers 503, long-lived streams are ended with UNAVAILABLE, graceful stop starts (bounded by ${drain}s)` },
    {
      atSeconds: sleep + unhealthyThreshold * intervalSeconds,
      actor: 'nlb',
      // New connections reportedly stop only 30–40 s after a target turns unhealthy
      // (PROPAGATION_REPORTS.afterUnhealthy): the flip is a slow backup, not the sleep's substitute.
      event: `a node that missed the deregistration has seen ${unhealthyThreshold} failed checks: target unhealthy; its new connections reportedly stop only 30–40s later, existing ones are kept ${drain}s (unhealthy draining)`,
    },
    { atSeconds: sleep + drain, actor: 'server', event: 'drain deadline: whatever is still open is cancelled (forced shutdown)' },
    { atSeconds: sleep + drain + cleanup, actor: 'server', event: 'cleanup deadline: the process has exited, health server last' },
    { atSeconds: grace, actor: 'kubelet', event: 'grace period ends: SIGKILL if anything still runs' },
    { atSeconds: delay, actor: 'nlb', event: 'deregistration delay ends: the NLB resets connections still open (connection termination on) and forgets the target' },
  ];
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.atSeconds - b.event.atSeconds || a.order - b.order)
    .map(({ event }) => event);
}
