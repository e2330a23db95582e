/**
 * Test harness: a server in a child process, its JSON-lines log with arrival times, HTTP
 * probes of its health server, and gRPC clients of its methods. Every time is
 * `performance.now()` in the test process, so intervals compare on one clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** One line of the child's stdout, parsed, with the time it arrived. */
export interface LoggedEvent {
  readonly at: number;
  readonly event: string;
  readonly [field: string]: unknown;
}

/** How and when the child exited. */
export interface ChildExit {
  readonly at: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ChildServer {
  readonly events: LoggedEvent[] = [];
  readonly exited: Promise<ChildExit>;
  stderr = '';
  private readonly waiters: { match: (e: LoggedEvent) => boolean; resolve: (e: LoggedEvent) => void }[] = [];
  private readonly process: ChildProcess;

  /** Starts `script` (a .ts file relative to the repo root) with ts-node, transpile only. */
  constructor(script: string, env: Record<string, string>) {
    this.process = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now();
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== '')) {
        let parsed: { event?: unknown; line?: string };
        try {
          parsed = JSON.parse(line) as { event?: unknown };
        } catch {
          // Kept as an event so a test asserting the log's shape sees it.
          parsed = { event: 'not-json', line };
        }
        const event = { ...parsed, at, event: String(parsed.event) } as LoggedEvent;
        this.events.push(event);
        for (const waiter of [...this.waiters]) {
          if (waiter.match(event)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      }
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => resolve({ at: performance.now(), code, signal }));
    });
  }

  /** The first event matching, past or future; rejects after `timeoutMs` or if the child exits first. */
  waitFor(event: string, where: (e: LoggedEvent) => boolean = () => true, timeoutMs = 15_000): Promise<LoggedEvent> {
    const match = (e: LoggedEvent): boolean => e.event === event && where(e);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms; got: ${this.events.map((e) => e.event).join(', ')}\n${this.stderr}`)), timeoutMs);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the child exited before '${event}'; got: ${this.events.map((e) => e.event).join(', ')}\n${this.stderr}`));
      });
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Sends a signal; returns the time it was sent. */
  signal(signal: NodeJS.Signals): number {
    const at = performance.now();
    this.process.kill(signal);
    return at;
  }

  /** Ends the child if a test failed half-way; never needed when the drain works. */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }

  /** Names of the logged events, in order. */
  eventNames(): string[] {
    return this.events.map((e) => e.event);
  }
}

/** One HTTP probe: when it was sent, when it was answered, and the status (or the error code). */
export interface ProbeResult {
  readonly path: string;
  readonly sentAt: number;
  readonly doneAt: number;
  readonly status?: number;
  readonly error?: string;
}

/** GETs `path` on a fresh connection (like the kubelet and the NLB do). */
export function probe(port: number, probePath: string, timeoutMs = 1000): Promise<ProbeResult> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: probePath, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve({ path: probePath, sentAt, doneAt: performance.now(), status: response.statusCode }));
    });
    request.on('timeout', () => request.destroy(new Error('ETIMEDOUT')));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ path: probePath, sentAt, doneAt: performance.now(), error: error.code ?? error.message }));
  });
}

/** Probes both paths every `everyMs` until `stop()`; collects every answer. */
export function pollHealth(
  port: number,
  paths: readonly string[],
  everyMs = 20,
): { results: ProbeResult[]; answered: Promise<void>; stop: () => Promise<ProbeResult[]> } {
  const results: ProbeResult[] = [];
  const inFlight = new Set<Promise<ProbeResult>>();
  let onAnswered: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (onAnswered = resolve));
  const timer = setInterval(() => {
    for (const p of paths) {
      const pending = probe(port, p).then((r) => {
        results.push(r);
        inFlight.delete(pending);
        if (paths.every((each) => results.some((x) => x.path === each && x.status !== undefined))) onAnswered();
        return r;
      });
      inFlight.add(pending);
    }
  }, everyMs);
  return {
    results,
    /** Resolves once every path has been answered at least once. */
    answered,
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return results.sort((a, b) => a.sentAt - b.sentAt);
    },
  };
}

/** How a gRPC call ended, and when. */
export interface CallEnd {
  readonly at: number;
  /** 0 (OK) or the status code of the error. */
  readonly code: number;
  readonly details: string;
  /** Messages received before the end. */
  readonly messages: number;
}

/** Loads a client constructor for `service` in `protoFile`. */
export function loadClient(protoFile: string, service: string): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(protoFile, { defaults: true });
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const part of service.split('.')) node = (node as Record<string, unknown>)[part];
  return node as grpc.ServiceClientConstructor;
}

/** Follows a server stream (or the response side of a bidi stream) to its end. */
export function followStream(stream: grpc.ClientReadableStream<unknown> | grpc.ClientDuplexStream<unknown, unknown>): { ended: Promise<CallEnd>; firstMessage: Promise<void> } {
  let messages = 0;
  let first: () => void = () => undefined;
  const firstMessage = new Promise<void>((resolve) => (first = resolve));
  const ended = new Promise<CallEnd>((resolve) => {
    stream.on('data', () => {
      messages += 1;
      first();
    });
    stream.on('error', (error: grpc.ServiceError) => resolve({ at: performance.now(), code: error.code, details: error.details, messages }));
    stream.on('status', (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) resolve({ at: performance.now(), code: 0, details: status.details, messages });
    });
  });
  return { ended, firstMessage };
}

/** Resolves with a unary (or client-streaming) callback's outcome. */
export function callbackEnd(): { callback: (error: grpc.ServiceError | null) => void; ended: Promise<CallEnd> } {
  let callback: (error: grpc.ServiceError | null) => void = () => undefined;
  const ended = new Promise<CallEnd>((resolve) => {
    callback = (error) => resolve({ at: performance.now(), code: error ? error.code : 0, details: error ? error.details : 'OK', messages: error ? 0 : 1 });
  });
  return { callback, ended };
}
