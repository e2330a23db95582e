import { keyedInt, keyedUniform, Prng } from '../../lab/prng';
import { TimeScale } from '../../lab/time-scale';

describe('Prng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it.each([0, 1, 42, 2 ** 31 - 1])('seed %p: outputs lie in [0, 1) and spread over it', (seed) => {
    const prng = new Prng(seed);
    const values = Array.from({ length: 2000 }, () => prng.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Every tenth of the range is hit: no gross bias.
    const deciles = new Set(values.map((v) => Math.floor(v * 10)));
    expect(deciles.size).toBe(10);
  });

  it.each<[number, number]>([
    [0, 0],
    [1, 3],
    [-2, 2],
    [5, 20],
  ])('int(%p, %p) stays within both bounds and reaches them', (min, max) => {
    const prng = new Prng(7);
    const values = new Set(Array.from({ length: 500 }, () => prng.int(min, max)));
    expect(Math.min(...values)).toBe(min);
    expect(Math.max(...values)).toBe(max);
    for (const v of values) expect(Number.isInteger(v)).toBe(true);
  });
});

describe('keyed draws', () => {
  it('depend on the seed and the key only, not on the order of the draws', () => {
    const keys = ['deregister/4/0', 'deregister/4/1', 'register/5/2', 'phase/5/2'];
    const forwards = keys.map((k) => keyedUniform(1, k));
    const backwards = [...keys].reverse().map((k) => keyedUniform(1, k)).reverse();
    expect(backwards).toEqual(forwards);
    expect(new Set(forwards).size).toBe(keys.length);
    expect(keys.map((k) => keyedUniform(2, k))).not.toEqual(forwards);
  });

  it.each<[number, number]>([
    [0, 0],
    [125, 499],
    [250, 999],
  ])('keyedInt(…, %p, %p) stays within the range', (min, max) => {
    for (let i = 0; i < 300; i += 1) {
      const v = keyedInt(9, `k${i}`, min, max);
      expect(v).toBeGreaterThanOrEqual(min);
      expect(v).toBeLessThanOrEqual(max);
    }
  });

  it('rejects an empty range', () => {
    expect(() => keyedInt(1, 'k', 3, 2)).toThrow('keyedInt: max (2) < min (3)');
  });
});

describe('TimeScale', () => {
  it.each<[number, number, number, string]>([
    [50, 20, 1000, '1000ms'],
    [50, 0.2, 10, '10ms'],
    [25, 45, 1125, '1125ms'],
    [20, 5, 100, '100ms'],
  ])('%p ms per second: %p s → %p ms (%p for the server)', (msPerSecond, seconds, ms, go) => {
    const scale = new TimeScale(msPerSecond);
    expect(scale.ms(seconds)).toBe(ms);
    expect(scale.goDuration(seconds)).toBe(go);
    expect(scale.seconds(ms)).toBeCloseTo(seconds, 6);
  });

  it.each([0, -1, NaN])('rejects %p ms per second', (ms) => {
    expect(() => new TimeScale(ms)).toThrow(`TimeScale: msPerSecond must be > 0, got ${ms}`);
  });
});
