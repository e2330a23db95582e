/**
 * The example engine (examples/grpc-server), run as the cdk8s example and the rollout lab
 * run it: a child process configured by environment variables, logging JSON lines.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ChildServer, followStream, loadClient, probe, REPO_ROOT } from './child-server';

const SCRIPT = 'examples/grpc-server/main.ts';
const PROTO = path.join(REPO_ROOT, 'examples', 'grpc-server', 'engine.proto');
const DRAIN_SECONDS = 1;
const CLEANUP_SECONDS = 1;
const TOLERANCE_MS = 750;

const baseEnv = {
  GRPC_PORT: '0',
  GRPC_HOST: '127.0.0.1',
  HEALTH_HOST: '127.0.0.1',
  GRPC_DRAIN_HEALTH_PORT: '0',
  GRPC_DRAIN_TIMEOUT_SECONDS: String(DRAIN_SECONDS),
  GRPC_DRAIN_CLEANUP_SECONDS: String(CLEANUP_SECONDS),
  ENGINE_INSTANCE: 'engine-test',
  ENGINE_TICK_MS: '50',
  ENGINE_SUBMIT_DELAY_MS: '200',
};

const children: ChildServer[] = [];
const clients: grpc.Client[] = [];
afterAll(() => {
  for (const client of clients) client.close();
  for (const child of children) child.kill();
});

async function start(env: Record<string, string>): Promise<{ child: ChildServer; client: grpc.Client; healthPort: number }> {
  const child = new ChildServer(SCRIPT, { ...baseEnv, ...env });
  children.push(child);
  const healthPort = (await child.waitFor('health-listening')).port as number;
  const grpcPort = (await child.waitFor('grpc-listening')).port as number;
  await child.waitFor('engine-started');
  const Engine = loadClient(PROTO, 'engine.v1.Engine');
  const client = new Engine(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  clients.push(client);
  return { child, client, healthPort };
}

function submit(client: grpc.Client): Promise<{ taskId: string; servedBy: string }> {
  return new Promise((resolve, reject) => {
    (client as unknown as { Submit: (req: object, cb: (e: grpc.ServiceError | null, r: { taskId: string; servedBy: string }) => void) => void }).Submit({ payload: 'x' }, (error, value) =>
      error ? reject(error) : resolve(value),
    );
  });
}

it('serves Submit and Subscribe, is ready only once gRPC listens, and drains on SIGTERM', async () => {
  const { child, client, healthPort } = await start({});
  const events = child.eventNames();
  // The runtime owns the gRPC port: ready only once it is bound.
  expect(events.indexOf('health-listening')).toBeGreaterThanOrEqual(0);
  expect(events.indexOf('health-listening')).toBeLessThan(events.indexOf('grpc-listening'));
  expect(events.indexOf('grpc-listening')).toBeLessThan(events.indexOf('ready-200'));
  expect((await probe(healthPort, '/ready')).status).toBe(200);

  expect(await submit(client)).toMatchObject({ servedBy: 'engine-test', taskId: expect.stringMatching(/^engine-test-\d+$/) });

  const subscription = followStream((client as unknown as { Subscribe: (req: object) => grpc.ClientReadableStream<unknown> }).Subscribe({ workerId: 'w1' }));
  await subscription.firstMessage;
  const sigtermAt = child.signal('SIGTERM');
  const exit = await child.exited;

  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.at - sigtermAt).toBeLessThanOrEqual((DRAIN_SECONDS + CLEANUP_SECONDS) * 1000 + TOLERANCE_MS);
  expect((await subscription.ended).code).toBe(grpc.status.UNAVAILABLE);
  expect(child.eventNames()).toEqual(expect.arrayContaining(['sigterm', 'ready-503', 'streams-ended', 'drain-complete', 'health-closed', 'propagation', 'exit']));
  // One connection (this test's client), before SIGTERM and before the deletion estimated with the default 20 s preStop.
  expect(child.events.find((e) => e.event === 'propagation')).toMatchObject({
    pod: 'engine-test',
    preStopSeconds: 20,
    preStopSource: 'default',
    lateConnections: 'serve',
    connectionsTotal: 1,
    connectionsAfterSigterm: 0,
    lateConnectionSeconds: [],
  });
  expect(child.eventNames()).not.toContain('force-shutdown');
}, 20_000);

it('with ENGINE_TRACK_STREAMS=false leaves Subscribe to the drain timeout, and says so', async () => {
  const { child, client } = await start({ ENGINE_TRACK_STREAMS: 'false' });
  const subscription = followStream((client as unknown as { Subscribe: (req: object) => grpc.ClientReadableStream<unknown> }).Subscribe({ workerId: 'w1' }));
  await subscription.firstMessage;
  const sigtermAt = child.signal('SIGTERM');
  const exit = await child.exited;

  expect(exit.code).toBe(0);
  const cut = await subscription.ended;
  expect(cut.code).not.toBe(grpc.status.OK);
  expect(cut.at - sigtermAt).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000 - 50);
  expect(child.events.find((e) => e.event === 'force-shutdown')).toMatchObject({ openCalls: 1, openByMethod: { '/engine.v1.Engine/Subscribe': 1 } });
}, 20_000);

it('refuses to start on bad GRPC_DRAIN_* values, naming every one', async () => {
  const child = new ChildServer(SCRIPT, {
    ...baseEnv,
    GRPC_DRAIN_TIMEOUT_SECONDS: '-1',
    GRPC_DRAIN_HEALTH_PORT: '70000',
    GRPC_DRAIN_READY_PATH: 'ready',
  });
  children.push(child);
  const exit = await child.exited;
  expect(exit.code).toBe(1);
  const failed = child.events.find((e) => e.event === 'start-failed');
  expect(failed?.msg).toBe(
    [
      'grpc-drain runtime: 3 invalid settings:',
      '  - GRPC_DRAIN_TIMEOUT_SECONDS="-1": expected seconds ("10", "2.5") or a Go duration ("10s", "1500ms", ".5s") from 0 to 3600s.',
      '  - GRPC_DRAIN_HEALTH_PORT="70000": expected a whole port number from 0 to 65535 (0 picks a free port).',
      `  - GRPC_DRAIN_READY_PATH="ready": expected a URL path starting with '/' of letters, digits and -._~!$&'()*+,;=:@/, but it must start with '/' (the kubelet and the NLB send the path as written).`,
    ].join('\n'),
  );
  expect(child.eventNames()).not.toContain('health-listening');
}, 20_000);
