import { planDrain } from 'grpc-drain';

describe('plan.timeline()', () => {
  it('orders the seed engine termination: deletion, SIGTERM at 20, drain deadline 30, exit 35, SIGKILL 45, NLB forgets at 45', () => {
    const events = planDrain({ propagationSeconds: 20, drainTimeoutSeconds: 10 }).timeline();
    expect(events.map((e) => [e.atSeconds, e.actor])).toEqual([
      [0, 'kubernetes'],
      [0, 'kubelet'],
      [20, 'nlb'],
      [20, 'kubelet'],
      [20, 'server'],
      [30, 'nlb'],
      [30, 'server'],
      [35, 'server'],
      [45, 'kubelet'],
      [45, 'nlb'],
    ]);
    expect(events[3].event).toBe('preStop ends: SIGTERM');
    expect(events[4].event).toBe('readiness answers 503, long-lived streams are ended with UNAVAILABLE, graceful stop starts (bounded by 10s)');
    expect(events[8].event).toBe('grace period ends: SIGKILL if anything still runs');
  });

  it('places each event at its derived second for an uneven budget', () => {
    const plan = planDrain({ propagationSeconds: 60, drainTimeoutSeconds: 25, cleanupSeconds: 7, headroomSeconds: 3, healthCheck: { intervalSeconds: 10, unhealthyThreshold: 3 }, deregistrationDelaySeconds: 90 });
    const at = (fragment: string) => plan.timeline().find((e) => e.event.includes(fragment))?.atSeconds;
    expect(at('SIGTERM')).toBe(60);
    expect(at('failed checks')).toBe(90); // 60 + 3 × 10
    expect(at('drain deadline')).toBe(85); // 60 + 25
    expect(at('cleanup deadline')).toBe(92); // 85 + 7
    expect(at('SIGKILL')).toBe(95); // 60 + 25 + 7 + 3
    expect(at('deregistration delay ends')).toBe(90);
    const seconds = plan.timeline().map((e) => e.atSeconds);
    expect([...seconds].sort((a, b) => a - b)).toEqual(seconds);
  });

  it('names the exec hook when the cluster predates the native sleep', () => {
    expect(planDrain({ kubernetesVersion: '1.28' }).timeline()[1].event).toBe('preStop exec "sleep 20" starts; the server keeps serving');
  });
});
