import * as model from 'grpc-drain';
import { BUDGET_LIMITS, LIMIT_REGISTRY, type Sourced } from 'grpc-drain';

/** A URL, or a repository path `owner/repo:path`. */
const SOURCE = /^(https:\/\/\S+|[\w.-]+\/[\w.-]+:\S+)/;

function checkSourced(name: string, entry: Sourced): void {
  expect({ name, source: SOURCE.test(entry.source) }).toEqual({ name, source: true });
  expect({ name, since: entry.since.trim().length > 0 }).toEqual({ name, since: true });
}

describe('every limit and fact of src/model carries its source and the version it holds from', () => {
  it.each(Object.entries(LIMIT_REGISTRY))('%s', (name, entry) => {
    checkSourced(name, entry);
  });

  it.each(Object.entries(BUDGET_LIMITS))('budget input %s', (name, limit) => {
    checkSourced(name, limit);
    expect(limit.why.length).toBeGreaterThan(5);
    expect(limit.min).toBeLessThanOrEqual(limit.max);
    // No budget input may hold a value past int32 seconds.
    expect(limit.max).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('registers every exported limit, range or fact object (a new one without a source fails here)', () => {
    const registered = new Set<unknown>(Object.values(LIMIT_REGISTRY));
    const sourcedExports = Object.entries(model).filter(
      ([, value]) => typeof value === 'object' && value !== null && 'source' in value && 'since' in value,
    );
    expect(sourcedExports.length).toBeGreaterThan(10);
    for (const [name, value] of sourcedExports) expect({ name, registered: registered.has(value) }).toEqual({ name, registered: true });
    // Groups of facts: every member is registered.
    for (const group of [model.NLB_HEALTH_CHECK, model.AWS_DEFAULT_HEALTH_CHECK_TIMEOUT, model.NATIVE_SLEEP, model.NODE_GRACE_CAPS, model.LBC_FEATURES, model.PROPAGATION_REPORTS]) {
      for (const member of Object.values(group)) expect(registered.has(member)).toBe(true);
    }
  });

  it('derives the plain numbers from their sourced facts', () => {
    expect(model.KUBERNETES_DEFAULT_GRACE_SECONDS).toBe(model.KUBERNETES_DEFAULT_GRACE.value);
    expect(model.NATIVE_SLEEP_MIN_MINOR).toBe(model.NATIVE_SLEEP.minMinor.value);
    expect(model.ZERO_SLEEP_MIN_MINOR).toBe(model.NATIVE_SLEEP.zeroMinMinor.value);
    expect(model.NLB_TCP_IDLE_TIMEOUT_SECONDS).toBe(model.NLB_TCP_IDLE_TIMEOUT.value);
    expect(model.HOOK_OVERRUN_EXTENSION_SECONDS).toBe(model.HOOK_OVERRUN_EXTENSION.value);
  });
});
