import * as pulumi from '@pulumi/pulumi';
import type { Finding } from '../model';
import { DrainBudgetError, describeValue } from '../plan';

/** A `budget-valid` violation of a component's args. */
export function argViolation(field: string, message: string): Finding {
  return { rule: 'budget-valid', severity: 'error', field, message };
}

/** Whether `value` is a plain object (not an Output, an array or `null`). */
export function isArgsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !pulumi.Output.isInstance(value) && typeof (value as { then?: unknown }).then !== 'function';
}

/**
 * Throws when a component was called without an args object (`new NlbGrpcService('x')` from
 * JavaScript): the error says what to pass, where a destructuring would give a TypeError.
 */
export function requireArgs(component: string, subject: string, args: unknown, needs: string): asserts args is Record<string, unknown> {
  if (isArgsObject(args)) return;
  throw new DrainBudgetError([argViolation('args', `${component} needs args with at least { ${needs} }; got ${describeValue(args)}.`)], [], subject);
}

/** What was given in place of a resource, for messages: `an instance of Deployment`, `a plain object`, `undefined`. */
export function describeResource(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return describeValue(value);
  const name = value.constructor?.name;
  return !name || name === 'Object' ? 'a plain object' : `an instance of ${name}`;
}

/**
 * `value` as an Output that, once known, fails the deployment with a {@link DrainBudgetError}
 * when `check` finds a conflict: what cannot be read before registration (an Output) is
 * refused as soon as it can be, never silently overridden.
 */
export function refuseWhenKnown<T>(value: pulumi.Input<T>, subject: string, check: (resolved: T) => readonly Finding[]): pulumi.Output<T> {
  return pulumi.output(value).apply((resolved) => {
    const violations = check(resolved as T);
    if (violations.length > 0) throw new DrainBudgetError(violations, [], subject);
    return resolved;
  }) as pulumi.Output<T>;
}
