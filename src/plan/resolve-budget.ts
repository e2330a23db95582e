import {
  BUDGET_DEFAULTS,
  BUDGET_LIMITS,
  checkKubernetesVersion,
  checkLbcVersion,
  httpPathProblem,
  ownField,
  type BudgetField,
  type CountField,
  type DurationField,
  type Finding,
  type ResolvedBudget,
} from '../model';

/**
 * The budget after defaults and validation, where a field that failed `budget-valid` is
 * `undefined` (unknown): the rules then skip what depends on it instead of judging a guess.
 */
export type CheckedBudget = {
  readonly [K in Exclude<keyof ResolvedBudget, 'healthCheck'>]: ResolvedBudget[K] | undefined;
} & {
  readonly healthCheck: { readonly [K in keyof ResolvedBudget['healthCheck']]: number | undefined };
};

/** Names a budget field the way the caller spelled it (`budget.drainTimeout` in cdk8s). */
export type FieldLabel = (field: BudgetField) => string;

/** The top-level budget fields, in the order of DESIGN.md §2. */
export const BUDGET_FIELDS = [
  'propagationSeconds',
  'registrationSeconds',
  'drainTimeoutSeconds',
  'cleanupSeconds',
  'headroomSeconds',
  'healthCheck',
  'terminationGracePeriodSeconds',
  'deregistrationDelaySeconds',
  'maxTerminationGracePeriodSeconds',
  'kubernetesVersion',
  'lbcVersion',
  'readinessGate',
  'healthPort',
  'readinessPath',
  'livenessPath',
] as const;
const HEALTH_CHECK_FIELDS = ['intervalSeconds', 'timeoutSeconds', 'healthyThreshold', 'unhealthyThreshold'] as const;

/**
 * Rounds a duration up to whole seconds, as DESIGN.md §2 asks. The epsilon absorbs float
 * noise from unit conversions (6000 ms / 1000 = 6.000000000001 must stay 6).
 */
export function ceilSeconds(value: number): number {
  return Math.max(0, Math.ceil(value - 1e-9));
}

/** How a wrong value is shown in a message: `-5`, `"20s"` (a string), `NaN`, `null`, `a Date`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== null && prototype !== Object.prototype) {
      const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name !== '') return `a ${name}`;
    }
    return 'an object';
  }
  return `a ${typeof value}`;
}

/**
 * A plain data object: `{}` or `Object.create(null)`, not an array, a Date, a Map or a class
 * instance, whose fields could hide behind getters or prototypes.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

function suggest(unknownKey: string, candidates: readonly string[]): string {
  const lower = unknownKey.toLowerCase();
  const match = candidates.find((c) => c.toLowerCase() === lower || c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
  return match ? ` (did you mean ${match}?)` : '';
}

/**
 * Applies defaults and checks every budget input (rule `budget-valid`): types, shapes and the
 * ranges of {@link BUDGET_LIMITS}. Only own properties are read, so a polluted
 * `Object.prototype` changes nothing. Never throws: every problem is a violation, and the
 * field becomes unknown.
 */
export function resolveBudget(input: unknown, label: FieldLabel = (field) => field): { budget: CheckedBudget; violations: Finding[] } {
  const violations: Finding[] = [];
  const violate = (field: BudgetField, message: string): undefined => {
    violations.push({ rule: 'budget-valid', severity: 'error', field, message: `${label(field)} ${message}` });
    return undefined;
  };

  let raw: object = {};
  if (input !== undefined) {
    if (isPlainObject(input)) raw = input;
    else violations.push({ rule: 'budget-valid', severity: 'error', field: 'budget', message: `the budget must be a plain object of budget fields (durations in seconds); got ${describeValue(input)}.` });
  }
  for (const key of Object.keys(raw)) {
    if (!(BUDGET_FIELDS as readonly string[]).includes(key)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: key, message: `unknown budget field '${key}'${suggest(key, BUDGET_FIELDS)}: it would be ignored.` });
    }
  }
  const field = (key: (typeof BUDGET_FIELDS)[number]): unknown => ownField(raw, key);

  const duration = (name: DurationField, value: unknown, fallback: number | undefined): number | undefined => {
    if (value === undefined) return fallback;
    const { min, max, why } = BUDGET_LIMITS[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return violate(name, `must be a finite number of seconds; got ${describeValue(value)}.`);
    // Rounded up first: 3600.2 is 3601 seconds, out of range like 3601.
    const seconds = value < 0 ? value : ceilSeconds(value);
    if (seconds < min || seconds > max) return violate(name, `must be ${min}–${max}s (${why}); got ${value}s.`);
    return seconds;
  };
  const count = (name: CountField, value: unknown, fallback: number, what: string): number | undefined => {
    if (value === undefined) return fallback;
    const { min, max, why } = BUDGET_LIMITS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return violate(name, `must be ${what} ${min}–${max} (${why}); got ${describeValue(value)}.`);
    }
    return value;
  };
  const path = (name: 'readinessPath' | 'livenessPath', value: unknown, fallback: string): string | undefined => {
    if (value === undefined) return fallback;
    const problem = httpPathProblem(value);
    return problem === undefined ? (value as string) : violate(name, `must be an HTTP path such as "/ready" that the kubelet, the NLB and the runtime all serve alike: ${problem}; got ${describeValue(value)}.`);
  };

  const propagationSeconds = duration('propagationSeconds', field('propagationSeconds'), BUDGET_DEFAULTS.propagationSeconds);
  const registrationSeconds = duration('registrationSeconds', field('registrationSeconds'), BUDGET_DEFAULTS.registrationSeconds);
  const drainTimeoutSeconds = duration('drainTimeoutSeconds', field('drainTimeoutSeconds'), BUDGET_DEFAULTS.drainTimeoutSeconds);
  const cleanupSeconds = duration('cleanupSeconds', field('cleanupSeconds'), BUDGET_DEFAULTS.cleanupSeconds);
  const headroomSeconds = duration('headroomSeconds', field('headroomSeconds'), BUDGET_DEFAULTS.headroomSeconds);

  let rawHealthCheck: object = {};
  const givenHealthCheck = field('healthCheck');
  if (givenHealthCheck !== undefined) {
    if (isPlainObject(givenHealthCheck)) {
      rawHealthCheck = givenHealthCheck;
      for (const key of Object.keys(rawHealthCheck)) {
        if (!(HEALTH_CHECK_FIELDS as readonly string[]).includes(key)) {
          violations.push({ rule: 'budget-valid', severity: 'error', field: `healthCheck.${key}`, message: `unknown health-check field '${key}'${suggest(key, HEALTH_CHECK_FIELDS)}: it would be ignored.` });
        }
      }
    } else {
      violate('healthCheck', `must be an object (intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold); got ${describeValue(givenHealthCheck)}.`);
    }
  }
  const hc = (key: (typeof HEALTH_CHECK_FIELDS)[number]): unknown => ownField(rawHealthCheck, key);
  const intervalSeconds = duration('healthCheck.intervalSeconds', hc('intervalSeconds'), BUDGET_DEFAULTS.healthCheck.intervalSeconds);
  const timeoutSeconds = duration(
    'healthCheck.timeoutSeconds',
    hc('timeoutSeconds'),
    intervalSeconds === undefined ? undefined : Math.min(BUDGET_DEFAULTS.healthCheckTimeoutCapSeconds, intervalSeconds),
  );
  const healthyThreshold = count('healthCheck.healthyThreshold', hc('healthyThreshold'), BUDGET_DEFAULTS.healthCheck.healthyThreshold, 'a whole number of checks');
  const unhealthyThreshold = count('healthCheck.unhealthyThreshold', hc('unhealthyThreshold'), BUDGET_DEFAULTS.healthCheck.unhealthyThreshold, 'a whole number of checks');

  const terminationGracePeriodSeconds = duration('terminationGracePeriodSeconds', field('terminationGracePeriodSeconds'), undefined);
  const deregistrationDelaySeconds = duration('deregistrationDelaySeconds', field('deregistrationDelaySeconds'), undefined);
  const maxTerminationGracePeriodSeconds = duration('maxTerminationGracePeriodSeconds', field('maxTerminationGracePeriodSeconds'), undefined);

  let kubernetesVersion: string | undefined = BUDGET_DEFAULTS.kubernetesVersion;
  const givenVersion = field('kubernetesVersion');
  if (givenVersion !== undefined) {
    const parsed = checkKubernetesVersion(givenVersion);
    kubernetesVersion = parsed.ok
      ? (givenVersion as string).trim()
      : violate('kubernetesVersion', `must be a Kubernetes version such as "1.30": ${parsed.reason}; got ${describeValue(givenVersion)}.`);
  }

  let lbcVersion: string | undefined = BUDGET_DEFAULTS.lbcVersion;
  const givenLbc = field('lbcVersion');
  if (givenLbc !== undefined) {
    const parsed = checkLbcVersion(givenLbc);
    lbcVersion = parsed.ok ? (givenLbc as string).trim() : violate('lbcVersion', `must be an AWS Load Balancer Controller version such as "2.7": ${parsed.reason}; got ${describeValue(givenLbc)}.`);
  }

  let readinessGate: boolean | undefined = BUDGET_DEFAULTS.readinessGate;
  const givenGate = field('readinessGate');
  if (givenGate !== undefined) {
    readinessGate = typeof givenGate === 'boolean' ? givenGate : violate('readinessGate', `must be true or false; got ${describeValue(givenGate)}.`);
  }

  const healthPort = count('healthPort', field('healthPort'), BUDGET_DEFAULTS.healthPort, 'a port number');
  const readinessPath = path('readinessPath', field('readinessPath'), BUDGET_DEFAULTS.readinessPath);
  let livenessPath = path('livenessPath', field('livenessPath'), BUDGET_DEFAULTS.livenessPath);
  if (livenessPath !== undefined && livenessPath === readinessPath) {
    // The runtime serves two endpoints: readiness flips to 503 at SIGTERM, liveness stays 200.
    livenessPath = violate('livenessPath', `must differ from ${label('readinessPath')} (both are ${JSON.stringify(readinessPath)}): readiness answers 503 from SIGTERM on while liveness stays 200 through the drain, and one path cannot do both. Use e.g. "/ready" and "/live".`);
  }

  return {
    budget: {
      propagationSeconds,
      registrationSeconds,
      drainTimeoutSeconds,
      cleanupSeconds,
      headroomSeconds,
      healthCheck: { intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold },
      terminationGracePeriodSeconds,
      deregistrationDelaySeconds,
      maxTerminationGracePeriodSeconds,
      kubernetesVersion,
      lbcVersion,
      readinessGate,
      healthPort,
      readinessPath,
      livenessPath,
    },
    violations,
  };
}
