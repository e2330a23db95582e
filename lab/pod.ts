/**
 * A pod of the lab: one engine process, and the kubelet's part of its deletion.
 *
 * The kubelet (REFERENCES.md, "Kubernetes"; DESIGN.md §1): on deletion it runs the preStop
 * hook to completion, then sends SIGTERM; the grace period counts from the deletion and
 * covers the hook; when it runs out the process gets SIGKILL. A hook still running when the
 * grace period ends gets one 2 s extension, then SIGTERM and, 2 s later, SIGKILL.
 */
import type { EngineAddress, EngineLogLine, EngineProcess } from './engine-process';
import type { LabTarget } from './nlb';
import type { LabPodSpec } from './scenarios';
import type { TimeScale } from './time-scale';
import type { PodEventName, Trace } from './trace';
import { PROPAGATION_EVENT } from 'grpc-drain/runtime';

/** When the kubelet signals, in budget seconds after the deletion. */
export interface KubeletSchedule {
  readonly sigtermAfterSeconds: number;
  readonly sigkillAfterSeconds: number;
}

/** The one-off extension a preStop hook that overruns the grace period gets (kubelet). */
export const PRESTOP_OVERRUN_EXTENSION_SECONDS = 2;

export function kubeletSchedule(spec: Pick<LabPodSpec, 'preStopSleepSeconds' | 'terminationGracePeriodSeconds'>): KubeletSchedule {
  const sleep = spec.preStopSleepSeconds;
  const grace = spec.terminationGracePeriodSeconds;
  if (sleep < grace) return { sigtermAfterSeconds: sleep, sigkillAfterSeconds: grace };
  return { sigtermAfterSeconds: grace, sigkillAfterSeconds: grace + PRESTOP_OVERRUN_EXTENSION_SECONDS };
}

/** Engine log events worth a mark on the pod's timeline. */
const LOGGED_EVENTS: ReadonlySet<string> = new Set<PodEventName>(['ready-503', 'streams-ended', 'drain-complete', 'force-shutdown', 'cleanup-complete', 'health-closed']);

export class Pod {
  readonly target: LabTarget;
  /** Milliseconds on the trace's clock; undefined until it happens. */
  readonly at: { [E in PodEventName]?: number } = {};
  sigkilled = false;
  /** When the last NLB node forgot the target (the deregistration delay's end), on the trace's clock. */
  forgottenAt: number | undefined;
  /**
   * The runtime's termination report (the `propagation` line, DESIGN.md §7), as the process
   * wrote it: wall-clock seconds. Undefined until the process has written it, and for ever
   * when it binds gRPC itself (naive) or was SIGKILLed first.
   */
  report: EngineLogLine | undefined;
  private deleting = false;

  constructor(
    readonly name: string,
    readonly ordinal: number,
    /** The zone the scheduler put it in (0-based). */
    readonly zone: number,
    /** The rollout that created it (0: the initial replicas). */
    readonly revision: number,
    readonly engine: EngineProcess,
    address: EngineAddress,
    private readonly trace: Trace,
  ) {
    this.target = { id: name, ordinal, zone, host: '127.0.0.1', grpcPort: address.grpcPort, healthPort: address.healthPort };
    this.mark('created');
    engine.onLine((line) => {
      if (LOGGED_EVENTS.has(line.event) && this.deleting) this.mark(line.event as PodEventName);
      if (line.event === PROPAGATION_EVENT) this.report = line;
    });
    void engine.exited.then(() => this.mark('exited'));
  }

  mark(event: PodEventName): void {
    if (this.at[event] !== undefined) return;
    const at = this.trace.now();
    this.at[event] = at;
    this.trace.pod(this.name, event, at);
  }

  get deleted(): boolean {
    return this.deleting;
  }

  /**
   * The kubelet's side of the deletion: preStop sleep, SIGTERM, SIGKILL at the end of the
   * grace period. The caller deregisters the target in the same turn of the event loop, so
   * timers due at the same moment fire NLB first (DESIGN.md §1: the three branches start together).
   * @returns resolves when the process has exited
   */
  delete(spec: LabPodSpec, scale: TimeScale): Promise<void> {
    if (this.deleting) return this.engine.exited.then(() => undefined);
    this.deleting = true;
    this.mark('deleted');
    const schedule = kubeletSchedule(spec);
    const sigterm = (): void => {
      if (spec.preStopSleepSeconds > 0) this.mark('prestop-done');
      if (this.engine.signal('SIGTERM')) this.mark('sigterm');
    };
    const sigtermTimer = schedule.sigtermAfterSeconds > 0 ? setTimeout(sigterm, scale.ms(schedule.sigtermAfterSeconds)) : undefined;
    if (!sigtermTimer) sigterm();
    const sigkillTimer = setTimeout(() => {
      if (this.engine.signal('SIGKILL')) {
        this.sigkilled = true;
        this.mark('sigkill');
      }
    }, scale.ms(schedule.sigkillAfterSeconds));
    return this.engine.exited.then(() => {
      clearTimeout(sigtermTimer);
      clearTimeout(sigkillTimer);
    });
  }
}
