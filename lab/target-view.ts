/**
 * One NLB node's view of one target: the pure state machine behind the lab's NLB model.
 * No timers and no sockets here; `nlb.ts` drives it and acts on what it returns.
 *
 * Sources (REFERENCES.md, "AWS NLB target groups"):
 * - A registered target gets traffic once it has passed the health check `healthyThreshold`
 *   times in a row (state `initial` until then), and its verdict turns unhealthy after
 *   `unhealthyThreshold` failures in a row (NLB user guide, "Health checks for Network Load
 *   Balancer target groups").
 * - A node goes on opening new connections to a target it has judged unhealthy for a while:
 *   health is decided by consensus of the NLB's nodes, and new connections reportedly stop
 *   30–40 s after a target turns unhealthy (aws/containers-roadmap#470). The verdict is
 *   immediate here; routing follows it when `nlb.ts` calls {@link TargetView.applyUnhealthy}
 *   after that lag (`--unhealthy-lag`). A healthy verdict routes at once: registration reports
 *   (`--registration`) already include the time until a new target gets traffic.
 * - Deregistration turns a target `draining`: no new connections; existing ones continue
 *   while the target stays healthy, until `deregistration_delay.timeout_seconds`; then they
 *   are reset only if `deregistration_delay.connection_termination.enabled` (ELB API
 *   `TargetGroupAttribute`). Health checks go on while it drains, which is why an unhealthy
 *   draining target can lose its connections early.
 * - An unhealthy target's connections are reset unless
 *   `target_health_state.unhealthy.connection_termination.enabled=false`, in which case they
 *   are reset after `target_health_state.unhealthy.draining_interval_seconds` (ELB API
 *   `TargetGroupAttribute`).
 */
import type { LabHealthCheck, LabTargetGroup } from './scenarios';
import type { ViewLabel } from './trace';

/** Where the target is in the node's copy of the target group. */
export type Registration = 'pending' | 'registered' | 'draining' | 'removed';

/** The health-check verdict (AWS's `initial`, `healthy`, `unhealthy`). */
export type TargetHealth = 'initial' | 'healthy' | 'unhealthy';

/** A change of the health verdict. */
export interface HealthTransition {
  readonly from: TargetHealth;
  readonly to: TargetHealth;
}

export type Thresholds = Pick<LabHealthCheck, 'healthyThreshold' | 'unhealthyThreshold'>;

export class TargetView {
  private registrationState: Registration = 'pending';
  private healthState: TargetHealth = 'initial';
  /** The node routes by this: true from a healthy verdict until {@link applyUnhealthy}. */
  private routed = false;
  private successesInARow = 0;
  private failuresInARow = 0;

  constructor(private readonly thresholds: Thresholds) {
    for (const [name, value] of Object.entries(thresholds)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`TargetView: ${name} must be a whole number ≥ 1, got ${value}`);
    }
  }

  get registration(): Registration {
    return this.registrationState;
  }

  get health(): TargetHealth {
    return this.healthState;
  }

  /**
   * The node may open a new connection to the target: registered (not draining) and routed
   * as healthy (a fresh unhealthy verdict still routes until {@link applyUnhealthy}).
   */
  get acceptsNewConnections(): boolean {
    return this.registrationState === 'registered' && this.routed;
  }

  /** Registered and not draining, whatever its health: what the node may fail open to. */
  get registeredHere(): boolean {
    return this.registrationState === 'registered';
  }

  /** The verdict is unhealthy but the node still routes to the target (the unhealthy lag). */
  get inUnhealthyLag(): boolean {
    return this.healthState === 'unhealthy' && this.routed;
  }

  /** The node health-checks the target: from the registration reaching it until the deregistration completes. */
  get checked(): boolean {
    return this.registrationState === 'registered' || this.registrationState === 'draining';
  }

  /** The state for the pictures. */
  get label(): ViewLabel {
    switch (this.registrationState) {
      case 'pending':
        return 'unknown';
      case 'removed':
        return 'removed';
      case 'draining':
        return this.healthState === 'unhealthy' ? 'draining-unhealthy' : 'draining';
      case 'registered':
        return this.inUnhealthyLag ? 'unhealthy-lag' : this.healthState;
    }
  }

  /** The registration reached the node. @returns whether anything changed */
  register(): boolean {
    if (this.registrationState !== 'pending') return false;
    this.registrationState = 'registered';
    return true;
  }

  /**
   * The deregistration reached the node. A node applies the control plane's changes in order,
   * so a target deregistered before its registration arrived goes straight to draining.
   * @returns whether anything changed
   */
  deregister(): boolean {
    if (this.registrationState !== 'pending' && this.registrationState !== 'registered') return false;
    this.registrationState = 'draining';
    return true;
  }

  /** The deregistration delay ended: the target is `unused`, the node forgets it. @returns whether anything changed */
  remove(): boolean {
    if (this.registrationState === 'removed') return false;
    this.registrationState = 'removed';
    return true;
  }

  /**
   * Counts one health-check result; consecutive results of the same kind move the verdict
   * once they reach the threshold. Ignored when the target is not checked.
   * @returns the change of verdict, if any
   */
  recordCheck(passed: boolean): HealthTransition | undefined {
    if (!this.checked) return undefined;
    const from = this.healthState;
    if (passed) {
      this.failuresInARow = 0;
      this.successesInARow += 1;
      if (from !== 'healthy' && this.successesInARow >= this.thresholds.healthyThreshold) {
        this.healthState = 'healthy';
        this.routed = true;
      }
    } else {
      this.successesInARow = 0;
      this.failuresInARow += 1;
      if (from !== 'unhealthy' && this.failuresInARow >= this.thresholds.unhealthyThreshold) this.healthState = 'unhealthy';
    }
    return from === this.healthState ? undefined : { from, to: this.healthState };
  }

  /**
   * A target of a service that has been up for a while: registered and healthy already
   * (its checks go on as usual). @returns whether anything changed
   */
  registerHealthy(): boolean {
    if (this.registrationState !== 'pending') return false;
    this.registrationState = 'registered';
    this.healthState = 'healthy';
    this.routed = true;
    this.successesInARow = this.thresholds.healthyThreshold;
    return true;
  }

  /**
   * The unhealthy lag has passed: the node stops routing to the target, if its verdict is
   * still unhealthy. @returns whether routing stopped now
   */
  applyUnhealthy(): boolean {
    if (this.healthState !== 'unhealthy' || !this.routed) return false;
    this.routed = false;
    return true;
  }
}

/** What the node does with a target's open connections when the target turns unhealthy. */
export type UnhealthyAction = { readonly reset: 'now' } | { readonly reset: 'after'; readonly seconds: number };

export function unhealthyAction(targetGroup: LabTargetGroup): UnhealthyAction {
  return targetGroup.unhealthyConnectionTermination ? { reset: 'now' } : { reset: 'after', seconds: targetGroup.unhealthyDrainingIntervalSeconds };
}

/** What the node does with a target's open connections when its deregistration delay ends. */
export function deregistrationEndAction(targetGroup: LabTargetGroup): 'reset' | 'keep' {
  return targetGroup.connectionTermination ? 'reset' : 'keep';
}

/** A target as a node's routing sees it. */
export interface RoutedTarget {
  readonly view: TargetView;
  /** The target's zone. */
  readonly zone: number;
}

/**
 * The targets a node in `zone` may send a new connection to: the healthy ones it routes to in
 * its zone (every zone with cross-zone load balancing); when there is none, every target
 * registered there whatever its health, the routing failover ("Target group health": below
 * the minimum healthy target count, default 1, "the load balancer sends traffic to all
 * targets that are available to the load balancer node, including unhealthy targets").
 * Draining targets are never available. An empty list: the node refuses.
 */
export function routeCandidates<T extends RoutedTarget>(targets: readonly T[], zone: number, crossZone: boolean): { readonly targets: T[]; readonly failOpen: boolean } {
  const scope = targets.filter((t) => crossZone || t.zone === zone);
  const healthy = scope.filter((t) => t.view.acceptsNewConnections);
  if (healthy.length > 0) return { targets: healthy, failOpen: false };
  return { targets: scope.filter((t) => t.view.registeredHere), failOpen: true };
}

/**
 * DNS failover: which zones' node addresses the NLB's name resolves to, given which zones have
 * a healthy target. A zone without one is left out, unless no zone has one: then all are in
 * (fail-open; NLB guide, health checks; AWS knowledge center
 * "elb-dns-cross-zone-balance-configuration").
 */
export function zonesInDns(healthy: readonly boolean[]): boolean[] {
  const any = healthy.some(Boolean);
  return healthy.map((h) => h || !any);
}
