/**
 * Durations as people type them on a command line or in cdk8s.yaml: `20s`, `1m30s`, `500ms`,
 * `2h`, or plain seconds (`20`, `1.5`). The units are those of Go's `time.ParseDuration`
 * from milliseconds up (https://pkg.go.dev/time#ParseDuration), the form a Go gRPC server's
 * own flags use.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const PLAIN = /^\d+(?:\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * Seconds (possibly fractional: the budget rounds up) for a duration text; `undefined` when
 * the text is not a duration. Negative durations are not durations here.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (PLAIN.test(trimmed)) return Number(trimmed);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  }
  return total;
}

/** A duration given as seconds (a number) or as text (`"20s"`). */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseDuration(value);
  return undefined;
}
