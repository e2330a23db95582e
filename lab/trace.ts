/**
 * What happened during one scenario, on one clock: milliseconds since the scenario began
 * (`performance.now()` in the lab process, which runs every timer of the model). The
 * pictures are drawn from it; the counts are kept by the load generator and the NLB.
 */
import { performance } from 'node:perf_hooks';

/** A step of a pod's life, as the kubelet, the controller and the process's own log show it. */
export type PodEventName =
  | 'created'
  | 'kubelet-ready'
  | 'ready'
  | 'available'
  | 'deleted'
  | 'prestop-done'
  | 'sigterm'
  | 'sigkill'
  | 'exited'
  // From the process's JSON log (src/runtime/logger.ts):
  | 'ready-503'
  | 'streams-ended'
  | 'drain-complete'
  | 'force-shutdown'
  | 'cleanup-complete'
  | 'health-closed';

export interface PodTraceEvent {
  readonly at: number;
  readonly pod: string;
  readonly event: PodEventName;
}

/**
 * How one NLB node sees one target: AWS's target states, plus "not yet known", "judged
 * unhealthy but still routed" (the unhealthy lag) and "unhealthy while draining".
 */
export type ViewLabel = 'unknown' | 'initial' | 'healthy' | 'unhealthy-lag' | 'unhealthy' | 'draining' | 'draining-unhealthy' | 'removed';

export interface ViewTraceEvent {
  readonly at: number;
  readonly node: number;
  readonly target: string;
  readonly label: ViewLabel;
}

/** A zone's standing: healthy targets its nodes route to, and whether its nodes are in the NLB's DNS answer. */
export interface ZoneTraceEvent {
  readonly at: number;
  readonly zone: number;
  /** The fewest routable targets any node of the zone has (0: the zone is dark). */
  readonly routableTargets: number;
  readonly inDns: boolean;
}

/** What a client saw go wrong, or a connection the NLB refused. */
export type ClientErrorKind = 'unary' | 'stream' | 'refused' | 'reset';

export interface ClientErrorTraceEvent {
  readonly at: number;
  readonly kind: ClientErrorKind;
  readonly node: number;
  /** The status name (`UNAVAILABLE`), or why the NLB refused / reset. */
  readonly detail: string;
}

/** One scenario's events. */
export class Trace {
  private readonly origin = performance.now();
  readonly pods: PodTraceEvent[] = [];
  readonly views: ViewTraceEvent[] = [];
  readonly errors: ClientErrorTraceEvent[] = [];
  readonly zones: ZoneTraceEvent[] = [];
  private readonly lastZone = new Map<number, ZoneTraceEvent>();

  /** Milliseconds since the scenario began. */
  now(): number {
    return performance.now() - this.origin;
  }

  pod(pod: string, event: PodEventName, at = this.now()): void {
    this.pods.push({ at, pod, event });
  }

  view(node: number, target: string, label: ViewLabel): void {
    this.views.push({ at: this.now(), node, target, label });
  }

  /** Records a zone's standing when it changed. */
  zone(zone: number, routableTargets: number, inDns: boolean): void {
    const last = this.lastZone.get(zone);
    if (last && last.routableTargets === routableTargets && last.inDns === inDns) return;
    const event = { at: this.now(), zone, routableTargets, inDns };
    this.lastZone.set(zone, event);
    this.zones.push(event);
  }

  error(kind: ClientErrorKind, node: number, detail: string): void {
    this.errors.push({ at: this.now(), kind, node, detail });
  }
}
