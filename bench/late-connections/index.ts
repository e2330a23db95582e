/**
 * What a late connection costs the clients, per `lateConnections` mode (issue 14, item 2).
 *
 * Two example engines (examples/grpc-server, each its own process) behind a round-robin TCP
 * proxy, as an NLB node that still sends new connections to a pod it has not yet dropped:
 * one engine healthy, the other draining (SIGTERM sent; an untracked stream and a long drain
 * timeout keep it in the drain for the whole run). Then N fresh channels, one after the other,
 * each with the default grpc-js client options (or `grpc.enable_retries: 0`), send one unary
 * call and close. Reported: the calls that failed, per mode, with transparent retries on and
 * off. Every mode runs on fresh processes. Then the calls that race the GOAWAY on connections
 * already open at SIGTERM, with grpc-js's one-step GOAWAY and the runtime's two-step one.
 *
 *   npm run bench:late-connections [-- --channels 300 --race-clients 50 --seed 1 --json]
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
const RACE_CLIENTS = arg('race-clients', 50);

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

function engine(name: string, late: LateConnections, extra: Record<string, string> = {}): ChildServer {
  return new ChildServer('examples/grpc-server/main.ts', {
    ...extra,
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
    ...extra,
  });
}

/** Calls that raced the GOAWAY on connections open at SIGTERM. */
interface RaceResult {
  readonly goaway: 'one-step (grpc-js tryShutdown)' | 'two-step (runtime)';
  readonly retries: boolean;
  readonly calls: number;
  readonly failed: number;
  readonly failures: { readonly [reason: string]: number };
}

/**
 * Connections open at SIGTERM: RACE_CLIENTS channels, each already connected to the draining
 * engine, send unary calls back to back; SIGTERM arrives; for one more second they keep going
 * (each channel then reconnects through the proxy). The calls caught by the GOAWAY fail or not.
 * One-step: the example's naive mode binds gRPC itself, so grpc-js's tryShutdown sends its
 * single GOAWAY; two-step: the runtime owns the listener.
 */
async function runRace(twoStep: boolean, retries: boolean): Promise<RaceResult> {
  // Tracked streams are irrelevant here (unary only); ENGINE_TRACK_STREAMS picks who owns the port.
  const healthy = engine('healthy', 'serve', { ENGINE_TRACK_STREAMS: 'true' });
  const draining = engine('draining', 'serve', { ENGINE_TRACK_STREAMS: twoStep ? 'true' : 'false', GRPC_DRAIN_TIMEOUT_SECONDS: '5' });
  const clients: EngineClient[] = [];
  let proxy: TcpProxy | undefined;
  try {
    const [healthyPort, drainingPort] = await Promise.all(
      [healthy, draining].map(async (child) => {
        await child.waitFor('engine-started', () => true, 60_000);
        return (await child.waitFor('engine-started')).port as number;
      }),
    );
    // Every channel's first connection goes to the draining engine, every reconnection to the
    // healthy one: only the race with the GOAWAY is measured, not late connections.
    proxy = new TcpProxy([drainingPort as number, healthyPort as number], false, (n) => (n < RACE_CLIENTS ? 0 : 1));
    const port = await proxy.listen();
    // A channel of its own per client (grpc-js shares subchannels between equal channels by default).
    const options: grpc.ChannelOptions = { 'grpc.use_local_subchannel_pool': 1, ...(retries ? {} : { 'grpc.enable_retries': 0 }) };
    const failures: { [reason: string]: number } = {};
    let calls = 0;
    let failed = 0;
    let running = true;
    const loop = async (client: EngineClient): Promise<void> => {
      while (running) {
        const error = await new Promise<grpc.ServiceError | null>((resolve) => client.Submit({ payload: 'x' }, { deadline: Date.now() + 10_000 }, resolve));
        calls += 1;
        if (error) {
          failed += 1;
          const reason = `${grpc.status[error.code]}: ${error.details.replace(/ \([0-9T:.Z-]+\)/g, '').replace(/\. Resolution note:.*$/, '')}`;
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    };
    for (let i = 0; i < RACE_CLIENTS; i += 1) {
      const client = new Engine(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as unknown as EngineClient;
      clients.push(client);
      await new Promise<void>((resolve) => client.Submit({ payload: 'warm-up' }, { deadline: Date.now() + 10_000 }, () => resolve()));
    }
    const loops = clients.map(loop);
    await new Promise((r) => setTimeout(r, 500));
    draining.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(loops);
    return { goaway: twoStep ? 'two-step (runtime)' : 'one-step (grpc-js tryShutdown)', retries, calls, failed, failures };
  } finally {
    for (const client of clients) client.close();
    await proxy?.close();
    healthy.kill();
    draining.kill();
    await Promise.all([healthy.exited, draining.exited]);
  }
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
  for (const pick of process.argv.includes('--race-only') ? [] : PICKS) {
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
  const races: RaceResult[] = [];
  for (const retries of [true, false]) {
    for (const twoStep of [false, true]) {
      const race = await runRace(twoStep, retries);
      races.push(race);
      if (!JSON_OUTPUT) {
        process.stdout.write(
          `existing connections, ${race.goaway.padEnd(31)} retries ${retries ? 'on ' : 'off'}  ${String(race.failed).padStart(4)}/${race.calls} calls failed` +
            `${Object.keys(race.failures).length > 0 ? `\n                      ${Object.entries(race.failures).map(([r, n]) => `${n}× ${r}`).join('\n                      ')}` : ''}\n`,
        );
      }
    }
  }
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify({ channels: CHANNELS, seed: SEED, results, raceClients: RACE_CLIENTS, races }, null, 2)}\n`);
}

void main();
