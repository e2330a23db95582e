/**
 * Reading a duration out of an environment variable.
 *
 * The contract renders durations as plain seconds (`"10"`) by default and, for servers
 * such as the Go ones that read `SERVER_GRPC_SHUTDOWN_TIMEOUT=10s`, in Go's
 * `time.ParseDuration` form (`contractEnv: { drainTimeout: { format: 'duration' } }`).
 * The runtime accepts both forms whatever the variable is called, so a renamed variable
 * keeps working when its format changes: lenient in what it reads, strict about what it
 * rejects (a sign, a space, an unknown unit, a missing number).
 */

/** Seconds per unit of Go's `time.ParseDuration` (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`). */
const UNIT_SECONDS: { readonly [unit: string]: number } = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PLAIN_SECONDS = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const GO_TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g;

/**
 * Parses `"10"`, `"1.5"` (seconds) or a Go duration such as `"10s"`, `"1500ms"`, `"1m30s"`
 * into seconds; `undefined` when the text is neither. Negative values are not durations
 * here: a drain cannot take less than no time.
 */
export function parseDurationSeconds(text: string): number | undefined {
  if (PLAIN_SECONDS.test(text)) return Number(text);
  if (!GO_DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(GO_TERM)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  }
  return seconds;
}
