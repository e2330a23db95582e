import type { DrainSettings, Finding, RuleId, Severity } from '../model';

/** What a rule is about, for reports and documentation. */
export interface RuleInfo {
  readonly id: RuleId;
  /** `error`, `warning`, or both (some rules have an error and a softer warning case). */
  readonly severity: Severity | 'error/warning';
  /** One line: what the rule checks. */
  readonly summary: string;
  /** The symptom of the seed article's self-diagnosis table it prevents. */
  readonly symptom: string;
}

/** A rule of DESIGN.md §4: a pure function of the settings; silent where an input is unknown. */
export interface DrainRule extends RuleInfo {
  check(settings: DrainSettings): Finding[];
}

/** `20s` */
export function secs(value: number): string {
  return `${value}s`;
}

/**
 * `preStop sleep + drain timeout (20s + 10s = 30s)`: an inequality's right-hand side with
 * its numbers, so a message shows the arithmetic it checked.
 */
export function sumText(terms: ReadonlyArray<readonly [label: string, seconds: number]>): string {
  const labels = terms.map(([label]) => label).join(' + ');
  const values = terms.map(([, seconds]) => secs(seconds)).join(' + ');
  const total = terms.reduce((acc, [, seconds]) => acc + seconds, 0);
  return `${labels} (${values} = ${secs(total)})`;
}

/**
 * The values, when every one is known; `undefined` when any is unknown (the rule then stays
 * silent). `const v = allKnown(a, b); if (!v) return []; const [a2, b2] = v;`
 */
export function allKnown<T extends readonly unknown[]>(...values: T): { [K in keyof T]: Exclude<T[K], undefined> } | undefined {
  return values.every((value) => value !== undefined) ? (values as { [K in keyof T]: Exclude<T[K], undefined> }) : undefined;
}

export function finding(rule: RuleId, severity: Severity, field: string, message: string): Finding {
  return { rule, severity, field, message };
}
