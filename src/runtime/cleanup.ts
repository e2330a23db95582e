/**
 * Work after the gRPC server has stopped and before the process exits (flush a queue,
 * close a database pool). Receives a signal that aborts when the cleanup budget runs out:
 * a hook that honours it stops in time, one that does not is abandoned (the process exits
 * anyway, before the kubelet's SIGKILL).
 */
export type CleanupHook = (signal: AbortSignal) => void | PromiseLike<void>;

/** A registered hook and its name in the log. */
export interface NamedHook {
  readonly name: string;
  readonly hook: CleanupHook;
}

/** What the cleanup did. */
export interface CleanupOutcome {
  /** Hooks that returned (or resolved) within the budget. */
  readonly completed: number;
  /** Hooks that threw or rejected within the budget. */
  readonly failed: number;
  /** Hooks still running when the budget ran out, plus those never started. */
  readonly abandoned: number;
}

/** Callbacks for the log. */
export interface CleanupEvents {
  failed(hook: string, error: unknown): void;
  abandoned(hook: string, notRun: number): void;
}

/**
 * Runs `hooks` one after the other, in registration order (a later hook may rely on an
 * earlier one: flush, then close), all within one budget of `budgetMs`.
 */
export async function runCleanup(hooks: readonly NamedHook[], budgetMs: number, events: CleanupEvents): Promise<CleanupOutcome> {
  const controller = new AbortController();
  let completed = 0;
  let failed = 0;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), budgetMs);
  });
  try {
    for (const [index, { name, hook }] of hooks.entries()) {
      const run = (async () => hook(controller.signal))().then(
        () => 'done' as const,
        (error: unknown) => ({ error }),
      );
      const result = await Promise.race([run, expired]);
      if (result === 'expired') {
        controller.abort(new Error(`cleanup budget of ${budgetMs} ms exhausted`));
        events.abandoned(name, hooks.length - index - 1);
        return { completed, failed, abandoned: hooks.length - index };
      }
      if (result === 'done') completed += 1;
      else {
        failed += 1;
        events.failed(name, result.error);
      }
    }
    return { completed, failed, abandoned: 0 };
  } finally {
    clearTimeout(timer);
  }
}
