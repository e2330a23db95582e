import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Arrival, ArrivalLog, LateAction } from './arrivals';
import { ConnectionTap, type GoAwayOutcome } from './connection-tap';
import type { ConnectionInjector, InjectableServer } from './grpc-types';
import { goawayFrame, settingsFrame } from './http2-frames';
import type { LateConnections } from './options';

/** Where the owned gRPC listener listens. */
export interface GrpcListenerAddress {
  readonly address: string;
  readonly port: number;
}

/** Where the listener is in the shutdown. */
type ListenerPhase = 'serving' | 'draining' | 'drained' | 'closed';

/** A connection handed to grpc-js. */
interface ServedConnection {
  readonly tap: ConnectionTap;
  readonly injector: ConnectionInjector;
}

/** What the listener needs. */
export interface GrpcListenerSettings {
  readonly server: InjectableServer;
  readonly credentials: object;
  readonly port: number;
  readonly host?: string;
  readonly lateConnections: LateConnections;
  /** How long a two-step GOAWAY waits for the client (its SETTINGS ACK, then its PING ACK). */
  readonly goAwayWaitMs: number;
  readonly arrivals: ArrivalLog;
  /** Called for each connection that arrives after SIGTERM, with what it got. */
  readonly onLate: (arrival: Arrival, action: LateAction) => void;
  /** Called once per connection the runtime could not end with frames (TLS, not HTTP/2). */
  readonly onOpaque: (remoteAddress: string | undefined) => void;
}

/** How long a GOAWAY-only connection may stay open for its client to close it. */
const GOAWAY_LINGER_MS = 2000;

/**
 * The gRPC port, owned by the runtime (DESIGN.md §7): it accepts each TCP connection itself,
 * dates it in the {@link ArrivalLog}, and hands it to grpc-js through a connection injector of
 * its own (one per connection, so that one connection can be closed gracefully without
 * touching the others: `destroy()` is grpc-js's graceful close of that injector's sessions).
 *
 * After SIGTERM the listener stays open until the process exits (except with `refuse`). While
 * the server drains, a new connection is served and told to go away (`serve`); after the drain,
 * or with `goaway`, it gets SETTINGS + GOAWAY(NO_ERROR, last stream 0) before any stream, so its
 * client retries the call elsewhere (RFC 9113 §6.8: streams above the last stream id were not
 * processed and can be retried).
 */
export class GrpcListener {
  private readonly listener: net.Server;
  private phase: ListenerPhase = 'serving';
  private readonly served = new Set<ServedConnection>();
  private readonly answered = new Set<net.Socket>();
  private readonly idleWaiters = new Set<() => void>();
  private bound: GrpcListenerAddress | undefined;
  private listening: Promise<GrpcListenerAddress> | undefined;
  private lateServedCount = 0;
  /** `performance.now()` of the last accepted connection, whatever it got. */
  private lastArrivalAt: number | undefined;

  constructor(private readonly settings: GrpcListenerSettings) {
    // pauseOnConnect: no byte is read before the connection has its tap.
    this.listener = net.createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  get address(): GrpcListenerAddress | undefined {
    return this.bound;
  }

  /** Connections handed to grpc-js and still open. */
  get openConnections(): number {
    return this.served.size;
  }

  /** Connections that arrived after SIGTERM and were served. */
  get lateServed(): number {
    return this.lateServedCount;
  }

  /** Binds the port; idempotent. Rejects with the port in the message. */
  listen(): Promise<GrpcListenerAddress> {
    this.listening ??= new Promise<GrpcListenerAddress>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(new Error(`grpc-drain runtime: the gRPC listener cannot listen on ${this.settings.host ?? '*'}:${this.settings.port}: ${error.code ?? error.message}`, { cause: error }));
      };
      this.listener.once('error', onError);
      this.listener.listen({ port: this.settings.port, host: this.settings.host }, () => {
        this.listener.off('error', onError);
        const info = this.listener.address() as net.AddressInfo;
        this.bound = { address: info.address, port: info.port };
        resolve(this.bound);
      });
    });
    return this.listening;
  }

  private accept(socket: net.Socket): void {
    const arrival = { at: performance.now(), remoteAddress: socket.remoteAddress };
    this.lastArrivalAt = arrival.at;
    socket.setNoDelay(true);
    const late = this.phase !== 'serving';
    const serve = this.phase === 'serving' || (this.phase === 'draining' && this.settings.lateConnections === 'serve');
    if (!serve || this.phase === 'closed') {
      this.settings.arrivals.record(arrival, late ? 'goaway' : undefined);
      if (late) this.settings.onLate(arrival, 'goaway');
      this.answerGoAway(socket);
      return;
    }
    const tap = new ConnectionTap(socket);
    let injector: ConnectionInjector;
    try {
      injector = this.settings.server.createConnectionInjector(this.settings.credentials);
    } catch {
      // The server is gone (forceShutdown raced the accept): answer like after the drain.
      tap.destroy();
      this.settings.arrivals.record(arrival, late ? 'closed' : undefined);
      if (late) this.settings.onLate(arrival, 'closed');
      return;
    }
    const connection: ServedConnection = { tap, injector };
    this.served.add(connection);
    this.settings.arrivals.record(arrival, late ? ('served' satisfies LateAction) : undefined);
    if (late) {
      this.lateServedCount += 1;
      this.settings.onLate(arrival, 'served');
    }
    tap.once('close', () => {
      this.served.delete(connection);
      // Frees the injector's HTTP/2 server inside grpc-js (its sessions have closed).
      injector.destroy();
      if (this.served.size === 0) for (const waiter of [...this.idleWaiters]) waiter();
    });
    injector.injectConnection(tap);
    socket.resume();
    if (late) void this.goAway(connection);
  }

  /** The two-step GOAWAY, then grpc-js's graceful close of that connection's session. */
  private async goAway(connection: ServedConnection): Promise<GoAwayOutcome> {
    const outcome = await connection.tap.goAway(this.settings.goAwayWaitMs);
    if (outcome === 'opaque') this.settings.onOpaque(connection.tap.remoteAddress);
    // A turn later, so the session has read the bytes the tap forwarded before the PING ACK.
    setImmediate(() => connection.injector.destroy());
    return outcome;
  }

  /** A connection that gets no stream: server preface, GOAWAY(0), then half-close. */
  private answerGoAway(socket: net.Socket): void {
    this.answered.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.answered.delete(socket));
    socket.end(Buffer.concat([settingsFrame(), goawayFrame(0)]));
    // Read what the client sends until it closes: closing with unread bytes would reset it.
    socket.resume();
    setTimeout(() => socket.destroy(), GOAWAY_LINGER_MS).unref();
  }

  /**
   * SIGTERM: every open connection is told to go away (two-step); from now on new ones get
   * `lateConnections`; with `refuse` the listener closes.
   */
  beginDrain(): void {
    if (this.phase !== 'serving') return;
    this.phase = 'draining';
    if (this.settings.lateConnections === 'refuse') this.listener.close();
    for (const connection of this.served) void this.goAway(connection);
  }

  /**
   * Resolves `true` once every served connection has closed and no connection has arrived for
   * the GOAWAY wait (`goAwayWaitMs`), and — when a connection arrived after SIGTERM and was
   * served, which says the load balancer still routes here — not before `deadline` (a
   * `performance.now()` time), so later arrivals are served too; `false` if connections are
   * still open at the deadline.
   *
   * The quiet wait is what makes the evidence count: the clients told to go away at SIGTERM
   * reconnect at once, and a load-balancer node that still routes here sends some of them
   * back. Without it the drain ended as soon as the sent-away connections had closed, a round
   * trip after SIGTERM, just before those reconnections arrived; they then got GOAWAY(0) and,
   * after the exit, ECONNREFUSED (measured in the lab: docs/lab.md, "Late connections").
   */
  drained(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let quietTimer: NodeJS.Timeout | undefined;
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        clearTimeout(quietTimer);
        this.idleWaiters.delete(check);
        resolve(value);
      };
      const check = (): void => {
        if (this.served.size > 0) return;
        const now = performance.now();
        if (this.lateServedCount > 0 && now < deadline) return;
        const quietUntil = Math.min(deadline, (this.lastArrivalAt ?? -Infinity) + this.settings.goAwayWaitMs);
        if (now < quietUntil) {
          clearTimeout(quietTimer);
          quietTimer = setTimeout(check, quietUntil - now);
          return;
        }
        finish(true);
      };
      timer = setTimeout(() => finish(this.served.size === 0), Math.max(0, deadline - performance.now()));
      this.idleWaiters.add(check);
      check();
    });
  }

  /** The drain is over: new connections get GOAWAY before any stream from now on. */
  endDrain(): void {
    if (this.phase === 'draining') this.phase = 'drained';
  }

  /** Cuts every served connection (the drain timeout ran out). */
  destroyServed(): void {
    for (const { tap } of this.served) tap.destroy();
  }

  /** The exit: stops listening and drops every connection. */
  close(): Promise<void> {
    this.phase = 'closed';
    this.destroyServed();
    for (const socket of this.answered) socket.destroy();
    return new Promise((resolve) => {
      if (!this.listener.listening) {
        resolve();
        return;
      }
      this.listener.close(() => resolve());
    });
  }
}
