/**
 * The one duration parser of grpc-drain, shared by the runtime (environment variables), the
 * CLI (flags) and the doctor (cdk8s.yaml / policy-pack text options): whatever one accepts,
 * the others accept.
 *
 * Accepted: plain seconds (`"10"`, `"2.5"`, `".5"`) and Go's `time.ParseDuration` form
 * (`"10s"`, `"1500ms"`, `"1m30s"`, `".5s"`, `"20us"`), units ns, us, µs (U+00B5), μs
 * (U+03BC), ms, s, m, h (https://pkg.go.dev/time#ParseDuration, Go 1.0 onwards), the form a
 * Go server's own flags and `SERVER_GRPC_SHUTDOWN_TIMEOUT=10s` use. Rejected: a sign (a drain
 * cannot take less than no time; Go's `-` and `+` are refused), spaces inside, an unknown unit
 * (`d`, `sec`), exponents, a missing number, and anything whose value is not finite.
 */

/** Seconds per unit of Go's `time.ParseDuration`. */
const UNIT_SECONDS: { readonly [unit: string]: number } = {
  ns: 1e-9,
  us: 1e-6,
  '\u00b5s': 1e-6,
  '\u03bcs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const UNIT = String.raw`(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h)`;
const PLAIN_SECONDS = new RegExp(`^${NUMBER}$`);
const GO_DURATION = new RegExp(`^(?:${NUMBER}${UNIT})+$`, 'u');
const GO_TERM = new RegExp(`(${NUMBER})(${UNIT})`, 'gu');

/** What {@link parseDuration} accepts, for messages. */
export const DURATION_SYNTAX = 'a duration such as 20s, 1m30s, 500ms, .5s or a number of seconds';

/**
 * Seconds (possibly fractional: the budget rounds up, the runtime times in milliseconds) for a
 * duration text, surrounding whitespace ignored; `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  let seconds: number;
  if (PLAIN_SECONDS.test(trimmed)) {
    seconds = Number(trimmed);
  } else if (GO_DURATION.test(trimmed)) {
    seconds = 0;
    for (const [, amount, unit] of trimmed.matchAll(GO_TERM)) seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  } else {
    return undefined;
  }
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** A duration given as seconds (a finite number) or as text (`"20s"`); `undefined` for anything else. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseDuration(value);
  return undefined;
}
