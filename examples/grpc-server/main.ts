/**
 * The example engine on the grpc-drain runtime: a unary `Submit` and a long-lived
 * `Subscribe` stream, a health server on the contract's port, and the drain on SIGTERM.
 *
 *   npx ts-node -r tsconfig-paths/register examples/grpc-server/main.ts
 *
 * Environment (besides the GRPC_DRAIN_* contract the constructs inject):
 *   GRPC_PORT               gRPC port (0: a free one, logged)             default 7070
 *   GRPC_HOST               gRPC bind address                             default 0.0.0.0
 *   HEALTH_HOST             health server bind address                    default every interface
 *   ENGINE_INSTANCE         replica name in replies and logs              default the host name
 *   ENGINE_SUBMIT_DELAY_MS  time Submit takes before it answers           default 0
 *   ENGINE_TICK_MS          interval between tasks on a Subscribe stream  default 1000
 *   ENGINE_TRACK_STREAMS    "false" leaves Subscribe streams untracked    default true
 *                           (the naive server: its streams hold the graceful stop open, and it
 *                           binds gRPC itself, as a plain grpc-js server: no measurement, the
 *                           listener closes at SIGTERM, one GOAWAY)
 *   ENGINE_CLEANUP_MS       time the example cleanup hook takes           default 0
 *
 * Every lifecycle event is one JSON line on stdout (`event`: health-listening, grpc-listening,
 * ready-200, engine-started, sigterm, ready-503, streams-ended, late-connection,
 * drain-complete | force-shutdown, cleanup-complete, health-closed, propagation, exit, …), so
 * a harness can follow each replica; `propagation` is the termination report that
 * `grpc-drain propagation` reads. GRPC_DRAIN_PRESTOP_SECONDS dates the deletion and
 * GRPC_DRAIN_LATE_CONNECTIONS (serve | goaway | refuse) says what connections after SIGTERM get.
 */
import * as path from 'node:path';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createDrain } from 'grpc-drain/runtime';

interface SubmitRequest {
  payload: string;
}
interface SubmitReply {
  taskId: string;
  servedBy: string;
}
interface SubscribeRequest {
  workerId: string;
}
interface Task {
  taskId: string;
  payload: string;
  servedBy: string;
}

/** The example's own events, in the runtime's JSON-lines shape (see `jsonLinesLogger`). */
function log(event: string, msg: string, data: Record<string, string | number | boolean> = {}, level: 'info' | 'error' = 'info'): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, msg, ...data })}\n`);
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function loadEngine(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync(path.join(__dirname, 'engine.proto'), { keepCase: false, longs: String, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { engine: { v1: { Engine: { service: grpc.ServiceDefinition } } } };
  return loaded.engine.v1.Engine.service;
}

async function main(): Promise<void> {
  const grpcPort = intFromEnv('GRPC_PORT', 7070, 0, 65535);
  const grpcHost = process.env.GRPC_HOST || '0.0.0.0';
  const instance = process.env.ENGINE_INSTANCE || hostname();
  const submitDelayMs = intFromEnv('ENGINE_SUBMIT_DELAY_MS', 0, 0, 3_600_000);
  const tickMs = intFromEnv('ENGINE_TICK_MS', 1000, 1, 3_600_000);
  const cleanupMs = intFromEnv('ENGINE_CLEANUP_MS', 0, 0, 3_600_000);
  const trackStreams = process.env.ENGINE_TRACK_STREAMS !== 'false';

  const server = new grpc.Server();
  // Before addService, so the drain counts every call. The runtime owns the gRPC port: it dates
  // every new connection (the propagation report at exit) and answers /ready 200 only once
  // the port is bound.
  // The naive server (ENGINE_TRACK_STREAMS=false) stays a plain grpc-js server at SIGTERM too:
  // it binds the port itself, so tryShutdown closes the listener (late connections refused)
  // and sends its single GOAWAY; it measures nothing.
  const ownListener = trackStreams;
  const drain = createDrain(server, {
    healthHost: process.env.HEALTH_HOST || undefined,
    podName: instance,
    ...(ownListener ? { grpcPort, grpcHost, credentials: grpc.ServerCredentials.createInsecure() } : { initiallyReady: false }),
  });

  let nextTask = 0;
  const taskId = (): string => `${instance}-${(nextTask += 1)}`;

  server.addService(loadEngine(), {
    Submit(_call: grpc.ServerUnaryCall<SubmitRequest, SubmitReply>, callback: grpc.sendUnaryData<SubmitReply>) {
      const reply = (): void => callback(null, { taskId: taskId(), servedBy: instance });
      if (submitDelayMs === 0) reply();
      else setTimeout(reply, submitDelayMs);
    },
    Subscribe(call: grpc.ServerWritableStream<SubscribeRequest, Task>) {
      if (trackStreams) drain.track(call);
      const send = (): void => {
        if (!call.writableEnded && !call.cancelled) call.write({ taskId: taskId(), payload: `for ${call.request.workerId}`, servedBy: instance });
      };
      send();
      const ticker = setInterval(send, tickMs);
      // However the stream ends (hung up by the drain, cancelled by the client, cut by
      // forceShutdown), stop writing to it.
      for (const event of ['finish', 'close', 'cancelled', 'error']) call.once(event, () => clearInterval(ticker));
    },
  });

  drain.onShutdown(async function flushMetrics(signal) {
    if (cleanupMs === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, cleanupMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  });

  await drain.listen(); // health, then (owned) gRPC: the runtime logs health-listening, grpc-listening
  let port = drain.grpcAddress?.port;
  if (!ownListener) {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${grpcHost}:${grpcPort}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    drain.setReady(true);
    log('grpc-listening', `gRPC on ${grpcHost}:${port}, bound by the server (not owned by the runtime)`, { address: grpcHost, port });
  }
  log('engine-started', `engine ${instance} serving gRPC on ${grpcHost}:${port}`, {
    port: port ?? grpcPort,
    instance,
    trackStreams,
    startupMs: Math.round(process.uptime() * 1000),
  });
}

main().catch((error: unknown) => {
  // A DrainOptionsError lists every bad GRPC_DRAIN_* value at once.
  log('start-failed', error instanceof Error ? error.message : String(error), {}, 'error');
  process.exit(1);
});
