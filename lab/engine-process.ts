/**
 * The example engine (examples/grpc-server) as a child process, followed through its
 * JSON-lines log, and a pool of them started ahead so a pod's "container start" costs no
 * wall-clock time inside the measurement.
 *
 * Every line the process writes, stdout (the runtime's logger, `src/runtime/logger.ts`) and
 * stderr alike, also goes to an optional {@link EngineOutputSink}, untouched and tagged with
 * the pod: a `--runtime-log FILE` (issue 14, judging the runtime's own propagation
 * measurement against the lab's ground truth) is a sink that appends them to a file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { EngineBuild } from './build';

/** One line of the engine's log (src/runtime/logger.ts, examples/grpc-server/main.ts). */
export interface EngineLogLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One raw line of an engine's output. */
export interface EngineOutputLine {
  /** The pod's name (`ENGINE_INSTANCE`). */
  readonly instance: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** Receives every line every engine writes. */
export type EngineOutputSink = (line: EngineOutputLine) => void;

/** Where the engine listens once it has started. */
export interface EngineAddress {
  readonly grpcPort: number;
  readonly healthPort: number;
}

/** Every engine process of this lab process still running: {@link killAllEngines} ends them. */
const running = new Set<ChildProcess>();

/**
 * SIGKILLs every engine still running, synchronously: for a lab process that is itself being
 * stopped (SIGTERM, Ctrl-C), so that no pod outlives the lab (children do not die with
 * their parent).
 */
export function killAllEngines(): void {
  for (const child of running) child.kill('SIGKILL');
}

export class EngineProcess {
  readonly exited: Promise<EngineExit>;
  /** Resolves once the process has exited and its stdout and stderr have closed: nothing of it is left. */
  readonly closed: Promise<void>;
  /** Resolves once gRPC and health listen; rejects if the process exits first. */
  readonly started: Promise<EngineAddress>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(line: EngineLogLine) => void>();
  private exitState: EngineExit | undefined;
  stderr = '';

  constructor(
    build: EngineBuild,
    readonly instance: string,
    env: Readonly<Record<string, string>>,
    sink?: EngineOutputSink,
  ) {
    this.child = spawn(process.execPath, [build.script], {
      env: { PATH: process.env.PATH ?? '', ...build.env, ...env, ENGINE_INSTANCE: instance },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        this.exitState = { code, signal };
        resolve(this.exitState);
      });
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    let healthPort: number | undefined;
    this.started = new Promise<EngineAddress>((resolve, reject) => {
      this.onLine((line) => {
        if (line.event === 'health-listening') healthPort = Number(line.port);
        if (line.event === 'grpc-listening' && healthPort !== undefined) resolve({ grpcPort: Number(line.port), healthPort });
      });
      void this.exited.then((exit) => reject(new Error(`engine ${instance} exited before listening (code ${exit.code}, signal ${exit.signal}): ${this.stderr.trim()}`)));
    });
    // A rejection nobody awaits (a pooled process killed at teardown) is not an error.
    this.started.catch(() => undefined);
    let buffered = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const text of lines) {
        if (text.trim() === '') continue;
        sink?.({ instance, stream: 'stdout', text });
        let line: EngineLogLine;
        try {
          line = JSON.parse(text) as EngineLogLine;
        } catch {
          line = { event: 'not-json', text };
        }
        for (const listener of [...this.listeners]) listener(line);
      }
    });
    let stderrBuffered = '';
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (this.stderr.length < 10_000) this.stderr += chunk;
      if (!sink) return;
      stderrBuffered += chunk;
      const lines = stderrBuffered.split('\n');
      stderrBuffered = lines.pop() ?? '';
      for (const text of lines) if (text !== '') sink({ instance, stream: 'stderr', text });
    });
  }

  /** Calls `listener` with every log line from now on. */
  onLine(listener: (line: EngineLogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasExited(): boolean {
    return this.exitState !== undefined;
  }

  /** Sends a signal unless the process has exited. @returns whether it was sent */
  signal(signal: NodeJS.Signals): boolean {
    if (this.hasExited) return false;
    return this.child.kill(signal);
  }
}

/**
 * Engines started ahead, handed out in the order they were started. Pod N is always the
 * N-th engine started, so its name is known when the process is spawned.
 */
export class EnginePool {
  private readonly ready: EngineProcess[] = [];
  /** Every engine this pool started, exited or not: close() waits for each one's pipes. */
  private readonly every: EngineProcess[] = [];
  private next = 0;
  private closed = false;

  constructor(
    private readonly build: EngineBuild,
    private readonly env: Readonly<Record<string, string>>,
    private readonly size: number,
    private readonly name: (ordinal: number) => string,
    private readonly sink?: EngineOutputSink,
  ) {
    this.fill();
  }

  private fill(): void {
    while (!this.closed && this.ready.length < this.size) {
      const engine = new EngineProcess(this.build, this.name(this.next), this.env, this.sink);
      this.next += 1;
      this.every.push(engine);
      this.ready.push(engine);
    }
  }

  /** The next engine, once it listens; a new one starts in its place. */
  async take(): Promise<{ engine: EngineProcess; address: EngineAddress }> {
    const engine = this.ready.shift();
    if (!engine) throw new Error('lab: engine pool is closed');
    this.fill();
    return { engine, address: await engine.started };
  }

  /** SIGKILLs every engine still running (pooled or handed out) and waits until each has exited and its pipes have closed. */
  async close(): Promise<void> {
    this.closed = true;
    const engines = [...this.every];
    for (const engine of engines) engine.signal('SIGKILL');
    await Promise.all(engines.map((engine) => engine.closed));
  }
}
