/**
 * The NLB model: a control plane (the target group as the LBC's RegisterTargets and
 * DeregisterTargets calls leave it) and several nodes, each a TCP proxy on loopback with its
 * own, late copy of the target group and its own health checks.
 *
 * What each behaviour stands for (sources in REFERENCES.md):
 * - Propagation: a change of the target group reaches each node after its own delay, drawn
 *   per pod and node from the seeded PRNG in [min, max) budget seconds. AWS gives no number
 *   for deregistration and says registration "can take a few minutes"; LBC issues #1834,
 *   #2366, #3270 and aws/containers-roadmap#470 report minutes for ip targets. A node
 *   applies the changes of one target in order.
 * - Health checks: each node checks each target it knows, every interval, with the timeout
 *   and thresholds of the target group (NLB user guide, target-group health checks), on the
 *   readiness path (HTTP) or by opening a connection to the traffic port (TCP, the LBC's
 *   default: `healthcheck-protocol` tcp, `healthcheck-port` traffic-port). Checks start when
 *   the registration reaches the node, at a seeded phase within the interval, and go on
 *   while the target drains.
 * - New connections go to a target that is registered (not draining) and healthy on that
 *   node; a new target is unused until it has passed `healthyThreshold` checks there. The
 *   node picks one at random (the NLB hashes flows; the PRNG stands in for the hash).
 * - A node with no such target refuses the connection (reset right after accept): the
 *   client's connection attempt fails as it does in the field. A target that refuses (its
 *   process no longer listens) is passed through the same way: the NLB forwards the SYN and
 *   the client gets the RST, which the article's clients log as `connect ECONNREFUSED`.
 *   AWS's fail-open (all targets unhealthy → route to all) is not modelled.
 * - Deregistration: the target drains; its connections continue until
 *   `deregistration_delay.timeout_seconds` after DeregisterTargets, then are reset if
 *   `connection_termination.enabled`, else left alone (ELB API `TargetGroupAttribute`). The
 *   delay is counted from the pod's deletion (the LBC's own reaction time is folded into the
 *   propagation), so the model resets connections no later than AWS would.
 * - Unhealthy: no new connections; open ones are reset at once, or after
 *   `target_health_state.unhealthy.draining_interval_seconds` when
 *   `target_health_state.unhealthy.connection_termination.enabled=false` (ELB API
 *   `TargetGroupAttribute`).
 * - Not modelled: availability zones (every node reaches every target, as with cross-zone
 *   load balancing on), the TCP idle timeout (350 s), client IP preservation.
 */
import * as net from 'node:net';
import { runHealthCheck } from './health-check';
import { keyedUniform, Prng } from './prng';
import type { LabHealthCheck, LabTargetGroup } from './scenarios';
import { TargetView, deregistrationEndAction, unhealthyAction, type HealthTransition } from './target-view';
import type { TimeScale } from './time-scale';
import type { Trace } from './trace';

/** A pod as the target group knows it: an ip target (its own address and ports). */
export interface LabTarget {
  /** The pod's name. */
  readonly id: string;
  /** The pod's creation number: keys the seeded delays, so they do not depend on timing. */
  readonly ordinal: number;
  readonly host: string;
  readonly grpcPort: number;
  readonly healthPort: number;
}

export interface NlbOptions {
  readonly nodes: number;
  readonly healthCheck: LabHealthCheck;
  readonly targetGroup: LabTargetGroup;
  /** Range of the delay until a change of the target group reaches a node, budget seconds: [min, max). */
  readonly propagation: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly seed: number;
  readonly scale: TimeScale;
  readonly trace: Trace;
}

/** What the NLB did to connections. */
export interface NlbCounts {
  /** Connections refused because the node had no registered, healthy target. */
  refusedNoTarget: number;
  /** Connections the chosen target refused (its process no longer listened). */
  refusedByTarget: number;
  /** Connections reset at the end of the deregistration delay. */
  resetDeregistered: number;
  /** Connections reset because their target turned unhealthy. */
  resetUnhealthy: number;
}

/** A client connection and its upstream. */
interface ProxiedConnection {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

interface ScheduledUpdate {
  readonly at: number;
  readonly apply: () => void;
  done: boolean;
}

/** One node's state for one target. */
interface NodeEntry {
  readonly target: LabTarget;
  readonly view: TargetView;
  readonly connections: Set<ProxiedConnection>;
  /** Control-plane changes not yet applied, in order. */
  readonly updates: ScheduledUpdate[];
  readonly timers: Set<NodeJS.Timeout>;
  unhealthyTimer: NodeJS.Timeout | undefined;
  removed: () => void;
  readonly removal: Promise<void>;
}

/**
 * Resets a socket (TCP RST) unless its write side is already ending; then it is destroyed.
 *
 * A socket we have ended (our `end()`, or `pipe()` passing a FIN on) may have a shutdown
 * pending, and libuv refuses to reset such a socket: `uv_tcp_close_reset` returns UV_EINVAL
 * without closing it ("mixing of uv_shutdown and uv_tcp_close_reset calls is not allowed",
 * libuv docs, src/unix/tcp.c). Node 20 (`TCPWrap::Reset`, checked on v20.20.2) marks the
 * handle closing all the same, so the socket never emits 'close', its descriptor stays open,
 * and at exit the process spins for ever in `Environment::CleanupHandles` waiting for it:
 * the `npx jest test/lab` hang of issue 12 (repro: `s.end(); s.resetAndDestroy()` in one tick).
 * Its peer has already seen, or is about to see, our FIN, so closing it is what an RST would
 * have told it.
 */
function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}

class NlbNode {
  private readonly server: net.Server;
  private readonly entries = new Map<string, NodeEntry>();
  private readonly prng: Prng;
  private readonly openSockets = new Set<net.Socket>();
  private closed = false;
  port = 0;

  constructor(
    readonly index: number,
    private readonly options: NlbOptions,
    private readonly counts: NlbCounts,
    private readonly changed: () => void,
  ) {
    this.prng = new Prng(options.seed * 31 + index);
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => this.accept(client));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: '127.0.0.1', port: 0 }, () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  view(targetId: string): TargetView | undefined {
    return this.entries.get(targetId)?.view;
  }

  /** Schedules a control-plane change of `target` to reach this node after `delayMs`, after any earlier one. */
  schedule(target: LabTarget, delayMs: number, change: 'register' | 'deregister' | 'remove'): Promise<void> {
    const entry = this.entry(target);
    const previous = entry.updates[entry.updates.length - 1];
    const at = Math.max(this.options.trace.now() + delayMs, previous?.at ?? 0);
    const update: ScheduledUpdate = { at, done: false, apply: () => this.apply(entry, change) };
    entry.updates.push(update);
    const timer = setTimeout(() => {
      entry.timers.delete(timer);
      // Apply every earlier change first: two changes due in the same millisecond keep their order.
      for (const pending of entry.updates) {
        if (pending.done) continue;
        pending.done = true;
        pending.apply();
        if (pending === update) break;
      }
    }, Math.max(0, at - this.options.trace.now()));
    entry.timers.add(timer);
    return change === 'remove' ? entry.removal : Promise.resolve();
  }

  private entry(target: LabTarget): NodeEntry {
    let entry = this.entries.get(target.id);
    if (!entry) {
      let removed: () => void = () => undefined;
      const removal = new Promise<void>((resolve) => (removed = resolve));
      entry = {
        target,
        view: new TargetView({ healthyThreshold: this.options.healthCheck.healthyThreshold, unhealthyThreshold: this.options.healthCheck.unhealthyThreshold }),
        connections: new Set(),
        updates: [],
        timers: new Set(),
        unhealthyTimer: undefined,
        removed,
        removal,
      };
      this.entries.set(target.id, entry);
      this.options.trace.view(this.index, target.id, entry.view.label);
    }
    return entry;
  }

  private apply(entry: NodeEntry, change: 'register' | 'deregister' | 'remove'): void {
    if (this.closed) return;
    const { view } = entry;
    let changed = false;
    if (change === 'register') {
      changed = view.register();
      if (changed) this.startHealthChecks(entry);
    } else if (change === 'deregister') {
      changed = view.deregister();
    } else {
      changed = view.remove();
      if (changed) {
        this.stopTimers(entry);
        if (deregistrationEndAction(this.options.targetGroup) === 'reset') this.resetConnections(entry, 'deregistered');
        entry.removed();
      }
    }
    if (changed) this.report(entry);
  }

  private report(entry: NodeEntry): void {
    this.options.trace.view(this.index, entry.target.id, entry.view.label);
    this.changed();
  }

  private startHealthChecks(entry: NodeEntry): void {
    const { healthCheck, scale, seed, trace } = this.options;
    const intervalMs = scale.ms(healthCheck.intervalSeconds);
    // The nodes' checkers are not synchronised with the registration: a seeded phase.
    const phaseMs = Math.floor(keyedUniform(seed, `phase/${entry.target.ordinal}/${this.index}`) * intervalMs);
    let nextAt = trace.now() + phaseMs;
    const tick = (): void => {
      if (this.closed || !entry.view.checked) return;
      nextAt += intervalMs;
      const timer = setTimeout(() => {
        entry.timers.delete(timer);
        tick();
      }, Math.max(0, nextAt - trace.now()));
      entry.timers.add(timer);
      const { target } = entry;
      void runHealthCheck({
        protocol: healthCheck.protocol,
        host: target.host,
        port: healthCheck.protocol === 'HTTP' ? target.healthPort : target.grpcPort,
        path: healthCheck.path,
        timeoutMs: scale.ms(healthCheck.timeoutSeconds),
      }).then((passed) => {
        if (this.closed) return;
        const transition = entry.view.recordCheck(passed);
        if (transition) this.onHealthChange(entry, transition);
      });
    };
    const first = setTimeout(() => {
      entry.timers.delete(first);
      tick();
    }, phaseMs);
    entry.timers.add(first);
  }

  private onHealthChange(entry: NodeEntry, transition: HealthTransition): void {
    if (transition.to === 'unhealthy') {
      const action = unhealthyAction(this.options.targetGroup);
      if (action.reset === 'now') {
        this.resetConnections(entry, 'unhealthy');
      } else {
        clearTimeout(entry.unhealthyTimer);
        entry.unhealthyTimer = setTimeout(() => {
          entry.unhealthyTimer = undefined;
          if (!this.closed && entry.view.health === 'unhealthy') this.resetConnections(entry, 'unhealthy');
        }, this.options.scale.ms(action.seconds));
      }
    } else if (entry.unhealthyTimer) {
      clearTimeout(entry.unhealthyTimer);
      entry.unhealthyTimer = undefined;
    }
    this.report(entry);
  }

  private resetConnections(entry: NodeEntry, why: 'deregistered' | 'unhealthy'): void {
    for (const connection of entry.connections) {
      if (why === 'deregistered') this.counts.resetDeregistered += 1;
      else this.counts.resetUnhealthy += 1;
      this.options.trace.error('reset', this.index, why);
      reset(connection.client);
      reset(connection.upstream);
    }
    entry.connections.clear();
  }

  private stopTimers(entry: NodeEntry): void {
    for (const timer of entry.timers) clearTimeout(timer);
    entry.timers.clear();
    clearTimeout(entry.unhealthyTimer);
    entry.unhealthyTimer = undefined;
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.on('error', () => undefined);
    if (this.closed) {
      reset(client);
      return;
    }
    const usable = [...this.entries.values()].filter((e) => e.view.acceptsNewConnections);
    if (usable.length === 0) {
      this.counts.refusedNoTarget += 1;
      this.options.trace.error('refused', this.index, 'no usable target');
      reset(client);
      return;
    }
    const entry = usable[this.prng.int(0, usable.length - 1)] as NodeEntry;
    const upstream = net.connect({ host: entry.target.host, port: entry.target.grpcPort, allowHalfOpen: true });
    this.track(upstream);
    const connection: ProxiedConnection = { client, upstream };
    entry.connections.add(connection);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      // pauseOnConnect held the client's bytes until now; pipe() resumes it and passes
      // each side's FIN on (allowHalfOpen), so a graceful close stays graceful.
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === 'ECONNREFUSED') {
        this.counts.refusedByTarget += 1;
        this.options.trace.error('refused', this.index, `${entry.target.id} refused`);
      }
      // An RST from the target reaches the client as an RST.
      reset(client);
    });
    client.on('error', () => reset(upstream));
    const forget = (): void => {
      if (client.destroyed && upstream.destroyed) entry.connections.delete(connection);
    };
    client.once('close', (hadError) => {
      if (hadError) reset(upstream);
      else if (!upstream.destroyed) upstream.end();
      forget();
    });
    upstream.once('close', (hadError) => {
      if (hadError) reset(client);
      else if (!client.destroyed) client.end();
      forget();
    });
  }

  private track(socket: net.Socket): void {
    this.openSockets.add(socket);
    socket.once('close', () => this.openSockets.delete(socket));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) {
      this.stopTimers(entry);
      entry.removed();
    }
    for (const socket of this.openSockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The whole NLB: the control plane and its nodes. */
export class Nlb {
  readonly counts: NlbCounts = { refusedNoTarget: 0, refusedByTarget: 0, resetDeregistered: 0, resetUnhealthy: 0 };
  private readonly nodeList: NlbNode[];
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly options: NlbOptions) {
    this.nodeList = Array.from({ length: options.nodes }, (_, index) => new NlbNode(index, options, this.counts, () => this.notify()));
  }

  static async start(options: NlbOptions): Promise<Nlb> {
    const nlb = new Nlb(options);
    await Promise.all(nlb.nodeList.map((node) => node.listen()));
    return nlb;
  }

  /** The nodes' listening ports, one per node (what a client's DNS answer would list). */
  get ports(): number[] {
    return this.nodeList.map((node) => node.port);
  }

  get nodeCount(): number {
    return this.nodeList.length;
  }

  /** Connections refused in all: what the clients see as ECONNREFUSED in the field. */
  get refused(): number {
    return this.counts.refusedNoTarget + this.counts.refusedByTarget;
  }

  /** Calls `listener` after every change of any node's view. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The propagation delay of one change to one node, in ms: seeded, keyed by what it is for. */
  private delayMs(kind: 'register' | 'deregister', target: LabTarget, node: number): number {
    const { minSeconds, maxSeconds } = this.options.propagation;
    const seconds = minSeconds + keyedUniform(this.options.seed, `${kind}/${target.ordinal}/${node}`) * (maxSeconds - minSeconds);
    // [min, max): strictly inside the range also after rounding to whole milliseconds, so a
    // preStop sleep of exactly `max` outlasts every node's delay.
    const maxMs = this.options.scale.ms(maxSeconds);
    return Math.max(0, Math.min(this.options.scale.ms(seconds), maxMs - 1));
  }

  /** RegisterTargets: the target reaches each node after its own delay. */
  register(target: LabTarget): void {
    this.nodeList.forEach((node, i) => void node.schedule(target, this.delayMs('register', target, i), 'register'));
  }

  /**
   * DeregisterTargets, at the pod's deletion: each node stops opening connections to the
   * target after its own delay and forgets it once the deregistration delay has passed.
   * @returns resolves once every node has forgotten the target (AWS state `unused`)
   */
  deregister(target: LabTarget): Promise<void> {
    const delayMs = this.options.scale.ms(this.options.targetGroup.deregistrationDelaySeconds);
    return Promise.all(
      this.nodeList.map((node, i) => {
        const arrival = this.delayMs('deregister', target, i);
        void node.schedule(target, arrival, 'deregister');
        return node.schedule(target, Math.max(delayMs, arrival), 'remove');
      }),
    ).then(() => undefined);
  }

  /** Registered and healthy on every node: what the LBC's readiness gate waits for (see docs/lab.md). */
  healthyEverywhere(targetId: string): boolean {
    return this.nodeList.every((node) => node.view(targetId)?.acceptsNewConnections === true);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all(this.nodeList.map((node) => node.close()));
  }
}
