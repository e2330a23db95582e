/** How bad a broken rule is: an error fails the plan (and the doctor's exit code), a warning is reported. */
export type Severity = 'error' | 'warning';

/** The stable ids of the rules of DESIGN.md §4. */
export type RuleId =
  | 'budget-valid'
  | 'prestop-present'
  | 'prestop-covers-propagation'
  | 'grace-covers-drain'
  | 'drain-timeout-nonzero'
  | 'grace-needs-prestop'
  | 'sleep-within-grace'
  | 'sleep-action-supported'
  | 'healthcheck-uses-readiness'
  | 'healthcheck-in-range'
  | 'healthcheck-success-codes'
  | 'lbc-supports'
  | 'deregistration-delay-bounded'
  | 'deregistration-delay-covers-drain'
  | 'connection-termination-enabled'
  | 'unhealthy-drain'
  | 'probes-distinct'
  | 'target-type-ip'
  | 'rollout-waits-for-lb'
  | 'pdb-present'
  | 'grace-under-cap';

/** One broken rule: which rule, which field, and a message with the numbers and the fix. */
export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The setting at fault, as a dotted path of `DrainSettings` or of the budget. */
  readonly field: string;
  readonly message: string;
}
