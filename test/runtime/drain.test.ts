/**
 * createDrain in-process, against a scripted server: the order of the steps, the bounds,
 * the cleanup budget, readiness, tracking. The child-process tests check the same promises
 * against a real grpc-js server and real clients.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { createDrain, type DrainableServer, type DrainLogEntry, type DrainOptions, type GrpcHandler } from 'grpc-drain/runtime';
import { probe } from './child-server';

/** A server whose tryShutdown answers after `tryShutdownMs`, or never (`undefined`). */
class ScriptedServer implements DrainableServer {
  readonly calls: string[] = [];
  constructor(private readonly tryShutdownMs: number | undefined, private readonly log?: string[]) {}
  tryShutdown(callback: (error?: Error) => void): void {
    this.calls.push('tryShutdown');
    this.log?.push('tryShutdown');
    if (this.tryShutdownMs !== undefined) setTimeout(() => callback(), this.tryShutdownMs);
  }
  forceShutdown(): void {
    this.calls.push('forceShutdown');
    this.log?.push('forceShutdown');
  }
}

/** A grpc-js-like server stream: a Node stream whose 'error' becomes its status, as in server-call.ts. */
class FakeStream extends PassThrough {
  cancelled = false;
  status: { code: number; details: string } | undefined;
  constructor(private readonly path = '/test.Svc/Watch', withErrorListener = true) {
    super({ objectMode: true });
    if (withErrorListener) {
      this.on('error', (error: { code: number; details: string }) => {
        this.status = { code: error.code, details: error.details };
        this.end();
      });
    }
    this.resume();
  }
  getPath(): string {
    return this.path;
  }
}

/** A grpc-js-like unary call: a bare EventEmitter. */
class FakeUnaryCall extends EventEmitter {
  cancelled = false;
  getPath(): string {
    return '/test.Svc/Get';
  }
  finish(): void {
    this.cancelled = true;
    this.emit('cancelled', 'cancelled');
  }
}

function quiet(extra: DrainOptions = {}): { options: DrainOptions; entries: DrainLogEntry[] } {
  const entries: DrainLogEntry[] = [];
  return {
    entries,
    options: { env: {}, exit: false, handleSignals: false, healthPort: 0, healthHost: '127.0.0.1', logger: (e) => entries.push(e), ...extra },
  };
}

describe('shutdown order', () => {
  it('flips readiness, hangs up, stops gRPC, runs the hooks while health still answers, then closes health', async () => {
    const steps: string[] = [];
    const { options, entries } = quiet({ drainTimeoutSeconds: 2, cleanupSeconds: 2 });
    const drain = createDrain(new ScriptedServer(20, steps), options);
    const { port } = await drain.listen();
    const stream = drain.track(new FakeStream());
    stream.on('finish', () => steps.push('stream-ended'));
    const during: (number | string | undefined)[] = [];
    drain.onShutdown(async function check() {
      steps.push('hook');
      for (const path of ['/ready', '/live']) {
        const r = await probe(port, path);
        during.push(r.status ?? r.error);
      }
    });
    expect((await probe(port, '/ready')).status).toBe(200);

    const outcome = await drain.shutdown();
    expect(steps).toEqual(['tryShutdown', 'stream-ended', 'hook']);
    expect(during).toEqual([503, 200]);
    expect((await probe(port, '/live')).error).toBe('ECONNREFUSED');
    expect(entries.map((e) => e.event)).toEqual(['health-listening', 'ready-503', 'streams-ended', 'drain-complete', 'cleanup-complete', 'health-closed', 'exit']);
    expect(stream.status).toEqual({ code: 14, details: 'server is shutting down; reconnect to another replica' });
    expect(outcome).toMatchObject({ reason: 'shutdown()', streamsEnded: 1, graceful: true, openCallsAtForce: 0, cleanup: { completed: 1, failed: 0, abandoned: 0 } });
    expect(drain.phase).toBe('stopped');
  });

  it('hangs up the streams before the graceful stop is asked for, in the same turn', async () => {
    const order: string[] = [];
    const server: DrainableServer = {
      tryShutdown: (cb) => {
        order.push(`tryShutdown (stream ended: ${stream.writableEnded})`);
        cb();
      },
      forceShutdown: () => order.push('forceShutdown'),
    };
    const drain = createDrain(server, quiet().options);
    const stream = drain.track(new FakeStream());
    await drain.shutdown();
    expect(order).toEqual(['tryShutdown (stream ended: true)']);
  });
});

describe('the drain timeout', () => {
  it('forces the stop when tryShutdown never calls back, naming the calls still open', async () => {
    const { options, entries } = quiet({ drainTimeoutSeconds: 0.2, cleanupSeconds: 0 });
    const server = new ScriptedServer(undefined);
    const drain = createDrain(server, options);
    const unary = drain.track(new FakeUnaryCall());
    const started = performance.now();
    const outcome = await drain.shutdown();
    const elapsed = performance.now() - started;

    expect(server.calls).toEqual(['tryShutdown', 'forceShutdown']);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(600);
    expect(outcome).toMatchObject({ graceful: false, openCallsAtForce: 1, streamsEnded: 0 });
    expect(unary.listenerCount('error')).toBe(0); // a unary call is never hung up
    const forced = entries.find((e) => e.event === 'force-shutdown');
    expect(forced).toMatchObject({ level: 'error', data: { openCalls: 1, openByMethod: { '/test.Svc/Get': 1 }, drainTimeoutSeconds: 0.2 } });
    expect(forced?.message).toBe(
      'the graceful stop did not finish within the drain timeout of 0.2s; forcing the stop with 1 RPC(s) still open that the drain counts (/test.Svc/Get ×1): track long-lived streams so they are hung up instead',
    );
  });

  it('does not wait for the timer when tryShutdown is quick', async () => {
    const drain = createDrain(new ScriptedServer(10), quiet({ drainTimeoutSeconds: 30, cleanupSeconds: 30 }).options);
    const started = performance.now();
    await drain.shutdown();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('forces the stop at once when tryShutdown throws', async () => {
    const { options, entries } = quiet({ drainTimeoutSeconds: 30 });
    const calls: string[] = [];
    const drain = createDrain(
      {
        tryShutdown: () => {
          throw new Error('boom');
        },
        forceShutdown: () => calls.push('forceShutdown'),
      },
      options,
    );
    const outcome = await drain.shutdown();
    expect(calls).toEqual(['forceShutdown']);
    expect(outcome.graceful).toBe(false);
    expect(entries.find((e) => e.event === 'force-shutdown')?.message).toMatch(/^tryShutdown threw \(boom\); forcing the stop/);
  });
});

describe('cleanup hooks', () => {
  it('run in order; a failing hook is logged and the next one runs', async () => {
    const { options, entries } = quiet({ cleanupSeconds: 1 });
    const drain = createDrain(new ScriptedServer(0), options);
    const ran: string[] = [];
    drain.onShutdown(() => {
      ran.push('first');
      throw new Error('flush failed');
    }, 'flush');
    drain.onShutdown(async () => {
      ran.push('second');
    }, 'close-pool');
    const outcome = await drain.shutdown();
    expect(ran).toEqual(['first', 'second']);
    expect(outcome.cleanup).toEqual({ completed: 1, failed: 1, abandoned: 0 });
    expect(entries.find((e) => e.event === 'cleanup-hook-failed')).toMatchObject({ level: 'error', message: 'cleanup hook flush failed: flush failed', data: { hook: 'flush', error: 'flush failed' } });
  });

  it('are abandoned when the budget runs out: the running one is aborted, the rest never start', async () => {
    const { options, entries } = quiet({ cleanupSeconds: 0.2 });
    const drain = createDrain(new ScriptedServer(0), options);
    let aborted = false;
    let laterRan = false;
    drain.onShutdown(async function stuck(signal) {
      signal.addEventListener('abort', () => (aborted = true));
      await new Promise(() => undefined); // never settles
    });
    drain.onShutdown(() => {
      laterRan = true;
    });
    const started = performance.now();
    const outcome = await drain.shutdown();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(600);
    expect(aborted).toBe(true);
    expect(laterRan).toBe(false);
    expect(outcome.cleanup).toEqual({ completed: 0, failed: 0, abandoned: 2 });
    expect(entries.find((e) => e.event === 'cleanup-abandoned')).toMatchObject({
      message: 'cleanup budget of 0.2s ran out during hook stuck; abandoning it and 1 hook(s) not started',
      data: { hook: 'stuck', notRun: 1, cleanupSeconds: 0.2 },
    });
  });

  it('can be removed', async () => {
    const drain = createDrain(new ScriptedServer(0), quiet().options);
    let ran = false;
    const remove = drain.onShutdown(() => {
      ran = true;
    });
    remove();
    expect((await drain.shutdown()).cleanup).toEqual({ completed: 0, failed: 0, abandoned: 0 });
    expect(ran).toBe(false);
  });
});

describe('shutdown()', () => {
  it('runs once: later calls return the same outcome', async () => {
    const server = new ScriptedServer(0);
    const drain = createDrain(server, quiet().options);
    const first = drain.shutdown();
    const second = drain.shutdown();
    expect(second).toBe(first);
    await first;
    expect(await drain.shutdown()).toBe(await first);
    expect(server.calls).toEqual(['tryShutdown']);
  });

  it('refuses listen() once it has begun', async () => {
    const drain = createDrain(new ScriptedServer(0), quiet().options);
    await drain.shutdown();
    await expect(drain.listen()).rejects.toThrow('grpc-drain runtime: listen() called after the shutdown has begun');
  });

  it('survives a logger that throws', async () => {
    const drain = createDrain(new ScriptedServer(0), {
      ...quiet().options,
      logger: () => {
        throw new Error('log sink down');
      },
    });
    await expect(drain.shutdown()).resolves.toMatchObject({ graceful: true });
  });
});

describe('readiness', () => {
  it('is held at 503 until setReady(true) with initiallyReady: false, and never returns after the shutdown', async () => {
    const { options, entries } = quiet({ initiallyReady: false });
    const drain = createDrain(new ScriptedServer(0), options);
    const { port } = await drain.listen();
    expect(drain.ready).toBe(false);
    expect((await probe(port, '/ready')).status).toBe(503);
    expect((await probe(port, '/live')).status).toBe(200);
    drain.setReady(true);
    expect(drain.ready).toBe(true);
    expect((await probe(port, '/ready')).status).toBe(200);
    const shutdown = drain.shutdown();
    drain.setReady(true);
    expect(drain.ready).toBe(false);
    await shutdown;
    expect(entries.filter((e) => e.event === 'ready-200')).toHaveLength(1);
  });
});

describe('track()', () => {
  it('forgets a stream once it ends, and a unary call once grpc-js reports it done', () => {
    const drain = createDrain(new ScriptedServer(0), quiet().options);
    const stream = drain.track(new FakeStream());
    const unary = drain.track(new FakeUnaryCall());
    expect(drain.openCalls).toBe(2);
    stream.end();
    stream.emit('finish');
    unary.finish();
    expect(drain.openCalls).toBe(0);
  });

  it('hangs up a stream tracked after the shutdown has begun', async () => {
    const drain = createDrain(new ScriptedServer(50), quiet().options);
    const shutdown = drain.shutdown();
    const late = drain.track(new FakeStream('/test.Svc/Late'));
    await shutdown;
    expect(late.status).toMatchObject({ code: 14 });
  });

  it('logs a stream it cannot end with a status instead of throwing', async () => {
    const { options, entries } = quiet({ drainTimeoutSeconds: 0.05 });
    const drain = createDrain(new ScriptedServer(undefined), options);
    drain.track(new FakeStream('/test.Svc/Odd', false));
    const outcome = await drain.shutdown();
    expect(outcome.streamsEnded).toBe(0);
    expect(entries.find((e) => e.event === 'hang-up-unsupported')).toMatchObject({ level: 'warn', data: { path: '/test.Svc/Odd' } });
  });

  it('uses the configured hang-up message', async () => {
    const drain = createDrain(new ScriptedServer(0), quiet({ hangUpMessage: 'bye' }).options);
    const stream = drain.track(new FakeStream());
    await drain.shutdown();
    expect(stream.status).toEqual({ code: 14, details: 'bye' });
  });
});

describe('countCalls', () => {
  type Registered = { handler: GrpcHandler; type: string };
  class RegisteringServer extends ScriptedServer {
    readonly registered = new Map<string, Registered>();
    register(name: string, handler: GrpcHandler, _serialize: unknown, _deserialize: unknown, type: string): boolean {
      this.registered.set(name, { handler, type });
      return true;
    }
  }
  const invoke = (r: Registered | undefined, ...args: unknown[]): void => (r?.handler as unknown as (...a: unknown[]) => void)(...args);

  it('counts every call of the methods registered after createDrain until it answers or ends', () => {
    const server = new RegisteringServer(0);
    const drain = createDrain(server, quiet().options);
    let answer: ((error: null, value: object) => void) | undefined;
    server.register('/test.Svc/Get', ((_call: unknown, callback: (error: null, value: object) => void) => (answer = callback)) as unknown as GrpcHandler, undefined, undefined, 'unary');
    server.register('/test.Svc/Watch', (() => undefined) as unknown as GrpcHandler, undefined, undefined, 'serverStream');

    const replies: unknown[] = [];
    invoke(server.registered.get('/test.Svc/Get'), new FakeUnaryCall(), (_error: null, value: object) => replies.push(value));
    const stream = new FakeStream();
    invoke(server.registered.get('/test.Svc/Watch'), stream);
    expect(drain.openCalls).toBe(2);

    answer?.(null, { ok: true });
    expect(replies).toEqual([{ ok: true }]);
    expect(drain.openCalls).toBe(1);
    stream.emit('cancelled');
    expect(drain.openCalls).toBe(0);
  });

  it('leaves register alone with countCalls: false', () => {
    const server = new RegisteringServer(0);
    const original = server.register;
    createDrain(server, quiet({ countCalls: false }).options);
    expect(server.register).toBe(original);
  });
});

describe('signals', () => {
  it('installs SIGTERM and SIGINT handlers and removes them once the shutdown is over', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const drain = createDrain(new ScriptedServer(0), { ...quiet().options, handleSignals: true });
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    await drain.shutdown();
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });

  it('installs none with handleSignals: false', () => {
    const before = process.listenerCount('SIGTERM');
    createDrain(new ScriptedServer(0), quiet().options);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('options', () => {
  it('are checked before anything is installed', () => {
    const before = process.listenerCount('SIGTERM');
    expect(() => createDrain(new ScriptedServer(0), { env: { GRPC_DRAIN_TIMEOUT_SECONDS: 'ten' } })).toThrow(
      'grpc-drain runtime: 1 invalid setting:\n  - GRPC_DRAIN_TIMEOUT_SECONDS="ten": expected seconds ("10", "2.5") or a Go duration ("10s", "1500ms", ".5s") from 0 to 3600s.',
    );
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('report the health port in use when listen fails', async () => {
    const first = createDrain(new ScriptedServer(0), quiet().options);
    const { port } = await first.listen();
    const second = createDrain(new ScriptedServer(0), quiet({ healthPort: port }).options);
    await expect(second.listen()).rejects.toThrow(`grpc-drain runtime: the health server cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    await first.shutdown();
    await second.shutdown();
  });
});
