/** Where the CLI writes text. `process.stdout` is one. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Everything the CLI touches outside its arguments, injectable so tests run it in-process.
 * {@link processIo} is the real one.
 */
export interface CliIo {
  /** Read when a file argument is `-`. `process.stdin` is one; a string is its whole content. */
  readonly stdin: AsyncIterable<string | Uint8Array> | string;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /**
   * Whether stdout is a terminal: text output is colored only then (and not with `NO_COLOR`).
   * @default false
   */
  readonly isTTY?: boolean;
  /**
   * Whether stdin is a terminal: without arguments, a stdin that is not one is read to see
   * whether it is a KRM ResourceList (kustomize runs exec functions without arguments).
   * @default false
   */
  readonly stdinIsTTY?: boolean;
  /**
   * Environment variables (`NO_COLOR`).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called with the exit code when the command is done (the real CLI sets `process.exitCode`). */
  readonly exit?: (code: number) => void;
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    exit: (code) => {
      process.exitCode = code;
    },
  };
}

/** Reads stdin to the end as UTF-8. */
export async function readAll(stdin: CliIo['stdin']): Promise<string> {
  if (typeof stdin === 'string') return stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Color on a terminal only, and never with `NO_COLOR` set to anything non-empty (https://no-color.org). */
export function useColor(io: CliIo, disabled: boolean): boolean {
  const noColor = io.env?.['NO_COLOR'];
  return io.isTTY === true && !disabled && (noColor === undefined || noColor === '');
}

/** The CLI's exit codes. */
export const EXIT = {
  /** No error finding (doctor), a plan printed (plan), help shown. */
  ok: 0,
  /** The doctor found at least one error. */
  findings: 1,
  /** Unusable input: bad flag, unreadable file, unparsable YAML, no Kubernetes object. */
  usage: 2,
} as const;

/** An error the CLI reports as one line on stderr, exiting 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
