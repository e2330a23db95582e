/**
 * The termination report (DESIGN.md §7): one JSON line per terminated process that says when
 * the load balancer last opened a new connection to it, counted from the pod's deletion.
 * The runtime writes it; `grpc-drain propagation` reads it back. Framework-free, so the CLI
 * and the lab can use it without the runtime's servers.
 */

/** The `event` of the report line. */
export const PROPAGATION_EVENT = 'propagation';

/**
 * Added to the largest observed "last new connection after deletion" before rounding up to
 * the budget to use. It covers what the measurement cannot see: the time from the deletion to
 * the preStop hook's start (the kubelet's watch and sync, not in SIGTERM − preStop), and the
 * gap after the last connection during which the load balancer may still have been routing
 * without any client connecting. Five seconds is one default NLB health-check interval of the
 * plan (DESIGN.md §2); pass another margin to `grpc-drain propagation --margin`.
 */
export const DEFAULT_PROPAGATION_MARGIN_SECONDS = 5;

/** How `lastNewConnectionAfterDeletionSeconds` is dated. */
export const PROPAGATION_TIME_BASE = 'sigterm-minus-prestop';

/** The report line's fields (besides the logger's `time`, `level`, `msg`). */
export interface PropagationReport {
  readonly event: typeof PROPAGATION_EVENT;
  /** The pod (`POD_NAME`, `HOSTNAME` or the `podName` option), when known. */
  readonly pod?: string;
  /** `POD_IP` (the downward API), when set. */
  readonly podIp?: string;
  /** The preStop sleep the deletion is dated with. */
  readonly preStopSeconds: number;
  /** Where it came from: `GRPC_DRAIN_PRESTOP_SECONDS="20"`, `options.preStopSeconds` or `default` (a guess). */
  readonly preStopSource: string;
  /** What connections arriving after SIGTERM got: `serve`, `goaway` or `refuse` (the listener closed: none seen). */
  readonly lateConnections: string;
  readonly timeBase: typeof PROPAGATION_TIME_BASE;
  /** When SIGTERM arrived (ISO 8601). */
  readonly sigtermAt: string;
  /** SIGTERM − preStopSeconds (ISO 8601). */
  readonly estimatedDeletionAt: string;
  /** Connections accepted since the process started. */
  readonly connectionsTotal: number;
  /** Connections that arrived after the estimated deletion (the preStop window and after SIGTERM). */
  readonly connectionsAfterDeletion: number;
  /** Connections that arrived after SIGTERM: each one proves the preStop sleep too short. */
  readonly connectionsAfterSigterm: number;
  /** Seconds from the estimated deletion to the last new connection; `null` when none came after the deletion. */
  readonly lastNewConnectionAfterDeletionSeconds: number | null;
  /** Seconds after the deletion of each connection that arrived after SIGTERM (at most {@link MAX_LATE_CONNECTIONS_LISTED}). */
  readonly lateConnectionSeconds: readonly number[];
  /** Connections after the deletion per remote address (an NLB node's IP without client IP preservation). */
  readonly remoteAddresses: { readonly [address: string]: number };
  /** Seconds after the deletion until which arrivals were watched (the exit; SIGTERM with `refuse`). */
  readonly observedUntilSeconds: number;
  /** The margin added to the observed value. */
  readonly marginSeconds: number;
  /** ⌈lastNewConnectionAfterDeletionSeconds + marginSeconds⌉; `null` without a connection after the deletion. */
  readonly recommendedPropagationSeconds: number | null;
}

/** The longest `lateConnectionSeconds` list a report carries (the count is always exact). */
export const MAX_LATE_CONNECTIONS_LISTED = 200;
/** The most remote addresses a report lists. */
export const MAX_REMOTE_ADDRESSES_LISTED = 50;

/** Seconds, kept to the millisecond. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * The propagation to budget for after observing `observedSeconds`: observed + margin, rounded
 * up to whole seconds (the core's unit, DESIGN.md §2); `null` with nothing observed.
 */
export function recommendPropagationSeconds(observedSeconds: number | null, marginSeconds = DEFAULT_PROPAGATION_MARGIN_SECONDS): number | null {
  if (observedSeconds === null) return null;
  return Math.ceil(roundSeconds(observedSeconds + marginSeconds));
}

/**
 * The same report in another time unit, its recommendation recomputed with `marginSeconds` in
 * that unit. The lab runs budget seconds at a few milliseconds each: it multiplies by
 * `1000 / msPerBudgetSecond` so that the report, and `grpc-drain propagation` on it, speak
 * budget seconds.
 */
export function rescalePropagationReport(report: PropagationReport, factor: number, marginSeconds = DEFAULT_PROPAGATION_MARGIN_SECONDS): PropagationReport {
  const scale = (seconds: number): number => roundSeconds(seconds * factor);
  const last = report.lastNewConnectionAfterDeletionSeconds === null ? null : scale(report.lastNewConnectionAfterDeletionSeconds);
  return {
    ...report,
    preStopSeconds: scale(report.preStopSeconds),
    lastNewConnectionAfterDeletionSeconds: last,
    lateConnectionSeconds: report.lateConnectionSeconds.map(scale),
    observedUntilSeconds: scale(report.observedUntilSeconds),
    marginSeconds,
    recommendedPropagationSeconds: recommendPropagationSeconds(last, marginSeconds),
  };
}
