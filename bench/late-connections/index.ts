/**
 * What a late connection costs the clients, per `lateConnections` mode (issue 14, item 2).
 *
 * Two example engines (examples/grpc-server, each its own process) behind a round-robin TCP
 * proxy, as an NLB node that still sends new connections to a pod it has not yet dropped:
 * one engine healthy, the other draining (SIGTERM sent; an untracked stream and a long drain
 * timeout keep it in the drain for the whole run). Then N fresh channels, one after the other,
 * each with the default grpc-js client options (or `grpc.enable_retries: 0`), send one unary
 * call and close. Reported: the calls that failed, per mode, with transparent retries on and
 * off. Every mode runs on fresh processes.
 *
 *   npm run bench:late-connections [-- --channels 300 --json]
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { LATE_CONNECTIONS, type LateConnections } from 'grpc-drain/runtime';
import { ChildServer, followStream, loadClient, REPO_ROOT } from '../../test/runtime/child-server';
import { TcpProxy } from '../../test/runtime/tcp-proxy';
import { Prng } from '../../lab/prng';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const CHANNELS = arg('channels', 300);
const JSON_OUTPUT = process.argv.includes('--json');
const SEED = arg('seed', 1);

/**
 * How the proxy spreads new connections: `round-robin` (strict alternation: a transparent
 * retry's new connection always goes to the other engine) or `random` (seeded; as an NLB's
 * flow hash, the retry lands on the draining engine again half the time).
 */
type Pick = 'round-robin' | 'random';
const PICKS: readonly Pick[] = ['round-robin', 'random'];

const PROTO = path.join(REPO_ROOT, 'examples', 'grpc-server', 'engine.proto');
const Engine = loadClient(PROTO, 'engine.v1.Engine');
type EngineClient = grpc.Client & {
  Submit: (req: object, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void;
  Subscribe: (req: object) => grpc.ClientReadableStream<unknown>;
};

function engine(name: string, late: LateConnections): ChildServer {
  return new ChildServer('examples/grpc-server/main.ts', {
    GRPC_PORT: '0',
    GRPC_HOST: '127.0.0.1',
    HEALTH_HOST: '127.0.0.1',
    GRPC_DRAIN_HEALTH_PORT: '0',
    GRPC_DRAIN_PRESTOP_SECONDS: '0',
    // Long enough to outlast the run: the draining engine stays in its drain throughout.
    GRPC_DRAIN_TIMEOUT_SECONDS: '600',
    GRPC_DRAIN_CLEANUP_SECONDS: '1',
    GRPC_DRAIN_LATE_CONNECTIONS: late,
    ENGINE_TRACK_STREAMS: 'false',
    ENGINE_INSTANCE: name,
  });
}

interface ModeResult {
  readonly pick: Pick;
  readonly mode: LateConnections;
  readonly retries: boolean;
  readonly calls: number;
  readonly failed: number;
  readonly failedPercent: number;
  /** Failures by status code and message. */
  readonly failures: { readonly [reason: string]: number };
  /** Calls the draining engine answered. */
  readonly servedByDraining: number;
}

async function runMode(pick: Pick, mode: LateConnections, retries: boolean): Promise<ModeResult> {
  const healthy = engine('healthy', mode);
  const draining = engine('draining', mode);
  const clients: grpc.Client[] = [];
  let proxy: TcpProxy | undefined;
  try {
    const [healthyPort, drainingPort] = await Promise.all(
      [healthy, draining].map(async (child) => {
        await child.waitFor('engine-started', () => true, 60_000);
        return (await child.waitFor('grpc-listening')).port as number;
      }),
    );
    // The untracked stream that keeps the draining engine's graceful stop open.
    const holder = new Engine(`127.0.0.1:${drainingPort}`, grpc.credentials.createInsecure()) as unknown as EngineClient;
    clients.push(holder);
    const held = followStream(holder.Subscribe({ workerId: 'holder' }));
    await held.firstMessage;
    draining.signal('SIGTERM');
    await draining.waitFor('streams-ended');

    const prng = new Prng(SEED);
    proxy = new TcpProxy([drainingPort as number, healthyPort as number], false, pick === 'random' ? (_n, targets) => prng.int(0, targets - 1) : undefined);
    const port = await proxy.listen();
    const options: grpc.ChannelOptions = retries ? {} : { 'grpc.enable_retries': 0 };
    const failures: { [reason: string]: number } = {};
    let failed = 0;
    let servedByDraining = 0;
    for (let i = 0; i < CHANNELS; i += 1) {
      const client = new Engine(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as unknown as EngineClient;
      const outcome = await new Promise<{ error: grpc.ServiceError | null; servedBy?: string }>((resolve) =>
        client.Submit({ payload: 'x' }, { deadline: Date.now() + 10_000 }, (error, reply?: unknown) => resolve({ error, servedBy: (reply as { servedBy?: string } | undefined)?.servedBy })),
      );
      client.close();
      if (outcome.error) {
        failed += 1;
        // Without the timestamps grpc-js puts in the message, so equal reasons count together.
        const reason = `${grpc.status[outcome.error.code]}: ${outcome.error.details.replace(/ \([0-9T:.Z-]+\)/g, '').replace(/\. Resolution note:.*$/, '')}`;
        failures[reason] = (failures[reason] ?? 0) + 1;
      } else if (outcome.servedBy === 'draining') servedByDraining += 1;
    }
    return { pick, mode, retries, calls: CHANNELS, failed, failedPercent: Math.round((failed / CHANNELS) * 1000) / 10, failures, servedByDraining };
  } finally {
    for (const client of clients) client.close();
    await proxy?.close();
    healthy.kill();
    draining.kill();
    await Promise.all([healthy.exited, draining.exited]);
  }
}

async function main(): Promise<void> {
  const results: ModeResult[] = [];
  for (const pick of PICKS) {
  for (const retries of [true, false]) {
    for (const mode of LATE_CONNECTIONS) {
      const result = await runMode(pick, mode, retries);
      results.push(result);
      if (!JSON_OUTPUT) {
        process.stdout.write(
          `${pick.padEnd(11)} ${mode.padEnd(7)} retries ${retries ? 'on ' : 'off'}  ${String(result.failed).padStart(4)}/${result.calls} failed (${result.failedPercent}%)  served by the draining engine: ${result.servedByDraining}` +
            `${Object.keys(result.failures).length > 0 ? `\n                      ${Object.entries(result.failures).map(([r, n]) => `${n}× ${r}`).join('\n                      ')}` : ''}\n`,
        );
      }
    }
  }
  }
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify({ channels: CHANNELS, seed: SEED, results }, null, 2)}\n`);
}

void main();
