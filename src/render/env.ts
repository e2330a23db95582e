import {
  CONTRACT_ENV,
  CONTRACT_KEYS,
  ENV_NAME,
  type ContractEnvOptions,
  type ContractKey,
  type ContractVariable,
  type DurationFormat,
  type Finding,
} from '../model';
import type { DrainPlan } from '../plan';
import { describeValue } from '../plan';
import type { EnvVar } from './k8s';

function variable(key: ContractKey, option: string | ContractVariable | false | undefined): ContractVariable | undefined {
  if (option === false) return undefined;
  if (option === undefined) return { name: CONTRACT_ENV[key] };
  return typeof option === 'string' ? { name: option } : option;
}

/** Checks renamed contract variables: valid, distinct names and a known format. */
export function checkContractEnv(options: ContractEnvOptions = {}): Finding[] {
  const violations: Finding[] = [];
  const seen = new Map<string, ContractKey>();
  for (const key of Object.keys(options)) {
    if (!(CONTRACT_KEYS as readonly string[]).includes(key)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `env.${key}`, message: `env.${key} is not a contract variable; use one of ${CONTRACT_KEYS.join(', ')}.` });
    }
  }
  for (const key of CONTRACT_KEYS) {
    const option = options[key];
    if (option !== undefined && option !== false && typeof option !== 'string' && (typeof option !== 'object' || option === null)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `env.${key}`, message: `env.${key} must be a variable name, { name, format } or false; got ${describeValue(option)}.` });
      continue;
    }
    const v = variable(key, option);
    if (!v) continue;
    if (typeof v.name !== 'string' || !ENV_NAME.test(v.name)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `env.${key}`, message: `env.${key} must be an environment variable name (letters, digits, '_', '-', '.', not starting with a digit); got ${describeValue(v.name)}.` });
      continue;
    }
    if (v.format !== undefined && v.format !== 'seconds' && v.format !== 'duration') {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `env.${key}`, message: `env.${key}.format must be 'seconds' or 'duration'; got ${describeValue(v.format)}.` });
    }
    const clash = seen.get(v.name);
    if (clash) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `env.${key}`, message: `env.${key} and env.${clash} are both named ${v.name}; give each its own variable.` });
    }
    seen.set(v.name, key);
  }
  return violations;
}

function seconds(value: number, format: DurationFormat | undefined): string {
  return format === 'duration' ? `${value}s` : String(value);
}

/**
 * The environment variables of the in-process contract (DESIGN.md §3): preStop sleep, drain
 * timeout, cleanup, health port and paths, named per `options` (checked by {@link checkContractEnv}).
 */
export function renderContractEnv(plan: DrainPlan, options: ContractEnvOptions = {}): EnvVar[] {
  const { budget } = plan;
  const values: { readonly [K in ContractKey]: (format: DurationFormat | undefined) => string } = {
    preStop: (format) => seconds(plan.preStopSleepSeconds, format),
    drainTimeout: (format) => seconds(budget.drainTimeoutSeconds, format),
    cleanup: (format) => seconds(budget.cleanupSeconds, format),
    healthPort: () => String(budget.healthPort),
    readinessPath: () => budget.readinessPath,
    livenessPath: () => budget.livenessPath,
  };
  return CONTRACT_KEYS.flatMap((key) => {
    const v = variable(key, options[key]);
    return v ? [{ name: v.name, value: values[key](v.format) }] : [];
  });
}
