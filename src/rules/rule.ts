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
 * The preStop sleep a fix leaves in place: the plan's sleep (the propagation), or today's when
 * it is longer (a fix never shrinks it). A hook whose delay cannot be read counts as the
 * propagation (prestop-covers-propagation asks the user to check it waits that long).
 * `undefined` when neither the propagation nor the current delay is known.
 */
export function fixSleepSeconds(s: DrainSettings): number | undefined {
  const current = preStopDelaySeconds(s.preStop);
  if (s.propagationSeconds === undefined) return current;
  return Math.max(current ?? 0, s.propagationSeconds);
}

/**
 * The grace period the budget asks for, S + D + C + H with S = {@link fixSleepSeconds}, when
 * all four are known: what a fix writes where the grace period is too short (a fix never
 * shrinks a longer one).
 */
export function plannedGraceSeconds(s: DrainSettings): number | undefined {
  const v = allKnown(fixSleepSeconds(s), s.drainTimeoutSeconds, s.cleanupSeconds, s.headroomSeconds);
  return v ? v[0] + v[1] + v[2] + v[3] : undefined;
}

/** The grace period a fix leaves: max(current, planned); `undefined` when the current one is unknown. */
export function fixGraceSeconds(s: DrainSettings): number | undefined {
  const grace = s.terminationGracePeriodSeconds;
  if (grace === undefined) return undefined;
  return Math.max(grace, plannedGraceSeconds(s) ?? 0);
}

/**
 * The deregistration delay a fix writes, the plan's R = G: the fix's grace period, cut to the
 * cluster's cap when one is known (the kubelet kills the pod there, whatever the spec says)
 * and to AWS's 3600 s. The doctor's fixes write exactly this number.
 */
export function fixDelaySeconds(s: DrainSettings): number | undefined {
  const grace = fixGraceSeconds(s);
  if (grace === undefined) return undefined;
  return Math.min(grace, s.maxTerminationGracePeriodSeconds ?? grace, DEREGISTRATION_DELAY.max);
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
