/**
 * Acceptance item 3, the hard path: a real server in a child process, real clients over
 * loopback, SIGTERM while a unary call is in flight and four streams are open, one of them
 * untracked (so the drain timeout must cut it) and a cleanup hook that overruns its budget.
 * One run in `beforeAll`; each `it` checks one promise the runtime makes.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callbackEnd, ChildServer, followStream, loadClient, pollHealth, type CallEnd, type ChildExit, type LoggedEvent, type ProbeResult } from './child-server';

const DRAIN_SECONDS = 1;
const CLEANUP_SECONDS = 1;
const DRAIN_MS = DRAIN_SECONDS * 1000;
const CLEANUP_MS = CLEANUP_SECONDS * 1000;
/** Scheduling, process exit and log delivery on a loaded CI machine. */
const TOLERANCE_MS = 750;
/** "Promptly": a hung-up stream ends well inside the drain timeout, not at it. */
const PROMPT_MS = 400;
const UNAVAILABLE = grpc.status.UNAVAILABLE;

interface Run {
  sigtermAt: number;
  exit: ChildExit;
  unary: CallEnd;
  trackedWatch: CallEnd;
  untrackedWatch: CallEnd;
  chat: CallEnd;
  upload: CallEnd;
  probes: ProbeResult[];
  events: LoggedEvent[];
}

let child: ChildServer | undefined;
let client: grpc.Client | undefined;
let run: Run;

beforeAll(async () => {
  child = new ChildServer('test/runtime/fixtures/drain-fixture.ts', {
    GRPC_DRAIN_TIMEOUT_SECONDS: String(DRAIN_SECONDS),
    GRPC_DRAIN_CLEANUP_SECONDS: String(CLEANUP_SECONDS),
    GRPC_DRAIN_HEALTH_PORT: '0',
    // A hook that takes 5 s and ignores its abort signal: the budget must cut it at 1 s.
    FIXTURE_CLEANUP_MS: '5000',
    FIXTURE_HOOK_IGNORES_ABORT: 'true',
  });
  const healthPort = (await child.waitFor('health-listening')).port as number;
  const grpcPort = (await child.waitFor('grpc-listening')).port as number;
  const Fixture = loadClient(path.join(__dirname, 'fixtures', 'drain-fixture.proto'), 'fixture.Fixture');
  const c = new Fixture(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  client = c;
  const poller = pollHealth(healthPort, ['/ready', '/live']);

  const trackedWatch = followStream(c.Watch({ track: true }) as grpc.ClientReadableStream<unknown>);
  const untrackedWatch = followStream(c.Watch({ track: false }) as grpc.ClientReadableStream<unknown>);
  const chatCall = c.Chat() as grpc.ClientDuplexStream<unknown, unknown>;
  const chat = followStream(chatCall);
  chatCall.write({ n: 1 });
  const upload = callbackEnd();
  const uploadCall = c.Upload(upload.callback) as grpc.ClientWritableStream<unknown>;
  uploadCall.write({ n: 1 }); // and never half-closes: a long-lived upload
  await Promise.all([trackedWatch.firstMessage, untrackedWatch.firstMessage, chat.firstMessage, child.waitFor('rpc-start', (e) => e.method === 'Upload'), poller.answered]);

  const unary = callbackEnd();
  c.Slow({ delayMs: 300 }, unary.callback);
  await child.waitFor('rpc-start', (e) => e.method === 'Slow');

  const sigtermAt = child.signal('SIGTERM');
  await child.waitFor('streams-ended');
  child.signal('SIGTERM'); // a second one, mid-drain: logged, not restarting anything

  const exit = await child.exited;
  const probes = await poller.stop();
  run = {
    sigtermAt,
    exit,
    unary: await unary.ended,
    trackedWatch: await trackedWatch.ended,
    untrackedWatch: await untrackedWatch.ended,
    chat: await chat.ended,
    upload: await upload.ended,
    probes,
    events: child.events,
  };
}, 30_000);

afterAll(() => {
  client?.close();
  child?.kill();
});

const since = (at: number): number => at - run.sigtermAt;

it('exits with code 0 within drainTimeout + cleanup (+ tolerance), after the cleanup budget ran out', () => {
  expect(run.exit).toMatchObject({ code: 0, signal: null });
  expect(since(run.exit.at)).toBeLessThanOrEqual(DRAIN_MS + CLEANUP_MS + TOLERANCE_MS);
  // The untracked stream held the drain for the whole timeout and the hook for the whole
  // cleanup budget: an exit much earlier would mean a step was skipped, not bounded.
  expect(since(run.exit.at)).toBeGreaterThanOrEqual(DRAIN_MS + CLEANUP_MS - 100);
});

it('completes the unary RPC in flight at SIGTERM', () => {
  expect(run.unary.code).toBe(grpc.status.OK);
  expect(run.unary.at).toBeGreaterThan(run.sigtermAt);
});

it.each([
  ['server-streaming', 'trackedWatch'],
  ['bidi', 'chat'],
  ['client-streaming', 'upload'],
] as const)('ends a tracked %s stream promptly with UNAVAILABLE', (_kind, call) => {
  const end = run[call];
  expect(end).toMatchObject({ code: UNAVAILABLE, details: 'server is shutting down; reconnect to another replica' });
  expect(since(end.at)).toBeLessThan(PROMPT_MS);
});

it('cuts the untracked stream at the drain timeout', () => {
  expect(run.untrackedWatch.code).not.toBe(grpc.status.OK);
  expect(run.untrackedWatch.code).not.toBe(UNAVAILABLE); // not hung up: cut by forceShutdown
  expect(since(run.untrackedWatch.at)).toBeGreaterThanOrEqual(DRAIN_MS - 50);
  expect(since(run.untrackedWatch.at)).toBeLessThanOrEqual(DRAIN_MS + TOLERANCE_MS);
  // It was alive through the drain: it kept receiving ticks (every 100 ms) after SIGTERM.
  expect(run.untrackedWatch.messages).toBeGreaterThan(run.trackedWatch.messages);
});

it('answers /ready 200 before SIGTERM and 503 from just after it on, never 200 again', () => {
  const ready = run.probes.filter((p) => p.path === '/ready');
  const before = ready.filter((p) => p.doneAt < run.sigtermAt);
  expect(before.length).toBeGreaterThan(0);
  expect(before.every((p) => p.status === 200)).toBe(true);
  const first503 = ready.find((p) => p.status === 503);
  expect(first503).toBeDefined();
  expect(since((first503 as ProbeResult).doneAt)).toBeLessThan(PROMPT_MS);
  expect(ready.filter((p) => p.sentAt > (first503 as ProbeResult).sentAt && p.status === 200)).toEqual([]);
});

it('keeps /live at 200 and the health server up through the drain and the cleanup, closing it last', () => {
  const live = run.probes.filter((p) => p.path === '/live');
  expect(live.filter((p) => p.status !== undefined && p.status !== 200)).toEqual([]);
  const answered = live.filter((p) => p.status === 200);
  const lastAnswered = answered[answered.length - 1] as ProbeResult;
  // Still answering during the cleanup, which ends DRAIN_MS + CLEANUP_MS after SIGTERM.
  expect(since(lastAnswered.sentAt)).toBeGreaterThanOrEqual(DRAIN_MS + CLEANUP_MS - 200);
  // No refusal before that: the only errors are after the health server closed.
  expect(live.filter((p) => p.error !== undefined && p.sentAt < lastAnswered.sentAt)).toEqual([]);
  // And readiness said 503 during the cleanup window, after the gRPC server was gone.
  const inCleanup = run.probes.filter((p) => p.path === '/ready' && since(p.sentAt) > DRAIN_MS + 100 && since(p.doneAt) < DRAIN_MS + CLEANUP_MS - 100);
  expect(inCleanup.length).toBeGreaterThan(0);
  expect(inCleanup.every((p) => p.status === 503)).toBe(true);
});

it('logs the steps in order, the hang-up count, and the RPCs still open at the forced stop', () => {
  const names = run.events.map((e) => e.event);
  const steps = ['sigterm', 'ready-503', 'streams-ended', 'force-shutdown', 'cleanup-abandoned', 'cleanup-complete', 'health-closed', 'exit'];
  const positions = steps.map((step) => names.indexOf(step));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(names).not.toContain('drain-complete');

  const byName = (name: string): LoggedEvent => run.events.find((e) => e.event === name) as LoggedEvent;
  expect(byName('streams-ended').count).toBe(3);
  // Only the untracked Watch is left when the timeout fires: the unary call has answered.
  expect(byName('force-shutdown')).toMatchObject({ openCalls: 1, openByMethod: { '/fixture.Fixture/Watch': 1 }, drainTimeoutSeconds: DRAIN_SECONDS });
  expect(byName('cleanup-abandoned')).toMatchObject({ hook: 'slowFlush', notRun: 0, cleanupSeconds: CLEANUP_SECONDS });
  expect(byName('exit')).toMatchObject({ code: 0, graceful: false, reason: 'SIGTERM' });
});

it('does not restart the shutdown on a second SIGTERM, and logs it', () => {
  const names = run.events.map((e) => e.event);
  expect(names.filter((n) => n === 'sigterm')).toHaveLength(1);
  expect(names.filter((n) => n === 'ready-503')).toHaveLength(1);
  expect(names.filter((n) => n === 'streams-ended')).toHaveLength(1);
  expect(run.events.find((e) => e.event === 'signal-ignored')).toMatchObject({ signal: 'SIGTERM', phase: 'draining' });
});
