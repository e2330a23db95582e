/**
 * Acceptance item 2 on the wire: what a client-side socket receives from a server whose
 * listener the runtime owns. A recording proxy sits between real grpc-js clients and a real
 * grpc-js server in this process; it splits the bytes into HTTP/2 frames with a parser of
 * its own. One shutdown in `beforeAll`, held in the drain by a slow call and in the cleanup by
 * a hook, so that a connection arrives in each phase.
 */
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { Drain, DrainLogEntry, ShutdownOutcome } from 'grpc-drain/runtime';
import { fixtureClient, slowCall, startOwnedServer, type FixtureClient } from './owned-server';
import { goaway, TcpProxy, TYPE, type RecordedConnection, type WireFrame } from './tcp-proxy';

const MAX_STREAM_ID = 2 ** 31 - 1;
const PING_ACK = 0x1;
/** The slow call that keeps the drain open while a late connection arrives. */
const HOLD_MS = 1500;

const slow = async (client: FixtureClient, delayMs: number): Promise<{ code: number }> => ({ code: await slowCall(client, delayMs) });
const newClient = (port: number): FixtureClient => fixtureClient(port);

const goaways = (frames: readonly WireFrame[]): WireFrame[] => frames.filter((f) => f.type === TYPE.GOAWAY);

let drain: Drain;
let proxy: TcpProxy;
const clients: grpc.Client[] = [];
const entries: DrainLogEntry[] = [];
let run: {
  shutdownAt: number;
  existing: RecordedConnection;
  existingCall: { code: number };
  late: RecordedConnection;
  lateCall: { code: number };
  afterDrain: RecordedConnection;
  afterDrainCall: { code: number };
  outcome: ShutdownOutcome;
  /** Connections the proxy saw after the drain: the call's and its transparent retry's. */
  afterDrainConnections: number;
};

beforeAll(async () => {
  let releaseCleanup: () => void = () => undefined;
  const cleanupHeld = new Promise<void>((resolve) => (releaseCleanup = resolve));
  let drainOver: () => void = () => undefined;
  const cleanupStarted = new Promise<void>((resolve) => (drainOver = resolve));
  ({ drain } = await startOwnedServer({ drainTimeoutSeconds: 3, cleanupSeconds: 10, logger: (e) => entries.push(e) }));
  drain.onShutdown(async () => {
    drainOver();
    await cleanupHeld;
  });
  proxy = new TcpProxy([drain.grpcAddress!.port], true);
  const port = await proxy.listen();

  // A connection open before SIGTERM, with a call in flight that holds the drain open.
  const first = newClient(port);
  clients.push(first);
  await slow(first, 1);
  const existingCall = slow(first, HOLD_MS);
  await new Promise((r) => setTimeout(r, 100));

  const shutdownAt = performance.now();
  const shutdown = drain.shutdown();
  await new Promise((r) => setTimeout(r, 200));

  // A new connection while the server still drains.
  const second = newClient(port);
  clients.push(second);
  const lateCall = await slow(second, 1);

  // A new connection after the drain, during the cleanup (the listener is still open).
  await cleanupStarted;
  const third = newClient(port);
  clients.push(third);
  const afterDrainCall = await slow(third, 1);
  releaseCleanup();
  const outcome = await shutdown;
  const [existing, late, afterDrain] = proxy.connections as [RecordedConnection, RecordedConnection, RecordedConnection];
  run = { shutdownAt, existing, existingCall: await existingCall, late, lateCall, afterDrain, afterDrainCall, outcome, afterDrainConnections: proxy.connections.length - 2 };
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await drain.shutdown();
  await proxy.close();
});

describe('a connection open at SIGTERM', () => {
  it('gets GOAWAY(2^31−1, NO_ERROR) + PING first, then, after the PING ACK, the final GOAWAY naming its last stream', () => {
    const received = run.existing.toClient.filter((f) => f.at >= run.shutdownAt && (f.type === TYPE.GOAWAY || f.type === TYPE.PING));
    expect(received.slice(0, 2).map((f) => [f.type, f.type === TYPE.GOAWAY ? goaway(f) : [...f.payload]])).toEqual([
      [TYPE.GOAWAY, { lastStreamId: MAX_STREAM_ID, errorCode: 0 }],
      [TYPE.PING, [1, 6, 1, 8, 0, 3, 3, 9]],
    ]);
    const heads = received[1] as WireFrame;
    expect(heads.flags & PING_ACK).toBe(0);
    const ack = run.existing.toServer.find((f) => f.type === TYPE.PING && (f.flags & PING_ACK) !== 0 && f.payload.equals(heads.payload));
    expect(ack).toBeDefined();
    // Streams 1 (the warm-up) and 3 (the held call): the final GOAWAY names 3, after the ACK.
    const final = goaways(run.existing.toClient).find((f) => goaway(f).lastStreamId !== MAX_STREAM_ID) as WireFrame;
    expect(goaway(final)).toEqual({ lastStreamId: 3, errorCode: 0 });
    expect(final.at).toBeGreaterThanOrEqual((ack as WireFrame).at);
    // No GOAWAY ever names a higher stream than one before it (RFC 9113 §6.8).
    const ids = goaways(run.existing.toClient).map((f) => goaway(f).lastStreamId);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  it('finishes the call in flight', () => {
    expect(run.existingCall.code).toBe(grpc.status.OK);
  });
});

describe('a connection that arrives while the server drains', () => {
  it('is served: its call succeeds', () => {
    expect(run.lateCall.code).toBe(grpc.status.OK);
    const answered = run.late.toClient.filter((f) => f.streamId === 1 && (f.type === TYPE.HEADERS || f.type === TYPE.DATA));
    expect(answered.length).toBeGreaterThanOrEqual(2);
  });

  it('is told to go away after its call went out: GOAWAY(2^31−1) + PING, then GOAWAY naming stream 1', () => {
    const frames = run.late.toClient;
    expect(frames[0]?.type).toBe(TYPE.SETTINGS);
    const ids = goaways(frames).map((f) => goaway(f).lastStreamId);
    expect(ids[0]).toBe(MAX_STREAM_ID);
    expect(ids).toContain(1);
    expect(ids).not.toContain(0);
    const headers = run.late.toServer.find((f) => f.type === TYPE.HEADERS) as WireFrame;
    const headsUp = goaways(frames)[0] as WireFrame;
    expect(headers.at).toBeLessThanOrEqual(headsUp.at);
  });
});

describe('a connection that arrives after the drain', () => {
  it('gets SETTINGS then GOAWAY(NO_ERROR, last stream 0) and no stream at all', () => {
    const frames = run.afterDrain.toClient;
    expect(frames.slice(0, 2).map((f) => [f.type, f.type === TYPE.GOAWAY ? goaway(f) : f.flags])).toEqual([
      [TYPE.SETTINGS, 0],
      [TYPE.GOAWAY, { lastStreamId: 0, errorCode: 0 }],
    ]);
    expect(frames.filter((f) => f.type === TYPE.HEADERS || f.type === TYPE.DATA)).toEqual([]);
    expect(run.afterDrainCall.code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe('the termination report', () => {
  it('counts every connection after SIGTERM, dated from the deletion (here SIGTERM, preStop 0)', () => {
    const report = run.outcome.propagation;
    // The client retries the refused call once, transparently, on a new connection: that one
    // gets GOAWAY(0) too. The proxy counts the connections independently of the runtime.
    expect(run.afterDrainConnections).toBeGreaterThanOrEqual(1);
    const late = 1 + run.afterDrainConnections;
    expect(report).toMatchObject({ preStopSeconds: 0, lateConnections: 'serve', connectionsAfterSigterm: late, connectionsTotal: 1 + late });
    const seconds = report?.lateConnectionSeconds as number[];
    expect(seconds).toHaveLength(late);
    expect(seconds[0]).toBeGreaterThanOrEqual(0.15);
    expect([...seconds].sort((a, b) => a - b)).toEqual(seconds);
    const last = seconds[seconds.length - 1] as number;
    expect(report?.lastNewConnectionAfterDeletionSeconds).toBe(last);
    expect(report?.recommendedPropagationSeconds).toBe(Math.ceil(last + 5));
    expect(entries.filter((e) => e.event === 'late-connection').map((e) => e.data['action'])).toEqual(['served', ...Array<string>(run.afterDrainConnections).fill('goaway')]);
  });
});
