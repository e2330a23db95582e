import * as pulumi from '@pulumi/pulumi';

/**
 * Whether `value` holds no `Output` and no promise anywhere: plain JSON-like data that can be
 * read now. The engine hands a transform plain values (it deserializes the child's
 * properties), while a resource declared in the program keeps whatever Outputs it was given.
 */
export function isPlain(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (pulumi.Output.isInstance(value)) return false;
  if (typeof (value as { then?: unknown }).then === 'function') return false;
  if (Array.isArray(value)) return value.every(isPlain);
  return Object.values(value).every(isPlain);
}

/**
 * `map(value)` now when `value` is plain, else an Output of `map` over the resolved value
 * (dependencies and secrecy kept by `apply`). Plain in, plain out keeps transformed charts
 * deterministic and readable in tests; an Output in is still handled.
 */
export function mapInput<U>(value: unknown, map: (plain: unknown) => U): U | pulumi.Output<U> {
  if (isPlain(value)) return map(value);
  const lifted = pulumi.output(value as pulumi.Input<object>) as pulumi.Output<unknown>;
  return lifted.apply((resolved) => map(resolved)) as pulumi.Output<U>;
}

/** `{...below, ...above}` for two maps that may be Outputs; keys of `above` win. */
export function mergeMaps(
  below: pulumi.Input<{ [key: string]: pulumi.Input<string> } | undefined> | undefined,
  above: Readonly<Record<string, string>>,
): pulumi.Input<{ [key: string]: pulumi.Input<string> }> {
  if (below === undefined) return { ...above };
  if (isPlain(below)) return { ...(below as Record<string, string>), ...above };
  if (!pulumi.Output.isInstance(below) && typeof (below as { then?: unknown }).then !== 'function') {
    // A plain object whose values are Outputs: spreading keeps them as they are.
    return { ...(below as { [key: string]: pulumi.Input<string> }), ...above };
  }
  return pulumi.output(below).apply((resolved) => ({ ...resolved, ...above }));
}

/** The object without its `undefined` fields, so rendered inputs and snapshots stay minimal. */
export function definedFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
