/**
 * Acceptance item 3, the good path: every stream is tracked, so once they are hung up the
 * graceful stop finishes as soon as the in-flight unary call has answered, far inside the
 * drain timeout, and the process exits without waiting for any timer. Started by SIGINT.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callbackEnd, ChildServer, followStream, loadClient, type CallEnd, type ChildExit, type LoggedEvent } from './child-server';

/** Long on purpose: an exit that waits for this timer fails the test. */
const DRAIN_SECONDS = 4;
const CLEANUP_SECONDS = 3;
const UNARY_MS = 300;
const TOLERANCE_MS = 750;

let child: ChildServer | undefined;
let client: grpc.Client | undefined;
let run: { signalAt: number; exit: ChildExit; unary: CallEnd; watch: CallEnd; chat: CallEnd; events: LoggedEvent[] };

beforeAll(async () => {
  child = new ChildServer('test/runtime/fixtures/drain-fixture.ts', {
    GRPC_DRAIN_TIMEOUT_SECONDS: String(DRAIN_SECONDS),
    GRPC_DRAIN_CLEANUP_SECONDS: String(CLEANUP_SECONDS),
    GRPC_DRAIN_HEALTH_PORT: '0',
    FIXTURE_CLEANUP_MS: '100',
  });
  const grpcPort = (await child.waitFor('grpc-listening')).port as number;
  const Fixture = loadClient(path.join(__dirname, 'fixtures', 'drain-fixture.proto'), 'fixture.Fixture');
  const c = new Fixture(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  client = c;

  const watch = followStream(c.Watch({ track: true }) as grpc.ClientReadableStream<unknown>);
  const chatCall = c.Chat() as grpc.ClientDuplexStream<unknown, unknown>;
  const chat = followStream(chatCall);
  chatCall.write({ n: 1 });
  await Promise.all([watch.firstMessage, chat.firstMessage]);
  const unary = callbackEnd();
  c.Slow({ delayMs: UNARY_MS }, unary.callback);
  await child.waitFor('rpc-start', (e) => e.method === 'Slow');

  const signalAt = child.signal('SIGINT');
  const exit = await child.exited;
  run = { signalAt, exit, unary: await unary.ended, watch: await watch.ended, chat: await chat.ended, events: child.events };
}, 30_000);

afterAll(() => {
  client?.close();
  child?.kill();
});

it('exits with code 0 once the unary call and the cleanup are done, not at the drain timeout', () => {
  expect(run.exit).toMatchObject({ code: 0, signal: null });
  expect(run.exit.at - run.signalAt).toBeLessThanOrEqual(UNARY_MS + 100 + TOLERANCE_MS);
});

it('completes the unary call and hangs up both streams with UNAVAILABLE', () => {
  expect(run.unary.code).toBe(grpc.status.OK);
  expect(run.watch.code).toBe(grpc.status.UNAVAILABLE);
  expect(run.chat.code).toBe(grpc.status.UNAVAILABLE);
  expect(run.watch.at).toBeLessThan(run.unary.at);
});

it('logs a graceful drain with nothing left open, and a completed cleanup', () => {
  const names = run.events.map((e) => e.event);
  const steps = ['sigint', 'ready-503', 'streams-ended', 'drain-complete', 'cleanup-complete', 'health-closed', 'exit'];
  const positions = steps.map((step) => names.indexOf(step));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(names).not.toContain('force-shutdown');
  const byName = (name: string): LoggedEvent => run.events.find((e) => e.event === name) as LoggedEvent;
  expect(byName('streams-ended').count).toBe(2);
  expect(byName('drain-complete').openCalls).toBe(0);
  expect(byName('cleanup-complete')).toMatchObject({ completed: 1, failed: 0, abandoned: 0 });
  expect(byName('exit')).toMatchObject({ code: 0, graceful: true, reason: 'SIGINT' });
});
