/**
 * Test harness: a TCP proxy in front of one or more servers. It hands each new connection to
 * the next target in turn (round robin, as an NLB node spreads new flows), and it can record
 * the bytes of each direction with their arrival times, split into HTTP/2 frames by a parser
 * of its own (not the runtime's), so a test reads exactly what a client-side socket received.
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

/** One HTTP/2 frame as it crossed the proxy. */
export interface WireFrame {
  /** `performance.now()` of the chunk that completed it. */
  readonly at: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

/** RFC 9113 §6 frame type numbers, written out here so the test does not read the runtime's. */
export const TYPE = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
const PREFACE_LENGTH = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", RFC 9113 §3.4

/** Splits recorded bytes into frames; `skip` bytes of preface first. */
class FrameLog {
  readonly frames: WireFrame[] = [];
  private buffer = Buffer.alloc(0);
  constructor(private skip: number) {}
  add(chunk: Buffer, at: number): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.skip > 0) {
      const n = Math.min(this.skip, this.buffer.length);
      this.buffer = this.buffer.subarray(n);
      this.skip -= n;
    }
    while (this.buffer.length >= 9) {
      const length = (this.buffer[0]! << 16) | (this.buffer[1]! << 8) | this.buffer[2]!;
      if (this.buffer.length < 9 + length) break;
      this.frames.push({ at, type: this.buffer[3]!, flags: this.buffer[4]!, streamId: this.buffer.readUInt32BE(5) & 0x7fffffff, payload: Buffer.from(this.buffer.subarray(9, 9 + length)) });
      this.buffer = this.buffer.subarray(9 + length);
    }
  }
}

/** Both directions of one proxied connection. */
export interface RecordedConnection {
  readonly target: number;
  readonly openedAt: number;
  /** Frames the client received (server → client). */
  readonly toClient: WireFrame[];
  /** Frames the client sent (client → server), after the preface. */
  readonly toServer: WireFrame[];
}

/** A GOAWAY frame's last stream id and error code (RFC 9113 §6.8). */
export function goaway(frame: WireFrame): { lastStreamId: number; errorCode: number } {
  return { lastStreamId: frame.payload.readUInt32BE(0) & 0x7fffffff, errorCode: frame.payload.readUInt32BE(4) };
}

export class TcpProxy {
  readonly connections: RecordedConnection[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private next = 0;

  /**
   * @param targets ports on 127.0.0.1
   * @param record keep the frames
   * @param pick which target a new connection goes to; @default round robin
   */
  constructor(
    private readonly targets: readonly number[],
    private readonly record = false,
    private readonly pick: (connection: number, targets: number) => number = (connection, targets) => connection % targets,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  private accept(client: net.Socket): void {
    const target = this.pick(this.next, this.targets.length);
    this.next += 1;
    const upstream = net.connect({ host: '127.0.0.1', port: this.targets[target] as number });
    this.sockets.add(client).add(upstream);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      // A refused or reset upstream resets the client, as an NLB passes the RST through.
      socket.on('error', () => {
        client.resetAndDestroy();
        upstream.destroy();
      });
    }
    if (this.record) {
      const toClient = new FrameLog(0);
      const toServer = new FrameLog(PREFACE_LENGTH);
      this.connections.push({ target, openedAt: performance.now(), toClient: toClient.frames, toServer: toServer.frames });
      upstream.on('data', (chunk: Buffer) => toClient.add(chunk, performance.now()));
      client.on('data', (chunk: Buffer) => toServer.add(chunk, performance.now()));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
