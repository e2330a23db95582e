/**
 * Issue 9 item 1: whatever the plan accepts, the runtime accepts. Budgets drawn from in-range
 * values, boundary values and hostile ones are planned; for every one the plan accepts, the
 * contract env is rendered with src/render (both duration formats) and read back with the
 * runtime's own option parser, which must accept it and see the plan's numbers.
 */
import fc from 'fast-check';
import { DrainBudgetError, planWorkload, type ContractEnvOptions, type DrainBudget } from 'grpc-drain';
import { resolveDrainOptions } from 'grpc-drain/runtime';

/** In-range durations, their edges (fractions, float noise, 3600), and values just past them. */
const duration = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1200 }) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1200, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 1799.0000000001, 1800, 3599.9999999999, 3600, 3600.0000001, 3601, 0.35 * 60, 6000 / 1000, 1e-300) },
);
/** Values no budget may hold. */
const hostile = fc.constantFrom<unknown>(-0, -1, 1e308, 2 ** 63, 2 ** 31, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, NaN, '10', null, '/ready?x', '1.300', {}, [], true);
const path = (valid: readonly string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom('ready', '/a?b', '/a#b', '/ä', '/a b', '/a%20b', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((s) => `/${s}`) },
  );
/** Present two times in three. */
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
/** Present one time in `n`. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, n: number) => fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const FIELDS = ['propagationSeconds', 'registrationSeconds', 'drainTimeoutSeconds', 'cleanupSeconds', 'headroomSeconds', 'terminationGracePeriodSeconds', 'maxTerminationGracePeriodSeconds', 'healthPort', 'readinessPath', 'livenessPath', 'kubernetesVersion'] as const;

const budget: fc.Arbitrary<DrainBudget> = fc
  .record({
    propagationSeconds: optional(duration.filter((seconds) => seconds >= 1)),
    registrationSeconds: optional(duration),
    drainTimeoutSeconds: optional(duration),
    cleanupSeconds: optional(duration),
    headroomSeconds: optional(duration),
    terminationGracePeriodSeconds: rarely(fc.integer({ min: 0, max: 16000 }), 6),
    maxTerminationGracePeriodSeconds: rarely(fc.integer({ min: 1, max: 16000 }), 6),
    healthPort: optional(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 65535 }).filter((port) => port !== 7070) }, { weight: 1, arbitrary: fc.constantFrom(0, 65536, 8080.5, 7070) })),
    readinessPath: optional(path(['/ready', '/healthz/ready', '/-/ready', "/a!$&'()*+,;=:@b", '/r/e/a/d/y'])),
    livenessPath: optional(path(['/live', '/healthz/live', '/-/live', '/', '/l~i.v_e'])),
    kubernetesVersion: optional(fc.oneof({ weight: 12, arbitrary: fc.constantFrom('1.30', '1.29', '1.21', '1.33', 'v1.31.2-eks-1234') }, { weight: 1, arbitrary: fc.constantFrom('1.0', '2.0', '1.300') })),
    // One field in four is replaced by a value no budget may hold.
    spoil: rarely(fc.tuple(fc.constantFrom(...FIELDS), hostile), 4),
  })
  .map(({ spoil, ...fields }) => {
    const b: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (spoil) b[spoil[0]] = spoil[1];
    return b as DrainBudget;
  });

describe('the runtime accepts every env the plan renders', () => {
  it('holds for 10,000 budgets, in both duration formats', () => {
    let accepted = 0;
    fc.assert(
      fc.property(budget, fc.constantFrom<'seconds' | 'duration'>('seconds', 'duration'), (b, format) => {
        const contractEnv: ContractEnvOptions = { drainTimeout: { name: 'DRAIN', format }, cleanup: { name: 'CLEANUP', format } };
        let workload;
        try {
          workload = planWorkload({ budget: b, grpcPort: 7070, env: contractEnv });
        } catch (error) {
          if (error instanceof DrainBudgetError) return;
          throw error;
        }
        accepted += 1;
        const env = Object.fromEntries(workload.contractEnv.map((v) => [v.name, v.value]));
        const resolved = resolveDrainOptions({ env, contractEnv });
        const planned = workload.plan.budget;
        const seen = [resolved.drainTimeoutSeconds, resolved.cleanupSeconds, resolved.healthPort, resolved.readinessPath, resolved.livenessPath];
        const wanted = [planned.drainTimeoutSeconds, planned.cleanupSeconds, planned.healthPort, planned.readinessPath, planned.livenessPath];
        // One comparison per run (jest's expect is slow at 10,000 runs); expect() only to report a failure.
        if (seen.some((value, i) => value !== wanted[i])) expect(seen).toEqual(wanted);
      }),
      { numRuns: 10_000 },
    );
    // The property is about accepted plans: a generator that only made bad budgets would prove nothing.
    expect(accepted).toBeGreaterThan(3_000);
  });
});
