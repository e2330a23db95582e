/**
 * Termination reports → the propagation to budget: the distribution of "last new connection
 * after deletion" over terminations, how many connections still arrived after SIGTERM, and
 * max observed + margin, rounded up (DESIGN.md §7).
 */
import { DEFAULT_PROPAGATION_MARGIN_SECONDS, recommendPropagationSeconds, roundSeconds, type PropagationReport } from './propagation-report';

/**
 * What the reports say about the budget:
 * - `raise`: the recommendation exceeds the largest preStop sleep in the reports (the sleep is too short);
 * - `keep`: the sleep covers every observed connection plus the margin;
 * - `no-evidence`: no connection arrived after any deletion, so the reports bound nothing.
 */
export type PropagationVerdict = 'raise' | 'keep' | 'no-evidence';

/** The summary `grpc-drain propagation` prints. */
export interface PropagationSummary {
  /** Reports read. */
  readonly terminations: number;
  /** Reports with a connection after the deletion: the ones the statistics are over. */
  readonly terminationsWithConnectionAfterDeletion: number;
  /** Nearest-rank percentiles and maximum of `lastNewConnectionAfterDeletionSeconds`; `null` without evidence. */
  readonly lastNewConnectionAfterDeletionSeconds: { readonly p50: number; readonly p95: number; readonly max: number } | null;
  /** Connections that arrived after SIGTERM, over all reports. */
  readonly connectionsAfterSigterm: number;
  /** Reports with at least one connection after SIGTERM. */
  readonly terminationsWithConnectionsAfterSigterm: number;
  /** The largest preStop sleep in the reports (the budget in force, or the latest one). */
  readonly preStopSeconds: number;
  readonly marginSeconds: number;
  /** ⌈max + margin⌉; `null` without evidence. */
  readonly recommendedPropagationSeconds: number | null;
  readonly verdict: PropagationVerdict;
  /** Caveats about the evidence, one sentence each. */
  readonly warnings: string[];
}

/**
 * The nearest-rank percentile (the smallest value with at least p % of the values at or below
 * it): always an observed value, which suits a handful of terminations.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Summarizes the reports; `marginSeconds` defaults to {@link DEFAULT_PROPAGATION_MARGIN_SECONDS}. */
export function summarizePropagation(reports: readonly PropagationReport[], marginSeconds = DEFAULT_PROPAGATION_MARGIN_SECONDS): PropagationSummary {
  const observed = reports
    .map((r) => r.lastNewConnectionAfterDeletionSeconds)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const preStopSeconds = reports.reduce((max, r) => Math.max(max, r.preStopSeconds), 0);
  const max = observed.length > 0 ? (observed[observed.length - 1] as number) : null;
  const recommended = recommendPropagationSeconds(max, marginSeconds);
  const warnings: string[] = [];
  const guessed = reports.filter((r) => r.preStopSource === 'default').length;
  if (guessed > 0) {
    warnings.push(`${guessed} report(s) dated the deletion with the default preStop (GRPC_DRAIN_PRESTOP_SECONDS was not set): their times are only right if the pod sleeps that long.`);
  }
  const refused = reports.filter((r) => r.lateConnections === 'refuse').length;
  if (refused > 0) {
    warnings.push(`${refused} report(s) ran with lateConnections=refuse: connections after SIGTERM were refused unseen, so their last connection is a lower bound.`);
  }
  const cutOff = reports.filter((r) => r.lastNewConnectionAfterDeletionSeconds !== null && r.observedUntilSeconds - r.lastNewConnectionAfterDeletionSeconds < 1).length;
  if (cutOff > 0) {
    warnings.push(`${cutOff} report(s) saw a new connection less than 1 s before the process stopped watching: the load balancer may have routed there longer than measured.`);
  }
  return {
    terminations: reports.length,
    terminationsWithConnectionAfterDeletion: observed.length,
    lastNewConnectionAfterDeletionSeconds: max === null ? null : { p50: percentile(observed, 50), p95: percentile(observed, 95), max },
    connectionsAfterSigterm: reports.reduce((sum, r) => sum + r.connectionsAfterSigterm, 0),
    terminationsWithConnectionsAfterSigterm: reports.filter((r) => r.connectionsAfterSigterm > 0).length,
    preStopSeconds: roundSeconds(preStopSeconds),
    marginSeconds,
    recommendedPropagationSeconds: recommended,
    verdict: recommended === null ? 'no-evidence' : recommended > preStopSeconds ? 'raise' : 'keep',
    warnings,
  };
}
