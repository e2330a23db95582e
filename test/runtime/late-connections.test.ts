/**
 * Acceptance item 2, the direction: behind a round-robin proxy in front of a draining and a
 * healthy server, fresh channels with the default grpc-js client fail less when the draining
 * server serves its late connections than when it refuses them. The figures per mode (and with
 * retries off) are measured in bench/late-connections; this test only holds the direction,
 * with a margin no scheduling hiccup can close (round robin: half the channels reach the
 * draining server, and every refused one fails).
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createDrain, type Drain, type LateConnections } from 'grpc-drain/runtime';
import { loadClient } from './child-server';
import { TcpProxy } from './tcp-proxy';

const Fixture = loadClient(path.join(__dirname, 'fixtures', 'drain-fixture.proto'), 'fixture.Fixture');
type FixtureClient = grpc.Client & { Slow: (req: { delayMs: number }, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void };
const CHANNELS = 20;

async function serverWithDrain(late: LateConnections): Promise<{ server: grpc.Server; drain: Drain; port: number }> {
  const server = new grpc.Server();
  const drain = createDrain(server, {
    env: {},
    preStopSeconds: 0,
    drainTimeoutSeconds: 4,
    cleanupSeconds: 0,
    exit: false,
    handleSignals: false,
    logger: false,
    healthPort: 0,
    healthHost: '127.0.0.1',
    grpcPort: 0,
    grpcHost: '127.0.0.1',
    credentials: grpc.ServerCredentials.createInsecure(),
    lateConnections: late,
  });
  server.addService(Fixture.service, {
    Slow(call: grpc.ServerUnaryCall<{ delayMs: number }, object>, callback: grpc.sendUnaryData<object>) {
      setTimeout(() => callback(null, { waitedMs: call.request.delayMs }), call.request.delayMs);
    },
  });
  await drain.listen();
  return { server, drain, port: drain.grpcAddress!.port };
}

const call = (client: FixtureClient, delayMs: number): Promise<number> =>
  new Promise((resolve) => client.Slow({ delayMs }, { deadline: Date.now() + 5000 }, (e) => resolve(e ? e.code : 0)));

/** Fresh channels through the proxy while one server drains: how many calls failed. */
async function failures(late: LateConnections): Promise<number> {
  const draining = await serverWithDrain(late);
  const healthy = await serverWithDrain('serve');
  const holder = new Fixture(`127.0.0.1:${draining.port}`, grpc.credentials.createInsecure()) as unknown as FixtureClient;
  const held = call(holder, 3000); // holds the drain open while the channels run
  await new Promise((r) => setTimeout(r, 100));
  const shutdown = draining.drain.shutdown();
  const proxy = new TcpProxy([draining.port, healthy.port]);
  const port = await proxy.listen();
  let failed = 0;
  try {
    for (let i = 0; i < CHANNELS; i += 1) {
      const client = new Fixture(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as FixtureClient;
      if ((await call(client, 1)) !== 0) failed += 1;
      client.close();
    }
  } finally {
    await held;
    holder.close();
    await proxy.close();
    await shutdown;
    await healthy.drain.shutdown();
  }
  return failed;
}

it('serve fails strictly fewer calls than refuse (default client, transparent retries on)', async () => {
  const refused = await failures('refuse');
  const served = await failures('serve');
  expect(refused).toBeGreaterThan(0);
  expect(served).toBeLessThan(refused);
}, 60_000);
