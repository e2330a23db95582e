/**
 * The parts of `@grpc/grpc-js` the runtime uses, as structural types. The runtime never
 * imports grpc-js: it is an optional peer dependency, and a user's copy (another version,
 * or a second copy in node_modules) has classes with private fields that a nominal type
 * would reject. Checked against @grpc/grpc-js 1.14 (`src/server.ts`, `src/server-call.ts`).
 */

/**
 * The shutdown surface of a grpc-js `Server`.
 * @see https://github.com/grpc/grpc-node/blob/master/packages/grpc-js/src/server.ts
 */
export interface DrainableServer {
  /**
   * Closes the listeners, sends GOAWAY on every session and calls back once every session
   * has closed. It takes no timeout and waits for every open stream, so a stream that only
   * the client would end keeps it pending forever (grpc-node #1458, #1664).
   */
  tryShutdown(callback: (error?: Error) => void): void;
  /** Closes the listeners and destroys every session with RST_STREAM(CANCEL). */
  forceShutdown(): void;
  /**
   * `Server.register`, through which `addService` adds every method (grpc-js 1.14
   * `server.ts`, `addService` → `this.register(path, impl, serialize, deserialize, type)`).
   * When present the drain wraps it to count calls; see {@link DrainOptions.countCalls}.
   */
  register?(name: string, handler: GrpcHandler, serialize: unknown, deserialize: unknown, type: string): boolean;
}

/**
 * What `Server.createConnectionInjector` returns (grpc-js ≥ 1.11.0, `src/server.ts`
 * `ConnectionInjector`): `injectConnection` emits the connection on a private HTTP/2 server of
 * the grpc-js server, so its streams reach the registered handlers; `destroy` closes that
 * HTTP/2 server and gracefully closes its sessions (`Http2Session.close()`).
 */
export interface ConnectionInjector {
  injectConnection(connection: import('node:stream').Duplex): void;
  destroy(): void;
}

/**
 * A grpc-js `Server` whose connections the runtime accepts itself. `createConnectionInjector`
 * is public API since grpc-js 1.11.0 (grpc-node commit 321b660, "Add
 * Server#createConnectionInjector API"; the `@grpc/grpc-js@1.10.4` tag of the grpc-node
 * repository sits on a master commit that still says 1.9.14, no 1.10.x release has it).
 * It checks `credentials instanceof ServerCredentials` of its own copy of grpc-js.
 */
export interface InjectableServer extends DrainableServer {
  createConnectionInjector(credentials: object): ConnectionInjector;
}

/**
 * A grpc-js method handler as `register` receives it: `(call, callback)` for unary and
 * client-streaming methods, `(call)` for server-streaming and bidi methods.
 */
// The call and callback are contravariant parameters: `never` accepts every grpc-js handler type.
export type GrpcHandler = (call: never, callback: never) => void;

/**
 * The grpc-js method kinds, as `Server.register` receives them.
 * @see https://github.com/grpc/grpc-node/blob/master/packages/grpc-js/src/server-call.ts (HandlerType)
 */
export type GrpcMethodKind = 'unary' | 'clientStream' | 'serverStream' | 'bidi';

/**
 * What the drain needs from a server-side call (`ServerUnaryCall`, `ServerReadableStream`,
 * `ServerWritableStream` or `ServerDuplexStream`): its method path and its events.
 */
export interface TrackableCall {
  /** The full method path, `/package.Service/Method`. */
  getPath(): string;
  /** `true` once the call has ended; grpc-js sets it before emitting `'cancelled'`. */
  readonly cancelled: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
  /** Present on every streaming call (a Node stream); absent on a unary call. */
  readonly destroyed?: boolean;
  /** `Writable.writableEnded`: the handler (or the drain) has already ended the call. */
  readonly writableEnded?: boolean;
  /** `Readable.readableEnded`: the client has half-closed its side. */
  readonly readableEnded?: boolean;
}

/**
 * `Status.UNAVAILABLE`: "the service is currently unavailable … most likely a transient
 * condition, which can be corrected by retrying with a backoff". Clients and retry policies
 * treat it as "reconnect and try again", which is what a hung-up stream should do.
 * @see https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export const GRPC_STATUS_UNAVAILABLE = 14;
