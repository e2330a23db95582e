/**
 * Budget time → wall-clock time. Every duration of the model (preStop sleep, grace period,
 * deregistration delay, health-check interval and timeout, propagation, the server's drain
 * and cleanup, the clients' reconnect backoff) is in budget seconds and runs scaled, so a
 * rollout of minutes fits seconds and the ratios between the durations are kept.
 */
export class TimeScale {
  /** @param msPerSecond wall-clock milliseconds per budget second (50: 1 s → 50 ms) */
  constructor(public readonly msPerSecond: number) {
    if (!Number.isFinite(msPerSecond) || msPerSecond <= 0) throw new RangeError(`TimeScale: msPerSecond must be > 0, got ${msPerSecond}`);
  }

  /** Budget seconds → whole wall-clock milliseconds (timers have 1 ms resolution). */
  ms(seconds: number): number {
    return Math.round(seconds * this.msPerSecond);
  }

  /** Wall-clock milliseconds → budget seconds. */
  seconds(ms: number): number {
    return ms / this.msPerSecond;
  }

  /** Budget seconds as a Go duration for the server's environment (`"500ms"`), which the runtime reads. */
  goDuration(seconds: number): string {
    return `${this.ms(seconds)}ms`;
  }
}
