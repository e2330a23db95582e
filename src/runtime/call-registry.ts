import { GRPC_STATUS_UNAVAILABLE, type GrpcHandler, type GrpcMethodKind, type TrackableCall } from './grpc-types';

/** A call the registry counts until it ends. */
interface OpenCall {
  readonly path: string;
  /** Known when the call came through the wrapped `register`; `undefined` for `track()` alone. */
  kind: GrpcMethodKind | undefined;
  /** Passed to `track()`: hung up at shutdown. */
  hangUp: boolean;
}

/** What happened to one tracked call at hang-up. */
export type HangUpResult = 'ended' | 'skipped' | 'unsupported';

/** An error the way grpc-js reads a status out of it (`serverErrorToStatus`: `code`, `details`). */
export interface StatusError extends Error {
  readonly code: number;
  readonly details: string;
}

// Streams are Node streams and carry `destroyed`; a unary call is a bare EventEmitter.
function isStream(call: TrackableCall): boolean {
  return typeof call.destroyed === 'boolean';
}

function hasEnded(call: TrackableCall): boolean {
  return call.cancelled || call.destroyed === true || call.writableEnded === true;
}

/**
 * The calls the drain sees: counted from start to end, and the tracked ones hung up at
 * shutdown with UNAVAILABLE.
 */
export class CallRegistry {
  private readonly open = new Map<TrackableCall, OpenCall>();
  private hangingUp = false;

  constructor(
    private readonly hangUpMessage: string,
    private readonly onUnsupported: (path: string) => void,
  ) {}

  /** Calls that have started and not ended. */
  get openCalls(): number {
    return this.open.size;
  }

  /** Open calls per method path, for the force-shutdown log. */
  openByMethod(): { [path: string]: number } {
    const byMethod: { [path: string]: number } = {};
    for (const { path } of this.open.values()) byMethod[path] = (byMethod[path] ?? 0) + 1;
    return byMethod;
  }

  /**
   * Counts `call` until it ends; returns the function that ends the count (for the callback
   * of unary and client-streaming calls, which send their status through it).
   */
  count(call: TrackableCall, kind?: GrpcMethodKind): () => void {
    const existing = this.open.get(call);
    const done = (): void => {
      this.open.delete(call);
    };
    if (existing) {
      existing.kind ??= kind;
      return done;
    }
    if (hasEnded(call)) return done;
    this.open.set(call, { path: call.getPath(), kind, hangUp: false });
    // grpc-js 1.14 emits 'cancelled' when the client cancels and also right after the status is
    // sent (server-interceptors.ts: sendStatus → notifyOnCancel → listener.onCancel →
    // stream.emit('cancelled')), so it ends the count of unary calls too. 'finish' is a stream
    // whose handler ended it; 'close' a stream destroyed.
    for (const event of ['cancelled', 'finish', 'close']) call.on(event, done);
    return done;
  }

  /** Counts `call` and marks it to be hung up at shutdown (at once, when that has begun). */
  track(call: TrackableCall): void {
    this.count(call);
    const entry = this.open.get(call);
    if (!entry) return;
    entry.hangUp = true;
    // A stream that starts during the drain (a client that re-subscribed on a connection not
    // yet closed by GOAWAY) is hung up as soon as its handler has returned.
    if (this.hangingUp) setImmediate(() => this.hangUp(call));
  }

  /** Hangs up every tracked stream; returns how many were ended. From now on new ones are too. */
  hangUpAll(): number {
    this.hangingUp = true;
    let ended = 0;
    for (const call of [...this.open.keys()]) {
      if (this.hangUp(call) === 'ended') ended += 1;
    }
    return ended;
  }

  /**
   * Ends one tracked stream with UNAVAILABLE. grpc-js installs an 'error' listener on every
   * server stream that turns the emitted error into the call's status and ends it
   * (server-call.ts: ServerWritableStreamImpl / ServerDuplexStreamImpl constructors →
   * `serverErrorToStatus(err)`, `this.end()`; before 1.10 the client-streaming `respond`).
   * `call.destroy(error)` is not a substitute: it destroys the Node stream without sending a
   * status, the client sees nothing until `forceShutdown` cancels it (code 1, CANCELLED), and
   * `tryShutdown` keeps waiting — checked with grpc-js 1.14 against a real client.
   */
  private hangUp(call: TrackableCall): HangUpResult {
    const entry = this.open.get(call);
    if (!entry || !entry.hangUp || !isStream(call) || hasEnded(call)) return 'skipped';
    // A client-streaming call whose client has sent everything is computing its answer, like
    // a unary call: let it finish within the drain timeout.
    if (entry.kind === 'clientStream' && call.readableEnded === true) return 'skipped';
    if (call.listenerCount('error') === 0) {
      // Emitting 'error' with no listener would throw out of the shutdown.
      this.onUnsupported(entry.path);
      return 'unsupported';
    }
    const error: StatusError = Object.assign(new Error(this.hangUpMessage), { code: GRPC_STATUS_UNAVAILABLE, details: this.hangUpMessage });
    call.emit('error', error);
    return 'ended';
  }

  /** Wraps a method handler so each of its calls is counted (see `DrainOptions.countCalls`). */
  wrap(handler: GrpcHandler, kind: string): GrpcHandler {
    const invoke = handler as unknown as (call: TrackableCall, callback?: (...args: unknown[]) => void) => void;
    switch (kind) {
      case 'unary':
      case 'clientStream': {
        const wrapped = (call: TrackableCall, callback: (...args: unknown[]) => void): void => {
          const done = this.count(call, kind);
          invoke(call, (...args: unknown[]) => {
            done();
            callback(...args);
          });
        };
        return wrapped as unknown as GrpcHandler;
      }
      case 'serverStream':
      case 'bidi': {
        const wrapped = (call: TrackableCall): void => {
          this.count(call, kind);
          invoke(call);
        };
        return wrapped as unknown as GrpcHandler;
      }
      default:
        // An unknown kind (a future grpc-js): leave the handler alone rather than guess its arity.
        return handler;
    }
  }
}
