/**
 * One NLB health check of one target, on a fresh connection as the NLB does it.
 * HTTP: a GET of the path, passing on 200–399 (the LBC's default success codes,
 * `healthcheck-success-codes`, REFERENCES.md); TCP: the connection opens. Either fails
 * when no answer comes within the timeout.
 *
 * The timeout is judged after the event loop's next poll: a lab process that was busy for
 * longer than the timeout runs its expired timers before it reads the answers waiting in its
 * sockets, and would fail a check the target answered in time. Such a delay is the lab's own
 * machine, not the target, so the answer that arrived is counted.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface HealthCheckRequest {
  readonly protocol: 'HTTP' | 'TCP';
  readonly host: string;
  readonly port: number;
  /** HTTP only. */
  readonly path: string;
  readonly timeoutMs: number;
}

/** The LBC's default `healthcheck-success-codes` for HTTP checks. */
const SUCCESS = { min: 200, max: 399 } as const;

export function runHealthCheck(request: HealthCheckRequest): Promise<boolean> {
  return request.protocol === 'HTTP' ? httpCheck(request) : tcpCheck(request);
}

function httpCheck({ host, port, path, timeoutMs }: HealthCheckRequest): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (passed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(passed);
    };
    const req = http.get({ host, port, path, agent: false, headers: { 'User-Agent': 'ELB-HealthChecker/2.0', Connection: 'close' } }, (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      done(status >= SUCCESS.min && status <= SUCCESS.max);
    });
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          done(false);
          req.destroy();
        }),
      timeoutMs,
    );
    req.on('error', () => done(false));
  });
}

function tcpCheck({ host, port, timeoutMs }: HealthCheckRequest): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host, port });
    const done = (passed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(passed);
    };
    const timer = setTimeout(() => setImmediate(() => done(false)), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
