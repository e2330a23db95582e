import { performance } from 'node:perf_hooks';
import { CallRegistry } from './call-registry';
import { runCleanup, type CleanupHook, type CleanupOutcome, type NamedHook } from './cleanup';
import type { DrainableServer, GrpcHandler, TrackableCall } from './grpc-types';
import { HealthServer, type HealthServerAddress } from './health-server';
import { jsonLinesLogger, type DrainEventName, type DrainLogEntry, type DrainLogLevel, type DrainLogValue } from './logger';
import { resolveDrainOptions, type DrainOptions, type ResolvedDrainOptions } from './options';

/** What started the shutdown: a signal, or a call to `shutdown()`. */
export type ShutdownReason = 'SIGTERM' | 'SIGINT' | 'shutdown()';

/**
 * Where the drain is: `serving` (ready unless `setReady(false)`), `draining` (503, streams
 * hung up, gRPC stopping), `cleaning-up` (hooks), `stopped` (health server closed).
 */
export type DrainPhase = 'serving' | 'draining' | 'cleaning-up' | 'stopped';

/** What a shutdown did; `shutdown()` resolves to it. */
export interface ShutdownOutcome {
  readonly reason: ShutdownReason;
  /** Tracked streams ended with UNAVAILABLE. */
  readonly streamsEnded: number;
  /** `tryShutdown` finished within the drain timeout; `false` when `forceShutdown` had to cut. */
  readonly graceful: boolean;
  /** Calls the drain counted as open when the drain timeout forced the stop; 0 when graceful. */
  readonly openCallsAtForce: number;
  readonly cleanup: CleanupOutcome;
  /** Milliseconds from the start of the shutdown to the health server's close. */
  readonly durationMs: number;
}

/** The drain of one gRPC server; see {@link createDrain}. */
export interface Drain {
  /** `true` while `/ready` answers 200: serving, and not held back by `setReady(false)`. */
  readonly ready: boolean;
  readonly phase: DrainPhase;
  /** Calls counted as started and not yet ended (see `DrainOptions.countCalls`). */
  readonly openCalls: number;
  /** The health server's address once `listen()` has resolved. */
  readonly healthAddress: HealthServerAddress | undefined;
  /** The settings in force, with where each came from. */
  readonly settings: ResolvedDrainOptions;
  /**
   * Marks a server-streaming, client-streaming or bidi call to be hung up with UNAVAILABLE at
   * shutdown, so its client reconnects elsewhere instead of holding the graceful stop open.
   * Call it first thing in the handler. It forgets the call when the call ends (the handler
   * ends it, the client cancels, the status is sent). A unary call is counted, never hung up.
   * A stream tracked once the shutdown has begun is hung up right after its handler returns.
   * @returns the call, for chaining
   */
  track<C extends TrackableCall>(call: C): C;
  /**
   * Holds `/ready` at 503 (`false`) or releases it (`true`) while serving, e.g. until the
   * gRPC port is bound. Ignored once the shutdown has begun: readiness never comes back.
   */
  setReady(ready: boolean): void;
  /**
   * Adds a cleanup hook, run after the gRPC server has stopped, in registration order, all
   * within the cleanup budget.
   * @param name the hook's name in the log; @default the function's name, else `hook N`
   * @returns a function that removes the hook
   */
  onShutdown(hook: CleanupHook, name?: string): () => void;
  /**
   * Starts the health server (readiness and liveness paths); idempotent.
   * @returns the bound address (the OS-chosen port when the health port is 0)
   */
  listen(): Promise<HealthServerAddress>;
  /**
   * Runs the shutdown once: readiness 503 → tracked streams hung up → `tryShutdown` bounded
   * by the drain timeout → `forceShutdown` if it runs out → cleanup hooks within their budget
   * → health server closed → `process.exit(0)` (unless `exit: false`). Later calls, and
   * signals, return the same promise.
   */
  shutdown(): Promise<ShutdownOutcome>;
}

/** The status message of a hung-up stream (UNAVAILABLE) unless `hangUpMessage` says otherwise. */
export const DEFAULT_HANG_UP_MESSAGE = 'server is shutting down; reconnect to another replica';
const HANDLED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Creates the in-process half of the drain for a `@grpc/grpc-js` server (DESIGN.md §1):
 * a health server whose readiness flips to 503 on SIGTERM, stream hang-up, a graceful stop
 * bounded by the drain timeout, bounded cleanup, and an exit inside the grace period.
 *
 * Settings default from the `GRPC_DRAIN_*` variables; every bad value is reported at once in
 * a {@link DrainOptionsError} thrown from here, at start-up, not at the first SIGTERM.
 *
 * @param server a grpc-js `Server` (any copy: only its shape is used). Create the drain
 *   before `addService` so `countCalls` sees every method.
 */
export function createDrain(server: DrainableServer, options: DrainOptions = {}): Drain {
  const settings = resolveDrainOptions(options);
  const logger = options.logger === false ? undefined : (options.logger ?? jsonLinesLogger());
  const log = (level: DrainLogLevel, event: DrainEventName, message: string, data: { [field: string]: DrainLogValue } = {}): void => {
    const entry: DrainLogEntry = { level, event, message, data };
    try {
      logger?.(entry);
    } catch {
      // A broken logger must not break the shutdown it reports on.
    }
  };

  let held = options.initiallyReady === false;
  let phase: DrainPhase = 'serving';
  let running: Promise<ShutdownOutcome> | undefined;
  let listening: Promise<HealthServerAddress> | undefined;
  const hooks: NamedHook[] = [];
  const health = new HealthServer({
    port: settings.healthPort,
    host: options.healthHost,
    readinessPath: settings.readinessPath,
    livenessPath: settings.livenessPath,
    isReady: () => phase === 'serving' && !held,
  });
  const registry = new CallRegistry(options.hangUpMessage ?? DEFAULT_HANG_UP_MESSAGE, (path) =>
    log('warn', 'hang-up-unsupported', `cannot end ${path} with a status (no 'error' listener on the call); the drain timeout will cut it`, { path }),
  );

  const register = server.register;
  if (options.countCalls !== false && typeof register === 'function') {
    // serialize and deserialize are grpc-js's own functions, passed through untouched.
    server.register = (name: string, handler: GrpcHandler, serialize: unknown, deserialize: unknown, type: string): boolean =>
      register.call(server, name, registry.wrap(handler, type), serialize, deserialize, type);
  }

  const signalHandlers = new Map<NodeJS.Signals, () => void>();
  const removeSignalHandlers = (): void => {
    for (const [signal, handler] of signalHandlers) process.off(signal, handler);
    signalHandlers.clear();
  };
  if (options.handleSignals !== false) {
    for (const signal of HANDLED_SIGNALS) {
      const handler = (): void => {
        if (running) {
          log('warn', 'signal-ignored', `${signal} received during the shutdown (${phase}); it is already running and is not restarted`, { signal, phase });
          return;
        }
        log('info', signal === 'SIGTERM' ? 'sigterm' : 'sigint', `${signal} received: starting the shutdown`, { signal });
        void start(signal);
      };
      signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  const stopGrpc = (): Promise<{ graceful: boolean; openCallsAtForce: number }> =>
    new Promise((resolve) => {
      const drainMs = Math.round(settings.drainTimeoutSeconds * 1000);
      const started = performance.now();
      let settled = false;
      const force = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const openCalls = registry.openCalls;
        log(
          'error',
          'force-shutdown',
          `${why}; forcing the stop with ${openCalls} RPC(s) still open that the drain counts` +
            `${openCalls > 0 ? ` (${Object.entries(registry.openByMethod()).map(([path, n]) => `${path} ×${n}`).join(', ')})` : ''}` +
            `: track long-lived streams so they are hung up instead`,
          { openCalls, openByMethod: registry.openByMethod(), drainTimeoutSeconds: settings.drainTimeoutSeconds },
        );
        // Cancels every call at once (RST_STREAM CANCEL: clients see CANCELLED) and closes the
        // sessions without waiting (grpc-js server.ts forceShutdown).
        try {
          server.forceShutdown();
        } catch (error) {
          // Keep going: the cleanup and the exit still have to happen before SIGKILL.
          log('error', 'grpc-shutdown-error', `forceShutdown threw: ${error instanceof Error ? error.message : String(error)}`, { error: error instanceof Error ? error.message : String(error) });
        }
        resolve({ graceful: false, openCallsAtForce: openCalls });
      };
      // tryShutdown has no timeout of its own and waits for every open stream (grpc-node #1458,
      // #1664), so the drain timeout bounds it, as grpc-go servers bound GracefulStop with a
      // timer and Stop() (hatchet-dev/hatchet#4139).
      const timer = setTimeout(() => force(`the graceful stop did not finish within the drain timeout of ${settings.drainTimeoutSeconds}s`), drainMs);
      try {
        server.tryShutdown((error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) log('warn', 'grpc-shutdown-error', `tryShutdown reported: ${error.message}`, { error: error.message });
          const durationMs = Math.round(performance.now() - started);
          log('info', 'drain-complete', `gRPC server stopped gracefully in ${durationMs} ms`, { openCalls: registry.openCalls, durationMs });
          resolve({ graceful: true, openCallsAtForce: 0 });
        });
      } catch (error) {
        force(`tryShutdown threw (${error instanceof Error ? error.message : String(error)})`);
      }
    });

  const start = (reason: ShutdownReason): Promise<ShutdownOutcome> => {
    running ??= (async (): Promise<ShutdownOutcome> => {
      const started = performance.now();
      phase = 'draining';
      log('info', 'ready-503', `${settings.readinessPath} answers 503 from now on; ${settings.livenessPath} stays 200 until exit`, { reason });

      const streamsEnded = registry.hangUpAll();
      log('info', 'streams-ended', `${streamsEnded} tracked stream(s) ended with UNAVAILABLE`, { count: streamsEnded });

      const { graceful, openCallsAtForce } = await stopGrpc();

      phase = 'cleaning-up';
      const cleanupStarted = performance.now();
      const cleanup = await runCleanup(hooks, Math.round(settings.cleanupSeconds * 1000), {
        failed: (hook, error) => log('error', 'cleanup-hook-failed', `cleanup hook ${hook} failed: ${error instanceof Error ? error.message : String(error)}`, { hook, error: error instanceof Error ? error.message : String(error) }),
        abandoned: (hook, notRun) =>
          log('error', 'cleanup-abandoned', `cleanup budget of ${settings.cleanupSeconds}s ran out during hook ${hook}; abandoning it and ${notRun} hook(s) not started`, { hook, notRun, cleanupSeconds: settings.cleanupSeconds }),
      });
      log('info', 'cleanup-complete', `cleanup finished: ${cleanup.completed} completed, ${cleanup.failed} failed, ${cleanup.abandoned} abandoned`, {
        ...cleanup,
        durationMs: Math.round(performance.now() - cleanupStarted),
      });

      // Last, so the NLB and the kubelet see 503 on readiness and 200 on liveness until the end.
      await health.close();
      log('info', 'health-closed', 'health server closed');
      phase = 'stopped';
      removeSignalHandlers();

      const durationMs = Math.round(performance.now() - started);
      const outcome: ShutdownOutcome = { reason, streamsEnded, graceful, openCallsAtForce, cleanup, durationMs };
      log('info', 'exit', `shutdown finished in ${durationMs} ms${options.exit === false ? '' : '; exiting with code 0'}`, { code: 0, durationMs, graceful, reason });
      if (options.exit !== false) process.exit(0);
      return outcome;
    })();
    return running;
  };

  return {
    get ready() {
      return phase === 'serving' && !held;
    },
    get phase() {
      return phase;
    },
    get openCalls() {
      return registry.openCalls;
    },
    get healthAddress() {
      return health.address;
    },
    settings,
    track<C extends TrackableCall>(call: C): C {
      registry.track(call);
      return call;
    },
    setReady(ready: boolean): void {
      if (phase !== 'serving' || held === !ready) return;
      held = !ready;
      if (ready) log('info', 'ready-200', `${settings.readinessPath} answers 200`);
      else log('info', 'ready-503', `${settings.readinessPath} answers 503 (setReady(false))`, { reason: 'setReady(false)' });
    },
    onShutdown(hook: CleanupHook, name?: string): () => void {
      const entry: NamedHook = { hook, name: name ?? (hook.name || `hook ${hooks.length + 1}`) };
      hooks.push(entry);
      return () => {
        const index = hooks.indexOf(entry);
        if (index >= 0) hooks.splice(index, 1);
      };
    },
    listen(): Promise<HealthServerAddress> {
      if (phase !== 'serving' && !listening) return Promise.reject(new Error('grpc-drain runtime: listen() called after the shutdown has begun'));
      listening ??= health.listen().then((address) => {
        log('info', 'health-listening', `health server on ${address.address}:${address.port} (${address.readinessPath}, ${address.livenessPath})`, {
          address: address.address,
          port: address.port,
          readinessPath: address.readinessPath,
          livenessPath: address.livenessPath,
        });
        return address;
      });
      return listening;
    },
    shutdown(): Promise<ShutdownOutcome> {
      return start('shutdown()');
    },
  };
}
