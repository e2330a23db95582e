import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the health server listens, once it does. */
export interface HealthServerAddress {
  /** The bound address, as the OS reports it (`0.0.0.0`, `::`, `127.0.0.1`). */
  readonly address: string;
  /** The bound port (the OS-chosen one when the health port is 0). */
  readonly port: number;
  /** The path answering 200, then 503 from the start of the shutdown. */
  readonly readinessPath: string;
  /** The path answering 200 until the health server closes. */
  readonly livenessPath: string;
}

/** What the health server needs to know. */
export interface HealthServerSettings {
  /** 0 for a free port. */
  readonly port: number;
  /** @default - every interface */
  readonly host?: string;
  /** Answers 200 or 503 per `isReady`. */
  readonly readinessPath: string;
  /** Answers 200 as long as the server is up. */
  readonly livenessPath: string;
  /** Read on every request: the readiness answer follows the drain's state at once. */
  readonly isReady: () => boolean;
  /** Path of the Prometheus metrics; none when unset. */
  readonly metricsPath?: string;
  /** The metrics page, read at every scrape. */
  readonly metrics?: () => Promise<{ readonly contentType: string; readonly body: string }>;
}

/**
 * The HTTP server behind the readiness and liveness paths. Its own server, on its own port:
 * the NLB checks it directly on ip targets (DESIGN.md §3), and it must outlive the gRPC
 * server so the 503 stays visible through the whole drain (DESIGN.md §1).
 */
export class HealthServer {
  private readonly server: http.Server;
  private listening: Promise<HealthServerAddress> | undefined;
  private closing: Promise<void> | undefined;
  private bound: HealthServerAddress | undefined;

  constructor(private readonly settings: HealthServerSettings) {
    this.server = http.createServer((request, response) => this.answer(request, response));
  }

  /** The bound address, once `listen()` has resolved. */
  get address(): HealthServerAddress | undefined {
    return this.bound;
  }

  /** Binds the port; idempotent. Rejects with the port in the message (EADDRINUSE, EACCES). */
  listen(): Promise<HealthServerAddress> {
    this.listening ??= new Promise<HealthServerAddress>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const where = `${this.settings.host ?? '*'}:${this.settings.port}`;
        reject(new Error(`grpc-drain runtime: the health server cannot listen on ${where}: ${error.code ?? error.message}`, { cause: error }));
      };
      this.server.once('error', onError);
      this.server.listen({ port: this.settings.port, host: this.settings.host }, () => {
        this.server.off('error', onError);
        const info = this.server.address() as AddressInfo;
        this.bound = { address: info.address, port: info.port, readinessPath: this.settings.readinessPath, livenessPath: this.settings.livenessPath };
        resolve(this.bound);
      });
    });
    return this.listening;
  }

  /** Stops listening and drops open connections (probes hold none for long); idempotent. */
  close(): Promise<void> {
    // A listen() still in flight would otherwise bind after the close and keep the process up.
    const bound = this.listening?.then(
      () => true,
      () => false,
    );
    this.closing ??= (bound ?? Promise.resolve(false)).then(
      (wasBound) =>
        new Promise<void>((resolve) => {
          if (!wasBound || !this.server.listening) {
            resolve();
            return;
          }
          this.server.close(() => resolve());
          // `close()` alone waits for keep-alive sockets to time out (5 s by default); the
          // process is about to exit, so cut them (Node ≥ 18.2).
          this.server.closeAllConnections();
        }),
    );
    return this.closing;
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = (request.url ?? '/').split('?', 1)[0];
    const method = request.method ?? 'GET';
    if (path === this.settings.metricsPath && this.settings.metrics && (method === 'GET' || method === 'HEAD')) {
      this.settings.metrics().then(
        ({ contentType, body }) => {
          response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
          response.end(method === 'HEAD' ? undefined : body);
        },
        (error: unknown) => {
          const text = `metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`;
          response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
          response.end(method === 'HEAD' ? undefined : text);
        },
      );
      return;
    }
    let status = 404;
    let body = 'not found\n';
    if (path === this.settings.readinessPath) {
      const ready = this.settings.isReady();
      status = ready ? 200 : 503;
      body = ready ? 'ready\n' : 'draining\n';
    } else if (path === this.settings.livenessPath) {
      status = 200;
      body = 'live\n';
    } else if (path === this.settings.metricsPath && this.settings.metrics) {
      status = 200;
    }
    if (status !== 404 && method !== 'GET' && method !== 'HEAD') {
      status = 405;
      body = 'method not allowed\n';
      response.setHeader('Allow', 'GET, HEAD');
    }
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    response.end(method === 'HEAD' ? undefined : body);
  }
}
