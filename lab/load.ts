/**
 * Client load through the NLB: @grpc/grpc-js clients, each its own channel (and its own
 * connection: a local subchannel pool) to one NLB node, spread over the nodes like clients
 * resolving the NLB's DNS name. Unary `Submit` calls go out at a fixed rate whatever
 * happens (open loop); `Subscribe` streams are held open and re-opened when they end.
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

export interface LoadOptions {
  /** The NLB nodes' ports. */
  readonly ports: readonly number[];
  readonly unaryClientsPerNode: number;
  readonly streamClientsPerNode: number;
  /** Wall-clock milliseconds between two calls of one unary client. */
  readonly unaryIntervalMs: number;
  readonly scale: TimeScale;
  readonly trace: Trace;
  readonly transparentRetries: boolean;
}

/** What the clients saw. */
export interface LoadCounts {
  rpcs: number;
  ok: number;
  failed: Record<string, number>;
  /** Failed calls by status and details, for finding out why. */
  failedDetails: Record<string, number>;
  streamsOpened: number;
  streamsEnded: number;
  streamsReset: number;
  streamResetDetails: Record<string, number>;
}

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
  readonly counts: LoadCounts = { rpcs: 0, ok: 0, failed: {}, failedDetails: {}, streamsOpened: 0, streamsEnded: 0, streamsReset: 0, streamResetDetails: {} };
  private readonly clients: { client: EngineClient; node: number }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly streams = new Set<grpc.ClientReadableStream<unknown>>();
  private stopping = false;

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    const { ports, scale } = this.options;
    const Engine = loadEngineClient();
    const channelOptions: grpc.ChannelOptions = {
      'grpc.enable_retries': this.options.transparentRetries ? 1 : 0,
      // One connection per client, so clients spread over targets like separate processes.
      'grpc.use_local_subchannel_pool': 1,
      // grpc-js' reconnect backoff (1 s, up to 120 s) is time too: scaled like the rest.
      'grpc.initial_reconnect_backoff_ms': scale.ms(1),
      'grpc.max_reconnect_backoff_ms': scale.ms(120),
    };
    const connect = (node: number): { client: EngineClient; node: number } => {
      const entry = { client: new Engine(`127.0.0.1:${ports[node]}`, grpc.credentials.createInsecure(), channelOptions), node };
      this.clients.push(entry);
      return entry;
    };
    let worker = 0;
    ports.forEach((_, node) => {
      for (let i = 0; i < this.options.unaryClientsPerNode; i += 1) {
        const { client } = connect(node);
        // Clients do not start in step.
        const offset = Math.floor((this.options.unaryIntervalMs * (i + node / ports.length)) / this.options.unaryClientsPerNode);
        const starter = setTimeout(() => {
          this.timers.delete(starter);
          const timer = setInterval(() => this.submit(client, node), this.options.unaryIntervalMs);
          this.timers.add(timer);
        }, offset);
        this.timers.add(starter);
      }
      for (let i = 0; i < this.options.streamClientsPerNode; i += 1) {
        const { client } = connect(node);
        this.subscribe(client, node, `worker-${(worker += 1)}`);
      }
    });
  }

  private submit(client: EngineClient, node: number): void {
    if (this.stopping) return;
    this.counts.rpcs += 1;
    // Generous in wall-clock time: a deadline is a failure the load would cause, not the model.
    const deadline = new Date(Date.now() + Math.max(this.options.scale.ms(30), 5_000));
    const done = new Promise<void>((resolve) => {
      client.Submit({ payload: 'task' }, failFast(), { deadline }, (error) => {
        if (error) {
          const name = statusName(error.code);
          bump(this.counts.failed, name);
          bump(this.counts.failedDetails, `${name}: ${normalizeDetails(error.details)}`);
          this.options.trace.error('unary', node, name);
        } else {
          this.counts.ok += 1;
        }
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
    for (const { client } of this.clients) client.close();
  }
}
