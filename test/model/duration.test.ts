import { durationSeconds, parseDuration } from 'grpc-drain';
import { parseDurationSeconds } from 'grpc-drain/runtime';

describe('the one duration parser (runtime, CLI, doctor)', () => {
  it.each<[string, number]>([
    ['20', 20],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['.5s', 0.5],
    ['20s', 20],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['20us', 0.00002],
    ['20µs', 0.00002],
    ['20μs', 0.00002],
    ['1500000ns', 0.0015],
    ['2h', 7200],
    ['1h1m1s', 3661],
    ['  10s\n', 10],
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 12);
  });

  it.each(['', '-1', '-1s', '+1s', '1 s', '1d', '1e3', '1e3s', 'ten', 's', '1.2.3s', '1sec', 'Infinity', 'NaN', '0x10', `${'9'.repeat(400)}s`])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('is the parser the runtime exports', () => {
    expect(parseDurationSeconds).toBe(parseDuration);
  });

  it('takes numbers as seconds and nothing else', () => {
    expect(durationSeconds(12)).toBe(12);
    expect(durationSeconds('12s')).toBe(12);
    expect(durationSeconds(Infinity)).toBeUndefined();
    expect(durationSeconds(null)).toBeUndefined();
    expect(durationSeconds({})).toBeUndefined();
  });
});
