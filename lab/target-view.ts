/**
 * One NLB node's view of one target: the pure state machine behind the lab's NLB model.
 * No timers and no sockets here; `nlb.ts` drives it and acts on what it returns.
 *
 * Sources (REFERENCES.md, "AWS NLB target groups"):
 * - A registered target gets traffic once it has passed the health check `healthyThreshold`
 *   times in a row (state `initial` until then), and stops getting new connections after
 *   `unhealthyThreshold` failures in a row (NLB user guide, target-group health checks).
 * - Deregistration turns a target `draining`: no new connections; existing ones continue
 *   while the target stays healthy, until `deregistration_delay.timeout_seconds`; then they
 *   are reset only if `deregistration_delay.connection_termination.enabled` (ELB API
 *   `TargetGroupAttribute`). Health checks go on while it drains, which is why an unhealthy
 *   draining target can lose its connections early.
 * - An unhealthy target's connections are reset at once unless
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

  /** The node may open a new connection to the target: registered (not draining) and healthy. */
  get acceptsNewConnections(): boolean {
    return this.registrationState === 'registered' && this.healthState === 'healthy';
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
        return this.healthState;
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
      if (from !== 'healthy' && this.successesInARow >= this.thresholds.healthyThreshold) this.healthState = 'healthy';
    } else {
      this.successesInARow = 0;
      this.failuresInARow += 1;
      if (from !== 'unhealthy' && this.failuresInARow >= this.thresholds.unhealthyThreshold) this.healthState = 'unhealthy';
    }
    return from === this.healthState ? undefined : { from, to: this.healthState };
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
