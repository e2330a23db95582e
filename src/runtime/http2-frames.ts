/**
 * Just enough HTTP/2 framing (RFC 9113) for the runtime to sit between a client's TCP socket
 * and Node's HTTP/2 session: find frame boundaries in each direction, read the few fields
 * the drain needs (type, flags, stream id, a GOAWAY's last stream id, a PING's payload), and
 * write the frames it adds itself (SETTINGS, GOAWAY, PING). Nothing here decodes headers.
 * @see https://www.rfc-editor.org/rfc/rfc9113#section-4.1 (frame format)
 */

/** The client connection preface, RFC 9113 §3.4: a cleartext (h2c) connection starts with it. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Frame header length, RFC 9113 §4.1. */
export const FRAME_HEADER_LENGTH = 9;

/** Frame types used here, RFC 9113 §6. */
export const FRAME_TYPE = {
  data: 0x0,
  headers: 0x1,
  rstStream: 0x3,
  settings: 0x4,
  ping: 0x6,
  goaway: 0x7,
  windowUpdate: 0x8,
  continuation: 0x9,
} as const;

/** The ACK flag of SETTINGS and PING (RFC 9113 §6.5, §6.7); END_STREAM of DATA and HEADERS (§6.1, §6.2). */
export const FLAG_ACK = 0x1;
export const FLAG_END_STREAM = 0x1;

/** Error code NO_ERROR, RFC 9113 §7. */
export const NO_ERROR = 0x0;

/**
 * The largest stream identifier (31 bits, RFC 9113 §5.1.1): a GOAWAY naming it says "go away
 * soon" without refusing any stream, the heads-up of a graceful close (§6.8). grpc-go writes
 * math.MaxUint32, which its framer masks to this (golang.org/x/net/http2 `WriteGoAway`).
 */
export const MAX_STREAM_ID = 0x7fffffff;

/**
 * Opaque data of the runtime's own PING, so its ACK is told apart from the ACKs of PINGs the
 * HTTP/2 session sent itself (keepalives). The bytes are grpc-go's `goAwayPing`
 * (internal/transport/http2_server.go), which does the same thing for the same reason.
 */
export const DRAIN_PING_DATA = Buffer.from([1, 6, 1, 8, 0, 3, 3, 9]);

/** The fields of one frame header. */
export interface FrameHeader {
  /** Payload length (the frame is 9 + length bytes). */
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  /** Stream identifier, reserved bit cleared. */
  readonly streamId: number;
}

/** Reads the frame header at `offset`; the caller has checked that 9 bytes are there. */
export function readFrameHeader(buffer: Buffer, offset = 0): FrameHeader {
  return {
    length: buffer.readUIntBE(offset, 3),
    type: buffer[offset + 3] as number,
    flags: buffer[offset + 4] as number,
    streamId: buffer.readUInt32BE(offset + 5) & MAX_STREAM_ID,
  };
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_LENGTH + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId & MAX_STREAM_ID, 5);
  payload.copy(out, FRAME_HEADER_LENGTH);
  return out;
}

/** A GOAWAY frame (RFC 9113 §6.8): stream 0, last stream id, error code, no debug data. */
export function goawayFrame(lastStreamId: number, errorCode = NO_ERROR): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId & MAX_STREAM_ID, 0);
  payload.writeUInt32BE(errorCode, 4);
  return frame(FRAME_TYPE.goaway, 0, 0, payload);
}

/** A PING frame (RFC 9113 §6.7) carrying `data` (8 bytes). */
export function pingFrame(data: Buffer = DRAIN_PING_DATA, ack = false): Buffer {
  return frame(FRAME_TYPE.ping, ack ? FLAG_ACK : 0, 0, data);
}

/** An empty SETTINGS frame: the server connection preface when the runtime answers alone (RFC 9113 §3.4). */
export function settingsFrame(ack = false): Buffer {
  return frame(FRAME_TYPE.settings, ack ? FLAG_ACK : 0, 0, Buffer.alloc(0));
}

/** The last stream id a GOAWAY frame names; `payload` starts right after the frame header. */
export function goawayLastStreamId(payload: Buffer): number {
  return payload.readUInt32BE(0) & MAX_STREAM_ID;
}

/** One whole frame found in a byte stream, with where it lies in the buffer it was found in. */
export interface FoundFrame extends FrameHeader {
  /** Offset of the frame header in the buffer passed to the handler. */
  readonly offset: number;
  /** The payload (a view into that buffer). */
  readonly payload: Buffer;
}

/**
 * Splits one direction of a connection into whole frames. `push(chunk)` returns the bytes that
 * form whole frames (from the last boundary to the newest one) with the frames inside them,
 * and keeps an incomplete frame for the next chunk. A frame is never larger than the peer's
 * SETTINGS_MAX_FRAME_SIZE (at most 2^24 − 1, RFC 9113 §4.2), which bounds what is kept.
 */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes kept back: an incomplete frame. 0 means the stream is at a frame boundary. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): { bytes: Buffer; frames: FoundFrame[] } {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: FoundFrame[] = [];
    let offset = 0;
    while (buffer.length - offset >= FRAME_HEADER_LENGTH) {
      const header = readFrameHeader(buffer, offset);
      const end = offset + FRAME_HEADER_LENGTH + header.length;
      if (end > buffer.length) break;
      frames.push({ ...header, offset, payload: buffer.subarray(offset + FRAME_HEADER_LENGTH, end) });
      offset = end;
    }
    this.pending = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
    return { bytes: buffer.subarray(0, offset), frames };
  }
}
