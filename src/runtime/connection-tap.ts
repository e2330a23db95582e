import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import {
  CLIENT_PREFACE,
  DRAIN_PING_DATA,
  FLAG_ACK,
  FRAME_HEADER_LENGTH,
  FRAME_TYPE,
  FrameSplitter,
  goawayFrame,
  goawayLastStreamId,
  MAX_STREAM_ID,
  pingFrame,
  type FoundFrame,
} from './http2-frames';

/** What the tap has learnt of the connection's protocol from the client's first bytes. */
export type TapProtocol = 'unknown' | 'h2c' | 'opaque';

/** How a connection's two-step GOAWAY ended. */
export type GoAwayOutcome =
  /** The client acknowledged the PING: every stream it opened before reading the heads-up is known. */
  | 'acked'
  /** No PING ACK within the wait: the final GOAWAY went out anyway. */
  | 'timeout'
  /** The connection closed first. */
  | 'closed'
  /** Not cleartext HTTP/2 (TLS, or not HTTP/2 at all): the runtime cannot add frames. */
  | 'opaque';

/**
 * A Duplex between a client's TCP socket and Node's HTTP/2 server session (which grpc-js
 * creates on it through `injectConnection`). It forwards every byte, and because it knows where
 * each frame starts it can do what `Http2Session.goaway()` cannot: tell the client to go away
 * while the session keeps accepting the streams already on their way. Node's `goaway()` stops
 * the session accepting streams at once whatever last-stream-id it names, and grpc-js's
 * `tryShutdown` sends one GOAWAY naming the last processed stream (REFERENCES.md, gRPC
 * shutdown), so a call whose HEADERS are in flight is refused.
 *
 * The two-step close is grpc-go's (`http2_server.go`, `outgoingGoAwayHandler`) and RFC 9113
 * §6.8's: GOAWAY(2^31 − 1) + PING, then, once the client has acknowledged the PING (so every
 * stream it opened before reading the heads-up has arrived), the final GOAWAY naming the last
 * stream it opened. The PING ACK is taken out of the incoming bytes: Node treats an ACK of a
 * PING it never sent as a protocol error.
 *
 * Outgoing bytes are passed on whole frames at a time (an incomplete frame waits for its end),
 * so the socket always sits at a frame boundary and the runtime's frames can be written at any
 * moment. A connection that does not start with the h2c preface (TLS, HTTP/1) is passed through
 * untouched.
 */
export class ConnectionTap extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  private protocolState: TapProtocol = 'unknown';
  private prefaceSeen: Buffer = Buffer.alloc(0);
  private readonly incoming = new FrameSplitter();
  private readonly outgoing = new FrameSplitter();
  private serverPrefaceSent = false;
  private clientSettingsAcked = false;
  private maxClientStreamId = 0;
  /** The lowest last-stream-id of every GOAWAY sent so far, by the session or the tap. */
  private lowestGoaway: number | undefined;
  private pingOutstanding = false;
  private goingAway: Promise<GoAwayOutcome> | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: true });
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    socket.on('data', (chunk: Buffer) => this.fromClient(chunk));
    socket.on('end', () => this.push(null));
    socket.on('close', () => {
      this.notify();
      this.destroy();
    });
    // The session learns of a reset through the close; an 'error' on the tap would only be logged.
    socket.on('error', () => undefined);
  }

  /** What the client's first bytes said. */
  get protocol(): TapProtocol {
    return this.protocolState;
  }

  /** The highest stream id the client has opened (HEADERS on a new stream). */
  get lastClientStreamId(): number {
    return this.maxClientStreamId;
  }

  /** `true` once the socket has closed. */
  get socketClosed(): boolean {
    return this.socket.destroyed;
  }

  /**
   * Starts the two-step GOAWAY (once; later calls return the same promise). The heads-up waits
   * until the server's SETTINGS have gone out and the client has acknowledged them, so that a
   * new connection's client has sent the calls it was waiting to send, or `waitMs` has passed.
   * The final GOAWAY follows the PING ACK, or `waitMs` after the heads-up.
   */
  goAway(waitMs: number): Promise<GoAwayOutcome> {
    this.goingAway ??= this.runGoAway(waitMs);
    return this.goingAway;
  }

  private async runGoAway(waitMs: number): Promise<GoAwayOutcome> {
    const ready = (): boolean => this.socketClosed || this.protocolState === 'opaque' || (this.serverPrefaceSent && this.clientSettingsAcked);
    await this.until(ready, waitMs);
    if (this.socketClosed) return 'closed';
    if (this.protocolState === 'opaque') return 'opaque';
    // A client that has not even sent its preface has no stream to lose: nothing to tell it.
    if (this.protocolState === 'unknown' || !this.serverPrefaceSent) return 'timeout';
    this.pingOutstanding = true;
    this.send(Buffer.concat([goawayFrame(MAX_STREAM_ID), pingFrame(DRAIN_PING_DATA)]));
    const acked = await this.until(() => this.socketClosed || !this.pingOutstanding, waitMs);
    if (this.socketClosed) return 'closed';
    // Never name a higher stream than a GOAWAY already sent (RFC 9113 §6.8: "MUST NOT increase").
    const last = Math.min(this.maxClientStreamId, this.lowestGoaway ?? MAX_STREAM_ID);
    if (this.lowestGoaway === undefined || last < this.lowestGoaway) this.send(goawayFrame(last));
    return acked ? 'acked' : 'timeout';
  }

  /** Resolves `true` once `condition()` holds, `false` after `ms`. */
  private until(condition: () => boolean, ms: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!condition()) return;
        done(true);
      };
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => done(condition()), ms);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Writes frames of the tap's own; the socket is at a frame boundary between writes. */
  private send(frames: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    const lastStreamIds = this.goawaysIn(new FrameSplitter().push(frames).frames);
    for (const id of lastStreamIds) this.lowestGoaway = Math.min(this.lowestGoaway ?? MAX_STREAM_ID, id);
    this.socket.write(frames);
  }

  private goawaysIn(frames: readonly FoundFrame[]): number[] {
    return frames.filter((f) => f.type === FRAME_TYPE.goaway && f.payload.length >= 8).map((f) => goawayLastStreamId(f.payload));
  }

  // Client → session.
  private fromClient(chunk: Buffer): void {
    let data = chunk;
    if (this.protocolState === 'unknown') {
      const needed = CLIENT_PREFACE.length - this.prefaceSeen.length;
      const head = data.subarray(0, needed);
      this.prefaceSeen = Buffer.concat([this.prefaceSeen, head]);
      if (!CLIENT_PREFACE.subarray(0, this.prefaceSeen.length).equals(this.prefaceSeen)) {
        this.protocolState = 'opaque';
        this.notify();
        this.forward(data);
        return;
      }
      this.forward(head);
      data = data.subarray(head.length);
      if (this.prefaceSeen.length < CLIENT_PREFACE.length) return;
      this.protocolState = 'h2c';
      this.notify();
    }
    if (this.protocolState === 'opaque') {
      this.forward(data);
      return;
    }
    const { bytes, frames } = this.incoming.push(data);
    let from = 0;
    let ackSeen = false;
    for (const frame of frames) {
      if (frame.type === FRAME_TYPE.headers && frame.streamId > this.maxClientStreamId) this.maxClientStreamId = frame.streamId;
      if (frame.type === FRAME_TYPE.settings && (frame.flags & FLAG_ACK) !== 0) this.clientSettingsAcked = true;
      if (this.pingOutstanding && frame.type === FRAME_TYPE.ping && (frame.flags & FLAG_ACK) !== 0 && frame.payload.equals(DRAIN_PING_DATA)) {
        // Cut the ACK of the tap's own PING out: everything before it goes to the session first.
        this.forward(bytes.subarray(from, frame.offset));
        from = frame.offset + FRAME_HEADER_LENGTH + frame.length;
        this.pingOutstanding = false;
        ackSeen = true;
      }
    }
    this.forward(bytes.subarray(from));
    // After the bytes before it have reached the session, so its streams are known there.
    if (ackSeen || frames.length > 0) this.notify();
  }

  private forward(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (!this.push(bytes)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  // Session → client.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.protocolState === 'opaque') {
      this.write_(chunk, callback);
      return;
    }
    const { bytes, frames } = this.outgoing.push(chunk);
    for (const frame of frames) {
      if (!this.serverPrefaceSent && frame.type === FRAME_TYPE.settings) this.serverPrefaceSent = true;
    }
    for (const id of this.goawaysIn(frames)) this.lowestGoaway = Math.min(this.lowestGoaway ?? MAX_STREAM_ID, id);
    if (frames.length > 0) this.notify();
    this.write_(bytes, callback);
  }

  private write_(bytes: Buffer, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) {
      callback();
      return;
    }
    if (bytes.length === 0 || this.socket.write(bytes)) {
      callback();
      return;
    }
    // Backpressure: the session waits for the socket, or for its end.
    const resume = (): void => {
      this.socket.off('drain', resume);
      this.socket.off('close', resume);
      callback();
    };
    this.socket.on('drain', resume);
    this.socket.on('close', resume);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    this.notify();
    callback(error);
  }
}
