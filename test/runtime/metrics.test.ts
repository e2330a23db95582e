/**
 * Acceptance item 3, metrics: the health server's /metrics, live, checked by Prometheus's own
 * linter (`promtool check metrics`, Debian's `prometheus` package, installed by .ci/run), in
 * the runtime's own text exposition and through a user's prom-client registry.
 */
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { Registry, Counter } from 'prom-client';
import type { Drain, DrainOptions } from 'grpc-drain/runtime';
import { fixtureClient, slowCall, startOwnedServer, type FixtureClient } from './owned-server';

function get(port: number, urlPath: string): Promise<{ status: number | undefined; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
      })
      .on('error', reject);
  });
}

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const havePromtool = promtool.status === 0;
if (!havePromtool && process.env.CI) {
  throw new Error('promtool is missing in CI: .ci/run installs it (apt-get install prometheus); the metrics must be checked there');
}
const itWithPromtool = havePromtool ? it : it.skip;
if (!havePromtool) {
  // eslint-disable-next-line no-console
  console.warn('promtool not found (apt-get install prometheus): skipping `promtool check metrics` here; CI runs it');
}

/** `promtool check metrics` on `text`: its exit code and what it said. */
function check(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function started(extra: Partial<DrainOptions>): Promise<{ drain: Drain; client: FixtureClient }> {
  const { drain, port } = await startOwnedServer(extra);
  const client = fixtureClient(port);
  expect(await slowCall(client, 0)).toBe(0);
  return { drain, client };
}

describe('the runtime’s own text exposition', () => {
  let run: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    run = await started({});
  });
  afterAll(async () => {
    run.client.close();
    await run.drain.shutdown();
  });

  it('serves the drain’s metrics on /metrics in the text format', async () => {
    const page = await get(run.drain.healthAddress!.port, '/metrics');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = page.body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toEqual(
      expect.arrayContaining([
        'grpc_drain_ready 1',
        'grpc_drain_prestop_seconds 0',
        'grpc_drain_connections_total 1',
        'grpc_drain_open_connections 1',
        'grpc_drain_late_connections_total{action="served"} 0',
        'grpc_drain_connection_after_deletion_seconds_count 0',
      ]),
    );
    expect(page.body).toContain('# TYPE grpc_drain_connection_after_deletion_seconds histogram');
  });

  itWithPromtool('passes promtool check metrics', async () => {
    const page = await get(run.drain.healthAddress!.port, '/metrics');
    expect(check(page.body)).toEqual({ status: 0, output: '' });
  });
});

describe('a prom-client registry', () => {
  let run: Awaited<ReturnType<typeof started>>;
  const registry = new Registry();
  const own = new Counter({ name: 'engine_tasks_total', help: 'Tasks the engine handed out.', registers: [registry] });
  beforeAll(async () => {
    own.inc(7);
    run = await started({ metricsRegistry: registry });
  });
  afterAll(async () => {
    run.client.close();
    await run.drain.shutdown();
  });

  it('holds the drain’s metrics next to the application’s, served on /metrics', async () => {
    const page = await get(run.drain.healthAddress!.port, '/metrics');
    expect(page.type).toBe(registry.contentType);
    expect(page.body).toContain('engine_tasks_total 7');
    expect(page.body).toContain('grpc_drain_connections_total 1');
    expect(page.body).toContain('grpc_drain_connection_after_deletion_seconds_bucket{le="+Inf"} 0');
    const json = await registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'grpc_drain_ready')).toMatchObject({ type: 'gauge', values: [{ value: 1, labels: {} }] });
  });

  itWithPromtool('passes promtool check metrics', async () => {
    const page = await get(run.drain.healthAddress!.port, '/metrics');
    expect(check(page.body)).toEqual({ status: 0, output: '' });
  });
});

describe('during the shutdown', () => {
  it('count the late connections and date the deletion, and still pass promtool', async () => {
    const run = await started({ cleanupSeconds: 5 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inCleanup: () => void = () => undefined;
    const cleanup = new Promise<void>((resolve) => (inCleanup = resolve));
    run.drain.onShutdown(async () => {
      inCleanup();
      await held;
    });
    run.client.close();
    const shutdown = run.drain.shutdown();
    await cleanup;
    const late = fixtureClient(run.drain.grpcAddress!.port, { 'grpc.enable_retries': 0 });
    const code = await slowCall(late, 0);
    late.close();
    const page = await get(run.drain.healthAddress!.port, '/metrics');
    release();
    await shutdown;

    expect(code).toBe(grpc.status.UNAVAILABLE);
    const samples = page.body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toEqual(expect.arrayContaining(['grpc_drain_ready 0', 'grpc_drain_late_connections_total{action="goaway"} 1', 'grpc_drain_connections_total 2']));
    // preStop 0: the deletion is SIGTERM, so only the late connection is after it.
    expect(samples.find((l) => l.startsWith('grpc_drain_connection_after_deletion_seconds_count'))).toBe('grpc_drain_connection_after_deletion_seconds_count 1');
    expect(samples.some((l) => /^grpc_drain_sigterm_timestamp_seconds \d+\.?\d*$/.test(l))).toBe(true);
    expect(samples.some((l) => /^grpc_drain_last_new_connection_after_deletion_seconds \d/.test(l))).toBe(true);
    if (havePromtool) expect(check(page.body)).toEqual({ status: 0, output: '' });
  });
});
