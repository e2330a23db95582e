import { performance } from 'node:perf_hooks';

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

/**
 * How late this process's timers fire now, in milliseconds: the 99th percentile of `samples`
 * 5 ms sleeps' overshoot. A loaded machine (other processes on the same cores) shows here
 * first; the lab reports it with every run and the test suite scales time from it.
 */
export async function measureTimerLagMs(samples = 60): Promise<number> {
  const late: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    late.push(Math.max(0, performance.now() - started - 5));
  }
  late.sort((a, b) => a - b);
  return Math.round((late[Math.min(late.length - 1, Math.floor(late.length * 0.99))] as number) * 10) / 10;
}

/** What the machine looks like when a run starts. */
export interface MachineLoad {
  /** p99 timer lag of this process ({@link measureTimerLagMs}). */
  readonly lagMs: number;
  /** The 1-minute load average per CPU (`os.loadavg()[0] / os.cpus().length`). */
  readonly loadPerCpu: number;
}

/**
 * Wall-clock milliseconds per budget second for a machine: at least `minimum`, at most
 * `maximum` (which bounds the run's wall time), and the larger of 1.5 × the timer lag and
 * `minimum` × the load average per CPU. The timer lag alone misses a saturated machine (a
 * process that mostly sleeps is woken promptly by the scheduler, and is then starved of CPU
 * by the busy ones); the load average shows how many runnable processes share each core with
 * the lab and its engines. Measured on 2 cores with three busy loops beside the team's work:
 * at 25 ms per budget second `derived`'s engines overran the grace period while the timer lag
 * read 6 ms.
 */
export function scaleForMachine(machine: MachineLoad, minimum: number, maximum: number): number {
  const wanted = Math.max(Math.ceil(machine.lagMs * 1.5), Math.ceil(minimum * machine.loadPerCpu));
  return Math.min(maximum, Math.max(minimum, wanted));
}
