import {
  BUDGET_DEFAULTS,
  BUDGET_LIMITS,
  CONTRACT_ENV,
  CONTRACT_KEYS,
  ENV_NAME,
  httpPathProblem,
  parseDuration,
  PORT,
  type ContractEnvOptions,
  type ContractKey,
} from '../model';
import type { DrainLogger } from './logger';

/** Environment variables as `process.env` holds them. */
export type DrainEnv = { readonly [name: string]: string | undefined };

/**
 * Options of {@link createDrain}. The five contract values default from the `GRPC_DRAIN_*`
 * variables the constructs inject (DESIGN.md §3), then from the budget defaults; an option
 * given here wins over the variable.
 */
export interface DrainOptions {
  /**
   * The pod's preStop sleep, in seconds: the process dates the pod's deletion as SIGTERM minus
   * this, and measures every new connection from there (the propagation report, DESIGN.md §7).
   * @default - `GRPC_DRAIN_PRESTOP_SECONDS`, else 20 (the budget's default propagation)
   */
  readonly preStopSeconds?: number;
  /**
   * Bound, in seconds, on the graceful stop after the streams are hung up; when it runs out
   * the server is stopped hard. Fractions are kept (the core rounds budgets up to whole
   * seconds; the runtime times in milliseconds).
   * @default - `GRPC_DRAIN_TIMEOUT_SECONDS`, else 10
   */
  readonly drainTimeoutSeconds?: number;
  /**
   * Budget, in seconds, for the `onShutdown` hooks after the gRPC server has stopped.
   * @default - `GRPC_DRAIN_CLEANUP_SECONDS`, else 5
   */
  readonly cleanupSeconds?: number;
  /**
   * Port of the HTTP health server. 0 asks the OS for a free port (tests, local runs): the
   * NLB and the probes need a fixed one.
   * @default - `GRPC_DRAIN_HEALTH_PORT`, else 8080
   */
  readonly healthPort?: number;
  /**
   * Address the health server binds.
   * @default - every interface (Node's `server.listen(port)`)
   */
  readonly healthHost?: string;
  /**
   * Path answering 200 while the process takes new work and 503 from the start of the
   * shutdown on. Point the NLB health check and the readiness probe here.
   * @default - `GRPC_DRAIN_READY_PATH`, else "/ready"
   */
  readonly readinessPath?: string;
  /**
   * Path answering 200 until the health server closes, last, just before exit. Point the
   * liveness probe here; never the NLB health check.
   * @default - `GRPC_DRAIN_LIVE_PATH`, else "/live"
   */
  readonly livenessPath?: string;
  /**
   * The variable names to read, for a deployment whose constructs renamed them (their
   * `contractEnv` option); `false` for a key reads no variable. Durations are read as seconds
   * (`"10"`) or as Go durations (`"10s"`, `"1500ms"`) whatever the declared format.
   * @default - the `GRPC_DRAIN_*` names
   */
  readonly contractEnv?: ContractEnvOptions;
  /**
   * Where the variables are read from (tests inject their own). Empty values count as unset.
   * @default process.env
   */
  readonly env?: DrainEnv;
  /**
   * Install SIGTERM and SIGINT handlers that start the shutdown. They are removed once the
   * shutdown has finished.
   * @default true
   */
  readonly handleSignals?: boolean;
  /**
   * Call `process.exit(0)` once the shutdown has finished. Turn off when embedding the drain
   * (or in tests) and act on the promise `shutdown()` returns instead.
   * @default true
   */
  readonly exit?: boolean;
  /**
   * Whether `/ready` answers 200 before anything calls `setReady`. Pass `false` and call
   * `setReady(true)` once the gRPC port is bound, so a new pod is not marked ready (and sent
   * connections) before it listens.
   * @default true
   */
  readonly initiallyReady?: boolean;
  /**
   * Wrap the server's `register` (which `addService` calls for every method) so the drain
   * counts every call of the services added after `createDrain`, streams and unary calls
   * alike. The count and the methods of the calls still open are logged when the drain
   * timeout forces the stop. Without it only the calls passed to `track` are counted.
   * @default true
   */
  readonly countCalls?: boolean;
  /**
   * The status message a hung-up stream ends with (code UNAVAILABLE).
   * @default "server is shutting down; reconnect to another replica"
   */
  readonly hangUpMessage?: string;
  /**
   * What a connection that arrives after SIGTERM gets, when the runtime owns the gRPC listener
   * (`grpcPort`): `serve` (accepted; the RPCs its client sends before it reads the heads-up
   * GOAWAY are served, then it is told to go away; after the drain it gets `goaway`), `goaway`
   * (GOAWAY with last stream 0 before any stream) or `refuse` (the listener closes at SIGTERM:
   * ECONNREFUSED, what a plain grpc-js server does).
   * @default - `GRPC_DRAIN_LATE_CONNECTIONS`, else "serve"
   */
  readonly lateConnections?: LateConnections;
  /**
   * The gRPC port the runtime listens on itself (`listen()` binds it), handing each connection
   * to grpc-js through `Server.createConnectionInjector` (grpc-js ≥ 1.11). Owning the listener
   * is what lets it date every new connection and end connections with the two-step GOAWAY.
   * 0 picks a free port. Leave unset to bind the server yourself with `bindAsync` (no
   * measurement, grpc-js's own one-step GOAWAY).
   * @default - not owned
   */
  readonly grpcPort?: number;
  /**
   * Address the gRPC listener binds (with `grpcPort`).
   * @default - every interface
   */
  readonly grpcHost?: string;
  /**
   * The grpc-js `ServerCredentials` of the owned listener, e.g.
   * `grpc.ServerCredentials.createInsecure()`; required with `grpcPort`. The frame-level
   * drain (two-step GOAWAY, late connections served) needs cleartext HTTP/2 (h2c): on a TLS
   * connection the runtime only dates the arrival and leaves the GOAWAY to grpc-js.
   */
  readonly credentials?: object;
  /**
   * A `prom-client` Registry: the drain's metrics are registered in it and the health
   * server's metrics path serves the whole registry. Without it the path serves the drain's
   * metrics in the Prometheus text format.
   * @default - none
   */
  readonly metricsRegistry?: MetricsRegistry;
  /**
   * Path of the Prometheus metrics on the health server; `false` serves none.
   * @default "/metrics"
   */
  readonly metricsPath?: string | false;
  /**
   * The pod's name in the propagation report.
   * @default - `POD_NAME` (the downward API), else `HOSTNAME` (the pod name in Kubernetes)
   */
  readonly podName?: string;
  /**
   * Receives one entry per lifecycle event; `false` logs nothing.
   * @default - {@link jsonLinesLogger} on stdout
   */
  readonly logger?: DrainLogger | false;
}

/** What a connection arriving after SIGTERM gets; see {@link DrainOptions.lateConnections}. */
export type LateConnections = 'serve' | 'goaway' | 'refuse';

/** The values {@link DrainOptions.lateConnections} takes. */
export const LATE_CONNECTIONS: readonly LateConnections[] = ['serve', 'goaway', 'refuse'];

/** The variable {@link DrainOptions.lateConnections} defaults from (not a plan value: the constructs do not render it). */
export const LATE_CONNECTIONS_ENV = 'GRPC_DRAIN_LATE_CONNECTIONS';

/**
 * The part of a `prom-client` `Registry` the runtime uses (prom-client is neither imported
 * nor required: an optional peer, typed by shape as grpc-js is). Checked with prom-client 15.
 * @see https://github.com/siimon/prom-client/blob/master/lib/registry.js
 */
export interface MetricsRegistry {
  /** `Registry.registerMetric`; the metric parameter is `never` so any Registry's signature fits. */
  registerMetric(metric: never): void;
  /** The whole registry in its exposition format. */
  metrics(): Promise<string> | string;
  /** The Content-Type of `metrics()`. */
  readonly contentType: string;
}

/** The contract values after defaults, variables and options are applied and checked. */
export interface ResolvedDrainOptions {
  /** The preStop sleep, seconds (fractions kept): the deletion is dated SIGTERM minus this. */
  readonly preStopSeconds: number;
  /** What connections arriving after SIGTERM get (used when the runtime owns the listener). */
  readonly lateConnections: LateConnections;
  /** Bound on the graceful stop, seconds (fractions kept). */
  readonly drainTimeoutSeconds: number;
  /** Budget of the cleanup hooks, seconds (fractions kept). */
  readonly cleanupSeconds: number;
  /** The health port; 0 for a free one. */
  readonly healthPort: number;
  readonly readinessPath: string;
  readonly livenessPath: string;
  /** Where each value came from: `options.x`, `NAME="value"` or `default`. */
  readonly sources: { readonly [K in ContractKey | 'lateConnections']: string };
}

/** One rejected setting. */
export interface DrainOptionProblem {
  /** The option (`drainTimeoutSeconds`), or `options` for a problem with the options object. */
  readonly option: string;
  /** Where the value came from: `options.x` or the variable name. */
  readonly source: string;
  /** The whole sentence: source, value, what is expected. */
  readonly message: string;
}

/** Thrown by {@link createDrain} and {@link resolveDrainOptions}: every bad setting at once. */
export class DrainOptionsError extends Error {
  public readonly problems: readonly DrainOptionProblem[];

  constructor(problems: readonly DrainOptionProblem[]) {
    const plural = problems.length === 1 ? 'setting' : 'settings';
    super(`grpc-drain runtime: ${problems.length} invalid ${plural}:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.name = 'DrainOptionsError';
    this.problems = problems;
  }
}

/** The option that carries each contract value. */
const CONTRACT_OPTION: { readonly [K in ContractKey]: keyof DrainOptions & string } = {
  preStop: 'preStopSeconds',
  drainTimeout: 'drainTimeoutSeconds',
  cleanup: 'cleanupSeconds',
  healthPort: 'healthPort',
  readinessPath: 'readinessPath',
  livenessPath: 'livenessPath',
};

const KNOWN_OPTIONS: readonly (keyof DrainOptions)[] = [
  'drainTimeoutSeconds',
  'cleanupSeconds',
  'healthPort',
  'healthHost',
  'readinessPath',
  'livenessPath',
  'contractEnv',
  'env',
  'handleSignals',
  'exit',
  'initiallyReady',
  'countCalls',
  'hangUpMessage',
  'logger',
  'preStopSeconds',
  'lateConnections',
  'grpcPort',
  'grpcHost',
  'credentials',
  'metricsRegistry',
  'metricsPath',
  'podName',
];

const DEFAULTS: { readonly [K in ContractKey]: number | string } = {
  // The plan's sleep is ⌈propagation⌉ (DESIGN.md §3): the default budget's is 20 s.
  preStop: BUDGET_DEFAULTS.propagationSeconds,
  drainTimeout: BUDGET_DEFAULTS.drainTimeoutSeconds,
  cleanup: BUDGET_DEFAULTS.cleanupSeconds,
  healthPort: BUDGET_DEFAULTS.healthPort,
  readinessPath: BUDGET_DEFAULTS.readinessPath,
  livenessPath: BUDGET_DEFAULTS.livenessPath,
};

/**
 * The bounds are the budget's own (BUDGET_LIMITS): every value a plan renders into the env
 * is accepted here, and nothing the plan would refuse.
 */
const DURATION_LIMIT = {
  // The plan's sleep is propagation (1–3600 s); a pod without a preStop (0) still dates its deletion.
  preStop: { min: 0, max: BUDGET_LIMITS.propagationSeconds.max },
  drainTimeout: BUDGET_LIMITS.drainTimeoutSeconds,
  cleanup: BUDGET_LIMITS.cleanupSeconds,
} as const;
const expectedDurationEnv = (max: number) => `expected seconds ("10", "2.5") or a Go duration ("10s", "1500ms", ".5s") from 0 to ${max}s`;
const expectedDurationOption = (max: number) => `expected a number of seconds from 0 to ${max}`;
const EXPECTED_PORT = `expected a whole port number from 0 to ${PORT.max} (0 picks a free port)`;
const EXPECTED_PATH = "expected a URL path starting with '/' of letters, digits and -._~!$&'()*+,;=:@/";

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A raw value and where it came from. */
interface Candidate {
  readonly raw: unknown;
  readonly source: string;
  readonly fromEnv: boolean;
}

function variableName(key: ContractKey, contractEnv: ContractEnvOptions, problems: DrainOptionProblem[]): string | undefined {
  const option = contractEnv[key];
  if (option === false) return undefined;
  if (option === undefined) return CONTRACT_ENV[key];
  const name = typeof option === 'string' ? option : typeof option === 'object' && option !== null ? option.name : undefined;
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    problems.push({
      option: 'contractEnv',
      source: `options.contractEnv.${key}`,
      message: `options.contractEnv.${key} = ${show(typeof option === 'object' && option !== null ? option.name : option)}: expected an environment variable name, { name, format } or false.`,
    });
    return undefined;
  }
  return name;
}

/**
 * Applies defaults, variables and options, and checks them all: throws a
 * {@link DrainOptionsError} listing every problem, or returns the settings.
 */
export function resolveDrainOptions(options: DrainOptions = {}): ResolvedDrainOptions {
  const problems: DrainOptionProblem[] = [];
  if (typeof options !== 'object' || options === null) {
    throw new DrainOptionsError([{ option: 'options', source: 'options', message: `options = ${show(options)}: expected an object.` }]);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      const hint = KNOWN_OPTIONS.find((known) => known.toLowerCase().startsWith(key.toLowerCase()));
      problems.push({
        option: key,
        source: `options.${key}`,
        message: `options.${key} is not an option${hint ? `; did you mean '${hint}'?` : ''} (known: ${KNOWN_OPTIONS.join(', ')}).`,
      });
    }
  }
  const env: DrainEnv = options.env ?? process.env;
  const contractEnv: ContractEnvOptions = options.contractEnv ?? {};

  const lookUp = (key: ContractKey): Candidate | undefined => {
    const option = CONTRACT_OPTION[key];
    const fromOption = options[option];
    if (fromOption !== undefined) return { raw: fromOption, source: `options.${option}`, fromEnv: false };
    const name = variableName(key, contractEnv, problems);
    const fromEnv = name === undefined ? undefined : env[name];
    if (name !== undefined && fromEnv !== undefined && fromEnv !== '') return { raw: fromEnv, source: name, fromEnv: true };
    return undefined;
  };
  const candidates = new Map(CONTRACT_KEYS.map((key) => [key, lookUp(key)]));
  const candidate = (key: ContractKey): Candidate | undefined => candidates.get(key);
  const reject = (key: ContractKey, c: Candidate, expected: string): undefined => {
    const shown = c.fromEnv ? `${c.source}=${show(c.raw)}` : `${c.source} = ${show(c.raw)}`;
    problems.push({ option: CONTRACT_OPTION[key], source: c.source, message: `${shown}: ${expected}.` });
    return undefined;
  };
  const describe = (c: Candidate | undefined): string => (c === undefined ? 'default' : c.fromEnv ? `${c.source}=${show(c.raw)}` : c.source);

  const duration = (key: 'preStop' | 'drainTimeout' | 'cleanup'): number | undefined => {
    const c = candidate(key);
    if (c === undefined) return DEFAULTS[key] as number;
    const { min, max } = DURATION_LIMIT[key];
    if (c.fromEnv) {
      const seconds = parseDuration(c.raw as string);
      return seconds === undefined || seconds < min || seconds > max ? reject(key, c, expectedDurationEnv(max)) : seconds;
    }
    const ok = typeof c.raw === 'number' && Number.isFinite(c.raw) && c.raw >= min && c.raw <= max;
    return ok ? (c.raw as number) : reject(key, c, expectedDurationOption(max));
  };
  const port = (key: ContractKey): number | undefined => {
    const c = candidate(key);
    if (c === undefined) return DEFAULTS[key] as number;
    const value = c.fromEnv ? (/^\d+$/.test((c.raw as string).trim()) ? Number(c.raw) : NaN) : c.raw;
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= PORT.max;
    return ok ? (value as number) : reject(key, c, EXPECTED_PORT);
  };
  const path = (key: ContractKey): string | undefined => {
    const c = candidate(key);
    if (c === undefined) return DEFAULTS[key] as string;
    const problem = httpPathProblem(c.raw);
    return problem === undefined ? (c.raw as string) : reject(key, c, `${EXPECTED_PATH}, but ${problem}`);
  };

  const preStopSeconds = duration('preStop');
  const drainTimeoutSeconds = duration('drainTimeout');
  const cleanupSeconds = duration('cleanup');
  const healthPort = port('healthPort');
  const readinessPath = path('readinessPath');
  const livenessPath = path('livenessPath');
  if (readinessPath !== undefined && readinessPath === livenessPath) {
    const from = `${describe(candidate('readinessPath'))}, ${describe(candidate('livenessPath'))}`;
    problems.push({
      option: 'livenessPath',
      source: from,
      message: `readinessPath and livenessPath are both ${show(readinessPath)} (${from}): expected two different paths, so a draining process fails readiness and still passes liveness.`,
    });
  }
  for (const flag of ['handleSignals', 'exit', 'initiallyReady', 'countCalls'] as const) {
    const value: unknown = options[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      problems.push({ option: flag, source: `options.${flag}`, message: `options.${flag} = ${show(value)}: expected true or false.` });
    }
  }
  if (options.healthHost !== undefined && (typeof options.healthHost !== 'string' || options.healthHost === '')) {
    problems.push({ option: 'healthHost', source: 'options.healthHost', message: `options.healthHost = ${show(options.healthHost)}: expected a host name or IP address.` });
  }
  if (options.hangUpMessage !== undefined && typeof options.hangUpMessage !== 'string') {
    problems.push({ option: 'hangUpMessage', source: 'options.hangUpMessage', message: `options.hangUpMessage = ${show(options.hangUpMessage)}: expected a string.` });
  }
  if (options.logger !== undefined && options.logger !== false && typeof options.logger !== 'function') {
    problems.push({ option: 'logger', source: 'options.logger', message: `options.logger = ${show(options.logger)}: expected a function or false.` });
  }

  if (typeof options.metricsPath === 'string' && (options.metricsPath === readinessPath || options.metricsPath === livenessPath)) {
    problems.push({ option: 'metricsPath', source: 'options.metricsPath', message: `options.metricsPath = ${show(options.metricsPath)} is also the readiness or liveness path: expected a path of its own.` });
  }
  const late = resolveLateConnections(options, env, problems);
  checkListenerOptions(options, problems);

  if (problems.length > 0) throw new DrainOptionsError(problems);
  return {
    preStopSeconds: preStopSeconds as number,
    lateConnections: late.value,
    drainTimeoutSeconds: drainTimeoutSeconds as number,
    cleanupSeconds: cleanupSeconds as number,
    healthPort: healthPort as number,
    readinessPath: readinessPath as string,
    livenessPath: livenessPath as string,
    sources: { ...(Object.fromEntries(CONTRACT_KEYS.map((key) => [key, describe(candidate(key))])) as { [K in ContractKey]: string }), lateConnections: late.source },
  };
}

/** `lateConnections` from the option, else `GRPC_DRAIN_LATE_CONNECTIONS`, else `serve`. */
function resolveLateConnections(options: DrainOptions, env: DrainEnv, problems: DrainOptionProblem[]): { value: LateConnections; source: string } {
  const expected = `expected one of ${LATE_CONNECTIONS.map((v) => JSON.stringify(v)).join(', ')}`;
  if (options.lateConnections !== undefined) {
    if ((LATE_CONNECTIONS as readonly unknown[]).includes(options.lateConnections)) return { value: options.lateConnections, source: 'options.lateConnections' };
    problems.push({ option: 'lateConnections', source: 'options.lateConnections', message: `options.lateConnections = ${show(options.lateConnections)}: ${expected}.` });
    return { value: 'serve', source: 'options.lateConnections' };
  }
  const text = env[LATE_CONNECTIONS_ENV];
  if (text === undefined || text === '') return { value: 'serve', source: 'default' };
  const value = text.trim();
  const source = `${LATE_CONNECTIONS_ENV}=${show(text)}`;
  if ((LATE_CONNECTIONS as readonly string[]).includes(value)) return { value: value as LateConnections, source };
  problems.push({ option: 'lateConnections', source: LATE_CONNECTIONS_ENV, message: `${source}: ${expected}.` });
  return { value: 'serve', source };
}

/** The owned listener's options: a port, its credentials, and the metrics and report extras. */
function checkListenerOptions(options: DrainOptions, problems: DrainOptionProblem[]): void {
  const bad = (option: keyof DrainOptions & string, expected: string): void => {
    problems.push({ option, source: `options.${option}`, message: `options.${option} = ${show(options[option])}: ${expected}.` });
  };
  const { grpcPort } = options;
  if (grpcPort !== undefined && !(typeof grpcPort === 'number' && Number.isInteger(grpcPort) && grpcPort >= 0 && grpcPort <= PORT.max)) bad('grpcPort', EXPECTED_PORT);
  if (options.grpcHost !== undefined && (typeof options.grpcHost !== 'string' || options.grpcHost === '')) bad('grpcHost', 'expected a host name or IP address');
  if (options.credentials !== undefined && (typeof options.credentials !== 'object' || options.credentials === null)) bad('credentials', 'expected grpc-js ServerCredentials');
  if (grpcPort !== undefined && options.credentials === undefined) {
    problems.push({
      option: 'credentials',
      source: 'options.credentials',
      message: 'options.grpcPort is set without options.credentials: pass the ServerCredentials the listener serves, e.g. grpc.ServerCredentials.createInsecure().',
    });
  }
  if (grpcPort === undefined && (options.grpcHost !== undefined || options.credentials !== undefined)) {
    problems.push({ option: 'grpcPort', source: 'options.grpcPort', message: 'options.grpcHost or options.credentials is set without options.grpcPort: give the port the runtime should listen on.' });
  }
  const registry = options.metricsRegistry as unknown;
  if (registry !== undefined && (typeof registry !== 'object' || registry === null || typeof (registry as { registerMetric?: unknown }).registerMetric !== 'function' || typeof (registry as { metrics?: unknown }).metrics !== 'function')) {
    bad('metricsRegistry', 'expected a prom-client Registry (registerMetric, metrics)');
  }
  if (options.metricsPath !== undefined && options.metricsPath !== false && !(typeof options.metricsPath === 'string' && httpPathProblem(options.metricsPath) === undefined)) bad('metricsPath', `${EXPECTED_PATH}, or false`);
  if (options.podName !== undefined && (typeof options.podName !== 'string' || options.podName === '')) bad('podName', 'expected a non-empty string');
}
