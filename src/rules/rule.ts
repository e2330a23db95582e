import { DEREGISTRATION_DELAY, preStopDelaySeconds, type DrainSettings, type Finding, type RuleId, type Severity } from '../model';

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

/**
 * The grace period the budget asks for, S + D + C + H, when all four are known: what a fix
 * writes where the grace period is too short (a fix never shrinks a longer one).
 */
export function plannedGraceSeconds(s: DrainSettings): number | undefined {
  const v = allKnown(preStopDelaySeconds(s.preStop), s.drainTimeoutSeconds, s.cleanupSeconds, s.headroomSeconds);
  return v ? v[0] + v[1] + v[2] + v[3] : undefined;
}

/** The grace period a fix writes: max(current, planned); `undefined` when the current one is unknown. */
export function fixGraceSeconds(s: DrainSettings): number | undefined {
  const grace = s.terminationGracePeriodSeconds;
  if (grace === undefined) return undefined;
  return Math.max(grace, plannedGraceSeconds(s) ?? 0);
}

/** The deregistration delay a fix writes: the fix's grace period, capped at AWS's 3600 s (what the plan derives). */
export function fixDelaySeconds(s: DrainSettings): number | undefined {
  const grace = fixGraceSeconds(s);
  return grace === undefined ? undefined : Math.min(grace, DEREGISTRATION_DELAY.max);
}

/** Whether the NLB's targets are nodes: the pod-level rules then do not apply (`target-type-ip` reports it). */
export function onInstanceTargets(s: DrainSettings): boolean {
  return s.targetType === 'instance';
}

/**
 * Of several labelled durations, the one to shrink by `excess` seconds: the largest, with the
 * value it must shrink to; `undefined` when even the largest cannot absorb the excess alone.
 */
export function shrinkLargest(
  terms: ReadonlyArray<readonly [label: string, seconds: number, min: number]>,
  excess: number,
): { readonly label: string; readonly from: number; readonly to: number } | undefined {
  const [label, from, min] = [...terms].sort((a, b) => b[1] - a[1])[0] ?? ['', 0, 0];
  return from - excess >= min ? { label, from, to: from - excess } : undefined;
}
