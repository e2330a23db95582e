import { performance } from 'node:perf_hooks';
import { ArrivalLog, type Arrival, type LateAction } from './arrivals';
import { CallRegistry } from './call-registry';
import { runCleanup, type CleanupHook, type CleanupOutcome, type NamedHook } from './cleanup';
import { GrpcListener, type GrpcListenerAddress } from './grpc-listener';
import type { DrainableServer, GrpcHandler, InjectableServer, TrackableCall } from './grpc-types';
import { HealthServer, type HealthServerAddress } from './health-server';
import { jsonLinesLogger, type DrainEventName, type DrainLogEntry, type DrainLogLevel, type DrainLogValue } from './logger';
import { DRAIN_METRICS, histogramSamples, registerWithPromClient, renderTextExposition, TEXT_EXPOSITION_CONTENT_TYPE, type MetricSample } from './metrics';
import { DrainOptionsError, resolveDrainOptions, type DrainOptionProblem, type DrainOptions, type ResolvedDrainOptions } from './options';
import { roundSeconds, type PropagationReport } from './report/propagation-report';

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
  /** The termination report, when the runtime owns the gRPC listener (`grpcPort`). */
  readonly propagation?: PropagationReport;
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
  /** The owned gRPC listener's address once `listen()` has resolved (with `grpcPort`). */
  readonly grpcAddress: GrpcListenerAddress | undefined;
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
   * Starts the health server (readiness, liveness and metrics paths), then, with `grpcPort`,
   * the gRPC listener; idempotent. With an owned listener `/ready` answers 200 only once the
   * gRPC port is bound.
   * @returns the health server's address (the OS-chosen port when the health port is 0)
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

/** The metrics path unless `metricsPath` says otherwise. */
export const DEFAULT_METRICS_PATH = '/metrics';
/** `late-connection` entries logged per shutdown; the report counts every one. */
const MAX_LATE_CONNECTIONS_LOGGED = 20;

/**
 * {@link resolveDrainOptions}, plus what only the server can say: an owned listener needs
 * `createConnectionInjector` (grpc-js ≥ 1.11.0). Every problem at once.
 */
function resolveWithServer(server: DrainableServer, options: DrainOptions): ResolvedDrainOptions {
  const problems: DrainOptionProblem[] = [];
  if (options.grpcPort !== undefined && typeof (server as Partial<InjectableServer>).createConnectionInjector !== 'function') {
    problems.push({
      option: 'grpcPort',
      source: 'options.grpcPort',
      message: 'options.grpcPort needs Server.createConnectionInjector, which this server lacks: use @grpc/grpc-js 1.11.0 or later, or bind the port yourself with bindAsync and leave grpcPort unset.',
    });
  }
  try {
    const settings = resolveDrainOptions(options);
    if (problems.length > 0) throw new DrainOptionsError(problems);
    return settings;
  } catch (error) {
    if (error instanceof DrainOptionsError && problems.length > 0 && error.problems !== problems) throw new DrainOptionsError([...error.problems, ...problems]);
    throw error;
  }
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
  const settings = resolveWithServer(server, options);
  const owned = options.grpcPort !== undefined;
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
  const drainMs = Math.round(settings.drainTimeoutSeconds * 1000);
  const arrivals = new ArrivalLog(Math.round(settings.preStopSeconds * 1000));
  let grpcBound = !owned;
  let lateLogged = 0;
  let opaqueLogged = false;
  const listener = owned
    ? new GrpcListener({
        server: server as InjectableServer,
        credentials: options.credentials as object,
        port: options.grpcPort as number,
        ...(options.grpcHost !== undefined && { host: options.grpcHost }),
        lateConnections: settings.lateConnections,
        // grpc-go waits for the PING ACK too (http2_server.go); on one network a round trip is
        // milliseconds, and the drain timeout bounds everything after SIGTERM anyway.
        goAwayWaitMs: Math.min(1000, drainMs / 2),
        arrivals,
        onLate: (arrival: Arrival, action: LateAction) => {
          if (lateLogged >= MAX_LATE_CONNECTIONS_LOGGED) return;
          lateLogged += 1;
          const afterDeletionSeconds = roundSeconds((arrival.at - (arrivals.deletion ?? arrival.at)) / 1000);
          log('warn', 'late-connection', `a new connection from ${arrival.remoteAddress ?? 'an unknown address'} arrived ${afterDeletionSeconds}s after the estimated deletion, after SIGTERM (${action}): the load balancer still routes here, the preStop sleep of ${settings.preStopSeconds}s is too short`, {
            remoteAddress: arrival.remoteAddress ?? 'unknown',
            afterDeletionSeconds,
            action,
          });
        },
        onOpaque: (remoteAddress) => {
          if (opaqueLogged) return;
          opaqueLogged = true;
          log('warn', 'goaway-unsupported', `the connection from ${remoteAddress ?? 'an unknown address'} is not cleartext HTTP/2 (TLS?): the runtime cannot send its two-step GOAWAY on it, so grpc-js closes it with its own single GOAWAY`, { remoteAddress: remoteAddress ?? 'unknown' });
        },
      })
    : undefined;
  const isReady = (): boolean => phase === 'serving' && !held && grpcBound;
  const metricDefinitions = Object.values(DRAIN_METRICS);
  const metricSamples = (): { [name: string]: MetricSample[] } => {
    const deletion = arrivals.deletion;
    const afterDeletion = deletion === undefined ? [] : arrivals.since(deletion).map((a) => (a.at - deletion) / 1000);
    const last = arrivals.last;
    const late = arrivals.lateActions;
    const unix = (at: number): number => roundSeconds((performance.timeOrigin + at) / 1000);
    return {
      [DRAIN_METRICS.ready.name]: [{ value: isReady() ? 1 : 0 }],
      [DRAIN_METRICS.openCalls.name]: [{ value: registry.openCalls }],
      [DRAIN_METRICS.preStop.name]: [{ value: settings.preStopSeconds }],
      [DRAIN_METRICS.connections.name]: owned ? [{ value: arrivals.total }] : [],
      [DRAIN_METRICS.openConnections.name]: listener ? [{ value: listener.openConnections }] : [],
      [DRAIN_METRICS.lateConnections.name]: owned ? (['served', 'goaway', 'closed'] as const).map((action) => ({ labels: { action }, value: late[action] })) : [],
      [DRAIN_METRICS.lastConnection.name]: last ? [{ value: unix(last.at) }] : [],
      [DRAIN_METRICS.sigterm.name]: arrivals.sigterm === undefined ? [] : [{ value: unix(arrivals.sigterm) }],
      [DRAIN_METRICS.lastAfterDeletion.name]: afterDeletion.length > 0 ? [{ value: roundSeconds(afterDeletion[afterDeletion.length - 1] as number) }] : [],
      [DRAIN_METRICS.afterDeletion.name]: owned ? histogramSamples(afterDeletion) : [],
    };
  };
  const metricsRegistry = options.metricsRegistry;
  if (metricsRegistry) registerWithPromClient(metricsRegistry, metricDefinitions, metricSamples);
  const metricsPath = options.metricsPath === false ? undefined : (options.metricsPath ?? DEFAULT_METRICS_PATH);
  const health = new HealthServer({
    port: settings.healthPort,
    host: options.healthHost,
    readinessPath: settings.readinessPath,
    livenessPath: settings.livenessPath,
    isReady,
    ...(metricsPath !== undefined && {
      metricsPath,
      metrics: async () =>
        metricsRegistry
          ? { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() }
          : { contentType: TEXT_EXPOSITION_CONTENT_TYPE, body: renderTextExposition(metricDefinitions, metricSamples) },
    }),
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
        // sessions without waiting (grpc-js server.ts forceShutdown); the owned connections are
        // cut at their sockets, which holds whatever grpc-js tracks of them.
        listener?.destroyServed();
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
      const tryShutdown = (): void => {
        server.tryShutdown((error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) log('warn', 'grpc-shutdown-error', `tryShutdown reported: ${error.message}`, { error: error.message });
          const durationMs = Math.round(performance.now() - started);
          log('info', 'drain-complete', `gRPC server stopped gracefully in ${durationMs} ms`, { openCalls: registry.openCalls, durationMs });
          resolve({ graceful: true, openCallsAtForce: 0 });
        });
      };
      const attempt = (): void => {
        try {
          tryShutdown();
        } catch (error) {
          force(`tryShutdown threw (${error instanceof Error ? error.message : String(error)})`);
        }
      };
      if (!listener) {
        attempt();
        return;
      }
      // The owned connections close one by one after their two-step GOAWAY; grpc-js's
      // tryShutdown would send its single GOAWAY on all of them at once, so it comes last,
      // for whatever was bound outside the runtime.
      void listener.drained(started + drainMs).then((idle) => {
        if (settled) return;
        if (idle) attempt();
        else force(`the graceful stop did not finish within the drain timeout of ${settings.drainTimeoutSeconds}s`);
      });
    });

  const reportPropagation = (observedUntil: number): PropagationReport => {
    const env = options.env ?? process.env;
    const pod = options.podName ?? (env['POD_NAME'] || env['HOSTNAME'] || undefined);
    const podIp = env['POD_IP'] || undefined;
    const report = arrivals.report({ preStopSource: settings.sources.preStop, lateConnections: settings.lateConnections, observedUntil, ...(pod !== undefined && { pod }), ...(podIp !== undefined && { podIp }) });
    const { event: _event, ...fields } = report;
    const last = report.lastNewConnectionAfterDeletionSeconds;
    const verdict =
      last === null
        ? `no new connection after the estimated deletion (SIGTERM − ${report.preStopSeconds}s preStop)`
        : `last new connection ${last}s after the estimated deletion (SIGTERM − ${report.preStopSeconds}s preStop), ${report.connectionsAfterSigterm} after SIGTERM; budget propagation ≥ ${report.recommendedPropagationSeconds}s`;
    log(report.connectionsAfterSigterm > 0 ? 'warn' : 'info', 'propagation', verdict, fields);
    return report;
  };

  const start = (reason: ShutdownReason): Promise<ShutdownOutcome> => {
    running ??= (async (): Promise<ShutdownOutcome> => {
      const started = performance.now();
      phase = 'draining';
      arrivals.markSigterm(started);
      log('info', 'ready-503', `${settings.readinessPath} answers 503 from now on; ${settings.livenessPath} stays 200 until exit`, { reason });
      listener?.beginDrain();

      const streamsEnded = registry.hangUpAll();
      log('info', 'streams-ended', `${streamsEnded} tracked stream(s) ended with UNAVAILABLE`, { count: streamsEnded });

      const { graceful, openCallsAtForce } = await stopGrpc();
      listener?.endDrain();

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

      // Last, so the NLB and the kubelet see 503 on readiness and 200 on liveness until the end,
      // and every late connection is seen (with `refuse` the listener closed at SIGTERM).
      const observedUntil = settings.lateConnections === 'refuse' ? started : performance.now();
      await listener?.close();
      await health.close();
      log('info', 'health-closed', 'health server closed');
      phase = 'stopped';
      removeSignalHandlers();

      const propagation = owned ? reportPropagation(observedUntil) : undefined;
      const durationMs = Math.round(performance.now() - started);
      const outcome: ShutdownOutcome = { reason, streamsEnded, graceful, openCallsAtForce, cleanup, durationMs, ...(propagation && { propagation }) };
      log('info', 'exit', `shutdown finished in ${durationMs} ms${options.exit === false ? '' : '; exiting with code 0'}`, { code: 0, durationMs, graceful, reason });
      if (options.exit !== false) process.exit(0);
      return outcome;
    })();
    return running;
  };

  return {
    get ready() {
      return isReady();
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
    get grpcAddress() {
      return listener?.address;
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
      listening ??= health.listen().then(async (address) => {
        log('info', 'health-listening', `health server on ${address.address}:${address.port} (${address.readinessPath}, ${address.livenessPath}${metricsPath ? `, ${metricsPath}` : ''})`, {
          address: address.address,
          port: address.port,
          readinessPath: address.readinessPath,
          livenessPath: address.livenessPath,
        });
        if (listener) {
          const grpc = await listener.listen();
          log('info', 'grpc-listening', `gRPC listener on ${grpc.address}:${grpc.port}, owned by the runtime; connections after SIGTERM: ${settings.lateConnections}`, {
            address: grpc.address,
            port: grpc.port,
            lateConnections: settings.lateConnections,
          });
          if (phase === 'serving') {
            grpcBound = true;
            if (!held) log('info', 'ready-200', `${settings.readinessPath} answers 200 (the gRPC port is bound)`);
          }
        }
        return address;
      });
      return listening;
    },
    shutdown(): Promise<ShutdownOutcome> {
      return start('shutdown()');
    },
  };
}
