import {
  CONTRACT_ENV,
  CONTRACT_KEYS,
  ENV_NAME,
  ownField,
  type ContractEnvOptions,
  type ContractKey,
  type ContractVariable,
  type DurationFormat,
  type Finding,
} from '../model';
import type { DrainPlan } from '../plan';
import { describeValue, isPlainObject } from '../plan';
import type { EnvVar } from './k8s';

function variable(key: ContractKey, option: string | ContractVariable | false | undefined): ContractVariable | undefined {
  if (option === false) return undefined;
  if (option === undefined) return { name: CONTRACT_ENV[key] };
  return typeof option === 'string' ? { name: option } : option;
}

function isOptionsObject(options: unknown): options is ContractEnvOptions {
  return typeof options === 'object' && options !== null && !Array.isArray(options);
}

/**
 * Checks renamed contract variables: an object (never `null`: that would silently mean the
 * defaults), valid, distinct names and a known format. `field` names the option as the
 * front end calls it.
 */
export function checkContractEnv(options: unknown = {}, field = 'contractEnv'): Finding[] {
  if (!isOptionsObject(options)) {
    return [
      {
        rule: 'budget-valid',
        severity: 'error',
        field,
        message: `${field} must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' } (leave it out for the ${Object.values(CONTRACT_ENV).join(', ')} names); got ${describeValue(options)}.`,
      },
    ];
  }
  const violations: Finding[] = [];
  // Untyped callers (JavaScript, YAML-driven programs) may pass null or a string: a violation, never a TypeError.
  if (!isPlainObject(options)) {
    return [{ rule: 'budget-valid', severity: 'error', field: 'env', message: `the contract variables must be an object such as { drainTimeout: 'SERVER_GRPC_SHUTDOWN_TIMEOUT' }; got ${describeValue(options)}.` }];
  }
  const seen = new Map<string, ContractKey>();
  for (const key of Object.keys(options)) {
    if (!(CONTRACT_KEYS as readonly string[]).includes(key)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `${field}.${key}`, message: `${field}.${key} is not a contract variable; use one of ${CONTRACT_KEYS.join(', ')}.` });
    }
  }
  for (const key of CONTRACT_KEYS) {
    const option = ownField(options, key) as ContractEnvOptions[ContractKey];
    if (option !== undefined && option !== false && typeof option !== 'string' && (typeof option !== 'object' || option === null)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `${field}.${key}`, message: `${field}.${key} must be a variable name, { name, format } or false; got ${describeValue(option)}.` });
      continue;
    }
    const v = variable(key, option);
    if (!v) continue;
    if (typeof v.name !== 'string' || !ENV_NAME.test(v.name)) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `${field}.${key}`, message: `${field}.${key} must be an environment variable name (letters, digits, '_', '-', '.', not starting with a digit); got ${describeValue(v.name)}.` });
      continue;
    }
    if (v.format !== undefined && v.format !== 'seconds' && v.format !== 'duration') {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `${field}.${key}`, message: `${field}.${key}.format must be 'seconds' or 'duration'; got ${describeValue(v.format)}.` });
    }
    const clash = seen.get(v.name);
    if (clash) {
      violations.push({ rule: 'budget-valid', severity: 'error', field: `${field}.${key}`, message: `${field}.${key} and ${field}.${clash} are both named ${v.name}; give each its own variable.` });
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
    const v = variable(key, ownField(options, key) as ContractEnvOptions[ContractKey]);
    return v ? [{ name: v.name, value: values[key](v.format) }] : [];
  });
}

/** A variable the user sets on the gRPC container, named as the front end calls the place. */
export interface UserEnvVariable {
  /** Where it was set, e.g. `env[2]` or `container.envVariables.LOG_LEVEL`. */
  readonly field: string;
  readonly name: string;
}

const CONTRACT_MEANING: { readonly [K in ContractKey]: string } = {
  preStop: 'preStop sleep',
  drainTimeout: 'drain timeout',
  cleanup: 'cleanup budget',
  healthPort: 'health port',
  readinessPath: 'readiness path',
  livenessPath: 'liveness path',
};

/** The names the contract variables take under `options`; a malformed option names nothing (checkContractEnv reports it). */
export function contractVariableNames(options: unknown = {}): Map<string, ContractKey> {
  const names = new Map<string, ContractKey>();
  if (!isOptionsObject(options)) return names;
  for (const key of CONTRACT_KEYS) {
    const option: unknown = options[key];
    if (option === undefined) names.set(CONTRACT_ENV[key], key);
    else if (typeof option === 'string') names.set(option, key);
    else if (typeof option === 'object' && option !== null && typeof (option as { name?: unknown }).name === 'string') names.set((option as { name: string }).name, key);
  }
  return names;
}

/**
 * User variables named like a contract variable are refused, whatever their value: a second
 * `GRPC_DRAIN_TIMEOUT_SECONDS` (say 600 inside a 45 s grace period) would make the server
 * drain by other numbers than the manifests it runs in, and the kubelet would SIGKILL it
 * mid-drain. Both front ends refuse it the same way; `plan`, when there is one, puts the
 * planned value and grace period in the message.
 */
export function checkUserEnv(variables: readonly UserEnvVariable[], options: unknown, plan?: DrainPlan): Finding[] {
  const names = contractVariableNames(options);
  const planned = plan && (options === undefined || isOptionsObject(options)) ? renderContractEnv(plan, options ?? {}) : [];
  return variables.flatMap(({ field, name }) => {
    const key = names.get(name);
    if (key === undefined) return [];
    const value = planned.find((variable) => variable.name === name)?.value;
    const writes = value === undefined ? 'which the plan writes' : `which the plan writes as ${JSON.stringify(value)}`;
    const grace = plan ? ` (terminationGracePeriodSeconds ${plan.terminationGracePeriodSeconds}s)` : '';
    return [
      {
        rule: 'budget-valid',
        severity: 'error',
        field,
        message: `${name} is the contract variable of the ${CONTRACT_MEANING[key]}, ${writes}: a value of your own would make the server drain by other numbers than the manifests${grace}. Drop it (change the budget instead), or rename or drop the contract variable with contractEnv.`,
      } satisfies Finding,
    ];
  });
}
