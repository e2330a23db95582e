import type { RuleInfo } from './rule';

/**
 * `budget-valid` checks the budget itself (types, ranges) rather than settings; its check
 * lives with the budget resolution in src/plan. This is its entry in the rules table.
 */
export const budgetValid: RuleInfo = {
  id: 'budget-valid',
  severity: 'error',
  summary: 'every budget input has the right type and shape (own fields of a plain object) and lies within its range (BUDGET_LIMITS)',
  symptom: 'a plan built on NaN',
};
