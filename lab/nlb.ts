/**
 * The NLB model: a control plane (the target group as the LBC's RegisterTargets and
 * DeregisterTargets calls leave it) and several nodes, each a TCP proxy on loopback with its
 * own, late copy of the target group and its own health checks, in one of the NLB's zones.
 *
 * What each behaviour stands for (sources in REFERENCES.md):
 * - Propagation: a deregistration reaches each node after its own delay, drawn per pod and
 *   node from the seeded PRNG in the NLB's propagation range (`--nlb-propagation`, by
 *   default the budget's `--propagation`, so it can be set past what the plan covers). AWS
 *   gives no number; LBC issues #2366, #3270, aws/containers-roadmap#470 and
 *   cluster-api-provider-aws#6254 report from ~10 s to minutes. A node applies the changes of
 *   one target in order.
 * - Registration: a registration reaches each node after `--registration` (LBC #1834: 90–180 s
 *   for ip targets, plus the health checks; NLB guide: "It can take a few minutes for the
 *   registration process to complete and health checks to start"). The initial replicas of
 *   a service that has been up for a while are already registered and healthy.
 * - Health checks: each node checks each target it knows, every interval, with the timeout
 *   and thresholds of the target group (NLB guide, target-group health checks), on the
 *   readiness path (HTTP) or by opening a connection to the traffic port (TCP, the LBC's
 *   default: `healthcheck-protocol` tcp, `healthcheck-port` traffic-port). Checks start when
 *   the registration reaches the node, at a seeded phase within the interval, and go on
 *   while the target drains.
 * - Unhealthy lag: a node that has judged a target unhealthy goes on opening new
 *   connections to it for `--unhealthy-lag` (30–40 s, aws/containers-roadmap#470: health is a
 *   consensus of the nodes). The unhealthy connection termination waits for it too.
 * - Zones (`--zones`): node i is in zone i mod zones; a pod is in the zone the scheduler put
 *   it in. With cross-zone load balancing off (the NLB default: NLB guide, "Cross-zone load
 *   balancing for target groups") a node routes only to the targets of its own zone.
 * - New connections go to a target that is registered (not draining) and healthy on that
 *   node, in its zone; a new target is unused until it has passed `healthyThreshold` checks
 *   there. The node picks one at random (the NLB hashes flows; the PRNG stands in for the hash).
 * - Routing failover: a node with no healthy target in its zone sends new connections to all
 *   the targets it has there, unhealthy ones included ("Target group health": below the
 *   minimum healthy target count, default 1, "the load balancer sends traffic to all
 *   targets that are available to the load balancer node, including unhealthy targets"), and
 *   resets nothing as unhealthy ("unless the unhealthy target triggers the load balancer to
 *   fail open", NLB guide, health checks). Draining targets are never available.
 * - DNS failover: a zone whose nodes have no healthy target is out of the NLB's DNS answer;
 *   when no zone has one, every zone is in it (fail-open: NLB guide, health checks; AWS
 *   knowledge center "elb-dns-cross-zone-balance-configuration"). Clients that resolve the
 *   name see it after their cache's TTL (60 s, "Target group health"); see load.ts.
 * - A node with nothing to route to refuses the connection (reset right after accept): the
 *   client's connection attempt fails as it does in the field. A target that refuses (its
 *   process no longer listens) is passed through the same way: the NLB forwards the SYN and
 *   the client gets the RST, which the article's clients log as `connect ECONNREFUSED`.
 * - Deregistration: the target drains; its connections continue until
 *   `deregistration_delay.timeout_seconds` after DeregisterTargets, then are reset if
 *   `connection_termination.enabled`, else left alone (ELB API `TargetGroupAttribute`). The
 *   delay is counted from the pod's deletion (the LBC's own reaction time is folded into the
 *   propagation), so the model resets connections no later than AWS would.
 * - Unhealthy: once the lag has passed, no new connections; open ones are reset at once, or
 *   after `target_health_state.unhealthy.draining_interval_seconds` when
 *   `target_health_state.unhealthy.connection_termination.enabled=false` (ELB API).
 * - Idle timeout (`--idle-timeout`, `tcp.idle_timeout.seconds`, 350 s by default, 60–6000):
 *   a flow with no data either way for that long is forgotten without a word to either end;
 *   a packet that arrives on it later is answered with an RST (NLB guide, "Connection idle
 *   timeout").
 * - Not modelled: passive health checks, client IP preservation, the LBC's own API throttling.
 *
 * The ground truth the lab judges by is kept per node and target ({@link NodeTruth}): when the
 * registration and the deregistration arrived, when the node last opened a new connection to
 * the target, when it stopped routing to it and when it forgot it.
 */
import * as net from 'node:net';
import { runHealthCheck } from './health-check';
import { keyedUniform, Prng } from './prng';
import { drawMs, type SecondsRange } from './ranges';
import type { LabHealthCheck, LabTargetGroup } from './scenarios';
import { TargetView, deregistrationEndAction, routeCandidates, unhealthyAction, zonesInDns, type HealthTransition } from './target-view';
import type { TimeScale } from './time-scale';
import type { Trace } from './trace';

/** A pod as the target group knows it: an ip target (its own address and ports) in a zone. */
export interface LabTarget {
  /** The pod's name. */
  readonly id: string;
  /** The pod's creation number: keys the seeded delays, so they do not depend on timing. */
  readonly ordinal: number;
  /** The zone the pod runs in (0-based). */
  readonly zone: number;
  readonly host: string;
  readonly grpcPort: number;
  readonly healthPort: number;
}

export interface NlbOptions {
  readonly nodes: number;
  /** Zones the nodes are spread over (node i in zone i mod zones). */
  readonly zones: number;
  /** Cross-zone load balancing: every node routes to every zone's targets. */
  readonly crossZone: boolean;
  readonly healthCheck: LabHealthCheck;
  readonly targetGroup: LabTargetGroup;
  /** Delay until a deregistration reaches a node, budget seconds. */
  readonly propagation: SecondsRange;
  /** Delay until a registration reaches a node, budget seconds (the initial replicas have none). */
  readonly registration: SecondsRange;
  /** How long a node goes on routing to a target it has judged unhealthy, budget seconds. */
  readonly unhealthyLag: SecondsRange;
  /** `tcp.idle_timeout.seconds`. */
  readonly idleTimeoutSeconds: number;
  readonly seed: number;
  readonly scale: TimeScale;
  readonly trace: Trace;
}

/** What the NLB did to connections. */
export interface NlbCounts {
  /** Connections refused because the node had no target to route to in its zone. */
  refusedNoTarget: number;
  /** Connections the chosen target refused (its process no longer listened). */
  refusedByTarget: number;
  /** Connections reset at the end of the deregistration delay. */
  resetDeregistered: number;
  /** Connections reset because their target turned unhealthy. */
  resetUnhealthy: number;
  /** New connections a node sent to an unhealthy target because it had no healthy one (routing failover). */
  failOpenConnections: number;
  /** Flows forgotten at the idle timeout. */
  idleDropped: number;
  /** RSTs answering a packet on a forgotten flow: what an idle client sees on its next call. */
  idleResets: number;
}

/** One node's record of one target, on the trace's clock (ms); undefined until it happens. */
export interface NodeTruth {
  readonly node: number;
  readonly zone: number;
  /** The registration reached the node. */
  registeredAt?: number;
  /** The node first routed to the target (healthy threshold passed). */
  routedAt?: number;
  /** The node opened its last new connection to the target. */
  lastNewConnectionAt?: number;
  /** The node opened its last new connection that the target accepted (its process listened): what the pod itself can see. */
  lastAcceptedConnectionAt?: number;
  /** New connections the node opened to the target. */
  newConnections: number;
  /** The deregistration reached the node. */
  deregisteredAt?: number;
  /** The node's verdict last turned unhealthy. */
  unhealthyAt?: number;
  /** The unhealthy lag ended and the node stopped routing to the target. */
  unroutedAt?: number;
  /** The deregistration delay ended: the node forgot the target. */
  forgottenAt?: number;
}

/** A client connection and its upstream. */
interface ProxiedConnection {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** Forgotten at the idle timeout: the NLB no longer forwards, and answers packets with RST. */
  dropped: boolean;
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
  readonly truth: NodeTruth;
  /** When each new connection to the target was opened, trace clock (ms). */
  readonly connectionTimes: number[];
  /** When each new connection the target refused was opened (its process no longer listened), trace clock (ms). */
  readonly refusedTimes: number[];
  readonly connections: Set<ProxiedConnection>;
  /** Control-plane changes not yet applied, in order. */
  readonly updates: ScheduledUpdate[];
  readonly timers: Set<NodeJS.Timeout>;
  /** The unhealthy lag, then the unhealthy draining interval. */
  unhealthyTimer: NodeJS.Timeout | undefined;
  /** Times the verdict turned unhealthy: keys each lag's draw. */
  unhealthySpells: number;
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

type Change = 'register' | 'register-healthy' | 'deregister' | 'remove';

class NlbNode {
  private readonly server: net.Server;
  private readonly entries = new Map<string, NodeEntry>();
  private readonly prng: Prng;
  private readonly openSockets = new Set<net.Socket>();
  private closed = false;
  readonly zone: number;
  port = 0;

  constructor(
    readonly index: number,
    private readonly options: NlbOptions,
    private readonly counts: NlbCounts,
    private readonly changed: () => void,
  ) {
    this.zone = index % options.zones;
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

  truth(targetId: string): NodeTruth | undefined {
    return this.entries.get(targetId)?.truth;
  }

  connectionTimes(targetId: string): readonly number[] {
    return this.entries.get(targetId)?.connectionTimes ?? [];
  }

  refusedTimes(targetId: string): readonly number[] {
    return this.entries.get(targetId)?.refusedTimes ?? [];
  }

  /** The targets this node routes to: its zone's, or every zone's with cross-zone load balancing. */
  private inScope(entry: NodeEntry): boolean {
    return this.options.crossZone || entry.target.zone === this.zone;
  }

  /** Targets in scope the node routes new connections to as healthy. */
  get routableTargets(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (this.inScope(entry) && entry.view.acceptsNewConnections) n += 1;
    return n;
  }

  /** Schedules a control-plane change of `target` to reach this node after `delayMs`, after any earlier one. */
  schedule(target: LabTarget, delayMs: number, change: Change): Promise<void> {
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
        truth: { node: this.index, zone: this.zone, newConnections: 0 },
        connectionTimes: [],
        refusedTimes: [],
        connections: new Set(),
        updates: [],
        timers: new Set(),
        unhealthyTimer: undefined,
        unhealthySpells: 0,
        removed,
        removal,
      };
      this.entries.set(target.id, entry);
      this.options.trace.view(this.index, target.id, entry.view.label);
    }
    return entry;
  }

  private apply(entry: NodeEntry, change: Change): void {
    if (this.closed) return;
    const { view, truth } = entry;
    const now = this.options.trace.now();
    let changed = false;
    if (change === 'register' || change === 'register-healthy') {
      changed = change === 'register' ? view.register() : view.registerHealthy();
      if (changed) {
        truth.registeredAt = now;
        if (view.acceptsNewConnections) truth.routedAt = now;
        this.startHealthChecks(entry);
      }
    } else if (change === 'deregister') {
      changed = view.deregister();
      if (changed) truth.deregisteredAt = now;
    } else {
      changed = view.remove();
      if (changed) {
        truth.forgottenAt = now;
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
    const { truth, view } = entry;
    const now = this.options.trace.now();
    clearTimeout(entry.unhealthyTimer);
    entry.unhealthyTimer = undefined;
    if (transition.to === 'healthy') {
      truth.routedAt ??= now;
    } else if (transition.to === 'unhealthy') {
      truth.unhealthyAt = now;
      entry.unhealthySpells += 1;
      const lagMs = drawMs(this.options.unhealthyLag, this.options.seed, `lag/${entry.target.ordinal}/${this.index}/${entry.unhealthySpells}`, (s) => this.options.scale.ms(s));
      const lagOver = (): void => {
        entry.unhealthyTimer = undefined;
        if (this.closed || view.health !== 'unhealthy') return;
        if (view.applyUnhealthy()) {
          truth.unroutedAt = this.options.trace.now();
          this.report(entry);
        }
        const action = unhealthyAction(this.options.targetGroup);
        if (action.reset === 'now') this.resetConnections(entry, 'unhealthy');
        else {
          entry.unhealthyTimer = setTimeout(() => {
            entry.unhealthyTimer = undefined;
            if (!this.closed && view.health === 'unhealthy') this.resetConnections(entry, 'unhealthy');
          }, this.options.scale.ms(action.seconds));
        }
      };
      if (lagMs === 0) lagOver();
      else entry.unhealthyTimer = setTimeout(lagOver, lagMs);
    }
    this.report(entry);
  }

  /** No target in scope is routed as healthy, but some are registered: the node fails open to them. */
  private get failingOpen(): boolean {
    const { targets, failOpen } = routeCandidates(
      [...this.entries.values()].map((entry) => ({ view: entry.view, zone: entry.target.zone })),
      this.zone,
      this.options.crossZone,
    );
    return failOpen && targets.length > 0;
  }

  private resetConnections(entry: NodeEntry, why: 'deregistered' | 'unhealthy'): void {
    // A node failing open resets nothing as unhealthy (NLB guide, health checks).
    if (why === 'unhealthy' && this.failingOpen) return;
    for (const connection of entry.connections) {
      // A flow forgotten at the idle timeout is no longer the NLB's to reset.
      if (connection.dropped) continue;
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
    const { targets: entries, failOpen } = routeCandidates(
      [...this.entries.values()].map((entry) => ({ entry, view: entry.view, zone: entry.target.zone })),
      this.zone,
      this.options.crossZone,
    );
    if (entries.length === 0) {
      this.counts.refusedNoTarget += 1;
      this.options.trace.error('refused', this.index, 'no target in the zone');
      reset(client);
      return;
    }
    const { entry } = entries[this.prng.int(0, entries.length - 1)] as { entry: NodeEntry };
    if (failOpen) this.counts.failOpenConnections += 1;
    const now = this.options.trace.now();
    entry.truth.lastNewConnectionAt = now;
    entry.truth.newConnections += 1;
    entry.connectionTimes.push(now);
    const upstream = net.connect({ host: entry.target.host, port: entry.target.grpcPort, allowHalfOpen: true });
    this.track(upstream);
    const connection: ProxiedConnection = { client, upstream, dropped: false };
    entry.connections.add(connection);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      // Dated at the accept, like lastNewConnectionAt: the two truths differ only in which connections count.
      if (entry.truth.lastAcceptedConnectionAt === undefined || now > entry.truth.lastAcceptedConnectionAt) entry.truth.lastAcceptedConnectionAt = now;
      // pauseOnConnect held the client's bytes until now; pipe() resumes it and passes
      // each side's FIN on (allowHalfOpen), so a graceful close stays graceful.
      client.pipe(upstream);
      upstream.pipe(client);
      // Any byte either way counts as activity (socket timeouts see reads and writes).
      client.setTimeout(this.options.scale.ms(this.options.idleTimeoutSeconds), () => this.dropIdle(connection));
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === 'ECONNREFUSED') {
        this.counts.refusedByTarget += 1;
        entry.refusedTimes.push(now);
        this.options.trace.error('refused', this.index, `${entry.target.id} refused`);
      }
      // An RST from the target reaches the client as an RST.
      if (!connection.dropped) reset(client);
    });
    client.on('error', () => {
      if (!connection.dropped) reset(upstream);
    });
    const forget = (): void => {
      if (client.destroyed && upstream.destroyed) entry.connections.delete(connection);
    };
    client.once('close', (hadError) => {
      if (!connection.dropped) {
        if (hadError) reset(upstream);
        else if (!upstream.destroyed) upstream.end();
      }
      forget();
    });
    upstream.once('close', (hadError) => {
      if (!connection.dropped) {
        if (hadError) reset(client);
        else if (!client.destroyed) client.end();
      }
      forget();
    });
  }

  /**
   * The idle timeout: the flow is forgotten and neither end is told; the next packet from
   * either end (data or FIN) is answered with an RST.
   */
  private dropIdle(connection: ProxiedConnection): void {
    if (connection.dropped || this.closed) return;
    connection.dropped = true;
    this.counts.idleDropped += 1;
    const { client, upstream } = connection;
    client.setTimeout(0);
    client.unpipe(upstream);
    upstream.unpipe(client);
    for (const socket of [client, upstream]) {
      const answer = (): void => {
        if (socket.destroyed) return;
        this.counts.idleResets += 1;
        this.options.trace.error('reset', this.index, 'idle timeout');
        reset(socket);
      };
      socket.on('data', answer);
      socket.on('end', answer);
      socket.resume();
    }
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
  readonly counts: NlbCounts = {
    refusedNoTarget: 0,
    refusedByTarget: 0,
    resetDeregistered: 0,
    resetUnhealthy: 0,
    failOpenConnections: 0,
    idleDropped: 0,
    idleResets: 0,
  };
  private readonly nodeList: NlbNode[];
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly options: NlbOptions) {
    if (!Number.isInteger(options.zones) || options.zones < 1 || options.zones > options.nodes) {
      throw new RangeError(`lab: ${options.zones} zone(s) for ${options.nodes} NLB node(s): every zone needs a node`);
    }
    this.nodeList = Array.from({ length: options.nodes }, (_, index) => new NlbNode(index, options, this.counts, () => this.notify()));
  }

  static async start(options: NlbOptions): Promise<Nlb> {
    const nlb = new Nlb(options);
    await Promise.all(nlb.nodeList.map((node) => node.listen()));
    nlb.notify();
    return nlb;
  }

  /** The nodes' listening ports, one per node (the addresses the NLB's DNS name resolves to). */
  get ports(): number[] {
    return this.nodeList.map((node) => node.port);
  }

  get nodeCount(): number {
    return this.nodeList.length;
  }

  /** The zone of each node. */
  get nodeZones(): number[] {
    return this.nodeList.map((node) => node.zone);
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
    for (let zone = 0; zone < this.options.zones; zone += 1) {
      this.options.trace.zone(zone, this.zoneRoutableTargets(zone), this.zoneInDns(zone));
    }
    for (const listener of [...this.listeners]) listener();
  }

  /** The fewest targets any node of `zone` routes to as healthy (0: the zone is dark). */
  zoneRoutableTargets(zone: number): number {
    return Math.min(...this.nodeList.filter((n) => n.zone === zone).map((n) => n.routableTargets));
  }

  /** The fewest targets any node routes to as healthy: the capacity the clients have. */
  get minRoutableTargets(): number {
    return Math.min(...this.nodeList.map((n) => n.routableTargets));
  }

  /** DNS failover: a zone whose nodes have no healthy target is out of the answer, unless no zone has one (fail-open). */
  zoneInDns(zone: number): boolean {
    const healthy = Array.from({ length: this.options.zones }, (_, z) => this.nodeList.some((n) => n.zone === z && n.routableTargets > 0));
    return zonesInDns(healthy)[zone] === true;
  }

  /** The nodes the NLB's DNS name resolves to now. */
  dnsAnswer(): number[] {
    return this.nodeList.filter((n) => this.zoneInDns(n.zone)).map((n) => n.index);
  }

  private delay(range: SecondsRange, kind: string, target: LabTarget, node: number): number {
    return drawMs(range, this.options.seed, `${kind}/${target.ordinal}/${node}`, (s) => this.options.scale.ms(s));
  }

  /**
   * RegisterTargets: the target reaches each node after its own delay. The initial replicas,
   * a service that has been up for a while, are registered and healthy on every node at once.
   */
  register(target: LabTarget, initial: boolean): void {
    this.nodeList.forEach((node, i) => void (initial ? node.schedule(target, 0, 'register-healthy') : node.schedule(target, this.delay(this.options.registration, 'register', target, i), 'register')));
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
        const arrival = this.delay(this.options.propagation, 'deregister', target, i);
        void node.schedule(target, arrival, 'deregister');
        return node.schedule(target, Math.max(delayMs, arrival), 'remove');
      }),
    ).then(() => undefined);
  }

  /** Registered and healthy on every node: what the LBC's readiness gate waits for (see docs/lab.md). */
  healthyEverywhere(targetId: string): boolean {
    return this.nodeList.every((node) => node.view(targetId)?.acceptsNewConnections === true);
  }

  /** Every node's record of `targetId`, node by node. */
  truth(targetId: string): NodeTruth[] {
    return this.nodeList.map((node) => node.truth(targetId) ?? { node: node.index, zone: node.zone, newConnections: 0 });
  }

  /** When each node opened each new connection to `targetId`, node by node (trace clock, ms). */
  connectionTimes(targetId: string): (readonly number[])[] {
    return this.nodeList.map((node) => node.connectionTimes(targetId));
  }

  /** When each node opened each new connection that `targetId` refused, node by node (trace clock, ms). */
  refusedTimes(targetId: string): (readonly number[])[] {
    return this.nodeList.map((node) => node.refusedTimes(targetId));
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all(this.nodeList.map((node) => node.close()));
  }
}
