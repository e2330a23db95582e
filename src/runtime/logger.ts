/**
 * Lifecycle logging. Every step of the drain is one entry with a stable `event` name, so a
 * log pipeline (or the rollout lab, which parses stdout) can follow a pod's termination.
 */

/** Severity of a {@link DrainLogEntry}. */
export type DrainLogLevel = 'info' | 'warn' | 'error';

/**
 * The lifecycle events, in the order a shutdown emits them:
 * - `health-listening`: the health server is up (`address`, `port`).
 * - `grpc-listening`: the gRPC listener the runtime owns is up (`address`, `port`, `lateConnections`).
 * - `ready-200`: `setReady(true)` made `/ready` answer 200.
 * - `sigterm` / `sigint`: the signal that started the shutdown.
 * - `signal-ignored`: a signal arrived while the shutdown was already running (`signal`).
 * - `ready-503`: `/ready` answers 503 from now on; `/live` still 200.
 * - `streams-ended`: tracked streams hung up with UNAVAILABLE (`count`).
 * - `late-connection`: a connection arrived after SIGTERM (`remoteAddress`, `afterDeletionSeconds`,
 *   `action`: served, goaway or closed); the first ones only, the report counts them all.
 * - `goaway-unsupported`: a connection is not cleartext HTTP/2 (TLS), so the runtime could not
 *   send its two-step GOAWAY; grpc-js's own close applies (`remoteAddress`); logged once.
 * - `hang-up-unsupported`: a tracked call had no way to end with a status (`path`).
 * - `drain-complete`: `tryShutdown` finished within the drain timeout (`openCalls`, `durationMs`).
 * - `force-shutdown`: the drain timeout ran out; `forceShutdown` cancelled what was left
 *   (`openCalls`, `openByMethod`, `drainTimeoutSeconds`).
 * - `grpc-shutdown-error`: `tryShutdown` called back with an error, or `forceShutdown` threw (`error`).
 * - `cleanup-hook-failed`: an `onShutdown` hook threw or rejected (`hook`, `error`).
 * - `cleanup-abandoned`: the cleanup budget ran out (`hook` still running, `notRun`).
 * - `cleanup-complete`: the hooks are done or abandoned (`completed`, `failed`, `abandoned`).
 * - `health-closed`: the health server has closed, last.
 * - `propagation`: the termination report, when the runtime owns the gRPC listener: when the
 *   last new connection arrived after the estimated deletion (SIGTERM − preStop), how many came
 *   after SIGTERM, and the propagation to budget (`PropagationReport`).
 * - `exit`: the shutdown is over (`code`, `durationMs` since it started, `graceful`).
 */
export type DrainEventName =
  | 'health-listening'
  | 'grpc-listening'
  | 'ready-200'
  | 'sigterm'
  | 'sigint'
  | 'signal-ignored'
  | 'ready-503'
  | 'streams-ended'
  | 'late-connection'
  | 'goaway-unsupported'
  | 'hang-up-unsupported'
  | 'drain-complete'
  | 'force-shutdown'
  | 'grpc-shutdown-error'
  | 'cleanup-hook-failed'
  | 'cleanup-abandoned'
  | 'cleanup-complete'
  | 'health-closed'
  | 'propagation'
  | 'exit';

/** A value of a log field: JSON-serializable and flat enough for a log pipeline. */
export type DrainLogValue = string | number | boolean | null | readonly number[] | { readonly [key: string]: number };

/** One lifecycle event. */
export interface DrainLogEntry {
  readonly level: DrainLogLevel;
  readonly event: DrainEventName;
  /** A sentence for people. */
  readonly message: string;
  /** The numbers behind the sentence. */
  readonly data: { readonly [field: string]: DrainLogValue };
}

/** Receives every lifecycle event. */
export type DrainLogger = (entry: DrainLogEntry) => void;

/**
 * A logger that writes one JSON object per line: `{"time", "level", "event", "msg", ...data}`.
 * @param write where a line goes; @default process.stdout
 */
export function jsonLinesLogger(write: (line: string) => void = (line) => process.stdout.write(line)): DrainLogger {
  return (entry) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level: entry.level, event: entry.event, msg: entry.message, ...entry.data })}\n`);
  };
}
