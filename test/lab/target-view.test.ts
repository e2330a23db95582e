import { TargetView, deregistrationEndAction, routeCandidates, unhealthyAction, zonesInDns, type TargetHealth, type Thresholds } from '../../lab/target-view';
import type { LabTargetGroup } from '../../lab/scenarios';

const THRESHOLDS_2_2: Thresholds = { healthyThreshold: 2, unhealthyThreshold: 2 };
const THRESHOLDS_3_3: Thresholds = { healthyThreshold: 3, unhealthyThreshold: 3 };

/** A registered view after a run of checks: `+` passed, `-` failed. */
function afterChecks(thresholds: Thresholds, checks: string): TargetView {
  const view = new TargetView(thresholds);
  view.register();
  for (const c of checks) view.recordCheck(c === '+');
  return view;
}

describe('health-check thresholds', () => {
  it.each<[string, Thresholds, string, TargetHealth]>([
    ['no check yet: initial', THRESHOLDS_2_2, '', 'initial'],
    ['one pass is not enough (healthy threshold 2)', THRESHOLDS_2_2, '+', 'initial'],
    ['two passes in a row: healthy', THRESHOLDS_2_2, '++', 'healthy'],
    ['passes must be in a row', THRESHOLDS_2_2, '+-+', 'initial'],
    ['two fails before ever passing: unhealthy', THRESHOLDS_2_2, '--', 'unhealthy'],
    ['one fail keeps a healthy target healthy', THRESHOLDS_2_2, '++-', 'healthy'],
    ['two fails in a row: unhealthy', THRESHOLDS_2_2, '++--', 'unhealthy'],
    ['a pass between fails resets the count', THRESHOLDS_2_2, '++-+-', 'healthy'],
    ['back to healthy after two passes', THRESHOLDS_2_2, '++--++', 'healthy'],
    ['one pass is not enough to come back', THRESHOLDS_2_2, '++--+', 'unhealthy'],
    ['threshold 3: two passes are not enough', THRESHOLDS_3_3, '++', 'initial'],
    ['threshold 3: three passes', THRESHOLDS_3_3, '+++', 'healthy'],
    ['threshold 3: two fails keep it healthy', THRESHOLDS_3_3, '+++--', 'healthy'],
    ['threshold 3: three fails', THRESHOLDS_3_3, '+++---', 'unhealthy'],
  ])('%s (%j, checks "%s")', (_name, thresholds, checks, expected) => {
    expect(afterChecks(thresholds, checks).health).toBe(expected);
  });

  it('reports each change of verdict once', () => {
    const view = new TargetView(THRESHOLDS_2_2);
    view.register();
    expect(['+', '+', '+', '-', '-', '-', '+', '+'].map((c) => view.recordCheck(c === '+'))).toEqual([
      undefined,
      { from: 'initial', to: 'healthy' },
      undefined,
      undefined,
      { from: 'healthy', to: 'unhealthy' },
      undefined,
      undefined,
      { from: 'unhealthy', to: 'healthy' },
    ]);
  });

  it('ignores checks while the target is not registered on the node, or removed', () => {
    const view = new TargetView(THRESHOLDS_2_2);
    expect(view.recordCheck(true)).toBeUndefined();
    expect(view.recordCheck(true)).toBeUndefined();
    expect(view.health).toBe('initial');
    view.register();
    view.remove();
    view.recordCheck(true);
    view.recordCheck(true);
    expect(view.health).toBe('initial');
  });

  it('keeps checking a draining target: it can turn unhealthy while it drains', () => {
    const view = afterChecks(THRESHOLDS_2_2, '++');
    view.deregister();
    expect(view.recordCheck(false)).toBeUndefined();
    expect(view.recordCheck(false)).toEqual({ from: 'healthy', to: 'unhealthy' });
    expect(view.label).toBe('draining-unhealthy');
  });

  it.each([0, 1.5, NaN])('rejects a threshold of %p', (threshold) => {
    expect(() => new TargetView({ healthyThreshold: threshold, unhealthyThreshold: 2 })).toThrow(/healthyThreshold must be a whole number ≥ 1/);
  });
});

describe('target-group view', () => {
  it.each<[string, (view: TargetView) => void, boolean, string]>([
    ['registration not arrived', () => undefined, false, 'unknown'],
    ['registered, not yet healthy', (v) => v.register(), false, 'initial'],
    ['registered and healthy', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true)), true, 'healthy'],
    ['registered, unhealthy before ever healthy', (v) => (v.register(), v.recordCheck(false), v.recordCheck(false)), false, 'unhealthy'],
    ['healthy, then judged unhealthy: still routed during the unhealthy lag', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.recordCheck(false), v.recordCheck(false)), true, 'unhealthy-lag'],
    [
      'healthy, judged unhealthy, the lag over',
      (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.recordCheck(false), v.recordCheck(false), v.applyUnhealthy()),
      false,
      'unhealthy',
    ],
    [
      'back to healthy before the lag ended: routed all along',
      (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.recordCheck(false), v.recordCheck(false), v.recordCheck(true), v.recordCheck(true), v.applyUnhealthy()),
      true,
      'healthy',
    ],
    ['unhealthy after the lag, then healthy again', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.recordCheck(false), v.recordCheck(false), v.applyUnhealthy(), v.recordCheck(true), v.recordCheck(true)), true, 'healthy'],
    ['judged unhealthy while routed, then deregistered', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.recordCheck(false), v.recordCheck(false), v.deregister()), false, 'draining-unhealthy'],
    ['healthy, then deregistered', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.deregister()), false, 'draining'],
    ['deregistration delay over', (v) => (v.register(), v.recordCheck(true), v.recordCheck(true), v.deregister(), v.remove()), false, 'removed'],
    ['deregistered before the registration arrived', (v) => v.deregister(), false, 'draining'],
  ])('%s: new connections %p, label %p', (_name, steps, accepts, label) => {
    const view = new TargetView(THRESHOLDS_2_2);
    steps(view);
    expect(view.acceptsNewConnections).toBe(accepts);
    expect(view.label).toBe(label);
  });

  it('applies each registration change once, in order', () => {
    const view = new TargetView(THRESHOLDS_2_2);
    expect([view.register(), view.register(), view.deregister(), view.register(), view.deregister(), view.remove(), view.remove(), view.deregister()]).toEqual([
      true,
      false,
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(view.registration).toBe('removed');
  });
});

describe('the unhealthy lag', () => {
  it('applyUnhealthy stops routing once, and only while the verdict is unhealthy', () => {
    const view = afterChecks(THRESHOLDS_2_2, '++');
    expect(view.applyUnhealthy()).toBe(false);
    view.recordCheck(false);
    view.recordCheck(false);
    expect([view.inUnhealthyLag, view.applyUnhealthy(), view.applyUnhealthy(), view.inUnhealthyLag]).toEqual([true, true, false, false]);
  });
});

describe('routing a new connection (routing failover, zones)', () => {
  const target = (zone: number, checks: string, extra: (v: TargetView) => void = () => undefined): { view: TargetView; zone: number; name: string } => {
    const view = afterChecks(THRESHOLDS_2_2, checks);
    extra(view);
    return { view, zone, name: `${zone}${checks}` };
  };
  const names = (result: ReturnType<typeof routeCandidates<ReturnType<typeof target>>>): { targets: string[]; failOpen: boolean } => ({ targets: result.targets.map((t) => t.name), failOpen: result.failOpen });
  const healthyA = target(0, '++');
  const healthyB = target(1, '++');
  const unhealthyA = target(0, '++--', (v) => v.applyUnhealthy());
  const initialA = target(0, '+');
  const drainingA = target(0, '++', (v) => v.deregister());

  it.each<[string, ReturnType<typeof target>[], number, boolean, { targets: string[]; failOpen: boolean }]>([
    ['cross-zone off: only the healthy targets of the node’s zone', [healthyA, healthyB, unhealthyA], 0, false, { targets: ['0++'], failOpen: false }],
    ['cross-zone on: every zone’s healthy targets', [healthyA, healthyB, unhealthyA], 0, true, { targets: ['0++', '1++'], failOpen: false }],
    ['no healthy target in the zone: every registered one, unhealthy or new (routing failover)', [healthyB, unhealthyA, initialA, drainingA], 0, false, { targets: ['0++--', '0+'], failOpen: true }],
    ['a zone with only a draining target has nothing to route to', [healthyB, drainingA], 0, false, { targets: [], failOpen: true }],
    ['no target at all', [], 0, false, { targets: [], failOpen: true }],
  ])('%s', (_name, targets, zone, crossZone, expected) => {
    expect(names(routeCandidates(targets, zone, crossZone))).toEqual(expected);
  });
});

describe('DNS failover', () => {
  it.each<[boolean[], boolean[]]>([
    [[true, true], [true, true]],
    [[true, false], [true, false]],
    [[false, true, false], [false, true, false]],
    // No zone has a healthy target: the NLB fails open, every zone is in DNS.
    [[false, false], [true, true]],
  ])('zones with a healthy target %j → in DNS %j', (healthy, expected) => {
    expect(zonesInDns(healthy)).toEqual(expected);
  });
});

describe('what the node does with open connections', () => {
  const tg = (overrides: Partial<LabTargetGroup>): LabTargetGroup => ({
    deregistrationDelaySeconds: 45,
    connectionTermination: true,
    unhealthyConnectionTermination: false,
    unhealthyDrainingIntervalSeconds: 10,
    ...overrides,
  });

  it.each<[string, Partial<LabTargetGroup>, ReturnType<typeof unhealthyAction>]>([
    ['AWS default: reset an unhealthy target at once', { unhealthyConnectionTermination: true, unhealthyDrainingIntervalSeconds: 0 }, { reset: 'now' }],
    ['termination off: after the draining interval', { unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 10 }, { reset: 'after', seconds: 10 }],
  ])('unhealthy: %s', (_name, overrides, expected) => {
    expect(unhealthyAction(tg(overrides))).toEqual(expected);
  });

  it.each<[boolean, 'reset' | 'keep']>([
    [true, 'reset'],
    [false, 'keep'],
  ])('end of the deregistration delay with connection termination %p: %p', (connectionTermination, expected) => {
    expect(deregistrationEndAction(tg({ connectionTermination }))).toBe(expected);
  });
});
