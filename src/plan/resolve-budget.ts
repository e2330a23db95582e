import {
  BUDGET_DEFAULTS,
  PORT,
  parseKubernetesVersion,
  type BudgetField,
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

const KNOWN_FIELDS = [
  'propagationSeconds',
  'drainTimeoutSeconds',
  'cleanupSeconds',
  'headroomSeconds',
  'healthCheck',
  'terminationGracePeriodSeconds',
  'deregistrationDelaySeconds',
  'maxTerminationGracePeriodSeconds',
  'kubernetesVersion',
  'readinessGate',
  'healthPort',
  'readinessPath',
  'livenessPath',
] as const;
const KNOWN_HEALTH_CHECK_FIELDS = ['intervalSeconds', 'timeoutSeconds', 'healthyThreshold', 'unhealthyThreshold'] as const;

/**
 * Rounds a duration up to whole seconds, as DESIGN.md §2 asks. The epsilon absorbs float
 * noise from unit conversions (6000 ms / 1000 = 6.000000000001 must stay 6).
 */
export function ceilSeconds(value: number): number {
  return Math.max(0, Math.ceil(value - 1e-9));
}

/** How a wrong value is shown in a message: `-5`, `"20s"` (a string), `NaN`, `null`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function suggest(unknownKey: string, candidates: readonly string[]): string {
  const lower = unknownKey.toLowerCase();
  const match = candidates.find((c) => c.toLowerCase() === lower || c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
  return match ? ` (did you mean ${match}?)` : '';
}

/**
 * Applies defaults and checks every budget input (rule `budget-valid`). Never throws:
 * every problem is a violation, and the field becomes unknown.
 */
export function resolveBudget(input: unknown, label: FieldLabel = (field) => field): { budget: CheckedBudget; violations: Finding[] } {
  const violations: Finding[] = [];
  const violate = (field: BudgetField, message: string): undefined => {
    violations.push({ rule: 'budget-valid', severity: 'error', field, message: `${label(field)} ${message}` });
    return undefined;
  };

  let raw: Record<string, unknown> = {};
  if (input !== undefined) {
    if (isPlainObject(input)) raw = input;
    else violations.push({ rule: 'budget-valid', severity: 'error', field: 'budget', message: `the budget must be an object of durations in seconds; got ${describeValue(input)}.` });
  }
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(key)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: key, message: `unknown budget field '${key}'${suggest(key, KNOWN_FIELDS)}: it would be ignored.` });
    }
  }

  const duration = (field: BudgetField, value: unknown, fallback: number | undefined, min = 0): number | undefined => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) return violate(field, `must be a finite number of seconds; got ${describeValue(value)}.`);
    if (value < 0) return violate(field, `must be ≥ 0s; got ${value}s.`);
    const seconds = ceilSeconds(value);
    if (seconds < min) return violate(field, `must be ≥ ${min}s; got ${value}s.`);
    return seconds;
  };
  const count = (field: BudgetField, value: unknown, fallback: number): number | undefined => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return violate(field, `must be a whole number of checks ≥ 0; got ${describeValue(value)}.`);
    return value;
  };
  const text = (field: BudgetField, value: unknown, fallback: string): string | undefined => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\/\S*$/.test(value)) return violate(field, `must be an HTTP path starting with '/' and without spaces; got ${describeValue(value)}.`);
    return value;
  };

  const propagationSeconds = duration(
    'propagationSeconds',
    raw.propagationSeconds,
    BUDGET_DEFAULTS.propagationSeconds,
    // A zero sleep means no preStop at all: NLB deregistration is never instant.
    1,
  );
  const drainTimeoutSeconds = duration('drainTimeoutSeconds', raw.drainTimeoutSeconds, BUDGET_DEFAULTS.drainTimeoutSeconds);
  const cleanupSeconds = duration('cleanupSeconds', raw.cleanupSeconds, BUDGET_DEFAULTS.cleanupSeconds);
  const headroomSeconds = duration('headroomSeconds', raw.headroomSeconds, BUDGET_DEFAULTS.headroomSeconds);

  let rawHealthCheck: Record<string, unknown> = {};
  if (raw.healthCheck !== undefined) {
    if (isPlainObject(raw.healthCheck)) {
      rawHealthCheck = raw.healthCheck;
      for (const key of Object.keys(rawHealthCheck)) {
        if (!(KNOWN_HEALTH_CHECK_FIELDS as readonly string[]).includes(key)) {
          violations.push({ rule: 'budget-valid', severity: 'error', field: `healthCheck.${key}`, message: `unknown health-check field '${key}'${suggest(key, KNOWN_HEALTH_CHECK_FIELDS)}: it would be ignored.` });
        }
      }
    } else {
      violate('healthCheck', `must be an object (intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold); got ${describeValue(raw.healthCheck)}.`);
    }
  }
  const intervalSeconds = duration('healthCheck.intervalSeconds', rawHealthCheck.intervalSeconds, BUDGET_DEFAULTS.healthCheck.intervalSeconds);
  const timeoutSeconds = duration(
    'healthCheck.timeoutSeconds',
    rawHealthCheck.timeoutSeconds,
    intervalSeconds === undefined ? undefined : Math.min(BUDGET_DEFAULTS.healthCheckTimeoutCapSeconds, intervalSeconds),
  );
  const healthyThreshold = count('healthCheck.healthyThreshold', rawHealthCheck.healthyThreshold, BUDGET_DEFAULTS.healthCheck.healthyThreshold);
  const unhealthyThreshold = count('healthCheck.unhealthyThreshold', rawHealthCheck.unhealthyThreshold, BUDGET_DEFAULTS.healthCheck.unhealthyThreshold);

  const terminationGracePeriodSeconds = duration('terminationGracePeriodSeconds', raw.terminationGracePeriodSeconds, undefined);
  const deregistrationDelaySeconds = duration('deregistrationDelaySeconds', raw.deregistrationDelaySeconds, undefined);
  const maxTerminationGracePeriodSeconds = duration('maxTerminationGracePeriodSeconds', raw.maxTerminationGracePeriodSeconds, undefined);

  let kubernetesVersion: string | undefined = BUDGET_DEFAULTS.kubernetesVersion;
  if (raw.kubernetesVersion !== undefined) {
    const version = typeof raw.kubernetesVersion === 'string' ? parseKubernetesVersion(raw.kubernetesVersion) : undefined;
    kubernetesVersion =
      version && version.major === 1 && typeof raw.kubernetesVersion === 'string'
        ? raw.kubernetesVersion.trim()
        : violate('kubernetesVersion', `must be a Kubernetes version string such as "1.30"; got ${describeValue(raw.kubernetesVersion)}.`);
  }

  let readinessGate: boolean | undefined = BUDGET_DEFAULTS.readinessGate;
  if (raw.readinessGate !== undefined) {
    readinessGate = typeof raw.readinessGate === 'boolean' ? raw.readinessGate : violate('readinessGate', `must be true or false; got ${describeValue(raw.readinessGate)}.`);
  }

  let healthPort: number | undefined = BUDGET_DEFAULTS.healthPort;
  if (raw.healthPort !== undefined) {
    const port = raw.healthPort;
    healthPort =
      typeof port === 'number' && Number.isInteger(port) && port >= PORT.min && port <= PORT.max
        ? port
        : violate('healthPort', `must be a port number ${PORT.min}–${PORT.max}; got ${describeValue(port)}.`);
  }

  return {
    budget: {
      propagationSeconds,
      drainTimeoutSeconds,
      cleanupSeconds,
      headroomSeconds,
      healthCheck: { intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold },
      terminationGracePeriodSeconds,
      deregistrationDelaySeconds,
      maxTerminationGracePeriodSeconds,
      kubernetesVersion,
      readinessGate,
      healthPort,
      readinessPath: text('readinessPath', raw.readinessPath, BUDGET_DEFAULTS.readinessPath),
      livenessPath: text('livenessPath', raw.livenessPath, BUDGET_DEFAULTS.livenessPath),
    },
    violations,
  };
}
