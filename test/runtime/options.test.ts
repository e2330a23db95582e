import { DrainOptionsError, parseDurationSeconds, resolveDrainOptions, type DrainOptions } from 'grpc-drain/runtime';

/** The one problem line of a DrainOptionsError, or the whole message when there are several. */
function rejection(options: DrainOptions): string {
  try {
    resolveDrainOptions(options);
  } catch (error) {
    if (!(error instanceof DrainOptionsError)) throw error;
    return error.problems.length === 1 ? (error.problems[0]?.message as string) : error.message;
  }
  throw new Error('expected the options to be rejected');
}

describe('defaults', () => {
  it('are the budget defaults when no variable is set', () => {
    expect(resolveDrainOptions({ env: {} })).toEqual({
      preStopSeconds: 20,
      lateConnections: 'serve',
      drainTimeoutSeconds: 10,
      cleanupSeconds: 5,
      healthPort: 8080,
      readinessPath: '/ready',
      livenessPath: '/live',
      sources: { preStop: 'default', drainTimeout: 'default', cleanup: 'default', healthPort: 'default', readinessPath: 'default', livenessPath: 'default', lateConnections: 'default' },
    });
  });

  it('come from the GRPC_DRAIN_* variables the constructs inject', () => {
    const env = {
      GRPC_DRAIN_TIMEOUT_SECONDS: '12',
      GRPC_DRAIN_CLEANUP_SECONDS: '3',
      GRPC_DRAIN_HEALTH_PORT: '8733',
      GRPC_DRAIN_READY_PATH: '/healthz/ready',
      GRPC_DRAIN_LIVE_PATH: '/healthz/live',
    };
    expect(resolveDrainOptions({ env })).toMatchObject({
      drainTimeoutSeconds: 12,
      cleanupSeconds: 3,
      healthPort: 8733,
      readinessPath: '/healthz/ready',
      livenessPath: '/healthz/live',
      sources: { drainTimeout: 'GRPC_DRAIN_TIMEOUT_SECONDS="12"', healthPort: 'GRPC_DRAIN_HEALTH_PORT="8733"' },
    });
  });

  it('read process.env when no env is injected', () => {
    const saved = process.env.GRPC_DRAIN_CLEANUP_SECONDS;
    process.env.GRPC_DRAIN_CLEANUP_SECONDS = '7';
    try {
      expect(resolveDrainOptions().cleanupSeconds).toBe(7);
    } finally {
      if (saved === undefined) delete process.env.GRPC_DRAIN_CLEANUP_SECONDS;
      else process.env.GRPC_DRAIN_CLEANUP_SECONDS = saved;
    }
  });

  it('lose to options, and an empty variable counts as unset', () => {
    const settings = resolveDrainOptions({ env: { GRPC_DRAIN_TIMEOUT_SECONDS: '30', GRPC_DRAIN_HEALTH_PORT: '' }, drainTimeoutSeconds: 2 });
    expect(settings.drainTimeoutSeconds).toBe(2);
    expect(settings.healthPort).toBe(8080);
    expect(settings.sources).toMatchObject({ drainTimeout: 'options.drainTimeoutSeconds', healthPort: 'default' });
  });

  it('read renamed variables (the constructs’ contractEnv), in the Go duration format too', () => {
    const settings = resolveDrainOptions({
      contractEnv: { drainTimeout: { name: 'SERVER_GRPC_SHUTDOWN_TIMEOUT', format: 'duration' }, cleanup: false, healthPort: 'HEALTH_PORT' },
      env: { SERVER_GRPC_SHUTDOWN_TIMEOUT: '10s', GRPC_DRAIN_CLEANUP_SECONDS: '99', HEALTH_PORT: '9000', GRPC_DRAIN_TIMEOUT_SECONDS: '1' },
    });
    expect(settings).toMatchObject({ drainTimeoutSeconds: 10, cleanupSeconds: 5, healthPort: 9000 });
  });
});

describe('durations', () => {
  it.each([
    ['10', 10],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['0', 0],
    ['10s', 10],
    ['1500ms', 1.5],
    ['1m30s', 90],
    ['1h', 3600],
    ['250000us', 0.25],
    ['0.5s', 0.5],
    ['.5s', 0.5],
    ['20us', 0.00002],
    ['20\u00b5s', 0.00002],
    ['20\u03bcs', 0.00002],
    ['1h0m0s', 3600],
    [' 10s ', 10],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds, 9);
    expect(resolveDrainOptions({ env: { GRPC_DRAIN_TIMEOUT_SECONDS: text } }).drainTimeoutSeconds).toBeCloseTo(seconds, 9);
  });

  it.each(['', '-1', '-1s', '10 s', 's', '1d', '1e3', 'ten', '0x10', '1..5', '+3', '10sec', '.s', '1.2.3s', '9'.repeat(400)])('%j is not a duration', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('rejections name the variable or option, the value and what is expected', () => {
  const DURATION = 'expected seconds ("10", "2.5") or a Go duration ("10s", "1500ms", ".5s") from 0 to 3600s.';
  const PATH = "expected a URL path starting with '/' of letters, digits and -._~!$&'()*+,;=:@/, but";
  it.each<[string, DrainOptions, string]>([
    ['a negative variable', { env: { GRPC_DRAIN_TIMEOUT_SECONDS: '-1' } }, `GRPC_DRAIN_TIMEOUT_SECONDS="-1": ${DURATION}`],
    ['a non-numeric variable', { env: { GRPC_DRAIN_CLEANUP_SECONDS: 'soon' } }, `GRPC_DRAIN_CLEANUP_SECONDS="soon": ${DURATION}`],
    ['a duration over the AWS cap', { env: { GRPC_DRAIN_TIMEOUT_SECONDS: '2h' } }, `GRPC_DRAIN_TIMEOUT_SECONDS="2h": ${DURATION}`],
    ['a negative option', { env: {}, drainTimeoutSeconds: -1 }, 'options.drainTimeoutSeconds = -1: expected a number of seconds from 0 to 3600.'],
    ['a NaN option', { env: {}, cleanupSeconds: Number.NaN }, 'options.cleanupSeconds = NaN: expected a number of seconds from 0 to 3600.'],
    ['a string option', { env: {}, cleanupSeconds: '5' as unknown as number }, 'options.cleanupSeconds = "5": expected a number of seconds from 0 to 3600.'],
    ['a port out of range', { env: { GRPC_DRAIN_HEALTH_PORT: '70000' } }, 'GRPC_DRAIN_HEALTH_PORT="70000": expected a whole port number from 0 to 65535 (0 picks a free port).'],
    ['a fractional port', { env: { GRPC_DRAIN_HEALTH_PORT: '80.5' } }, 'GRPC_DRAIN_HEALTH_PORT="80.5": expected a whole port number from 0 to 65535 (0 picks a free port).'],
    ['a negative port option', { env: {}, healthPort: -80 }, 'options.healthPort = -80: expected a whole port number from 0 to 65535 (0 picks a free port).'],
    ['a duration just over the bound', { env: { GRPC_DRAIN_CLEANUP_SECONDS: '1h0m0.001s' } }, `GRPC_DRAIN_CLEANUP_SECONDS="1h0m0.001s": ${DURATION}`],
    ['a path without /', { env: { GRPC_DRAIN_READY_PATH: 'ready' } }, `GRPC_DRAIN_READY_PATH="ready": ${PATH} it must start with '/' (the kubelet and the NLB send the path as written).`],
    [
      'a path with a query',
      { env: {}, livenessPath: '/live?full=1' },
      `options.livenessPath = "/live?full=1": ${PATH} '?' starts a query string: the kubelet requests only the part before it, so the probe and the health check would not hit the path the runtime serves.`,
    ],
    ['a non-ASCII path', { env: { GRPC_DRAIN_LIVE_PATH: '/lebendig-ü' } }, `GRPC_DRAIN_LIVE_PATH="/lebendig-ü": ${PATH} "ü" is not ASCII: the kubelet percent-encodes it, so the request path differs from the one the runtime serves.`],
    [
      'the same ready and live path',
      { env: { GRPC_DRAIN_READY_PATH: '/health', GRPC_DRAIN_LIVE_PATH: '/health' } },
      'readinessPath and livenessPath are both "/health" (GRPC_DRAIN_READY_PATH="/health", GRPC_DRAIN_LIVE_PATH="/health"): expected two different paths, so a draining process fails readiness and still passes liveness.',
    ],
    [
      'a ready path equal to the default live path',
      { env: {}, readinessPath: '/live' },
      'readinessPath and livenessPath are both "/live" (options.readinessPath, default): expected two different paths, so a draining process fails readiness and still passes liveness.',
    ],
    ['a bad renamed variable', { env: {}, contractEnv: { drainTimeout: '1BAD NAME' } }, 'options.contractEnv.drainTimeout = "1BAD NAME": expected an environment variable name, { name, format } or false.'],
    ['a typo in an option', { env: {}, drainTimeout: 5 } as DrainOptions, `options.drainTimeout is not an option; did you mean 'drainTimeoutSeconds'? (known: drainTimeoutSeconds, cleanupSeconds, healthPort, healthHost, readinessPath, livenessPath, contractEnv, env, handleSignals, exit, initiallyReady, countCalls, hangUpMessage, logger, preStopSeconds, lateConnections, grpcPort, grpcHost, credentials, metricsRegistry, metricsPath, podName).`],
    ['a non-boolean flag', { env: {}, exit: 'no' as unknown as boolean }, 'options.exit = "no": expected true or false.'],
    ['a logger that is not a function', { env: {}, logger: 'console' as unknown as false }, 'options.logger = "console": expected a function or false.'],
  ])('%s', (_case, options, message) => {
    expect(rejection(options)).toBe(message);
  });

  it('lists every problem at once', () => {
    expect(rejection({ env: { GRPC_DRAIN_TIMEOUT_SECONDS: 'x', GRPC_DRAIN_CLEANUP_SECONDS: '-2', GRPC_DRAIN_HEALTH_PORT: 'http', GRPC_DRAIN_READY_PATH: '/a', GRPC_DRAIN_LIVE_PATH: '/a' } })).toBe(
      [
        'grpc-drain runtime: 4 invalid settings:',
        `  - GRPC_DRAIN_TIMEOUT_SECONDS="x": ${DURATION}`,
        `  - GRPC_DRAIN_CLEANUP_SECONDS="-2": ${DURATION}`,
        '  - GRPC_DRAIN_HEALTH_PORT="http": expected a whole port number from 0 to 65535 (0 picks a free port).',
        '  - readinessPath and livenessPath are both "/a" (GRPC_DRAIN_READY_PATH="/a", GRPC_DRAIN_LIVE_PATH="/a"): expected two different paths, so a draining process fails readiness and still passes liveness.',
      ].join('\n'),
    );
  });

  it('throws a DrainOptionsError whose problems name the option and the source', () => {
    expect(() => resolveDrainOptions({ env: { GRPC_DRAIN_HEALTH_PORT: '0x50' } })).toThrow(DrainOptionsError);
    try {
      resolveDrainOptions({ env: { GRPC_DRAIN_HEALTH_PORT: '0x50' } });
    } catch (error) {
      expect((error as DrainOptionsError).problems).toEqual([
        { option: 'healthPort', source: 'GRPC_DRAIN_HEALTH_PORT', message: 'GRPC_DRAIN_HEALTH_PORT="0x50": expected a whole port number from 0 to 65535 (0 picks a free port).' },
      ]);
    }
  });

  it('accepts the edges: 0 and 3600 seconds, ports 0 and 65535', () => {
    expect(resolveDrainOptions({ env: { GRPC_DRAIN_TIMEOUT_SECONDS: '0', GRPC_DRAIN_CLEANUP_SECONDS: '3600', GRPC_DRAIN_HEALTH_PORT: '65535' } })).toMatchObject({
      drainTimeoutSeconds: 0,
      cleanupSeconds: 3600,
      healthPort: 65535,
    });
    expect(resolveDrainOptions({ env: {}, healthPort: 0 }).healthPort).toBe(0);
  });
});

describe('the propagation measurement and the owned listener', () => {
  it('read the preStop sleep from GRPC_DRAIN_PRESTOP_SECONDS, in either duration form', () => {
    expect(resolveDrainOptions({ env: { GRPC_DRAIN_PRESTOP_SECONDS: '30' } })).toMatchObject({ preStopSeconds: 30, sources: { preStop: 'GRPC_DRAIN_PRESTOP_SECONDS="30"' } });
    expect(resolveDrainOptions({ env: { GRPC_DRAIN_PRESTOP_SECONDS: '1500ms' } }).preStopSeconds).toBe(1.5);
    expect(resolveDrainOptions({ env: { GRPC_DRAIN_PRESTOP_SECONDS: '30' }, preStopSeconds: 0 }).preStopSeconds).toBe(0);
    expect(rejection({ env: { GRPC_DRAIN_PRESTOP_SECONDS: '-5' } })).toBe('GRPC_DRAIN_PRESTOP_SECONDS="-5": expected seconds ("10", "2.5") or a Go duration ("10s", "1500ms", ".5s") from 0 to 3600s.');
  });

  it.each([
    [{ env: {} }, 'serve', 'default'],
    [{ env: { GRPC_DRAIN_LATE_CONNECTIONS: 'goaway' } }, 'goaway', 'GRPC_DRAIN_LATE_CONNECTIONS="goaway"'],
    [{ env: { GRPC_DRAIN_LATE_CONNECTIONS: ' refuse ' } }, 'refuse', 'GRPC_DRAIN_LATE_CONNECTIONS=" refuse "'],
    [{ env: { GRPC_DRAIN_LATE_CONNECTIONS: 'goaway' }, lateConnections: 'serve' as const }, 'serve', 'options.lateConnections'],
  ])('take lateConnections from the option, the variable or the default (%j)', (options, value, source) => {
    const settings = resolveDrainOptions(options);
    expect(settings.lateConnections).toBe(value);
    expect(settings.sources.lateConnections).toBe(source);
  });

  it.each<[string, DrainOptions, string]>([
    ['an unknown late-connection mode', { env: { GRPC_DRAIN_LATE_CONNECTIONS: 'drop' } }, 'GRPC_DRAIN_LATE_CONNECTIONS="drop": expected one of "serve", "goaway", "refuse".'],
    ['a grpc port without credentials', { env: {}, grpcPort: 7070 }, 'options.grpcPort is set without options.credentials: pass the ServerCredentials the listener serves, e.g. grpc.ServerCredentials.createInsecure().'],
    ['credentials without a port', { env: {}, credentials: {} }, 'options.grpcHost or options.credentials is set without options.grpcPort: give the port the runtime should listen on.'],
    ['a grpc port out of range', { env: {}, grpcPort: 65536, credentials: {} }, 'options.grpcPort = 65536: expected a whole port number from 0 to 65535 (0 picks a free port).'],
    ['a registry that is not one', { env: {}, metricsRegistry: {} as never }, 'options.metricsRegistry = a object: expected a prom-client Registry (registerMetric, metrics).'],
    ['a metrics path that is the readiness path', { env: {}, metricsPath: '/ready' }, 'options.metricsPath = "/ready" is also the readiness or liveness path: expected a path of its own.'],
    ['an empty pod name', { env: {}, podName: '' }, 'options.podName = "": expected a non-empty string.'],
  ])('reject %s', (_case, options, message) => {
    expect(rejection(options)).toBe(message);
  });
});
