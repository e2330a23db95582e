/**
 * Seeded randomness for the lab: the same `--seed` gives the same propagation delays and
 * health-check phases, so two scenarios run against the same "weather" and a result can be
 * reproduced.
 */

/** mulberry32: a 32-bit state, good enough for delays and tie-breaks (not for cryptography). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

/** FNV-1a of a string, mixed with the seed: a 32-bit key for {@link keyedUniform}. */
function hash(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ (seed | 0)) >>> 0;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A number in [0, 1) that depends only on the seed and the key. Draws keyed by what they are
 * for (`deregister/pod-4/node-1`) do not depend on the order events happen in, so the
 * `derived` and `seed` scenarios see the same delays for the same pods.
 */
export function keyedUniform(seed: number, key: string): number {
  const prng = new Prng(hash(seed, key));
  // The first outputs of mulberry32 for nearby states are correlated; skip a few.
  prng.next();
  prng.next();
  return prng.next();
}

/** A whole number in [min, max] (both included), keyed like {@link keyedUniform}. */
export function keyedInt(seed: number, key: string, min: number, max: number): number {
  if (max < min) throw new RangeError(`keyedInt: max (${max}) < min (${min})`);
  return min + Math.floor(keyedUniform(seed, key) * (max - min + 1));
}
