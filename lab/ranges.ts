/**
 * Ranges of budget seconds for the NLB's own delays (propagation, registration, unhealthy
 * lag): a fixed value or a spread the seeded PRNG draws from, per pod and node.
 */
import { keyedUniform } from './prng';

/** `[minSeconds, maxSeconds)`, or exactly `minSeconds` when both are equal. */
export interface SecondsRange {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export function fixedRange(seconds: number): SecondsRange {
  return { minSeconds: seconds, maxSeconds: seconds };
}

/**
 * `"S"` or `"MIN-MAX"` (budget seconds, decimals allowed). A bare `S` means what `bare` says:
 * the range `[share × S, S)` (the propagation's convention) or `fixed` (exactly S).
 * @returns the range, or undefined when the text is neither form or MIN > MAX
 */
export function parseRange(text: string, bare: { readonly share: number } | 'fixed'): SecondsRange | undefined {
  const number = '(\\d+(?:\\.\\d+)?)';
  const single = new RegExp(`^${number}$`).exec(text);
  if (single) {
    const seconds = Number(single[1]);
    return bare === 'fixed' ? fixedRange(seconds) : { minSeconds: seconds * bare.share, maxSeconds: seconds };
  }
  const pair = new RegExp(`^${number}-${number}$`).exec(text);
  if (!pair) return undefined;
  const range = { minSeconds: Number(pair[1]), maxSeconds: Number(pair[2]) };
  return range.minSeconds <= range.maxSeconds ? range : undefined;
}

/** `"20"` for a fixed range, `"[5, 20)"` for a spread. */
export function formatRange(range: SecondsRange): string {
  return range.minSeconds === range.maxSeconds ? String(range.minSeconds) : `[${range.minSeconds}, ${range.maxSeconds})`;
}

/**
 * A draw from `range` in whole wall-clock milliseconds, keyed like {@link keyedUniform} so it
 * does not depend on the order events happen in. A spread stays strictly below its upper end
 * after rounding, so a preStop sleep of exactly `maxSeconds` outlasts every draw.
 */
export function drawMs(range: SecondsRange, seed: number, key: string, msPerSecond: (seconds: number) => number): number {
  if (range.minSeconds === range.maxSeconds) return msPerSecond(range.minSeconds);
  const seconds = range.minSeconds + keyedUniform(seed, key) * (range.maxSeconds - range.minSeconds);
  return Math.max(0, Math.min(msPerSecond(seconds), msPerSecond(range.maxSeconds) - 1));
}
