import { ownField, type Finding } from '../model';
import { describeValue, isPlainObject } from '../plan';
import { checkContractEnv, checkServiceOptions } from '../render';
import type { RetrofitOptions } from './api';

/**
 * Checks the shape of {@link RetrofitOptions} (rule `budget-valid`, one finding per option of
 * the wrong shape, the field named as the caller writes it). Own properties only: a polluted
 * `Object.prototype` never adds an option. The budget's own values are checked by the plan
 * (`planDrain`), with the same rule.
 */

/** The option names, in the order of the api. */
export const RETROFIT_OPTION_KEYS = ['budget', 'match', 'containers', 'contractEnv', 'scheme', 'runtimeContract', 'lbcClass', 'lbcWebhook'] as const;
/** The fields of `match`. */
export const MATCH_KEYS = ['kinds', 'namespaces', 'names', 'labels'] as const;
/** The workload kinds the retrofit applies the plan to. */
export const RETROFIT_KINDS = ['Deployment', 'StatefulSet'] as const;

function violation(field: string, message: string): Finding {
  return { rule: 'budget-valid', severity: 'error', field, message };
}

function shown(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : describeValue(value);
}

/** A non-empty list of non-empty strings (leave the option out to mean every one). */
function checkNames(value: unknown, field: string, what: string, allowed?: readonly string[]): Finding[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item !== '')) {
    return [violation(field, `${field} must be a non-empty list of ${what} (leave it out to match every one); got ${shown(value)}.`)];
  }
  const unknown = allowed ? value.filter((item) => !allowed.includes(item as string)) : [];
  return unknown.length > 0 ? [violation(field, `${field} takes ${allowed!.join(' and ')}; got ${JSON.stringify(unknown)}.`)] : [];
}

function checkMatch(match: unknown): Finding[] {
  if (match === undefined) return [];
  if (!isPlainObject(match)) return [violation('match', `match must be an object of ${MATCH_KEYS.join(', ')}; got ${describeValue(match)}.`)];
  const found: Finding[] = [];
  for (const key of Object.keys(match)) {
    if (!(MATCH_KEYS as readonly string[]).includes(key)) found.push(violation(`match.${key}`, `match.${key} is not a match field; use ${MATCH_KEYS.join(', ')}.`));
  }
  found.push(
    ...checkNames(ownField(match, 'kinds'), 'match.kinds', 'workload kinds', RETROFIT_KINDS),
    ...checkNames(ownField(match, 'namespaces'), 'match.namespaces', 'namespaces'),
    ...checkNames(ownField(match, 'names'), 'match.names', 'names'),
  );
  const labels = ownField(match, 'labels');
  if (labels !== undefined && (!isPlainObject(labels) || !Object.values(labels).every((v) => typeof v === 'string'))) {
    found.push(violation('match.labels', `match.labels must map label keys to string values, e.g. { "app.kubernetes.io/name": "engine" }; got ${describeValue(labels)}.`));
  }
  return found;
}

/** Every violation of the options' shape (the budget's values excepted: the plan checks them). */
export function checkRetrofitOptions(options: unknown): Finding[] {
  if (options === undefined) return [];
  if (!isPlainObject(options)) return [violation('options', `the retrofit options must be an object such as { budget, match }; got ${describeValue(options)}.`)];
  const found: Finding[] = [];
  for (const key of Object.keys(options)) {
    if (!(RETROFIT_OPTION_KEYS as readonly string[]).includes(key)) found.push(violation(key, `${key} is not a retrofit option; use ${RETROFIT_OPTION_KEYS.join(', ')}.`));
  }
  const budget = ownField(options, 'budget');
  if (budget !== undefined && !isPlainObject(budget)) found.push(violation('budget', `budget must be an object of budget fields such as { propagationSeconds: 30 }; got ${describeValue(budget)}.`));
  found.push(...checkMatch(ownField(options, 'match')));
  found.push(...checkNames(ownField(options, 'containers'), 'containers', 'container names'));
  const contractEnv = ownField(options, 'contractEnv');
  if (contractEnv !== undefined) found.push(...checkContractEnv(contractEnv, 'contractEnv'));
  found.push(...checkServiceOptions({ scheme: ownField(options, 'scheme') }));
  for (const key of ['runtimeContract', 'lbcWebhook'] as const) {
    const value = ownField(options, key);
    if (value !== undefined && typeof value !== 'boolean') found.push(violation(key, `${key} must be true or false; got ${describeValue(value)}.`));
  }
  const lbcClass = ownField(options, 'lbcClass');
  if (lbcClass !== undefined && (typeof lbcClass !== 'string' || lbcClass.trim() === '')) {
    found.push(violation('lbcClass', `lbcClass must be a load-balancer class such as "service.k8s.aws/nlb"; got ${describeValue(lbcClass)}.`));
  }
  return found;
}

/** The options with only their own, checked properties (call after {@link checkRetrofitOptions} found nothing). */
export function ownOptions(options: unknown): RetrofitOptions {
  const pick = <K extends (typeof RETROFIT_OPTION_KEYS)[number]>(key: K): Partial<Pick<RetrofitOptions, K>> => {
    const value = ownField(options, key);
    return value === undefined ? {} : ({ [key]: value } as Partial<Pick<RetrofitOptions, K>>);
  };
  const match = ownField(options, 'match');
  const matchOwn = match === undefined ? {} : { match: Object.fromEntries(MATCH_KEYS.flatMap((k) => (ownField(match, k) === undefined ? [] : [[k, ownField(match, k)]]))) };
  return { ...pick('budget'), ...matchOwn, ...pick('containers'), ...pick('contractEnv'), ...pick('scheme'), ...pick('runtimeContract'), ...pick('lbcClass'), ...pick('lbcWebhook') };
}
