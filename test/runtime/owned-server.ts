/**
 * Test harness: a grpc-js server in this process whose gRPC listener the runtime owns, on free
 * loopback ports, with the fixture's Slow method (answers after `delayMs`). No signals, no
 * exit: the test drives `drain.shutdown()`.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createDrain, type Drain, type DrainOptions } from 'grpc-drain/runtime';
import { loadClient } from './child-server';

export const Fixture = loadClient(path.join(__dirname, 'fixtures', 'drain-fixture.proto'), 'fixture.Fixture');
export type FixtureClient = grpc.Client & {
  Slow: (req: { delayMs: number }, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: { waitedMs: number }) => void) => void;
};

/** A fixture client of `port` on 127.0.0.1. */
export function fixtureClient(port: number, options: grpc.ChannelOptions = {}): FixtureClient {
  return new Fixture(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as unknown as FixtureClient;
}

/** One Slow call: its status code (0 for OK). */
export function slowCall(client: FixtureClient, delayMs: number): Promise<number> {
  return new Promise((resolve) => client.Slow({ delayMs }, { deadline: Date.now() + 10_000 }, (e) => resolve(e ? e.code : 0)));
}

/** Starts the server and its drain (health and gRPC listening); `options` override the quiet defaults. */
export async function startOwnedServer(options: DrainOptions = {}): Promise<{ server: grpc.Server; drain: Drain; port: number }> {
  const server = new grpc.Server();
  const drain = createDrain(server, {
    env: {},
    preStopSeconds: 0,
    drainTimeoutSeconds: 1,
    cleanupSeconds: 1,
    exit: false,
    handleSignals: false,
    logger: false,
    healthPort: 0,
    healthHost: '127.0.0.1',
    grpcPort: 0,
    grpcHost: '127.0.0.1',
    credentials: grpc.ServerCredentials.createInsecure(),
    ...options,
  });
  server.addService(Fixture.service, {
    Slow(call: grpc.ServerUnaryCall<{ delayMs: number }, object>, callback: grpc.sendUnaryData<object>) {
      setTimeout(() => callback(null, { waitedMs: call.request.delayMs }), call.request.delayMs);
    },
  });
  await drain.listen();
  return { server, drain, port: drain.grpcAddress!.port };
}
