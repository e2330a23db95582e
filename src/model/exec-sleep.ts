/**
 * How long an `exec` preStop hook delays SIGTERM, read strictly: only a command that is
 * nothing but one `sleep N` counts. The kubelet runs `exec.command` without a shell
 * (https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations),
 * so `["sleep 30"]` names a binary that does not exist, and `["sh", "-c", "sleep", "30"]` runs
 * `sleep` with no argument (30 becomes `$0`): neither delays anything.
 */

/** `sleep`, `/bin/sleep`, `/usr/bin/sleep` (any absolute path to a binary named sleep). */
const SLEEP_BINARY = /^(?:\/(?:[^/\s]+\/)*)?sleep$/;
/** `sh`, `/bin/sh`, `bash`, `/bin/bash`, `ash`, `dash`, `zsh`, by name or absolute path. */
const SHELL = /^(?:\/(?:[^/\s]+\/)*)?(?:sh|bash|ash|dash|zsh)$/;
/** `busybox` (a multi-call binary: `busybox sleep 30`). */
const BUSYBOX = /^(?:\/(?:[^/\s]+\/)*)?busybox$/;
/** GNU and busybox sleep: a non-negative number with an optional unit s, m, h or d. */
const SLEEP_ARGUMENT = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/;
/** A shell script that is one sleep, optionally `exec sleep N`, optionally ending with `;`. */
const SCRIPT = /^\s*(?:exec\s+)?(\S+)\s+([^\s;]+)\s*;?\s*$/;

const UNIT_SECONDS: { readonly [unit: string]: number } = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

function sleepArgument(text: string): number | undefined {
  const match = SLEEP_ARGUMENT.exec(text);
  if (!match) return undefined;
  // Rounded up, like a budget duration: 0.5 s sleeps into the next whole second.
  return Math.max(0, Math.ceil(Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number) - 1e-9));
}

/**
 * Seconds an exec hook sleeps when the command is exactly one `sleep N`:
 * `["sleep", "30"]`, `["/bin/sleep", "30s"]`, `["busybox", "sleep", "30"]`,
 * `["sh", "-c", "sleep 30"]`, `["/bin/sh", "-c", "exec sleep 30"]`. `undefined` (unknown) for
 * anything else: `["echo", "sleep", "30"]`, `["sh", "-c", "# sleep 30"]`,
 * `["timeout", "1", "sleep", "60"]`, `["sleep", "$DELAY"]`, `["sleep", "infinity"]`,
 * `["sh", "-c", "sleep 30 &"]`, a script that does more than sleep, several arguments
 * (GNU sleep adds them up; busybox may not), and `["sleep 30"]`.
 */
export function parseExecSleep(command: readonly string[]): number | undefined {
  if (command.some((part) => typeof part !== 'string')) return undefined;
  const [first, ...rest] = command;
  if (first === undefined) return undefined;
  if (SLEEP_BINARY.test(first)) return rest.length === 1 ? sleepArgument(rest[0] as string) : undefined;
  if (BUSYBOX.test(first)) return rest.length === 2 && rest[0] === 'sleep' ? sleepArgument(rest[1] as string) : undefined;
  if (SHELL.test(first) && rest.length === 2 && rest[0] === '-c') {
    const script = SCRIPT.exec(rest[1] as string);
    if (!script || !SLEEP_BINARY.test(script[1] as string)) return undefined;
    return sleepArgument(script[2] as string);
  }
  return undefined;
}
