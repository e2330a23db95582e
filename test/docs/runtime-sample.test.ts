/**
 * The README's runtime sample is a complete server: written out as it stands (with the
 * example engine's proto beside it), it starts, answers a unary Submit, hangs its tracked
 * stream up with UNAVAILABLE on SIGTERM and exits 0.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ChildServer, followStream, loadClient, probe } from '../runtime/child-server';
import { ROOT, typescriptSamples } from './samples';

const sample = typescriptSamples('README.md').find((s) => s.code.includes("from 'grpc-drain/runtime'"));
const dir = mkdtempSync(join(tmpdir(), 'grpc-drain-runtime-sample-'));
let child: ChildServer | undefined;
let client: grpc.Client | undefined;

afterAll(() => {
  client?.close();
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

it('starts, answers Submit, hangs Subscribe up with UNAVAILABLE on SIGTERM and exits 0', async () => {
  expect(sample).toBeDefined();
  writeFileSync(join(dir, 'main.ts'), sample!.code);
  copyFileSync(join(ROOT, 'examples', 'grpc-server', 'engine.proto'), join(dir, 'engine.proto'));
  child = new ChildServer(join(dir, 'main.ts'), {
    // Outside the repository: the package and @grpc/* resolve as from an installed project.
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    NODE_PATH: join(ROOT, 'node_modules'),
    GRPC_PORT: '0',
    GRPC_DRAIN_HEALTH_PORT: '0',
    GRPC_DRAIN_TIMEOUT_SECONDS: '2',
    GRPC_DRAIN_CLEANUP_SECONDS: '1',
  });
  const healthPort = (await child.waitFor('health-listening', () => true, 30_000)).port as number;
  const listening = await child.waitFor('not-json', (e) => /^engine serving gRPC on port \d+$/.test(String(e.line)), 30_000);
  const grpcPort = Number(/(\d+)$/.exec(String(listening.line))![1]);
  expect((await probe(healthPort, '/ready')).status).toBe(200);

  const Engine = loadClient(join(dir, 'engine.proto'), 'engine.v1.Engine');
  client = new Engine(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  const reply = await new Promise((resolve, reject) =>
    (client as unknown as { Submit: (request: object, callback: (error: Error | null, value: unknown) => void) => void }).Submit({ payload: 'x' }, (error, value) => (error ? reject(error) : resolve(value))),
  );
  expect(reply).toMatchObject({ taskId: 'task-1' }); // the client's loader fills the other fields with defaults

  const stream = followStream((client as unknown as { Subscribe: (request: object) => grpc.ClientReadableStream<unknown> }).Subscribe({ workerId: 'w' }));
  await stream.firstMessage;
  child.signal('SIGTERM');
  expect((await stream.ended).code).toBe(grpc.status.UNAVAILABLE);
  expect(await child.exited).toMatchObject({ code: 0, signal: null });
  expect(child.eventNames()).toEqual(expect.arrayContaining(['sigterm', 'ready-503', 'streams-ended', 'exit']));
  expect(child.stderr).toBe('');
}, 90_000);
