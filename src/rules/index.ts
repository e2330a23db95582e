import type { DrainSettings, Finding, RuleId } from '../model';
import { budgetValid } from './budget-valid';
import { connectionTerminationEnabled, deregistrationDelayBounded, deregistrationDelayCoversDrain, unhealthyDrain } from './deregistration';
import { drainTimeoutNonzero } from './drain';
import { graceCoversDrain, graceNeedsPrestop, graceUnderCap } from './grace';
import { healthcheckInRange, healthcheckSuccessCodes, healthcheckUsesReadiness } from './health-check';
import { lbcSupports } from './lbc';
import { prestopCoversPropagation, prestopPresent, sleepActionSupported, sleepWithinGrace } from './prestop';
import { probesDistinct } from './probes';
import type { DrainRule, RuleInfo } from './rule';
import { pdbPresent, rolloutWaitsForLb, targetTypeIp } from './topology';

export type { DrainRule, RuleInfo } from './rule';
export { resolveRolloutValue } from './topology';

/** The rules of DESIGN.md §4 that check settings, in the order of the table. */
export const DRAIN_RULES: readonly DrainRule[] = [
  prestopPresent,
  prestopCoversPropagation,
  graceCoversDrain,
  drainTimeoutNonzero,
  graceNeedsPrestop,
  sleepWithinGrace,
  sleepActionSupported,
  healthcheckUsesReadiness,
  healthcheckInRange,
  deregistrationDelayBounded,
  deregistrationDelayCoversDrain,
  connectionTerminationEnabled,
  unhealthyDrain,
  probesDistinct,
  healthcheckSuccessCodes,
  lbcSupports,
  targetTypeIp,
  rolloutWaitsForLb,
  pdbPresent,
  graceUnderCap,
];

/** Every rule, `budget-valid` first: the table of DESIGN.md §4. */
export const RULE_INFO: readonly RuleInfo[] = [budgetValid, ...DRAIN_RULES];

/** The rules by id: a report looks one up for every finding. */
const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULE_INFO.map((rule) => [rule.id, rule]));

export function ruleInfo(id: RuleId): RuleInfo {
  const info = RULE_BY_ID.get(id);
  if (!info) throw new Error(`unknown rule id '${id}'`);
  return info;
}

/** Runs every rule on the settings; findings come in rule order. */
export function checkSettings(settings: DrainSettings): Finding[] {
  // A loop rather than flatMap: it runs for every workload, mostly before V8 optimizes it.
  const findings: Finding[] = [];
  for (let i = 0; i < DRAIN_RULES.length; i += 1) for (const finding of DRAIN_RULES[i]!.check(settings)) findings.push(finding);
  return findings;
}

/**
 * The rules table as Markdown (`| id | severity | checks | symptom it prevents |`), the one
 * the README shows: generated from the registry, so the docs never disagree with the rules.
 */
export function rulesTableMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| id | severity | checks | symptom it prevents |',
    '|---|---|---|---|',
    ...RULE_INFO.map((rule) => `| \`${rule.id}\` | ${rule.severity.replace('/', ' / ')} | ${escape(rule.summary)} | ${escape(rule.symptom)} |`),
  ].join('\n');
}
