/**
 * Client load through the NLB: @grpc/grpc-js clients, each its own channel (and its own
 * connection: a local subchannel pool).
 *
 * - unary: one channel each, pinned to one NLB node (a client that resolved the NLB's name
 *   once and holds its connection); `Submit` calls at a fixed rate whatever happens (open loop).
 * - stream: `Subscribe` streams held open, pinned like the unary clients, re-opened when they end.
 * - churn: a fresh channel, hence a fresh connection, for every call, to a node of the NLB's
 *   DNS answer as the client's resolver cache last saw it (refreshed every TTL, 60 s: NLB
 *   guide, "Target group health", DNS failover). New connections are what propagation is
 *   about; these give every node a steady stream of them, so the lab's ground truth (when
 *   each node last opened a connection to a pod) is sharp.
 * - idle: one call, then silence for longer than the NLB's idle timeout, then the next call.
 *   One kind keeps its connection alive with HTTP/2 keepalive pings more often than the idle
 *   timeout; the other pings less often than it, so the NLB forgets its flow and the next
 *   call meets an RST (REFERENCES.md: "Client keepalive must fit under the NLB idle timeout").
 *   Counted apart: no drain setting can help them.
 *
 * Nothing hides a failure: no retry policy, `waitForReady: false` (grpc-js' default: a call
 * on a channel in TRANSIENT_FAILURE fails at once with UNAVAILABLE), one count per call.
 * gRPC's transparent retry (gRPC proposal A6: a call the server refused before any of its
 * code saw it, REFUSED_STREAM after a GOAWAY, is sent again once) stays on by default as in
 * every gRPC client; `transparentRetries: false` sets `grpc.enable_retries: 0`, which turns
 * it off too (see docs/lab.md for what that shows).
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { REPO_ROOT } from './build';
import { Prng } from './prng';
import type { TimeScale } from './time-scale';
import type { Trace } from './trace';
import { DEFAULT_HANG_UP_MESSAGE } from 'grpc-drain/runtime';

/**
 * The status message the runtime ends a hung-up stream with (UNAVAILABLE); the example server
 * keeps the default.
 */
export const DRAIN_HANG_UP_MESSAGE = DEFAULT_HANG_UP_MESSAGE;

/** How a `Subscribe` stream ended. */
export type StreamEnd = 'ended' | 'reset';

/**
 * `ended`: the server chose to end it, with OK or with the drain's hang-up (UNAVAILABLE and
 * the runtime's message), and the client can reconnect at once. `reset`: anything else, a
 * connection reset or closed under the stream (by the NLB or a killed process), RST_STREAM
 * (CANCELLED from a forced stop, INTERNAL), a stream that could not be opened (no
 * connection, UNAVAILABLE), a deadline.
 */
export function classifyStreamEnd(code: number, details: string): StreamEnd {
  if (code === grpc.status.OK) return 'ended';
  if (code === grpc.status.UNAVAILABLE && details === DRAIN_HANG_UP_MESSAGE) return 'ended';
  return 'reset';
}

/** The status name of a code (`UNAVAILABLE`), as the JSON report keys failures. */
export function statusName(code: number): string {
  return grpc.status[code] ?? `CODE_${code}`;
}

/** The idle clients' rhythm, budget seconds. */
export interface IdleLoad {
  /** Silence between two calls: longer than the NLB's idle timeout. */
  readonly periodSeconds: number;
  /** The keepalive interval of the client that keeps its flow alive (under the idle timeout). */
  readonly shortKeepaliveSeconds: number;
  /** The keepalive interval of the client whose flow the NLB forgets (over the idle timeout). */
  readonly longKeepaliveSeconds: number;
}

export interface LoadOptions {
  /** The NLB nodes' ports. */
  readonly ports: readonly number[];
  readonly unaryClientsPerNode: number;
  readonly streamClientsPerNode: number;
  /** Wall-clock milliseconds between two calls of one unary client. */
  readonly unaryIntervalMs: number;
  /** Churn clients (a fresh connection per call), and the wall-clock milliseconds between two of one client's calls. */
  readonly churnClients: number;
  readonly churnIntervalMs: number;
  /** The nodes the NLB's DNS name resolves to now. */
  readonly dns: () => readonly number[];
  /** How long a churn client's resolver keeps an answer, budget seconds. */
  readonly dnsTtlSeconds: number;
  /** The idle clients (two per node), or none. */
  readonly idle: IdleLoad | undefined;
  readonly seed: number;
  readonly scale: TimeScale;
  readonly trace: Trace;
  readonly transparentRetries: boolean;
}

/** The kinds of unary client (see the module comment). */
export const CLIENT_KINDS = ['unary', 'churn', 'idle-short-keepalive', 'idle-long-keepalive'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** What one kind of client saw. */
export interface CallCounts {
  rpcs: number;
  ok: number;
  /** Failed calls by status name. */
  failed: Record<string, number>;
  /** Failed calls by status and details, for finding out why. */
  failedDetails: Record<string, number>;
}

/** What the clients saw. */
export interface LoadCounts {
  /** The unary and churn clients together: the calls a drain is judged by. */
  readonly total: CallCounts;
  readonly byClient: { readonly [K in ClientKind]: CallCounts };
  streamsOpened: number;
  streamsEnded: number;
  streamsReset: number;
  streamResetDetails: Record<string, number>;
}

const emptyCounts = (): CallCounts => ({ rpcs: 0, ok: 0, failed: {}, failedDetails: {} });

interface EngineClient extends grpc.Client {
  Submit(request: { payload: string }, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null) => void): grpc.ClientUnaryCall;
  Subscribe(request: { workerId: string }, metadata: grpc.Metadata, options: grpc.CallOptions): grpc.ClientReadableStream<unknown>;
}

function loadEngineClient(): new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => EngineClient {
  const definition = protoLoader.loadSync(path.join(REPO_ROOT, 'examples', 'grpc-server', 'engine.proto'), { defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { engine: { v1: { Engine: new (...args: ConstructorParameters<typeof grpc.Client>) => EngineClient } } };
  return loaded.engine.v1.Engine;
}

/** `waitForReady: false` (grpc-js' default, a metadata option there), spelled out: a call fails rather than waits. */
function failFast(): grpc.Metadata {
  return new grpc.Metadata({ waitForReady: false });
}

/** Details without what differs between runs (addresses, times), so equal causes group. */
export function normalizeDetails(details: string): string {
  return details
    .replace(/\d{1,3}(\.\d{1,3}){3}:\d+/g, 'ADDR')
    .replace(/ ?\(\d{4}-\d\d-\d\dT[^)]*\)/g, '')
    .replace(/\.? ?Resolution note: ?$/, '')
    .trim();
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export class LoadGenerator {
  readonly counts: LoadCounts = {
    total: emptyCounts(),
    byClient: { unary: emptyCounts(), churn: emptyCounts(), 'idle-short-keepalive': emptyCounts(), 'idle-long-keepalive': emptyCounts() },
    streamsOpened: 0,
    streamsEnded: 0,
    streamsReset: 0,
    streamResetDetails: {},
  };
  private readonly clients: EngineClient[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly streams = new Set<grpc.ClientReadableStream<unknown>>();
  private stopping = false;
  private Engine: ReturnType<typeof loadEngineClient> | undefined;
  private channelOptions: grpc.ChannelOptions = {};

  constructor(private readonly options: LoadOptions) {}

  private newClient(node: number, extra: grpc.ChannelOptions = {}): EngineClient {
    const Engine = (this.Engine ??= loadEngineClient());
    return new Engine(`127.0.0.1:${this.options.ports[node]}`, grpc.credentials.createInsecure(), { ...this.channelOptions, ...extra });
  }

  private every(ms: number, offsetMs: number, tick: () => void): void {
    const starter = setTimeout(() => {
      this.timers.delete(starter);
      tick();
      const timer = setInterval(tick, ms);
      this.timers.add(timer);
    }, offsetMs);
    this.timers.add(starter);
  }

  start(): void {
    const { ports, scale } = this.options;
    this.channelOptions = {
      'grpc.enable_retries': this.options.transparentRetries ? 1 : 0,
      // One connection per client, so clients spread over targets like separate processes.
      'grpc.use_local_subchannel_pool': 1,
      // grpc-js' reconnect backoff (1 s, up to 120 s) and its channel idle timeout (30 min)
      // are time too: scaled like the rest.
      'grpc.initial_reconnect_backoff_ms': scale.ms(1),
      'grpc.max_reconnect_backoff_ms': scale.ms(120),
      'grpc.client_idle_timeout_ms': scale.ms(30 * 60),
    };
    let worker = 0;
    ports.forEach((_, node) => {
      for (let i = 0; i < this.options.unaryClientsPerNode; i += 1) {
        const client = this.newClient(node);
        this.clients.push(client);
        // Clients do not start in step.
        const offset = Math.floor((this.options.unaryIntervalMs * (i + node / ports.length)) / this.options.unaryClientsPerNode);
        this.every(this.options.unaryIntervalMs, offset, () => this.submit('unary', client, node));
      }
      for (let i = 0; i < this.options.streamClientsPerNode; i += 1) {
        const client = this.newClient(node);
        this.clients.push(client);
        this.subscribe(client, node, `worker-${(worker += 1)}`);
      }
    });
    for (let i = 0; i < this.options.churnClients; i += 1) this.startChurn(i);
    if (this.options.idle) this.startIdle(this.options.idle);
  }

  /** A churn client: every call on a fresh channel to a node of its cached DNS answer. */
  private startChurn(index: number): void {
    const { scale, seed, dnsTtlSeconds } = this.options;
    const prng = new Prng(seed * 7919 + index);
    const ttlMs = scale.ms(dnsTtlSeconds);
    let answer = this.options.dns();
    // Resolver caches do not expire in step.
    let refreshAt = this.options.trace.now() + Math.floor(prng.next() * ttlMs);
    const offset = Math.floor((this.options.churnIntervalMs * index) / Math.max(1, this.options.churnClients));
    this.every(this.options.churnIntervalMs, offset, () => {
      const now = this.options.trace.now();
      if (now >= refreshAt) {
        answer = this.options.dns();
        refreshAt = now + ttlMs;
      }
      const node = answer[prng.int(0, answer.length - 1)] as number;
      const client = this.newClient(node);
      this.submit('churn', client, node, () => client.close());
    });
  }

  /**
   * Two idle clients per node: one whose keepalive fits under the idle timeout, one whose does
   * not. Each waits `periodSeconds` from the end of its last call to its next, so its silence
   * is the period whatever the calls' own latency.
   */
  private startIdle(idle: IdleLoad): void {
    const { ports, scale } = this.options;
    const kinds: [ClientKind, number][] = [
      ['idle-short-keepalive', idle.shortKeepaliveSeconds],
      ['idle-long-keepalive', idle.longKeepaliveSeconds],
    ];
    ports.forEach((_, node) => {
      for (const [kind, keepaliveSeconds] of kinds) {
        const client = this.newClient(node, {
          'grpc.keepalive_time_ms': scale.ms(keepaliveSeconds),
          'grpc.keepalive_timeout_ms': scale.ms(20),
          'grpc.keepalive_permit_without_calls': 1,
        });
        this.clients.push(client);
        const call = (): void =>
          this.submit(kind, client, node, () => {
            if (this.stopping) return;
            const timer = setTimeout(() => {
              this.timers.delete(timer);
              call();
            }, scale.ms(idle.periodSeconds));
            this.timers.add(timer);
          });
        call();
      }
    });
  }

  private submit(kind: ClientKind, client: EngineClient, node: number, after: () => void = () => undefined): void {
    if (this.stopping) {
      after();
      return;
    }
    const tallies = kind === 'unary' || kind === 'churn' ? [this.counts.byClient[kind], this.counts.total] : [this.counts.byClient[kind]];
    for (const t of tallies) t.rpcs += 1;
    // Generous in wall-clock time too: a deadline is a failure a starved lab process would
    // cause, not the model.
    const deadline = new Date(Date.now() + Math.max(this.options.scale.ms(30), 20_000));
    const done = new Promise<void>((resolve) => {
      client.Submit({ payload: 'task' }, failFast(), { deadline }, (error) => {
        if (error) {
          const name = statusName(error.code);
          for (const t of tallies) {
            bump(t.failed, name);
            bump(t.failedDetails, `${name}: ${normalizeDetails(error.details)}`);
          }
          this.options.trace.error('unary', node, name);
        } else {
          for (const t of tallies) t.ok += 1;
        }
        after();
        resolve();
      });
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  private subscribe(client: EngineClient, node: number, workerId: string): void {
    if (this.stopping) return;
    this.counts.streamsOpened += 1;
    const stream = client.Subscribe({ workerId }, failFast(), {});
    this.streams.add(stream);
    stream.on('data', () => undefined);
    // Non-OK statuses arrive as 'error' and then 'status'; the 'status' handler counts both.
    stream.on('error', () => undefined);
    stream.once('status', (status: grpc.StatusObject) => {
      this.streams.delete(stream);
      if (this.stopping) return;
      const end = classifyStreamEnd(status.code, status.details);
      if (end === 'ended') {
        this.counts.streamsEnded += 1;
        // The drain asked the worker to go elsewhere: it does at once (the article's clients).
        setImmediate(() => this.subscribe(client, node, workerId));
      } else {
        this.counts.streamsReset += 1;
        bump(this.counts.streamResetDetails, `${statusName(status.code)}: ${normalizeDetails(status.details)}`);
        this.options.trace.error('stream', node, statusName(status.code));
        // A worker whose stream broke waits a budget second before trying again.
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.subscribe(client, node, workerId);
        }, this.options.scale.ms(1));
        this.timers.add(timer);
      }
    });
  }

  /** Stops sending, waits for the calls in flight, cancels the streams (not counted) and closes the channels. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.timers.clear();
    await Promise.all([...this.inFlight]);
    for (const stream of this.streams) stream.cancel();
    for (const client of this.clients) client.close();
  }
}
