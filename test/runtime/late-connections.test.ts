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

/**
 * Found by the lab (docs/lab.md, "Late connections"): the clients sent away at SIGTERM
 * reconnect at once, and a load balancer that still routes here sends some back; but the drain
 * used to end as soon as the sent-away connections had closed, a round trip after SIGTERM, so
 * those reconnections got GOAWAY(0) and, after the exit, ECONNREFUSED. The drain now waits
 * until no connection has arrived for the GOAWAY wait (min(1 s, drain timeout / 2)).
 */
describe('a connection that arrives just after the sent-away connections have closed', () => {
  it('is served, and the drain then serves until its timeout', async () => {
    const late: string[] = [];
    // A drain timeout of 6 s: the connections sent away (at SIGTERM, and the late one at once)
    // must have closed before it, which took over 2.8 s on a machine with two busy loops beside
    // the suite (graceful was false with 3 s).
    const { drain, port } = await startOwnedServer({ drainTimeoutSeconds: 6, cleanupSeconds: 0, logger: (e) => (e.event === 'late-connection' ? late.push(String(e.data['action'])) : undefined) });
    const first = fixtureClient(port);
    const second = fixtureClient(port);
    try {
      // A connection arrives (at t0), its call is answered, and SIGTERM follows at once: the
      // two-step GOAWAY closes it within milliseconds.
      expect(await slowCall(first, 1)).toBe(0);
      const shutdown = drain.shutdown();
      // 200 ms on: the sent-away connection has long closed; t0 + 1 s is still ahead.
      await new Promise((r) => setTimeout(r, 200));
      expect(await slowCall(second, 1)).toBe(0);
      expect(late).toEqual(['served']);
      // A late connection was served: the load balancer still routes here, so the drain stays
      // open for new ones until the drain timeout (6 s from SIGTERM).
      const outcome = await shutdown;
      expect(outcome.graceful).toBe(true);
      expect(outcome.durationMs).toBeGreaterThanOrEqual(5900);
    } finally {
      first.close();
      second.close();
      await drain.shutdown();
    }
  }, 30_000);

  it('without one, the drain ends once the GOAWAY wait has passed since the last arrival, long before its timeout', async () => {
    const { drain, port } = await startOwnedServer({ drainTimeoutSeconds: 20, cleanupSeconds: 0 });
    const client = fixtureClient(port);
    try {
      expect(await slowCall(client, 1)).toBe(0);
      const outcome = await drain.shutdown();
      expect(outcome.graceful).toBe(true);
      // The wait is 1 s (min(1 s, 20 s / 2)) from the last arrival; 10 s is a bound no load reaches.
      expect(outcome.durationMs).toBeLessThan(10_000);
    } finally {
      client.close();
    }
  }, 30_000);
});
