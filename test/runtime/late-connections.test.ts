/**
 * Acceptance item 2, the direction: behind a round-robin proxy in front of a draining and a
 * healthy server, fresh channels with the default grpc-js client fail less when the draining
 * server serves its late connections than when it refuses them. The figures per mode (and with
 * retries off) are measured in bench/late-connections; this test only holds the direction,
 * with a margin no scheduling hiccup can close (round robin: half the channels reach the
 * draining server, and every refused one fails).
 */
import type { LateConnections } from 'grpc-drain/runtime';
import { fixtureClient, slowCall, startOwnedServer } from './owned-server';
import { TcpProxy } from './tcp-proxy';

const CHANNELS = 20;

/** Fresh channels through the proxy while one server drains: how many calls failed. */
async function failures(late: LateConnections): Promise<number> {
  const draining = await startOwnedServer({ lateConnections: late, drainTimeoutSeconds: 4, cleanupSeconds: 0 });
  const healthy = await startOwnedServer({ cleanupSeconds: 0 });
  const holder = fixtureClient(draining.port);
  const held = slowCall(holder, 3000); // holds the drain open while the channels run
  await new Promise((r) => setTimeout(r, 100));
  const shutdown = draining.drain.shutdown();
  const proxy = new TcpProxy([draining.port, healthy.port]);
  const port = await proxy.listen();
  let failed = 0;
  try {
    for (let i = 0; i < CHANNELS; i += 1) {
      const client = fixtureClient(port);
      if ((await slowCall(client, 1)) !== 0) failed += 1;
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
