import { performance } from 'node:perf_hooks';
import {
  DEFAULT_PROPAGATION_MARGIN_SECONDS,
  MAX_LATE_CONNECTIONS_LISTED,
  MAX_REMOTE_ADDRESSES_LISTED,
  PROPAGATION_EVENT,
  PROPAGATION_TIME_BASE,
  recommendPropagationSeconds,
  roundSeconds,
  type PropagationReport,
} from './report/propagation-report';

/** What a connection that arrived after SIGTERM was given. */
export type LateAction = 'served' | 'goaway' | 'closed';

/** One accepted connection. */
export interface Arrival {
  /** `performance.now()` when it was accepted. */
  readonly at: number;
  readonly remoteAddress: string | undefined;
}

/** Arrivals kept in memory before SIGTERM, at most: a runaway rate cannot grow the heap. */
const MAX_KEPT = 100_000;

/** Wall-clock ISO time of a `performance.now()` reading. */
export function isoAt(at: number): string {
  return new Date(performance.timeOrigin + at).toISOString();
}

/**
 * Every new connection of the owned listener, kept for as long as it can still matter: until
 * SIGTERM only those of the last preStop window (they may turn out to be after the deletion),
 * from SIGTERM on all of them.
 */
export class ArrivalLog {
  private kept: Arrival[] = [];
  private first = 0;
  private count = 0;
  private latest: Arrival | undefined;
  private sigtermAt: number | undefined;
  private late = { served: 0, goaway: 0, closed: 0 };

  /** @param preStopMs the preStop sleep: the window before SIGTERM worth keeping */
  constructor(private readonly preStopMs: number) {}

  /** Connections accepted since start. */
  get total(): number {
    return this.count;
  }

  /** The last accepted connection. */
  get last(): Arrival | undefined {
    return this.latest;
  }

  /** When SIGTERM arrived, once it has. */
  get sigterm(): number | undefined {
    return this.sigtermAt;
  }

  /** The estimated deletion, SIGTERM − preStop, once SIGTERM has arrived. */
  get deletion(): number | undefined {
    return this.sigtermAt === undefined ? undefined : this.sigtermAt - this.preStopMs;
  }

  /** What the late connections got, so far. */
  get lateActions(): { readonly served: number; readonly goaway: number; readonly closed: number } {
    return { ...this.late };
  }

  record(arrival: Arrival, action?: LateAction): void {
    this.count += 1;
    this.latest = arrival;
    if (action !== undefined) this.late[action] += 1;
    this.kept.push(arrival);
    if (this.sigtermAt === undefined) this.prune(arrival.at);
  }

  /** Marks SIGTERM: the deletion is dated from here. */
  markSigterm(at: number = performance.now()): void {
    if (this.sigtermAt !== undefined) return;
    this.prune(at);
    this.sigtermAt = at;
  }

  private prune(now: number): void {
    // One second of slack: the deletion estimate moves with the preStop hook's start.
    const horizon = now - this.preStopMs - 1000;
    while (this.first < this.kept.length && ((this.kept[this.first] as Arrival).at < horizon || this.kept.length - this.first > MAX_KEPT)) this.first += 1;
    if (this.first > 1024 && this.first * 2 > this.kept.length) {
      this.kept = this.kept.slice(this.first);
      this.first = 0;
    }
  }

  /** Arrivals after `from` (a `performance.now()` reading), oldest first. */
  since(from: number): Arrival[] {
    return this.kept.slice(this.first).filter((a) => a.at >= from);
  }

  /**
   * The termination report. Call it after SIGTERM.
   * @param observedUntil when arrivals stopped being watched (the exit; SIGTERM when refused)
   */
  report(context: {
    readonly preStopSource: string;
    readonly lateConnections: string;
    readonly observedUntil: number;
    readonly pod?: string;
    readonly podIp?: string;
  }): PropagationReport {
    const sigterm = this.sigtermAt ?? performance.now();
    const deletion = sigterm - this.preStopMs;
    const afterDeletion = this.since(deletion);
    const afterSigterm = afterDeletion.filter((a) => a.at >= sigterm);
    const seconds = (at: number): number => roundSeconds((at - deletion) / 1000);
    const lastAfter = afterDeletion.length > 0 ? seconds((afterDeletion[afterDeletion.length - 1] as Arrival).at) : null;
    const remoteAddresses: { [address: string]: number } = {};
    for (const { remoteAddress } of afterDeletion) {
      const key = remoteAddress ?? 'unknown';
      if (key in remoteAddresses || Object.keys(remoteAddresses).length < MAX_REMOTE_ADDRESSES_LISTED) remoteAddresses[key] = (remoteAddresses[key] ?? 0) + 1;
    }
    return {
      event: PROPAGATION_EVENT,
      ...(context.pod !== undefined && { pod: context.pod }),
      ...(context.podIp !== undefined && { podIp: context.podIp }),
      preStopSeconds: roundSeconds(this.preStopMs / 1000),
      preStopSource: context.preStopSource,
      lateConnections: context.lateConnections,
      timeBase: PROPAGATION_TIME_BASE,
      sigtermAt: isoAt(sigterm),
      estimatedDeletionAt: isoAt(deletion),
      connectionsTotal: this.count,
      connectionsAfterDeletion: afterDeletion.length,
      connectionsAfterSigterm: afterSigterm.length,
      lastNewConnectionAfterDeletionSeconds: lastAfter,
      lateConnectionSeconds: afterSigterm.slice(0, MAX_LATE_CONNECTIONS_LISTED).map((a) => seconds(a.at)),
      remoteAddresses,
      observedUntilSeconds: seconds(context.observedUntil),
      marginSeconds: DEFAULT_PROPAGATION_MARGIN_SECONDS,
      recommendedPropagationSeconds: recommendPropagationSeconds(lastAfter),
    };
  }
}
